//! The shapes the UI sees: small, typed views of the core's data (exported to TypeScript).
//!
//! Why views and not the API types themselves: the protocol crate stays free of UI concerns, numbers
//! are `f64`/`u32` (TypeScript has no 64-bit integers), and nothing secret has a field here at all.

use ccs_core::ErrorCode;
use serde::{Deserialize, Serialize};
use specta::Type;

/// Stored / not stored: all the UI learns about secrets.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SecretStatusView {
    /// The client secret is in the keychain.
    pub client_secret: bool,
    /// The API key is in the keychain.
    pub api_key: bool,
}

/// A profile, without its secrets.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ProfileView {
    /// Name.
    pub name: String,
    /// API base URL (Orange's when null).
    pub host: Option<String>,
    /// OAuth base URL (Orange's when null).
    pub oauth_host: Option<String>,
    /// OAuth client id.
    pub client_id: Option<String>,
    /// Default contract.
    pub default_contract: Option<String>,
    /// The default profile.
    pub is_default: bool,
    /// The demo profile the app refreshes at each sandbox start.
    pub is_sandbox: bool,
    /// Which secrets are stored.
    pub secrets: SecretStatusView,
}

/// A profile to create or change. Secrets go in here and never come back out.
#[derive(Debug, Clone, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ProfileInput {
    /// The profile's current name when editing (renames move keychain entries); null to create.
    pub original_name: Option<String>,
    /// Name.
    pub name: String,
    /// API base URL, or null for Orange's.
    pub host: Option<String>,
    /// OAuth base URL, or null for Orange's.
    pub oauth_host: Option<String>,
    /// OAuth client id.
    pub client_id: String,
    /// Default contract.
    pub default_contract: Option<String>,
    /// New client secret; null keeps the stored one.
    pub client_secret: Option<String>,
    /// New API key; null keeps the stored one.
    pub api_key: Option<String>,
}

/// What this window is connected to.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionView {
    /// Profile name.
    pub profile: String,
    /// API host in use.
    pub host: String,
    /// The built-in sandbox.
    pub sandbox: bool,
}

/// Where the app opens (`open_start_profile`).
#[derive(Debug, Clone, Serialize, Type)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum StartView {
    /// Connected: the window's connection, or the start profile just connected.
    Connected {
        /// The connection.
        connection: ConnectionView,
        /// The start profile's contracts, fetched in the same round trip (the first screen); `None`
        /// when the window was already connected or the list failed (the screen then asks and
        /// shows why).
        contracts: Option<Vec<ContractView>>,
    },
    /// The start profile is the built-in sandbox, which the UI starts (it takes a moment).
    Sandbox,
    /// No profile to open by itself: none at all (first run), or several and none the default.
    #[serde(rename_all = "camelCase")]
    Choose {
        /// Whether any profile exists.
        has_profiles: bool,
    },
}

/// What a Postman import did.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ImportOutcome {
    /// The profile created.
    pub profile: String,
    /// Settings taken.
    pub imported: Vec<String>,
    /// Settings still to fill in.
    pub to_fill_in: Vec<String>,
    /// Keys not taken.
    pub ignored: Vec<String>,
}

/// Result of a credentials check.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AuthCheckView {
    /// The token's life.
    pub token_lifetime_seconds: u32,
    /// Contracts the API key sees.
    pub contracts: u32,
}

/// A contracts-list row.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ContractView {
    /// Contract number.
    pub id: String,
    /// Name.
    pub name: String,
    /// Offer name.
    pub offer: Option<String>,
    /// Creation time (RFC 3339).
    pub created_at: Option<String>,
    /// Status, when the list says.
    pub status: Option<String>,
}

/// One field of a contract's detail.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct DetailField {
    /// Dotted key (`customer.name`), or the server's own name for fields we do not know.
    pub key: String,
    /// The value as text.
    pub value: String,
}

/// A contract's detail: every field the API returned.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ContractDetailView {
    /// Contract number.
    pub id: String,
    /// Name.
    pub name: String,
    /// Every other field, flattened.
    pub fields: Vec<DetailField>,
}

/// A documents-list row.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct DocumentView {
    /// Id to download with.
    pub id: String,
    /// File name from the list (untrusted; sanitised before saving).
    pub filename: String,
    /// `YYYYMM` or `YYYYMMDD`.
    pub period: String,
    /// Type, as the API spells it.
    pub document_type: Option<String>,
    /// Issue time (RFC 3339).
    pub created_at: Option<String>,
    /// Bytes.
    pub size: Option<f64>,
    /// Amount.
    pub amount: Option<f64>,
    /// Currency of the amount.
    pub currency: Option<String>,
    /// Whether the person selected it (the selection lives with the list, in Rust).
    pub selected: bool,
}

/// The documents query.
#[derive(Debug, Clone, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct DocumentsQueryInput {
    /// One type (API spelling), or null for all.
    pub document_type: Option<String>,
    /// At most this many, newest first.
    pub limit: u32,
    /// Keep the selection of documents still listed ("load more"); a fresh visit starts without.
    pub keep_selection: bool,
}

/// A documents list now held by the app (`load_documents`); the page then asks for the rows it shows
/// (`document_rows`).
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct DocumentsLoaded {
    /// How many documents the list holds.
    pub total: u32,
    /// The limit asked for.
    pub limit: u32,
    /// The answer filled the limit: there may be more.
    pub filled_limit: bool,
    /// The types present (API spelling), known ones first in the usual order.
    pub types: Vec<String>,
}

/// What the person filters the documents by. Months are `YYYYMM` numbers (202403), inclusive.
#[derive(Debug, Clone, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct DocumentFilterInput {
    /// Words that must all appear (any case, accents ignored).
    pub search: String,
    /// One type (any spelling), or null for all.
    pub document_type: Option<String>,
    /// First month, or null.
    pub from: Option<u32>,
    /// Last month, or null.
    pub to: Option<u32>,
}

/// A column to sort the documents by.
#[derive(Debug, Clone, Copy, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum SortKeyInput {
    /// Issue date.
    Date,
    /// Billing period.
    Period,
    /// Amount.
    Amount,
    /// File name.
    Name,
}

/// Which way.
#[derive(Debug, Clone, Copy, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum SortDirectionInput {
    /// Ascending.
    Asc,
    /// Descending.
    Desc,
}

/// A sort order.
#[derive(Debug, Clone, Copy, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct DocumentSortInput {
    /// By what.
    pub key: SortKeyInput,
    /// Which way.
    pub direction: SortDirectionInput,
}

/// The rows a page shows: a window of the filtered, sorted list.
#[derive(Debug, Clone, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct RowsRequest {
    /// Which documents.
    pub filter: DocumentFilterInput,
    /// In which order.
    pub sort: DocumentSortInput,
    /// The first row wanted (0-based, in that order).
    pub offset: u32,
    /// How many rows (at most 500 are sent).
    pub count: u32,
}

/// A window of the filtered, sorted documents, with the counts the page prints.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct DocumentRowsView {
    /// Documents in the list.
    pub total: u32,
    /// Documents the filter shows.
    pub matched: u32,
    /// Invoices among them ("save this period's invoices").
    pub matched_invoices: u32,
    /// Selected documents among them.
    pub matched_selected: u32,
    /// Selected documents, shown or not ("save selected").
    pub selected: u32,
    /// The position of the first row below.
    pub offset: u32,
    /// The rows from `offset`.
    pub rows: Vec<DocumentView>,
}

/// A change to the selection.
#[derive(Debug, Clone, Deserialize, Type)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum SelectionChange {
    /// One document.
    One {
        /// Its id.
        id: String,
        /// Selected or not.
        selected: bool,
    },
    /// Every document a filter shows (the others keep their state).
    Matching {
        /// The filter.
        filter: DocumentFilterInput,
        /// Selected or not.
        selected: bool,
    },
}

/// Which documents a bulk save takes.
#[derive(Debug, Clone, Deserialize, Type)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum DocumentChoice {
    /// The selected ones.
    Selected,
    /// The invoices among what a filter shows ("save this period's invoices").
    Invoices {
        /// The filter.
        filter: DocumentFilterInput,
    },
    /// These documents ("Try again" of the ones that failed).
    Documents {
        /// Their ids, as the list gave them.
        ids: Vec<String>,
    },
}

/// The outcome of a save dialog.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(tag = "status", rename_all = "camelCase")]
pub enum SaveOutcome {
    /// Saved there.
    Saved {
        /// Absolute path.
        path: String,
    },
    /// The user closed the dialog.
    Cancelled,
    /// The user stopped the save: nothing was written under the chosen name.
    Stopped,
}

/// One file of a bulk save.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct BulkFileView {
    /// Document id (for support; people know a document by the three fields below).
    pub id: String,
    /// The file name it has, or would have had (what a failure is named by).
    pub name: String,
    /// Its type as the list names it.
    pub document_type: Option<String>,
    /// Its billing period, as the list gives it.
    pub period: String,
    /// Where it is (saved or skipped; for a file changed locally, the fresh copy beside it).
    pub path: Option<String>,
    /// Bytes.
    pub bytes: f64,
    /// How it ended.
    pub status: BulkFileStatus,
    /// Why it failed: the error's code, for the UI to say it in the user's language.
    pub error_code: Option<ErrorCode>,
    /// Why it failed, in English (the technical detail).
    pub error: Option<String>,
    /// For a file changed locally: the user's file, left as it was.
    pub kept_path: Option<String>,
}

/// How one file of a bulk save ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum BulkFileStatus {
    /// Saved now.
    Saved,
    /// Already there and intact.
    Skipped,
    /// The saved file was changed since: kept as it is, the fresh copy saved beside it.
    ChangedLocallyKept,
    /// Not saved.
    Failed,
}

impl From<ccs_core::bulk::FileStatus> for BulkFileStatus {
    fn from(status: ccs_core::bulk::FileStatus) -> Self {
        use ccs_core::bulk::FileStatus;
        match status {
            FileStatus::Saved => BulkFileStatus::Saved,
            FileStatus::Skipped => BulkFileStatus::Skipped,
            FileStatus::ChangedLocallyKept => BulkFileStatus::ChangedLocallyKept,
            FileStatus::Failed => BulkFileStatus::Failed,
        }
    }
}

/// The summary of a bulk save.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct BulkOutcome {
    /// Files saved now.
    pub saved: u32,
    /// Files already there and intact.
    pub skipped: u32,
    /// Files changed locally since they were saved: kept, the fresh copy beside them.
    pub changed_locally_kept: u32,
    /// Files that failed.
    pub failed: u32,
    /// Problems with the folder's download record that the run worked around (in English).
    pub warnings: Vec<String>,
    /// The user cancelled.
    pub cancelled: bool,
    /// The chosen folder (the archive's folder for one ZIP file).
    pub folder: String,
    /// The documents were to go into one ZIP file (not a file each in a folder).
    pub is_archive: bool,
    /// The archive, when the documents were saved as one ZIP file (none if nothing was written).
    pub archive: Option<String>,
    /// Every file (for an archive: the ones left out).
    pub files: Vec<BulkFileView>,
}

/// A single save's progress, emitted as the `save-progress` event (coalesced:
/// `ccs_core::progress`).
#[derive(Debug, Clone, Serialize, Deserialize, Type, tauri_specta::Event)]
#[serde(rename_all = "camelCase")]
pub struct SaveProgressEvent {
    /// Bytes so far.
    pub bytes_done: f64,
    /// Bytes in all, when the server said.
    pub bytes_total: Option<f64>,
    /// When the core reported the oldest step this event stands for (ms since the Unix epoch): the
    /// page marks how late it painted it (the benchmark reads those marks).
    pub reported_at_ms: f64,
}

/// Bulk progress, emitted as the `bulk-progress` event.
#[derive(Debug, Clone, Serialize, Deserialize, Type, tauri_specta::Event)]
#[serde(rename_all = "camelCase")]
pub struct BulkProgress {
    /// Files finished (saved, skipped or failed).
    pub files_done: u32,
    /// Files in all.
    pub files_total: u32,
    /// Bytes so far.
    pub bytes_done: f64,
    /// Bytes in all, when the list gave sizes.
    pub bytes_total: Option<f64>,
    /// When the core reported the oldest step this event stands for (ms since the Unix epoch): the
    /// page marks how late it painted it (the benchmark reads those marks).
    pub reported_at_ms: f64,
}

/// The created user.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct CreatedUserView {
    /// Login (the existing one when the email already had one).
    pub login: Option<String>,
    /// Email.
    pub email: Option<String>,
    /// The email already had a login, which was kept.
    pub already_existed: bool,
}

/// Which proxy to use (apps started from a desktop menu do not see the shell's HTTPS_PROXY).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, Default)]
#[serde(tag = "mode", rename_all = "camelCase")]
pub enum ProxyChoice {
    /// The system's (environment) proxy.
    #[default]
    System,
    /// No proxy.
    None,
    /// This proxy URL. Sent by the UI it may carry `user:password@` (the password goes to the
    /// keychain); sent to the UI it never carries a password.
    Manual {
        /// The proxy URL.
        url: String,
    },
}

impl From<ccs_core::app_settings::Proxy> for ProxyChoice {
    fn from(proxy: ccs_core::app_settings::Proxy) -> Self {
        use ccs_core::app_settings::Proxy;
        match proxy {
            Proxy::System => ProxyChoice::System,
            Proxy::None => ProxyChoice::None,
            Proxy::Manual { url } => ProxyChoice::Manual { url },
        }
    }
}

impl From<ProxyChoice> for ccs_core::app_settings::Proxy {
    fn from(choice: ProxyChoice) -> Self {
        use ccs_core::app_settings::Proxy;
        match choice {
            ProxyChoice::System => Proxy::System,
            ProxyChoice::None => Proxy::None,
            ProxyChoice::Manual { url } => Proxy::Manual { url },
        }
    }
}

/// App settings shown in the UI.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SettingsView {
    /// Proxy choice (a manual URL without its password).
    pub proxy: ProxyChoice,
    /// The manual proxy's password is in the keychain ("password stored"); never the password.
    pub proxy_password_stored: bool,
}

impl From<ccs_core::app_settings::ProxyStatus> for SettingsView {
    fn from(status: ccs_core::app_settings::ProxyStatus) -> Self {
        Self {
            proxy: status.proxy.into(),
            proxy_password_stored: status.password_stored,
        }
    }
}

/// The access token of the connection, emitted as `token-state` after each call to the API, so the
/// connection indicator can say whether the credentials work and for how long the token lives.
#[derive(Debug, Clone, Serialize, Deserialize, Type, tauri_specta::Event)]
#[serde(rename_all = "camelCase")]
pub struct TokenState {
    /// The profile.
    pub profile: String,
    /// A token is cached and was accepted.
    pub valid: bool,
    /// Seconds of life left, when there is a token.
    pub seconds_left: Option<u32>,
}

/// What "Open" did with a saved file.
#[derive(Debug, Clone, Copy, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum OpenOutcome {
    /// Opened with the system's default application.
    Opened,
    /// Not a kind of document this API serves (its name came from the server): shown in its folder
    /// instead, never run.
    ShownInFolder,
}
