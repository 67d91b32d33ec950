//! Bulk download: many documents of one contract into a folder, safely, resumably, concurrently.
//!
//! Why a module of its own: the desktop app and the `ccs` command line both offer "download these
//! 500 invoices to this folder", and both need the same guarantees:
//!
//! - **No partial file under a final name.** Each file is streamed into `.ccs-tmp-<random>.part` in the
//!   target folder (same file system, so the rename is atomic), fsynced, then renamed. A failed or
//!   cancelled transfer removes its temporary file; temporary files left by a killed run are removed
//!   when the next run starts.
//! - **Nothing outside the folder, nothing overwritten by accident.** Names come from untrusted server
//!   text and go through [`safe_file_name`]; one [`NameAllocator`], seeded with what the folder already
//!   holds, gives ` (2)`, ` (3)`… on clashes, so a user's own file is never replaced.
//! - **Reruns are cheap.** The [`Manifest`] remembers what was saved (name, size, SHA-256); a document
//!   whose file is still intact is skipped without a request, a changed or deleted one is fetched again
//!   and put back under its recorded name.
//! - **One failure is one failure.** A cut connection or a 404 marks that document failed (with the
//!   API's error code) and the others go on; only set-up problems (the folder) are a [`BulkError`].
//! - **Flat memory.** Bodies are streamed to disk and hashed on the way; nothing holds a whole file.

use crate::disk::DiskWriter;
use crate::manifest::{is_temp_name, temp_path, Manifest, ManifestEntry, MANIFEST_FILE_NAME};
use crate::naming::{
    extension_for_content_type, fallback_file_name, safe_file_name, NameAllocator,
};
use ccs_api::{
    ApiError, Client, ContractId, Document, DocumentId, DownloadProgress, DownloadRequest,
    DownloadedFile,
};
use futures_util::stream::{self, StreamExt};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::io;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWrite};
use tokio_util::sync::CancellationToken;

/// How many transfers run at once when the caller does not say: enough to hide latency, few enough
/// not to trip the API's rate limits.
pub const DEFAULT_JOBS: usize = 4;

/// The least time between two manifest writes while files complete. Why: writing it after every one
/// of 500 small files would cost more than the files; an interrupted run loses at most this much of
/// the manifest, and those documents are simply fetched again.
pub const MANIFEST_SAVE_INTERVAL: Duration = Duration::from_millis(250);

/// The [`FileError::code`] of a document that was not finished because the run was cancelled.
pub const CANCELLED_CODE: &str = "cancelled";

/// The [`FileError::code`] of a local file system failure (temporary file, fsync, rename).
pub const IO_CODE: &str = "io";

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
    /// Fetch every document again, replacing the file the manifest names for it (in place, never a
    /// file the manifest does not attribute to that document).
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
    /// When a document is saved, skipped or has failed.
    FileFinished(FileOutcome),
    /// The whole run's progress, after every chunk and every finished file.
    Progress {
        /// Documents finished (saved, skipped or failed).
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
#[serde(rename_all = "lowercase")]
pub enum FileStatus {
    /// Downloaded and saved under [`FileOutcome::path`].
    Saved,
    /// Already in the folder, intact; no request was made.
    Skipped,
    /// Not saved; [`FileOutcome::error`] says why. Nothing was left under a final name.
    Failed,
}

/// One document's result.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FileOutcome {
    /// The document.
    pub id: DocumentId,
    /// The absolute path of the file (saved or skipped); `None` when failed.
    pub path: Option<PathBuf>,
    /// The file's size (0 when failed).
    pub bytes: u64,
    /// The file's SHA-256, lowercase hex; `None` when failed.
    pub sha256: Option<String>,
    /// Saved, skipped or failed.
    pub status: FileStatus,
    /// Why it failed.
    pub error: Option<FileError>,
}

/// Why one document failed: a stable code for the UI to switch on, a message for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileError {
    /// [`ApiError::kind`] (`incomplete_download`, `not_found`, …), [`IO_CODE`] or [`CANCELLED_CODE`].
    pub code: String,
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
    /// Documents that failed, cancelled ones included.
    pub failed: usize,
    /// Whether cancellation stopped at least one document (those are `Failed` with code
    /// [`CANCELLED_CODE`]).
    pub cancelled: bool,
    /// One outcome per requested document, in the request's order.
    pub files: Vec<FileOutcome>,
    /// Why the manifest could not be written at the end, if so. The files are saved, but a rerun
    /// will not recognise them and will save them again under ` (2)` names.
    pub manifest_error: Option<FileError>,
}

/// Why a bulk download could not start. Failures of single documents are in [`BulkSummary`].
#[derive(Debug, thiserror::Error)]
pub enum BulkError {
    /// The folder did not exist and could not be created.
    #[error("cannot create the folder {}: {source}", path.display())]
    CreateFolder {
        /// The folder.
        path: PathBuf,
        /// The system's reason.
        source: io::Error,
    },
    /// The path exists and is a file (or something else that is not a folder).
    #[error("{} is not a folder", path.display())]
    NotAFolder {
        /// The path.
        path: PathBuf,
    },
    /// The folder's contents could not be listed (or its absolute path found).
    #[error("cannot read the folder {}: {source}", path.display())]
    ReadFolder {
        /// The folder.
        path: PathBuf,
        /// The system's reason.
        source: io::Error,
    },
}

/// Downloads `request.documents` into `request.folder`, reporting through `events`.
///
/// Stops promptly when `cancel` is cancelled: transfers in flight are dropped, their temporary files
/// removed, and every document not finished is reported `Failed` with code [`CANCELLED_CODE`]. The
/// manifest is written at the end in every case, so what was saved is skipped next time.
pub async fn download_documents(
    client: &Client,
    request: BulkRequest,
    events: &(dyn Fn(BulkEvent) + Send + Sync),
    cancel: CancellationToken,
) -> Result<BulkSummary, BulkError> {
    let folder = prepare_folder(&request.folder)?;
    let existing = clean_folder(&folder)?;
    let manifest = Manifest::load(&folder);
    let reserved = manifest.files.values().map(|entry| entry.file.clone());
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
    let manifest_error = run.finish().err().map(|e| io_error(&e));
    Ok(summarise(
        outcomes.into_iter().map(|(_, outcome)| outcome).collect(),
        manifest_error,
    ))
}

/// Creates the folder when missing and returns its absolute path.
fn prepare_folder(folder: &Path) -> Result<PathBuf, BulkError> {
    if folder.exists() && !folder.is_dir() {
        return Err(BulkError::NotAFolder {
            path: folder.to_owned(),
        });
    }
    std::fs::create_dir_all(folder).map_err(|source| BulkError::CreateFolder {
        path: folder.to_owned(),
        source,
    })?;
    std::path::absolute(folder).map_err(|source| BulkError::ReadFolder {
        path: folder.to_owned(),
        source,
    })
}

/// Removes temporary files a killed run left behind and returns the names of everything else.
///
/// Why here: a `.ccs-tmp-*.part` can only be ours, and no transfer of this run has started yet. (Two
/// runs into the same folder at the same time are not supported: the second would remove the first's
/// temporary files, whose transfers would then fail rather than corrupt anything.)
fn clean_folder(folder: &Path) -> Result<Vec<String>, BulkError> {
    let read_error = |source| BulkError::ReadFolder {
        path: folder.to_owned(),
        source,
    };
    let mut names = Vec::new();
    for entry in std::fs::read_dir(folder).map_err(read_error)? {
        let entry = entry.map_err(read_error)?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if is_temp_name(&name) {
            if let Err(error) = std::fs::remove_file(entry.path()) {
                tracing::warn!(file = %name, %error, "cannot remove a stale temporary file");
            }
        } else {
            names.push(name);
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
fn summarise(files: Vec<FileOutcome>, manifest_error: Option<FileError>) -> BulkSummary {
    let count = |status| files.iter().filter(|f| f.status == status).count();
    BulkSummary {
        saved: count(FileStatus::Saved),
        skipped: count(FileStatus::Skipped),
        failed: count(FileStatus::Failed),
        cancelled: files
            .iter()
            .any(|f| f.error.as_ref().is_some_and(|e| e.code == CANCELLED_CODE)),
        manifest_error,
        files,
    }
}

/// The manifest of the run and when it was last written.
struct Book {
    /// Entries so far (those of earlier runs included).
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

    /// Skips an intact file, or fetches the document.
    async fn outcome(&self, document: &Document) -> FileOutcome {
        if self.cancel.is_cancelled() {
            return failed(&document.id, cancelled_error());
        }
        let previous = self.previous_entry(&document.id);
        if let Some(entry) = previous.as_ref().filter(|_| !self.overwrite) {
            if self.is_intact(entry).await {
                return FileOutcome {
                    id: document.id.clone(),
                    path: Some(self.folder.join(&entry.file)),
                    bytes: entry.bytes,
                    sha256: Some(entry.sha256.clone()),
                    status: FileStatus::Skipped,
                    error: None,
                };
            }
        }
        let replace = previous.map(|entry| entry.file);
        match self.fetch(document, replace).await {
            Ok(placed) => {
                self.record(&document.id, &placed);
                FileOutcome {
                    id: document.id.clone(),
                    path: Some(self.folder.join(&placed.name)),
                    bytes: placed.bytes,
                    sha256: Some(placed.sha256),
                    status: FileStatus::Saved,
                    error: None,
                }
            }
            Err(error) => failed(&document.id, error),
        }
    }

    /// The manifest's entry for this document when it was saved the same way (zipped or not).
    fn previous_entry(&self, id: &DocumentId) -> Option<ManifestEntry> {
        lock(&self.book)
            .manifest
            .files
            .get(id.as_str())
            .filter(|entry| entry.zipped == self.zipped)
            .cloned()
    }

    /// Whether the recorded file is still there, a regular file, of the same size and SHA-256.
    async fn is_intact(&self, entry: &ManifestEntry) -> bool {
        let path = self.folder.join(&entry.file);
        match tokio::fs::symlink_metadata(&path).await {
            Ok(meta) if meta.is_file() && meta.len() == entry.bytes => {}
            _ => return false,
        }
        sha256_of_file(&path)
            .await
            .is_ok_and(|sum| sum == entry.sha256)
    }

    /// Downloads into a temporary file and moves it to its final name; removes the temporary file on
    /// any failure.
    async fn fetch(
        &self,
        document: &Document,
        replace: Option<String>,
    ) -> Result<Placed, FileError> {
        let temp = temp_path(&self.folder);
        let result = self.transfer(document, &temp, replace).await;
        if result.is_err() {
            if let Err(error) = tokio::fs::remove_file(&temp).await {
                if error.kind() != io::ErrorKind::NotFound {
                    tracing::warn!(file = %temp.display(), %error, "cannot remove a temporary file");
                }
            }
        }
        result
    }

    /// Streams the document into `temp` (hashing on the way), fsyncs it and renames it.
    async fn transfer(
        &self,
        document: &Document,
        temp: &Path,
        replace: Option<String>,
    ) -> Result<Placed, FileError> {
        let file = tokio::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(temp)
            .await
            .map_err(|e| io_error(&e))?;
        let mut writer = HashingWriter::new(DiskWriter::new(file.into_std().await));
        let downloaded = self.stream_into(document, &mut writer).await?;
        let (disk, sha256) = writer.finish();
        disk.finish().await.map_err(|e| io_error(&e))?;
        let wanted = wanted_name(document, &downloaded, self.zipped);
        let name = self
            .place(temp, &wanted, replace.as_deref())
            .map_err(|e| io_error(&e))?;
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

    /// Renames the finished temporary file to its final name: the manifest's name when replacing,
    /// else a fresh one from the shared allocator (chosen now, so that names follow completion).
    fn place(&self, temp: &Path, wanted: &str, replace: Option<&str>) -> io::Result<String> {
        if let Some(name) = replace {
            std::fs::rename(temp, self.folder.join(name))?;
            return Ok(name.to_owned());
        }
        let mut names = lock(&self.names);
        loop {
            let name = names.allocate(wanted);
            let target = self.folder.join(&name);
            // Something may have appeared since the folder was listed: never replace it.
            if target.symlink_metadata().is_err() {
                std::fs::rename(temp, &target)?;
                return Ok(name);
            }
        }
    }

    /// Adds a saved file to the manifest, writing it when the last write is old enough.
    fn record(&self, id: &DocumentId, placed: &Placed) {
        let mut book = lock(&self.book);
        book.manifest.files.insert(
            id.as_str().to_owned(),
            ManifestEntry {
                file: placed.name.clone(),
                bytes: placed.bytes,
                sha256: placed.sha256.clone(),
                zipped: self.zipped,
            },
        );
        book.dirty = true;
        if book.saved_at.elapsed() >= MANIFEST_SAVE_INTERVAL {
            if let Err(error) = self.write_manifest(&mut book) {
                tracing::warn!(%error, "cannot write the download manifest; will retry at the end");
            }
        }
    }

    /// Writes the manifest and fsyncs the folder so that the renames before it are durable.
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

/// The name a document is saved under, before clash numbering: the list's `filename`, else the
/// server's `Content-Disposition` name, else `{period}_{type}_{id}.{ext}`; `.zip` added when zipped.
fn wanted_name(document: &Document, downloaded: &DownloadedFile, zipped: bool) -> String {
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
    }
}

/// An API failure, with its stable code.
fn api_error(error: &ApiError) -> FileError {
    FileError {
        code: error.kind().to_owned(),
        message: error.to_string(),
    }
}

/// A local file system failure.
fn io_error(error: &io::Error) -> FileError {
    FileError {
        code: IO_CODE.to_owned(),
        message: error.to_string(),
    }
}

/// The error of a document the cancellation stopped.
fn cancelled_error() -> FileError {
    FileError {
        code: CANCELLED_CODE.to_owned(),
        message: "the download was cancelled".to_owned(),
    }
}

/// Locks a mutex; a panic elsewhere does not make the data unusable here.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Makes renames in `folder` durable (unix; best effort, elsewhere a no-op).
fn sync_folder(folder: &Path) {
    #[cfg(unix)]
    if let Err(error) = std::fs::File::open(folder).and_then(|dir| dir.sync_all()) {
        tracing::debug!(%error, "cannot fsync the download folder");
    }
    #[cfg(not(unix))]
    let _ = folder;
}

/// The SHA-256 of a file on disk, lowercase hex, read in chunks.
async fn sha256_of_file(path: &Path) -> io::Result<String> {
    let mut file = tokio::fs::File::open(path).await?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 64 * 1024];
    loop {
        let read = file.read(&mut buffer).await?;
        if read == 0 {
            return Ok(to_hex(&hasher.finalize()));
        }
        hasher.update(&buffer[..read]);
    }
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
