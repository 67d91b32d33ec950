//! Writing a download to its temporary file: large blocks on the blocking pool, and the disk set to
//! work while the body is still arriving.
//!
//! Why a writer of our own instead of a `BufWriter` over a Tokio file: that pair copies every byte
//! twice (into the buffer, then into the Tokio file's own buffer) and leaves the whole file dirty in
//! the page cache until the final fsync, which then writes all of it while the user waits (0.45 s of
//! a 1 GiB download on the bench machine). Here the received bytes fill one block while the previous
//! block is written on the blocking pool (two blocks per file, no second copy), and every
//! [`WRITEBACK_STEP`] written the kernel is asked to start writing them out, so the final fsync
//! finds little left to do.
//!
//! Also here, because every download writer needs them: the temporary files themselves
//! ([`temp`]: named, created and locked while written, and cleaned when stale) and the folder fsync
//! that makes a rename durable.

pub(crate) mod temp;

use std::future::Future;
use std::io::{self, Write};
use std::pin::Pin;
use std::task::{ready, Context, Poll};
use tokio::io::AsyncWrite;
use tokio::task::JoinHandle;

/// The size of each write to disk. Why this large: each block is one task on the blocking pool; at
/// the network's chunk size (8–16 KiB) a 1 GiB document would be ~100,000 of them, at 1 MiB it is
/// ~1,000 (measured: 1 GiB in 1.42 s instead of 1.78 s). A file holds two blocks at most, so eight
/// parallel jobs hold 16 MiB.
pub(crate) const WRITE_BUFFER: usize = 1024 * 1024;

/// How much is written between two requests to start writing back to disk. Why not every block: each
/// request walks the range's pages; 8 MiB keeps them rare (128 per GiB) while the disk stays busy.
pub(crate) const WRITEBACK_STEP: u64 = 8 * 1024 * 1024;

/// An [`AsyncWrite`] over a file that writes in [`WRITE_BUFFER`] blocks on the blocking pool and
/// starts the disk's write-back as it goes. Call [`DiskWriter::finish`] to flush and fsync it:
/// `poll_shutdown` only flushes. Dropped without `finish` (a cancelled download), it loses what it
/// buffered and a block being written finishes on the blocking pool; the caller removes the file.
pub(crate) struct DiskWriter {
    /// The block being filled from the network (its memory is taken when the first byte comes, so
    /// an empty download costs none).
    filling: Vec<u8>,
    /// A written block's memory, kept for the next one.
    spare: Option<Vec<u8>>,
    /// Who has the file now.
    state: State,
}

/// Whether a block is being written.
enum State {
    /// No write in flight: the file is here.
    Idle(Disk),
    /// A block is being written on the blocking pool, which has the file until it is done.
    Writing(JoinHandle<Written>),
    /// A write failed: the file is incomplete, and every further call says so (with the first
    /// failure's kind, e.g. a full disk).
    Broken(io::ErrorKind),
}

/// What a blocking write hands back: the file, the block's memory, and how the write went.
type Written = (Disk, Vec<u8>, io::Result<()>);

/// The file and how far it has been written and handed to write-back.
struct Disk {
    /// Opened for writing at its start (not in append mode): offsets below count from 0.
    file: std::fs::File,
    /// Bytes written so far.
    written: u64,
    /// Bytes whose write-back has been started.
    written_back: u64,
}

impl DiskWriter {
    /// Wraps a file just created for writing (empty, not in append mode).
    pub(crate) fn new(file: std::fs::File) -> Self {
        Self {
            filling: Vec::new(),
            spare: None,
            state: State::Idle(Disk {
                file,
                written: 0,
                written_back: 0,
            }),
        }
    }

    /// Writes what is buffered and fsyncs the file (data and size), so that its rename can follow.
    ///
    /// Hands the file back: whoever renames it keeps it open (and so keeps its lock, see [`temp`])
    /// until the rename is done.
    pub(crate) async fn finish(mut self) -> io::Result<std::fs::File> {
        std::future::poll_fn(|cx| Pin::new(&mut self).poll_flush(cx)).await?;
        match std::mem::replace(&mut self.state, State::Broken(io::ErrorKind::Other)) {
            State::Idle(disk) => tokio::task::spawn_blocking(move || {
                disk.file.sync_all()?;
                Ok(disk.file)
            })
            .await
            .map_err(io::Error::other)?,
            State::Writing(_) => Err(io::Error::other("a block is still being written")),
            State::Broken(kind) => Err(broken(kind)),
        }
    }

    /// Waits for the block in flight, if any, and takes back its memory.
    fn poll_idle(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let finished = match &mut self.state {
            State::Idle(_) => return Poll::Ready(Ok(())),
            State::Broken(kind) => return Poll::Ready(Err(broken(*kind))),
            State::Writing(handle) => ready!(Pin::new(handle).poll(cx)),
        };
        let (disk, mut block, result) = match finished {
            Ok(written) => written,
            Err(join) => {
                self.state = State::Broken(io::ErrorKind::Other);
                return Poll::Ready(Err(io::Error::other(join)));
            }
        };
        if let Err(error) = result {
            self.state = State::Broken(error.kind());
            return Poll::Ready(Err(error));
        }
        block.clear();
        self.spare = Some(block);
        self.state = State::Idle(disk);
        Poll::Ready(Ok(()))
    }

    /// Hands the filled block to the blocking pool. Called only once [`DiskWriter::poll_idle`] is
    /// ready: one block in flight at a time keeps the writes in order.
    fn start_write(&mut self) {
        let disk = match std::mem::replace(&mut self.state, State::Broken(io::ErrorKind::Other)) {
            State::Idle(disk) => disk,
            other => {
                debug_assert!(false, "a block is handed over only when none is in flight");
                self.state = other;
                return;
            }
        };
        let next = self.spare.take().unwrap_or_default();
        let block = std::mem::replace(&mut self.filling, next);
        self.state = State::Writing(tokio::task::spawn_blocking(move || {
            write_block(disk, block)
        }));
    }
}

impl AsyncWrite for DiskWriter {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        if this.filling.len() >= WRITE_BUFFER {
            ready!(this.poll_idle(cx))?;
            this.start_write();
        }
        if let State::Broken(kind) = this.state {
            return Poll::Ready(Err(broken(kind)));
        }
        if this.filling.capacity() == 0 {
            this.filling.reserve_exact(WRITE_BUFFER);
        }
        let taken = buf.len().min(WRITE_BUFFER - this.filling.len());
        this.filling.extend_from_slice(&buf[..taken]);
        Poll::Ready(Ok(taken))
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = &mut *self;
        ready!(this.poll_idle(cx))?;
        if !this.filling.is_empty() {
            this.start_write();
            ready!(this.poll_idle(cx))?;
        }
        Poll::Ready(Ok(()))
    }

    /// Flushes only: the fsync is [`DiskWriter::finish`]'s.
    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.poll_flush(cx)
    }
}

/// Writes one block (on the blocking pool) and starts write-back every [`WRITEBACK_STEP`].
fn write_block(mut disk: Disk, block: Vec<u8>) -> Written {
    let result = disk.file.write_all(&block);
    if result.is_ok() {
        disk.written += block.len() as u64;
        if disk.written - disk.written_back >= WRITEBACK_STEP {
            // From one step back: by now those pages are on disk, and can leave the page cache.
            let from = disk.written_back.saturating_sub(WRITEBACK_STEP);
            start_writeback(&disk.file, from, disk.written);
            disk.written_back = disk.written;
        }
    }
    (disk, block, result)
}

/// Asks the kernel to start writing `from..to` of the file to disk now, without waiting for it.
///
/// On Linux, `POSIX_FADV_DONTNEED` starts the write-back of the range's dirty pages without waiting
/// (what `sync_file_range(SYNC_FILE_RANGE_WRITE)` does, which neither rustix nor nix wraps) and drops
/// the pages already written, which is why the range reaches one step back: a long download does
/// not crowd the page cache with a file nobody is about to read. It is a hint: a failure changes
/// nothing but speed, and the final fsync still makes the file durable.
#[cfg(target_os = "linux")]
fn start_writeback(file: &std::fs::File, from: u64, to: u64) {
    let length = std::num::NonZeroU64::new(to - from);
    if let Err(error) = rustix::fs::fadvise(file, from, length, rustix::fs::Advice::DontNeed) {
        tracing::debug!(%error, "cannot start the write-back of a download");
    }
}

/// Elsewhere the final fsync writes the whole file.
#[cfg(not(target_os = "linux"))]
fn start_writeback(_file: &std::fs::File, _from: u64, _to: u64) {}

/// Makes the renames done in `folder` durable: on Unix a rename is only on disk once its folder is
/// fsynced. Best effort (a failure is logged at debug level: the files themselves are synced, only
/// their names could be lost in a crash); elsewhere a no-op, the file system journals names itself.
pub(crate) fn sync_folder(folder: &std::path::Path) {
    #[cfg(unix)]
    if let Err(error) = std::fs::File::open(folder).and_then(|dir| dir.sync_all()) {
        tracing::debug!(%error, folder = %folder.display(), "cannot fsync the folder");
    }
    #[cfg(not(unix))]
    let _ = folder;
}

/// Whether `path` still names the open `file` (not removed, not replaced by another file since it
/// was opened). Why: a lock taken on a file that was just removed protects nothing, so whoever
/// locks a file found by name checks this afterwards. Unix compares device and inode; elsewhere
/// (Windows, where std has no stable file identity) the path still existing is the check.
pub(crate) fn same_file(file: &std::fs::File, path: &std::path::Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (file.metadata(), std::fs::symlink_metadata(path)) {
            (Ok(open), Ok(named)) => open.dev() == named.dev() && open.ino() == named.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = file;
        std::fs::symlink_metadata(path).is_ok()
    }
}

/// The error of every call after a failed write, of the same kind as the failure.
fn broken(kind: io::ErrorKind) -> io::Error {
    io::Error::new(kind, "an earlier write to this file failed")
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // A failed unwrap is a failed test, with its line.
mod tests {
    use super::*;
    use tokio::io::AsyncWriteExt;

    /// Bytes that differ from one position to the next, so a block written twice or out of order
    /// shows.
    fn pattern(len: usize) -> Vec<u8> {
        (0..len).map(|i| (i % 251) as u8).collect()
    }

    /// A writer over a new file in `dir`, and the file's path.
    fn writer_in(dir: &tempfile::TempDir) -> (DiskWriter, std::path::PathBuf) {
        let path = dir.path().join("out.bin");
        (DiskWriter::new(std::fs::File::create(&path).unwrap()), path)
    }

    #[tokio::test]
    async fn writes_every_byte_in_order_whatever_the_chunk_sizes() {
        let dir = tempfile::tempdir().unwrap();
        let (mut writer, path) = writer_in(&dir);
        let body = pattern(3 * WRITE_BUFFER + 12_345);
        let mut rest = &body[..];
        let mut size = 1;
        while !rest.is_empty() {
            let (chunk, after) = rest.split_at(size.min(rest.len()));
            writer.write_all(chunk).await.unwrap();
            rest = after;
            size = size * 3 % 70_001 + 1;
        }
        writer.finish().await.unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), body);
    }

    #[tokio::test]
    async fn a_body_of_whole_blocks_ends_with_its_last_block() {
        let dir = tempfile::tempdir().unwrap();
        let (mut writer, path) = writer_in(&dir);
        let body = pattern(2 * WRITE_BUFFER);
        writer.write_all(&body).await.unwrap();
        writer.finish().await.unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), body);
    }

    #[tokio::test]
    async fn writing_goes_on_after_a_flush() {
        let dir = tempfile::tempdir().unwrap();
        let (mut writer, path) = writer_in(&dir);
        let body = pattern(WRITE_BUFFER + 4_000);
        let (first, second) = body.split_at(3_000);
        writer.write_all(first).await.unwrap();
        writer.flush().await.unwrap();
        assert_eq!(
            std::fs::read(&path).unwrap(),
            first,
            "a flush writes what was buffered"
        );
        writer.write_all(second).await.unwrap();
        writer.finish().await.unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), body);
    }

    #[tokio::test]
    async fn write_back_is_started_every_step_and_the_file_stays_whole() {
        let dir = tempfile::tempdir().unwrap();
        let (mut writer, path) = writer_in(&dir);
        let body = pattern(usize::try_from(2 * WRITEBACK_STEP).unwrap() + 7);
        for chunk in body.chunks(16 * 1024) {
            writer.write_all(chunk).await.unwrap();
        }
        writer.flush().await.unwrap();
        let State::Idle(disk) = &writer.state else {
            panic!("idle after a flush");
        };
        assert_eq!(disk.written, body.len() as u64);
        assert_eq!(
            disk.written_back,
            2 * WRITEBACK_STEP,
            "two steps handed over"
        );
        writer.finish().await.unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), body);
    }

    #[tokio::test]
    async fn an_empty_download_is_an_empty_file_and_takes_no_block() {
        let dir = tempfile::tempdir().unwrap();
        let (writer, path) = writer_in(&dir);
        assert_eq!(writer.filling.capacity(), 0);
        writer.finish().await.unwrap();
        assert_eq!(std::fs::metadata(&path).unwrap().len(), 0);
    }

    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn a_failed_write_is_reported_and_stays_failed_with_its_kind() {
        // /dev/full accepts the open and refuses every write (ENOSPC): a full disk.
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let mut writer = DiskWriter::new(full);
        // The first block's failure shows when the third block is due (the second is filled while
        // the first is written).
        let body = pattern(2 * WRITE_BUFFER + 1);
        let error = writer.write_all(&body).await.unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::StorageFull, "{error}");
        let again = writer.write_all(b"more").await.unwrap_err();
        assert_eq!(again.kind(), io::ErrorKind::StorageFull, "{again}");
        assert!(writer.finish().await.is_err());
    }
}
