//! Exact amounts: a fixed-point number, read by hand from a report's bytes.
//!
//! Why not `f64`: a month's total must equal the bill to the cent, and `0,1` ten times must be
//! `1` exactly. Why not a decimal crate: reading three numbers per row is the reader's hot path, and
//! an `i128` counted in units of 10⁻¹² is parsed straight from the bytes (digits into a `u64`, one
//! multiplication) and added with one instruction, exactly, for any sum a report can hold.
//!
//! The reports' number format is half known (decimal comma, confirmed); the reader also accepts a
//! decimal dot, spaces and no-break spaces between digit groups (`1 234,56`), `1.234,56` and
//! `1,234.56`, and an exponent (`1E-05`, as spreadsheets write small numbers). Digits beyond the
//! 12th decimal are rounded (half away from zero): spreadsheet exports of floating-point values
//! (`0.30000000000000004`) would otherwise fail whole rows.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::ops::{Add, AddAssign, Neg, Sub, SubAssign};
use std::str::FromStr;

/// Decimals kept: every amount is a whole number of 10⁻¹².
pub const SCALE_DIGITS: u8 = 12;

const SCALE: i128 = 1_000_000_000_000;

/// The largest magnitude a report's number may have (10¹⁸, units: 10³⁰): sums of 10⁸ of them
/// still fit an `i128`, so no realistic sum can overflow (sums saturate rather than wrap).
const MAX_MAGNITUDE: i128 = 1_000_000_000_000_000_000 * SCALE;

/// 10ⁿ for n in 0..=38.
const POW10: [i128; 39] = {
    let mut table = [1i128; 39];
    let mut n = 1;
    while n < 39 {
        table[n] = table[n - 1] * 10;
        n += 1;
    }
    table
};

/// An exact decimal number, a whole count of 10⁻¹² (see [`SCALE_DIGITS`]).
///
/// Displayed as a plain decimal with a dot and no trailing zeros (`1234.56`, `-0.5`); use
/// [`Fixed::to_string_with`] for a set number of decimals. Serialised as that text, so JSON keeps it
/// exact.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Fixed(i128);

/// Why a text is not a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotANumber;

impl Fixed {
    /// Zero.
    pub const ZERO: Fixed = Fixed(0);

    /// The number of whole 10⁻¹² units.
    pub const fn from_units(units: i128) -> Self {
        Fixed(units)
    }

    /// Its count of 10⁻¹² units.
    pub const fn units(self) -> i128 {
        self.0
    }

    /// A whole number of cents.
    pub fn from_cents(cents: i64) -> Self {
        Fixed(i128::from(cents) * (SCALE / 100))
    }

    /// A whole number.
    pub fn from_int(value: i64) -> Self {
        Fixed(i128::from(value) * SCALE)
    }

    /// The nearest whole number of cents to `value` (half away from zero), for amounts that arrive
    /// as JSON numbers. Read from the shortest decimal text that gives back the same `f64` (what
    /// the JSON most likely said), not from `value × 100`: `2.675` is 268 cents although its `f64`
    /// is 2.67499999…. `None` for NaN, infinities and magnitudes beyond 10¹⁵.
    pub fn from_f64_cents(value: f64) -> Option<Self> {
        if !value.is_finite() || value.abs() > 1e15 {
            return None;
        }
        if value.abs() < 0.004 {
            // Zero cents (and no text of hundreds of zeros for 1e-300).
            return Some(Fixed::ZERO);
        }
        // Rust prints the shortest round-trip text, never with an exponent.
        let text = value.to_string();
        let (exact, _) = Fixed::parse_bytes(text.as_bytes()).ok()?;
        Some(exact.round_to(2))
    }

    /// The absolute value.
    pub fn abs(self) -> Self {
        Fixed(self.0.saturating_abs())
    }

    /// Whether it is below zero.
    pub fn is_negative(self) -> bool {
        self.0 < 0
    }

    /// Rounded to `decimals` (at most 12), half away from zero.
    pub fn round_to(self, decimals: u8) -> Self {
        let decimals = decimals.min(SCALE_DIGITS);
        let step = POW10[usize::from(SCALE_DIGITS - decimals)];
        Fixed(round_div(self.0, step).saturating_mul(step))
    }

    /// `self × numerator ÷ denominator`, rounded half away from zero to the last unit: a month to
    /// date scaled to the whole month. `None` when `denominator` is 0.
    pub fn mul_ratio(self, numerator: u32, denominator: u32) -> Option<Self> {
        if denominator == 0 {
            return None;
        }
        let product = self.0.checked_mul(i128::from(numerator))?;
        Some(Fixed(round_div(product, i128::from(denominator))))
    }

    /// The plain decimal text with exactly `decimals` decimals (rounded half away from zero when it
    /// carries more): `1234.5600` for 4.
    pub fn to_string_with(self, decimals: u8) -> String {
        let decimals = decimals.min(SCALE_DIGITS);
        let rounded = self.round_to(decimals).0;
        let sign = if rounded < 0 { "-" } else { "" };
        let magnitude = rounded.unsigned_abs();
        let whole = magnitude / SCALE.unsigned_abs();
        if decimals == 0 {
            return format!("{sign}{whole}");
        }
        let fraction = (magnitude % SCALE.unsigned_abs())
            / POW10[usize::from(SCALE_DIGITS - decimals)].unsigned_abs();
        format!(
            "{sign}{whole}.{fraction:0width$}",
            width = usize::from(decimals)
        )
    }

    /// How many decimals it needs (0 to 12): `1.50` needs 1.
    pub fn decimals(self) -> u8 {
        let mut decimals = SCALE_DIGITS;
        let mut rest = self.0;
        while decimals > 0 && rest % 10 == 0 {
            rest /= 10;
            decimals -= 1;
        }
        decimals
    }

    /// Reads one report cell: empty (or blank) is zero. Returns the number and how many decimals
    /// it was written with (capped at 12).
    pub fn parse_bytes(field: &[u8]) -> Result<(Fixed, u8), NotANumber> {
        if field.is_empty() {
            return Ok((Fixed::ZERO, 0));
        }
        parse_simple(field).map_or_else(|| parse_general(field), Ok)
    }
}

/// `value ÷ divisor` rounded half away from zero (`divisor` > 0).
fn round_div(value: i128, divisor: i128) -> i128 {
    let quotient = value / divisor;
    let remainder = value % divisor;
    if remainder.unsigned_abs() * 2 >= divisor.unsigned_abs() {
        if value < 0 {
            quotient - 1
        } else {
            quotient + 1
        }
    } else {
        quotient
    }
}

/// The hot path: `-?digits([,.]digits)?`, at most 18 digits and 12 decimals. `None` sends the
/// field to [`parse_general`].
#[inline]
fn parse_simple(field: &[u8]) -> Option<(Fixed, u8)> {
    let (negative, digits) = match field.first() {
        Some(b'-') => (true, &field[1..]),
        Some(b'+') => (false, &field[1..]),
        _ => (false, field),
    };
    let mut mantissa: u64 = 0;
    let mut count = 0u32;
    let mut decimals = 0u32;
    let mut separator = false;
    for &byte in digits {
        match byte {
            b'0'..=b'9' => {
                mantissa = mantissa
                    .wrapping_mul(10)
                    .wrapping_add(u64::from(byte - b'0'));
                count += 1;
                decimals += u32::from(separator);
            }
            b',' | b'.' if !separator => separator = true,
            _ => return None,
        }
    }
    if count == 0 || count > 18 || decimals > u32::from(SCALE_DIGITS) {
        return None;
    }
    let units = i128::from(mantissa) * POW10[(u32::from(SCALE_DIGITS) - decimals) as usize];
    // At most 18 digits: below 10¹⁸, within MAX_MAGNITUDE.
    let decimals = decimals as u8;
    Some((Fixed(if negative { -units } else { units }), decimals))
}

/// Spaces that may group digits or pad a cell: ASCII blanks, no-break space, narrow no-break space
/// and thin space (UTF-8). Returns the length of the one at the start of `bytes`.
fn blank_len(bytes: &[u8]) -> usize {
    match bytes {
        [b' ' | b'\t' | b'\r' | b'\n', ..] => 1,
        [0xC2, 0xA0, ..] => 2,
        [0xE2, 0x80, 0xAF | 0x89, ..] => 3,
        _ => 0,
    }
}

fn trim_blanks(mut bytes: &[u8]) -> &[u8] {
    loop {
        let n = blank_len(bytes);
        if n == 0 {
            break;
        }
        bytes = &bytes[n..];
    }
    loop {
        let trailing = [1usize, 2, 3]
            .into_iter()
            .find(|&n| bytes.len() >= n && blank_len(&bytes[bytes.len() - n..]) == n);
        match trailing {
            Some(n) => bytes = &bytes[..bytes.len() - n],
            None => break,
        }
    }
    bytes
}

/// Every form the module's docs accept.
fn parse_general(field: &[u8]) -> Result<(Fixed, u8), NotANumber> {
    let field = trim_blanks(field);
    if field.is_empty() {
        return Ok((Fixed::ZERO, 0));
    }
    let (negative, body) = match field.first() {
        Some(b'-') => (true, &field[1..]),
        Some(b'+') => (false, &field[1..]),
        _ => (false, field),
    };
    let (mantissa_text, exponent) = match body.iter().position(|b| matches!(b, b'e' | b'E')) {
        Some(at) => (&body[..at], parse_exponent(&body[at + 1..])?),
        None => (body, 0),
    };
    // Digits (without separators) and where each separator mark stands in them.
    let mut digits = [0u8; 40];
    let mut count = 0usize;
    let mut marks: [(u8, usize); 8] = [(0, 0); 8];
    let mut mark_count = 0usize;
    let mut rest = mantissa_text;
    while let Some(&byte) = rest.first() {
        let blank = blank_len(rest);
        if blank > 0 {
            // A group separator: only between digits.
            let next_is_digit = rest.get(blank).is_some_and(u8::is_ascii_digit);
            if count == 0 || !next_is_digit || mark_count == marks.len() {
                return Err(NotANumber);
            }
            marks[mark_count] = (b'\'', count);
            mark_count += 1;
            rest = &rest[blank..];
            continue;
        }
        match byte {
            b'0'..=b'9' => {
                if count == digits.len() {
                    return Err(NotANumber);
                }
                digits[count] = byte - b'0';
                count += 1;
            }
            b',' | b'.' | b'\'' => {
                // Apostrophes and blanks only ever group digits; both are recorded as `'`.
                if mark_count == marks.len() {
                    return Err(NotANumber);
                }
                marks[mark_count] = (byte, count);
                mark_count += 1;
            }
            _ => return Err(NotANumber),
        }
        rest = &rest[1..];
    }
    if count == 0 {
        return Err(NotANumber);
    }
    let marks = &marks[..mark_count];
    let point = decimal_point(marks, count)?;
    let integer_digits = point.unwrap_or(count);
    let written_decimals = count - integer_digits;
    // The value is digits × 10^(exponent − written_decimals).
    let shift = exponent - written_decimals as i32;
    let decimals_written = (-shift).max(0);
    let mut units: i128 = 0;
    let scale_shift = shift + i32::from(SCALE_DIGITS);
    // Leading zeros cost nothing; count significant digits to refuse absurd magnitudes early.
    let first_significant = digits[..count].iter().position(|&d| d != 0);
    let Some(first_significant) = first_significant else {
        return Ok((
            Fixed::ZERO,
            decimals_written.min(i32::from(SCALE_DIGITS)) as u8,
        ));
    };
    let significant = &digits[first_significant..count];
    if significant.len() as i32 + scale_shift > 31 {
        return Err(NotANumber);
    }
    if scale_shift >= 0 {
        for &digit in significant {
            units = units * 10 + i128::from(digit);
        }
        units = units
            .checked_mul(POW10[scale_shift as usize])
            .ok_or(NotANumber)?;
    } else {
        // More decimals than kept: round the dropped digits half away from zero. With fewer
        // significant digits than dropped ones, the value is below a tenth of a unit: zero.
        let dropped = (-scale_shift) as usize;
        if significant.len() >= dropped {
            let kept_len = significant.len() - dropped;
            for &digit in &significant[..kept_len] {
                units = units * 10 + i128::from(digit);
            }
            if significant[kept_len] >= 5 {
                units += 1;
            }
        }
    }
    if units >= MAX_MAGNITUDE {
        return Err(NotANumber);
    }
    let decimals = decimals_written.min(i32::from(SCALE_DIGITS)) as u8;
    Ok((Fixed(if negative { -units } else { units }), decimals))
}

/// Where the decimal point stands (in digits), from the separator marks: one kind only, once, is
/// the decimal point (`1234,56`, `1.5`); one kind repeated in groups of three digits is grouping
/// (`1.234.567`); two kinds: the last is the decimal point, once, the other grouping (`1.234,56`,
/// `1,234.56`). An apostrophe only ever groups (`1'234.50`).
fn decimal_point(marks: &[(u8, usize)], count: usize) -> Result<Option<usize>, NotANumber> {
    let Some(&(last_kind, last_at)) = marks.iter().rfind(|(kind, _)| *kind != b'\'') else {
        return check_groups(marks, count, None).map(|()| None);
    };
    let last_kind_count = marks.iter().filter(|(kind, _)| *kind == last_kind).count();
    let other_decimal_kind = marks
        .iter()
        .any(|(kind, _)| *kind != last_kind && *kind != b'\'');
    if last_kind_count == 1 {
        check_groups(marks, last_at, Some(last_kind))?;
        return Ok(Some(last_at));
    }
    if other_decimal_kind {
        // `1.234.567,8,9` and the like.
        return Err(NotANumber);
    }
    check_groups(marks, count, None).map(|()| None)
}

/// Grouping marks (all but `point`) must stand every three digits before `end`.
fn check_groups(marks: &[(u8, usize)], end: usize, point: Option<u8>) -> Result<(), NotANumber> {
    let mut groups = marks
        .iter()
        .filter(|(kind, at)| !(Some(*kind) == point && *at == end))
        .map(|&(_, at)| at)
        .peekable();
    let Some(&first) = groups.peek() else {
        return Ok(());
    };
    if first == 0 || first > 3 {
        return Err(NotANumber);
    }
    let mut previous = first;
    groups.next();
    for at in groups {
        if at != previous + 3 {
            return Err(NotANumber);
        }
        previous = at;
    }
    if end != previous + 3 {
        return Err(NotANumber);
    }
    Ok(())
}

fn parse_exponent(text: &[u8]) -> Result<i32, NotANumber> {
    let (negative, digits) = match text.first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    if digits.is_empty() || digits.len() > 2 || !digits.iter().all(u8::is_ascii_digit) {
        return Err(NotANumber);
    }
    let value = digits
        .iter()
        .fold(0i32, |n, d| n * 10 + i32::from(d - b'0'));
    Ok(if negative { -value } else { value })
}

impl fmt::Display for Fixed {
    /// The plain decimal, no trailing zeros: `1234.56`, `-3`, `0.000001`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_string_with(self.decimals()))
    }
}

impl fmt::Debug for Fixed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Fixed({self})")
    }
}

impl FromStr for Fixed {
    type Err = NotANumber;

    /// Any form a report cell may take (`-1 234,56`, `12.5`); empty is zero.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Fixed::parse_bytes(text.as_bytes()).map(|(value, _)| value)
    }
}

impl fmt::Display for NotANumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not a number")
    }
}

impl std::error::Error for NotANumber {}

impl Add for Fixed {
    type Output = Fixed;
    fn add(self, other: Fixed) -> Fixed {
        Fixed(self.0.saturating_add(other.0))
    }
}

impl AddAssign for Fixed {
    fn add_assign(&mut self, other: Fixed) {
        self.0 = self.0.saturating_add(other.0);
    }
}

impl Sub for Fixed {
    type Output = Fixed;
    fn sub(self, other: Fixed) -> Fixed {
        Fixed(self.0.saturating_sub(other.0))
    }
}

impl SubAssign for Fixed {
    fn sub_assign(&mut self, other: Fixed) {
        self.0 = self.0.saturating_sub(other.0);
    }
}

impl Neg for Fixed {
    type Output = Fixed;
    fn neg(self) -> Fixed {
        Fixed(self.0.saturating_neg())
    }
}

impl std::iter::Sum for Fixed {
    fn sum<I: Iterator<Item = Fixed>>(iter: I) -> Fixed {
        iter.fold(Fixed::ZERO, Add::add)
    }
}

impl Serialize for Fixed {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Fixed {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse()
            .map_err(|_| serde::de::Error::custom(format!("\"{text}\" is not a decimal number")))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn parse(text: &str) -> (String, u8) {
        let (value, decimals) = Fixed::parse_bytes(text.as_bytes()).unwrap();
        (value.to_string(), decimals)
    }

    #[test]
    fn report_forms_read_exactly() {
        assert_eq!(parse("1234,56"), ("1234.56".into(), 2));
        assert_eq!(parse("-12,34"), ("-12.34".into(), 2));
        assert_eq!(parse("1234.5600"), ("1234.56".into(), 4));
        assert_eq!(parse(""), ("0".into(), 0));
        assert_eq!(parse("   "), ("0".into(), 0));
        assert_eq!(parse("1 234,56"), ("1234.56".into(), 2));
        assert_eq!(parse("1\u{a0}234\u{a0}567,5"), ("1234567.5".into(), 1));
        assert_eq!(parse("1\u{202f}234,5"), ("1234.5".into(), 1));
        assert_eq!(parse("1.234,56"), ("1234.56".into(), 2));
        assert_eq!(parse("1,234.56"), ("1234.56".into(), 2));
        assert_eq!(parse("1.234.567"), ("1234567".into(), 0));
        assert_eq!(parse("1'234.5"), ("1234.5".into(), 1));
        assert_eq!(parse(" 7 "), ("7".into(), 0));
        assert_eq!(parse("+3,0"), ("3".into(), 1));
        assert_eq!(parse(",5"), ("0.5".into(), 1));
        assert_eq!(parse("1E-05"), ("0.00001".into(), 5));
        assert_eq!(parse("2,5e3"), ("2500".into(), 0));
        assert_eq!(parse("0.30000000000000004"), ("0.3".into(), 12));
        assert_eq!(parse("0.0000000000005"), ("0.000000000001".into(), 12));
        assert_eq!(parse("0.0000000000004"), ("0".into(), 12));
        assert_eq!(parse("0001,50"), ("1.5".into(), 2));
        assert_eq!(
            parse("123456789012345678,5"),
            ("123456789012345678.5".into(), 1)
        );
    }

    #[test]
    fn garbage_is_refused() {
        for text in [
            "abc",
            "-",
            ",",
            "1,2,3",
            "1.2.3,4,5",
            "12a",
            "1 2",
            "1e",
            "1e999",
            "--1",
            "1.23.4",
            "1e-",
            "1 ,5",
            "99999999999999999999999",
            "1 23,5",
            "NaN",
        ] {
            assert!(
                Fixed::parse_bytes(text.as_bytes()).is_err(),
                "{text} was read"
            );
        }
    }

    #[test]
    fn sums_are_exact() {
        let tenth = "0,1".parse::<Fixed>().unwrap();
        let sum: Fixed = std::iter::repeat_n(tenth, 10).sum();
        assert_eq!(sum, Fixed::from_int(1));
        assert_eq!(sum.to_string_with(4), "1.0000");
        assert_eq!(
            (Fixed::from_cents(-5) + Fixed::from_cents(2)).to_string(),
            "-0.03"
        );
    }

    #[test]
    fn fixed_decimals_and_rounding() {
        let value: Fixed = "1234.56".parse().unwrap();
        assert_eq!(value.to_string_with(4), "1234.5600");
        assert_eq!(value.to_string_with(0), "1235");
        assert_eq!(
            "-0.005".parse::<Fixed>().unwrap().to_string_with(2),
            "-0.01"
        );
        assert_eq!("-0.004".parse::<Fixed>().unwrap().to_string_with(2), "0.00");
        assert_eq!(value.decimals(), 2);
        assert_eq!(
            Fixed::from_int(100)
                .mul_ratio(30, 7)
                .unwrap()
                .to_string_with(4),
            "428.5714"
        );
        assert_eq!(Fixed::from_int(1).mul_ratio(1, 0), None);
    }

    #[test]
    fn json_amounts_become_cents() {
        assert_eq!(
            Fixed::from_f64_cents(1234.56),
            Some(Fixed::from_cents(123456))
        );
        assert_eq!(
            Fixed::from_f64_cents(0.1 + 0.2),
            Some(Fixed::from_cents(30))
        );
        assert_eq!(Fixed::from_f64_cents(-2.675), Some(Fixed::from_cents(-268)));
        assert_eq!(Fixed::from_f64_cents(f64::NAN), None);
        assert_eq!(Fixed::from_f64_cents(f64::INFINITY), None);
    }

    #[test]
    fn serde_is_a_decimal_text() {
        let value: Fixed = "-12.5".parse().unwrap();
        let json = serde_json::to_string(&value).unwrap();
        assert_eq!(json, "\"-12.5\"");
        assert_eq!(serde_json::from_str::<Fixed>(&json).unwrap(), value);
    }
}
