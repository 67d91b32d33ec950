//! Reads the file name out of a `Content-Disposition` header (RFC 6266, with RFC 8187 `filename*`).
//!
//! Why: when the list's `filename` is missing, the server's header is the next best name. `filename*`
//! (UTF-8, percent-encoded) is preferred over the plain `filename`, which is often an ASCII fallback.
//! The result is untrusted text: callers must still make it safe before using it as a path.

use percent_encoding::percent_decode_str;

/// The file name a `Content-Disposition` value gives, if any.
pub fn filename_from_content_disposition(value: &str) -> Option<String> {
    let mut plain = None;
    let mut extended = None;
    for (name, raw) in parameters(value) {
        match name.to_ascii_lowercase().as_str() {
            "filename*" => extended = extended.or_else(|| decode_ext_value(&raw)),
            "filename" => plain = plain.or(Some(raw)),
            _ => {}
        }
    }
    extended.or(plain).filter(|name| !name.is_empty())
}

/// Splits `type; a=b; c="d;e"` into its parameters, unquoting quoted strings.
fn parameters(value: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut chars = value.chars().peekable();
    // Skip the disposition type.
    for c in chars.by_ref() {
        if c == ';' {
            break;
        }
    }
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace() || *c == ';') {
            chars.next();
        }
        let mut name = String::new();
        while let Some(&c) = chars.peek() {
            if c == '=' || c == ';' {
                break;
            }
            name.push(c);
            chars.next();
        }
        if chars.peek().is_none() && name.trim().is_empty() {
            break;
        }
        if chars.next() != Some('=') {
            // A parameter without a value; ignore it.
            if chars.peek().is_none() {
                break;
            }
            continue;
        }
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        let mut raw = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => {
                        if let Some(escaped) = chars.next() {
                            raw.push(escaped);
                        }
                    }
                    '"' => break,
                    other => raw.push(other),
                }
            }
            // Skip anything up to the next separator.
            while chars.peek().is_some_and(|c| *c != ';') {
                chars.next();
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c == ';' {
                    break;
                }
                raw.push(c);
                chars.next();
            }
            raw = raw.trim().to_owned();
        }
        out.push((name.trim().to_owned(), raw));
    }
    out
}

/// Decodes an RFC 8187 ext-value `charset'language'percent-encoded`; UTF-8 and ISO-8859-1 are known.
fn decode_ext_value(raw: &str) -> Option<String> {
    let mut parts = raw.splitn(3, '\'');
    let charset = parts.next()?.trim().to_ascii_lowercase();
    let _language = parts.next()?;
    let encoded = parts.next()?;
    let bytes: Vec<u8> = percent_decode_str(encoded).collect();
    match charset.as_str() {
        "utf-8" => String::from_utf8(bytes).ok(),
        "iso-8859-1" => Some(bytes.iter().map(|&b| char::from(b)).collect()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
    use proptest::prelude::*;

    #[test]
    fn reads_every_common_form() {
        let f = filename_from_content_disposition;
        assert_eq!(
            f("attachment; filename=\"a b.pdf\"").as_deref(),
            Some("a b.pdf")
        );
        assert_eq!(
            f("attachment; filename=plain.pdf").as_deref(),
            Some("plain.pdf")
        );
        assert_eq!(
            f("attachment; filename=\"Facture_ete.pdf\"; filename*=UTF-8''Facture_%C3%A9t%C3%A9.pdf").as_deref(),
            Some("Facture_été.pdf")
        );
        assert_eq!(
            f("attachment; filename*=utf-8'fr'%E2%82%AC%20rates.csv").as_deref(),
            Some("€ rates.csv")
        );
        assert_eq!(
            f("attachment; filename*=iso-8859-1'en'%A3%20rates.csv").as_deref(),
            Some("£ rates.csv")
        );
        assert_eq!(
            f("attachment; filename=\"quo\\\"te;semi.pdf\"").as_deref(),
            Some("quo\"te;semi.pdf")
        );
        assert_eq!(
            f("ATTACHMENT; FILENAME=\"x.pdf\"").as_deref(),
            Some("x.pdf")
        );
        assert_eq!(f("inline"), None);
        assert_eq!(f("attachment; filename=\"\""), None);
        assert_eq!(
            f("attachment; filename*=UTF-8''%FF%FE; filename=\"fallback.pdf\"").as_deref(),
            Some("fallback.pdf")
        );
    }

    proptest! {
        #[test]
        fn extended_names_round_trip(name in "\\PC{1,80}") {
            let header = format!(
                "attachment; filename=\"fallback\"; filename*=UTF-8''{}",
                utf8_percent_encode(&name, NON_ALPHANUMERIC)
            );
            prop_assert_eq!(filename_from_content_disposition(&header), Some(name));
        }

        #[test]
        fn quoted_names_round_trip(name in "[^\"\\\\\\p{C}]{1,80}") {
            let header = format!("attachment; filename=\"{name}\"");
            prop_assert_eq!(filename_from_content_disposition(&header), Some(name));
        }

        #[test]
        fn never_panics(value in "\\PC{0,200}") {
            let _ = filename_from_content_disposition(&value);
        }

        #[test]
        fn any_parameters_never_panic(
            parts in proptest::collection::vec(
                ("(?i)(filename\\*?|name|x)", "[ ]{0,2}", "(\"[^\"]{0,40}\"?|[^;]{0,40})"),
                0..6,
            ),
            tail in "\\PC{0,20}",
        ) {
            let mut header = String::from("attachment");
            for (name, space, value) in &parts {
                header.push_str(&format!(";{space}{name}={value}"));
            }
            header.push_str(&tail);
            if let Some(name) = filename_from_content_disposition(&header) {
                prop_assert!(!name.is_empty());
            }
        }

        #[test]
        fn any_percent_encoding_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            let encoded: String = bytes.iter().map(|b| format!("%{b:02X}")).collect();
            for charset in ["UTF-8", "iso-8859-1", "koi8-r", ""] {
                let header = format!("attachment; filename*={charset}''{encoded}");
                let _ = filename_from_content_disposition(&header);
            }
        }
    }

    #[test]
    fn ten_kilobyte_names_are_read_whole() {
        let long = "é".repeat(5 * 1024);
        let header = format!(
            "attachment; filename=\"{}\"; filename*=UTF-8''{}",
            "a".repeat(10 * 1024),
            utf8_percent_encode(&long, NON_ALPHANUMERIC)
        );
        assert_eq!(filename_from_content_disposition(&header), Some(long));
        let plain = format!("attachment; filename={}", "b".repeat(10 * 1024));
        assert_eq!(
            filename_from_content_disposition(&plain).map(|n| n.len()),
            Some(10 * 1024)
        );
        let unterminated = format!("attachment; filename=\"{}", "c".repeat(10 * 1024));
        assert_eq!(
            filename_from_content_disposition(&unterminated).map(|n| n.len()),
            Some(10 * 1024)
        );
    }
}
