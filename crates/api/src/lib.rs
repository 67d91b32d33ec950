//! `ccs-api`: the typed client of Orange Business's Cloud Customer Space API.
//!
//! Why a crate of its own: the desktop app, the `ccs` command line and the benchmarks all talk to the
//! API through this one client, which knows nothing of Tauri, the keychain or any UI. The wire contract
//! is `openapi.yaml` (see the project's `docs/architecture.md`).
//!
//! ```no_run
//! # async fn run() -> Result<(), ccs_api::ApiError> {
//! use ccs_api::{Client, ClientConfig, Credentials, ContractId, DocumentsQuery, DocumentType};
//! let client = Client::new(ClientConfig::default(), Credentials::new("id", "secret", "key"))?;
//! let contract = ContractId::parse("OCB0001234").expect("a valid id");
//! let invoices = client
//!     .list_documents(&contract, &DocumentsQuery { document_type: Some(DocumentType::Invoices), limit: 100 })
//!     .await?;
//! println!("{} invoices (more available: {})", invoices.documents.len(), invoices.filled_limit);
//! # Ok(()) }
//! ```

mod client;
mod clock;
mod config;
mod credentials;
mod disposition;
mod download;
mod error;
mod error_body;
mod ids;
mod lenient;
mod model;
mod retry;
mod token;

pub use client::{Client, TokenStatus, API_KEY_HEADER, CONTRACT_HEADER, REQUEST_ID_HEADER};
pub use clock::{Clock, ManualClock, Sleep, SystemClock};
pub use config::{
    is_loopback, parse_base_url, ClientConfig, ProxySetting, DEFAULT_API_BASE, DEFAULT_OAUTH_BASE,
};
pub use credentials::Credentials;
pub use disposition::filename_from_content_disposition;
pub use download::{DownloadProgress, DownloadRequest, DownloadedFile};
pub use error::{ApiError, ApiErrorKind};
pub use ids::{ClientId, ContractId, ContractIdError, DocumentId, DocumentIdError, UserId};
pub use model::{
    period_year_month, Civility, Contact, ContractDetail, ContractSummary, CreateAnswer,
    CreatedContract, CreatedUser, Customer, Document, DocumentList, DocumentType, DocumentsQuery,
    ExtraFields, ListedDocuments, NewContract, NewUser, Offer, User, YearMonth, YearMonthError,
};
pub use retry::{parse_retry_after, RetryPolicy};
pub use secrecy::{ExposeSecret, SecretString};
pub use token::AccessToken;
