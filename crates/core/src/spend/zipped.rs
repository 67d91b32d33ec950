//! Reports downloaded with `zipped=1`: a ZIP holding one CSV (or several), read entry by entry as a
//! stream, with limits against ZIP bombs.
//!
//! The limits ([`ZipLimits`]): at most so many entries; at most so many bytes unpacked in all
//! (8 GiB by default: a year of the largest reports we know of is far less), counted as they are
//! actually read — the sizes an archive declares are checked first but not trusted; and at most so
//! many bytes unpacked per byte of archive (1,100 by default: above the 1,032 a single deflate
//! stream can reach, so any honest archive passes, while overlapping-entry bombs, which reuse one
//! compressed stream for many entries, are stopped after a few MiB). Encrypted entries are refused
//! (reports are not encrypted). Entries named `*.csv` are read; when there are none, every file
//! entry is (the one CSV of a download may be named otherwise).

use super::error::SpendError;
use super::read::{read_with, FileOutcome, ReportMeta, RowSink};
use std::io::{self, Read, Seek, SeekFrom};
use zip::result::ZipError;
use zip::ZipArchive;

/// Limits on what a ZIP may unpack to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ZipLimits {
    /// Bytes unpacked from all entries together.
    pub max_total_bytes: u64,
    /// Bytes unpacked per byte of archive (after a first MiB that is always allowed).
    pub max_ratio: u64,
    /// Entries in the archive.
    pub max_entries: usize,
}

impl Default for ZipLimits {
    fn default() -> Self {
        Self {
            max_total_bytes: 8 << 30,
            max_ratio: 1_100,
            max_entries: 1_000,
        }
    }
}

/// Bytes always allowed before the ratio limit applies.
const RATIO_ALLOWANCE: u64 = 1 << 20;

/// Whether bytes starting so are a ZIP archive (a local file header, or an empty archive's end).
pub fn looks_like_zip(start: &[u8]) -> bool {
    start.starts_with(b"PK\x03\x04") || start.starts_with(b"PK\x05\x06")
}

/// Reads every report in a ZIP archive into a cube builder; one outcome per entry read. On an
/// error the builder may hold part of the archive: drop it.
pub fn read_zip<R: Read + Seek>(
    source: R,
    meta: &ReportMeta,
    limits: &ZipLimits,
    builder: &mut super::builder::CubeBuilder,
) -> Result<Vec<FileOutcome>, SpendError> {
    read_zip_with(
        source,
        meta,
        limits,
        &mut super::read::CubeSink::new(builder),
    )
}

/// The marker of an unpacking limit reached, inside an `io::Error`.
#[derive(Debug)]
struct LimitReached {
    limit: u64,
    why: &'static str,
}

impl std::fmt::Display for LimitReached {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "more than {} bytes ({})", self.limit, self.why)
    }
}

impl std::error::Error for LimitReached {}

/// An entry's reader that counts what all entries unpacked and stops at the limits.
struct Counted<'a, R> {
    inner: R,
    total: &'a mut u64,
    max_total: u64,
    max_by_ratio: u64,
}

impl<R: Read> Read for Counted<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        *self.total += n as u64;
        if *self.total > self.max_total {
            return Err(io::Error::other(LimitReached {
                limit: self.max_total,
                why: "the limit on unpacked bytes",
            }));
        }
        if *self.total > self.max_by_ratio {
            return Err(io::Error::other(LimitReached {
                limit: self.max_by_ratio,
                why: "far more than the archive's size can honestly hold",
            }));
        }
        Ok(n)
    }
}

fn zip_error(file: &str, error: ZipError) -> SpendError {
    SpendError::Zip {
        file: file.to_owned(),
        detail: error.to_string(),
    }
}

/// Reads every report in a ZIP archive into `sink`.
pub(crate) fn read_zip_with<R: Read + Seek, S: RowSink>(
    mut source: R,
    meta: &ReportMeta,
    limits: &ZipLimits,
    sink: &mut S,
) -> Result<Vec<FileOutcome>, SpendError> {
    let file = meta.name.as_str();
    let io_error = |source| SpendError::Io {
        file: file.to_owned(),
        source,
    };
    let archive_len = source.seek(SeekFrom::End(0)).map_err(io_error)?;
    source.seek(SeekFrom::Start(0)).map_err(io_error)?;
    let mut archive = ZipArchive::new(source).map_err(|error| zip_error(file, error))?;
    if archive.len() > limits.max_entries {
        return Err(SpendError::ZipTooManyEntries {
            file: file.to_owned(),
            entries: archive.len(),
            max: limits.max_entries,
        });
    }
    // Which entries, checked on their declared metadata before anything is unpacked.
    let mut files = Vec::new();
    for index in 0..archive.len() {
        let entry = archive
            .by_index_raw(index)
            .map_err(|error| zip_error(file, error))?;
        if entry.is_dir() {
            continue;
        }
        if entry.encrypted() {
            return Err(SpendError::ZipEncrypted {
                file: file.to_owned(),
                entry: entry.name().to_owned(),
            });
        }
        let csv = entry.name().to_ascii_lowercase().ends_with(".csv");
        files.push((index, entry.name().to_owned(), entry.size(), csv));
    }
    if files.iter().any(|(_, _, _, csv)| *csv) {
        files.retain(|(_, _, _, csv)| *csv);
    }
    if files.is_empty() {
        return Err(SpendError::ZipEmpty {
            file: file.to_owned(),
        });
    }
    let declared: u64 = files
        .iter()
        .fold(0u64, |sum, (_, _, size, _)| sum.saturating_add(*size));
    if declared > limits.max_total_bytes {
        return Err(SpendError::ZipTooLarge {
            file: file.to_owned(),
            limit: limits.max_total_bytes,
            why: "declared by the archive",
        });
    }
    let max_by_ratio = archive_len
        .saturating_mul(limits.max_ratio)
        .max(RATIO_ALLOWANCE);
    let mut total = 0u64;
    let mut outcomes = Vec::new();
    for (index, name, _, _) in files {
        let entry = archive
            .by_index(index)
            .map_err(|error| zip_error(file, error))?;
        let entry_meta = ReportMeta {
            name: format!("{file} ({name})"),
            ..meta.clone()
        };
        let counted = Counted {
            inner: entry,
            total: &mut total,
            max_total: limits.max_total_bytes,
            max_by_ratio,
        };
        match read_with(counted, &entry_meta, sink) {
            Ok(outcome) => outcomes.push(outcome),
            Err(SpendError::Io { source, .. }) => {
                if let Some(limit) = source
                    .get_ref()
                    .and_then(|inner| inner.downcast_ref::<LimitReached>())
                {
                    return Err(SpendError::ZipTooLarge {
                        file: file.to_owned(),
                        limit: limit.limit,
                        why: limit.why,
                    });
                }
                // Errors while unpacking are the archive's (a bad checksum, a damaged stream).
                return Err(SpendError::Zip {
                    file: entry_meta.name,
                    detail: source.to_string(),
                });
            }
            Err(other) => return Err(other),
        }
    }
    Ok(outcomes)
}
