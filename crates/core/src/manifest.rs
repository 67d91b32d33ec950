//! The download manifest: `.ccs-downloads.json` in a download folder.
//!
//! Why: a bulk download of hundreds of documents is often run again (the next month, or after a
//! network cut). The manifest remembers which document was saved under which name, with its size and
//! SHA-256, so a rerun skips what is still intact, fetches again what was changed or deleted, and
//! knows which files in the folder are ours (and may be replaced) and which belong to the user (and
//! are never touched). It is a cache, never a source of truth: a missing, unreadable or corrupt
//! manifest only means that everything is fetched again.

use crate::naming::safe_file_name;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The manifest's file name. Starts with `.ccs-`, which [`safe_file_name`] never produces, so no
/// document can ever be saved over it.
pub const MANIFEST_FILE_NAME: &str = ".ccs-downloads.json";

/// The format version written; a manifest of another version is ignored (treated as empty).
pub const MANIFEST_VERSION: u32 = 1;

/// Prefix of every temporary file we create in a download folder. A file with this prefix and
/// [`TEMP_SUFFIX`] is ours and may be removed when no run is using it.
pub const TEMP_PREFIX: &str = ".ccs-tmp-";

/// Suffix of every temporary file we create in a download folder.
pub const TEMP_SUFFIX: &str = ".part";

/// What the manifest records for one saved document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestEntry {
    /// The file's name in the folder (a name only, never a path).
    pub file: String,
    /// Its size in bytes.
    pub bytes: u64,
    /// Its SHA-256, lowercase hex.
    pub sha256: String,
    /// Whether it is the server's ZIP of the document rather than the document itself.
    pub zipped: bool,
}

/// The whole manifest: document id → entry. A `BTreeMap` so that the file is stable and diffable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// Always [`MANIFEST_VERSION`] when written by us.
    pub version: u32,
    /// Entries by document id.
    pub files: BTreeMap<String, ManifestEntry>,
}

impl Default for Manifest {
    fn default() -> Self {
        Self {
            version: MANIFEST_VERSION,
            files: BTreeMap::new(),
        }
    }
}

impl Manifest {
    /// Reads the manifest of `folder`. Absent, unreadable, corrupt or of another version: an empty
    /// manifest (with a tracing warning for the last three), because losing it only costs a refetch.
    ///
    /// Entries whose `file` is not a name we could have produced (a path, `..`, a `.ccs-` name) are
    /// dropped: a tampered manifest must not make us read or replace a file outside our own.
    pub fn load(folder: &Path) -> Self {
        let path = folder.join(MANIFEST_FILE_NAME);
        let text = match std::fs::read(&path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Self::default(),
            Err(error) => {
                tracing::warn!(path = %path.display(), %error, "cannot read the download manifest; starting afresh");
                return Self::default();
            }
        };
        match serde_json::from_slice::<Manifest>(&text) {
            Ok(manifest) if manifest.version == MANIFEST_VERSION => manifest.without_unsafe_names(),
            Ok(manifest) => {
                tracing::warn!(path = %path.display(), version = manifest.version, "unknown download manifest version; starting afresh");
                Self::default()
            }
            Err(error) => {
                tracing::warn!(path = %path.display(), %error, "corrupt download manifest; starting afresh");
                Self::default()
            }
        }
    }

    /// Writes the manifest to `folder` atomically (temporary file, fsync, rename), so that a crash
    /// leaves either the old manifest or the new one, never half of one.
    pub fn save(&self, folder: &Path) -> std::io::Result<()> {
        let json = serde_json::to_vec_pretty(self).map_err(std::io::Error::other)?;
        let temp = temp_path(folder);
        let written = write_synced(&temp, &json)
            .and_then(|()| std::fs::rename(&temp, folder.join(MANIFEST_FILE_NAME)));
        if written.is_err() {
            let _ = std::fs::remove_file(&temp);
        }
        written
    }

    /// Drops entries whose file name is not one [`safe_file_name`] could have given.
    fn without_unsafe_names(mut self) -> Self {
        self.files.retain(|id, entry| {
            let safe = is_plain_name(&entry.file);
            if !safe {
                tracing::warn!(document = %id, "ignoring a manifest entry with an unsafe file name");
            }
            safe
        });
        self
    }
}

/// Whether `name` is a plain file name of ours: a fixed point of [`safe_file_name`] and not one of
/// our reserved `.ccs-` names.
pub fn is_plain_name(name: &str) -> bool {
    !name.starts_with(".ccs-") && safe_file_name(name) == name
}

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

/// Creates `path` (it must not exist), writes `bytes` and fsyncs it.
fn write_synced(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // A failed unwrap is a failed test, with its line.
mod tests {
    use super::*;

    fn entry(file: &str) -> ManifestEntry {
        ManifestEntry {
            file: file.to_owned(),
            bytes: 3,
            sha256: "ab".to_owned(),
            zipped: false,
        }
    }

    #[test]
    fn round_trip_and_shape() {
        let folder = tempfile::tempdir().unwrap();
        let mut manifest = Manifest::default();
        manifest.files.insert("d1".into(), entry("a.pdf"));
        manifest.save(folder.path()).unwrap();
        assert_eq!(Manifest::load(folder.path()), manifest);
        let json: serde_json::Value =
            serde_json::from_slice(&std::fs::read(folder.path().join(MANIFEST_FILE_NAME)).unwrap())
                .unwrap();
        assert_eq!(json["version"], 1);
        assert_eq!(json["files"]["d1"]["file"], "a.pdf");
        assert_eq!(json["files"]["d1"]["zipped"], false);
        let names: Vec<_> = std::fs::read_dir(folder.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "no temporary file is left");
    }

    #[test]
    fn corrupt_or_foreign_manifests_are_empty() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join(MANIFEST_FILE_NAME);
        assert_eq!(Manifest::load(folder.path()), Manifest::default());
        std::fs::write(&path, b"{not json").unwrap();
        assert_eq!(Manifest::load(folder.path()), Manifest::default());
        std::fs::write(&path, br#"{"version": 9, "files": {}}"#).unwrap();
        assert_eq!(Manifest::load(folder.path()), Manifest::default());
    }

    #[test]
    fn unsafe_names_are_dropped() {
        let folder = tempfile::tempdir().unwrap();
        let mut manifest = Manifest::default();
        manifest.files.insert("ok".into(), entry("a.pdf"));
        manifest.files.insert("up".into(), entry("../a.pdf"));
        manifest
            .files
            .insert("ours".into(), entry(".ccs-downloads.json"));
        manifest.save(folder.path()).unwrap();
        let loaded = Manifest::load(folder.path());
        assert_eq!(loaded.files.keys().collect::<Vec<_>>(), vec!["ok"]);
    }

    #[test]
    fn temp_names() {
        let path = temp_path(Path::new("/x"));
        let name = path.file_name().unwrap().to_str().unwrap();
        assert!(is_temp_name(name));
        assert!(!is_plain_name(name));
        assert!(!is_temp_name("a.part"));
    }
}
