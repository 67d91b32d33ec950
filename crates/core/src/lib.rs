//! `ccs-core`: what the desktop app and the `ccs` command line share.

pub mod export;
pub mod naming;
pub mod postman;
pub mod validate;
