//! The dates of a report's `BeginDate` and `EndDate` cells, read tolerantly.
//!
//! Why tolerant: the sandbox writes `2026-10-01 00:00:00`, which is what public scripts suggest, but
//! the real format is unconfirmed. Also accepted: `2026-10-01T00:00:00Z` (with fractions of a second
//! or an offset, which is ignored: the reports name calendar days), `2026-10-01`, `2026/10/01` and
//! the French `01/10/2026` (day first; month first only where day first cannot be a date, as in
//! `12/31/2026`), each with or without a time. Nothing else: a cell that is not a date makes its
//! row a reported bad row.
//!
//! Why no date crate: one date per cell is on the reader's hot path; the common form is checked in
//! place at fixed offsets.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// A calendar date with an optional time of day, as a report writes it (no time zone).
///
/// Ordered in time; a date written without a time sorts after every time of that day (it stands
/// for the whole day).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ReportDateTime {
    /// `YYYYMMDD`.
    date: u32,
    /// Seconds since midnight; [`WHOLE_DAY`] when no time was written.
    second: u32,
}

/// The `second` of a date written without a time.
const WHOLE_DAY: u32 = 86_400;

/// Why a text is not a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotADate;

impl ReportDateTime {
    /// A date (and time), when it exists.
    pub fn new(year: u16, month: u8, day: u8, time: Option<(u8, u8, u8)>) -> Option<Self> {
        if year > 9999 || !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month)
        {
            return None;
        }
        let second = match time {
            None => WHOLE_DAY,
            Some((hour, minute, second)) if hour < 24 && minute < 60 && second <= 60 => {
                // A leap second counts as the last second of its minute.
                u32::from(hour) * 3600 + u32::from(minute) * 60 + u32::from(second.min(59))
            }
            Some(_) => return None,
        };
        Some(Self {
            date: u32::from(year) * 10_000 + u32::from(month) * 100 + u32::from(day),
            second,
        })
    }

    /// The year.
    pub fn year(self) -> u16 {
        u16::try_from(self.date / 10_000).unwrap_or(u16::MAX)
    }

    /// The month, 1 to 12.
    pub fn month(self) -> u8 {
        u8::try_from(self.date / 100 % 100).unwrap_or(u8::MAX)
    }

    /// The day of the month, from 1.
    pub fn day(self) -> u8 {
        u8::try_from(self.date % 100).unwrap_or(u8::MAX)
    }

    /// The time of day (hour, minute, second), when one was written.
    pub fn time(self) -> Option<(u8, u8, u8)> {
        (self.second != WHOLE_DAY).then(|| {
            let part = |value: u32| u8::try_from(value).unwrap_or(u8::MAX);
            (
                part(self.second / 3600),
                part(self.second / 60 % 60),
                part(self.second % 60),
            )
        })
    }

    /// Whether it is midnight exactly (`2026-10-16 00:00:00`): as an end, it then ends the day
    /// before (an exclusive end); a date without time covers its whole day.
    pub fn is_midnight(self) -> bool {
        self.second == 0
    }

    /// Reads one report cell; `Ok(None)` for an empty or blank cell.
    pub fn parse_bytes(field: &[u8]) -> Result<Option<Self>, NotADate> {
        if let Some(parsed) = parse_common(field) {
            return Ok(Some(parsed));
        }
        let field = field.trim_ascii();
        if field.is_empty() {
            return Ok(None);
        }
        parse_general(field).map(Some).ok_or(NotADate)
    }
}

/// Days in a month of the proleptic Gregorian calendar.
pub fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        _ => 0,
    }
}

/// `d` at `at`, when it is an ASCII digit.
#[inline]
fn digit(bytes: &[u8], at: usize) -> Option<u32> {
    let byte = *bytes.get(at)?;
    byte.is_ascii_digit().then(|| u32::from(byte - b'0'))
}

#[inline]
fn number(bytes: &[u8], at: usize, len: usize) -> Option<u32> {
    (at..at + len).try_fold(0, |n, i| Some(n * 10 + digit(bytes, i)?))
}

/// The hot path: exactly `YYYY-MM-DD HH:MM:SS`.
#[inline]
fn parse_common(field: &[u8]) -> Option<ReportDateTime> {
    if field.len() != 19
        || field[4] != b'-'
        || field[7] != b'-'
        || field[10] != b' '
        || field[13] != b':'
        || field[16] != b':'
    {
        return None;
    }
    let year = u16::try_from(number(field, 0, 4)?).ok()?;
    let month = u8::try_from(number(field, 5, 2)?).ok()?;
    let day = u8::try_from(number(field, 8, 2)?).ok()?;
    let hour = u8::try_from(number(field, 11, 2)?).ok()?;
    let minute = u8::try_from(number(field, 14, 2)?).ok()?;
    let second = u8::try_from(number(field, 17, 2)?).ok()?;
    ReportDateTime::new(year, month, day, Some((hour, minute, second)))
}

/// Every other accepted form (see the module's docs).
fn parse_general(field: &[u8]) -> Option<ReportDateTime> {
    let small = |value: u32| u8::try_from(value).ok();
    let (year, month, day, rest) = if field.len() >= 10
        && matches!(field[4], b'-' | b'/')
        && field[7] == field[4]
    {
        (
            u16::try_from(number(field, 0, 4)?).ok()?,
            small(number(field, 5, 2)?)?,
            small(number(field, 8, 2)?)?,
            &field[10..],
        )
    } else if field.len() >= 10 && matches!(field[2], b'/' | b'.' | b'-') && field[5] == field[2] {
        let first = small(number(field, 0, 2)?)?;
        let second = small(number(field, 3, 2)?)?;
        // Day first (French); month first only when day first cannot be a date (`12/31/2026`).
        let (day, month) = if second > 12 && field[2] == b'/' {
            (second, first)
        } else {
            (first, second)
        };
        (
            u16::try_from(number(field, 6, 4)?).ok()?,
            month,
            day,
            &field[10..],
        )
    } else {
        return None;
    };
    let time = if rest.is_empty() {
        None
    } else {
        Some(parse_time(rest)?)
    };
    ReportDateTime::new(year, month, day, time)
}

/// ` HH:MM`, ` HH:MM:SS`, `THH:MM:SS`, then optional `.fff`, then `Z` or `±HH[:]MM`.
fn parse_time(rest: &[u8]) -> Option<(u8, u8, u8)> {
    if !matches!(rest.first(), Some(b' ' | b'T' | b't')) || rest.len() < 6 || rest[3] != b':' {
        return None;
    }
    let hour = u8::try_from(number(rest, 1, 2)?).ok()?;
    let minute = u8::try_from(number(rest, 4, 2)?).ok()?;
    let mut at = 6;
    let mut second = 0;
    if rest.get(at) == Some(&b':') {
        second = u8::try_from(number(rest, at + 1, 2)?).ok()?;
        at += 3;
        if rest.get(at) == Some(&b'.') {
            at += 1;
            let start = at;
            while rest.get(at).is_some_and(u8::is_ascii_digit) {
                at += 1;
            }
            if at == start {
                return None;
            }
        }
    }
    let zone = &rest[at..];
    let zone_ok = match zone {
        [] | [b'Z' | b'z'] => true,
        [b'+' | b'-', h1, h2] => h1.is_ascii_digit() && h2.is_ascii_digit(),
        [b'+' | b'-', h1, h2, m1, m2] => [h1, h2, m1, m2].iter().all(|b| b.is_ascii_digit()),
        [b'+' | b'-', h1, h2, b':', m1, m2] => [h1, h2, m1, m2].iter().all(|b| b.is_ascii_digit()),
        _ => false,
    };
    zone_ok.then_some((hour, minute, second))
}

impl fmt::Display for ReportDateTime {
    /// `2026-10-15T23:59:59`, or `2026-10-15` for a date without time.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:04}-{:02}-{:02}",
            self.year(),
            self.month(),
            self.day()
        )?;
        if let Some((hour, minute, second)) = self.time() {
            write!(f, "T{hour:02}:{minute:02}:{second:02}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for ReportDateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ReportDateTime({self})")
    }
}

impl FromStr for ReportDateTime {
    type Err = NotADate;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        ReportDateTime::parse_bytes(text.as_bytes())?.ok_or(NotADate)
    }
}

impl Serialize for ReportDateTime {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ReportDateTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse()
            .map_err(|_| serde::de::Error::custom(format!("\"{text}\" is not a date")))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn read(text: &str) -> String {
        ReportDateTime::parse_bytes(text.as_bytes())
            .unwrap()
            .unwrap()
            .to_string()
    }

    #[test]
    fn every_tolerated_form_reads() {
        assert_eq!(read("2026-10-01 00:00:00"), "2026-10-01T00:00:00");
        assert_eq!(read("2026-10-01T12:34:56Z"), "2026-10-01T12:34:56");
        assert_eq!(read("2026-10-01T12:34:56.123+02:00"), "2026-10-01T12:34:56");
        assert_eq!(read("2026-10-01"), "2026-10-01");
        assert_eq!(read("2026/10/01 08:30"), "2026-10-01T08:30:00");
        assert_eq!(read("01/10/2026"), "2026-10-01");
        assert_eq!(read("31/12/2026 23:59:59"), "2026-12-31T23:59:59");
        assert_eq!(read("12/31/2026"), "2026-12-31");
        assert_eq!(read("01.10.2026"), "2026-10-01");
        assert_eq!(
            read(" 2026-02-29 ".replace("26", "28").as_str()),
            "2028-02-29"
        );
        assert_eq!(ReportDateTime::parse_bytes(b"").unwrap(), None);
        assert_eq!(ReportDateTime::parse_bytes(b"  ").unwrap(), None);
    }

    #[test]
    fn non_dates_are_refused() {
        for text in [
            "2026-13-01",
            "2026-02-29",
            "2026-10-32 00:00:00",
            "2026-10-01 24:00:00",
            "tomorrow",
            "2026-10-01X",
            "2026-10-01 00:00:00 UTC",
            "10/2026",
        ] {
            assert!(
                ReportDateTime::parse_bytes(text.as_bytes()).is_err(),
                "{text}"
            );
        }
    }

    #[test]
    fn whole_days_sort_after_their_times() {
        let day: ReportDateTime = "2026-10-15".parse().unwrap();
        let evening: ReportDateTime = "2026-10-15 23:59:59".parse().unwrap();
        let next: ReportDateTime = "2026-10-16 00:00:00".parse().unwrap();
        assert!(evening < day && day < next);
        assert!(next.is_midnight() && !day.is_midnight());
        assert_eq!(days_in_month(2024, 2), 29);
        assert_eq!(days_in_month(2100, 2), 28);
    }
}
