//! Human output: aligned tables, readable sizes, amounts and dates; and the JSON printer.
//!
//! Why here and not in the core: formatting for a terminal is the CLI's own business; the app
//! formats in its UI.
//!
//! Every text that comes from a server and is printed for people goes through
//! [`sanitize_for_terminal`] (or [`sanitize_line`] inside a table): a contract named
//! `\x1b]0;…\x07` or `\x1b[2J` would otherwise retitle or clear the user's terminal, a carriage
//! return would overwrite what was printed before it on the line, and a right-to-left override would
//! show `fdp.exe` as `exe.pdf`. `--json` output is left faithful: JSON escapes those characters.

use serde::Serialize;
use std::borrow::Cow;
use std::io::Write;

/// How the user asked to see results.
#[derive(Debug, Clone, Copy)]
pub struct Output {
    /// `--json`: one JSON document on stdout.
    pub json: bool,
    /// `--quiet`: no notes on stderr.
    pub quiet: bool,
}

impl Output {
    /// Prints a note on stderr unless quiet or JSON (sanitized: notes quote server text).
    pub fn note(&self, text: impl AsRef<str>) {
        if !self.quiet && !self.json {
            eprintln!("{}", sanitize_for_terminal(text.as_ref()));
        }
    }

    /// Prints a warning on stderr unless quiet (sanitized: warnings quote server text).
    pub fn warn(&self, text: impl AsRef<str>) {
        if !self.quiet {
            eprintln!("warning: {}", sanitize_for_terminal(text.as_ref()));
        }
    }
}

/// Text that is safe to print on a terminal: control characters (C0 but the newline, DEL, C1) and
/// the invisible direction marks and overrides are shown escaped as `\u{1b}`, `\r`, `\u{202e}`…;
/// a tab becomes a space. Newlines stay: use [`sanitize_line`] where the layout wants one line.
///
/// Why escaped rather than removed: the user sees that the server sent something odd (and what),
/// and two names that differ only by such a character still print differently.
pub fn sanitize_for_terminal(text: &str) -> Cow<'_, str> {
    sanitize(text, true)
}

/// [`sanitize_for_terminal`] for one line (a table cell, a label): newlines are escaped too.
pub fn sanitize_line(text: &str) -> Cow<'_, str> {
    sanitize(text, false)
}

/// The sanitizer; copies only when something must change.
fn sanitize(text: &str, keep_newlines: bool) -> Cow<'_, str> {
    let unsafe_char =
        |c: char| c == '\t' || (is_terminal_hazard(c) && !(keep_newlines && c == '\n'));
    if !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c == '\t' {
            out.push(' ');
        } else if unsafe_char(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Characters a terminal acts on or that change how the text around them is shown: C0 controls
/// (ESC, CR, BEL, backspace, …), DEL, C1 controls (U+0080–U+009F, among them the one-byte CSI
/// U+009B), the bidirectional marks, embeddings, overrides and isolates (U+200E, U+200F,
/// U+202A–U+202E, U+2066–U+2069, U+061C), and the line and paragraph separators U+2028 and U+2029.
fn is_terminal_hazard(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{200E}'
                | '\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2066}'..='\u{2069}'
                | '\u{061C}'
                | '\u{2028}'
                | '\u{2029}'
        )
}

/// Prints a value as pretty JSON on stdout, through a buffer: stdout flushes at every line, and a list
/// of 10,000 documents is 90,000 lines.
pub fn print_json<T: Serialize + ?Sized>(value: &T) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, std::io::stdout().lock());
    serde_json::to_writer_pretty(&mut out, value).map_err(std::io::Error::other)?;
    writeln!(out)?;
    out.flush()
}

/// Prints rows as an aligned table with a header (widths in characters). Every cell is sanitized
/// ([`sanitize_line`]): tables show server text.
pub fn print_table(header: &[&str], rows: &[Vec<String>]) -> std::io::Result<()> {
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|row| {
            row.iter()
                .map(|cell| sanitize_line(cell).into_owned())
                .collect()
        })
        .collect();
    let rows = rows.as_slice();
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            if let Some(width) = widths.get_mut(i) {
                *width = (*width).max(cell.chars().count());
            }
        }
    }
    let mut out = std::io::stdout().lock();
    let line = |cells: Vec<String>| -> String {
        let last = cells.len().saturating_sub(1);
        cells
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if i == last {
                    c.clone()
                } else {
                    format!("{c:<width$}", width = widths[i])
                }
            })
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_owned()
    };
    writeln!(
        out,
        "{}",
        line(header.iter().map(|h| (*h).to_owned()).collect())
    )?;
    for row in rows {
        writeln!(out, "{}", line(row.clone()))?;
    }
    Ok(())
}

/// `84.2 KB`, `1.3 MB`: sizes a person reads at a glance (decimal units).
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit < UNITS.len() - 1 {
        value /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

/// `12,345.67 EUR`: two decimals and thousands separators.
pub fn human_amount(amount: f64, currency: Option<&str>) -> String {
    let cents = (amount.abs() * 100.0).round() as u64;
    let units = (cents / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in units.chars().enumerate() {
        if i > 0 && (units.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if amount < 0.0 { "-" } else { "" };
    let text = format!("{sign}{grouped}.{:02}", cents % 100);
    match currency {
        Some(currency) => format!("{text} {currency}"),
        None => text,
    }
}

/// `2026-10` from `202610…`; `2026-10-27` from `20261027`.
pub fn human_period(period: &str) -> String {
    let digits: String = period.chars().take_while(char::is_ascii_digit).collect();
    match digits.len() {
        6 => format!("{}-{}", &digits[..4], &digits[4..]),
        8 => format!("{}-{}-{}", &digits[..4], &digits[4..6], &digits[6..]),
        _ => period.to_owned(),
    }
}

/// The date part of an RFC 3339 time.
pub fn human_date(timestamp: Option<&str>) -> String {
    timestamp
        .map(|t| t.chars().take(10).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_controls_are_escaped() {
        assert_eq!(
            sanitize_line("a\u{1b}[31mred\u{1b}[0m"),
            "a\\u{1b}[31mred\\u{1b}[0m"
        );
        assert_eq!(
            sanitize_line("\u{1b}]0;owned\u{7}"),
            "\\u{1b}]0;owned\\u{7}"
        );
        assert_eq!(sanitize_line("paid\rUNPAID"), "paid\\rUNPAID");
        assert_eq!(
            sanitize_line("a\u{8}b\u{0}c\u{7f}"),
            "a\\u{8}b\\u{0}c\\u{7f}"
        );
        assert_eq!(
            sanitize_line("csi\u{9b}2J nel\u{85}"),
            "csi\\u{9b}2J nel\\u{85}"
        );
        assert_eq!(sanitize_line("tab\there"), "tab here");
        assert_eq!(sanitize_line("two\nlines"), "two\\nlines");
        assert_eq!(sanitize_for_terminal("two\nlines"), "two\nlines");
        assert_eq!(sanitize_for_terminal("cr\r\n"), "cr\\r\n");
    }

    #[test]
    fn bidirectional_controls_are_escaped() {
        assert_eq!(
            sanitize_line("invoice\u{202E}fdp.exe"),
            "invoice\\u{202e}fdp.exe"
        );
        for c in [
            '\u{200E}', '\u{200F}', '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}',
            '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}', '\u{061C}', '\u{2028}', '\u{2029}',
        ] {
            let text = format!("a{c}b");
            let clean = sanitize_line(&text);
            assert!(!clean.contains(c), "{c:?} survived");
            assert_eq!(clean, format!("a\\u{{{:x}}}b", u32::from(c)));
        }
    }

    #[test]
    fn every_hazard_is_gone_and_plain_text_is_not_copied() {
        let all: String = (0u32..0x3000).filter_map(char::from_u32).collect();
        let clean = sanitize_for_terminal(&all);
        assert!(!clean
            .chars()
            .any(|c| (c != '\n' && is_terminal_hazard(c)) || c == '\t'));
        let plain = "Facture été 2026 — n°1 (2).pdf 中文 العربية";
        assert!(matches!(sanitize_line(plain), Cow::Borrowed(_)));
    }

    #[test]
    fn formats_for_people() {
        assert_eq!(human_size(999), "999 B");
        assert_eq!(human_size(84_213), "84.2 KB");
        assert_eq!(human_amount(1234567.5, Some("EUR")), "1,234,567.50 EUR");
        assert_eq!(human_amount(-3.456, None), "-3.46");
        assert_eq!(human_period("202610"), "2026-10");
        assert_eq!(human_period("20261027"), "2026-10-27");
        assert_eq!(human_date(Some("2026-10-03T08:00:00Z")), "2026-10-03");
    }
}
