//! One ZIP archive of many documents: what a finance person sends an accountant.
//!
//! Why not the API's `zipped=1`: that wraps each document in a ZIP of its own — five documents, five
//! archives. Here the app writes one archive, with the rules the folder save keeps:
//!
//! - **Streamed, never all in memory.** Documents are downloaded (several at once) into a private
//!   scratch folder beside the target, and each goes into the archive as soon as it and the ones
//!   before it have arrived (in the request's order, so entry names are the same on every run).
//! - **Named as the folder save names them.** The list's file name (else the server's, else one made
//!   from period, type and id) through [`safe_file_name`], clashes as ` (2)`, ` (3)`… by one
//!   [`NameAllocator`], exactly as a folder save of the same documents would.
//! - **Whole or nothing.** The archive is written to a locked `.ccs-tmp-*.part` beside the target,
//!   fsynced and renamed only when complete; a cancelled run, or one where no document could be had,
//!   leaves nothing. A document that fails is left out and named in the summary; the others are in.

use crate::bulk::{
    api_error, cancelled_error, io_error as io_file_error, listed_file_name, wanted_name,
    BulkEvent, FileError,
};
use crate::disk::sync_folder;
use crate::disk::temp::create_temp;
use crate::error::CoreError;
use crate::naming::NameAllocator;
use ccs_api::{Client, ContractId, Document, DocumentId, DownloadRequest, DownloadedFile};
use futures_util::stream::{self, StreamExt};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::io::AsyncWriteExt;
use tokio_util::sync::CancellationToken;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

/// What to put in one archive, and where.
#[derive(Debug, Clone)]
pub struct ArchiveRequest {
    /// The contract the documents belong to.
    pub contract: ContractId,
    /// The documents, in the order their entries take.
    pub documents: Vec<Document>,
    /// The archive's path (chosen in the save dialog, which asked before replacing a file).
    pub target: PathBuf,
    /// Downloads at once (0 counts as 1).
    pub jobs: usize,
}

/// A document that is not in the archive.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ArchiveFailure {
    /// The document.
    pub id: DocumentId,
    /// The name its entry would have had.
    pub name: String,
    /// Why it is missing.
    pub error: FileError,
}

/// How an archive run ended.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ArchiveSummary {
    /// The archive, when one was written (none when cancelled or when no document could be had).
    pub path: Option<PathBuf>,
    /// Documents in the archive.
    pub documents: usize,
    /// Its size in bytes.
    pub bytes: u64,
    /// Documents left out, in the request's order.
    pub failed: Vec<ArchiveFailure>,
    /// The user cancelled: nothing was written.
    pub cancelled: bool,
}

/// The archive's suggested file name: the contract, then what is in it (`invoices 2024-03`, `12
/// documents`), e.g. `OCB0001234 invoices 2024-03.zip`.
pub fn suggested_archive_name(contract: &ContractId, what: &str) -> String {
    crate::naming::safe_file_name(&format!("{contract} {what}.zip"))
}

/// Downloads `request.documents` into one ZIP archive at `request.target`, reporting progress
/// through `events` ([`BulkEvent::Started`], then [`BulkEvent::Progress`]). Stops when `cancel`
/// fires, leaving nothing. Set-up and archive-writing problems are errors; a document that cannot
/// be had is a failure in the summary.
pub async fn save_archive(
    client: &Client,
    request: ArchiveRequest,
    events: &(dyn Fn(BulkEvent) + Send + Sync),
    cancel: CancellationToken,
) -> Result<ArchiveSummary, CoreError> {
    let ArchiveRequest {
        contract,
        documents,
        target,
        jobs,
    } = request;
    let folder = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_owned();
    let io_error = |source: io::Error| CoreError::Io {
        path: folder.clone(),
        source,
    };
    let scratch = tempfile::Builder::new()
        .prefix(".ccs-tmp-archive-")
        .tempdir_in(&folder)
        .map_err(io_error)?;
    let (temp, file) = create_temp(&folder).map_err(io_error)?;
    let total = u32::try_from(documents.len()).unwrap_or(u32::MAX);
    events(BulkEvent::Started {
        files: total,
        bytes: documents
            .iter()
            .map(|d| d.size.map(|s| s as f64))
            .sum::<Option<f64>>(),
    });
    let written = write_archive(
        client,
        &contract,
        &documents,
        scratch.path(),
        ZipWriter::new(file),
        jobs.max(1),
        events,
        &cancel,
    )
    .await;
    let outcome = match written {
        Ok(outcome) if !outcome.cancelled && outcome.documents > 0 => {
            place(&temp, &target, &folder).map(|bytes| ArchiveSummary {
                path: Some(target.clone()),
                bytes,
                ..outcome
            })
        }
        Ok(outcome) => Ok(outcome),
        Err(error) => Err(error),
    };
    if !matches!(&outcome, Ok(summary) if summary.path.is_some()) {
        let _ = std::fs::remove_file(&temp);
    }
    outcome
}

/// Fsyncs the finished archive, renames it over the target and fsyncs the folder; its size.
fn place(temp: &Path, target: &Path, folder: &Path) -> Result<u64, CoreError> {
    let io_error = |source: io::Error| CoreError::Io {
        path: target.to_owned(),
        source,
    };
    let bytes = std::fs::metadata(temp).map_err(io_error)?.len();
    std::fs::rename(temp, target).map_err(io_error)?;
    sync_folder(folder);
    Ok(bytes)
}

/// One downloaded document, waiting in the scratch folder for its turn in the archive.
type Arrived = Result<(PathBuf, DownloadedFile), FileError>;

#[allow(clippy::too_many_arguments)] // one private step, its inputs named where it is called
async fn write_archive(
    client: &Client,
    contract: &ContractId,
    documents: &[Document],
    scratch: &Path,
    zip: ZipWriter<std::fs::File>,
    jobs: usize,
    events: &(dyn Fn(BulkEvent) + Send + Sync),
    cancel: &CancellationToken,
) -> Result<ArchiveSummary, CoreError> {
    let bytes_done = AtomicU64::new(0);
    let total = u32::try_from(documents.len()).unwrap_or(u32::MAX);
    // Owned documents (not references) keep this future `Send` for callers that must prove it for
    // every lifetime, such as a Tauri command.
    let mut arrivals = stream::iter(documents.iter().cloned().enumerate())
        .map(|(index, document)| {
            let bytes_done = &bytes_done;
            async move {
                let path = scratch.join(format!("{index}.part"));
                let fetched = fetch(client, contract, &document, &path, cancel, bytes_done).await;
                (index, fetched)
            }
        })
        .buffer_unordered(jobs);
    let mut zip = Some(zip);
    let mut names = NameAllocator::new(std::iter::empty());
    let mut waiting: BTreeMap<usize, Arrived> = BTreeMap::new();
    let mut next = 0;
    let mut summary = ArchiveSummary {
        path: None,
        documents: 0,
        bytes: 0,
        failed: Vec::new(),
        cancelled: false,
    };
    while let Some((index, arrived)) = arrivals.next().await {
        waiting.insert(index, arrived);
        while let Some(arrived) = waiting.remove(&next) {
            let document = &documents[next];
            next += 1;
            match arrived {
                Ok((path, downloaded)) => {
                    let name = names.allocate(&wanted_name(document, &downloaded, false));
                    let writer = zip.take().ok_or_else(|| CoreError::Io {
                        path: scratch.to_owned(),
                        source: io::Error::other("the archive writer was lost"),
                    })?;
                    let entry = path.clone();
                    let added =
                        tokio::task::spawn_blocking(move || add_entry(writer, &name, &entry))
                            .await
                            .map_err(|e| io::Error::other(e.to_string()))
                            .and_then(|result| result);
                    let _ = std::fs::remove_file(&path);
                    zip = Some(added.map_err(|source| CoreError::Io {
                        path: scratch.to_owned(),
                        source,
                    })?);
                    summary.documents += 1;
                }
                Err(error) => {
                    if error.code == cancelled_error().code {
                        summary.cancelled = true;
                    }
                    summary.failed.push(ArchiveFailure {
                        id: document.id.clone(),
                        name: names.allocate(&listed_file_name(document)),
                        error,
                    });
                }
            }
            events(BulkEvent::Progress {
                files_done: u32::try_from(next).unwrap_or(u32::MAX),
                files_total: total,
                bytes_done: bytes_done.load(Ordering::Relaxed) as f64,
            });
        }
    }
    summary.cancelled |= cancel.is_cancelled();
    if summary.cancelled || summary.documents == 0 {
        return Ok(summary);
    }
    let writer = zip.take().ok_or_else(|| CoreError::Io {
        path: scratch.to_owned(),
        source: io::Error::other("the archive writer was lost"),
    })?;
    tokio::task::spawn_blocking(move || -> io::Result<()> {
        let file = writer.finish().map_err(io::Error::other)?;
        file.sync_all()
    })
    .await
    .map_err(|e| io::Error::other(e.to_string()))
    .and_then(|result| result)
    .map_err(|source| CoreError::Io {
        path: scratch.to_owned(),
        source,
    })?;
    Ok(summary)
}

/// Downloads one document into `path` (a scratch file), or says why not.
async fn fetch(
    client: &Client,
    contract: &ContractId,
    document: &Document,
    path: &Path,
    cancel: &CancellationToken,
    bytes_done: &AtomicU64,
) -> Arrived {
    if cancel.is_cancelled() {
        return Err(cancelled_error());
    }
    let mut file = tokio::fs::File::create(path)
        .await
        .map_err(|e| io_file_error(&e))?;
    let request = DownloadRequest {
        document: document.id.clone(),
        zipped: false,
    };
    let mut last = 0;
    let mut progress = |p: ccs_api::DownloadProgress| {
        bytes_done.fetch_add(p.bytes_done.saturating_sub(last), Ordering::Relaxed);
        last = p.bytes_done;
    };
    let downloaded = tokio::select! {
        result = client.download_document(contract, &request, &mut file, &mut progress) => {
            result.map_err(|e| api_error(&e))?
        }
        () = cancel.cancelled() => return Err(cancelled_error()),
    };
    file.flush().await.map_err(|e| io_file_error(&e))?;
    Ok((path.to_owned(), downloaded))
}

/// Appends one file to the archive: stored when its bytes are compressed already (PDF, XLSX, ZIP),
/// deflated otherwise (CSV and text shrink several times).
fn add_entry(
    mut zip: ZipWriter<std::fs::File>,
    name: &str,
    path: &Path,
) -> io::Result<ZipWriter<std::fs::File>> {
    let mut source = std::fs::File::open(path)?;
    let size = source.metadata()?.len();
    let compressed_already = Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| {
            ["pdf", "xlsx", "zip", "png", "jpg"]
                .iter()
                .any(|c| c.eq_ignore_ascii_case(e))
        });
    let options = SimpleFileOptions::default()
        .compression_method(if compressed_already {
            CompressionMethod::Stored
        } else {
            CompressionMethod::Deflated
        })
        .large_file(size >= u64::from(u32::MAX))
        .unix_permissions(0o644);
    zip.start_file(name, options).map_err(io::Error::other)?;
    io::copy(&mut source, &mut zip)?;
    Ok(zip)
}
