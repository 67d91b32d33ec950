//! Saving files: one document through the native save dialog, many through the folder picker.
//!
//! Why in Rust: a document's bytes never cross IPC (a JSON array of numbers would cost memory and
//! time for nothing). Rust shows the dialog, streams the download to a
//! temporary file beside the target, fsyncs and renames it, and returns only the path.

use super::archive::document_type;
use super::documents::chosen_documents;
use super::progress::{begin_run, save_progress};
use super::track;
use crate::dto::{BulkFileView, BulkOutcome, DocumentChoice, OpenOutcome, SaveOutcome};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use ccs_api::DocumentId;
use ccs_core::bulk::{
    download_documents as bulk_download, listed_file_name, BulkEvent, BulkRequest,
};
use ccs_core::naming::safe_file_name;
use ccs_core::opening::may_open;
use ccs_core::save::{save_document, SaveProgress};
use ccs_core::settings::parse_contract;
use ccs_core::{CoreError, ErrorCode};
use std::path::PathBuf;
use tauri::{AppHandle, State};
use tauri_plugin_dialog::DialogExt;
use tauri_plugin_opener::OpenerExt;

/// The title of the save dialog (the end-to-end tests find the dialog by it).
pub const SAVE_DIALOG_TITLE: &str = "Save document";
/// The title of the folder picker.
pub const FOLDER_DIALOG_TITLE: &str = "Choose a folder for the documents";

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
        let dialog = app
            .dialog()
            .file()
            .set_title(SAVE_DIALOG_TITLE)
            .set_file_name(safe_file_name(&suggested_name));
        let Some(target) = super::dialogs::save_path(&app, dialog).await? else {
            return Ok(SaveOutcome::Cancelled);
        };
        if let Some(folder) = target.parent() {
            // Before the first byte: a save killed with the app leaves its `.part` here, and the
            // next start cleans the folders recorded.
            state.app_settings.remember_save_folder(folder)?;
        }
        let (save_number, cancel) = state.begin_save();
        let steps = save_progress(&app);
        let progress = |p: SaveProgress| {
            let last = p.total == Some(p.bytes_done);
            steps.report(p, last);
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
        state.end_save(save_number);
        let saved = match saved {
            Ok(saved) => {
                // The whole file, even when the server announced no size (no step was `last`).
                let bytes = saved.bytes as f64;
                steps.report(
                    SaveProgress {
                        bytes_done: bytes,
                        total: Some(bytes),
                    },
                    true,
                );
                saved
            }
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
) -> AppResult<Option<BulkOutcome>> {
    let result = async {
        let contract = parse_contract(&contract)?;
        let documents = chosen_documents(&state, contract.as_str(), &choice)?;
        let dialog = app.dialog().file().set_title(FOLDER_DIALOG_TITLE);
        let Some(folder) = super::dialogs::folder(&app, dialog).await? else {
            return Ok(None);
        };
        save_to_folder(&app, &state, contract, documents, folder)
            .await
            .map(Some)
    }
    .await;
    track(&state, result)
}

/// "Try again": saves the documents that failed into the folder of the run they failed in (one
/// this app saved to), without asking for it again.
#[tauri::command]
#[specta::specta]
pub async fn retry_documents(
    app: AppHandle,
    state: State<'_, AppState>,
    contract: String,
    ids: Vec<String>,
    folder: String,
) -> AppResult<BulkOutcome> {
    let result = async {
        let contract = parse_contract(&contract)?;
        let folder = saved_path(&state, &folder)?;
        let documents = chosen_documents(
            &state,
            contract.as_str(),
            &DocumentChoice::Documents { ids },
        )?;
        save_to_folder(&app, &state, contract, documents, folder).await
    }
    .await;
    track(&state, result)
}

/// Saves `documents` into `folder` (progress events, cancellable) and describes each file.
async fn save_to_folder(
    app: &AppHandle,
    state: &AppState,
    contract: ccs_api::ContractId,
    documents: Vec<ccs_api::Document>,
    folder: PathBuf,
) -> AppResult<BulkOutcome> {
    let active = state.active()?;
    let (cancel, progress) = begin_run(app, state, &folder, &documents)?;
    let events = |event: BulkEvent| progress.on(event);
    // What each file is named by when it fails, from the list (the summary keeps the order).
    let described: Vec<(String, Option<String>, String)> = documents
        .iter()
        .map(|d| (listed_file_name(d), document_type(d), d.period.clone()))
        .collect();
    let request = BulkRequest {
        contract,
        documents,
        folder: folder.clone(),
        jobs: state.bulk_jobs(),
        overwrite: false,
        // "As one ZIP file" is `save_archive`; the API's per-document ZIP is for `ccs`.
        zipped: false,
    };
    let outcome = bulk_download(&active.client, request, &events, cancel).await;
    state.end_bulk();
    // A busy folder is `folder_in_use`; other folder problems are `io`.
    let summary = outcome?;
    let files: Vec<BulkFileView> = summary
        .files
        .iter()
        .zip(described)
        .map(|(f, (name, document_type, period))| {
            if let Some(path) = &f.path {
                state.remember_saved(path.clone());
            }
            if let Some(path) = &f.kept_path {
                state.remember_saved(path.clone());
            }
            let name = f
                .path
                .as_ref()
                .and_then(|p| p.file_name())
                .map_or(name, |n| n.to_string_lossy().into_owned());
            BulkFileView {
                id: f.id.to_string(),
                name,
                document_type,
                period,
                path: f.path.as_ref().map(|p| p.display().to_string()),
                bytes: f.bytes as f64,
                status: f.status.into(),
                error_code: f.error.as_ref().map(|e| e.code),
                error: f.error.as_ref().map(|e| e.message.clone()),
                kept_path: f.kept_path.as_ref().map(|p| p.display().to_string()),
            }
        })
        .collect();
    let folder_path = std::path::absolute(&folder).unwrap_or(folder);
    state.remember_saved(folder_path.clone());
    let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    Ok(BulkOutcome {
        saved: count(summary.saved),
        skipped: count(summary.skipped),
        changed_locally_kept: count(summary.changed_locally_kept),
        failed: count(summary.failed),
        warnings: summary.warnings.iter().map(|w| w.message.clone()).collect(),
        cancelled: summary.cancelled,
        folder: folder_path.display().to_string(),
        is_archive: false,
        archive: None,
        files,
    })
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
            ErrorCode::NotSavedHere,
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
                .map_err(|e| AppError::new(ErrorCode::Open, e.to_string()))?;
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
        .map_err(|e| AppError::new(ErrorCode::Open, e.to_string()))
}
