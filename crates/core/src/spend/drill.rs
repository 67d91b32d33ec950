//! Drill-down: the report lines behind one key of a grouping, read again from the files.
//!
//! Why read the files again instead of keeping rows: the cube is small because it keeps sums, not
//! rows; a drill-down is one key of usually one month, and re-reading that month's report streams
//! at the reader's speed with flat memory. Rows are matched on their text as the cube grouped them
//! (trimmed cells, tags parsed the same way), so the lines add up to the cell that was clicked.

use super::error::SpendError;
use super::files::{for_each_file, read_file_with, ReportInput};
use super::fixed::Fixed;
use super::intern::FxHashMap;
use super::query::{Dimension, Filter, Key, TagCondition};
use super::read::{
    FileOutcome, ParsedRow, ReportMeta, RowSink, CHARGE_LABEL, CODE_LABEL, CURRENCY, PROJECT,
    REGION, RESOURCE, SERVICE, TAGS,
};
use super::record::{Record, COLUMN_COUNT};
use super::tags::parse_tags;
use super::zipped::ZipLimits;
use super::Decimals;
use crate::spend::date::ReportDateTime;
use ccs_api::YearMonth;
use serde::Serialize;

/// Which lines: those behind `key` of `dimension`, in `currency` when given, under `filter`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selection {
    /// The grouping's dimension.
    pub dimension: Dimension,
    /// The key clicked ([`Key::Other`] cannot be drilled into: pick one of its keys).
    pub key: Key,
    /// The currency of the clicked row.
    pub currency: Option<String>,
    /// The filter the grouping was made under (its months choose the files read).
    pub filter: Filter,
}

/// One report line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportLine {
    /// The report.
    pub file: String,
    /// The line it starts on.
    pub line: u64,
    /// The report's month.
    #[serde(with = "super::months::year_month_text")]
    pub month: YearMonth,
    /// The 27 cells as written (see [`super::COLUMNS`]).
    pub columns: Vec<String>,
    /// `Amount`.
    pub amount: Fixed,
    /// `DiscountedAmount`.
    pub discounted_amount: Fixed,
    /// `Quantity`.
    pub quantity: Fixed,
}

/// The lines found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DrillDown {
    /// The first `limit` lines, in the inputs' order then line order.
    pub lines: Vec<ReportLine>,
    /// All matching lines.
    pub matching: u64,
    /// More lines matched than were returned.
    pub truncated: bool,
}

/// The lines behind `selection` in `inputs` (only the files whose month the filter keeps are read,
/// `threads` at once). Bad rows are skipped, as when aggregating.
pub fn drill_down(
    inputs: &[ReportInput],
    selection: &Selection,
    limit: usize,
    zip_limits: &ZipLimits,
    threads: usize,
) -> Result<DrillDown, SpendError> {
    let matcher = Matcher::new(selection)?;
    let wanted: Vec<ReportInput> = inputs
        .iter()
        .filter(|input| selection.filter.has_month(input.month))
        .cloned()
        .collect();
    let (_, found) = for_each_file(
        &wanted,
        threads,
        || (),
        |(), input| {
            let mut sink = LineSink {
                matcher: &matcher,
                meta: input.meta(),
                lines: Vec::new(),
                matching: 0,
                limit,
                tag_cache: FxHashMap::default(),
            };
            read_file_with(input, zip_limits, &mut sink)?;
            Ok((sink.lines, sink.matching))
        },
    )?;
    let mut lines = Vec::new();
    let mut matching = 0;
    for (file_lines, file_matching) in found {
        matching += file_matching;
        let room = limit.saturating_sub(lines.len());
        lines.extend(file_lines.into_iter().take(room));
    }
    Ok(DrillDown {
        truncated: matching > lines.len() as u64,
        lines,
        matching,
    })
}

/// What the key asks of a row.
enum KeyMatch {
    Text { column: usize, value: String },
    Charge { code: String, label: String },
    Tag { key: String, value: Option<String> },
}

/// A selection compiled for matching rows.
struct Matcher {
    key: KeyMatch,
    currency: Option<String>,
    lists: Vec<(usize, Vec<String>)>,
    tags: Vec<TagCondition>,
}

/// Whether a trimmed cell is `text` (cells that are not UTF-8 compare as the cube labels them).
fn cell_is(cell: &[u8], text: &str) -> bool {
    let cell = cell.trim_ascii();
    cell == text.as_bytes()
        || (std::str::from_utf8(cell).is_err() && String::from_utf8_lossy(cell) == text)
}

impl Matcher {
    fn new(selection: &Selection) -> Result<Self, SpendError> {
        let invalid = |detail: String| SpendError::InvalidQuery { detail };
        let key = match (&selection.dimension, &selection.key) {
            (_, Key::Other) => {
                return Err(invalid(
                    "\"(other)\" is several keys: drill down into one of them.".into(),
                ))
            }
            (Dimension::Tag(key), Key::None) => KeyMatch::Tag {
                key: key.clone(),
                value: None,
            },
            (Dimension::Tag(key), Key::Text { value }) => KeyMatch::Tag {
                key: key.clone(),
                value: Some(value.clone()),
            },
            (Dimension::Charge, Key::Charge { code, label }) => KeyMatch::Charge {
                code: code.clone(),
                label: label.clone(),
            },
            (dimension, Key::Text { value }) => {
                let column = match dimension {
                    Dimension::Service => SERVICE,
                    Dimension::Region => REGION,
                    Dimension::Project => PROJECT,
                    Dimension::Resource => RESOURCE,
                    _ => return Err(invalid(format!("\"{value}\" is not a key of {dimension}."))),
                };
                KeyMatch::Text {
                    column,
                    value: value.clone(),
                }
            }
            (dimension, key) => return Err(invalid(format!("{key} is not a key of {dimension}."))),
        };
        let filter = &selection.filter;
        let lists = [
            (SERVICE, &filter.services),
            (REGION, &filter.regions),
            (PROJECT, &filter.projects),
            (CURRENCY, &filter.currencies),
        ]
        .into_iter()
        .filter(|(_, list)| !list.is_empty())
        .map(|(column, list)| (column, list.clone()))
        .collect();
        Ok(Self {
            key,
            currency: selection.currency.clone(),
            lists,
            tags: filter.tags.clone(),
        })
    }

    fn matches(&self, record: &Record<'_>, tag_cache: &mut FxHashMap<Box<[u8]>, bool>) -> bool {
        let key_ok = match &self.key {
            KeyMatch::Text { column, value } => cell_is(record.field(*column), value),
            KeyMatch::Charge { code, label } => {
                cell_is(record.field(CODE_LABEL), code)
                    && cell_is(record.field(CHARGE_LABEL), label)
            }
            KeyMatch::Tag { .. } => true,
        };
        if !key_ok
            || self
                .currency
                .as_ref()
                .is_some_and(|currency| !cell_is(record.field(CURRENCY), currency))
            || !self.lists.iter().all(|(column, list)| {
                list.iter()
                    .any(|value| cell_is(record.field(*column), value))
            })
        {
            return false;
        }
        if self.tags.is_empty() && !matches!(self.key, KeyMatch::Tag { .. }) {
            return true;
        }
        let raw = record.field(TAGS);
        if let Some(&known) = tag_cache.get(raw) {
            return known;
        }
        let result = self.tags_match(raw);
        tag_cache.insert(raw.into(), result);
        result
    }

    /// The tag conditions (and a tag key) on one `Tags` cell, read as the cube reads it.
    fn tags_match(&self, raw: &[u8]) -> bool {
        let pairs: Vec<(String, String)> = parse_tags(raw)
            .into_iter()
            .map(|(k, v)| {
                (
                    String::from_utf8_lossy(k).into_owned(),
                    String::from_utf8_lossy(v).into_owned(),
                )
            })
            .collect();
        let values_of = |key: &str| -> Vec<&str> {
            pairs
                .iter()
                .filter(|(k, _)| k == key)
                .map(|(_, v)| v.as_str())
                .collect()
        };
        if let KeyMatch::Tag { key, value } = &self.key {
            // Grouping counts the first value in text order.
            let first = values_of(key).into_iter().min();
            if first != value.as_deref() {
                return false;
            }
        }
        let mut keys: Vec<&str> = self.tags.iter().map(|c| c.key.as_str()).collect();
        keys.sort_unstable();
        keys.dedup();
        keys.into_iter().all(|key| {
            let values = values_of(key);
            self.tags
                .iter()
                .filter(|c| c.key == key)
                .any(|c| match &c.value {
                    None => values.is_empty(),
                    Some(value) => values.contains(&value.as_str()),
                })
        })
    }
}

/// Collects the matching lines of one file.
struct LineSink<'a> {
    matcher: &'a Matcher,
    meta: ReportMeta,
    lines: Vec<ReportLine>,
    matching: u64,
    limit: usize,
    tag_cache: FxHashMap<Box<[u8]>, bool>,
}

impl RowSink for LineSink<'_> {
    fn start(&mut self, meta: &ReportMeta) {
        self.meta = meta.clone();
    }

    fn row(&mut self, record: &Record<'_>, row: &ParsedRow) {
        if !self.matcher.matches(record, &mut self.tag_cache) {
            return;
        }
        self.matching += 1;
        if self.lines.len() < self.limit {
            self.lines.push(ReportLine {
                file: self.meta.name.clone(),
                line: record.line,
                month: self.meta.month,
                columns: (0..COLUMN_COUNT)
                    .map(|i| String::from_utf8_lossy(record.field(i)).into_owned())
                    .collect(),
                amount: row.amount,
                discounted_amount: row.discounted_amount,
                quantity: row.quantity,
            });
        }
    }

    fn finish(&mut self, _: &FileOutcome, _: Option<ReportDateTime>, _: Decimals) {}
}
