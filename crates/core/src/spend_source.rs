//! Which reports a contract's Spend reads, fetched through the document cache, and their aggregates
//! computed once and kept beside them: what the app's Spend screen and `ccs spend` both call.
//!
//! Why here and not in `spend`: that module is the pure engine (files in, numbers out); this one
//! knows the documents list, the network and the cache.
//!
//! The choice of reports: each closed month reads its `comsumptionRatedReports` (the newest one when
//! the list has several for a month); a month after the last closed one reads its newest
//! `partialConsumptionRatedReports` (the month to date — and, early in a month, last month until
//! its closed report is out).

use crate::bulk::DEFAULT_JOBS;
use crate::cache::{CachedDocument, DocumentCache};
use crate::error::CoreError;
use crate::save::SaveProgress;
use crate::spend::{
    aggregate_file, AggregateOptions, Cube, Dimensions, ReportInput, RowWarning, CUBE_VERSION,
};
use ccs_api::{period_year_month, Client, ContractId, Document, DocumentType, YearMonth};
use futures_util::stream::{self, StreamExt, TryStreamExt};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use tokio_util::sync::CancellationToken;

/// A report Spend reads: the listed document, its month, and whether it is the month to date.
#[derive(Debug, Clone, PartialEq)]
pub struct ChosenReport {
    /// The document, as listed.
    pub document: Document,
    /// Its month (from `period`).
    pub month: YearMonth,
    /// The month to date (`partialConsumptionRatedReports`).
    pub partial: bool,
}

/// The reports Spend reads among `documents` (any order), one per month, oldest month first, within
/// `from..=to` when given.
pub fn choose_reports(
    documents: &[Document],
    from: Option<YearMonth>,
    to: Option<YearMonth>,
) -> Vec<ChosenReport> {
    let newest = |a: &Document, b: &Document| a.created_at.as_deref() > b.created_at.as_deref();
    let mut closed: BTreeMap<YearMonth, &Document> = BTreeMap::new();
    let mut partial: BTreeMap<YearMonth, &Document> = BTreeMap::new();
    for document in documents {
        let Some(month) = period_year_month(&document.period) else {
            continue;
        };
        let kept = match document.document_type {
            Some(DocumentType::ConsumptionRatedReports) => &mut closed,
            Some(DocumentType::PartialConsumptionRatedReports) => &mut partial,
            _ => continue,
        };
        match kept.get(&month) {
            Some(current) if !newest(document, current) => {}
            _ => {
                kept.insert(month, document);
            }
        }
    }
    let last_closed = closed.keys().next_back().copied();
    let partial_months: Vec<(YearMonth, &Document)> = partial
        .into_iter()
        .filter(|(month, _)| last_closed.is_none_or(|closed| *month > closed))
        .collect();
    let in_range =
        |month: &YearMonth| from.is_none_or(|f| *month >= f) && to.is_none_or(|t| *month <= t);
    let mut chosen: Vec<ChosenReport> = closed
        .into_iter()
        .filter(|(month, _)| in_range(month))
        .map(|(month, document)| ChosenReport {
            document: document.clone(),
            month,
            partial: false,
        })
        .collect();
    for (month, document) in partial_months {
        if in_range(&month) {
            chosen.push(ChosenReport {
                document: document.clone(),
                month,
                partial: true,
            });
        }
    }
    chosen
}

/// A bill's or invoice's amount as listed, for reconciliation.
#[derive(Debug, Clone, PartialEq)]
pub struct ListedAmount {
    /// Its month.
    pub month: YearMonth,
    /// `invoices` or `bills`.
    pub document_type: DocumentType,
    /// The amount the list gives.
    pub amount: f64,
    /// Its currency, when given.
    pub currency: Option<String>,
    /// The document's file name.
    pub filename: String,
}

/// Each month's invoice (preferred) or bill amount among `documents`: what Spend's totals are held
/// against. The newest document of a type and month counts.
pub fn listed_amounts(documents: &[Document]) -> BTreeMap<YearMonth, ListedAmount> {
    let mut amounts: BTreeMap<YearMonth, ListedAmount> = BTreeMap::new();
    // Bills first, invoices after: an invoice replaces a bill of the same month.
    for wanted in [DocumentType::Bills, DocumentType::Invoices] {
        let mut seen: BTreeMap<YearMonth, Option<String>> = BTreeMap::new();
        for document in documents {
            if document.document_type.as_ref() != Some(&wanted) {
                continue;
            }
            let (Some(month), Some(amount)) =
                (period_year_month(&document.period), document.amount)
            else {
                continue;
            };
            if let Some(created) = seen.get(&month) {
                if created.as_deref() >= document.created_at.as_deref() {
                    continue;
                }
            }
            seen.insert(month, document.created_at.clone());
            amounts.insert(
                month,
                ListedAmount {
                    month,
                    document_type: wanted.clone(),
                    amount,
                    currency: document.currency.clone(),
                    filename: document.filename.clone(),
                },
            );
        }
    }
    amounts
}

/// How far loading has come: reports ready of those chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoadProgress {
    /// Reports downloaded (or found in the cache) and aggregated.
    pub ready: u32,
    /// Reports chosen.
    pub total: u32,
}

/// One report as loaded.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadedReport {
    /// The report chosen.
    pub report: ChosenReport,
    /// Its cached file (drill-downs read it again).
    pub path: PathBuf,
    /// Rows read (when it was first aggregated).
    pub rows: u64,
    /// Rows skipped as unreadable.
    pub bad_rows: u64,
    /// Whether its aggregates were read from the cache (no download, no parse).
    pub from_cache: bool,
}

impl LoadedReport {
    /// The report as the spend engine reads it.
    pub fn input(&self) -> ReportInput {
        ReportInput {
            path: self.path.clone(),
            month: self.report.month,
            partial: self.report.partial,
        }
    }
}

/// A contract's spend: every report's aggregates merged, and what each report gave.
#[derive(Debug, Clone)]
pub struct SpendData {
    /// The aggregates.
    pub cube: Cube,
    /// The reports, oldest month first.
    pub reports: Vec<LoadedReport>,
    /// Rows skipped, with file, line and column (the first ones of each report).
    pub warnings: Vec<RowWarning>,
}

/// The aggregates kept beside a cached report.
#[derive(Serialize, Deserialize)]
struct KeptAggregates {
    version: u32,
    rows: u64,
    bad_rows: u64,
    cube: Cube,
}

/// Loads the spend of `contract` from `documents` (its list): the reports chosen are fetched into
/// `cache` when missing ([`DEFAULT_JOBS`] at once) and aggregated once (their aggregates kept beside
/// them). A report that cannot be downloaded or read fails the load with its error.
pub async fn load_spend(
    client: &Client,
    cache: &DocumentCache,
    contract: &ContractId,
    reports: Vec<ChosenReport>,
    progress: &(dyn Fn(LoadProgress) + Send + Sync),
    cancel: CancellationToken,
) -> Result<SpendData, CoreError> {
    let result = fetch_and_aggregate(client, cache, contract, reports, progress, cancel).await;
    // Once, after the run: every entry it read is spared (a trim per fetch could remove a report
    // this run fetched earlier).
    let in_use: Vec<PathBuf> = match &result {
        Ok(data) => data.reports.iter().map(|r| r.path.clone()).collect(),
        Err(_) => Vec::new(),
    };
    let trimmer = cache.clone();
    if let Ok(Err(error)) = tokio::task::spawn_blocking(move || trimmer.trim(&in_use)).await {
        tracing::warn!(%error, "could not bring the document cache under its limit");
    }
    result
}

async fn fetch_and_aggregate(
    client: &Client,
    cache: &DocumentCache,
    contract: &ContractId,
    reports: Vec<ChosenReport>,
    progress: &(dyn Fn(LoadProgress) + Send + Sync),
    cancel: CancellationToken,
) -> Result<SpendData, CoreError> {
    let total = u32::try_from(reports.len()).unwrap_or(u32::MAX);
    let ready = AtomicU32::new(0);
    progress(LoadProgress { ready: 0, total });
    let quiet: &(dyn Fn(SaveProgress) + Send + Sync) = &|_: SaveProgress| {};
    let loaded: Vec<(LoadedReport, Cube, Vec<RowWarning>)> = stream::iter(reports)
        .map(|report| {
            let cancel = cancel.clone();
            let ready = &ready;
            async move {
                if cancel.is_cancelled() {
                    return Err(CoreError::Cancelled);
                }
                let cached = cache
                    .fetch(client, contract, &report.document, quiet, cancel)
                    .await?;
                let input = ReportInput {
                    path: cached.path.clone(),
                    month: report.month,
                    partial: report.partial,
                };
                let read = input.clone();
                let loaded = tokio::task::spawn_blocking(move || aggregates(&cached, &read))
                    .await
                    .map_err(|e| CoreError::Io {
                        path: PathBuf::new(),
                        source: std::io::Error::other(e),
                    })??;
                let done = ready.fetch_add(1, Ordering::Relaxed) + 1;
                progress(LoadProgress { ready: done, total });
                let (rows, bad_rows, from_cache, cube, warnings) = loaded;
                Ok((
                    LoadedReport {
                        report,
                        path: input.path,
                        rows,
                        bad_rows,
                        from_cache,
                    },
                    cube,
                    warnings,
                ))
            }
        })
        .buffered(DEFAULT_JOBS)
        .try_collect()
        .await?;
    let cubes: Vec<Cube> = loaded.iter().map(|(_, cube, _)| cube.clone()).collect();
    let warnings = loaded.iter().flat_map(|(_, _, w)| w.clone()).collect();
    Ok(SpendData {
        cube: Cube::merge(&cubes),
        reports: loaded.into_iter().map(|(report, _, _)| report).collect(),
        warnings,
    })
}

type Aggregated = (u64, u64, bool, Cube, Vec<RowWarning>);

/// The aggregates of one cached report: read back from beside it, or computed and kept there.
fn aggregates(cached: &CachedDocument, input: &ReportInput) -> Result<Aggregated, CoreError> {
    let kept_path = cached.aggregates_path();
    if let Some(kept) = read_kept(&kept_path) {
        return Ok((kept.rows, kept.bad_rows, true, kept.cube, Vec::new()));
    }
    let options = AggregateOptions {
        dimensions: Dimensions::ALL,
        ..AggregateOptions::default()
    };
    let aggregate = aggregate_file(input, &options)?;
    let rows = aggregate.files.iter().map(|f| f.rows).sum();
    let bad_rows = aggregate.files.iter().map(|f| f.bad_rows).sum();
    let warnings: Vec<RowWarning> = aggregate
        .files
        .into_iter()
        .flat_map(|f| f.warnings)
        .collect();
    let kept = KeptAggregates {
        version: CUBE_VERSION,
        rows,
        bad_rows,
        cube: aggregate.cube,
    };
    if let Err(error) = write_kept(&kept_path, &kept) {
        // The numbers are right; only the next opening will compute them again.
        tracing::warn!(file = %kept_path.display(), %error, "could not keep a report's aggregates");
    }
    Ok((rows, bad_rows, false, kept.cube, warnings))
}

/// The aggregates kept at `path`, when they read back whole and in this version.
fn read_kept(path: &Path) -> Option<KeptAggregates> {
    let file = std::fs::File::open(path).ok()?;
    let kept: KeptAggregates = serde_json::from_reader(std::io::BufReader::new(file)).ok()?;
    (kept.version == CUBE_VERSION && kept.cube.dimensions() == Dimensions::ALL).then_some(kept)
}

/// Writes the aggregates atomically: a temporary file beside, fsynced, renamed.
fn write_kept(path: &Path, kept: &KeptAggregates) -> std::io::Result<()> {
    let folder = path.parent().unwrap_or(Path::new("."));
    // A `.ccs-tmp-*.part` file: what `clear` and the stale-file cleaner know as ours.
    let (temp, file) = crate::disk::temp::create_temp(folder)?;
    let written = (|| {
        let mut writer = std::io::BufWriter::new(&file);
        serde_json::to_writer(&mut writer, kept).map_err(std::io::Error::other)?;
        std::io::Write::flush(&mut writer)?;
        drop(writer);
        file.sync_all()?;
        std::fs::rename(&temp, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    written
}

/// One number of Spend as `ccs spend --json` prints it (and the app exports): decimals as exact
/// strings, as many as the reports carry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SpendRecord {
    /// `YYYY-MM`.
    pub month: String,
    /// The key's label (`(none)`, `(other)` included).
    pub key: String,
    /// The currency; sums never cross currencies.
    pub currency: String,
    /// Sum of `Amount`.
    pub amount: String,
    /// Sum of `DiscountedAmount`.
    pub discounted_amount: String,
    /// Sum of `Quantity`.
    pub quantity: String,
    /// The month to date.
    pub partial: bool,
    /// The month to date projected to the month's end.
    pub projected: bool,
}

/// The records of a grouping, with the month to date's projections after its rows; in the
/// grouping's order.
pub fn spend_records(grouped: &crate::spend::Grouped) -> Vec<SpendRecord> {
    let decimals = grouped.decimals;
    let projected = crate::spend::projected_rows(grouped);
    grouped
        .rows
        .iter()
        .chain(projected.iter())
        .map(|row| SpendRecord {
            month: row.month.to_string(),
            key: row.key.to_string(),
            currency: row.currency.clone(),
            amount: row.sums.amount.to_string_with(decimals.amount),
            discounted_amount: row
                .sums
                .discounted_amount
                .to_string_with(decimals.discounted_amount),
            quantity: row.sums.quantity.to_string_with(decimals.quantity),
            partial: row.partial,
            projected: row.projected,
        })
        .collect()
}
