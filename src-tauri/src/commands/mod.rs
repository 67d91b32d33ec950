//! The typed commands the UI may call (each allowed by name in `capabilities/default.json`).
//!
//! Why thin: every rule lives in `ccs-core`; a command converts views, calls the core, and records
//! errors for the diagnostics report.

pub mod connection;
pub mod data;
pub mod files;
pub mod profiles;

use crate::error::AppResult;
use crate::state::AppState;

/// Records a failed command's error for "Copy diagnostics", and passes the result on.
pub fn track<T>(state: &AppState, result: AppResult<T>) -> AppResult<T> {
    if let Err(error) = &result {
        tracing::warn!(code = %error.code, request_id = ?error.request_id, "command failed");
        state.record_error(error);
    }
    result
}
