//! A faithful local simulator of Orange Business's Cloud Customer Space API, written from the
//! wire contract alone (`shared/api/openapi.yaml`), so the client can be tested end to end
//! without Orange credentials: same paths, headers, quirks and error bodies, real PDF, XLSX
//! and CSV files of exactly announced sizes, and faults on demand.
//!
//! ```no_run
//! # async fn demo() -> Result<(), ccs_sandbox::SandboxError> {
//! let sandbox = ccs_sandbox::Sandbox::start(ccs_sandbox::SandboxConfig::default()).await?;
//! println!("{}", sandbox.api_base_url());
//! sandbox.shutdown().await;
//! # Ok(()) }
//! ```

mod auth;
mod clock;
mod config;
mod counters;
mod data;
mod disposition;
mod errors;
mod faults;
mod formats;
mod routes;
mod server;
mod state;
pub mod story;
mod sync;

pub use clock::{Clock, ManualClock, SystemClock};
pub use config::{FaultConfig, SandboxConfig, SandboxCredentials, TokenBodyFault};
pub use counters::Route;
pub use data::documents::DocumentInfo;
pub use errors::SandboxError;
pub use faults::{CreateAnswerStyle, DispositionStyle, Fault, GatewayStyle};
pub use server::{Sandbox, SandboxHandle};

/// The 27 CSV columns of consumption reports, in order, for tests that check headers.
pub const CSV_COLUMNS: [&str; 27] = formats::csv::COLUMNS;

/// The sheet name of bills, for tests that open them.
pub const BILLING_SHEET: &str = formats::xlsx::SHEET_NAME;
