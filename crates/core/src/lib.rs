//! `ccs-core`: what the desktop app and the `ccs` command line share.
//!
//! Why a crate of its own: profiles, secrets, bulk downloads and file naming must behave the same in
//! the app and in the CLI, which stay thin shells over this crate. It knows nothing of Tauri or clap.

pub mod account;
pub mod app_settings;
pub mod archive;
pub mod bulk;
pub mod cache;
pub mod catalog;
mod disk;
pub mod error;
pub mod export;
pub mod forms;
pub mod import;
pub mod listed;
pub mod manifest;
pub mod naming;
pub mod opening;
pub mod postman;
pub mod profile_edit;
pub mod profiles;
pub mod progress;
pub mod save;
pub mod secrets;
pub mod session;
pub mod settings;
pub mod spend;
pub mod spend_source;
pub mod validate;

pub use error::{CoreError, ErrorCode};
