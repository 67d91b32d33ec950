//! Saving one document to a path the user chose (the app's native save dialog).
//!
//! Why not the bulk download: here the user picked the exact file name and folder (and the dialog
//! already asked before replacing a file). The same rules hold otherwise: the body goes to a
//! temporary file beside the target, locked while written, is fsynced, renamed over the target, and
//! the folder is fsynced so the rename survives a crash; a cut connection, a failure or a
//! cancellation never leaves half a PDF under the chosen name, nor a `.part` file beside it.
//!
//! A save killed with its process (the app closed, a crash) can still leave its temporary file: the
//! app calls [`clean_stale_temp_files`] on the folders it saved to at its next start. That function
//! removes only files no live transfer is writing, so it is safe while other saves are going.

use crate::disk::temp::create_temp;
pub use crate::disk::temp::{clean_stale_temp_files, STALE_TEMP_AGE};
use crate::disk::{sync_folder, DiskWriter};
use crate::error::CoreError;
use ccs_api::{Client, ContractId, DocumentId, DownloadProgress, DownloadRequest};
use serde::Serialize;
use std::path::{Path, PathBuf};
use tokio_util::sync::CancellationToken;

/// A document saved where the user asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedDocument {
    /// Where it is.
    pub path: PathBuf,
    /// How many bytes.
    pub bytes: u64,
}

/// How far a save has come, after every chunk received.
///
/// Why `f64`: the generated TypeScript bindings refuse `u64`, like [`crate::bulk::BulkEvent`]'s.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SaveProgress {
    /// Bytes received so far.
    pub bytes_done: f64,
    /// The size the server announced, if it did.
    pub total: Option<f64>,
}

/// Downloads `document` into `target` atomically, reporting through `progress`.
///
/// Stops promptly when `cancel` is cancelled, with [`CoreError::Cancelled`]. On any failure or
/// cancellation the target is untouched and no temporary file is left.
pub async fn save_document(
    client: &Client,
    contract: &ContractId,
    document: &DocumentId,
    target: &Path,
    progress: &(dyn Fn(SaveProgress) + Send + Sync),
    cancel: CancellationToken,
) -> Result<SavedDocument, CoreError> {
    let folder = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_owned();
    let in_folder = folder.clone();
    let (temp, file) = tokio::task::spawn_blocking(move || create_temp(&in_folder))
        .await
        .map_err(|e| io_error(&folder, std::io::Error::other(e)))?
        .map_err(|e| io_error(&folder, e))?;
    let result = write_and_place(
        client, contract, document, file, &temp, target, progress, &cancel,
    )
    .await;
    match result {
        Ok(bytes) => {
            sync_folder(&folder);
            Ok(SavedDocument {
                path: target.to_owned(),
                bytes,
            })
        }
        Err(error) => {
            if let Err(remove) = tokio::fs::remove_file(&temp).await {
                if remove.kind() != std::io::ErrorKind::NotFound {
                    tracing::warn!(file = %temp.display(), error = %remove, "cannot remove a temporary file");
                }
            }
            Err(error)
        }
    }
}

/// Streams the document into the temporary file, fsyncs it and renames it over `target` (keeping
/// it open, and so locked, until then); returns its size.
#[allow(clippy::too_many_arguments)] // One private step of `save_document`, with its inputs.
async fn write_and_place(
    client: &Client,
    contract: &ContractId,
    document: &DocumentId,
    file: std::fs::File,
    temp: &Path,
    target: &Path,
    progress: &(dyn Fn(SaveProgress) + Send + Sync),
    cancel: &CancellationToken,
) -> Result<u64, CoreError> {
    let mut writer = DiskWriter::new(file);
    let request = DownloadRequest {
        document: document.clone(),
        zipped: false,
    };
    let mut report = |p: DownloadProgress| {
        progress(SaveProgress {
            bytes_done: p.bytes_done as f64,
            total: p.total.map(|t| t as f64),
        });
    };
    let downloaded = tokio::select! {
        biased;
        () = cancel.cancelled() => return Err(CoreError::Cancelled),
        result = client.download_document(contract, &request, &mut writer, &mut report) => result?,
    };
    let file = writer.finish().await.map_err(|e| io_error(temp, e))?;
    if cancel.is_cancelled() {
        return Err(CoreError::Cancelled);
    }
    tokio::fs::rename(temp, target)
        .await
        .map_err(|e| io_error(target, e))?;
    drop(file);
    Ok(downloaded.bytes)
}

/// A file system failure at `path`.
fn io_error(path: &Path, source: std::io::Error) -> CoreError {
    CoreError::Io {
        path: path.to_owned(),
        source,
    }
}
