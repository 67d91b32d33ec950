//! The download record: `.ccs-downloads.json` in a download folder.
//!
//! Why: a bulk download of hundreds of documents is often run again (the next month, or after a
//! network cut). The record remembers which document of which contract was saved under which name,
//! with its size and SHA-256, so a rerun skips what is still intact, puts back what was deleted, and
//! knows which files in the folder are ours and which belong to the user. It is a cache, never a
//! source of truth: a missing, unreadable or corrupt record only means that everything is fetched
//! again, and every problem with it is reported as a [`ManifestWarning`], never silently dropped.
//!
//! Format history: version 1 mapped document ids to entries; version 2 (written now) is a list of
//! entries that each name their contract, so that one folder can hold the documents of several
//! contracts without one run mistaking another contract's files for its own. Version 1 is still
//! read: its entries have no contract, and a run adopts one only when the id is among the run's own
//! documents (see [`Manifest::claims`]); the others are written back untouched.

use crate::disk::temp::create_temp;
pub use crate::disk::temp::{is_temp_name, temp_path, TEMP_PREFIX, TEMP_SUFFIX};
use crate::naming::{name_key, safe_file_name};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Write;
use std::path::Path;

/// The record's file name. Starts with `.ccs-`, which [`safe_file_name`] never produces, so no
/// document can ever be saved over it.
pub const MANIFEST_FILE_NAME: &str = ".ccs-downloads.json";

/// The format version written. Version 1 is read too; any other is reported and treated as empty.
pub const MANIFEST_VERSION: u32 = 2;

/// The first format: entries by document id, without their contract.
const VERSION_1: u32 = 1;

/// What the record holds for one saved document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestEntry {
    /// The document's id.
    pub id: String,
    /// The document's contract; `None` for an entry read from a version 1 record and not adopted
    /// since by a run of its contract.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contract: Option<String>,
    /// The file's name in the folder (a name only, never a path).
    pub file: String,
    /// Its size in bytes.
    pub bytes: u64,
    /// Its SHA-256, lowercase hex.
    pub sha256: String,
    /// Whether it is the server's ZIP of the document rather than the document itself.
    pub zipped: bool,
}

/// The whole record: entries by (contract, document id).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Manifest {
    /// Sorted, so that the written file is stable and diffable.
    entries: BTreeMap<(Option<String>, String), ManifestEntry>,
}

/// Something wrong with the record that a run worked around: shown to the user, never fatal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ManifestWarning {
    /// What kind of problem, for a UI to word in the user's language.
    pub code: ManifestWarningCode,
    /// What happened and what it means, in English.
    pub message: String,
    /// The document concerned, if one is.
    pub document: Option<String>,
    /// The file name concerned, if one is.
    pub file: Option<String>,
}

/// The kinds of [`ManifestWarning`]; serialised as the `manifest_…` codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ManifestWarningCode {
    /// The record exists but could not be read: everything is fetched again.
    #[serde(rename = "manifest_unreadable")]
    Unreadable,
    /// The record is not valid JSON of a known shape: everything is fetched again, and it is
    /// replaced at the end.
    #[serde(rename = "manifest_corrupt")]
    Corrupt,
    /// The record has a version this program does not know (a newer program wrote it).
    #[serde(rename = "manifest_unknown_version")]
    UnknownVersion,
    /// An entry names something other than a plain file of the folder (a path, `..`, one of our
    /// own `.ccs-` files): dropped.
    #[serde(rename = "manifest_unsafe_name")]
    UnsafeName,
    /// A document appears twice for one contract: the first entry is kept.
    #[serde(rename = "manifest_duplicate_entry")]
    DuplicateEntry,
    /// The entry for this document's id belongs to another contract: that file is not the run's
    /// to skip or replace; the document is saved under a new name.
    #[serde(rename = "manifest_other_contract")]
    OtherContract,
    /// Two documents are recorded under one file: neither is trusted with it; the document is
    /// saved under a new name and the file left alone.
    #[serde(rename = "manifest_shared_file")]
    SharedFile,
    /// The record could not be written: the saved files are fine, but a rerun will not recognise
    /// them and will save them again under ` (2)` names.
    #[serde(rename = "manifest_not_written")]
    NotWritten,
}

impl ManifestWarningCode {
    /// The code as serialised (`manifest_corrupt`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unreadable => "manifest_unreadable",
            Self::Corrupt => "manifest_corrupt",
            Self::UnknownVersion => "manifest_unknown_version",
            Self::UnsafeName => "manifest_unsafe_name",
            Self::DuplicateEntry => "manifest_duplicate_entry",
            Self::OtherContract => "manifest_other_contract",
            Self::SharedFile => "manifest_shared_file",
            Self::NotWritten => "manifest_not_written",
        }
    }
}

impl ManifestWarning {
    /// A warning about the whole record.
    pub fn about_record(code: ManifestWarningCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            document: None,
            file: None,
        }
    }

    /// A warning about one entry.
    fn about_entry(code: ManifestWarningCode, entry: &ManifestEntry, message: String) -> Self {
        Self {
            code,
            message,
            document: Some(entry.id.clone()),
            file: Some(entry.file.clone()),
        }
    }
}

/// The entries a run may act on: for each of its documents, the file the record says is that
/// document's, and the warnings about the entries it may not use.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Claims {
    /// Entries by document id, for the run's documents only.
    pub entries: HashMap<String, ManifestEntry>,
    /// Entries ignored, and why.
    pub warnings: Vec<ManifestWarning>,
}

/// Version 1 on disk: `{ "version": 1, "files": { id: entry } }`.
#[derive(Deserialize)]
struct RecordV1 {
    files: BTreeMap<String, EntryV1>,
}

/// An entry of version 1: no id (it was the key) and no contract.
#[derive(Deserialize)]
struct EntryV1 {
    file: String,
    bytes: u64,
    sha256: String,
    zipped: bool,
}

/// Version 2 on disk: `{ "version": 2, "files": [entry, …] }`.
#[derive(Serialize, Deserialize)]
struct RecordV2 {
    version: u32,
    files: Vec<ManifestEntry>,
}

/// Only the version, read first to choose the shape.
#[derive(Deserialize)]
struct Header {
    version: u32,
}

impl Manifest {
    /// Reads the record of `folder`, with the problems met. Absent: empty, no warning. Unreadable,
    /// corrupt or of an unknown version: empty, with a warning (losing it only costs a refetch).
    ///
    /// Entries whose `file` is not a name we could have produced (a path, `..`, a `.ccs-` name) are
    /// dropped with a warning: a tampered record must not make us read or replace a file outside
    /// our own.
    pub fn load(folder: &Path) -> (Self, Vec<ManifestWarning>) {
        let path = folder.join(MANIFEST_FILE_NAME);
        let text = match std::fs::read(&path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return (Self::default(), Vec::new())
            }
            Err(error) => {
                let warning = ManifestWarning::about_record(
                    ManifestWarningCode::Unreadable,
                    format!("the download record {MANIFEST_FILE_NAME} cannot be read ({error}); every document is fetched again"),
                );
                return (Self::default(), vec![warning]);
            }
        };
        let corrupt = |error: serde_json::Error| {
            let warning = ManifestWarning::about_record(
                ManifestWarningCode::Corrupt,
                format!("the download record {MANIFEST_FILE_NAME} is damaged ({error}); every document is fetched again and the record rewritten"),
            );
            (Self::default(), vec![warning])
        };
        let entries = match serde_json::from_slice::<Header>(&text) {
            Err(error) => return corrupt(error),
            Ok(Header { version: VERSION_1 }) => match serde_json::from_slice::<RecordV1>(&text) {
                Ok(record) => record
                    .files
                    .into_iter()
                    .map(|(id, entry)| ManifestEntry {
                        id,
                        contract: None,
                        file: entry.file,
                        bytes: entry.bytes,
                        sha256: entry.sha256,
                        zipped: entry.zipped,
                    })
                    .collect(),
                Err(error) => return corrupt(error),
            },
            Ok(Header {
                version: MANIFEST_VERSION,
            }) => match serde_json::from_slice::<RecordV2>(&text) {
                Ok(record) => record.files,
                Err(error) => return corrupt(error),
            },
            Ok(Header { version }) => {
                let warning = ManifestWarning::about_record(
                    ManifestWarningCode::UnknownVersion,
                    format!("the download record {MANIFEST_FILE_NAME} has version {version}, which this program does not know (a newer one wrote it?); every document is fetched again and the record rewritten"),
                );
                return (Self::default(), vec![warning]);
            }
        };
        Self::from_entries(entries)
    }

    /// Builds a record from loaded entries, dropping unsafe and repeated ones with warnings.
    fn from_entries(entries: Vec<ManifestEntry>) -> (Self, Vec<ManifestWarning>) {
        let mut manifest = Self::default();
        let mut warnings = Vec::new();
        for entry in entries {
            if !is_plain_name(&entry.file) {
                let message = format!(
                    "the download record names {:?} for document {}, which is not a plain file of the folder; that entry is ignored",
                    entry.file, entry.id
                );
                warnings.push(ManifestWarning::about_entry(
                    ManifestWarningCode::UnsafeName,
                    &entry,
                    message,
                ));
                continue;
            }
            let key = (entry.contract.clone(), entry.id.clone());
            if manifest.entries.contains_key(&key) {
                let message = format!(
                    "the download record lists document {} twice; the first entry is kept",
                    entry.id
                );
                warnings.push(ManifestWarning::about_entry(
                    ManifestWarningCode::DuplicateEntry,
                    &entry,
                    message,
                ));
                continue;
            }
            manifest.entries.insert(key, entry);
        }
        (manifest, warnings)
    }

    /// Writes the record to `folder` atomically (temporary file, fsync, rename), so that a crash
    /// leaves either the old record or the new one, never half of one. Always in the current
    /// format. The caller fsyncs the folder for the rename to be durable.
    pub fn save(&self, folder: &Path) -> std::io::Result<()> {
        let record = RecordV2 {
            version: MANIFEST_VERSION,
            files: self.entries.values().cloned().collect(),
        };
        let json = serde_json::to_vec_pretty(&record).map_err(std::io::Error::other)?;
        let (temp, mut file) = create_temp(folder)?;
        let written = file
            .write_all(&json)
            .and_then(|()| file.sync_all())
            .and_then(|()| std::fs::rename(&temp, folder.join(MANIFEST_FILE_NAME)));
        if written.is_err() {
            let _ = std::fs::remove_file(&temp);
        }
        written
    }

    /// Every entry, sorted by contract (those without one first), then id.
    pub fn entries(&self) -> impl Iterator<Item = &ManifestEntry> {
        self.entries.values()
    }

    /// The entry of document `id` recorded for `contract` (`None`: a version 1 entry).
    pub fn get(&self, contract: Option<&str>, id: &str) -> Option<&ManifestEntry> {
        self.entries
            .get(&(contract.map(str::to_owned), id.to_owned()))
    }

    /// Records `entry` for its contract and id, replacing what was there; a version 1 entry of the
    /// same id goes (the new one says whose it is).
    pub fn insert(&mut self, entry: ManifestEntry) {
        if entry.contract.is_some() {
            self.entries.remove(&(None, entry.id.clone()));
        }
        self.entries
            .insert((entry.contract.clone(), entry.id.clone()), entry);
    }

    /// The entries a run of `contract` over the documents `ids` may act on (skip, put back, replace
    /// with `--overwrite`), and warnings for those it must leave alone.
    ///
    /// A document's entry is its contract's, else a version 1 entry of its id (adopted: the id is
    /// among the run's documents). Left alone, with a warning: an entry of the id recorded only for
    /// another contract (that file is no document of the run's contract), and any entry whose file
    /// is recorded for two documents or more (whose is it?). Entries of other documents are not
    /// looked at, and [`Manifest::save`] writes them back untouched.
    pub fn claims<'a>(&self, contract: &str, ids: impl IntoIterator<Item = &'a str>) -> Claims {
        // Built once: a run of 1,000 documents over a record of 100,000 entries stays linear.
        let mut owners: HashMap<String, BTreeSet<&str>> = HashMap::new();
        let mut by_id: HashMap<&str, Vec<&ManifestEntry>> = HashMap::new();
        for entry in self.entries.values() {
            owners
                .entry(name_key(&entry.file))
                .or_default()
                .insert(entry.id.as_str());
            by_id.entry(entry.id.as_str()).or_default().push(entry);
        }
        let mut claims = Claims::default();
        let mut seen = BTreeSet::new();
        for id in ids {
            if !seen.insert(id) {
                continue;
            }
            let own = self.get(Some(contract), id).or_else(|| self.get(None, id));
            let Some(entry) = own else {
                // Neither this contract's nor a version 1 entry: any other is another contract's.
                if let Some(other) = by_id.get(id).and_then(|entries| entries.first()) {
                    let message = format!(
                        "the download record gives {:?} to document {id} of contract {}, not of contract {contract}; that file is left alone and the document saved under a new name",
                        other.file,
                        other.contract.as_deref().unwrap_or_default()
                    );
                    claims.warnings.push(ManifestWarning::about_entry(
                        ManifestWarningCode::OtherContract,
                        other,
                        message,
                    ));
                }
                continue;
            };
            let sharing = owners.get(&name_key(&entry.file)).map_or(0, BTreeSet::len);
            if sharing > 1 {
                let message = format!(
                    "the download record gives {:?} to {sharing} documents, {id} among them; that file is left alone and the document saved under a new name",
                    entry.file
                );
                claims.warnings.push(ManifestWarning::about_entry(
                    ManifestWarningCode::SharedFile,
                    entry,
                    message,
                ));
                continue;
            }
            claims.entries.insert(id.to_owned(), entry.clone());
        }
        claims
    }
}

/// Whether `name` is a plain file name of ours: a fixed point of [`safe_file_name`] and not one of
/// our reserved `.ccs-` names.
pub fn is_plain_name(name: &str) -> bool {
    !name.starts_with(".ccs-") && safe_file_name(name) == name
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // A failed unwrap is a failed test, with its line.
mod tests {
    use super::*;

    fn entry(contract: Option<&str>, id: &str, file: &str) -> ManifestEntry {
        ManifestEntry {
            id: id.to_owned(),
            contract: contract.map(str::to_owned),
            file: file.to_owned(),
            bytes: 3,
            sha256: "ab".to_owned(),
            zipped: false,
        }
    }

    fn codes(warnings: &[ManifestWarning]) -> Vec<&'static str> {
        warnings.iter().map(|w| w.code.as_str()).collect()
    }

    #[test]
    fn round_trip_and_shape() {
        let folder = tempfile::tempdir().unwrap();
        let mut manifest = Manifest::default();
        manifest.insert(entry(Some("OCB0000001"), "d1", "a.pdf"));
        manifest.insert(entry(None, "d0", "z.pdf"));
        manifest.save(folder.path()).unwrap();
        assert_eq!(Manifest::load(folder.path()), (manifest, Vec::new()));
        let json: serde_json::Value =
            serde_json::from_slice(&std::fs::read(folder.path().join(MANIFEST_FILE_NAME)).unwrap())
                .unwrap();
        assert_eq!(json["version"], 2);
        assert_eq!(json["files"][0]["id"], "d0");
        assert!(
            json["files"][0].get("contract").is_none(),
            "no contract, no key"
        );
        assert_eq!(json["files"][1]["contract"], "OCB0000001");
        assert_eq!(json["files"][1]["file"], "a.pdf");
        assert_eq!(json["files"][1]["zipped"], false);
        let names: Vec<_> = std::fs::read_dir(folder.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "no temporary file is left");
    }

    #[test]
    fn version_1_is_read_without_contracts() {
        let folder = tempfile::tempdir().unwrap();
        std::fs::write(
            folder.path().join(MANIFEST_FILE_NAME),
            br#"{"version": 1, "files": {"d1": {"file": "a.pdf", "bytes": 3, "sha256": "ab", "zipped": false}}}"#,
        )
        .unwrap();
        let (manifest, warnings) = Manifest::load(folder.path());
        assert!(warnings.is_empty());
        assert_eq!(manifest.get(None, "d1"), Some(&entry(None, "d1", "a.pdf")));
    }

    #[test]
    fn corrupt_or_foreign_records_are_empty_with_a_warning() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join(MANIFEST_FILE_NAME);
        assert_eq!(
            Manifest::load(folder.path()),
            (Manifest::default(), Vec::new())
        );
        std::fs::write(&path, b"{not json").unwrap();
        let (manifest, warnings) = Manifest::load(folder.path());
        assert_eq!(manifest, Manifest::default());
        assert_eq!(codes(&warnings), ["manifest_corrupt"]);
        std::fs::write(&path, br#"{"version": 2, "files": {"d1": 3}}"#).unwrap();
        assert_eq!(
            codes(&Manifest::load(folder.path()).1),
            ["manifest_corrupt"]
        );
        std::fs::write(&path, br#"{"version": 9, "files": {}}"#).unwrap();
        let (manifest, warnings) = Manifest::load(folder.path());
        assert_eq!(manifest, Manifest::default());
        assert_eq!(codes(&warnings), ["manifest_unknown_version"]);
    }

    #[cfg(unix)]
    #[test]
    fn an_unreadable_record_is_a_warning() {
        let folder = tempfile::tempdir().unwrap();
        // A folder where the record should be: reading it fails without being "not found".
        std::fs::create_dir(folder.path().join(MANIFEST_FILE_NAME)).unwrap();
        let (manifest, warnings) = Manifest::load(folder.path());
        assert_eq!(manifest, Manifest::default());
        assert_eq!(codes(&warnings), ["manifest_unreadable"]);
    }

    #[test]
    fn unsafe_names_and_repeats_are_dropped_with_warnings() {
        let (manifest, warnings) = Manifest::from_entries(vec![
            entry(Some("C"), "ok", "a.pdf"),
            entry(Some("C"), "up", "../a.pdf"),
            entry(Some("C"), "ours", ".ccs-downloads.json"),
            entry(Some("C"), "ok", "b.pdf"),
        ]);
        let ids: Vec<_> = manifest.entries().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["ok"]);
        assert_eq!(manifest.get(Some("C"), "ok").unwrap().file, "a.pdf");
        assert_eq!(
            codes(&warnings),
            [
                "manifest_unsafe_name",
                "manifest_unsafe_name",
                "manifest_duplicate_entry"
            ]
        );
        assert_eq!(warnings[0].document.as_deref(), Some("up"));
        assert_eq!(warnings[0].file.as_deref(), Some("../a.pdf"));
    }

    #[test]
    fn claims_take_the_contracts_entries_and_adopt_version_1_ones() {
        let mut manifest = Manifest::default();
        manifest.insert(entry(Some("A"), "d1", "one.pdf"));
        manifest.insert(entry(None, "d2", "two.pdf"));
        manifest.insert(entry(None, "d9", "nine.pdf"));
        manifest.insert(entry(Some("B"), "d3", "three.pdf"));
        let claims = manifest.claims("A", ["d1", "d2", "d3", "d4"]);
        let mut claimed: Vec<_> = claims.entries.keys().map(String::as_str).collect();
        claimed.sort_unstable();
        assert_eq!(claimed, ["d1", "d2"], "d9 is not the run's, d3 is B's");
        assert_eq!(codes(&claims.warnings), ["manifest_other_contract"]);
        assert_eq!(claims.warnings[0].document.as_deref(), Some("d3"));
        assert_eq!(claims.warnings[0].file.as_deref(), Some("three.pdf"));
    }

    #[test]
    fn a_file_recorded_for_two_documents_is_nobodys() {
        let mut manifest = Manifest::default();
        manifest.insert(entry(Some("A"), "d1", "same.pdf"));
        manifest.insert(entry(Some("A"), "d2", "SAME.pdf"));
        manifest.insert(entry(Some("A"), "d3", "own.pdf"));
        let claims = manifest.claims("A", ["d1", "d2", "d3"]);
        assert_eq!(
            claims.entries.keys().collect::<Vec<_>>(),
            ["d3"],
            "case-insensitively one file"
        );
        assert_eq!(
            codes(&claims.warnings),
            ["manifest_shared_file", "manifest_shared_file"]
        );
    }

    #[test]
    fn inserting_for_a_contract_replaces_the_version_1_entry() {
        let mut manifest = Manifest::default();
        manifest.insert(entry(None, "d1", "a.pdf"));
        manifest.insert(entry(None, "d2", "b.pdf"));
        manifest.insert(entry(Some("A"), "d1", "a.pdf"));
        let keys: Vec<_> = manifest
            .entries()
            .map(|e| (e.contract.as_deref(), e.id.as_str()))
            .collect();
        assert_eq!(keys, [(None, "d2"), (Some("A"), "d1")]);
    }
}
