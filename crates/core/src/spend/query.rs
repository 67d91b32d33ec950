//! Questions to a cube: sums by month × one dimension, per currency, under filters that cross
//! dimensions; the top keys with the rest as "other".
//!
//! Why it is fast: a filter becomes one yes/no table per dimension, indexed by id (a tag filter, one
//! per tag set), and grouping one id-to-slot table; the scan then reads a few `u32` columns and the
//! sums of each cell, with no text compared or hashed (sums go to a flat array when months ×
//! currencies × keys is small, otherwise to entries chained per key: resources); keys are made as
//! text only for the groups found. Amounts are never added across currencies: the currency is part
//! of every group.

use super::cube::Cube;
use super::error::SpendError;
use super::fixed::Fixed;
use super::intern::FxHashMap;
use super::months::{year_month_text, MonthInfo};
use super::Decimals;
use ccs_api::YearMonth;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

/// What to group by.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dimension {
    /// `ServiceCloud`.
    Service,
    /// `CodeLabel` with `ChargeLabel`.
    Charge,
    /// `Region`.
    Region,
    /// `Project`.
    Project,
    /// The value of one tag key (rows without it: "(none)").
    Tag(String),
    /// `IdResource`.
    Resource,
}

impl FromStr for Dimension {
    type Err = SpendError;

    /// `service`, `charge`, `region`, `project`, `resource` or `tag:KEY`.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "service" => Ok(Dimension::Service),
            "charge" => Ok(Dimension::Charge),
            "region" => Ok(Dimension::Region),
            "project" => Ok(Dimension::Project),
            "resource" => Ok(Dimension::Resource),
            _ => match text.strip_prefix("tag:").map(str::trim) {
                Some(key) if !key.is_empty() => Ok(Dimension::Tag(key.to_owned())),
                _ => Err(SpendError::InvalidQuery {
                    detail: format!(
                        "\"{text}\" is not a dimension: use service, charge, region, project, resource or tag:KEY."
                    ),
                }),
            },
        }
    }
}

impl fmt::Display for Dimension {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Dimension::Service => f.write_str("service"),
            Dimension::Charge => f.write_str("charge"),
            Dimension::Region => f.write_str("region"),
            Dimension::Project => f.write_str("project"),
            Dimension::Tag(key) => write!(f, "tag:{key}"),
            Dimension::Resource => f.write_str("resource"),
        }
    }
}

impl Serialize for Dimension {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Dimension {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// One key of a grouping.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum Key {
    /// A value of the dimension's column (a service, a region, a tag's value…).
    Text {
        /// The value.
        value: String,
    },
    /// A charge: its `CodeLabel` and `ChargeLabel`.
    Charge {
        /// `CodeLabel`.
        code: String,
        /// `ChargeLabel`.
        label: String,
    },
    /// Rows without the grouped tag key: "(none)".
    None,
    /// The keys beyond the top N, together: "(other)".
    Other,
}

impl Key {
    /// A text key.
    pub fn text(value: impl Into<String>) -> Self {
        Key::Text {
            value: value.into(),
        }
    }
}

impl fmt::Display for Key {
    /// The label to show: the value (`(empty)` when empty), `ChargeLabel (CodeLabel)`, `(none)`,
    /// `(other)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Key::Text { value } if value.is_empty() => f.write_str("(empty)"),
            Key::Text { value } => f.write_str(value),
            Key::Charge { code, label } => match (code.is_empty(), label.is_empty()) {
                (true, true) => f.write_str("(empty)"),
                (true, false) => f.write_str(label),
                (false, true) => f.write_str(code),
                (false, false) if code == label => f.write_str(label),
                (false, false) => write!(f, "{label} ({code})"),
            },
            Key::None => f.write_str("(none)"),
            Key::Other => f.write_str("(other)"),
        }
    }
}

/// A condition on a tag key: rows with `key=value`, or (value `None`) rows without the key.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TagCondition {
    /// The key.
    pub key: String,
    /// The value, or `None` for rows without the key.
    pub value: Option<String>,
}

impl FromStr for TagCondition {
    type Err = SpendError;

    /// `key=value`, or `key=(none)` for rows without the key.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.split_once('=') {
            Some((key, value)) if !key.trim().is_empty() => Ok(TagCondition {
                key: key.trim().to_owned(),
                value: (value.trim() != "(none)").then(|| value.trim().to_owned()),
            }),
            _ => Err(SpendError::InvalidQuery {
                detail: format!("\"{text}\" is not a tag filter: write it key=value."),
            }),
        }
    }
}

/// Which rows count. Within one list, any value passes (or); the lists combine with "and"; tag
/// conditions on the same key are alternatives, on different keys all must hold. Empty lists and
/// `None` months do not filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// First month, inclusive.
    pub from: Option<YearMonth>,
    /// Last month, inclusive.
    pub to: Option<YearMonth>,
    /// Currencies.
    pub currencies: Vec<String>,
    /// Services (`ServiceCloud`).
    pub services: Vec<String>,
    /// Regions.
    pub regions: Vec<String>,
    /// Projects.
    pub projects: Vec<String>,
    /// Tag conditions.
    pub tags: Vec<TagCondition>,
}

impl Filter {
    /// Whether `month` is within the filter's months.
    pub fn has_month(&self, month: YearMonth) -> bool {
        self.from.is_none_or(|from| month >= from) && self.to.is_none_or(|to| month <= to)
    }
}

/// The sums of a group.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Sums {
    /// Of `Amount`.
    pub amount: Fixed,
    /// Of `DiscountedAmount`.
    pub discounted_amount: Fixed,
    /// Of `Quantity` (whatever their units).
    pub quantity: Fixed,
    /// Rows summed.
    pub rows: u64,
}

impl Sums {
    fn add(&mut self, other: &Sums) {
        self.amount += other.amount;
        self.discounted_amount += other.discounted_amount;
        self.quantity += other.quantity;
        self.rows += other.rows;
    }
}

/// One month × currency × key of a grouping.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupRow {
    /// The month.
    #[serde(with = "year_month_text")]
    pub month: YearMonth,
    /// The currency (sums never mix two).
    pub currency: String,
    /// The key.
    pub key: Key,
    /// The sums.
    pub sums: Sums,
    /// The month is read from a partial (month-to-date) report.
    pub partial: bool,
    /// A projection to the month's end, not a sum of rows.
    pub projected: bool,
}

/// A grouping's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Grouped {
    /// What was grouped by.
    pub dimension: Dimension,
    /// The cube's months within the filter (with or without rows), in order.
    pub months: Vec<MonthInfo>,
    /// Decimals the reports carry, per measure.
    pub decimals: Decimals,
    /// The rows with at least one report row, ordered by currency, month, then descending
    /// `DiscountedAmount` (ties by key).
    pub rows: Vec<GroupRow>,
}

/// A month's total in one currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MonthTotal {
    /// The month.
    #[serde(with = "year_month_text")]
    pub month: YearMonth,
    /// The currency.
    pub currency: String,
    /// The sums.
    pub sums: Sums,
    /// From a partial report.
    pub partial: bool,
}

/// What a scan groups by.
#[derive(Clone, Copy)]
enum GroupBy<'a> {
    Nothing,
    Dimension(&'a Dimension),
}

/// Accumulated sums, in units.
#[derive(Clone, Copy, Default)]
struct Acc {
    amount: i128,
    discounted_amount: i128,
    quantity: i128,
    rows: u64,
}

impl Acc {
    #[inline]
    fn add(&mut self, amount: i128, discounted_amount: i128, quantity: i128, rows: u64) {
        self.amount = self.amount.saturating_add(amount);
        self.discounted_amount = self.discounted_amount.saturating_add(discounted_amount);
        self.quantity = self.quantity.saturating_add(quantity);
        self.rows += rows;
    }

    fn sums(&self) -> Sums {
        Sums {
            amount: Fixed::from_units(self.amount),
            discounted_amount: Fixed::from_units(self.discounted_amount),
            quantity: Fixed::from_units(self.quantity),
            rows: self.rows,
        }
    }
}

/// One month × currency × slot of a grouping with many slots.
struct Chained {
    month: u32,
    currency: u32,
    slot: u32,
    /// The slot's next entry, or `u32::MAX`.
    next: u32,
    acc: Acc,
}

/// Slots of a flat accumulator at most; beyond, entries chained per slot.
const DENSE_SLOTS: usize = 1 << 16;

/// The yes/no table of a text filter over one dimension's labels (`None`: no filter).
fn accept(labels: &[String], wanted: &[String]) -> Option<Vec<bool>> {
    (!wanted.is_empty()).then(|| labels.iter().map(|label| wanted.contains(label)).collect())
}

impl Cube {
    /// Sums by month × currency × `by`'s keys, for the rows `filter` keeps.
    pub fn group(&self, by: &Dimension, filter: &Filter) -> Result<Grouped, SpendError> {
        let rows = self.scan(GroupBy::Dimension(by), filter)?;
        Ok(Grouped {
            dimension: by.clone(),
            months: self.filtered_months(filter),
            decimals: self.decimals(),
            rows,
        })
    }

    /// Each month's total per currency, for the rows `filter` keeps (no dimension needed).
    pub fn totals(&self, filter: &Filter) -> Result<Vec<MonthTotal>, SpendError> {
        Ok(self
            .scan(GroupBy::Nothing, filter)?
            .into_iter()
            .map(|row| MonthTotal {
                month: row.month,
                currency: row.currency,
                sums: row.sums,
                partial: row.partial,
            })
            .collect())
    }

    fn filtered_months(&self, filter: &Filter) -> Vec<MonthInfo> {
        self.months()
            .iter()
            .filter(|info| filter.has_month(info.month))
            .cloned()
            .collect()
    }

    /// Builds the filter's tables and the grouping's, then scans the cells.
    fn scan(&self, by: GroupBy<'_>, filter: &Filter) -> Result<Vec<GroupRow>, SpendError> {
        if let GroupBy::Dimension(dimension) = by {
            self.check_kept(dimension)?;
        }
        let checks = [
            (!filter.services.is_empty(), Dimension::Service),
            (!filter.regions.is_empty(), Dimension::Region),
            (!filter.projects.is_empty(), Dimension::Project),
        ];
        for (used, dimension) in checks {
            if used {
                self.check_kept(&dimension)?;
            }
        }
        if let Some(condition) = filter.tags.first() {
            self.check_kept(&Dimension::Tag(condition.key.clone()))?;
        }
        let labels = self.labels();
        let month_ok: Vec<bool> = self
            .months()
            .iter()
            .map(|info| filter.has_month(info.month))
            .collect();
        let currency_ok = accept(&labels.currencies, &filter.currencies);
        let service_ok = accept(&labels.services, &filter.services);
        let region_ok = accept(&labels.regions, &filter.regions);
        let project_ok = accept(&labels.projects, &filter.projects);
        let tags_ok = self.tag_filter(&filter.tags);

        // The grouping: each id of the grouped column → a slot (keys are made only for the slots
        // found: a resource grouping has a slot per resource).
        let (column, slot_of, slots): (Option<&[u32]>, Option<Vec<u32>>, usize) = match by {
            GroupBy::Nothing => (None, None, 1),
            GroupBy::Dimension(dimension) => self.grouping(dimension),
        };
        let cells = self.cells();
        let months = self.months().len();
        let currencies = labels.currencies.len();
        let dense_len = months.saturating_mul(currencies).saturating_mul(slots);
        let mut dense: Vec<Acc> = if dense_len <= DENSE_SLOTS {
            vec![Acc::default(); dense_len]
        } else {
            Vec::new()
        };
        // Many slots (resources): each slot's first entry, entries of one slot chained (a slot
        // has at most months × currencies entries, usually a few).
        let mut heads: Vec<u32> = if dense_len <= DENSE_SLOTS {
            Vec::new()
        } else {
            vec![u32::MAX; slots]
        };
        let mut chained: Vec<Chained> = Vec::new();
        let passes = |table: &Option<Vec<bool>>, column: &[u32], i: usize| {
            table.as_ref().is_none_or(|table| table[column[i] as usize])
        };
        for i in 0..cells.len() {
            let month = cells.month[i];
            if !month_ok[month as usize]
                || !passes(&currency_ok, &cells.currency, i)
                || !passes(&service_ok, &cells.service, i)
                || !passes(&region_ok, &cells.region, i)
                || !passes(&project_ok, &cells.project, i)
                || !passes(&tags_ok, &cells.tags, i)
            {
                continue;
            }
            let slot = match (column, &slot_of) {
                (None, _) => 0,
                (Some(column), None) => column[i],
                (Some(column), Some(slot_of)) => slot_of[column[i] as usize],
            };
            let currency = cells.currency[i];
            let acc = if dense_len <= DENSE_SLOTS {
                let index =
                    (month as usize * currencies + currency as usize) * slots + slot as usize;
                &mut dense[index]
            } else {
                let head = &mut heads[slot as usize];
                let mut at = *head;
                while at != u32::MAX {
                    let entry = &chained[at as usize];
                    if entry.month == month && entry.currency == currency {
                        break;
                    }
                    at = entry.next;
                }
                if at == u32::MAX {
                    at = as_u32(chained.len());
                    chained.push(Chained {
                        month,
                        currency,
                        slot,
                        next: *head,
                        acc: Acc::default(),
                    });
                    *head = at;
                }
                &mut chained[at as usize].acc
            };
            acc.add(
                cells.amount[i],
                cells.discounted_amount[i],
                cells.quantity[i],
                cells.rows[i],
            );
        }
        let mut found: Vec<(u32, u32, u32, Acc)> = if dense_len <= DENSE_SLOTS {
            dense
                .iter()
                .enumerate()
                .filter(|(_, acc)| acc.rows > 0)
                .map(|(index, acc)| {
                    let slot = index % slots;
                    let currency = index / slots % currencies;
                    let month = index / slots / currencies;
                    (as_u32(month), as_u32(currency), as_u32(slot), *acc)
                })
                .collect()
        } else {
            chained
                .into_iter()
                .map(|entry| (entry.month, entry.currency, entry.slot, entry.acc))
                .collect()
        };
        // Currency (by name), month, then the largest first; keys are made only to break ties.
        let mut currency_rank = vec![0u32; currencies];
        let mut by_name: Vec<usize> = (0..currencies).collect();
        by_name.sort_by(|&a, &b| labels.currencies[a].cmp(&labels.currencies[b]));
        for (rank, &currency) in by_name.iter().enumerate() {
            currency_rank[currency] = as_u32(rank);
        }
        let key = |slot: u32| match by {
            GroupBy::Nothing => Key::None,
            GroupBy::Dimension(dimension) => self.key_of(dimension, slot),
        };
        found.sort_by(|a, b| {
            currency_rank[a.1 as usize]
                .cmp(&currency_rank[b.1 as usize])
                .then(a.0.cmp(&b.0))
                .then(b.3.discounted_amount.cmp(&a.3.discounted_amount))
                .then_with(|| match by {
                    GroupBy::Nothing => Ordering::Equal,
                    GroupBy::Dimension(dimension) => self.slot_cmp(dimension, a.2, b.2),
                })
        });
        let month_infos = self.months();
        Ok(found
            .into_iter()
            .map(|(month, currency, slot, acc)| {
                let info = &month_infos[month as usize];
                GroupRow {
                    month: info.month,
                    currency: labels.currencies[currency as usize].clone(),
                    key: key(slot),
                    sums: acc.sums(),
                    partial: info.partial,
                    projected: false,
                }
            })
            .collect())
    }

    /// The grouped column, the id → slot table when ids are not slots, and the number of slots.
    fn grouping(&self, dimension: &Dimension) -> (Option<&[u32]>, Option<Vec<u32>>, usize) {
        let labels = self.labels();
        let cells = self.cells();
        match dimension {
            Dimension::Service => (Some(&cells.service), None, labels.services.len()),
            Dimension::Region => (Some(&cells.region), None, labels.regions.len()),
            Dimension::Project => (Some(&cells.project), None, labels.projects.len()),
            Dimension::Resource => (Some(&cells.resource), None, labels.resources.len()),
            Dimension::Charge => (Some(&cells.charge), None, self.charges().len()),
            Dimension::Tag(key) => {
                // Slot 0: without the key; slot v + 1: value v. With the key twice in one set, the
                // first value in text order counts.
                let key_id = labels.tag_keys.iter().position(|k| k == key);
                let slot_of = self
                    .tag_sets()
                    .iter()
                    .map(|set| {
                        set.iter()
                            .filter(|(k, _)| Some(*k as usize) == key_id)
                            .map(|&(_, v)| v)
                            .min_by(|a, b| {
                                labels.tag_values[*a as usize].cmp(&labels.tag_values[*b as usize])
                            })
                            .map_or(0, |v| v + 1)
                    })
                    .collect();
                (
                    Some(&cells.tags),
                    Some(slot_of),
                    labels.tag_values.len() + 1,
                )
            }
        }
    }

    /// How the keys of two slots compare (as [`Key`]s do), without making them.
    fn slot_cmp(&self, dimension: &Dimension, a: u32, b: u32) -> Ordering {
        let labels = self.labels();
        let text = |labels: &[String]| labels[a as usize].cmp(&labels[b as usize]);
        match dimension {
            Dimension::Service => text(&labels.services),
            Dimension::Region => text(&labels.regions),
            Dimension::Project => text(&labels.projects),
            Dimension::Resource => text(&labels.resources),
            Dimension::Charge => {
                let (a_code, a_label) = self.charges()[a as usize];
                let (b_code, b_label) = self.charges()[b as usize];
                labels.charge_codes[a_code as usize]
                    .cmp(&labels.charge_codes[b_code as usize])
                    .then_with(|| {
                        labels.charge_labels[a_label as usize]
                            .cmp(&labels.charge_labels[b_label as usize])
                    })
            }
            // Slot 0 is `Key::None`, which sorts after every text.
            Dimension::Tag(_) => match (a, b) {
                (0, 0) => Ordering::Equal,
                (0, _) => Ordering::Greater,
                (_, 0) => Ordering::Less,
                _ => labels.tag_values[a as usize - 1].cmp(&labels.tag_values[b as usize - 1]),
            },
        }
    }

    /// The key of a grouping's slot.
    fn key_of(&self, dimension: &Dimension, slot: u32) -> Key {
        let labels = self.labels();
        let text = |labels: &[String]| Key::text(labels[slot as usize].clone());
        match dimension {
            Dimension::Service => text(&labels.services),
            Dimension::Region => text(&labels.regions),
            Dimension::Project => text(&labels.projects),
            Dimension::Resource => text(&labels.resources),
            Dimension::Charge => {
                let (code, label) = self.charges()[slot as usize];
                Key::Charge {
                    code: labels.charge_codes[code as usize].clone(),
                    label: labels.charge_labels[label as usize].clone(),
                }
            }
            Dimension::Tag(_) => match slot {
                0 => Key::None,
                value => Key::text(labels.tag_values[(value - 1) as usize].clone()),
            },
        }
    }

    /// The yes/no table over tag sets of the tag conditions (`None`: no condition).
    fn tag_filter(&self, conditions: &[TagCondition]) -> Option<Vec<bool>> {
        if conditions.is_empty() {
            return None;
        }
        let labels = self.labels();
        let mut keys: Vec<&str> = conditions.iter().map(|c| c.key.as_str()).collect();
        keys.sort_unstable();
        keys.dedup();
        let table = self
            .tag_sets()
            .iter()
            .map(|set| {
                keys.iter().all(|key| {
                    let values: Vec<&str> = set
                        .iter()
                        .filter(|(k, _)| labels.tag_keys[*k as usize] == *key)
                        .map(|&(_, v)| labels.tag_values[v as usize].as_str())
                        .collect();
                    conditions
                        .iter()
                        .filter(|c| c.key == *key)
                        .any(|c| match &c.value {
                            None => values.is_empty(),
                            Some(value) => values.contains(&value.as_str()),
                        })
                })
            })
            .collect();
        Some(table)
    }
}

fn as_u32(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

impl Grouped {
    /// The same grouping with, per currency, the `n` keys weighing most (sum over the months of
    /// the absolute `DiscountedAmount`, so a large credit counts) and the others summed into
    /// [`Key::Other`] month by month: what a stacked chart draws.
    pub fn top(&self, n: usize) -> Grouped {
        let mut weight: FxHashMap<(&str, &Key), i128> = FxHashMap::default();
        for row in &self.rows {
            *weight.entry((row.currency.as_str(), &row.key)).or_default() +=
                row.sums.discounted_amount.abs().units();
        }
        let mut ranked: Vec<((&str, &Key), i128)> = weight.into_iter().collect();
        ranked.sort_by(|a, b| {
            a.0 .0
                .cmp(b.0 .0)
                .then(b.1.cmp(&a.1))
                .then(a.0 .1.cmp(b.0 .1))
        });
        let mut kept: std::collections::HashSet<(&str, &Key)> = std::collections::HashSet::new();
        let mut per_currency: FxHashMap<&str, usize> = FxHashMap::default();
        for ((currency, key), _) in ranked {
            let count = per_currency.entry(currency).or_default();
            if *count < n {
                kept.insert((currency, key));
                *count += 1;
            }
        }
        let mut rows = Vec::new();
        let mut others: Vec<GroupRow> = Vec::new();
        for row in &self.rows {
            if kept.contains(&(row.currency.as_str(), &row.key)) {
                rows.push(row.clone());
                continue;
            }
            match others
                .iter_mut()
                .find(|o| o.currency == row.currency && o.month == row.month)
            {
                Some(other) => other.sums.add(&row.sums),
                None => others.push(GroupRow {
                    key: Key::Other,
                    ..row.clone()
                }),
            }
        }
        rows.extend(others);
        rows.sort_by(|a, b| {
            a.currency
                .cmp(&b.currency)
                .then(a.month.cmp(&b.month))
                .then((a.key == Key::Other).cmp(&(b.key == Key::Other)))
                .then(b.sums.discounted_amount.cmp(&a.sums.discounted_amount))
                .then_with(|| a.key.cmp(&b.key))
        });
        Grouped {
            rows,
            ..self.clone()
        }
    }

    /// Each month's total per currency (the sum of its rows).
    pub fn totals(&self) -> Vec<MonthTotal> {
        let mut totals: Vec<MonthTotal> = Vec::new();
        for row in self.rows.iter().filter(|row| !row.projected) {
            match totals
                .iter_mut()
                .find(|t| t.currency == row.currency && t.month == row.month)
            {
                Some(total) => total.sums.add(&row.sums),
                None => totals.push(MonthTotal {
                    month: row.month,
                    currency: row.currency.clone(),
                    sums: row.sums,
                    partial: row.partial,
                }),
            }
        }
        totals.sort_by(|a, b| a.currency.cmp(&b.currency).then(a.month.cmp(&b.month)));
        totals
    }

    /// The rows of one currency and key, month by month.
    pub fn series<'a>(
        &'a self,
        currency: &'a str,
        key: &'a Key,
    ) -> impl Iterator<Item = &'a GroupRow> + 'a {
        self.rows
            .iter()
            .filter(move |row| row.currency == currency && &row.key == key)
    }
}
