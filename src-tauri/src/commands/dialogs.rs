//! The native file dialogs, answered as a path (or `None` when closed) — and, after one, what is
//! left of it made to stop watching the chosen folder before the first byte is written there.
//!
//! Why: on Linux the dialog plugin's GTK file chooser outlives its answer (its window stays, hidden,
//! with the file list of the folder it showed, and that list watches the folder). Saving 1,000
//! documents into it made GTK re-sort the list on the main thread for every file that landed:
//! measured with the debug app under Xvfb, 8.5–10 s of main-thread CPU and the summary after
//! 10.6–13 s; with the chooser moved to `/` first, 0.2 s and 5.3 s (docs/benchmarks.md). Closing or
//! destroying the hidden window is not possible without `unsafe` GTK calls (the workspace forbids
//! them; `close` does nothing to a hidden window), so the list is pointed at a folder nobody writes
//! into.

use crate::error::{AppError, AppResult};
use ccs_core::ErrorCode;
use std::path::PathBuf;
use tauri::AppHandle;
use tauri_plugin_dialog::{FileDialogBuilder, FilePath};

/// The save dialog's answer: the path to write, or `None` when closed.
pub async fn save_path(
    app: &AppHandle,
    dialog: FileDialogBuilder<tauri::Wry>,
) -> AppResult<Option<PathBuf>> {
    answered(app, |send| dialog.save_file(send)).await
}

/// The folder picker's answer.
pub async fn folder(
    app: &AppHandle,
    dialog: FileDialogBuilder<tauri::Wry>,
) -> AppResult<Option<PathBuf>> {
    answered(app, |send| dialog.pick_folder(send)).await
}

/// The open dialog's answer (a file to read).
pub async fn file_to_open(
    app: &AppHandle,
    dialog: FileDialogBuilder<tauri::Wry>,
) -> AppResult<Option<PathBuf>> {
    answered(app, |send| dialog.pick_file(send)).await
}

/// Shows a dialog through `show` (given the callback to answer with) and waits for its answer; once
/// answered, the chosen folder is released (see the module's documentation).
async fn answered(
    app: &AppHandle,
    show: impl FnOnce(Box<dyn FnOnce(Option<FilePath>) + Send>),
) -> AppResult<Option<PathBuf>> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    show(Box::new(move |path| {
        let _ = tx.send(path);
    }));
    let Some(path) = rx.await.ok().flatten() else {
        return Ok(None);
    };
    let path = path
        .into_path()
        .map_err(|e| AppError::new(ErrorCode::Dialog, e.to_string()))?;
    release_chosen_folder(app).await;
    Ok(Some(path))
}

/// Moves every hidden file chooser to `/`, on the main thread, and waits until it is done.
async fn release_chosen_folder(app: &AppHandle) {
    let (done, moved) = tokio::sync::oneshot::channel();
    let scheduled = app.run_on_main_thread(move || {
        let _ = done.send(park_hidden_file_choosers());
    });
    if scheduled.is_ok() {
        if let Ok(count) = moved.await {
            if count > 0 {
                tracing::debug!(count, "hidden file choosers moved off the chosen folder");
            }
        }
    }
}

#[cfg(target_os = "linux")]
fn park_hidden_file_choosers() -> usize {
    use gtk::glib::Cast;
    use gtk::prelude::{FileChooserExt, WidgetExt};
    let mut moved = 0;
    for window in gtk::Window::list_toplevels() {
        let Ok(chooser) = window.downcast::<gtk::FileChooserDialog>() else {
            continue;
        };
        if !chooser.is_visible() && chooser.set_current_folder("/") {
            moved += 1;
        }
    }
    moved
}

#[cfg(not(target_os = "linux"))]
fn park_hidden_file_choosers() -> usize {
    0
}
