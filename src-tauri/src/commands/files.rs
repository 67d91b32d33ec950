//! Saving files: one document through the native save dialog, many through the folder picker.
//!
//! Why in Rust: a document's bytes never cross IPC (a JSON array of numbers would cost memory and
//! time for nothing). Rust shows the dialog, streams the download to a
//! temporary file beside the target, fsyncs and renames it, and returns only the path.

use super::documents::chosen_documents;
use super::track;
use crate::dto::{
    BulkFileView, BulkOutcome, BulkProgress, DocumentChoice, OpenOutcome, SaveOutcome,
    SaveProgressEvent,
};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use ccs_api::DocumentId;
use ccs_core::bulk::{download_documents as bulk_download, BulkEvent, BulkRequest};
use ccs_core::naming::safe_file_name;
use ccs_core::opening::may_open;
use ccs_core::save::{save_document, SaveProgress};
use ccs_core::settings::parse_contract;
use ccs_core::CoreError;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tauri::{AppHandle, State};
use tauri_plugin_dialog::DialogExt;
use tauri_plugin_opener::OpenerExt;
use tauri_specta::Event;

/// The title of the save dialog (the end-to-end tests find the dialog by it).
pub const SAVE_DIALOG_TITLE: &str = "Save document";
/// The title of the folder picker.
pub const FOLDER_DIALOG_TITLE: &str = "Choose a folder for the documents";
/// The least time between two progress events, so a fast download does not flood the UI.
const PROGRESS_INTERVAL: Duration = Duration::from_millis(100);

/// Asks where to save one document (suggesting a safe version of its name), then saves it there.
#[tauri::command]
#[specta::specta]
pub async fn download_document(
    app: AppHandle,
    state: State<'_, AppState>,
    contract: String,
    document_id: String,
    suggested_name: String,
) -> AppResult<SaveOutcome> {
    let result = async {
        let contract = parse_contract(&contract)?;
        let document = DocumentId::parse(&document_id)
            .map_err(|e| ccs_core::CoreError::field("documentId", e.to_string()))?;
        let active = state.active()?;
        let (tx, rx) = tokio::sync::oneshot::channel();
        app.dialog()
            .file()
            .set_title(SAVE_DIALOG_TITLE)
            .set_file_name(safe_file_name(&suggested_name))
            .save_file(move |path| {
                let _ = tx.send(path);
            });
        let Some(path) = rx.await.ok().flatten() else {
            return Ok(SaveOutcome::Cancelled);
        };
        let target = path
            .into_path()
            .map_err(|e| AppError::new("dialog", e.to_string()))?;
        if let Some(folder) = target.parent() {
            // Before the first byte: a save killed with the app leaves its `.part` here, and the
            // next start cleans the folders recorded.
            state.app_settings.remember_save_folder(folder)?;
        }
        let cancel = state.begin_save();
        let started = Instant::now();
        let last_emit = AtomicU64::new(0);
        let progress = |p: SaveProgress| {
            let now = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
            let due = now.saturating_sub(last_emit.load(Ordering::Relaxed))
                >= PROGRESS_INTERVAL.as_millis() as u64;
            if due || p.total == Some(p.bytes_done) {
                last_emit.store(now, Ordering::Relaxed);
                let event = SaveProgressEvent {
                    bytes_done: p.bytes_done,
                    bytes_total: p.total,
                };
                if let Err(error) = event.emit(&app) {
                    tracing::warn!(%error, "could not send progress to the window");
                }
            }
        };
        let saved = save_document(
            &active.client,
            &contract,
            &document,
            &target,
            &progress,
            cancel,
        )
        .await;
        state.end_save();
        let saved = match saved {
            Ok(saved) => saved,
            Err(CoreError::Cancelled) => return Ok(SaveOutcome::Stopped),
            Err(error) => return Err(error.into()),
        };
        state.remember_saved(saved.path.clone());
        Ok(SaveOutcome::Saved {
            path: saved.path.display().to_string(),
        })
    }
    .await;
    track(&state, result)
}

/// Asks for a folder, then saves the chosen documents there (resumable, progress events,
/// cancellable).
/// `None` when the user closed the dialog.
#[tauri::command]
#[specta::specta]
pub async fn download_documents(
    app: AppHandle,
    state: State<'_, AppState>,
    contract: String,
    choice: DocumentChoice,
    zipped: bool,
) -> AppResult<Option<BulkOutcome>> {
    let result = async {
        let contract = parse_contract(&contract)?;
        let active = state.active()?;
        let documents = chosen_documents(&state, contract.as_str(), &choice)?;
        let (tx, rx) = tokio::sync::oneshot::channel();
        app.dialog()
            .file()
            .set_title(FOLDER_DIALOG_TITLE)
            .pick_folder(move |path| {
                let _ = tx.send(path);
            });
        let Some(folder) = rx.await.ok().flatten() else {
            return Ok(None);
        };
        let folder = folder
            .into_path()
            .map_err(|e| AppError::new("dialog", e.to_string()))?;
        let cancel = state.begin_bulk()?;
        if let Err(error) = state.app_settings.remember_save_folder(&folder) {
            state.end_bulk();
            return Err(error.into());
        }
        let started = Instant::now();
        let last_emit = AtomicU64::new(0);
        let bytes_total = documents
            .iter()
            .map(|d| d.size)
            .sum::<Option<u64>>()
            .map(|b| b as f64);
        let events = |event: BulkEvent| {
            if let BulkEvent::Started { files, .. } = event {
                // At once, so the UI can leave "choose a folder" for a real progress bar.
                let progress = BulkProgress {
                    files_done: 0,
                    files_total: files,
                    bytes_done: 0.0,
                    bytes_total,
                };
                if let Err(error) = progress.emit(&app) {
                    tracing::warn!(%error, "could not send progress to the window");
                }
            }
            if let BulkEvent::Progress {
                files_done,
                files_total,
                bytes_done,
            } = event
            {
                let now = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
                let due = now.saturating_sub(last_emit.load(Ordering::Relaxed))
                    >= PROGRESS_INTERVAL.as_millis() as u64;
                if due || files_done == files_total {
                    last_emit.store(now, Ordering::Relaxed);
                    let progress = BulkProgress {
                        files_done,
                        files_total,
                        bytes_done,
                        bytes_total,
                    };
                    if let Err(error) = progress.emit(&app) {
                        tracing::warn!(%error, "could not send progress to the window");
                    }
                }
            }
        };
        let request = BulkRequest {
            contract,
            documents,
            folder: folder.clone(),
            jobs: ccs_core::bulk::DEFAULT_JOBS,
            overwrite: false,
            zipped,
        };
        let outcome = bulk_download(&active.client, request, &events, cancel).await;
        state.end_bulk();
        let summary = outcome.map_err(|e| AppError::new("io", e.to_string()))?;
        let files: Vec<BulkFileView> = summary
            .files
            .iter()
            .map(|f| {
                if let Some(path) = &f.path {
                    state.remember_saved(path.clone());
                }
                if let Some(path) = &f.kept_path {
                    state.remember_saved(path.clone());
                }
                BulkFileView {
                    id: f.id.to_string(),
                    path: f.path.as_ref().map(|p| p.display().to_string()),
                    bytes: f.bytes as f64,
                    status: f.status.into(),
                    error_code: f.error.as_ref().map(|e| e.code.clone()),
                    error: f.error.as_ref().map(|e| e.message.clone()),
                    kept_path: f.kept_path.as_ref().map(|p| p.display().to_string()),
                }
            })
            .collect();
        let folder_path = std::path::absolute(&folder).unwrap_or(folder);
        state.remember_saved(folder_path.clone());
        let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        Ok(Some(BulkOutcome {
            saved: count(summary.saved),
            skipped: count(summary.skipped),
            changed_locally_kept: count(summary.changed_locally_kept),
            failed: count(summary.failed),
            warnings: summary.warnings.iter().map(|w| w.message.clone()).collect(),
            cancelled: summary.cancelled,
            folder: folder_path.display().to_string(),
            files,
        }))
    }
    .await;
    track(&state, result)
}

/// Cancels the running bulk save (its temporary files are removed).
#[tauri::command]
#[specta::specta]
pub fn cancel_downloads(state: State<'_, AppState>) -> AppResult<()> {
    state.cancel_bulk();
    Ok(())
}

/// Cancels the running single save (its temporary file is removed; the chosen file is untouched).
#[tauri::command]
#[specta::specta]
pub fn cancel_save(state: State<'_, AppState>) -> AppResult<()> {
    state.cancel_save();
    Ok(())
}

fn saved_path(state: &AppState, path: &str) -> AppResult<PathBuf> {
    let path = PathBuf::from(path);
    if state.was_saved(&path) {
        Ok(path)
    } else {
        Err(AppError::new(
            "not_saved_here",
            "Only files this app saved can be opened from here.",
        ))
    }
}

/// Opens a file this app saved with the system's default application — if it is a kind of document
/// this API serves. Anything else (the server named the file; it could be `.exe` or `.desktop`) is
/// shown in its folder instead, and the answer says so. Off the main thread: it starts a program.
#[tauri::command]
#[specta::specta]
pub async fn open_path(app: AppHandle, path: String) -> AppResult<OpenOutcome> {
    let opener = app.clone();
    super::off_main_thread(&app, move |state| {
        let path = saved_path(state, &path)?;
        if may_open(&path) {
            opener
                .opener()
                .open_path(path.display().to_string(), None::<&str>)
                .map_err(|e| AppError::new("open", e.to_string()))?;
            Ok(OpenOutcome::Opened)
        } else {
            tracing::info!("a saved file of a kind not opened directly was shown in its folder");
            reveal(&opener, path)?;
            Ok(OpenOutcome::ShownInFolder)
        }
    })
    .await
}

/// Shows a file this app saved in its folder (off the main thread: it starts the file manager).
#[tauri::command]
#[specta::specta]
pub async fn reveal_path(app: AppHandle, path: String) -> AppResult<()> {
    let opener = app.clone();
    super::off_main_thread(&app, move |state| {
        reveal(&opener, saved_path(state, &path)?)
    })
    .await
}

fn reveal(app: &AppHandle, path: PathBuf) -> AppResult<()> {
    app.opener()
        .reveal_item_in_dir(path)
        .map_err(|e| AppError::new("open", e.to_string()))
}
