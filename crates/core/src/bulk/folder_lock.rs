//! One bulk download per folder at a time: `.ccs-downloads.lock`.
//!
//! Why: two runs into one folder would read the same record, give the same ` (2)` names and write
//! the record over each other's. The second run is refused with a clear error instead.
//!
//! How, and why it survives a crash: the lock file is created with `create_new` (`O_EXCL`) and then
//! locked with an OS advisory lock ([`std::fs::File::try_lock`]) held for the whole run. The OS drops
//! that lock when the process ends, however it ends, so the file of a crashed run is recognised as
//! stale (its lock can be taken) and reused; only a live run's file refuses. The run removes the file
//! when it ends, while still holding the lock; a run that opened it just before checks, once it has
//! the lock, that the name still leads to the file it locked, and starts again if not. The lock file
//! holds the owner's process id, for the error message only.
//!
//! On a file system without advisory locks, `create_new` alone decides: a crashed run's file then
//! stays until removed by hand, and the error says which file to remove.

use crate::disk::same_file;
use crate::error::CoreError;
use std::fs::{File, OpenOptions, TryLockError};
use std::io::{self, Read, Seek, Write};
use std::path::{Path, PathBuf};

/// The lock file's name in a download folder. Starts with `.ccs-`, which no saved document's name
/// can (see [`crate::naming::safe_file_name`]).
pub const LOCK_FILE_NAME: &str = ".ccs-downloads.lock";

/// How many times the lock file is looked at when it keeps disappearing under us (a run ending).
const ATTEMPTS: usize = 8;

/// A held folder lock; dropping it removes the lock file and releases the lock.
#[derive(Debug)]
pub(crate) struct FolderLock {
    /// The open, locked lock file.
    file: File,
    /// Its path.
    path: PathBuf,
}

impl FolderLock {
    /// Takes the lock of `folder` (an existing folder), or says who holds it.
    pub(crate) fn acquire(folder: &Path) -> Result<Self, CoreError> {
        let path = folder.join(LOCK_FILE_NAME);
        let lock_error = |source| CoreError::Io {
            path: path.clone(),
            source,
        };
        for _ in 0..ATTEMPTS {
            let created = OpenOptions::new()
                .read(true)
                .write(true)
                .create_new(true)
                .open(&path);
            let (file, fresh) = match created {
                Ok(file) => (file, true),
                Err(error) if error.kind() == io::ErrorKind::AlreadyExists => {
                    match OpenOptions::new().read(true).write(true).open(&path) {
                        Ok(file) => (file, false),
                        // Removed by the run that held it, between our two calls: try again.
                        Err(error) if error.kind() == io::ErrorKind::NotFound => continue,
                        Err(error) => return Err(lock_error(error)),
                    }
                }
                Err(error) => return Err(lock_error(error)),
            };
            match file.try_lock() {
                Ok(()) if same_file(&file, &path) => {
                    if !fresh {
                        tracing::info!(file = %path.display(), "reusing the lock file of a run that ended without removing it");
                    }
                    return Self::holding(file, path);
                }
                // Removed by its run once we had it open: the name is free again.
                Ok(()) => continue,
                Err(TryLockError::WouldBlock) => {
                    return Err(CoreError::FolderInUse {
                        path: folder.to_owned(),
                        holder: holder_of(file),
                        lock_file: path,
                    })
                }
                Err(TryLockError::Error(error)) if fresh => {
                    // No advisory locks here: creating the file exclusively is the lock.
                    tracing::debug!(%error, "the folder lock is its exclusive creation alone here");
                    return Self::holding(file, path);
                }
                Err(TryLockError::Error(_)) => {
                    return Err(CoreError::FolderInUse {
                        path: folder.to_owned(),
                        holder: holder_of(file),
                        lock_file: path,
                    })
                }
            }
        }
        Err(lock_error(io::Error::other(
            "the lock file kept changing; is another download starting and stopping there?",
        )))
    }

    /// Records our process id in the lock file we now hold.
    fn holding(mut file: File, path: PathBuf) -> Result<Self, CoreError> {
        let written = file
            .set_len(0)
            .and_then(|()| file.rewind())
            .and_then(|()| writeln!(file, "{}", std::process::id()));
        if let Err(error) = written {
            // Only the error message of a second run would miss it.
            tracing::debug!(%error, "cannot write the process id into the lock file");
        }
        Ok(Self { file, path })
    }
}

impl Drop for FolderLock {
    fn drop(&mut self) {
        if same_file(&self.file, &self.path) {
            if let Err(error) = std::fs::remove_file(&self.path) {
                tracing::warn!(file = %self.path.display(), %error, "cannot remove the folder's lock file");
            }
        }
        // Closing the file (after this) releases the lock.
    }
}

/// The process id written in a lock file, when readable.
fn holder_of(mut file: File) -> Option<u32> {
    let mut text = String::new();
    file.read_to_string(&mut text).ok()?;
    text.trim().parse().ok()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // A failed unwrap is a failed test, with its line.
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_is_refused_and_the_file_goes_with_the_first() {
        let dir = tempfile::tempdir().unwrap();
        let first = FolderLock::acquire(dir.path()).unwrap();
        let refused = FolderLock::acquire(dir.path()).unwrap_err();
        match refused {
            CoreError::FolderInUse { holder, .. } => {
                assert_eq!(holder, Some(std::process::id()));
            }
            other => panic!("{other}"),
        }
        drop(first);
        assert!(!dir.path().join(LOCK_FILE_NAME).exists());
        let again = FolderLock::acquire(dir.path()).unwrap();
        drop(again);
    }

    #[test]
    fn a_stale_lock_file_is_reused() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(LOCK_FILE_NAME), b"999999999\n").unwrap();
        let lock = FolderLock::acquire(dir.path()).unwrap();
        let text = std::fs::read_to_string(dir.path().join(LOCK_FILE_NAME)).unwrap();
        assert_eq!(text.trim(), std::process::id().to_string());
        drop(lock);
        assert!(!dir.path().join(LOCK_FILE_NAME).exists());
    }
}
