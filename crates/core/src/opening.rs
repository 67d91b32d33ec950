//! Which saved files the app may hand to the system to open, and which it only shows in a folder.
//!
//! Why: "Open" launches whatever program the system associates with a file's extension, and the
//! extension of a saved document comes from the server's file name. A server (or anyone between it
//! and us) could name a document `invoice.desktop`, `setup.exe`, `report.lnk` or `run.js`: opening
//! that would run it. The app opens only the kinds of document this API serves; anything else is
//! shown in its folder, with the reason, and the user decides.

use std::path::Path;

/// The extensions of the documents this API serves (invoices, bills, reports, their archives and
/// the plain-text forms a report may take), compared without regard to case.
pub const OPENABLE_EXTENSIONS: &[&str] = &["pdf", "xlsx", "xls", "csv", "zip", "txt"];

/// Whether a saved file may be opened with the system's default application.
pub fn may_open(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|extension| {
            OPENABLE_EXTENSIONS
                .iter()
                .any(|allowed| allowed.eq_ignore_ascii_case(extension))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_open_and_programs_do_not() {
        for name in [
            "invoice.pdf",
            "INVOICE.PDF",
            "bill.xlsx",
            "report.csv",
            "all.zip",
            "old.xls",
        ] {
            assert!(may_open(Path::new(name)), "{name}");
        }
        for name in [
            "invoice.pdf.exe",
            "x.desktop",
            "a.lnk",
            "run.js",
            "script.sh",
            "page.html",
            "setup.msi",
            "noextension",
            ".pdf",
            "invoice.pdf ",
        ] {
            assert!(!may_open(Path::new(name)), "{name}");
        }
    }
}
