//! What can go wrong reading reports and querying their aggregates, and the bad rows that are
//! skipped rather than failing a report.
//!
//! Why two levels: one unreadable row in a million must not hide a month's spend, so a row that
//! cannot be read is a [`RowWarning`] (file, line, column) and is skipped; but a file where more than
//! 1 % of the rows are unreadable is not the format we know, and its totals would be wrong, so it
//! fails with [`SpendError::TooManyBadRows`] naming its first bad lines.

use serde::Serialize;
use std::fmt;

/// Why a row was skipped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum RowProblem {
    /// The row does not have the report's 27 columns.
    ColumnCount {
        /// Columns found.
        found: usize,
    },
    /// A number column holds something else.
    NotANumber {
        /// The cell (at most 40 characters of it).
        text: String,
    },
    /// A date column holds something else.
    NotADate {
        /// The cell (at most 40 characters of it).
        text: String,
    },
}

/// One skipped row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RowWarning {
    /// The report (for a ZIP: `archive.zip (entry.csv)`).
    pub file: String,
    /// The line the row starts on, from 1 (the header is line 1).
    pub line: u64,
    /// The column's name, when one column is at fault.
    pub column: Option<&'static str>,
    /// What is wrong.
    pub problem: RowProblem,
}

impl RowWarning {
    /// A cell's text as shown in a warning: at most 40 characters.
    pub(crate) fn excerpt(cell: &[u8]) -> String {
        let text = String::from_utf8_lossy(cell);
        let mut chars = text.chars();
        let mut excerpt: String = chars.by_ref().take(40).collect();
        if chars.next().is_some() {
            excerpt.push('…');
        }
        excerpt
    }
}

impl fmt::Display for RowWarning {
    /// `line 12, Amount: "abc" is not a number` (without the file).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}", self.line)?;
        if let Some(column) = self.column {
            write!(f, ", {column}")?;
        }
        match &self.problem {
            RowProblem::ColumnCount { found } => {
                write!(f, ": {found} columns instead of 27")
            }
            RowProblem::NotANumber { text } => write!(f, ": \"{text}\" is not a number"),
            RowProblem::NotADate { text } => write!(f, ": \"{text}\" is not a date"),
        }
    }
}

/// The first bad rows of a failed report, for its message.
fn first_lines(warnings: &[RowWarning]) -> String {
    warnings
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// Everything that stops a report from being read or a question from being answered.
#[derive(Debug, thiserror::Error)]
pub enum SpendError {
    /// The file could not be read.
    #[error("{file}: {source}")]
    Io {
        /// The report.
        file: String,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// The first line is not a 27-column report header.
    #[error("{file} is not a consumption report: its first line has {found} columns separated by ';' where a report has 27.")]
    NotAReport {
        /// The report.
        file: String,
        /// Columns in its first line.
        found: usize,
    },
    /// One record is longer than any report's.
    #[error("{file}: the row starting on line {line} is longer than {max_mib} MiB (an unclosed quote?); this is not a consumption report as we know it.")]
    RecordTooLong {
        /// The report.
        file: String,
        /// Its first line.
        line: u64,
        /// The limit in MiB.
        max_mib: usize,
    },
    /// More than 1 % of the rows could not be read.
    #[error("{file}: {bad} of {rows} rows could not be read (more than 1 %), so its totals would be wrong. First: {}", first_lines(first))]
    TooManyBadRows {
        /// The report.
        file: String,
        /// Rows skipped.
        bad: u64,
        /// Data rows (read and skipped).
        rows: u64,
        /// The first few bad rows.
        first: Vec<RowWarning>,
    },
    /// A ZIP download that cannot be read (not a ZIP, damaged, an unsupported compression).
    #[error("{file} is not a ZIP archive that can be read: {detail}")]
    Zip {
        /// The archive.
        file: String,
        /// What the ZIP reader said.
        detail: String,
    },
    /// A ZIP entry is encrypted.
    #[error("{file}: the entry \"{entry}\" is encrypted; reports are not.")]
    ZipEncrypted {
        /// The archive.
        file: String,
        /// The entry.
        entry: String,
    },
    /// A ZIP with more entries than a report download has.
    #[error("{file} holds {entries} entries (at most {max} are read): not a report download.")]
    ZipTooManyEntries {
        /// The archive.
        file: String,
        /// Its entries.
        entries: usize,
        /// The limit.
        max: usize,
    },
    /// A ZIP that unpacks to more than the limit, or far more than its size allows (a ZIP bomb).
    #[error("{file} unpacks to more than {limit} bytes ({why}); it was not read further.")]
    ZipTooLarge {
        /// The archive.
        file: String,
        /// The limit passed.
        limit: u64,
        /// Which limit.
        why: &'static str,
    },
    /// A ZIP without any file inside.
    #[error("{file} holds no report.")]
    ZipEmpty {
        /// The archive.
        file: String,
    },
    /// The aggregates were built without the dimension a question needs.
    #[error("These aggregates were built without the {dimension} dimension; read the reports again with it.")]
    NotAggregated {
        /// The dimension (`service`, `tag:env`…).
        dimension: String,
    },
    /// A question that cannot be asked (an unknown dimension, a drill-down into "other").
    #[error("{detail}")]
    InvalidQuery {
        /// What is wrong.
        detail: String,
    },
    /// A total compared with an amount in another currency.
    #[error("The reports' total is in {report} and the document's amount in {listed}: they cannot be compared.")]
    CurrencyMismatch {
        /// The reports' currency.
        report: String,
        /// The document's.
        listed: String,
    },
    /// A document amount that is not a finite number.
    #[error("The document's amount ({value}) is not a number that can be compared.")]
    InvalidAmount {
        /// The amount.
        value: f64,
    },
}

impl SpendError {
    /// The report or archive concerned, when there is one.
    pub fn file(&self) -> Option<&str> {
        match self {
            SpendError::Io { file, .. }
            | SpendError::NotAReport { file, .. }
            | SpendError::RecordTooLong { file, .. }
            | SpendError::TooManyBadRows { file, .. }
            | SpendError::Zip { file, .. }
            | SpendError::ZipEncrypted { file, .. }
            | SpendError::ZipTooManyEntries { file, .. }
            | SpendError::ZipTooLarge { file, .. }
            | SpendError::ZipEmpty { file } => Some(file),
            SpendError::NotAggregated { .. }
            | SpendError::InvalidQuery { .. }
            | SpendError::CurrencyMismatch { .. }
            | SpendError::InvalidAmount { .. } => None,
        }
    }
}
