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
/// starts the disk's write-back as it goes. Call [`DiskWriter::finish`] to flush and fsync it.
pub(crate) struct DiskWriter {
    /// The block being filled from the network.
    filling: Vec<u8>,
    /// A written block's memory, kept for the next one.
    spare: Option<Vec<u8>>,
    state: State,
}

/// Whether a block is being written.
enum State {
    /// No write in flight: the file is here.
    Idle(Disk),
    /// A block is being written on the blocking pool, which has the file until it is done.
    Writing(JoinHandle<Written>),
    /// A write failed: the file is incomplete, and every further call says so.
    Broken,
}

/// What a blocking write hands back: the file, the block's memory, and how the write went.
type Written = (Disk, Vec<u8>, io::Result<()>);

/// The file and how far it has been written and handed to write-back.
struct Disk {
    file: std::fs::File,
    written: u64,
    written_back: u64,
}

impl DiskWriter {
    /// Wraps a file just created for writing.
    pub(crate) fn new(file: std::fs::File) -> Self {
        Self {
            filling: Vec::with_capacity(WRITE_BUFFER),
            spare: None,
            state: State::Idle(Disk {
                file,
                written: 0,
                written_back: 0,
            }),
        }
    }

    /// Writes what is buffered and fsyncs the file (data and size), so that its rename can follow.
    pub(crate) async fn finish(mut self) -> io::Result<()> {
        std::future::poll_fn(|cx| Pin::new(&mut self).poll_flush(cx)).await?;
        match std::mem::replace(&mut self.state, State::Broken) {
            State::Idle(disk) => tokio::task::spawn_blocking(move || disk.file.sync_all())
                .await
                .map_err(io::Error::other)?,
            State::Writing(_) | State::Broken => Err(broken()),
        }
    }

    /// Waits for the block in flight, if any, and takes back its memory.
    fn poll_idle(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let finished = match &mut self.state {
            State::Idle(_) => return Poll::Ready(Ok(())),
            State::Broken => return Poll::Ready(Err(broken())),
            State::Writing(handle) => ready!(Pin::new(handle).poll(cx)),
        };
        let (disk, mut block, result) = match finished {
            Ok(written) => written,
            Err(join) => {
                self.state = State::Broken;
                return Poll::Ready(Err(io::Error::other(join)));
            }
        };
        if let Err(error) = result {
            self.state = State::Broken;
            return Poll::Ready(Err(error));
        }
        block.clear();
        self.spare = Some(block);
        self.state = State::Idle(disk);
        Poll::Ready(Ok(()))
    }

    /// Hands the filled block to the blocking pool. The state must be idle.
    fn start_write(&mut self) {
        let State::Idle(disk) = std::mem::replace(&mut self.state, State::Broken) else {
            return;
        };
        let next = self
            .spare
            .take()
            .unwrap_or_else(|| Vec::with_capacity(WRITE_BUFFER));
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
        if matches!(this.state, State::Broken) {
            return Poll::Ready(Err(broken()));
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
            start_writeback(&disk.file, disk.written_back, disk.written);
            disk.written_back = disk.written;
        }
    }
    (disk, block, result)
}

/// Asks the kernel to start writing `from..to` of the file to disk now, without waiting for it.
///
/// On Linux, `POSIX_FADV_DONTNEED` starts the write-back of the range's dirty pages (without
/// waiting) and drops those already clean: what `sync_file_range(SYNC_FILE_RANGE_WRITE)` does, which
/// no safe wrapper offers, plus not crowding the page cache with a file nobody is about to read. It
/// is a hint: a failure changes nothing but speed, and the final fsync still makes the file durable.
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

/// The error of every call after a failed write.
fn broken() -> io::Error {
    io::Error::other("an earlier write to this file failed")
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

    #[tokio::test]
    async fn writes_every_byte_in_order_whatever_the_chunk_sizes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.bin");
        let body = pattern(3 * WRITE_BUFFER + 12_345);
        let mut writer = DiskWriter::new(std::fs::File::create(&path).unwrap());
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
    async fn crosses_write_back_steps_and_keeps_the_file_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.bin");
        let body = pattern(usize::try_from(2 * WRITEBACK_STEP).unwrap() + 7);
        let mut writer = DiskWriter::new(std::fs::File::create(&path).unwrap());
        for chunk in body.chunks(16 * 1024) {
            writer.write_all(chunk).await.unwrap();
        }
        writer.finish().await.unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), body);
    }

    #[tokio::test]
    async fn an_empty_download_is_an_empty_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("empty.bin");
        let writer = DiskWriter::new(std::fs::File::create(&path).unwrap());
        writer.finish().await.unwrap();
        assert_eq!(std::fs::metadata(&path).unwrap().len(), 0);
    }

    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn a_failed_write_is_reported_and_stays_failed() {
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
        assert_eq!(error.raw_os_error(), Some(28), "{error}");
        assert!(writer.write_all(b"more").await.is_err());
        assert!(writer.finish().await.is_err());
    }
}
