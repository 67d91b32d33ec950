//! The document cache: documents downloaded once for Spend (and, next, the preview), kept in the OS
//! cache folder with what was computed from them, for the app and `ccs` alike.
//!
//! Why content-addressed names (`<id>.<plain|zip>.<sha256>`): the folder itself is the index — no
//! index file to get out of step with the files, to corrupt, or to lock between the app and `ccs`
//! running at once. A name names exactly one content, so two processes fetching the same document
//! end with the same file, and a rename never replaces a different content.
//!
//! Why beside each file (`<name>.cube.json`): the aggregates of a report are computed once; opening
//! Spend again reads no report and parses nothing. They are versioned by the spend module; what does
//! not read back is computed again, never trusted.
//!
//! Bounded: after each fetch the least recently used entries (file modification time, refreshed on
//! each use) leave until the folder is under its limit ([`DEFAULT_CACHE_LIMIT`], a setting of the
//! app and `ccs --cache-size`). `CCS_CACHE_DIR` overrides the folder (tests and portable set-ups).
//! Nothing secret is written here: documents and numbers computed from them.

use crate::disk::sync_folder;
use crate::disk::temp::is_temp_name;
use crate::error::{CoreError, Setting};
use crate::save::{save_document, SaveProgress};
use ccs_api::{Client, ContractId, Document};
use std::path::{Path, PathBuf};
use std::time::SystemTime;
use tokio_util::sync::CancellationToken;

/// The environment variable that moves the cache folder.
pub const CACHE_DIR_VARIABLE: &str = "CCS_CACHE_DIR";
/// The cache's default size limit: 2 GiB.
pub const DEFAULT_CACHE_LIMIT: u64 = 2 << 30;
/// The suffix of the aggregates kept beside a cached report.
const CUBE_SUFFIX: &str = ".cube.json";
/// What a download is named while it arrives (before its SHA-256 is known).
const INCOMING: &str = ".incoming-";

/// One cached document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedDocument {
    /// The file.
    pub path: PathBuf,
    /// Its SHA-256, lowercase hex (also in its name).
    pub sha256: String,
    /// Its size in bytes.
    pub bytes: u64,
}

impl CachedDocument {
    /// Where the aggregates computed from it are kept.
    pub fn aggregates_path(&self) -> PathBuf {
        aggregates_beside(&self.path)
    }
}

/// `<document>.cube.json`: the aggregates kept beside a cached document.
fn aggregates_beside(document: &Path) -> PathBuf {
    let mut name = document.as_os_str().to_owned();
    name.push(CUBE_SUFFIX);
    PathBuf::from(name)
}

/// What clearing the cache removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cleared {
    /// Files removed.
    pub files: u64,
    /// Bytes freed.
    pub bytes: u64,
}

/// The cache folder and its limit.
#[derive(Debug, Clone)]
pub struct DocumentCache {
    dir: PathBuf,
    limit: u64,
}

fn io_error(path: &Path, source: std::io::Error) -> CoreError {
    CoreError::Io {
        path: path.to_owned(),
        source,
    }
}

/// `<id>.<plain|zip>.`: the start of every name of one document's entries.
fn entry_prefix(document: &Document, zipped: bool) -> String {
    format!("{}.{}.", document.id, if zipped { "zip" } else { "plain" })
}

/// Whether `name` is a cached document (not its aggregates, not a download in progress).
fn is_document_name(name: &str) -> bool {
    let mut parts = name.split('.');
    let (Some(id), Some(kind), Some(sha), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    !id.is_empty()
        && matches!(kind, "plain" | "zip")
        && sha.len() == 64
        && sha.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Whether `name` is a download in progress: `<id>.<plain|zip>..incoming-<16 hex digits>`.
fn is_incoming_name(name: &str) -> bool {
    name.split_once(INCOMING).is_some_and(|(prefix, random)| {
        prefix.ends_with('.')
            && prefix.split('.').count() == 3
            && random.len() == 16
            && random.bytes().all(|b| b.is_ascii_hexdigit())
    })
}

/// Marks an entry used now (its modification time is the LRU clock).
fn touch(path: &Path) {
    let touched = std::fs::File::options()
        .write(true)
        .open(path)
        .and_then(|file| file.set_modified(SystemTime::now()));
    if let Err(error) = touched {
        tracing::debug!(file = %path.display(), %error, "could not mark a cache entry used");
    }
}

impl DocumentCache {
    /// The cache in `CCS_CACHE_DIR`, else in the OS cache folder (`…/customer-space/documents`).
    pub fn open_default() -> Result<Self, CoreError> {
        if let Some(dir) = std::env::var_os(CACHE_DIR_VARIABLE).filter(|d| !d.is_empty()) {
            return Ok(Self::at(PathBuf::from(dir)));
        }
        let dirs = directories::ProjectDirs::from("com", "Customer Space", "customer-space")
            .ok_or_else(|| CoreError::MissingSetting {
                what: Setting::ConfigurationFolder,
                hint: format!("The OS gives no home folder; set {CACHE_DIR_VARIABLE}."),
            })?;
        Ok(Self::at(dirs.cache_dir().join("documents")))
    }

    /// The cache in `dir`, with the default limit.
    pub fn at(dir: impl Into<PathBuf>) -> Self {
        Self {
            dir: dir.into(),
            limit: DEFAULT_CACHE_LIMIT,
        }
    }

    /// The same cache with another size limit (bytes).
    pub fn with_limit(mut self, limit: u64) -> Self {
        self.limit = limit;
        self
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The cached copy of `document` (as downloaded `zipped` or not), when there is one whose size
    /// agrees with the list's; marks it used.
    pub fn lookup(&self, document: &Document, zipped: bool) -> Option<CachedDocument> {
        let prefix = entry_prefix(document, zipped);
        let entries = std::fs::read_dir(&self.dir).ok()?;
        for entry in entries.flatten() {
            let name = entry.file_name();
            let Some(name) = name.to_str() else { continue };
            if !name.starts_with(&prefix) || !is_document_name(name) {
                continue;
            }
            let Ok(meta) = entry.metadata() else { continue };
            // A plain copy must have the size the list gives (a document changed since is fetched
            // again); a zipped one has its own.
            if !zipped && document.size.is_some_and(|size| size != meta.len()) {
                continue;
            }
            let path = entry.path();
            touch(&path);
            return Some(CachedDocument {
                sha256: name[prefix.len()..].to_owned(),
                path,
                bytes: meta.len(),
            });
        }
        None
    }

    /// The cached copy of `document`, downloaded now (streamed, atomic, verified like every save)
    /// when there is none. The caller brings the cache back under its limit with [`Self::trim`]
    /// once it is done with every entry it fetched (trimming after each fetch could remove an
    /// entry the same run fetched earlier and still reads).
    pub async fn fetch(
        &self,
        client: &Client,
        contract: &ContractId,
        document: &Document,
        progress: &(dyn Fn(SaveProgress) + Send + Sync),
        cancel: CancellationToken,
    ) -> Result<CachedDocument, CoreError> {
        if let Some(cached) = self.lookup(document, false) {
            return Ok(cached);
        }
        tokio::fs::create_dir_all(&self.dir)
            .await
            .map_err(|e| io_error(&self.dir, e))?;
        let prefix = entry_prefix(document, false);
        let incoming = self
            .dir
            .join(format!("{prefix}{INCOMING}{:016x}", fastrand::u64(..)));
        let saved =
            save_document(client, contract, &document.id, &incoming, progress, cancel).await?;
        let sha256 = crate::bulk::sha256_of_file(&saved.path)
            .await
            .map_err(|e| io_error(&saved.path, e))?;
        let dir = self.dir.clone();
        let cached = tokio::task::spawn_blocking(move || place(&dir, &prefix, &saved.path, sha256))
            .await
            .map_err(|e| io_error(&self.dir, std::io::Error::other(e)))??;
        Ok(cached)
    }

    /// Removes least recently used entries (a document and its aggregates together) until the
    /// folder holds at most the limit; never those in `keep`. Returns what it removed.
    pub fn trim(&self, keep: &[PathBuf]) -> Result<Cleared, CoreError> {
        let mut entries = Vec::new();
        let mut total = 0u64;
        let listing = match std::fs::read_dir(&self.dir) {
            Ok(listing) => listing,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Cleared::default())
            }
            Err(error) => return Err(io_error(&self.dir, error)),
        };
        for entry in listing.flatten() {
            let name = entry.file_name();
            let Some(name) = name.to_str() else { continue };
            if !is_document_name(name) {
                continue;
            }
            let Ok(meta) = entry.metadata() else { continue };
            let path = entry.path();
            let aggregates = std::fs::metadata(aggregates_beside(&path)).map_or(0, |m| m.len());
            let used = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
            total += meta.len() + aggregates;
            entries.push((used, path, meta.len() + aggregates));
        }
        entries.sort_by_key(|(used, _, _)| *used);
        let mut removed = Cleared::default();
        for (_, path, freed) in entries {
            if total <= self.limit {
                break;
            }
            if keep.contains(&path) {
                continue;
            }
            let _ = std::fs::remove_file(aggregates_beside(&path));
            match std::fs::remove_file(&path) {
                Ok(()) => {
                    total = total.saturating_sub(freed);
                    removed.files += 1;
                    removed.bytes += freed;
                }
                Err(error) => {
                    tracing::warn!(file = %path.display(), %error, "could not remove a cache entry");
                }
            }
        }
        Ok(removed)
    }

    /// Removes every entry (documents, aggregates, downloads left by a killed run); the folder stays.
    pub fn clear(&self) -> Result<Cleared, CoreError> {
        let mut removed = Cleared::default();
        let listing = match std::fs::read_dir(&self.dir) {
            Ok(listing) => listing,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(removed),
            Err(error) => return Err(io_error(&self.dir, error)),
        };
        for entry in listing.flatten() {
            let name = entry.file_name();
            let Some(name) = name.to_str() else { continue };
            let ours = is_document_name(name)
                || name.strip_suffix(CUBE_SUFFIX).is_some_and(is_document_name)
                || is_incoming_name(name)
                || is_temp_name(name);
            if !ours {
                continue;
            }
            let bytes = entry.metadata().map_or(0, |m| m.len());
            std::fs::remove_file(entry.path()).map_err(|e| io_error(&entry.path(), e))?;
            removed.files += 1;
            removed.bytes += bytes;
        }
        Ok(removed)
    }

    /// Bytes the cache holds.
    pub fn usage(&self) -> u64 {
        std::fs::read_dir(&self.dir)
            .map(|listing| {
                listing
                    .flatten()
                    .filter_map(|e| e.metadata().ok())
                    .filter(std::fs::Metadata::is_file)
                    .map(|m| m.len())
                    .sum()
            })
            .unwrap_or(0)
    }
}

/// Names a finished download by its content (`sha256`): renames it to `<prefix><sha256>` (the
/// same content when that name exists already), removes older contents of the same document.
fn place(
    dir: &Path,
    prefix: &str,
    incoming: &Path,
    sha256: String,
) -> Result<CachedDocument, CoreError> {
    let path = dir.join(format!("{prefix}{sha256}"));
    std::fs::rename(incoming, &path).map_err(|e| io_error(&path, e))?;
    sync_folder(dir);
    let bytes = std::fs::metadata(&path)
        .map_err(|e| io_error(&path, e))?
        .len();
    if let Ok(listing) = std::fs::read_dir(dir) {
        for entry in listing.flatten() {
            let name = entry.file_name();
            let Some(name) = name.to_str() else { continue };
            if name.starts_with(prefix) && is_document_name(name) && entry.path() != path {
                let _ = std::fs::remove_file(aggregates_beside(&entry.path()));
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
    Ok(CachedDocument {
        path,
        sha256,
        bytes,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn document(id: &str, size: u64) -> Document {
        serde_json::from_value(serde_json::json!({
            "id": id, "filename": "r.csv", "period": "202610", "size": size
        }))
        .unwrap()
    }

    fn put(dir: &Path, name: &str, bytes: usize, age_secs: u64) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, vec![b'x'; bytes]).unwrap();
        let file = std::fs::File::options().write(true).open(&path).unwrap();
        file.set_modified(SystemTime::now() - std::time::Duration::from_secs(age_secs))
            .unwrap();
        path
    }

    const SHA_A: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    const SHA_B: &str = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
    const ID_1: &str = "0123456789abcdef01234567";
    const ID_2: &str = "0123456789abcdef01234568";

    #[test]
    fn names_are_the_index() {
        assert!(is_document_name(&format!("{ID_1}.plain.{SHA_A}")));
        assert!(is_document_name(&format!("{ID_1}.zip.{SHA_A}")));
        assert!(!is_document_name(&format!(
            "{ID_1}.plain.{SHA_A}.cube.json"
        )));
        assert!(!is_document_name(&format!("{ID_1}.plain.{INCOMING}0011")));
        assert!(!is_document_name("notes.txt"));
    }

    #[test]
    fn a_lookup_finds_the_copy_of_the_listed_size_only() {
        let dir = tempfile::tempdir().unwrap();
        let cache = DocumentCache::at(dir.path());
        put(dir.path(), &format!("{ID_1}.plain.{SHA_A}"), 10, 0);
        let found = cache.lookup(&document(ID_1, 10), false).unwrap();
        assert_eq!(found.sha256, SHA_A);
        assert_eq!(found.bytes, 10);
        assert!(
            cache.lookup(&document(ID_1, 11), false).is_none(),
            "changed since"
        );
        assert!(
            cache.lookup(&document(ID_1, 10), true).is_none(),
            "not as a ZIP"
        );
        assert!(cache.lookup(&document(ID_2, 10), false).is_none());
    }

    #[test]
    fn the_least_recently_used_leave_first_with_their_aggregates() {
        let dir = tempfile::tempdir().unwrap();
        let old = put(dir.path(), &format!("{ID_1}.plain.{SHA_A}"), 600, 300);
        let old_cube = put(
            dir.path(),
            &format!("{ID_1}.plain.{SHA_A}{CUBE_SUFFIX}"),
            100,
            300,
        );
        let newer = put(dir.path(), &format!("{ID_2}.plain.{SHA_B}"), 600, 10);
        let removed = DocumentCache::at(dir.path())
            .with_limit(1000)
            .trim(&[])
            .unwrap();
        assert_eq!(
            removed,
            Cleared {
                files: 1,
                bytes: 700
            }
        );
        assert!(!old.exists() && !old_cube.exists());
        assert!(newer.exists());
    }

    #[test]
    fn an_entry_in_use_is_never_trimmed() {
        let dir = tempfile::tempdir().unwrap();
        let old = put(dir.path(), &format!("{ID_1}.plain.{SHA_A}"), 600, 300);
        let newer = put(dir.path(), &format!("{ID_2}.plain.{SHA_B}"), 600, 10);
        DocumentCache::at(dir.path())
            .with_limit(100)
            .trim(std::slice::from_ref(&old))
            .unwrap();
        assert!(old.exists(), "kept: in use");
        assert!(!newer.exists());
    }

    #[test]
    fn clear_removes_ours_only() {
        let dir = tempfile::tempdir().unwrap();
        put(dir.path(), &format!("{ID_1}.plain.{SHA_A}"), 5, 0);
        put(
            dir.path(),
            &format!("{ID_1}.plain.{SHA_A}{CUBE_SUFFIX}"),
            5,
            0,
        );
        put(
            dir.path(),
            &format!("{ID_2}.plain.{INCOMING}0000000000000001"),
            5,
            0,
        );
        let foreign = put(dir.path(), "keep-me.txt", 5, 0);
        let cleared = DocumentCache::at(dir.path()).clear().unwrap();
        assert_eq!(
            cleared,
            Cleared {
                files: 3,
                bytes: 15
            }
        );
        assert!(foreign.exists());
    }

    #[tokio::test]
    async fn a_download_is_named_by_its_content_and_replaces_an_older_content() {
        let dir = tempfile::tempdir().unwrap();
        let stale = put(dir.path(), &format!("{ID_1}.plain.{SHA_A}"), 3, 0);
        let incoming = dir.path().join(format!("{ID_1}.plain.{INCOMING}01"));
        std::fs::write(&incoming, b"abc").unwrap();
        let hashed = crate::bulk::sha256_of_file(&incoming).await.unwrap();
        let placed = place(dir.path(), &format!("{ID_1}.plain."), &incoming, hashed).unwrap();
        // SHA-256 of "abc".
        let sha = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        assert_eq!(placed.sha256, sha);
        assert_eq!(placed.path, dir.path().join(format!("{ID_1}.plain.{sha}")));
        assert!(placed.path.exists() && !incoming.exists());
        assert!(!stale.exists(), "the document's older content is gone");
    }
}
