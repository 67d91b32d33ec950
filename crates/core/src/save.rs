//! Saving one document to a path the user chose (the app's native save dialog).
//!
//! Why not the bulk download: here the user picked the exact file name and folder. The same rule
//! holds: the body goes to a temporary file beside the target, is fsynced, then renamed over the
//! target, so a cut connection never leaves half a PDF under the chosen name.

use crate::disk::DiskWriter;
use crate::error::CoreError;
use crate::manifest::temp_path;
use ccs_api::{Client, ContractId, DocumentId, DownloadRequest, DownloadedFile};
use std::path::{Path, PathBuf};

/// A document saved where the user asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedDocument {
    /// Where it is.
    pub path: PathBuf,
    /// How many bytes.
    pub bytes: u64,
}

/// Downloads `document` into `target` atomically; on any failure the target is untouched and no
/// temporary file is left.
pub async fn save_document(
    client: &Client,
    contract: &ContractId,
    document: &DocumentId,
    target: &Path,
    progress: &mut (dyn FnMut(ccs_api::DownloadProgress) + Send),
) -> Result<SavedDocument, CoreError> {
    let folder = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let temp = temp_path(folder);
    let io_error = |path: &Path, source| CoreError::Io {
        path: path.to_owned(),
        source,
    };
    let result: Result<DownloadedFile, CoreError> = async {
        let created = tokio::fs::File::create(&temp)
            .await
            .map_err(|e| io_error(&temp, e))?;
        let mut file = DiskWriter::new(created.into_std().await);
        let request = DownloadRequest {
            document: document.clone(),
            zipped: false,
        };
        let downloaded = client
            .download_document(contract, &request, &mut file, progress)
            .await?;
        file.finish().await.map_err(|e| io_error(&temp, e))?;
        tokio::fs::rename(&temp, target)
            .await
            .map_err(|e| io_error(target, e))?;
        Ok(downloaded)
    }
    .await;
    match result {
        Ok(downloaded) => Ok(SavedDocument {
            path: target.to_owned(),
            bytes: downloaded.bytes,
        }),
        Err(error) => {
            let _ = tokio::fs::remove_file(&temp).await;
            Err(error)
        }
    }
}
