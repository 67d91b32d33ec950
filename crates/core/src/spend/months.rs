//! A cube's months: which kind of report each came from and how far its rows run, so the month to
//! date can be told apart and projected.

use super::date::{days_in_month, ReportDateTime};
use ccs_api::YearMonth;
use serde::{Deserialize, Serialize};

/// One month of a cube: which report kind it came from and how far it runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MonthInfo {
    /// The month (the report's `period`), `YYYY-MM` in JSON.
    #[serde(with = "year_month_text")]
    pub month: YearMonth,
    /// Read from a partial (month-to-date) report.
    pub partial: bool,
    /// The latest `EndDate` of its rows.
    pub latest_end: Option<ReportDateTime>,
    /// Rows read (bad rows excluded).
    pub rows: u64,
    /// Report files read for it.
    pub files: u32,
}

impl MonthInfo {
    /// Days in the month.
    pub fn days_in_month(&self) -> u8 {
        days_in_month(self.month.year(), self.month.month())
    }

    /// Days of the month its rows cover, from the latest `EndDate`: that day (the day before when
    /// the end is exactly midnight, an exclusive end), the whole month when the end is in a later
    /// month; `None` when no row has an end in or after the month.
    pub fn days_covered(&self) -> Option<u8> {
        let end = self.latest_end?;
        let month = (self.month.year(), self.month.month());
        match (end.year(), end.month()).cmp(&month) {
            std::cmp::Ordering::Less => None,
            std::cmp::Ordering::Greater => Some(self.days_in_month()),
            std::cmp::Ordering::Equal => {
                let day = end.day() - u8::from(end.is_midnight());
                (day > 0).then(|| day.min(self.days_in_month()))
            }
        }
    }
}

/// `YearMonth` as `YYYY-MM` text.
pub(crate) mod year_month_text {
    use ccs_api::YearMonth;
    use serde::{Deserialize, Deserializer, Serializer};

    pub(crate) fn serialize<S: Serializer>(month: &YearMonth, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(month)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<YearMonth, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}
