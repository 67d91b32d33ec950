//! The files of a scenario: the scripts and lists it writes, the names curl saves under, and the
//! check that what was saved is complete.
//!
//! Why a check after every timed command: a fast run that saved half the documents, or left a
//! temporary file, must fail the bench rather than improve its ratio.

use super::sandbox::Doc;
use std::path::Path;

/// Checks that `folder` holds `count` documents (of `size` bytes each, when given), and for ccs its
/// download record and no temporary file.
pub(super) fn check_folder(
    folder: &Path,
    count: usize,
    size: Option<u64>,
    ccs: bool,
) -> Result<(), String> {
    let entries = std::fs::read_dir(folder)
        .map_err(|e| format!("no output folder {}: {e}", folder.display()))?;
    let mut files = 0;
    let mut manifest = false;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name == ".ccs-downloads.json" {
            manifest = true;
            continue;
        }
        if name.starts_with(".ccs-tmp-") {
            return Err(format!(
                "a temporary file was left: {}",
                entry.path().display()
            ));
        }
        let bytes = entry.metadata().map(|m| m.len()).unwrap_or(0);
        if let Some(size) = size {
            if bytes != size {
                return Err(format!(
                    "{} has {bytes} bytes, {size} expected",
                    entry.path().display()
                ));
            }
        }
        files += 1;
    }
    if files != count {
        return Err(format!(
            "{} holds {files} documents, {count} expected",
            folder.display()
        ));
    }
    if ccs && !manifest {
        return Err(format!("no download record in {}", folder.display()));
    }
    Ok(())
}

/// Empties `folder` (creating it when missing).
pub(super) fn reset_dir(folder: &Path) -> Result<(), String> {
    let _ = std::fs::remove_dir_all(folder);
    std::fs::create_dir_all(folder)
        .map_err(|e| format!("could not create {}: {e}", folder.display()))
}

/// The listed file name when it is a plain one, else the id (curl must not write outside its folder).
pub(super) fn safe_name(doc: &Doc) -> String {
    let plain = !doc.filename.is_empty()
        && !doc.filename.starts_with('.')
        && doc
            .filename
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c));
    if plain {
        doc.filename.clone()
    } else {
        doc.id.clone()
    }
}

/// Writes `text` to `path`, creating its folder.
pub(super) fn write(path: &Path, text: &str) -> Result<(), String> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| format!("could not create {}: {e}", parent.display()))?;
    }
    std::fs::write(path, text).map_err(|e| format!("could not write {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn doc(id: &str, filename: &str) -> Doc {
        Doc {
            id: id.into(),
            filename: filename.into(),
            size: None,
        }
    }

    #[test]
    fn curl_saves_under_plain_names_only() {
        assert_eq!(
            safe_name(&doc("a1", "Invoice_OCB1_202503.pdf")),
            "Invoice_OCB1_202503.pdf"
        );
        for hostile in [
            "../../etc/passwd",
            ".hidden",
            "",
            "Facture été.pdf",
            "a/b.pdf",
        ] {
            assert_eq!(safe_name(&doc("a1", hostile)), "a1", "{hostile:?}");
        }
    }

    #[test]
    fn a_folder_is_complete_with_every_document_at_its_size_and_no_temporary_file() {
        let folder =
            std::env::temp_dir().join(format!("xtask-check-folder-{}", std::process::id()));
        reset_dir(&folder).unwrap();
        write(&folder.join("a.pdf"), "1234").unwrap();
        write(&folder.join("b.pdf"), "5678").unwrap();
        assert_eq!(check_folder(&folder, 2, Some(4), false), Ok(()));
        assert!(check_folder(&folder, 2, Some(4), true)
            .unwrap_err()
            .starts_with("no download record"));
        write(&folder.join(".ccs-downloads.json"), "{}").unwrap();
        assert_eq!(check_folder(&folder, 2, Some(4), true), Ok(()));
        assert!(check_folder(&folder, 3, None, true)
            .unwrap_err()
            .ends_with("holds 2 documents, 3 expected"));
        assert!(check_folder(&folder, 2, Some(5), true)
            .unwrap_err()
            .ends_with("has 4 bytes, 5 expected"));
        write(&folder.join(".ccs-tmp-1.part"), "").unwrap();
        assert!(check_folder(&folder, 2, Some(4), true)
            .unwrap_err()
            .starts_with("a temporary file was left"));
        std::fs::remove_dir_all(&folder).unwrap();
    }
}
