//! Civil-calendar arithmetic in UTC (no date crate needed for months, days and RFC 3339).

use std::time::{SystemTime, UNIX_EPOCH};

/// Seconds in a day.
pub(crate) const DAY: i64 = 86_400;

/// Seconds since the Unix epoch (negative before 1970), so dates are plain integers.
pub(crate) fn unix_secs(time: SystemTime) -> i64 {
    match time.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        Err(e) => -i64::try_from(e.duration().as_secs()).unwrap_or(i64::MAX),
    }
}

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
pub(crate) fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date (year, month, day) of a day count since 1970-01-01.
pub(crate) fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (
        year,
        u32::try_from(month).unwrap_or(1),
        u32::try_from(day).unwrap_or(1),
    )
}

/// `2026-10-27T08:15:00Z`: the form the API uses for `createdAt`.
pub(crate) fn rfc3339(secs: i64) -> String {
    let (y, m, d) = civil_from_days(secs.div_euclid(DAY));
    let rem = secs.rem_euclid(DAY);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

/// A calendar month, the unit of billing periods.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct YearMonth {
    /// Year, e.g. 2026.
    pub(crate) year: i64,
    /// Month 1–12.
    pub(crate) month: u32,
}

impl YearMonth {
    /// The month containing `secs`.
    pub(crate) fn of(secs: i64) -> Self {
        let (year, month, _) = civil_from_days(secs.div_euclid(DAY));
        Self { year, month }
    }

    /// The month `k` months earlier.
    pub(crate) fn minus(self, k: i64) -> Self {
        let index = self.year * 12 + i64::from(self.month) - 1 - k;
        Self {
            year: index.div_euclid(12),
            month: u32::try_from(index.rem_euclid(12) + 1).unwrap_or(1),
        }
    }

    /// Day number of the 1st of the month.
    pub(crate) fn first_day(self) -> i64 {
        days_from_civil(self.year, self.month, 1)
    }

    /// Number of days in the month.
    pub(crate) fn days(self) -> i64 {
        self.minus(-1).first_day() - self.first_day()
    }

    /// `YYYYMM`, the API's `period`.
    pub(crate) fn period(self) -> String {
        format!("{:04}{:02}", self.year, self.month)
    }
}

/// `YYYYMMDD` of a day number, the period of daily reports.
pub(crate) fn day_period(days: i64) -> String {
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}{m:02}{d:02}")
}

/// `YYYY-MM-DD HH:MM:SS` for CSV date columns.
pub(crate) fn csv_datetime(secs: i64) -> String {
    rfc3339(secs)
        .replace('T', " ")
        .trim_end_matches('Z')
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip() {
        for days in [-1000, 0, 59, 60, 10_000, 20_000, 20_754] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(
            YearMonth {
                year: 2026,
                month: 1
            }
            .minus(1)
            .period(),
            "202512"
        );
        assert_eq!(
            YearMonth {
                year: 2024,
                month: 2
            }
            .days(),
            29
        );
    }
}
