//! The one error type that crosses from the core to the CLI and to the app's UI, and the one list
//! of error codes.
//!
//! Why: the CLI turns [`CoreError::kind`] into an exit code and the UI switches on it; both show the
//! message, which always says what to do next and never carries a secret. [`ErrorCode`] is every
//! code anyone sends (the API's, the core's, the desktop app's own), written once: the app's errors
//! and the generated TypeScript bindings use it, so the UI cannot miss a code or misspell one.

use crate::postman::PostmanError;
use crate::validate::FieldError;
use ccs_api::{ApiError, ApiErrorKind};
use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};
use std::fmt;
use std::path::PathBuf;

/// Every stable error code: what the CLI's exit codes, the app's `AppError.code`, a bulk run's
/// failed files and `--json` carry. Serialised in snake_case (`invalid_client`, `folder_in_use`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    // The API's (see `ccs_api::ApiErrorKind`).
    /// The OAuth server refused the client id / client secret.
    InvalidClient,
    /// The API key is missing or was refused.
    InvalidApiKey,
    /// The key may not see this contract.
    ContractNotAccessible,
    /// The contract or document does not exist (for this key).
    NotFound,
    /// The access token was refused even after a fresh one.
    TokenRejected,
    /// Orange is limiting requests.
    RateLimited,
    /// The server rejected what was sent.
    Validation,
    /// The server failed.
    Server,
    /// The server could not be reached.
    Network,
    /// The server did not answer in time.
    Timeout,
    /// A create's answer was lost: it may have been applied.
    OutcomeUnknown,
    /// A download ended before all its bytes arrived.
    IncompleteDownload,
    /// The server answered something the client does not understand.
    UnexpectedResponse,
    /// A setting makes the call impossible or unsafe.
    InvalidConfig,
    /// The downloaded bytes could not be written.
    Write,
    // The core's (see [`CoreError`]).
    /// Input refused before any request.
    InvalidInput,
    /// No profile of that name.
    ProfileNotFound,
    /// A profile of that name exists.
    ProfileExists,
    /// A name that cannot be a profile's.
    InvalidProfileName,
    /// The demo's profile name.
    ReservedProfileName,
    /// A setting the call needs is set nowhere.
    MissingSetting,
    /// A secret is neither in the environment nor in the keychain.
    MissingSecret,
    /// No keychain could be reached.
    KeychainUnavailable,
    /// The settings file could not be used.
    Config,
    /// A Postman file could not be imported.
    PostmanImport,
    /// A file or folder could not be read or written.
    Io,
    /// Another bulk download is saving into the folder.
    FolderInUse,
    /// A consumption report (or its ZIP) could not be read as one.
    UnreadableReport,
    /// The person cancelled: a bulk run's unfinished files (a cancelled single save is no error to
    /// the app: it reports it stopped).
    Cancelled,
    // The desktop app's own (src-tauri).
    /// A native dialog failed.
    Dialog,
    /// A saved file could not be opened or shown in its folder.
    Open,
    /// The demo's sandbox did not start.
    Sandbox,
    /// No connection yet: no profile chosen, no demo started.
    NotConnected,
    /// The contract's documents (or that document) are not in the listed documents.
    NotListed,
    /// A bulk save with no document chosen.
    NothingChosen,
    /// A path this app did not save, asked to be opened.
    NotSavedHere,
    /// A bulk save is already running.
    Busy,
    /// A command stopped unexpectedly (a panic).
    Internal,
}

impl From<ApiErrorKind> for ErrorCode {
    fn from(kind: ApiErrorKind) -> Self {
        match kind {
            ApiErrorKind::InvalidClient => ErrorCode::InvalidClient,
            ApiErrorKind::InvalidApiKey => ErrorCode::InvalidApiKey,
            ApiErrorKind::ContractNotAccessible => ErrorCode::ContractNotAccessible,
            ApiErrorKind::NotFound => ErrorCode::NotFound,
            ApiErrorKind::TokenRejected => ErrorCode::TokenRejected,
            ApiErrorKind::RateLimited => ErrorCode::RateLimited,
            ApiErrorKind::Validation => ErrorCode::Validation,
            ApiErrorKind::Server => ErrorCode::Server,
            ApiErrorKind::Network => ErrorCode::Network,
            ApiErrorKind::Timeout => ErrorCode::Timeout,
            ApiErrorKind::OutcomeUnknown => ErrorCode::OutcomeUnknown,
            ApiErrorKind::IncompleteDownload => ErrorCode::IncompleteDownload,
            ApiErrorKind::UnexpectedResponse => ErrorCode::UnexpectedResponse,
            ApiErrorKind::InvalidConfig => ErrorCode::InvalidConfig,
            ApiErrorKind::Write => ErrorCode::Write,
        }
    }
}

impl fmt::Display for ErrorCode {
    /// The code as serialised (`folder_in_use`), for logs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.serialize(f)
    }
}

/// Everything that can go wrong in the core, API errors included.
#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    /// The API (or the network) failed; see [`ApiError`].
    #[error(transparent)]
    Api(#[from] ApiError),
    /// Input was refused before any request: each field with its reason.
    #[error("{}", fields.iter().map(|f| f.to_string()).collect::<Vec<_>>().join("; "))]
    InvalidInput {
        /// The fields and what is wrong with each.
        fields: Vec<FieldError>,
    },
    /// A profile name that does not exist.
    #[error("There is no profile named \"{name}\". `ccs profile list` shows the profiles.")]
    ProfileNotFound {
        /// The name that was asked for.
        name: String,
    },
    /// A profile name already in use.
    #[error("A profile named \"{name}\" already exists; choose another name or change it with `ccs profile set`.")]
    ProfileExists {
        /// The name in use.
        name: String,
    },
    /// A profile name we cannot use (it names keychain entries).
    #[error("\"{name}\" cannot be a profile name: use 1 to {max} letters, digits, '.', '_' or '-'.", max = crate::profiles::PROFILE_NAME_MAX_CHARS)]
    InvalidProfileName {
        /// The refused name.
        name: String,
    },
    /// A profile name kept for the app's demo.
    #[error("\"{name}\" is the name of the demo's profile, which the app rewrites at each demo start; choose another name.")]
    ReservedProfileName {
        /// The refused name.
        name: String,
    },
    /// A setting needed for the call is missing everywhere it may come from.
    #[error("No {what} is set. {hint}")]
    MissingSetting {
        /// What is missing.
        what: Setting,
        /// Where to set it.
        hint: String,
    },
    /// A secret is neither in the environment nor in the keychain.
    #[error("The {what} of profile \"{profile}\" is not stored. Store it with `ccs profile set {profile} --secrets`, or pass it in {variable}.")]
    MissingSecret {
        /// The profile.
        profile: String,
        /// "client secret" or "API key".
        what: &'static str,
        /// The environment variable that can carry it.
        variable: &'static str,
    },
    /// No OS keychain could be reached (e.g. a headless server).
    #[error("No keychain is reachable ({detail}). On a server without a desktop session, pass the secrets in the environment instead: CCS_CLIENT_SECRET and CCS_API_KEY (with CCS_CLIENT_ID and CCS_CONTRACT). Nothing was written to disk.")]
    KeychainUnavailable {
        /// What the keychain layer said (never a secret).
        detail: String,
    },
    /// The settings file could not be read or written.
    #[error("The settings file {} could not be used: {detail}", path.display())]
    Config {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        detail: String,
    },
    /// A Postman file could not be imported.
    #[error(transparent)]
    Postman(#[from] PostmanError),
    /// A file or folder could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The path involved.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// Another bulk download is saving into the chosen folder right now.
    #[error("Another download{} is already saving into {}; wait for it to end or choose another folder. (Its lock file is {}; a crashed run's lock does not count.)", holder.map(|pid| format!(" (process {pid})")).unwrap_or_default(), path.display(), lock_file.display())]
    FolderInUse {
        /// The folder.
        path: PathBuf,
        /// The process id of the run holding it, when known.
        holder: Option<u32>,
        /// The folder's lock file.
        lock_file: PathBuf,
    },
    /// The user cancelled the operation; nothing was left behind.
    #[error("The download was cancelled; nothing was saved and no temporary file was left.")]
    Cancelled,
    /// Spend: a report could not be read, or a question could not be asked of the aggregates.
    #[error(transparent)]
    Spend(#[from] crate::spend::SpendError),
}

/// A setting that can be missing ([`CoreError::MissingSetting`]): a script's exit code depends on
/// which (a missing contract is bad input; missing credentials are an authentication problem).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Setting {
    /// The contract a command needs.
    Contract,
    /// The OAuth client id.
    ClientId,
    /// The OAuth client secret.
    ClientSecret,
    /// The API key.
    ApiKey,
    /// The folder of `profiles.toml`.
    ConfigurationFolder,
}

impl Setting {
    /// Its name in messages ("client id").
    pub fn as_str(self) -> &'static str {
        match self {
            Setting::Contract => "contract",
            Setting::ClientId => "client id",
            Setting::ClientSecret => "client secret",
            Setting::ApiKey => "API key",
            Setting::ConfigurationFolder => "configuration folder",
        }
    }
}

impl std::fmt::Display for Setting {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl CoreError {
    /// A stable, machine-readable code: the API's codes, plus the core's own.
    pub fn kind(&self) -> ErrorCode {
        match self {
            CoreError::Api(error) => error.kind().into(),
            CoreError::InvalidInput { .. } => ErrorCode::InvalidInput,
            CoreError::ProfileNotFound { .. } => ErrorCode::ProfileNotFound,
            CoreError::ProfileExists { .. } => ErrorCode::ProfileExists,
            CoreError::InvalidProfileName { .. } => ErrorCode::InvalidProfileName,
            CoreError::ReservedProfileName { .. } => ErrorCode::ReservedProfileName,
            CoreError::MissingSetting { .. } => ErrorCode::MissingSetting,
            CoreError::MissingSecret { .. } => ErrorCode::MissingSecret,
            CoreError::KeychainUnavailable { .. } => ErrorCode::KeychainUnavailable,
            CoreError::Config { .. } => ErrorCode::Config,
            CoreError::Postman(_) => ErrorCode::PostmanImport,
            CoreError::Io { .. } => ErrorCode::Io,
            CoreError::FolderInUse { .. } => ErrorCode::FolderInUse,
            CoreError::Cancelled => ErrorCode::Cancelled,
            CoreError::Spend(error) => match error {
                crate::spend::SpendError::Io { .. } => ErrorCode::Io,
                crate::spend::SpendError::NotAggregated { .. }
                | crate::spend::SpendError::InvalidQuery { .. }
                | crate::spend::SpendError::CurrencyMismatch { .. }
                | crate::spend::SpendError::InvalidAmount { .. } => ErrorCode::InvalidInput,
                crate::spend::SpendError::NotAReport { .. }
                | crate::spend::SpendError::RecordTooLong { .. }
                | crate::spend::SpendError::TooManyBadRows { .. }
                | crate::spend::SpendError::Zip { .. }
                | crate::spend::SpendError::ZipEncrypted { .. }
                | crate::spend::SpendError::ZipTooManyEntries { .. }
                | crate::spend::SpendError::ZipTooLarge { .. }
                | crate::spend::SpendError::ZipEmpty { .. } => ErrorCode::UnreadableReport,
            },
        }
    }

    /// An input error on one field.
    pub fn field(field: &'static str, message: impl Into<String>) -> Self {
        CoreError::InvalidInput {
            fields: vec![FieldError::new(field, message)],
        }
    }
}

impl Serialize for CoreError {
    /// `{ code, message, fields? }` for the UI and `--json`; API errors keep their extra details.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if let CoreError::Api(error) = self {
            return error.serialize(serializer);
        }
        let mut state = serializer.serialize_struct("CoreError", 3)?;
        state.serialize_field("code", &self.kind())?;
        state.serialize_field("message", &self.to_string())?;
        let fields = match self {
            CoreError::InvalidInput { fields } => Some(fields),
            _ => None,
        };
        state.serialize_field("fields", &fields)?;
        state.end()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // A failed unwrap is a failed test, with its line.
mod tests {
    use super::*;

    #[test]
    fn the_api_kinds_keep_their_names() {
        let kinds = [
            ApiErrorKind::InvalidClient,
            ApiErrorKind::InvalidApiKey,
            ApiErrorKind::ContractNotAccessible,
            ApiErrorKind::NotFound,
            ApiErrorKind::TokenRejected,
            ApiErrorKind::RateLimited,
            ApiErrorKind::Validation,
            ApiErrorKind::Server,
            ApiErrorKind::Network,
            ApiErrorKind::Timeout,
            ApiErrorKind::OutcomeUnknown,
            ApiErrorKind::IncompleteDownload,
            ApiErrorKind::UnexpectedResponse,
            ApiErrorKind::InvalidConfig,
            ApiErrorKind::Write,
        ];
        for kind in kinds {
            let code = ErrorCode::from(kind);
            assert_eq!(serde_json::to_value(code).unwrap(), kind.as_str());
            assert_eq!(code.to_string(), kind.as_str());
        }
    }

    #[test]
    fn codes_are_snake_case_in_json_and_logs() {
        let error = CoreError::FolderInUse {
            path: "/tmp/x".into(),
            holder: None,
            lock_file: "/tmp/x/.ccs-downloads.lock".into(),
        };
        assert_eq!(error.kind(), ErrorCode::FolderInUse);
        assert_eq!(
            serde_json::to_value(&error).unwrap()["code"],
            "folder_in_use"
        );
        assert_eq!(ErrorCode::NotSavedHere.to_string(), "not_saved_here");
        assert_eq!(
            serde_json::to_value(CoreError::Postman(PostmanError::IsACollection)).unwrap()["code"],
            "postman_import"
        );
    }
}
