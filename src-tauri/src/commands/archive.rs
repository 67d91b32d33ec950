//! "As one ZIP file": the chosen documents in one archive, saved where the native save dialog says.
//!
//! Why a command of its own: the folder save asks for a folder and writes a file per document; an
//! archive is one file, so the dialog is the save dialog (with a name made of the contract and the
//! period or the selection), and core's `save_archive` writes it whole or not at all.

use super::documents::chosen_documents;
use super::progress::begin_run;
use super::track;
use crate::dto::{BulkFileStatus, BulkFileView, BulkOutcome, DocumentChoice};
use crate::error::AppResult;
use crate::state::AppState;
use ccs_api::{Document, YearMonth};
use ccs_core::archive::{save_archive as write_archive, suggested_archive_name, ArchiveRequest};
use ccs_core::settings::parse_contract;
use tauri::{AppHandle, State};
use tauri_plugin_dialog::DialogExt;

/// The title of the archive's save dialog (the end-to-end tests find the dialog by it).
pub const ARCHIVE_DIALOG_TITLE: &str = "Save the documents as one ZIP file";

/// Asks where to save one ZIP archive of the chosen documents, then writes it (progress events,
/// cancellable with `cancel_downloads`). `None` when the user closed the dialog.
#[tauri::command]
#[specta::specta]
pub async fn save_archive(
    app: AppHandle,
    state: State<'_, AppState>,
    contract: String,
    choice: DocumentChoice,
) -> AppResult<Option<BulkOutcome>> {
    let result = async {
        let contract = parse_contract(&contract)?;
        let active = state.active()?;
        let documents = chosen_documents(&state, contract.as_str(), &choice)?;
        let name = suggested_archive_name(&contract, &what(&choice, documents.len()));
        let dialog = app
            .dialog()
            .file()
            .set_title(ARCHIVE_DIALOG_TITLE)
            .set_file_name(&name)
            .add_filter("ZIP archive", &["zip"]);
        let Some(target) = super::dialogs::save_path(&app, dialog).await? else {
            return Ok(None);
        };
        let folder = target
            .parent()
            .map(std::path::Path::to_owned)
            .unwrap_or_default();
        let (cancel, progress) = begin_run(&app, &state, &folder, &documents)?;
        let request = ArchiveRequest {
            contract,
            documents: documents.clone(),
            target,
            jobs: state.bulk_jobs(),
        };
        let written = write_archive(&active.client, request, &|e| progress.on(e), cancel).await;
        state.end_bulk();
        let summary = written?;
        if let Some(path) = &summary.path {
            state.remember_saved(path.clone());
        }
        let folder = std::path::absolute(&folder).unwrap_or(folder);
        state.remember_saved(folder.clone());
        let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        let files = summary
            .failed
            .iter()
            .map(|failure| {
                let document = documents.iter().find(|d| d.id == failure.id);
                BulkFileView {
                    id: failure.id.to_string(),
                    name: failure.name.clone(),
                    document_type: document.and_then(document_type),
                    period: document.map(|d| d.period.clone()).unwrap_or_default(),
                    path: None,
                    bytes: 0.0,
                    status: BulkFileStatus::Failed,
                    error_code: Some(failure.error.code),
                    error: Some(failure.error.message.clone()),
                    kept_path: None,
                }
            })
            .collect();
        Ok(Some(BulkOutcome {
            saved: count(summary.documents),
            skipped: 0,
            changed_locally_kept: 0,
            failed: count(summary.failed.len()),
            cancelled: summary.cancelled,
            folder: folder.display().to_string(),
            is_archive: true,
            archive: summary.path.map(|p| p.display().to_string()),
            files,
            warnings: Vec::new(),
        }))
    }
    .await;
    track(&state, result)
}

/// What is in the archive, for its name: `invoices 2024-03`, `invoices 2024-01 to 2024-03`,
/// `5 documents`.
fn what(choice: &DocumentChoice, count: usize) -> String {
    let month = |number: u32| {
        YearMonth::from_number(number).map_or_else(|| number.to_string(), |m| m.to_string())
    };
    match choice {
        DocumentChoice::Invoices { filter } => match (filter.from, filter.to) {
            (Some(from), Some(to)) if from == to => format!("invoices {}", month(from)),
            (Some(from), Some(to)) => format!("invoices {} to {}", month(from), month(to)),
            (Some(from), None) => format!("invoices from {}", month(from)),
            (None, Some(to)) => format!("invoices to {}", month(to)),
            (None, None) => "invoices".to_owned(),
        },
        DocumentChoice::Selected | DocumentChoice::Documents { .. } if count == 1 => {
            "1 document".to_owned()
        }
        DocumentChoice::Selected | DocumentChoice::Documents { .. } => {
            format!("{count} documents")
        }
    }
}

/// A document's type as the list names it.
pub fn document_type(document: &Document) -> Option<String> {
    document
        .document_type
        .as_ref()
        .map(|t| t.wire_name().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dto::DocumentFilterInput;

    fn invoices(from: Option<u32>, to: Option<u32>) -> DocumentChoice {
        DocumentChoice::Invoices {
            filter: DocumentFilterInput {
                search: String::new(),
                document_type: None,
                from,
                to,
            },
        }
    }

    #[test]
    fn the_archive_is_named_after_what_is_in_it() {
        assert_eq!(
            what(&invoices(Some(202403), Some(202403)), 4),
            "invoices 2024-03"
        );
        assert_eq!(
            what(&invoices(Some(202401), Some(202403)), 9),
            "invoices 2024-01 to 2024-03"
        );
        assert_eq!(what(&invoices(None, None), 9), "invoices");
        assert_eq!(what(&DocumentChoice::Selected, 5), "5 documents");
        assert_eq!(what(&DocumentChoice::Selected, 1), "1 document");
    }
}
