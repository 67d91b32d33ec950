//! Spend: what a contract pays for and what changed, read from its consumption reports.
//!
//! Why in the core: the app's Spend screen and `ccs spend` must give the same numbers. This module
//! is the pure engine — no network, no cache, no clock: the caller hands it report files (plain CSV
//! or the `zipped` download) with each one's month and kind from the documents list, and asks
//! questions of the aggregates.
//!
//! - [`read_report`] / [`read_zip`] / [`aggregate_files`]: a streaming reader of the reports
//!   (`;`-separated, decimal comma, 27 columns by position; see [`read`] for what is tolerated),
//!   bad rows reported ([`RowWarning`]) and skipped, more than 1 % failing the report.
//! - [`Cube`]: exact sums ([`Fixed`]) by month, currency, service, charge, region, project, tag
//!   set and resource; serialisable for the cache; [`Cube::group`] answers "by X, filtered by Y".
//! - [`change`]: month over month, top movers, projection of the month to date.
//! - [`reconcile()`]: a month's total beside its bill's or invoice's amount.
//! - [`drill_down`]: the lines behind one key.

pub mod builder;
pub mod change;
pub mod cube;
pub mod date;
pub mod drill;
pub mod error;
pub mod files;
pub mod fixed;
mod intern;
pub mod months;
pub mod query;
pub mod read;
pub mod reconcile;
mod record;
pub mod tags;
pub mod zipped;

pub use builder::CubeBuilder;
pub use change::{month_over_month, project, projected_rows, top_movers, Change, MonthOverMonth};
pub use cube::{Cube, Decimals, Dimensions, CUBE_VERSION};
pub use date::ReportDateTime;
pub use drill::{drill_down, DrillDown, ReportLine, Selection};
pub use error::{RowProblem, RowWarning, SpendError};
pub use files::{aggregate_file, aggregate_files, Aggregate, AggregateOptions, ReportInput};
pub use fixed::Fixed;
pub use months::MonthInfo;
pub use query::{Dimension, Filter, GroupRow, Grouped, Key, MonthTotal, Sums, TagCondition};
pub use read::{read_report, FileOutcome, ReportMeta};
pub use reconcile::{reconcile, Reconciliation};
pub use zipped::{read_zip, ZipLimits};

/// The 27 columns of a consumption report, in order (`../shared/api/README.md`). Read by
/// position: the header's text is not confirmed.
pub const COLUMNS: [&str; 27] = [
    "BillingMode",
    "BeginDate",
    "EndDate",
    "ServiceID",
    "TenantLabel",
    "Country",
    "Region",
    "ServiceCloud",
    "CodeLabel",
    "ChargeLabel",
    "IdResource",
    "Project",
    "Tags",
    "Quantity",
    "BillingUnit",
    "UnitPrice",
    "Amount",
    "VolumeDiscount",
    "DiscountedAmount",
    "Currency",
    "SubsChargeType",
    "SubsBeginDate",
    "SubsEndDate",
    "SubsUpfront",
    "SubsUpfrontDiscounted",
    "SubsFlavor",
    "SubsDuration",
];
