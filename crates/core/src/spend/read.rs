//! Reading one report's rows: the header check, each row's numbers and dates, bad rows reported
//! and skipped, the 1 % rule — and handing each good row to a sink (the cube builder, or a
//! drill-down's filter).
//!
//! Columns are read by position (the header's text is unconfirmed). The first line must have 27
//! columns; it is skipped as the header unless it reads as a data row (a date in `BeginDate`), so a
//! file without a header loses nothing. A spreadsheet's `sep=;` first line is skipped too.
//!
//! Checked on each row: 27 columns, `BeginDate` and `EndDate` dates (or empty), `Quantity`,
//! `Amount` and `DiscountedAmount` numbers (empty is 0). Columns the aggregates do not read are not
//! checked, so padding or a format change there cannot fail a report.

use super::builder::{CubeBuilder, RowText};
use super::cube::Decimals;
use super::date::ReportDateTime;
use super::error::{RowProblem, RowWarning, SpendError};
use super::fixed::Fixed;
use super::record::{Record, RecordError, RecordReader, COLUMN_COUNT, MAX_RECORD};
use super::COLUMNS;
use ccs_api::YearMonth;
use serde::Serialize;
use std::io::Read;

pub(crate) const BEGIN_DATE: usize = 1;
pub(crate) const END_DATE: usize = 2;
pub(crate) const REGION: usize = 6;
pub(crate) const SERVICE: usize = 7;
pub(crate) const CODE_LABEL: usize = 8;
pub(crate) const CHARGE_LABEL: usize = 9;
pub(crate) const RESOURCE: usize = 10;
pub(crate) const PROJECT: usize = 11;
pub(crate) const TAGS: usize = 12;
pub(crate) const QUANTITY: usize = 13;
pub(crate) const AMOUNT: usize = 16;
pub(crate) const DISCOUNTED_AMOUNT: usize = 18;
pub(crate) const CURRENCY: usize = 19;

/// Bad rows kept in detail per file (all are counted).
pub const MAX_WARNINGS: usize = 100;

/// Bad rows named in a failed report's error.
const FIRST_BAD_LINES: usize = 5;

/// What the caller knows about a report: its name for messages, and its month and kind from the
/// documents list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportMeta {
    /// Its name in warnings and errors (the file name).
    pub name: String,
    /// The month it belongs to (the document's `period`).
    pub month: YearMonth,
    /// A partial (month-to-date) report.
    pub partial: bool,
}

/// What reading one report (or one ZIP entry) gave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FileOutcome {
    /// The report (for a ZIP: `archive.zip (entry.csv)`).
    pub name: String,
    /// Its month.
    #[serde(with = "super::months::year_month_text")]
    pub month: YearMonth,
    /// A partial report.
    pub partial: bool,
    /// Rows read.
    pub rows: u64,
    /// Rows skipped.
    pub bad_rows: u64,
    /// The first [`MAX_WARNINGS`] skipped rows.
    pub warnings: Vec<RowWarning>,
    /// Bytes read (uncompressed).
    pub bytes: u64,
}

/// A row's checked values.
pub(crate) struct ParsedRow {
    pub(crate) end: Option<ReportDateTime>,
    pub(crate) quantity: Fixed,
    pub(crate) amount: Fixed,
    pub(crate) discounted_amount: Fixed,
}

/// Where good rows go.
pub(crate) trait RowSink {
    /// Called once per report (or ZIP entry) before its rows.
    fn start(&mut self, meta: &ReportMeta);
    /// One good row.
    fn row(&mut self, record: &Record<'_>, row: &ParsedRow);
    /// Called after the last row of a report that was read whole.
    fn finish(
        &mut self,
        outcome: &FileOutcome,
        latest_end: Option<ReportDateTime>,
        decimals: Decimals,
    );
}

/// Reads a report into a cube builder. On an error the builder may hold part of the report: drop
/// it (or keep one builder per report and merge).
pub fn read_report<R: Read>(
    source: R,
    meta: &ReportMeta,
    builder: &mut CubeBuilder,
) -> Result<FileOutcome, SpendError> {
    read_with(source, meta, &mut CubeSink::new(builder))
}

/// The cube builder as a sink.
pub(crate) struct CubeSink<'a> {
    builder: &'a mut CubeBuilder,
    month_index: u32,
}

impl<'a> CubeSink<'a> {
    pub(crate) fn new(builder: &'a mut CubeBuilder) -> Self {
        Self {
            builder,
            month_index: 0,
        }
    }
}

impl RowSink for CubeSink<'_> {
    fn start(&mut self, meta: &ReportMeta) {
        self.month_index = self.builder.month_index(meta.month, meta.partial);
    }

    #[inline]
    fn row(&mut self, record: &Record<'_>, row: &ParsedRow) {
        let text = RowText {
            currency: record.field(CURRENCY),
            service: record.field(SERVICE),
            code: record.field(CODE_LABEL),
            charge: record.field(CHARGE_LABEL),
            region: record.field(REGION),
            project: record.field(PROJECT),
            tags: record.field(TAGS),
            resource: record.field(RESOURCE),
        };
        self.builder.add_row(
            self.month_index,
            &text,
            row.amount,
            row.discounted_amount,
            row.quantity,
        );
    }

    fn finish(
        &mut self,
        outcome: &FileOutcome,
        latest_end: Option<ReportDateTime>,
        decimals: Decimals,
    ) {
        self.builder
            .finish_file(self.month_index, outcome.rows, latest_end, decimals);
    }
}

/// Reads a report's rows into `sink`.
pub(crate) fn read_with<R: Read, S: RowSink>(
    source: R,
    meta: &ReportMeta,
    sink: &mut S,
) -> Result<FileOutcome, SpendError> {
    let mut reader = RecordReader::new(source);
    let mut outcome = FileOutcome {
        name: meta.name.clone(),
        month: meta.month,
        partial: meta.partial,
        rows: 0,
        bad_rows: 0,
        warnings: Vec::new(),
        bytes: 0,
    };
    let mut latest_end: Option<ReportDateTime> = None;
    let mut decimals = Decimals::default();
    let mut first = true;
    sink.start(meta);
    loop {
        let record = match reader.next_record() {
            Ok(Some(record)) => record,
            Ok(None) => break,
            Err(error) => return Err(record_error(error, &meta.name)),
        };
        if first {
            if record.len() == 2 && record.field(0) == b"sep=" && record.field(1).is_empty() {
                continue;
            }
            first = false;
            if record.len() != COLUMN_COUNT {
                return Err(SpendError::NotAReport {
                    file: meta.name.clone(),
                    found: record.len(),
                });
            }
            if !matches!(
                ReportDateTime::parse_bytes(record.field(BEGIN_DATE)),
                Ok(Some(_))
            ) {
                continue; // The header.
            }
        }
        match parse_row(&record) {
            Ok((row, row_decimals)) => {
                outcome.rows += 1;
                if row.end > latest_end {
                    latest_end = row.end;
                }
                decimals = decimals.max(row_decimals);
                sink.row(&record, &row);
            }
            Err((column, problem)) => {
                outcome.bad_rows += 1;
                if outcome.warnings.len() < MAX_WARNINGS {
                    outcome.warnings.push(RowWarning {
                        file: meta.name.clone(),
                        line: record.line,
                        column,
                        problem,
                    });
                }
            }
        }
    }
    outcome.bytes = reader.bytes_read();
    let data_rows = outcome.rows + outcome.bad_rows;
    if outcome.bad_rows.saturating_mul(100) > data_rows {
        outcome.warnings.truncate(FIRST_BAD_LINES);
        return Err(SpendError::TooManyBadRows {
            file: meta.name.clone(),
            bad: outcome.bad_rows,
            rows: data_rows,
            first: outcome.warnings,
        });
    }
    sink.finish(&outcome, latest_end, decimals);
    Ok(outcome)
}

/// A reader error as the report's error.
pub(crate) fn record_error(error: RecordError, file: &str) -> SpendError {
    match error {
        RecordError::Io(source) => SpendError::Io {
            file: file.to_owned(),
            source,
        },
        RecordError::TooLong { line } => SpendError::RecordTooLong {
            file: file.to_owned(),
            line,
            max_mib: MAX_RECORD >> 20,
        },
    }
}

type RowFault = (Option<&'static str>, RowProblem);

/// Checks one row; its values and the decimals its numbers were written with.
#[inline]
pub(crate) fn parse_row(record: &Record<'_>) -> Result<(ParsedRow, Decimals), RowFault> {
    if record.len() != COLUMN_COUNT {
        return Err((
            None,
            RowProblem::ColumnCount {
                found: record.len(),
            },
        ));
    }
    let date = |column: usize| {
        ReportDateTime::parse_bytes(record.field(column)).map_err(|_| {
            (
                Some(COLUMNS[column]),
                RowProblem::NotADate {
                    text: RowWarning::excerpt(record.field(column)),
                },
            )
        })
    };
    let number = |column: usize| {
        Fixed::parse_bytes(record.field(column)).map_err(|_| {
            (
                Some(COLUMNS[column]),
                RowProblem::NotANumber {
                    text: RowWarning::excerpt(record.field(column)),
                },
            )
        })
    };
    date(BEGIN_DATE)?;
    let end = date(END_DATE)?;
    let (quantity, quantity_decimals) = number(QUANTITY)?;
    let (amount, amount_decimals) = number(AMOUNT)?;
    let (discounted_amount, discounted_decimals) = number(DISCOUNTED_AMOUNT)?;
    Ok((
        ParsedRow {
            end,
            quantity,
            amount,
            discounted_amount,
        },
        Decimals {
            amount: amount_decimals,
            discounted_amount: discounted_decimals,
            quantity: quantity_decimals,
        },
    ))
}
