//! Safe file names for saved documents.
//!
//! Why: the name a document is saved under comes from the server's `filename` field, which is untrusted
//! input (`openapi.yaml`). Written as is, a name such as `../../.bashrc` or `CON.pdf` would escape the
//! chosen folder, hide the file, or fail on Windows. Every name that reaches the file system goes through
//! [`safe_file_name`] first, and bulk downloads give each file a distinct name with [`NameAllocator`].
//!
//! The rules are those of the strictest of the three systems we ship on (Windows), plus Unicode NFC so
//! that a name typed on macOS and one sent by the server compare equal.

use std::collections::HashSet;
use unicode_normalization::UnicodeNormalization;

/// The longest file name we produce, in bytes of UTF-8.
///
/// Why bytes and 200: Linux and macOS limit a name to 255 bytes; keeping 55 spare leaves room for the
/// ` (2)` suffixes of [`NameAllocator`] and for the temporary names used while a download is in flight.
pub const MAX_FILE_NAME_BYTES: usize = 200;

/// The name used when nothing usable is left of the server's name.
pub const DEFAULT_FILE_NAME: &str = "document";

/// Characters Windows refuses in a file name (`/` and `\` are also path separators everywhere).
const FORBIDDEN: [char; 9] = ['<', '>', ':', '"', '/', '\\', '|', '?', '*'];

/// The longest text after the last dot that we still treat as an extension worth keeping.
const MAX_EXTENSION_BYTES: usize = 16;

/// Windows device names: a file whose name (before the first dot) is one of these opens the device.
const RESERVED_NAMES: [&str; 6] = ["CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"];

/// Makes an untrusted file name safe to create on Windows, macOS and Linux.
///
/// Why each step: only the last path component is kept (no traversal); control characters and
/// bidirectional overrides are removed (they hide or disguise the real name, e.g. `fdp.exe` shown as
/// `exe.pdf`); Windows' forbidden characters become `_`; leading dots go (no hidden files, and never our
/// reserved `.ccs-*` names); trailing dots and spaces go (Windows drops them, so two names would clash);
/// device names such as `CON.pdf` get a `_` prefix; the text is NFC; the length is bounded to
/// [`MAX_FILE_NAME_BYTES`] keeping the extension. A name with nothing left becomes
/// [`DEFAULT_FILE_NAME`] (keeping its extension, so `.pdf` gives `document.pdf`).
///
/// The function is idempotent: `safe_file_name(&safe_file_name(x)) == safe_file_name(x)`.
pub fn safe_file_name(raw: &str) -> String {
    let composed: String = raw.nfc().collect();
    let last = composed.rsplit(['/', '\\']).next().unwrap_or_default();
    if last == "." || last == ".." {
        return DEFAULT_FILE_NAME.to_owned();
    }
    let cleaned: String = last
        .chars()
        .filter(|c| !is_hidden_character(*c))
        .map(|c| if FORBIDDEN.contains(&c) { '_' } else { c })
        .collect();
    // Removing a character may bring a letter and a combining mark together: compose again.
    let cleaned: String = cleaned.nfc().collect();
    let trimmed = cleaned
        .trim_start_matches(char::is_whitespace)
        .trim_end_matches(is_dot_or_space);

    let name = match split_extension(trimmed) {
        (stem, Some(extension)) if stem.chars().all(is_dot_or_space) => {
            format!("{DEFAULT_FILE_NAME}.{extension}")
        }
        _ => trimmed.trim_start_matches(is_dot_or_space).to_owned(),
    };
    if name.is_empty() {
        return DEFAULT_FILE_NAME.to_owned();
    }
    let name = bound_length(&name, MAX_FILE_NAME_BYTES);
    if is_reserved_name(&name) {
        // The `_` makes the stem no longer a device name, whatever the cut below removes.
        bound_length(&format!("_{name}"), MAX_FILE_NAME_BYTES)
    } else {
        name
    }
}

/// The name to save a document under when the server gave none we can use: `{period}_{type}_{id}.{ext}`.
///
/// Why: it is still unique and sorts by month; it goes through [`safe_file_name`] because the id and
/// period come from the server too. Slashes inside a part become `_` first, so an id such as `a/1`
/// cannot throw the other parts away as a "directory".
pub fn fallback_file_name(period: &str, document_type: &str, id: &str, extension: &str) -> String {
    let part = |text: &str| text.replace(['/', '\\'], "_");
    let stem = format!("{}_{}_{}", part(period), part(document_type), part(id));
    if extension.is_empty() {
        safe_file_name(&stem)
    } else {
        safe_file_name(&format!("{stem}.{}", part(extension)))
    }
}

/// The file extension for a `Content-Type`, for when a saved file needs one and the name has none.
///
/// Why a fixed list: the API sends few types (PDF invoices, XLSX bills, CSV reports); anything else is
/// saved as `bin` rather than trusting an arbitrary server string as an extension.
pub fn extension_for_content_type(content_type: &str) -> &'static str {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    match essence.as_str() {
        "application/pdf" => "pdf",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => "xlsx",
        "text/csv" => "csv",
        "application/zip" | "application/x-zip-compressed" => "zip",
        "application/json" => "json",
        _ => "bin",
    }
}

/// Hands out distinct file names within one folder, as `name.pdf`, `name (2).pdf`, `name (3).pdf`, ….
///
/// Why case-insensitive: Windows and macOS file systems treat `Invoice.pdf` and `invoice.pdf` as the same
/// file, so a bulk download must not rely on case to tell two documents apart.
#[derive(Debug, Clone, Default)]
pub struct NameAllocator {
    /// The comparison keys ([`name_key`]) of every name already in the folder or handed out.
    taken: HashSet<String>,
}

impl NameAllocator {
    /// Starts from the names already present in the folder, which will never be handed out.
    pub fn new(existing: impl IntoIterator<Item = String>) -> Self {
        Self {
            taken: existing.into_iter().map(|name| name_key(&name)).collect(),
        }
    }

    /// A name for `wanted` that nothing in the folder has yet; it is then counted as taken.
    ///
    /// `wanted` goes through [`safe_file_name`] first (a no-op for a name that already did), and the
    /// result stays within [`MAX_FILE_NAME_BYTES`], shortening the stem to fit the ` (n)` suffix.
    pub fn allocate(&mut self, wanted: &str) -> String {
        let wanted = safe_file_name(wanted);
        if self.taken.insert(name_key(&wanted)) {
            return wanted;
        }
        let (stem, extension) = match split_extension(&wanted) {
            (stem, Some(extension)) => (stem, format!(".{extension}")),
            (stem, None) => (stem, String::new()),
        };
        let mut counter: u64 = 2;
        loop {
            let suffix = format!(" ({counter}){extension}");
            let budget = MAX_FILE_NAME_BYTES.saturating_sub(suffix.len());
            let candidate = format!("{}{suffix}", cut_at_char_boundary(stem, budget));
            if self.taken.insert(name_key(&candidate)) {
                return candidate;
            }
            counter += 1;
        }
    }
}

/// How two names compare on a case-insensitive, normalising file system: equal keys are one file
/// there (the download record uses it to find two documents recorded under one file).
pub(crate) fn name_key(name: &str) -> String {
    name.nfc().collect::<String>().to_lowercase()
}

/// Characters that must never reach a file name: controls and the bidirectional formatting characters
/// that can make a name display as something else.
fn is_hidden_character(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// What Windows silently drops at the end of a name.
fn is_dot_or_space(c: char) -> bool {
    c == '.' || c.is_whitespace()
}

/// Splits `name.ext` into (`name`, `Some("ext")`) when the text after the last dot looks like an
/// extension (short, letters and digits only); otherwise (`name`, `None`).
fn split_extension(name: &str) -> (&str, Option<&str>) {
    match name.rfind('.') {
        Some(dot) => {
            let extension = &name[dot + 1..];
            if !extension.is_empty()
                && extension.len() <= MAX_EXTENSION_BYTES
                && extension.chars().all(char::is_alphanumeric)
            {
                (&name[..dot], Some(extension))
            } else {
                (name, None)
            }
        }
        None => (name, None),
    }
}

/// The longest prefix of `text` that fits in `max_bytes` without splitting a character.
fn cut_at_char_boundary(text: &str, max_bytes: usize) -> &str {
    if text.len() <= max_bytes {
        return text;
    }
    let mut end = max_bytes;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// Shortens `name` to `max_bytes`, cutting the stem so that the extension survives.
fn bound_length(name: &str, max_bytes: usize) -> String {
    if name.len() <= max_bytes {
        return name.to_owned();
    }
    match split_extension(name) {
        (stem, Some(extension)) => {
            let budget = max_bytes.saturating_sub(extension.len() + 1);
            format!("{}.{extension}", cut_at_char_boundary(stem, budget))
        }
        (_, None) => cut_at_char_boundary(name, max_bytes)
            .trim_end_matches(is_dot_or_space)
            .to_owned(),
    }
}

/// Whether Windows would open a device instead of a file for this name (`CON`, `con.pdf`, `COM1.txt`…).
fn is_reserved_name(name: &str) -> bool {
    let base = name.split('.').next().unwrap_or_default().trim_end();
    if RESERVED_NAMES
        .iter()
        .any(|reserved| base.eq_ignore_ascii_case(reserved))
    {
        return true;
    }
    let mut chars = base.chars();
    let prefix: String = chars.by_ref().take(3).collect();
    let rest: String = chars.collect();
    (prefix.eq_ignore_ascii_case("COM") || prefix.eq_ignore_ascii_case("LPT"))
        && matches!(
            rest.as_str(),
            "0" | "1" | "2" | "3" | "4" | "5" | "6" | "7" | "8" | "9" | "¹" | "²" | "³"
        )
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // A failed unwrap is a failed test, with its line.
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn directory_parts_are_stripped() {
        assert_eq!(safe_file_name("../../etc/passwd"), "passwd");
        assert_eq!(safe_file_name("..\\..\\Windows\\win.ini"), "win.ini");
        assert_eq!(safe_file_name("reports/2024/"), "document");
        assert_eq!(safe_file_name(".."), "document");
        assert_eq!(safe_file_name("a/."), "document");
        assert_eq!(safe_file_name(""), "document");
    }

    #[test]
    fn device_names_are_prefixed() {
        assert_eq!(safe_file_name("CON.pdf"), "_CON.pdf");
        assert_eq!(safe_file_name("con.pdf"), "_con.pdf");
        assert_eq!(safe_file_name("aux"), "_aux");
        assert_eq!(safe_file_name("Lpt9.tar.gz"), "_Lpt9.tar.gz");
        assert_eq!(safe_file_name("COM1 .txt"), "_COM1 .txt");
        assert_eq!(safe_file_name("console.pdf"), "console.pdf");
        assert_eq!(safe_file_name("COM10.pdf"), "COM10.pdf");
    }

    #[test]
    fn control_and_forbidden_characters() {
        assert_eq!(safe_file_name("inv\u{7}oice\n.pdf"), "invoice.pdf");
        assert_eq!(
            safe_file_name("a<b>c:d\"e|f?g*h.pdf"),
            "a_b_c_d_e_f_g_h.pdf"
        );
        assert_eq!(safe_file_name("invoice\u{202E}fdp.exe"), "invoicefdp.exe");
    }

    #[test]
    fn dots_and_spaces() {
        assert_eq!(safe_file_name("   .pdf"), "document.pdf");
        assert_eq!(safe_file_name(".pdf"), "document.pdf");
        assert_eq!(safe_file_name(".ccs-manifest.json"), "ccs-manifest.json");
        assert_eq!(safe_file_name(".bashrc"), "document.bashrc");
        assert_eq!(safe_file_name("report.pdf. . "), "report.pdf");
        assert_eq!(safe_file_name("..."), "document");
        assert_eq!(safe_file_name("  invoice 2024.pdf  "), "invoice 2024.pdf");
    }

    #[test]
    fn unicode_is_composed() {
        let name = safe_file_name("factura_e\u{301}te\u{301}.pdf");
        assert_eq!(name, "factura_\u{e9}t\u{e9}.pdf");
        // A control character between a letter and its accent must not leave them apart.
        assert_eq!(safe_file_name("e\u{7}\u{301}"), "\u{e9}");
    }

    #[test]
    fn long_names_keep_their_extension() {
        let name = safe_file_name(&format!("{}.pdf", "a".repeat(300)));
        assert_eq!(name.len(), MAX_FILE_NAME_BYTES);
        assert!(name.ends_with("a.pdf"));
        let accented = safe_file_name(&format!("{}.pdf", "\u{e9}".repeat(150)));
        assert!(accented.len() <= MAX_FILE_NAME_BYTES && accented.ends_with("\u{e9}.pdf"));
        let no_extension = safe_file_name(&"b".repeat(300));
        assert_eq!(no_extension.len(), MAX_FILE_NAME_BYTES);
    }

    #[test]
    fn fallback_and_content_types() {
        assert_eq!(
            fallback_file_name("202401", "invoices", "a/1", "pdf"),
            "202401_invoices_a_1.pdf"
        );
        assert_eq!(
            fallback_file_name("202401", "bills", "9", ""),
            "202401_bills_9"
        );
        assert_eq!(extension_for_content_type("application/pdf"), "pdf");
        assert_eq!(
            extension_for_content_type(
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            ),
            "xlsx"
        );
        assert_eq!(extension_for_content_type("Text/CSV; charset=utf-8"), "csv");
        assert_eq!(extension_for_content_type("application/zip"), "zip");
        assert_eq!(extension_for_content_type("application/json"), "json");
        assert_eq!(extension_for_content_type("text/html"), "bin");
        assert_eq!(extension_for_content_type(""), "bin");
    }

    #[test]
    fn allocator_numbers_clashes_case_insensitively() {
        let mut names = NameAllocator::new(vec!["Invoice.pdf".to_owned()]);
        assert_eq!(names.allocate("invoice.pdf"), "invoice (2).pdf");
        assert_eq!(names.allocate("INVOICE.PDF"), "INVOICE (3).PDF");
        assert_eq!(names.allocate("other.pdf"), "other.pdf");
        assert_eq!(names.allocate("readme"), "readme");
        assert_eq!(names.allocate("readme"), "readme (2)");
        let long = format!("{}.pdf", "x".repeat(196));
        assert_eq!(names.allocate(&long), long);
        let second = names.allocate(&long);
        assert!(second.len() <= MAX_FILE_NAME_BYTES && second.ends_with(" (2).pdf"));
    }

    /// Strings rich in the characters the rules are about.
    fn tricky_name() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            Just(".".to_owned()),
            Just("..".to_owned()),
            Just(" ".to_owned()),
            Just("/".to_owned()),
            Just("\\".to_owned()),
            Just("CON".to_owned()),
            Just("com1".to_owned()),
            Just("e\u{301}".to_owned()),
            Just("\u{301}".to_owned()),
            Just("\u{202E}".to_owned()),
            Just(".pdf".to_owned()),
            "[<>:\"|?*\u{0}-\u{1f}\u{7f}]",
            "[a-z\u{e9}\u{4e2d}\u{1F600}]{1,80}",
            any::<String>(),
        ];
        proptest::collection::vec(piece, 0..12).prop_map(|pieces| pieces.concat())
    }

    fn assert_safe(name: &str) -> Result<(), TestCaseError> {
        prop_assert!(!name.is_empty());
        prop_assert!(name.len() <= MAX_FILE_NAME_BYTES, "{} bytes", name.len());
        prop_assert!(!name
            .chars()
            .any(|c| c.is_control() || FORBIDDEN.contains(&c)));
        prop_assert!(!name.starts_with('.'));
        prop_assert!(!name.ends_with(is_dot_or_space));
        prop_assert!(!is_reserved_name(name), "{name:?} is reserved");
        prop_assert_eq!(name.nfc().collect::<String>(), name);
        Ok(())
    }

    proptest! {
        #[test]
        fn any_input_gives_a_safe_fixed_point(raw in tricky_name()) {
            let name = safe_file_name(&raw);
            assert_safe(&name)?;
            prop_assert_eq!(safe_file_name(&name), name);
        }

        #[test]
        fn arbitrary_strings_are_safe(raw in any::<String>()) {
            let name = safe_file_name(&raw);
            assert_safe(&name)?;
            prop_assert_eq!(safe_file_name(&name), name);
        }

        #[test]
        fn allocated_names_are_distinct_and_safe(wanted in proptest::collection::vec(tricky_name(), 1..8)) {
            let mut names = NameAllocator::new(Vec::new());
            let mut seen = HashSet::new();
            for raw in wanted.iter().chain(wanted.iter()) {
                let name = names.allocate(raw);
                assert_safe(&name)?;
                prop_assert!(seen.insert(name.to_lowercase()), "{name:?} given twice");
            }
        }
    }
}
