//! Building a cube: rows (from the reader) or other cubes go in, texts are interned, sums added to
//! their cells.
//!
//! Why few hash lookups per row: every row of every report comes through here. Each dimension
//! remembers the previous row's text and the builder the previous row's cell, so runs of similar
//! rows skip hashing; the cell map is keyed by a small fixed-size struct of ids, never by text.

use super::cube::{Cells, Cube, CubeData, Decimals, Dimensions, Labels, CUBE_VERSION};
use super::date::ReportDateTime;
use super::fixed::Fixed;
use super::intern::{FxHashMap, Interner};
use super::months::MonthInfo;
use super::tags::TagSets;
use ccs_api::YearMonth;

/// A cell's coordinates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct CellKey {
    pub(crate) month: u32,
    pub(crate) currency: u32,
    pub(crate) service: u32,
    pub(crate) charge: u32,
    pub(crate) region: u32,
    pub(crate) project: u32,
    pub(crate) tags: u32,
    pub(crate) resource: u32,
}

/// A cell's sums, in units of 10⁻¹².
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct CellSums {
    pub(crate) amount: i128,
    pub(crate) discounted_amount: i128,
    pub(crate) quantity: i128,
    pub(crate) rows: u64,
}

impl CellSums {
    #[inline]
    fn add(&mut self, other: &CellSums) {
        self.amount = self.amount.saturating_add(other.amount);
        self.discounted_amount = self
            .discounted_amount
            .saturating_add(other.discounted_amount);
        self.quantity = self.quantity.saturating_add(other.quantity);
        self.rows += other.rows;
    }
}

/// The texts of one row that the cube keys on (trimmed here).
pub(crate) struct RowText<'a> {
    pub(crate) currency: &'a [u8],
    pub(crate) service: &'a [u8],
    pub(crate) code: &'a [u8],
    pub(crate) charge: &'a [u8],
    pub(crate) region: &'a [u8],
    pub(crate) project: &'a [u8],
    pub(crate) tags: &'a [u8],
    pub(crate) resource: &'a [u8],
}

/// Builds a [`Cube`] row by row (the reader feeds it) or from other cubes.
pub struct CubeBuilder {
    dimensions: Dimensions,
    months: Vec<MonthInfo>,
    currencies: Interner,
    services: Interner,
    charge_codes: Interner,
    charge_labels: Interner,
    charge_ids: FxHashMap<(u32, u32), u32>,
    charges: Vec<(u32, u32)>,
    last_charge: Option<((u32, u32), u32)>,
    regions: Interner,
    projects: Interner,
    tags: TagSets,
    resources: Interner,
    cell_ids: FxHashMap<CellKey, u32>,
    keys: Vec<CellKey>,
    sums: Vec<CellSums>,
    last_cell: Option<(CellKey, u32)>,
    decimals: Decimals,
}

impl CubeBuilder {
    /// An empty builder keeping `dimensions`.
    pub fn new(dimensions: Dimensions) -> Self {
        let mut builder = Self {
            dimensions,
            months: Vec::new(),
            currencies: Interner::default(),
            services: Interner::default(),
            charge_codes: Interner::default(),
            charge_labels: Interner::default(),
            charge_ids: FxHashMap::default(),
            charges: Vec::new(),
            last_charge: None,
            regions: Interner::default(),
            projects: Interner::default(),
            tags: TagSets::default(),
            resources: Interner::default(),
            cell_ids: FxHashMap::default(),
            keys: Vec::new(),
            sums: Vec::new(),
            last_cell: None,
            decimals: Decimals::default(),
        };
        // A dimension not kept has one value, "" (id 0), so every cell can name it.
        if !dimensions.service {
            builder.services.id(b"");
        }
        if !dimensions.charge {
            builder.charge_id(b"", b"");
        }
        if !dimensions.region {
            builder.regions.id(b"");
        }
        if !dimensions.project {
            builder.projects.id(b"");
        }
        if !dimensions.tags {
            builder.tags.id_of_pairs(Vec::new());
        }
        if !dimensions.resource {
            builder.resources.id(b"");
        }
        builder
    }

    /// The dimensions it keeps.
    pub fn dimensions(&self) -> Dimensions {
        self.dimensions
    }

    /// The index of `month`'s entry, added when new; a month read from any partial report is
    /// partial.
    pub(crate) fn month_index(&mut self, month: YearMonth, partial: bool) -> u32 {
        let index = match self.months.iter().position(|info| info.month == month) {
            Some(index) => index,
            None => {
                self.months.push(MonthInfo {
                    month,
                    partial,
                    latest_end: None,
                    rows: 0,
                    files: 0,
                });
                self.months.len() - 1
            }
        };
        self.months[index].partial |= partial;
        u32::try_from(index).unwrap_or(u32::MAX)
    }

    /// Records what one file added to a month.
    pub(crate) fn finish_file(
        &mut self,
        month_index: u32,
        rows: u64,
        latest_end: Option<ReportDateTime>,
        decimals: Decimals,
    ) {
        if let Some(info) = self.months.get_mut(month_index as usize) {
            info.rows += rows;
            info.files += 1;
            info.latest_end = info.latest_end.max(latest_end);
        }
        self.decimals = self.decimals.max(decimals);
    }

    fn charge_id(&mut self, code: &[u8], label: &[u8]) -> u32 {
        let pair = (self.charge_codes.id(code), self.charge_labels.id(label));
        self.charge_pair_id(pair)
    }

    #[inline]
    fn charge_pair_id(&mut self, pair: (u32, u32)) -> u32 {
        if let Some((last, id)) = self.last_charge {
            if last == pair {
                return id;
            }
        }
        let next = u32::try_from(self.charges.len()).unwrap_or(u32::MAX);
        let id = *self.charge_ids.entry(pair).or_insert(next);
        if id == next {
            self.charges.push(pair);
        }
        self.last_charge = Some((pair, id));
        id
    }

    /// Adds one row's sums (units of 10⁻¹²) to its cell.
    #[inline]
    pub(crate) fn add_row(
        &mut self,
        month_index: u32,
        text: &RowText<'_>,
        amount: Fixed,
        discounted_amount: Fixed,
        quantity: Fixed,
    ) {
        let dims = self.dimensions;
        let key = CellKey {
            month: month_index,
            currency: self.currencies.id(text.currency.trim_ascii()),
            service: if dims.service {
                self.services.id(text.service.trim_ascii())
            } else {
                0
            },
            charge: if dims.charge {
                self.charge_id(text.code.trim_ascii(), text.charge.trim_ascii())
            } else {
                0
            },
            region: if dims.region {
                self.regions.id(text.region.trim_ascii())
            } else {
                0
            },
            project: if dims.project {
                self.projects.id(text.project.trim_ascii())
            } else {
                0
            },
            tags: if dims.tags {
                self.tags.id_of_cell(text.tags)
            } else {
                0
            },
            resource: if dims.resource {
                self.resources.id(text.resource.trim_ascii())
            } else {
                0
            },
        };
        self.add_to_cell(
            key,
            &CellSums {
                amount: amount.units(),
                discounted_amount: discounted_amount.units(),
                quantity: quantity.units(),
                rows: 1,
            },
        );
    }

    #[inline]
    fn add_to_cell(&mut self, key: CellKey, sums: &CellSums) {
        let index = match self.last_cell {
            Some((last, index)) if last == key => index,
            _ => {
                let next = u32::try_from(self.keys.len()).unwrap_or(u32::MAX);
                let index = *self.cell_ids.entry(key).or_insert(next);
                if index == next {
                    self.keys.push(key);
                    self.sums.push(CellSums::default());
                }
                self.last_cell = Some((key, index));
                index
            }
        };
        if let Some(cell) = self.sums.get_mut(index as usize) {
            cell.add(sums);
        }
    }

    /// Adds every cell of `cube` (its texts interned again here).
    pub fn add_cube(&mut self, cube: &Cube) {
        let data = &cube.data;
        let dims = self.dimensions;
        let month_map: Vec<u32> = data
            .months
            .iter()
            .map(|info| {
                let index = self.month_index(info.month, info.partial);
                if let Some(mine) = self.months.get_mut(index as usize) {
                    mine.rows += info.rows;
                    mine.files += info.files;
                    mine.latest_end = mine.latest_end.max(info.latest_end);
                }
                index
            })
            .collect();
        self.decimals = self.decimals.max(data.decimals);
        let labels = &data.labels;
        let remap = |interner: &mut Interner, labels: &[String], kept: bool| -> Vec<u32> {
            labels
                .iter()
                .map(|label| {
                    if kept {
                        interner.id(label.as_bytes())
                    } else {
                        0
                    }
                })
                .collect()
        };
        let currency_map = remap(&mut self.currencies, &labels.currencies, true);
        let service_map = remap(&mut self.services, &labels.services, dims.service);
        let region_map = remap(&mut self.regions, &labels.regions, dims.region);
        let project_map = remap(&mut self.projects, &labels.projects, dims.project);
        let resource_map = remap(&mut self.resources, &labels.resources, dims.resource);
        let charge_map: Vec<u32> = data
            .charges
            .iter()
            .map(|&(code, label)| {
                if dims.charge {
                    let code = &labels.charge_codes[code as usize];
                    let label = &labels.charge_labels[label as usize];
                    self.charge_id(code.as_bytes(), label.as_bytes())
                } else {
                    0
                }
            })
            .collect();
        let tag_map: Vec<u32> = data
            .tag_sets
            .iter()
            .map(|pairs| {
                if dims.tags {
                    let pairs = pairs
                        .iter()
                        .map(|&(key, value)| {
                            (
                                self.tags.keys.id(labels.tag_keys[key as usize].as_bytes()),
                                self.tags
                                    .values
                                    .id(labels.tag_values[value as usize].as_bytes()),
                            )
                        })
                        .collect();
                    self.tags.id_of_pairs(pairs)
                } else {
                    0
                }
            })
            .collect();
        let cells = &data.cells;
        for i in 0..cells.len() {
            let key = cells.key(i);
            let key = CellKey {
                month: month_map[key.month as usize],
                currency: currency_map[key.currency as usize],
                service: service_map[key.service as usize],
                charge: charge_map[key.charge as usize],
                region: region_map[key.region as usize],
                project: project_map[key.project as usize],
                tags: tag_map[key.tags as usize],
                resource: resource_map[key.resource as usize],
            };
            self.add_to_cell(key, &cells.sums(i));
        }
    }

    /// The cube: months in order, cells column by column.
    pub fn finish(self) -> Cube {
        // The lookup of cells is not needed any more: freed before the columns are built.
        drop(self.cell_ids);
        let mut order: Vec<usize> = (0..self.months.len()).collect();
        order.sort_by_key(|&i| self.months[i].month);
        let mut month_map = vec![0u32; self.months.len()];
        for (new, &old) in order.iter().enumerate() {
            month_map[old] = u32::try_from(new).unwrap_or(u32::MAX);
        }
        let months: Vec<MonthInfo> = order.iter().map(|&i| self.months[i].clone()).collect();
        let mut cells = Cells::default();
        for (key, sums) in self.keys.iter().zip(&self.sums) {
            let key = CellKey {
                month: month_map[key.month as usize],
                ..*key
            };
            cells.push(&key, sums);
        }
        let tag_sets = self.tags.sets.iter().map(|set| set.to_vec()).collect();
        let labels = Labels {
            currencies: self.currencies.into_labels(),
            services: self.services.into_labels(),
            charge_codes: self.charge_codes.into_labels(),
            charge_labels: self.charge_labels.into_labels(),
            regions: self.regions.into_labels(),
            projects: self.projects.into_labels(),
            tag_keys: self.tags.keys.into_labels(),
            tag_values: self.tags.values.into_labels(),
            resources: self.resources.into_labels(),
        };
        Cube {
            data: CubeData {
                version: CUBE_VERSION,
                dimensions: self.dimensions,
                decimals: self.decimals,
                months,
                labels,
                charges: self.charges,
                tag_sets,
                cells,
            },
        }
    }
}

impl From<&Cube> for CubeBuilder {
    /// A builder holding `cube`'s cells, to add more reports to.
    fn from(cube: &Cube) -> Self {
        let mut builder = CubeBuilder::new(cube.dimensions());
        builder.add_cube(cube);
        builder
    }
}
