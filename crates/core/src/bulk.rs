//! Bulk download: many documents of one contract into a folder, safely, resumably, concurrently.
//!
//! Why a module of its own: the desktop app and the `ccs` command line both offer "download these
//! 500 invoices to this folder", and both need the same guarantees:
//!
//! - **No partial file under a final name.** Each file is streamed into `.ccs-tmp-<random>.part` in the
//!   target folder (same file system, so the rename is atomic), fsynced, then renamed; the folder is
//!   fsynced before the record is written, so the record never names a file a crash could lose. A
//!   failed or cancelled transfer removes its temporary file; temporary files left by a killed run
//!   are removed when the next run starts, and those another live transfer is writing are not (see
//!   [`crate::save::clean_stale_temp_files`]).
//! - **One run per folder.** A second run into a folder where one is going is refused
//!   ([`CoreError::FolderInUse`]) rather than mixing their names and records; a crashed run's lock
//!   does not count (see `folder_lock`).
//! - **Nothing outside the folder, nothing overwritten by accident.** Names come from untrusted server
//!   text and go through [`safe_file_name`]; one [`NameAllocator`], seeded with what the folder already
//!   holds, gives ` (2)`, ` (3)`… on clashes, and a file is moved to its new name only if nothing is
//!   there, so a user's own file is never replaced.
//! - **A rerun never replaces a file the user changed.** The [`Manifest`] remembers what was saved
//!   (contract, name, size, SHA-256). A document whose file is intact is skipped without a request; a
//!   deleted one is fetched again and put back under its recorded name; a changed one is left alone
//!   and the fresh copy saved beside it under a ` (2)` name ([`FileStatus::ChangedLocallyKept`]).
//!   Only [`BulkRequest::overwrite`] replaces it. Entries the run may not trust (another contract's,
//!   one file recorded for two documents) are ignored with a warning in [`BulkSummary::warnings`].
//! - **One failure is one failure.** A cut connection or a 404 marks that document failed (with the
//!   API's error code) and the others go on; only set-up problems (the folder) are a [`CoreError`].
//! - **Flat memory.** Bodies are streamed to disk and hashed on the way; nothing holds a whole file.
//!
//! What a rerun costs: deciding that a recorded file is intact needs its SHA-256, so a rerun reads
//! the files it skips (1,000 invoices of 200 KB are 200 MB, well under a second from an SSD, with
//! [`BulkRequest::jobs`] files at once, against 1,000 requests saved). The size is compared first:
//! a file of another size has changed and is not read. With `overwrite` nothing is read at all (the
//! file is replaced whatever it holds). Trusting modification times instead would save the reading
//! but miss edits that keep them (copies with `cp -p`, sync tools), and this check decides whether a
//! user's file may be replaced.

mod folder_lock;

pub use folder_lock::LOCK_FILE_NAME;

use crate::disk::temp::{clean_stale_temp_files, create_temp, is_temp_name};
use crate::disk::{sync_folder, DiskWriter};
use crate::error::{CoreError, ErrorCode};
use crate::manifest::{
    Manifest, ManifestEntry, ManifestWarning, ManifestWarningCode, MANIFEST_FILE_NAME,
};
use crate::naming::{
    extension_for_content_type, fallback_file_name, safe_file_name, NameAllocator,
};
use ccs_api::{
    ApiError, Client, ContractId, Document, DocumentId, DownloadProgress, DownloadRequest,
    DownloadedFile,
};
use folder_lock::FolderLock;
use futures_util::stream::{self, StreamExt};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use tokio::io::AsyncWrite;
use tokio_util::sync::CancellationToken;

/// How many transfers run at once when the caller does not say: enough to hide latency, few enough
/// not to trip the API's rate limits.
pub const DEFAULT_JOBS: usize = 4;

/// The least time between two manifest writes while files complete. Why: writing it after every one
/// of 500 small files would cost more than the files; an interrupted run loses at most this much of
/// the manifest, and those documents are simply fetched again.
pub const MANIFEST_SAVE_INTERVAL: Duration = Duration::from_millis(250);

/// The size of the reads that hash a file already on disk.
const HASH_BUFFER: usize = 256 * 1024;

/// What to download, and where.
#[derive(Debug, Clone, PartialEq)]
pub struct BulkRequest {
    /// The contract the documents belong to.
    pub contract: ContractId,
    /// The documents, as the list gave them; the summary reports them in this order.
    pub documents: Vec<Document>,
    /// The target folder; created when missing.
    pub folder: PathBuf,
    /// Concurrent transfers ([`DEFAULT_JOBS`] by default; 0 counts as 1).
    pub jobs: usize,
    /// Fetch every document again and replace the file the record names for it, even one the user
    /// changed since (in place; never a file the record does not attribute to that document of this
    /// contract). Off: an intact file is skipped and a changed one kept, the fresh copy beside it.
    pub overwrite: bool,
    /// Ask the server for each document wrapped in a ZIP; names get `.zip`.
    pub zipped: bool,
}

impl BulkRequest {
    /// A request with the defaults: [`DEFAULT_JOBS`] transfers, no overwrite, not zipped.
    pub fn new(contract: ContractId, documents: Vec<Document>, folder: impl Into<PathBuf>) -> Self {
        Self {
            contract,
            documents,
            folder: folder.into(),
            jobs: DEFAULT_JOBS,
            overwrite: false,
            zipped: false,
        }
    }
}

/// What a bulk download reports as it goes; the desktop app forwards these to the UI.
///
/// Why `u32`/`f64` rather than `u64`: the generated TypeScript bindings refuse `u64` (it does not fit
/// a JavaScript number); `f64` holds byte counts exactly up to 8 PiB.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum BulkEvent {
    /// Once, before any transfer.
    Started {
        /// Documents in the request.
        files: u32,
        /// Their total size, when the list gave every size.
        bytes: Option<f64>,
    },
    /// After every chunk of one file.
    FileProgress {
        /// The document.
        id: DocumentId,
        /// Bytes of it received so far.
        bytes_done: f64,
        /// Its size as the server announced it.
        total: Option<f64>,
    },
    /// When a document is saved, skipped, kept or has failed.
    FileFinished(FileOutcome),
    /// The whole run's progress, after every chunk and every finished file.
    Progress {
        /// Documents finished (whatever their status).
        files_done: u32,
        /// Documents in the request.
        files_total: u32,
        /// Bytes received plus the sizes of skipped files; never goes down (a failed file's bytes stay
        /// counted).
        bytes_done: f64,
    },
}

/// How one document ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum FileStatus {
    /// Downloaded and saved under [`FileOutcome::path`].
    Saved,
    /// Already in the folder, intact; no request was made.
    Skipped,
    /// The file recorded for it was changed since it was saved (or is no longer a plain file): it is
    /// left as it is, at [`FileOutcome::kept_path`], and the fresh copy saved beside it under
    /// [`FileOutcome::path`]. Only [`BulkRequest::overwrite`] replaces such a file.
    ChangedLocallyKept,
    /// Not saved; [`FileOutcome::error`] says why. Nothing was left under a final name.
    Failed,
}

/// One document's result.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FileOutcome {
    /// The document.
    pub id: DocumentId,
    /// The absolute path of the document's file (saved, skipped, or the fresh copy beside a kept
    /// file); `None` when failed.
    pub path: Option<PathBuf>,
    /// The file's size (0 when failed).
    pub bytes: u64,
    /// The file's SHA-256, lowercase hex; `None` when failed.
    pub sha256: Option<String>,
    /// Saved, skipped, changed locally and kept, or failed.
    pub status: FileStatus,
    /// Why it failed.
    pub error: Option<FileError>,
    /// With [`FileStatus::ChangedLocallyKept`]: the absolute path of the file the user changed,
    /// left untouched.
    pub kept_path: Option<PathBuf>,
}

/// Why one document failed: a stable code for the UI to switch on (and word in the user's
/// language), a message in English for logs and the command line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileError {
    /// The API's code ([`ApiError::kind`]: `incomplete_download`, `not_found`, `rate_limited`, …),
    /// [`ErrorCode::Io`] for a local file system failure (temporary file, fsync, rename), or
    /// [`ErrorCode::Cancelled`] for a document the run's cancellation stopped.
    pub code: ErrorCode,
    /// What happened, in words.
    pub message: String,
}

/// The result of a run.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BulkSummary {
    /// Documents saved.
    pub saved: usize,
    /// Documents skipped because their file was intact.
    pub skipped: usize,
    /// Documents whose recorded file had been changed locally: kept, the fresh copy beside it.
    pub changed_locally_kept: usize,
    /// Documents that failed, cancelled ones included.
    pub failed: usize,
    /// Whether cancellation stopped at least one document (those are `Failed` with code
    /// [`ErrorCode::Cancelled`]).
    pub cancelled: bool,
    /// One outcome per requested document, in the request's order.
    pub files: Vec<FileOutcome>,
    /// Problems with the download record that the run worked around (a damaged record, entries it
    /// could not trust, a record it could not write): none is fatal, none is silent.
    pub warnings: Vec<ManifestWarning>,
}

/// Downloads `request.documents` into `request.folder`, reporting through `events`.
///
/// Stops promptly when `cancel` is cancelled: transfers in flight are dropped, their temporary files
/// removed, and every document not finished is reported `Failed` with code [`ErrorCode::Cancelled`].
/// The manifest is written at the end in every case, so what was saved is skipped next time.
///
/// Fails only when the run cannot start: [`CoreError::FolderInUse`] when another run is saving
/// into the folder, [`CoreError::Io`] when the folder cannot be created, read or locked (or is a
/// file). Failures of single documents are in the [`BulkSummary`].
pub async fn download_documents(
    client: &Client,
    request: BulkRequest,
    events: &(dyn Fn(BulkEvent) + Send + Sync),
    cancel: CancellationToken,
) -> Result<BulkSummary, CoreError> {
    let folder = prepare_folder(&request.folder)?;
    // Held to the end of the run; dropping it removes the lock file.
    let _lock = FolderLock::acquire(&folder)?;
    let existing = clean_folder(&folder)?;
    let (manifest, mut warnings) = Manifest::load(&folder);
    let claims = manifest.claims(
        request.contract.as_str(),
        request.documents.iter().map(|d| d.id.as_str()),
    );
    warnings.extend(claims.warnings);
    let reserved = manifest.entries().map(|entry| entry.file.clone());
    let names = NameAllocator::new(existing.into_iter().chain(reserved));
    let files_total = u32::try_from(request.documents.len()).unwrap_or(u32::MAX);
    events(BulkEvent::Started {
        files: files_total,
        bytes: total_size(&request.documents),
    });
    let run = Run {
        client,
        contract: request.contract.clone(),
        folder,
        overwrite: request.overwrite,
        zipped: request.zipped,
        events,
        cancel,
        claims: claims.entries,
        names: Mutex::new(names),
        book: Mutex::new(Book::new(manifest)),
        files_done: AtomicU32::new(0),
        files_total,
        bytes_done: AtomicU64::new(0),
    };
    let run = &run;
    let mut outcomes: Vec<(usize, FileOutcome)> =
        // Owned documents (not references) keep this future `Send` for callers that must prove it
        // for every lifetime, such as a Tauri command.
        stream::iter(request.documents.into_iter().enumerate())
            .map(|(index, document)| async move { (index, run.process(&document).await) })
            .buffer_unordered(request.jobs.max(1))
            .collect()
            .await;
    outcomes.sort_by_key(|(index, _)| *index);
    if let Err(error) = run.finish() {
        warnings.push(ManifestWarning::about_record(
            ManifestWarningCode::NotWritten,
            format!("the download record {MANIFEST_FILE_NAME} could not be written ({error}); the files are saved, but a rerun will not recognise them and will save them again under new names"),
        ));
    }
    Ok(summarise(
        outcomes.into_iter().map(|(_, outcome)| outcome).collect(),
        warnings,
    ))
}

/// Creates the folder when missing and returns its absolute path.
fn prepare_folder(folder: &Path) -> Result<PathBuf, CoreError> {
    let io_error = |source| CoreError::Io {
        path: folder.to_owned(),
        source,
    };
    if folder.exists() && !folder.is_dir() {
        return Err(io_error(io::Error::new(
            io::ErrorKind::NotADirectory,
            "not a folder",
        )));
    }
    std::fs::create_dir_all(folder).map_err(io_error)?;
    std::path::absolute(folder).map_err(io_error)
}

/// Removes the temporary files nobody is writing any more and returns the names of everything else
/// but temporary files.
///
/// Why "nobody is writing": the folder lock keeps other bulk runs out, but the app may be saving a
/// single document into this folder right now; its temporary file is locked and stays (see
/// [`clean_stale_temp_files`]). Temporary names are never handed out as final names, so they need
/// no reserving.
fn clean_folder(folder: &Path) -> Result<Vec<String>, CoreError> {
    let read_error = |source| CoreError::Io {
        path: folder.to_owned(),
        source,
    };
    clean_stale_temp_files(folder).map_err(read_error)?;
    let mut names = Vec::new();
    for entry in std::fs::read_dir(folder).map_err(read_error)? {
        let name = entry.map_err(read_error)?.file_name();
        let name = name.to_string_lossy();
        if !is_temp_name(&name) {
            names.push(name.into_owned());
        }
    }
    Ok(names)
}

/// The sum of the listed sizes, when every document has one.
fn total_size(documents: &[Document]) -> Option<f64> {
    documents
        .iter()
        .map(|d| d.size)
        .sum::<Option<u64>>()
        .map(|bytes| bytes as f64)
}

/// Counts the outcomes.
fn summarise(files: Vec<FileOutcome>, warnings: Vec<ManifestWarning>) -> BulkSummary {
    let count = |status| files.iter().filter(|f| f.status == status).count();
    BulkSummary {
        saved: count(FileStatus::Saved),
        skipped: count(FileStatus::Skipped),
        changed_locally_kept: count(FileStatus::ChangedLocallyKept),
        failed: count(FileStatus::Failed),
        cancelled: files.iter().any(|f| {
            f.error
                .as_ref()
                .is_some_and(|e| e.code == ErrorCode::Cancelled)
        }),
        warnings,
        files,
    }
}

/// The manifest of the run and when it was last written.
struct Book {
    /// Entries so far (those of earlier runs and other contracts included).
    manifest: Manifest,
    /// When the manifest was last written (or the run started).
    saved_at: Instant,
    /// Whether entries were added since.
    dirty: bool,
}

impl Book {
    /// Starts from the manifest read from the folder.
    fn new(manifest: Manifest) -> Self {
        Self {
            manifest,
            saved_at: Instant::now(),
            dirty: false,
        }
    }
}

/// A file that reached its final name.
struct Placed {
    /// Its name in the folder.
    name: String,
    /// Its size.
    bytes: u64,
    /// Its SHA-256, lowercase hex.
    sha256: String,
}

/// Where a fetched document goes.
enum Placement {
    /// A fresh name from the allocator (never an existing file).
    New,
    /// Back under its recorded name, which was free when the run looked; a fresh name if something
    /// took it since.
    Restore(String),
    /// Over its recorded file (`overwrite`).
    Replace(String),
}

/// What is at a document's recorded name.
enum Local {
    /// Nothing.
    Missing,
    /// A regular file of the recorded size and SHA-256 (with `overwrite`, of any content: it is not
    /// read).
    Intact,
    /// A regular file whose size or SHA-256 differs from the record.
    Changed,
    /// Something else (a folder, a link) or something that cannot be examined: never replaced.
    Other,
}

/// What every transfer of one run shares.
struct Run<'a> {
    client: &'a Client,
    contract: ContractId,
    /// Absolute.
    folder: PathBuf,
    overwrite: bool,
    zipped: bool,
    events: &'a (dyn Fn(BulkEvent) + Send + Sync),
    cancel: CancellationToken,
    /// The record's entries this run may act on, by document id (see [`Manifest::claims`]).
    claims: HashMap<String, ManifestEntry>,
    /// Final names; locked only around a rename, never across an await.
    names: Mutex<NameAllocator>,
    /// Locked only to add an entry (and maybe write the manifest), never across an await.
    book: Mutex<Book>,
    files_done: AtomicU32,
    files_total: u32,
    bytes_done: AtomicU64,
}

impl Run<'_> {
    /// One document from start to outcome, with its events.
    async fn process(&self, document: &Document) -> FileOutcome {
        let outcome = self.outcome(document).await;
        if outcome.status == FileStatus::Skipped {
            self.bytes_done.fetch_add(outcome.bytes, Ordering::Relaxed);
        }
        self.files_done.fetch_add(1, Ordering::Relaxed);
        (self.events)(BulkEvent::FileFinished(outcome.clone()));
        self.report_progress();
        outcome
    }

    /// Skips an intact file, or fetches the document and places it as the recorded file allows.
    async fn outcome(&self, document: &Document) -> FileOutcome {
        if self.cancel.is_cancelled() {
            return failed(&document.id, cancelled_error());
        }
        let Some(entry) = self.claim(&document.id) else {
            return self.fetch_and_place(document, Placement::New, None).await;
        };
        let recorded = self.folder.join(&entry.file);
        match local_state(&recorded, &entry, !self.overwrite).await {
            Local::Intact if !self.overwrite => {
                self.adopt(&entry);
                FileOutcome {
                    id: document.id.clone(),
                    path: Some(recorded),
                    bytes: entry.bytes,
                    sha256: Some(entry.sha256),
                    status: FileStatus::Skipped,
                    error: None,
                    kept_path: None,
                }
            }
            Local::Intact | Local::Changed if self.overwrite => {
                self.fetch_and_place(document, Placement::Replace(entry.file), None)
                    .await
            }
            Local::Missing => {
                self.fetch_and_place(document, Placement::Restore(entry.file), None)
                    .await
            }
            Local::Intact | Local::Changed | Local::Other => {
                self.fetch_and_place(document, Placement::New, Some(recorded))
                    .await
            }
        }
    }

    /// The record's entry for this document when the run may use it and it was saved the same way
    /// (zipped or not).
    fn claim(&self, id: &DocumentId) -> Option<ManifestEntry> {
        self.claims
            .get(id.as_str())
            .filter(|entry| entry.zipped == self.zipped)
            .cloned()
    }

    /// Fetches the document and places it; `kept` is the user's changed file it is saved beside.
    async fn fetch_and_place(
        &self,
        document: &Document,
        placement: Placement,
        kept: Option<PathBuf>,
    ) -> FileOutcome {
        match self.fetch(document, placement).await {
            Ok(placed) => {
                self.record(&document.id, &placed);
                FileOutcome {
                    id: document.id.clone(),
                    path: Some(self.folder.join(&placed.name)),
                    bytes: placed.bytes,
                    sha256: Some(placed.sha256),
                    status: if kept.is_some() {
                        FileStatus::ChangedLocallyKept
                    } else {
                        FileStatus::Saved
                    },
                    error: None,
                    kept_path: kept,
                }
            }
            Err(error) => failed(&document.id, error),
        }
    }

    /// Downloads into a temporary file and moves it to its final name; removes the temporary file on
    /// any failure.
    async fn fetch(&self, document: &Document, placement: Placement) -> Result<Placed, FileError> {
        let folder = self.folder.clone();
        let (temp, file) = tokio::task::spawn_blocking(move || create_temp(&folder))
            .await
            .map_err(|e| io_error(&io::Error::other(e)))?
            .map_err(|e| io_error(&e))?;
        let result = self.transfer(document, file, &temp, placement).await;
        if result.is_err() {
            if let Err(error) = tokio::fs::remove_file(&temp).await {
                if error.kind() != io::ErrorKind::NotFound {
                    tracing::warn!(file = %temp.display(), %error, "cannot remove a temporary file");
                }
            }
        }
        result
    }

    /// Streams the document into `temp` (hashing on the way), fsyncs it and places it; the file
    /// stays open (and locked) until it has its final name.
    async fn transfer(
        &self,
        document: &Document,
        file: std::fs::File,
        temp: &Path,
        placement: Placement,
    ) -> Result<Placed, FileError> {
        let mut writer = HashingWriter::new(DiskWriter::new(file));
        let downloaded = self.stream_into(document, &mut writer).await?;
        let (disk, sha256) = writer.finish();
        let file = disk.finish().await.map_err(|e| io_error(&e))?;
        let wanted = wanted_name(document, &downloaded, self.zipped);
        let name = self
            .place(temp, &wanted, placement)
            .map_err(|e| io_error(&e))?;
        drop(file);
        Ok(Placed {
            name,
            bytes: downloaded.bytes,
            sha256,
        })
    }

    /// The download itself, abandoned as soon as the run is cancelled.
    async fn stream_into(
        &self,
        document: &Document,
        writer: &mut HashingWriter<DiskWriter>,
    ) -> Result<DownloadedFile, FileError> {
        let request = DownloadRequest {
            document: document.id.clone(),
            zipped: self.zipped,
        };
        let mut reported = 0u64;
        let mut progress = |p: DownloadProgress| self.on_chunk(&document.id, &mut reported, p);
        tokio::select! {
            biased;
            () = self.cancel.cancelled() => Err(cancelled_error()),
            result = self.client.download_document(&self.contract, &request, writer, &mut progress) => {
                result.map_err(|e| api_error(&e))
            }
        }
    }

    /// Counts a chunk and reports the file's and the run's progress.
    fn on_chunk(&self, id: &DocumentId, reported: &mut u64, progress: DownloadProgress) {
        let delta = progress.bytes_done.saturating_sub(*reported);
        *reported = progress.bytes_done;
        self.bytes_done.fetch_add(delta, Ordering::Relaxed);
        (self.events)(BulkEvent::FileProgress {
            id: id.clone(),
            bytes_done: progress.bytes_done as f64,
            total: progress.total.map(|t| t as f64),
        });
        self.report_progress();
    }

    /// Sends the run's progress.
    fn report_progress(&self) {
        (self.events)(BulkEvent::Progress {
            files_done: self.files_done.load(Ordering::Relaxed),
            files_total: self.files_total,
            bytes_done: self.bytes_done.load(Ordering::Relaxed) as f64,
        });
    }

    /// Moves the finished temporary file to its final name: over the recorded file when replacing,
    /// back under the recorded name when it is still free, else a fresh name from the shared
    /// allocator (chosen now, so that names follow completion). Only a replacement ever moves a file
    /// over another.
    fn place(&self, temp: &Path, wanted: &str, placement: Placement) -> io::Result<String> {
        match placement {
            Placement::Replace(name) => {
                std::fs::rename(temp, self.folder.join(&name))?;
                return Ok(name);
            }
            Placement::Restore(name) => {
                if move_if_free(temp, &self.folder.join(&name))? {
                    return Ok(name);
                }
            }
            Placement::New => {}
        }
        let mut names = lock(&self.names);
        loop {
            let name = names.allocate(wanted);
            // Something may have appeared since the folder was listed: never replace it.
            if move_if_free(temp, &self.folder.join(&name))? {
                return Ok(name);
            }
        }
    }

    /// Adds a saved file to the manifest (for this run's contract), writing it when the last write
    /// is old enough.
    fn record(&self, id: &DocumentId, placed: &Placed) {
        self.put(ManifestEntry {
            id: id.as_str().to_owned(),
            contract: Some(self.contract.as_str().to_owned()),
            file: placed.name.clone(),
            bytes: placed.bytes,
            sha256: placed.sha256.clone(),
            zipped: self.zipped,
        });
    }

    /// Records a skipped file's version 1 entry as this contract's (the run found it intact); an
    /// entry already of this contract is left as it is.
    fn adopt(&self, entry: &ManifestEntry) {
        if entry.contract.is_none() {
            self.put(ManifestEntry {
                contract: Some(self.contract.as_str().to_owned()),
                ..entry.clone()
            });
        }
    }

    /// Puts an entry in the manifest, writing it when the last write is old enough.
    fn put(&self, entry: ManifestEntry) {
        let mut book = lock(&self.book);
        book.manifest.insert(entry);
        book.dirty = true;
        if book.saved_at.elapsed() >= MANIFEST_SAVE_INTERVAL {
            if let Err(error) = self.write_manifest(&mut book) {
                tracing::warn!(%error, "cannot write the download manifest; will retry at the end");
            }
        }
    }

    /// Writes the manifest, fsyncing the folder first (so that the renames it records are durable
    /// before it names them) and after (so that its own rename is).
    fn write_manifest(&self, book: &mut Book) -> io::Result<()> {
        book.saved_at = Instant::now();
        sync_folder(&self.folder);
        book.manifest.save(&self.folder)?;
        sync_folder(&self.folder);
        book.dirty = false;
        Ok(())
    }

    /// The final manifest write (when anything changed).
    fn finish(&self) -> io::Result<()> {
        let mut book = lock(&self.book);
        if book.dirty || !self.folder.join(MANIFEST_FILE_NAME).exists() {
            self.write_manifest(&mut book)
        } else {
            Ok(())
        }
    }
}

/// What is at `path`, the recorded file of `entry`. The size is compared first; the content is read
/// (hashed) only when `check_content` and the size matches (see the module's note on cost).
async fn local_state(path: &Path, entry: &ManifestEntry, check_content: bool) -> Local {
    let meta = match tokio::fs::symlink_metadata(path).await {
        Ok(meta) => meta,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Local::Missing,
        Err(_) => return Local::Other,
    };
    if !meta.is_file() {
        return Local::Other;
    }
    if meta.len() != entry.bytes {
        return Local::Changed;
    }
    if !check_content {
        return Local::Intact;
    }
    match sha256_of_file(path).await {
        Ok(sum) if sum == entry.sha256 => Local::Intact,
        Ok(_) => Local::Changed,
        Err(_) => Local::Other,
    }
}

/// Moves `temp` to `target` unless something is there; `Ok(false)` when something is.
///
/// Why a hard link then an unlink rather than a rename: a rename replaces whatever the target became
/// since it was looked at, a link fails instead (atomically). Where links are not supported (FAT,
/// some network shares), a check then a rename is the best there is.
fn move_if_free(temp: &Path, target: &Path) -> io::Result<bool> {
    match rename_no_replace(temp, target) {
        Some(Ok(())) => return Ok(true),
        Some(Err(error)) if error.kind() == io::ErrorKind::AlreadyExists => return Ok(false),
        Some(Err(error)) => return Err(error),
        None => {}
    }
    match std::fs::hard_link(temp, target) {
        Ok(()) => {
            if let Err(error) = std::fs::remove_file(temp) {
                // The file is in place; its second name is removed as stale by a later run.
                tracing::warn!(file = %temp.display(), %error, "cannot remove a temporary name");
            }
            Ok(true)
        }
        Err(error) if error.kind() == io::ErrorKind::AlreadyExists => Ok(false),
        Err(_) => {
            if target.symlink_metadata().is_ok() {
                return Ok(false);
            }
            std::fs::rename(temp, target)?;
            Ok(true)
        }
    }
}

/// An atomic rename that fails rather than replace (`renameat2(RENAME_NOREPLACE)`, Linux): one
/// system call per file where a hard link and an unlink take two directory changes (measured: the
/// claim by link + unlink cost a 1,000-file save about a third more system time). `None` where the
/// system or the file system cannot do it; the caller then claims the name another way.
#[cfg(target_os = "linux")]
fn rename_no_replace(temp: &Path, target: &Path) -> Option<io::Result<()>> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    use rustix::io::Errno;
    match renameat_with(CWD, temp, CWD, target, RenameFlags::NOREPLACE) {
        Ok(()) => Some(Ok(())),
        Err(errno) if errno == Errno::INVAL || errno == Errno::NOSYS => None,
        Err(errno) => Some(Err(io::Error::from(errno))),
    }
}

/// Elsewhere the name is claimed by a hard link (see [`move_if_free`]).
#[cfg(not(target_os = "linux"))]
fn rename_no_replace(_temp: &Path, _target: &Path) -> Option<io::Result<()>> {
    None
}

/// The name a document is saved under, before clash numbering: the list's `filename`, else the
/// server's `Content-Disposition` name, else `{period}_{type}_{id}.{ext}`; `.zip` added when zipped.
/// The name a document's file gets in a folder save as far as the list tells it (before any
/// download, so without the server's own name): what a failed document is named by.
pub fn listed_file_name(document: &Document) -> String {
    let nothing_downloaded = DownloadedFile {
        bytes: 0,
        server_file_name: None,
        content_type: None,
        request_id: None,
    };
    wanted_name(document, &nothing_downloaded, false)
}

/// A document's file name: the list's, else the server's (`Content-Disposition`), else one made of
/// period, type and id with the content type's extension; `.zip` added when the server zipped it.
pub(crate) fn wanted_name(
    document: &Document,
    downloaded: &DownloadedFile,
    zipped: bool,
) -> String {
    if !document.filename.trim().is_empty() {
        let name = safe_file_name(&document.filename);
        return if zipped {
            safe_file_name(&format!("{name}.zip"))
        } else {
            name
        };
    }
    let name = match downloaded
        .server_file_name
        .as_deref()
        .filter(|n| !n.trim().is_empty())
    {
        Some(server) => safe_file_name(server),
        None => fallback_file_name(
            &document.period,
            document
                .document_type
                .as_ref()
                .map_or("document", |t| t.wire_name()),
            document.id.as_str(),
            extension_for_content_type(downloaded.content_type.as_deref().unwrap_or_default()),
        ),
    };
    if zipped && !name.to_ascii_lowercase().ends_with(".zip") {
        safe_file_name(&format!("{name}.zip"))
    } else {
        name
    }
}

/// A failed outcome.
fn failed(id: &DocumentId, error: FileError) -> FileOutcome {
    FileOutcome {
        id: id.clone(),
        path: None,
        bytes: 0,
        sha256: None,
        status: FileStatus::Failed,
        error: Some(error),
        kept_path: None,
    }
}

/// An API failure, with its stable code.
pub(crate) fn api_error(error: &ApiError) -> FileError {
    FileError {
        code: error.kind().into(),
        message: error.to_string(),
    }
}

/// A local file system failure.
pub(crate) fn io_error(error: &io::Error) -> FileError {
    FileError {
        code: ErrorCode::Io,
        message: error.to_string(),
    }
}

/// The error of a document the cancellation stopped.
pub(crate) fn cancelled_error() -> FileError {
    FileError {
        code: ErrorCode::Cancelled,
        message: "the download was cancelled".to_owned(),
    }
}

/// Locks a mutex; a panic elsewhere does not make the data unusable here.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The SHA-256 of a file on disk, lowercase hex, read in large blocks on the blocking pool.
pub(crate) async fn sha256_of_file(path: &Path) -> io::Result<String> {
    let path = path.to_owned();
    tokio::task::spawn_blocking(move || {
        let mut file = std::fs::File::open(path)?;
        let mut hasher = Sha256::new();
        let mut buffer = vec![0u8; HASH_BUFFER];
        loop {
            let read = file.read(&mut buffer)?;
            if read == 0 {
                return Ok(to_hex(&hasher.finalize()));
            }
            hasher.update(&buffer[..read]);
        }
    })
    .await
    .map_err(io::Error::other)?
}

/// Lowercase hex.
fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    bytes
        .iter()
        .flat_map(|b| [DIGITS[usize::from(b >> 4)], DIGITS[usize::from(b & 0xf)]])
        .map(char::from)
        .collect()
}

/// A writer that hashes what it passes on, so a download is hashed while streamed, not read twice.
struct HashingWriter<W> {
    inner: W,
    hasher: Sha256,
}

impl<W> HashingWriter<W> {
    /// Wraps `inner`.
    fn new(inner: W) -> Self {
        Self {
            inner,
            hasher: Sha256::new(),
        }
    }

    /// The inner writer and the hex SHA-256 of everything written.
    fn finish(self) -> (W, String) {
        (self.inner, to_hex(&self.hasher.finalize()))
    }
}

impl<W: AsyncWrite + Unpin> AsyncWrite for HashingWriter<W> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        let written = Pin::new(&mut this.inner).poll_write(cx, buf);
        if let Poll::Ready(Ok(n)) = &written {
            this.hasher.update(&buf[..*n]);
        }
        written
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // A failed unwrap is a failed test, with its line.
mod tests {
    use super::*;
    use tokio::io::AsyncWriteExt;

    #[test]
    fn hex_is_lowercase() {
        assert_eq!(to_hex(&[0x00, 0xab, 0x7f]), "00ab7f");
    }

    #[tokio::test]
    async fn hashing_writer_matches_a_direct_hash() {
        let mut writer = HashingWriter::new(Vec::new());
        writer.write_all(b"hello ").await.unwrap();
        writer.write_all(b"world").await.unwrap();
        let (bytes, sum) = writer.finish();
        assert_eq!(bytes, b"hello world");
        assert_eq!(sum, to_hex(&Sha256::digest(b"hello world")));
    }

    fn document(filename: &str) -> Document {
        serde_json::from_value(serde_json::json!({
            "id": "65a1b2c3d4e5f60718293a4b",
            "filename": filename,
            "period": "202401",
            "documentType": "invoices",
        }))
        .unwrap()
    }

    fn downloaded(server: Option<&str>, content_type: &str) -> DownloadedFile {
        DownloadedFile {
            bytes: 1,
            server_file_name: server.map(str::to_owned),
            content_type: Some(content_type.to_owned()),
            request_id: None,
        }
    }

    #[test]
    fn names_prefer_the_list_then_the_server_then_the_fallback() {
        let pdf = downloaded(Some("server.pdf"), "application/pdf");
        assert_eq!(wanted_name(&document("../a.pdf"), &pdf, false), "a.pdf");
        assert_eq!(wanted_name(&document("a.pdf"), &pdf, true), "a.pdf.zip");
        assert_eq!(wanted_name(&document("  "), &pdf, false), "server.pdf");
        let zip = downloaded(Some("server.pdf.zip"), "application/zip");
        assert_eq!(wanted_name(&document(""), &zip, true), "server.pdf.zip");
        let none = downloaded(None, "application/pdf");
        assert_eq!(
            wanted_name(&document(""), &none, false),
            "202401_invoices_65a1b2c3d4e5f60718293a4b.pdf"
        );
    }

    #[test]
    fn events_serialise_for_the_ui() {
        let event = BulkEvent::Progress {
            files_done: 1,
            files_total: 2,
            bytes_done: 3.0,
        };
        assert_eq!(
            serde_json::to_value(&event).unwrap(),
            serde_json::json!({"kind": "progress", "filesDone": 1, "filesTotal": 2, "bytesDone": 3.0})
        );
        let finished =
            BulkEvent::FileFinished(failed(&DocumentId::from_server("d1"), cancelled_error()));
        let value = serde_json::to_value(&finished).unwrap();
        assert_eq!(value["kind"], "fileFinished");
        assert_eq!(value["status"], "failed");
        assert_eq!(value["error"]["code"], "cancelled");
    }
}
