//! One ZIP archive of many documents: what a finance person sends an accountant.
//!
//! Why not the API's `zipped=1`: that wraps each document in a ZIP of its own — five documents, five
//! archives. Here the app writes one archive, with the rules the folder save keeps:
//!
//! - **Streamed, never all in memory.** Documents are downloaded (several at once) into locked
//!   temporary files beside the target, and each goes into the archive as soon as it and the ones
//!   before it have arrived (in the request's order, so entry names are the same on every run). A
//!   writer thread of its own adds the entries, so the downloads keep being read while it compresses
//!   (a body left unread past the read timeout would fail).
//! - **Named as the folder save names them.** The list's file name (else the server's, else one made
//!   from period, type and id) through [`safe_file_name`], clashes as ` (2)`, ` (3)`… by one
//!   [`NameAllocator`], exactly as a folder save of the same documents would.
//! - **Whole or nothing.** The archive is written to a locked `.ccs-tmp-*.part` beside the target,
//!   fsynced and renamed only when complete; a cancelled run, or one where no document could be had,
//!   leaves nothing (a run killed with its process leaves `.ccs-tmp-*.part` files only, which the
//!   next clean-up removes). A document that fails is left out and named in the summary.

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
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
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
/// through `events` ([`BulkEvent::Started`], then [`BulkEvent::Progress`] as bytes arrive). Stops
/// when `cancel` fires, leaving nothing. Set-up and archive-writing problems are errors; a document
/// that cannot be had is a failure in the summary.
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
    let (temp, file) = create_temp(&folder).map_err(io_error)?;
    events(BulkEvent::Started {
        files: u32::try_from(documents.len()).unwrap_or(u32::MAX),
        bytes: documents
            .iter()
            .map(|d| d.size.map(|s| s as f64))
            .sum::<Option<f64>>(),
    });
    let written = write_archive(
        client,
        &contract,
        &documents,
        &folder,
        file,
        jobs.max(1),
        events,
        &cancel,
    )
    .await;
    let outcome = match written {
        Ok((summary, Some(finished))) => {
            let placed = place(&temp, &target, &folder);
            // Held (and so locked) until the rename: no cleaner may take it for a stale one.
            drop(finished);
            placed.map(|bytes| ArchiveSummary {
                path: Some(target.clone()),
                bytes,
                ..summary
            })
        }
        Ok((summary, None)) => Ok(ArchiveSummary {
            documents: 0,
            ..summary
        }),
        Err(error) => Err(error),
    };
    if !matches!(&outcome, Ok(summary) if summary.path.is_some()) {
        let _ = std::fs::remove_file(&temp);
    }
    outcome
}

/// Renames the finished archive over the target and fsyncs the folder; its size.
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

/// One downloaded document in its temporary file (kept open, so locked, until it is in the archive).
struct Downloaded {
    path: PathBuf,
    held: std::fs::File,
    answer: DownloadedFile,
}

/// What the writer thread is given, in the archive's order.
struct Entry {
    name: String,
    path: PathBuf,
    held: std::fs::File,
}

/// Downloads the documents (`jobs` at once) and hands them, in order, to a writer thread; the
/// summary, and the finished archive's file when one was written (`None` when cancelled or when no
/// document could be had).
#[allow(clippy::too_many_arguments)] // one private step, its inputs named where it is called
async fn write_archive(
    client: &Client,
    contract: &ContractId,
    documents: &[Document],
    folder: &Path,
    file: std::fs::File,
    jobs: usize,
    events: &(dyn Fn(BulkEvent) + Send + Sync),
    cancel: &CancellationToken,
) -> Result<(ArchiveSummary, Option<std::fs::File>), CoreError> {
    let (entries, inbox) = std::sync::mpsc::channel::<Entry>();
    let stop = cancel.clone();
    let writer =
        tokio::task::spawn_blocking(move || write_entries(ZipWriter::new(file), &inbox, &stop));
    let total = u32::try_from(documents.len()).unwrap_or(u32::MAX);
    let files_done = AtomicU32::new(0);
    let bytes_done = AtomicU64::new(0);
    let report = || {
        events(BulkEvent::Progress {
            files_done: files_done.load(Ordering::Relaxed),
            files_total: total,
            bytes_done: bytes_done.load(Ordering::Relaxed) as f64,
        });
    };
    // Owned documents (not references) keep this future `Send` for callers that must prove it for
    // every lifetime, such as a Tauri command.
    let mut arrivals = stream::iter(documents.iter().cloned().enumerate())
        .map(|(index, document)| {
            let (bytes_done, report) = (&bytes_done, &report);
            async move {
                let fetched = fetch(
                    client, contract, &document, folder, cancel, bytes_done, report,
                )
                .await;
                (index, fetched)
            }
        })
        .buffer_unordered(jobs);
    let mut names = NameAllocator::new(std::iter::empty());
    let mut waiting: BTreeMap<usize, Result<Downloaded, FileError>> = BTreeMap::new();
    let mut next = 0;
    let mut failed = Vec::new();
    let mut added = 0;
    while let Some((index, arrived)) = arrivals.next().await {
        waiting.insert(index, arrived);
        while let Some(arrived) = waiting.remove(&next) {
            let document = &documents[next];
            next += 1;
            files_done.fetch_add(1, Ordering::Relaxed);
            match arrived {
                Ok(downloaded) if !cancel.is_cancelled() => {
                    let entry = Entry {
                        name: names.allocate(&wanted_name(document, &downloaded.answer, false)),
                        path: downloaded.path,
                        held: downloaded.held,
                    };
                    added += 1;
                    if let Err(unsent) = entries.send(entry) {
                        // The writer stopped on an error: it is reported below.
                        discard(&unsent.0.path, unsent.0.held);
                    }
                }
                Ok(downloaded) => discard(&downloaded.path, downloaded.held),
                Err(error) => failed.push(ArchiveFailure {
                    id: document.id.clone(),
                    // The name it would have had, not taken from the documents that follow.
                    name: listed_file_name(document),
                    error,
                }),
            }
            report();
        }
    }
    drop(entries);
    let finished = writer
        .await
        .map_err(|e| io::Error::other(e.to_string()))
        .and_then(|result| result)
        .map_err(|source| CoreError::Io {
            path: folder.to_owned(),
            source,
        })?;
    let cancelled = cancel.is_cancelled();
    let summary = ArchiveSummary {
        path: None,
        documents: added,
        bytes: 0,
        failed,
        cancelled,
    };
    let finished = finished.filter(|_| !cancelled && added > 0);
    Ok((summary, finished))
}

/// The writer thread: adds each entry it is given (skipping them once `stop` fires), removes its
/// temporary file, and finishes the archive; its file (still open), or `None` when stopped.
fn write_entries(
    mut zip: ZipWriter<std::fs::File>,
    inbox: &std::sync::mpsc::Receiver<Entry>,
    stop: &CancellationToken,
) -> io::Result<Option<std::fs::File>> {
    let mut failure = None;
    for entry in inbox {
        if failure.is_none() && !stop.is_cancelled() {
            failure = add_entry(&mut zip, &entry.name, &entry.path).err();
        }
        discard(&entry.path, entry.held);
    }
    if let Some(error) = failure {
        return Err(error);
    }
    if stop.is_cancelled() {
        return Ok(None);
    }
    let file = zip.finish().map_err(io::Error::other)?;
    file.sync_all()?;
    Ok(Some(file))
}

/// Closes a temporary file (releasing its lock) and removes it (in that order: Windows keeps an
/// open file).
fn discard(path: &Path, held: std::fs::File) {
    drop(held);
    let _ = std::fs::remove_file(path);
}

/// Downloads one document into a new locked temporary file in `folder`, or says why not.
async fn fetch(
    client: &Client,
    contract: &ContractId,
    document: &Document,
    folder: &Path,
    cancel: &CancellationToken,
    bytes_done: &AtomicU64,
    report: &(dyn Fn() + Send + Sync),
) -> Result<Downloaded, FileError> {
    if cancel.is_cancelled() {
        return Err(cancelled_error());
    }
    let (path, file) = create_temp(folder).map_err(|e| io_file_error(&e))?;
    let mut writer = tokio::fs::File::from_std(file);
    let request = DownloadRequest {
        document: document.id.clone(),
        zipped: false,
    };
    let mut last = 0;
    let mut progress = |p: ccs_api::DownloadProgress| {
        bytes_done.fetch_add(p.bytes_done.saturating_sub(last), Ordering::Relaxed);
        last = p.bytes_done;
        report();
    };
    let fetched = tokio::select! {
        result = client.download_document(contract, &request, &mut writer, &mut progress) => {
            result.map_err(|e| api_error(&e))
        }
        () = cancel.cancelled() => Err(cancelled_error()),
    };
    let flushed = match fetched {
        Ok(answer) => writer
            .flush()
            .await
            .map(|()| answer)
            .map_err(|e| io_file_error(&e)),
        Err(error) => Err(error),
    };
    match flushed {
        Ok(answer) => Ok(Downloaded {
            path,
            held: writer.into_std().await,
            answer,
        }),
        Err(error) => {
            discard(&path, writer.into_std().await);
            Err(error)
        }
    }
}

/// Appends one file to the archive: stored when its bytes are compressed already (PDF, XLSX, ZIP),
/// deflated otherwise (CSV and text shrink several times).
fn add_entry(zip: &mut ZipWriter<std::fs::File>, name: &str, path: &Path) -> io::Result<()> {
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
    io::copy(&mut source, zip)?;
    Ok(())
}
