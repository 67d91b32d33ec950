//! The typed commands the UI may call (each allowed by name in `capabilities/default.json`).
//!
//! Why thin: every rule lives in `ccs-core`; a command converts views, calls the core, and records
//! errors for the diagnostics report.

pub mod archive;
pub mod connection;
pub mod data;
pub mod dialogs;
pub mod documents;
pub mod files;
pub mod profiles;
pub mod progress;

use crate::dto::TokenState;
use crate::error::{AppError, AppResult};
use crate::state::{Active, AppState};
use ccs_core::ErrorCode;
use tauri::{AppHandle, Manager};
use tauri_specta::Event;

/// Runs `work` on the blocking pool with the app's state, and records its error. Why: the keychain
/// is a blocking D-Bus conversation (and profiles are files); a synchronous command would run it on
/// the main thread, which also draws the window and serves the page.
pub async fn off_main_thread<T: Send + 'static>(
    app: &AppHandle,
    work: impl FnOnce(&AppState) -> AppResult<T> + Send + 'static,
) -> AppResult<T> {
    let worker = app.clone();
    let result = tauri::async_runtime::spawn_blocking(move || work(&worker.state::<AppState>()))
        .await
        .unwrap_or_else(|error| {
            Err(AppError::new(
                ErrorCode::Internal,
                format!("the command stopped: {error}"),
            ))
        });
    track(&app.state::<AppState>(), result)
}

/// Records a failed command's error for "Copy diagnostics", and passes the result on.
pub fn track<T>(state: &AppState, result: AppResult<T>) -> AppResult<T> {
    if let Err(error) = &result {
        tracing::warn!(code = %error.code, request_id = ?error.request_id, "command failed");
        state.record_error(error);
    }
    result
}

/// Tells the window how the connection's token stands after a call (never the token itself).
pub async fn emit_token_state<T>(app: &tauri::AppHandle, active: &Active, result: &AppResult<T>) {
    let refused = result
        .as_ref()
        .err()
        .is_some_and(|e| matches!(e.code, ErrorCode::InvalidClient | ErrorCode::TokenRejected));
    let token = active.client.cached_token().await;
    let seconds_left = token
        .as_ref()
        .and_then(|t| {
            t.expires_at()
                .duration_since(std::time::SystemTime::now())
                .ok()
        })
        .map(|d| u32::try_from(d.as_secs()).unwrap_or(u32::MAX));
    let state = TokenState {
        profile: active.profile.clone(),
        valid: !refused && seconds_left.is_some_and(|s| s > 0),
        seconds_left: if refused { None } else { seconds_left },
    };
    if let Err(error) = state.emit(app) {
        tracing::warn!(%error, "could not send the token state to the window");
    }
}
