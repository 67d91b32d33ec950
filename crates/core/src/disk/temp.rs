//! Temporary files of downloads: `.ccs-tmp-<16 hex digits>.part`, created beside their final name,
//! locked while written, removed when stale.
//!
//! Why a lock on each temporary file rather than an age rule: a folder may hold the temporary files
//! of a transfer still going (a bulk download, the app's single save, a `ccs download` in another
//! terminal) beside those of a run that was killed. Age cannot tell them apart (a 1 GiB file on a
//! slow line takes hours) and the bulk download's folder lock does not cover single saves. So every
//! temporary file is locked by its writer ([`std::fs::File::try_lock`], an OS advisory lock) for as
//! long as the writer has it open, and the OS drops that lock when the writer's process ends,
//! crashed or not. A cleaner removes only a file whose lock it can take: nobody is writing it. Where
//! the file system has no locks (some network shares), age decides after all: only files untouched
//! for [`STALE_TEMP_AGE`] are removed there.
//!
//! The one race left, a cleaner taking the lock of a file created an instant before its writer
//! could lock it, is closed by the writer: after locking, it checks that its path still names the
//! file it created, and starts again under a new name if not.

use crate::disk::same_file;
use std::fs::{File, OpenOptions, TryLockError};
use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Prefix of every temporary file we create in a folder. A file with this prefix and
/// [`TEMP_SUFFIX`] is ours and may be removed when nobody is writing it.
pub const TEMP_PREFIX: &str = ".ccs-tmp-";

/// Suffix of every temporary file we create in a folder.
pub const TEMP_SUFFIX: &str = ".part";

/// On a file system without locks, how long a temporary file must have been left untouched before
/// a cleaner takes it for a dead run's. A live transfer writes its file far more often than this.
pub const STALE_TEMP_AGE: Duration = Duration::from_secs(60 * 60);

/// How many fresh names [`create_temp`] tries before giving up (each clash is a 1 in 2^64 event or a
/// cleaner at work: a second try is already more than enough).
const CREATE_ATTEMPTS: usize = 8;

/// Whether `name` is one of our temporary files (`.ccs-tmp-*.part`).
pub fn is_temp_name(name: &str) -> bool {
    name.starts_with(TEMP_PREFIX) && name.ends_with(TEMP_SUFFIX)
}

/// A fresh temporary path in `folder`: `.ccs-tmp-<16 hex digits>.part`. Random so that concurrent
/// transfers (and a manifest write) never share one.
pub fn temp_path(folder: &Path) -> PathBuf {
    folder.join(format!(
        "{TEMP_PREFIX}{:016x}{TEMP_SUFFIX}",
        fastrand::u64(..)
    ))
}

/// Creates a new temporary file in `folder`, open for writing and locked: keep the [`File`] open
/// until the temporary file is renamed or removed, so that no cleaner takes it for a stale one.
pub(crate) fn create_temp(folder: &Path) -> io::Result<(PathBuf, File)> {
    for _ in 0..CREATE_ATTEMPTS {
        let path = temp_path(folder);
        let file = match OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(file) => file,
            Err(error) if error.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(error) => return Err(error),
        };
        match file.try_lock() {
            Ok(()) if same_file(&file, &path) => return Ok((path, file)),
            // A cleaner removed it (or is about to) between its creation and our lock.
            Ok(()) | Err(TryLockError::WouldBlock) => continue,
            Err(TryLockError::Error(error)) => {
                // No locks on this file system: the file is protected by its age alone.
                tracing::debug!(%error, "temporary files cannot be locked here");
                return Ok((path, file));
            }
        }
    }
    Err(io::Error::new(
        io::ErrorKind::AlreadyExists,
        "could not create a temporary file with a fresh name",
    ))
}

/// Removes the temporary files (`.ccs-tmp-*.part`) that no live transfer is writing, and returns
/// their paths. Files being written (by this process or another) are left alone, whatever their
/// age; see the module's documentation for how that is known.
///
/// For the app's next start, over the folders it saved to, and for a bulk download before its
/// first transfer. A file that cannot be examined or removed is logged and skipped; only a folder
/// that cannot be listed is an error.
pub fn clean_stale_temp_files(folder: &Path) -> io::Result<Vec<PathBuf>> {
    let mut removed = Vec::new();
    for entry in std::fs::read_dir(folder)? {
        let entry = entry?;
        let name = entry.file_name();
        if !name.to_str().is_some_and(is_temp_name) {
            continue;
        }
        let path = entry.path();
        match remove_if_stale(&path) {
            Ok(true) => removed.push(path),
            Ok(false) => {}
            Err(error) if error.kind() == io::ErrorKind::NotFound => {}
            Err(error) => {
                tracing::warn!(file = %path.display(), %error, "cannot remove a stale temporary file");
            }
        }
    }
    Ok(removed)
}

/// Removes one temporary file if nobody is writing it; `Ok(true)` when removed.
fn remove_if_stale(path: &Path) -> io::Result<bool> {
    let meta = std::fs::symlink_metadata(path)?;
    if !meta.is_file() {
        // Not something we create (a folder, a link): not ours to remove.
        return Ok(false);
    }
    let file = File::open(path)?;
    match file.try_lock() {
        // Held while removing, so that no writer can have it; then checked to be the same file.
        Ok(()) if same_file(&file, path) => std::fs::remove_file(path).map(|()| true),
        Ok(()) | Err(TryLockError::WouldBlock) => Ok(false),
        Err(TryLockError::Error(_)) => {
            let age = meta.modified()?.elapsed().unwrap_or_default();
            if age >= STALE_TEMP_AGE {
                std::fs::remove_file(path).map(|()| true)
            } else {
                Ok(false)
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // A failed unwrap is a failed test, with its line.
mod tests {
    use super::*;

    #[test]
    fn names() {
        let path = temp_path(Path::new("/x"));
        let name = path.file_name().unwrap().to_str().unwrap();
        assert!(is_temp_name(name));
        assert!(!is_temp_name("a.part"));
        assert!(!is_temp_name(".ccs-tmp-1.pdf"));
    }

    #[test]
    fn a_file_being_written_is_kept_and_a_stale_one_removed() {
        let dir = tempfile::tempdir().unwrap();
        let (live, file) = create_temp(dir.path()).unwrap();
        let stale = dir.path().join(".ccs-tmp-0123456789abcdef.part");
        std::fs::write(&stale, b"left by a killed run").unwrap();
        let other = dir.path().join("invoice.pdf");
        std::fs::write(&other, b"not ours").unwrap();
        std::fs::create_dir(dir.path().join(".ccs-tmp-folder.part")).unwrap();

        let removed = clean_stale_temp_files(dir.path()).unwrap();
        assert_eq!(removed, vec![stale.clone()]);
        assert!(live.exists() && other.exists() && !stale.exists());
        assert!(dir.path().join(".ccs-tmp-folder.part").is_dir());

        drop(file); // the writer ended without renaming its file: now it is stale
        let removed = clean_stale_temp_files(dir.path()).unwrap();
        assert_eq!(removed, vec![live.clone()]);
        assert!(!live.exists());
    }

    #[test]
    fn a_created_file_is_locked_against_other_handles() {
        let dir = tempfile::tempdir().unwrap();
        let (path, _file) = create_temp(dir.path()).unwrap();
        let other = File::open(&path).unwrap();
        assert!(matches!(other.try_lock(), Err(TryLockError::WouldBlock)));
    }
}
