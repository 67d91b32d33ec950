//! `Content-Disposition` for `/file`, in the variants a client must survive.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use crate::faults::DispositionStyle;

/// RFC 5987 `attr-char`: everything else is percent-encoded.
const ATTR_CHAR: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'!')
    .remove(b'#')
    .remove(b'$')
    .remove(b'&')
    .remove(b'+')
    .remove(b'-')
    .remove(b'.')
    .remove(b'^')
    .remove(b'_')
    .remove(b'`')
    .remove(b'|')
    .remove(b'~');

/// The quoted ASCII fallback: quotes and backslashes escaped, anything else outside printable
/// ASCII (controls, non-ASCII) replaced by `_`.
fn ascii_fallback(filename: &str) -> String {
    let mut out = String::with_capacity(filename.len());
    for c in filename.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            ' '..='~' => out.push(c),
            _ => out.push('_'),
        }
    }
    out
}

/// The header value for `filename` in `style`, or `None` when the header is left out.
pub(crate) fn header_value(filename: &str, style: DispositionStyle) -> Option<String> {
    let ascii = format!("filename=\"{}\"", ascii_fallback(filename));
    let extended = format!(
        "filename*=UTF-8''{}",
        utf8_percent_encode(filename, ATTR_CHAR)
    );
    match style {
        DispositionStyle::Both => Some(format!("attachment; {ascii}; {extended}")),
        DispositionStyle::AsciiOnly => Some(format!("attachment; {ascii}")),
        DispositionStyle::ExtendedOnly => Some(format!("attachment; {extended}")),
        DispositionStyle::Absent => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_encodes() {
        let value = header_value("a\"b\\é\n.pdf", DispositionStyle::Both).unwrap_or_default();
        assert_eq!(
            value,
            "attachment; filename=\"a\\\"b\\\\__.pdf\"; filename*=UTF-8''a%22b%5C%C3%A9%0A.pdf"
        );
    }
}
