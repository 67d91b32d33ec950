//! The one error type that crosses from the core to the CLI and to the app's UI.
//!
//! Why: the CLI turns [`CoreError::kind`] into an exit code and the UI switches on it; both show the
//! message, which always says what to do next and never carries a secret.

use crate::postman::PostmanError;
use crate::validate::FieldError;
use ccs_api::ApiError;
use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};
use std::path::PathBuf;

/// Everything that can go wrong in the core, API errors included.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
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
    #[error("\"{name}\" cannot be a profile name: use 1 to 64 letters, digits, '.', '_' or '-'.")]
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
        /// What is missing, e.g. "client id".
        what: &'static str,
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
}

impl CoreError {
    /// A stable, machine-readable code: the API's codes, plus the core's own.
    pub fn kind(&self) -> &'static str {
        match self {
            CoreError::Api(error) => error.kind(),
            CoreError::InvalidInput { .. } => "invalid_input",
            CoreError::ProfileNotFound { .. } => "profile_not_found",
            CoreError::ProfileExists { .. } => "profile_exists",
            CoreError::InvalidProfileName { .. } => "invalid_profile_name",
            CoreError::ReservedProfileName { .. } => "reserved_profile_name",
            CoreError::MissingSetting { .. } => "missing_setting",
            CoreError::MissingSecret { .. } => "missing_secret",
            CoreError::KeychainUnavailable { .. } => "keychain_unavailable",
            CoreError::Config { .. } => "config",
            CoreError::Postman(_) => "postman_import",
            CoreError::Io { .. } => "io",
            CoreError::FolderInUse { .. } => "folder_in_use",
            CoreError::Cancelled => "cancelled",
        }
    }

    /// An input error on one field.
    pub fn field(field: &'static str, message: impl Into<String>) -> Self {
        CoreError::InvalidInput {
            fields: vec![FieldError {
                field,
                message: message.into(),
            }],
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
        state.serialize_field("code", self.kind())?;
        state.serialize_field("message", &self.to_string())?;
        let fields = match self {
            CoreError::InvalidInput { fields } => Some(fields),
            _ => None,
        };
        state.serialize_field("fields", &fields)?;
        state.end()
    }
}
