//! Exit codes: what a script can branch on.
//!
//! Why fixed numbers: a scheduled job that fetches last month's invoices must tell "fix the
//! credentials" (3) from "try again later" (5) without parsing English.

use ccs_api::ApiErrorKind;
use ccs_core::error::Setting;
use ccs_core::spend::SpendError;
use ccs_core::CoreError;

/// Success.
pub const OK: u8 = 0;
/// Bad usage, or input refused (before any request, or by the server's validation).
pub const BAD_INPUT: u8 = 2;
/// Authentication: client id/secret, API key, no secrets available.
pub const AUTH: u8 = 3;
/// A contract or document not accessible or not found.
pub const NOT_ACCESSIBLE: u8 = 4;
/// Network, rate limit or server failure after retries.
pub const UNAVAILABLE: u8 = 5;
/// Some downloads failed once downloading had started (the others are kept).
pub const DOWNLOADS_FAILED: u8 = 6;
/// Interrupted by Ctrl-C.
pub const INTERRUPTED: u8 = 130;

/// The exit code for an error. Exhaustive on purpose: a new error must be given its code here.
pub fn code_for(error: &CoreError) -> u8 {
    match error {
        CoreError::MissingSetting {
            what: Setting::Contract,
            ..
        } => BAD_INPUT,
        CoreError::MissingSetting { .. }
        | CoreError::MissingSecret { .. }
        | CoreError::KeychainUnavailable { .. } => AUTH,
        CoreError::InvalidInput { .. }
        | CoreError::ProfileNotFound { .. }
        | CoreError::ProfileExists { .. }
        | CoreError::InvalidProfileName { .. }
        | CoreError::ReservedProfileName { .. }
        | CoreError::Config { .. }
        | CoreError::Postman(_)
        | CoreError::Io { .. } => BAD_INPUT,
        CoreError::Api(api) => match api.kind() {
            ApiErrorKind::InvalidClient
            | ApiErrorKind::InvalidApiKey
            | ApiErrorKind::TokenRejected => AUTH,
            ApiErrorKind::ContractNotAccessible | ApiErrorKind::NotFound => NOT_ACCESSIBLE,
            ApiErrorKind::Validation | ApiErrorKind::InvalidConfig => BAD_INPUT,
            ApiErrorKind::Write => DOWNLOADS_FAILED,
            // Try again later (a create whose answer was lost: after checking the list).
            ApiErrorKind::OutcomeUnknown
            | ApiErrorKind::RateLimited
            | ApiErrorKind::Server
            | ApiErrorKind::Network
            | ApiErrorKind::Timeout
            | ApiErrorKind::IncompleteDownload
            | ApiErrorKind::UnexpectedResponse => UNAVAILABLE,
        },
        // Another download is saving into that folder: try again when it is done.
        CoreError::FolderInUse { .. } => UNAVAILABLE,
        CoreError::Cancelled => INTERRUPTED,
        CoreError::Spend(spend) => match spend {
            SpendError::Io { .. }
            | SpendError::NotAggregated { .. }
            | SpendError::InvalidQuery { .. }
            | SpendError::CurrencyMismatch { .. }
            | SpendError::InvalidAmount { .. } => BAD_INPUT,
            // A report the server sent that cannot be read, like an answer not understood.
            SpendError::NotAReport { .. }
            | SpendError::RecordTooLong { .. }
            | SpendError::TooManyBadRows { .. }
            | SpendError::Zip { .. }
            | SpendError::ZipEncrypted { .. }
            | SpendError::ZipTooManyEntries { .. }
            | SpendError::ZipTooLarge { .. }
            | SpendError::ZipEmpty { .. } => UNAVAILABLE,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ccs_api::ApiError;

    #[test]
    fn scripts_can_tell_what_to_do() {
        let api = |error: ApiError| code_for(&CoreError::Api(error));
        assert_eq!(
            api(ApiError::OutcomeUnknown {
                what: "a contract".into(),
                list: "contracts".into(),
                detail: "no answer".into(),
            }),
            UNAVAILABLE
        );
        assert_eq!(
            api(ApiError::InvalidClient {
                description: "no".into()
            }),
            AUTH
        );
        assert_eq!(api(ApiError::InvalidConfig("x".into())), BAD_INPUT);
        assert_eq!(
            api(ApiError::Write(std::io::Error::other("full"))),
            DOWNLOADS_FAILED
        );
        let folder_in_use = CoreError::FolderInUse {
            path: "/tmp/x".into(),
            holder: None,
            lock_file: "/tmp/x/.ccs-downloads.lock".into(),
        };
        assert_eq!(code_for(&folder_in_use), UNAVAILABLE);
        assert_eq!(code_for(&CoreError::Cancelled), INTERRUPTED);
        let reserved = CoreError::ReservedProfileName {
            name: "Demo".into(),
        };
        assert_eq!(code_for(&reserved), BAD_INPUT);
        let no_contract = CoreError::MissingSetting {
            what: Setting::Contract,
            hint: String::new(),
        };
        assert_eq!(code_for(&no_contract), BAD_INPUT);
        let no_client = CoreError::MissingSetting {
            what: Setting::ClientId,
            hint: String::new(),
        };
        assert_eq!(code_for(&no_client), AUTH);
    }
}
