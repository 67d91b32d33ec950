//! What changed: month-over-month change per key, the top movers, and the month to date projected
//! to the month's end.
//!
//! Changes compare `DiscountedAmount` (what is paid), per currency (never across). The top movers
//! compare the last two closed months: the latest month read from a closed report and the calendar
//! month before it, when that one was read too — a month with no report is unknown, not zero.
//!
//! The projection of a partial month is month to date × days in month ÷ days covered, the days
//! covered read from the latest `EndDate` of the partial report ([`MonthInfo::days_covered`]); its
//! rows are marked `projected` so no one mistakes them for spend.

use super::fixed::Fixed;
use super::months::MonthInfo;
use super::query::{GroupRow, Grouped, Key, Sums};
use ccs_api::YearMonth;
use serde::Serialize;
use std::collections::BTreeMap;

/// One key's change between two months.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Change {
    /// The currency.
    pub currency: String,
    /// The key.
    pub key: Key,
    /// `DiscountedAmount` in the earlier month (0 when the key had no row then).
    pub previous: Fixed,
    /// `DiscountedAmount` in the later month (0 when the key had no row then).
    pub current: Fixed,
    /// `current − previous`.
    pub change: Fixed,
}

/// The changes between two months, largest absolute change first within each currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MonthOverMonth {
    /// The earlier month.
    #[serde(with = "super::months::year_month_text")]
    pub previous: YearMonth,
    /// The later month.
    #[serde(with = "super::months::year_month_text")]
    pub current: YearMonth,
    /// Per currency (in order), the keys present in either month.
    pub changes: Vec<Change>,
}

/// The month before `month`.
pub fn previous_month(month: YearMonth) -> Option<YearMonth> {
    if month.month() == 1 {
        YearMonth::new(month.year().checked_sub(1)?, 12)
    } else {
        YearMonth::new(month.year(), month.month() - 1)
    }
}

/// Every key's change of `DiscountedAmount` from `previous` to `current`.
pub fn month_over_month(
    grouped: &Grouped,
    previous: YearMonth,
    current: YearMonth,
) -> MonthOverMonth {
    let mut amounts: BTreeMap<(&str, &Key), (Fixed, Fixed)> = BTreeMap::new();
    for row in grouped.rows.iter().filter(|row| !row.projected) {
        let entry = amounts
            .entry((row.currency.as_str(), &row.key))
            .or_default();
        if row.month == previous {
            entry.0 += row.sums.discounted_amount;
        } else if row.month == current {
            entry.1 += row.sums.discounted_amount;
        }
    }
    let mut changes: Vec<Change> = amounts
        .into_iter()
        .filter(|(_, (before, after))| *before != Fixed::ZERO || *after != Fixed::ZERO)
        .map(|((currency, key), (before, after))| Change {
            currency: currency.to_owned(),
            key: key.clone(),
            previous: before,
            current: after,
            change: after - before,
        })
        .collect();
    changes.sort_by(|a, b| {
        a.currency
            .cmp(&b.currency)
            .then(b.change.abs().cmp(&a.change.abs()))
            .then_with(|| a.key.cmp(&b.key))
    });
    MonthOverMonth {
        previous,
        current,
        changes,
    }
}

/// The `n` largest absolute changes per currency between the last two closed months (see the
/// module's docs); `None` when the grouping has no such pair.
pub fn top_movers(grouped: &Grouped, n: usize) -> Option<MonthOverMonth> {
    let current = grouped
        .months
        .iter()
        .rev()
        .find(|info| !info.partial)?
        .month;
    let previous = previous_month(current)?;
    grouped
        .months
        .iter()
        .find(|info| info.month == previous && !info.partial)?;
    let mut result = month_over_month(grouped, previous, current);
    let mut per_currency: BTreeMap<String, usize> = BTreeMap::new();
    result.changes.retain(|change| {
        let count = per_currency.entry(change.currency.clone()).or_default();
        *count += 1;
        *count <= n
    });
    Some(result)
}

/// `sums` of a month to date, projected to the whole month; `None` when the month's days covered
/// are unknown.
pub fn project(sums: &Sums, month: &MonthInfo) -> Option<Sums> {
    let covered = u32::from(month.days_covered()?);
    let days = u32::from(month.days_in_month());
    Some(Sums {
        amount: sums.amount.mul_ratio(days, covered)?,
        discounted_amount: sums.discounted_amount.mul_ratio(days, covered)?,
        quantity: sums.quantity.mul_ratio(days, covered)?,
        rows: sums.rows,
    })
}

/// The projections of a grouping's partial months: one row per partial row, `projected: true`,
/// its sums scaled to the month's end (row counts are those to date).
pub fn projected_rows(grouped: &Grouped) -> Vec<GroupRow> {
    grouped
        .rows
        .iter()
        .filter(|row| row.partial && !row.projected)
        .filter_map(|row| {
            let info = grouped.months.iter().find(|info| info.month == row.month)?;
            Some(GroupRow {
                sums: project(&row.sums, info)?,
                projected: true,
                ..row.clone()
            })
        })
        .collect()
}
