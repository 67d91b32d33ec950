//! Summaries of a server's body for error messages: a few words on what came, never the body.
//!
//! Why: an error's text is shown in the app's banner, printed by the CLI, written to logs while a
//! request is retried and copied into diagnostics. A gateway's HTML page, a proxy's text or an
//! echoed request would otherwise end up there whole — unreadable at best, a leaked secret at worst.
//! Every excerpt of a server's body that goes into an [`crate::ApiError`] is made here: at most an HTML
//! page's `<title>` or a text's first line (80 characters, on one line, control and invisible
//! characters removed, known secrets scrubbed first), or the key names of a JSON object.

use crate::credentials::Redactor;
use serde::de::{Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::fmt;

/// The most characters quoted from a server's body (a title, a first line).
pub(crate) const QUOTE_LIMIT: usize = 80;
/// The most characters of a JSON key name shown.
const KEY_LIMIT: usize = 40;
/// The most key names of a JSON object shown.
pub(crate) const KEYS_SHOWN: usize = 5;
/// How much of a body is looked at for a title or a first line.
const LOOK_LIMIT: usize = 64 * 1024;

/// `text` on one line: control characters and white space runs become one space, invisible
/// formatting characters (bidirectional overrides, zero-width ones) are dropped, and at most `max`
/// characters are kept (the last one an ellipsis when the text was cut).
pub(crate) fn one_line(text: &str, max: usize) -> String {
    let mut out = String::new();
    let mut count = 0usize;
    let mut space = false;
    for c in text.chars() {
        if is_invisible(c) {
            continue;
        }
        if c.is_whitespace() || c.is_control() {
            space = count > 0;
            continue;
        }
        if space {
            out.push(' ');
            count += 1;
            space = false;
        }
        out.push(c);
        count += 1;
        if count > max {
            break;
        }
    }
    if count > max {
        let keep: String = out.chars().take(max.saturating_sub(1)).collect();
        return format!("{}…", keep.trim_end());
    }
    out
}

/// Format characters that change how text looks without being seen (Unicode category Cf, the
/// common ones): a title must not reorder or hide what the user reads around it.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{061C}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}')
}

/// The media type of a `Content-Type` value, lower case, without parameters, at most 60 safe
/// characters (`text/html`), or `None` when nothing readable is left.
pub(crate) fn media_type(content_type: &str) -> Option<String> {
    let essence = content_type.split(';').next().unwrap_or_default().trim();
    let safe: String = essence
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '.' | '+' | '-' | '_'))
        .take(60)
        .collect::<String>()
        .to_ascii_lowercase();
    (!safe.is_empty()).then_some(safe)
}

/// What a body looked like, in a few words safe to show: `an HTML page titled "502 Bad Gateway"`,
/// `the text "upstream connect error"`, `a JSON object with keys error, status`, `an empty answer`,
/// `1234 bytes that are not text`. Known secrets are scrubbed before anything is cut.
pub(crate) fn describe(content_type: Option<&str>, body: &[u8], redactor: &Redactor) -> String {
    let look = &body[..body.len().min(LOOK_LIMIT)];
    if look.iter().all(u8::is_ascii_whitespace) && body.len() <= LOOK_LIMIT {
        return "an empty answer".into();
    }
    if looks_like_html(content_type, look) {
        return match html_title(look, redactor) {
            Some(title) => format!("an HTML page titled \"{title}\""),
            None => "an HTML page without a title".into(),
        };
    }
    if let Some(shape) = json_shape(body, redactor) {
        return shape;
    }
    if starts_like_json(look) {
        return "a JSON body that does not parse".into();
    }
    if is_binary(look) {
        return format!("{} bytes that are not text", body.len());
    }
    let text = String::from_utf8_lossy(look);
    let first = text
        .lines()
        .map(str::trim)
        .find(|line| !line.is_empty())
        .unwrap_or_default();
    let line = one_line(&redactor.scrub(first), QUOTE_LIMIT);
    if line.is_empty() {
        return "an answer without readable text".into();
    }
    format!("the text \"{line}\"")
}

/// Whether a body starts like a JSON object or array (after white space).
pub(crate) fn starts_like_json(body: &[u8]) -> bool {
    body.iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|b| matches!(b, b'{' | b'['))
}

/// The JSON parser's complaint, fit for an error: scrubbed, double-quoted values masked (serde
/// quotes the value it did not expect, e.g. `invalid type: string "…"`), on one line, cut.
pub(crate) fn parser_complaint(
    error: &serde_json::Error,
    redactor: &Redactor,
    max: usize,
) -> String {
    let text = redactor.scrub(&error.to_string());
    let masked = match (text.find('"'), text.rfind('"')) {
        (Some(first), Some(last)) if last > first => {
            format!("{}\"…\"{}", &text[..first], &text[last + 1..])
        }
        _ => text,
    };
    one_line(&masked, max)
}

/// Whether a body is an HTML page: by its content type, or by how it starts.
fn looks_like_html(content_type: Option<&str>, look: &[u8]) -> bool {
    if content_type
        .and_then(media_type)
        .is_some_and(|t| t.contains("html"))
    {
        return true;
    }
    let head = &look[..look.len().min(1024)];
    let lower = head.to_ascii_lowercase();
    let start = lower
        .strip_prefix(b"\xEF\xBB\xBF".as_slice())
        .unwrap_or(&lower);
    let first = start
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(start.len());
    let start = &start[first..];
    start.starts_with(b"<!doctype html")
        || start.starts_with(b"<html")
        || start.starts_with(b"<head")
        || start.starts_with(b"<body")
        || (start.starts_with(b"<") && find(&lower, b"<html").is_some())
}

/// The text of an HTML page's `<title>`, decoded, scrubbed and on one line, when it has one.
fn html_title(look: &[u8], redactor: &Redactor) -> Option<String> {
    let lower = look.to_ascii_lowercase();
    let mut from = 0;
    let open_end = loop {
        let at = from + find(&lower[from..], b"<title")?;
        let next = lower.get(at + 6).copied();
        if matches!(next, Some(b'>') | Some(b' ' | b'\t' | b'\r' | b'\n')) {
            break at + 6;
        }
        from = at + 6;
    };
    let start = open_end + find(&lower[open_end..], b">")? + 1;
    let end = find(&lower[start..], b"</title")
        .map(|i| start + i)
        .unwrap_or(look.len().min(start + 1024));
    let raw = String::from_utf8_lossy(&look[start..end]);
    let title = one_line(&redactor.scrub(&decode_entities(&raw)), QUOTE_LIMIT);
    (!title.is_empty()).then_some(title)
}

/// The few HTML character references a title uses (`&amp;`, `&#8212;`, `&#x2014;` …); anything
/// else is left as it is.
fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = rest
            .char_indices()
            .take(12)
            .find(|(_, c)| *c == ';')
            .map(|(i, _)| i);
        let decoded = end.and_then(|end| {
            let name = &rest[1..end];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" | "#39" => Some('\''),
                "nbsp" => Some(' '),
                _ => name
                    .strip_prefix("#x")
                    .or_else(|| name.strip_prefix("#X"))
                    .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                    .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32),
            };
            c.map(|c| (c, end))
        });
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Where `needle` first occurs in `haystack`.
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || haystack.len() < needle.len() {
        return None;
    }
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Whether a body is mostly not text (bytes that are not UTF-8, or control characters).
fn is_binary(look: &[u8]) -> bool {
    let sample = &look[..look.len().min(512)];
    let text = String::from_utf8_lossy(sample);
    let odd = text
        .chars()
        .filter(|c| *c == '\u{FFFD}' || (c.is_control() && !matches!(c, '\t' | '\r' | '\n')))
        .count();
    odd * 10 > text.chars().count().max(1)
}

/// `keys error, status` / `keys a, b, c, d, e and 3 more` / `no keys`: the names of an object's
/// keys (already scrubbed and cut), for "an object with …".
pub(crate) fn key_list(keys: &[String], count: usize) -> String {
    match count {
        0 => "no keys".into(),
        1 => format!("the key {}", keys.join(", ")),
        _ if count > keys.len() => {
            format!("keys {} and {} more", keys.join(", "), count - keys.len())
        }
        _ => format!("keys {}", keys.join(", ")),
    }
}

/// A JSON key name as shown in an error: scrubbed, on one line, at most 40 characters.
pub(crate) fn key_name(key: &str, redactor: &Redactor) -> String {
    let name = one_line(&redactor.scrub(key), KEY_LIMIT);
    if name.is_empty() {
        "\"\"".into()
    } else {
        name
    }
}

/// The top-level shape of a JSON body (`a JSON object with keys …`, `a JSON array of 3 items`), or
/// `None` when the body is not JSON. Values are skipped, never read into memory or shown.
fn json_shape(body: &[u8], redactor: &Redactor) -> Option<String> {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let shape = (&mut deserializer)
        .deserialize_any(ShapeVisitor { redactor })
        .ok()?;
    deserializer.end().ok()?;
    Some(shape)
}

/// Reads the top level of a JSON value and describes it.
struct ShapeVisitor<'r> {
    redactor: &'r Redactor,
}

impl<'de> Visitor<'de> for ShapeVisitor<'_> {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<String, E> {
        Ok("a JSON boolean".into())
    }

    fn visit_i64<E>(self, _: i64) -> Result<String, E> {
        Ok("a JSON number".into())
    }

    fn visit_u64<E>(self, _: u64) -> Result<String, E> {
        Ok("a JSON number".into())
    }

    fn visit_f64<E>(self, _: f64) -> Result<String, E> {
        Ok("a JSON number".into())
    }

    fn visit_str<E>(self, _: &str) -> Result<String, E> {
        Ok("a JSON string".into())
    }

    fn visit_unit<E>(self) -> Result<String, E> {
        Ok("JSON null".into())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<String, A::Error> {
        let mut count = 0usize;
        while seq.next_element::<IgnoredAny>()?.is_some() {
            count += 1;
        }
        Ok(match count {
            0 => "an empty JSON array".into(),
            1 => "a JSON array of 1 item".into(),
            n => format!("a JSON array of {n} items"),
        })
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<String, A::Error> {
        let mut keys = Vec::new();
        let mut count = 0usize;
        while let Some(key) = map.next_key::<String>()? {
            count += 1;
            if keys.len() < KEYS_SHOWN {
                keys.push(key_name(&key, self.redactor));
            }
            map.next_value::<IgnoredAny>()?;
        }
        Ok(format!("a JSON object with {}", key_list(&keys, count)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::Credentials;
    use proptest::prelude::*;

    const NGINX_502: &str = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.25.3</center>\r\n</body>\r\n</html>\r\n<!-- a padding to disable MSIE and Chrome friendly error page -->\r\n";

    fn plain() -> Redactor {
        Redactor::default()
    }

    #[test]
    fn an_html_page_is_its_title_only() {
        let text = describe(Some("text/html"), NGINX_502.as_bytes(), &plain());
        assert_eq!(text, "an HTML page titled \"502 Bad Gateway\"");
        let untyped = describe(None, NGINX_502.as_bytes(), &plain());
        assert_eq!(untyped, text, "recognised without a content type too");
        let no_title = describe(None, b"<html><body>Bad gateway</body></html>", &plain());
        assert_eq!(no_title, "an HTML page without a title");
    }

    #[test]
    fn titles_are_decoded_cleaned_and_cut() {
        let page = format!(
            "<!DOCTYPE html><html><head><TITLE lang=en>\n  Service &amp; Co &#8212;\u{202E} down\t{}</TITLE>",
            "x".repeat(200)
        );
        let text = describe(None, page.as_bytes(), &plain());
        let title = text
            .strip_prefix("an HTML page titled \"")
            .and_then(|t| t.strip_suffix('"'))
            .unwrap();
        assert!(title.starts_with("Service & Co — down xxx"), "{title}");
        assert_eq!(title.chars().count(), QUOTE_LIMIT);
        assert!(title.ends_with('…'));
        assert!(!title.contains('\u{202E}') && !title.contains('\n'));
    }

    #[test]
    fn secrets_are_scrubbed_before_cutting() {
        let credentials = Credentials::new("id", "client-secret-value", "api-key-value-1234");
        let redactor = Redactor::for_credentials(&credentials);
        let page = "<title>Denied for api-key-value-1234</title>";
        let text = describe(Some("text/html"), page.as_bytes(), &redactor);
        assert_eq!(text, "an HTML page titled \"Denied for [REDACTED]\"");
        let body = format!("{}client-secret-value", "a".repeat(70));
        let text = describe(Some("text/plain"), body.as_bytes(), &redactor);
        assert!(!text.contains("client-secret"), "{text}");
        let json = br#"{"api-key-value-1234": 1}"#;
        let text = describe(None, json, &redactor);
        assert_eq!(text, "a JSON object with the key [REDACTED]");
    }

    #[test]
    fn text_is_its_first_line_and_json_its_shape() {
        let envoy = b"\n\nupstream connect error or disconnect/reset before headers. reset reason: connection failure\nsecond line";
        let text = describe(Some("text/plain"), envoy, &plain());
        assert!(
            text.starts_with("the text \"upstream connect error"),
            "{text}"
        );
        assert!(!text.contains("second line"));
        assert!(text.chars().count() <= QUOTE_LIMIT + 11, "{text}");
        assert_eq!(
            describe(None, br#"{"error":"x","status":500}"#, &plain()),
            "a JSON object with keys error, status"
        );
        assert_eq!(
            describe(
                None,
                br#"{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":7}"#,
                &plain()
            ),
            "a JSON object with keys a, b, c, d, e and 2 more"
        );
        assert_eq!(
            describe(None, b"[1,[2],{}]", &plain()),
            "a JSON array of 3 items"
        );
        assert_eq!(describe(None, b"  \r\n", &plain()), "an empty answer");
        assert_eq!(describe(None, b"", &plain()), "an empty answer");
        assert_eq!(
            describe(None, &[0u8, 159, 146, 150, 1, 2, 3, 0xff], &plain()),
            "8 bytes that are not text"
        );
    }

    #[test]
    fn parser_complaints_never_quote_values() {
        let error = serde_json::from_str::<Vec<u8>>(r#""secret value here""#).unwrap_err();
        let text = parser_complaint(&error, &plain(), 120);
        assert!(
            text.starts_with("invalid type: string \"…\", expected a sequence"),
            "{text}"
        );
        let error = serde_json::from_str::<Vec<u8>>("[1,").unwrap_err();
        assert!(parser_complaint(&error, &plain(), 120).contains("EOF"));
        assert_eq!(
            describe(None, b"[{\"id\": 1,", &plain()),
            "a JSON body that does not parse"
        );
    }

    #[test]
    fn one_line_collapses_and_cuts() {
        assert_eq!(one_line("  a \n\t b\u{7}c  ", 80), "a b c");
        assert_eq!(one_line("abcdef", 4), "abc…");
        assert_eq!(one_line("abcd", 4), "abcd");
        assert_eq!(one_line("\u{200B}\u{FEFF}", 4), "");
        assert_eq!(
            media_type("Text/HTML; charset=utf-8").as_deref(),
            Some("text/html")
        );
        assert_eq!(media_type(";"), None);
    }

    proptest! {
        #[test]
        fn any_body_gives_one_short_line(
            body in proptest::collection::vec(any::<u8>(), 0..2048),
            html in any::<bool>(),
        ) {
            let content_type = html.then_some("text/html");
            let text = describe(content_type, &body, &plain());
            prop_assert!(!text.contains('\n') && !text.contains('\r'));
            prop_assert!(text.chars().count() <= 200, "{}", text);
        }

        #[test]
        fn any_text_gives_one_short_line(text in "\\PC{0,300}", title in "\\PC{0,300}") {
            let page = format!("<html><head><title>{title}</title></head><body>{text}</body></html>");
            let described = describe(None, page.as_bytes(), &plain());
            prop_assert!(!described.contains("<body") && !described.contains("<html"));
            prop_assert!(described.chars().count() <= QUOTE_LIMIT + 24, "{}", described);
            let line = one_line(&text, QUOTE_LIMIT);
            prop_assert!(line.chars().count() <= QUOTE_LIMIT);
            prop_assert!(!line.chars().any(char::is_control));
        }
    }
}
