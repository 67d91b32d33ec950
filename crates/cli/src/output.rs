//! Human output: aligned tables, readable sizes, amounts and dates; and the JSON printer.
//!
//! Why here and not in the core: formatting for a terminal is the CLI's own business; the app
//! formats in its UI.

use serde::Serialize;
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
    /// Prints a note on stderr unless quiet or JSON.
    pub fn note(&self, text: impl AsRef<str>) {
        if !self.quiet && !self.json {
            eprintln!("{}", text.as_ref());
        }
    }

    /// Prints a warning on stderr unless quiet.
    pub fn warn(&self, text: impl AsRef<str>) {
        if !self.quiet {
            eprintln!("warning: {}", text.as_ref());
        }
    }
}

/// Prints a value as pretty JSON on stdout, through a buffer: stdout flushes at every line, and a list
/// of 10,000 documents is 90,000 lines.
pub fn print_json<T: Serialize + ?Sized>(value: &T) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, std::io::stdout().lock());
    serde_json::to_writer_pretty(&mut out, value).map_err(std::io::Error::other)?;
    writeln!(out)?;
    out.flush()
}

/// Prints rows as an aligned table with a header (widths in characters).
pub fn print_table(header: &[&str], rows: &[Vec<String>]) -> std::io::Result<()> {
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
