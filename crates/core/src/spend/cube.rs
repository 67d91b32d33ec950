//! The aggregates of one or more reports: a compact cube of sums.
//!
//! Why a cube and not one sum per dimension: filters cross dimensions (this region's spend by
//! project, for rows tagged `env=prod`), and per-dimension sums cannot answer that. A cell is one
//! distinct combination of month, currency, service, charge (`CodeLabel` + `ChargeLabel`), region,
//! project, tag set and resource, with the sums of `Amount`, `DiscountedAmount` and `Quantity` and
//! its row count. Every text is a `u32` into its dimension's table, cells are stored column by column
//! (a query reads only the columns it needs), and a real report — whose rows repeat each resource
//! day after day — becomes far fewer cells than rows. A query scans cells, never rows.
//!
//! Which dimensions a cube keeps is chosen when it is built ([`Dimensions`]): a cube for month ×
//! service alone (the benchmark's question) skips interning resources, which in generated data can
//! be distinct on every row. A dimension that is not kept has the single value `""` (id 0), and
//! queries that need it are refused.
//!
//! Serialised (versioned, [`CUBE_VERSION`]) for the report cache; what is read back is checked, so
//! a damaged cache file is an error, never a panic at query time.

use super::builder::{CellKey, CellSums, CubeBuilder};
use super::error::SpendError;
use super::months::MonthInfo;
use super::query::Dimension;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The version of the serialised cube; a cache written by another version is read as an error
/// (parse the report again).
pub const CUBE_VERSION: u32 = 1;

/// Which dimensions a cube keeps besides month and currency (always kept).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Dimensions {
    /// `ServiceCloud`.
    pub service: bool,
    /// `CodeLabel` and `ChargeLabel`.
    pub charge: bool,
    /// `Region`.
    pub region: bool,
    /// `Project`.
    pub project: bool,
    /// `Tags`.
    pub tags: bool,
    /// `IdResource`.
    pub resource: bool,
}

impl Dimensions {
    /// Every dimension: what the app caches.
    pub const ALL: Dimensions = Dimensions {
        service: true,
        charge: true,
        region: true,
        project: true,
        tags: true,
        resource: true,
    };

    /// Month and currency only.
    pub const NONE: Dimensions = Dimensions {
        service: false,
        charge: false,
        region: false,
        project: false,
        tags: false,
        resource: false,
    };

    /// Month, currency and service: the benchmark's question.
    pub const SERVICE: Dimensions = Dimensions {
        service: true,
        ..Dimensions::NONE
    };

    /// Whether `dimension` is kept.
    pub fn keeps(&self, dimension: &Dimension) -> bool {
        match dimension {
            Dimension::Service => self.service,
            Dimension::Charge => self.charge,
            Dimension::Region => self.region,
            Dimension::Project => self.project,
            Dimension::Tag(_) => self.tags,
            Dimension::Resource => self.resource,
        }
    }

    /// The dimensions both keep.
    pub fn both(self, other: Dimensions) -> Dimensions {
        Dimensions {
            service: self.service && other.service,
            charge: self.charge && other.charge,
            region: self.region && other.region,
            project: self.project && other.project,
            tags: self.tags && other.tags,
            resource: self.resource && other.resource,
        }
    }
}

impl Default for Dimensions {
    fn default() -> Self {
        Dimensions::ALL
    }
}

/// The most decimals each measure was written with in the reports (so output can print as many).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Decimals {
    /// `Amount`.
    pub amount: u8,
    /// `DiscountedAmount`.
    pub discounted_amount: u8,
    /// `Quantity`.
    pub quantity: u8,
}

impl Decimals {
    /// The larger of each.
    pub fn max(self, other: Decimals) -> Decimals {
        Decimals {
            amount: self.amount.max(other.amount),
            discounted_amount: self.discounted_amount.max(other.discounted_amount),
            quantity: self.quantity.max(other.quantity),
        }
    }
}

/// The texts of each dimension, by id.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Labels {
    pub(crate) currencies: Vec<String>,
    pub(crate) services: Vec<String>,
    pub(crate) charge_codes: Vec<String>,
    pub(crate) charge_labels: Vec<String>,
    pub(crate) regions: Vec<String>,
    pub(crate) projects: Vec<String>,
    pub(crate) tag_keys: Vec<String>,
    pub(crate) tag_values: Vec<String>,
    pub(crate) resources: Vec<String>,
}

/// The cells, column by column: cell `i` is the `i`th entry of each.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Cells {
    /// Index into the cube's months.
    pub(crate) month: Vec<u32>,
    pub(crate) currency: Vec<u32>,
    pub(crate) service: Vec<u32>,
    /// Index into the cube's charges (code, label) pairs.
    pub(crate) charge: Vec<u32>,
    pub(crate) region: Vec<u32>,
    pub(crate) project: Vec<u32>,
    /// Index into the cube's tag sets.
    pub(crate) tags: Vec<u32>,
    pub(crate) resource: Vec<u32>,
    /// Sums in units of 10⁻¹² ([`Fixed::units`]).
    pub(crate) amount: Vec<i128>,
    pub(crate) discounted_amount: Vec<i128>,
    pub(crate) quantity: Vec<i128>,
    pub(crate) rows: Vec<u64>,
}

impl Cells {
    pub(crate) fn len(&self) -> usize {
        self.month.len()
    }

    pub(crate) fn push(&mut self, key: &CellKey, sums: &CellSums) {
        self.month.push(key.month);
        self.currency.push(key.currency);
        self.service.push(key.service);
        self.charge.push(key.charge);
        self.region.push(key.region);
        self.project.push(key.project);
        self.tags.push(key.tags);
        self.resource.push(key.resource);
        self.amount.push(sums.amount);
        self.discounted_amount.push(sums.discounted_amount);
        self.quantity.push(sums.quantity);
        self.rows.push(sums.rows);
    }

    pub(crate) fn key(&self, i: usize) -> CellKey {
        CellKey {
            month: self.month[i],
            currency: self.currency[i],
            service: self.service[i],
            charge: self.charge[i],
            region: self.region[i],
            project: self.project[i],
            tags: self.tags[i],
            resource: self.resource[i],
        }
    }

    pub(crate) fn sums(&self, i: usize) -> CellSums {
        CellSums {
            amount: self.amount[i],
            discounted_amount: self.discounted_amount[i],
            quantity: self.quantity[i],
            rows: self.rows[i],
        }
    }
}

/// What is serialised: the cube's parts with the format's version first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CubeData {
    pub(crate) version: u32,
    pub(crate) dimensions: Dimensions,
    pub(crate) decimals: Decimals,
    /// Sorted by month, each month once.
    pub(crate) months: Vec<MonthInfo>,
    pub(crate) labels: Labels,
    /// (code id, label id) of each charge.
    pub(crate) charges: Vec<(u32, u32)>,
    /// Sorted (key id, value id) pairs of each tag set.
    pub(crate) tag_sets: Vec<Vec<(u32, u32)>>,
    pub(crate) cells: Cells,
}

/// The aggregates of one or more consumption reports (see the module's docs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cube {
    pub(crate) data: CubeData,
}

impl Cube {
    /// The dimensions kept.
    pub fn dimensions(&self) -> Dimensions {
        self.data.dimensions
    }

    /// The most decimals each measure was written with.
    pub fn decimals(&self) -> Decimals {
        self.data.decimals
    }

    /// Its months, in order.
    pub fn months(&self) -> &[MonthInfo] {
        &self.data.months
    }

    /// Its currencies.
    pub fn currencies(&self) -> &[String] {
        &self.data.labels.currencies
    }

    /// How many cells it holds (its size: a cached cube's cost).
    pub fn cell_count(&self) -> usize {
        self.data.cells.len()
    }

    /// The distinct values of a dimension (for filter choices): services, regions, projects,
    /// resources, charges as `ChargeLabel (CodeLabel)`, a tag key's values. Sorted.
    pub fn values(&self, dimension: &Dimension) -> Result<Vec<String>, SpendError> {
        self.check_kept(dimension)?;
        let labels = &self.data.labels;
        let mut values: Vec<String> = match dimension {
            Dimension::Service => labels.services.clone(),
            Dimension::Region => labels.regions.clone(),
            Dimension::Project => labels.projects.clone(),
            Dimension::Resource => labels.resources.clone(),
            Dimension::Charge => self
                .data
                .charges
                .iter()
                .map(|&(code, label)| {
                    super::query::Key::Charge {
                        code: labels.charge_codes[code as usize].clone(),
                        label: labels.charge_labels[label as usize].clone(),
                    }
                    .to_string()
                })
                .collect(),
            Dimension::Tag(key) => {
                let Some(key_id) = labels.tag_keys.iter().position(|k| k == key) else {
                    return Ok(Vec::new());
                };
                self.data
                    .tag_sets
                    .iter()
                    .flatten()
                    .filter(|(k, _)| *k as usize == key_id)
                    .map(|&(_, v)| labels.tag_values[v as usize].clone())
                    .collect()
            }
        };
        values.sort_unstable();
        values.dedup();
        Ok(values)
    }

    /// The tag keys seen, sorted.
    pub fn tag_keys(&self) -> Vec<String> {
        let mut keys = self.data.labels.tag_keys.clone();
        keys.sort_unstable();
        keys.dedup();
        keys
    }

    /// Several cubes as one (texts interned again); the dimensions kept are those all keep.
    pub fn merge(cubes: &[Cube]) -> Cube {
        let dimensions = cubes
            .iter()
            .fold(Dimensions::ALL, |kept, cube| kept.both(cube.dimensions()));
        let mut builder = CubeBuilder::new(dimensions);
        for cube in cubes {
            builder.add_cube(cube);
        }
        builder.finish()
    }

    /// An error unless `dimension` is kept.
    pub(crate) fn check_kept(&self, dimension: &Dimension) -> Result<(), SpendError> {
        if self.data.dimensions.keeps(dimension) {
            Ok(())
        } else {
            Err(SpendError::NotAggregated {
                dimension: dimension.to_string(),
            })
        }
    }

    pub(crate) fn labels(&self) -> &Labels {
        &self.data.labels
    }

    pub(crate) fn charges(&self) -> &[(u32, u32)] {
        &self.data.charges
    }

    pub(crate) fn tag_sets(&self) -> &[Vec<(u32, u32)>] {
        &self.data.tag_sets
    }

    pub(crate) fn cells(&self) -> &Cells {
        &self.data.cells
    }

    /// Checks a deserialised cube: every id within its table, columns of one length, months in
    /// order.
    fn validate(data: CubeData) -> Result<Cube, String> {
        if data.version != CUBE_VERSION {
            return Err(format!(
                "spend aggregates of version {} (this version reads {CUBE_VERSION})",
                data.version
            ));
        }
        let cells = &data.cells;
        let n = cells.len();
        let lengths = [
            cells.currency.len(),
            cells.service.len(),
            cells.charge.len(),
            cells.region.len(),
            cells.project.len(),
            cells.tags.len(),
            cells.resource.len(),
            cells.amount.len(),
            cells.discounted_amount.len(),
            cells.quantity.len(),
            cells.rows.len(),
        ];
        if lengths.iter().any(|&len| len != n) {
            return Err("cell columns of different lengths".into());
        }
        if !data.months.windows(2).all(|w| w[0].month < w[1].month) {
            return Err("months out of order".into());
        }
        let labels = &data.labels;
        let in_range = |column: &[u32], len: usize| column.iter().all(|&id| (id as usize) < len);
        let columns_ok = in_range(&cells.month, data.months.len())
            && in_range(&cells.currency, labels.currencies.len())
            && in_range(&cells.service, labels.services.len())
            && in_range(&cells.charge, data.charges.len())
            && in_range(&cells.region, labels.regions.len())
            && in_range(&cells.project, labels.projects.len())
            && in_range(&cells.tags, data.tag_sets.len())
            && in_range(&cells.resource, labels.resources.len());
        let charges_ok = data.charges.iter().all(|&(code, label)| {
            (code as usize) < labels.charge_codes.len()
                && (label as usize) < labels.charge_labels.len()
        });
        let tags_ok = data.tag_sets.iter().flatten().all(|&(key, value)| {
            (key as usize) < labels.tag_keys.len() && (value as usize) < labels.tag_values.len()
        });
        if !(columns_ok && charges_ok && tags_ok) {
            return Err("a cell names a value that is not in the aggregates".into());
        }
        Ok(Cube { data })
    }
}

impl Serialize for Cube {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.data.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Cube {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let data = CubeData::deserialize(deserializer)?;
        Cube::validate(data).map_err(serde::de::Error::custom)
    }
}
