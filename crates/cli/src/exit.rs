//! Exit codes: what a script can branch on.
//!
//! Why fixed numbers: a scheduled job that fetches last month's invoices must tell "fix the
//! credentials" (3) from "try again later" (5) without parsing English.

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

/// The exit code for an error.
pub fn code_for(error: &CoreError) -> u8 {
    match error {
        CoreError::MissingSetting {
            what: "contract", ..
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
            "invalid_client" | "invalid_api_key" | "token_rejected" => AUTH,
            "contract_not_accessible" | "not_found" => NOT_ACCESSIBLE,
            "validation" | "invalid_config" => BAD_INPUT,
            "write" => DOWNLOADS_FAILED,
            _ => UNAVAILABLE,
        },
        // Another download is saving into that folder: try again when it is done.
        CoreError::FolderInUse { .. } => UNAVAILABLE,
        CoreError::Cancelled => INTERRUPTED,
        _ => UNAVAILABLE,
    }
}
