//! Lenient readers for the numbers of a documents list (`size`, `amount`).
//!
//! Why: a list of 100,000 documents must not fail because one row says `"amount": "12,50"` or
//! `"size": null`. These fields are informative (the file is what matters), so a value that cannot
//! be read becomes `None` for that row only, instead of an error for the whole list. The required
//! fields (`id`, `filename`, `period`) stay strict: without them a row is useless.

use serde::de::{Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::fmt;

/// `size`: a whole, non-negative number of bytes (a JSON number or a text of digits, spaces
/// allowed as thousands separators, a zero fraction accepted); anything else is `None`.
pub(crate) fn size<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<u64>, D::Error> {
    let number = deserializer.deserialize_any(Lenient)?;
    Ok(number.and_then(Number::whole))
}

/// `amount`: a finite JSON number, or a decimal text with `.` or `,` (`"12.5"`, `"1 234,50"`,
/// `"-3"`); anything else is `None`.
pub(crate) fn amount<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<f64>, D::Error> {
    let number = deserializer.deserialize_any(Lenient)?;
    Ok(number.and_then(Number::decimal))
}

/// A number as it came: integers apart, so that a large size is not rounded through `f64`.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Number {
    Unsigned(u64),
    Signed(i64),
    Float(f64),
}

impl Number {
    fn whole(self) -> Option<u64> {
        match self {
            Number::Unsigned(n) => Some(n),
            Number::Signed(n) => u64::try_from(n).ok(),
            Number::Float(f) if f.is_finite() && f >= 0.0 && f.fract() == 0.0 && f < 1.8e19 => {
                Some(f as u64)
            }
            Number::Float(_) => None,
        }
    }

    fn decimal(self) -> Option<f64> {
        let value = match self {
            Number::Unsigned(n) => n as f64,
            Number::Signed(n) => n as f64,
            Number::Float(f) => f,
        };
        value.is_finite().then_some(value)
    }
}

/// Reads a decimal text: an optional sign, digits with spaces (also no-break ones) between them,
/// and at most one `.` or `,` before the fraction. No exponent, no `inf`/`NaN`.
fn parse_text(text: &str) -> Option<Number> {
    let mut cleaned = String::with_capacity(text.len());
    let mut separators = 0;
    for (index, c) in text.trim().chars().enumerate() {
        match c {
            '0'..='9' => cleaned.push(c),
            '-' | '+' if index == 0 => cleaned.push(c),
            '.' | ',' => {
                separators += 1;
                cleaned.push('.');
            }
            ' ' | '\u{00A0}' | '\u{202F}' | '\'' => {}
            _ => return None,
        }
    }
    let digits = cleaned.chars().filter(char::is_ascii_digit).count();
    if separators > 1 || digits == 0 || cleaned.len() > 64 {
        return None;
    }
    if separators == 0 {
        if let Ok(n) = cleaned.trim_start_matches('+').parse::<u64>() {
            return Some(Number::Unsigned(n));
        }
        if let Ok(n) = cleaned.parse::<i64>() {
            return Some(Number::Signed(n));
        }
    }
    cleaned
        .parse::<f64>()
        .ok()
        .filter(|f| f.is_finite())
        .map(Number::Float)
}

/// Accepts any JSON value; numbers and numeric texts give a [`Number`], the rest `None` (and is
/// skipped whole).
struct Lenient;

impl<'de> Visitor<'de> for Lenient {
    type Value = Option<Number>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a number, a numeric text or null")
    }

    fn visit_u64<E>(self, n: u64) -> Result<Self::Value, E> {
        Ok(Some(Number::Unsigned(n)))
    }

    fn visit_i64<E>(self, n: i64) -> Result<Self::Value, E> {
        Ok(Some(Number::Signed(n)))
    }

    fn visit_f64<E>(self, f: f64) -> Result<Self::Value, E> {
        Ok(Some(Number::Float(f)))
    }

    fn visit_str<E>(self, text: &str) -> Result<Self::Value, E> {
        Ok(parse_text(text))
    }

    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(None)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[derive(serde::Deserialize, Debug)]
    struct Row {
        #[serde(default, deserialize_with = "size")]
        size: Option<u64>,
        #[serde(default, deserialize_with = "amount")]
        amount: Option<f64>,
    }

    fn row(json: &str) -> Row {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn amounts_are_numbers_or_decimal_texts() {
        let cases: [(&str, Option<f64>); 14] = [
            ("12.5", Some(12.5)),
            ("-3", Some(-3.0)),
            ("18446744073709551615", Some(1.8446744073709552e19)),
            ("\"12.5\"", Some(12.5)),
            ("\"12,50\"", Some(12.5)),
            ("\"1 234,50\"", Some(1234.5)),
            ("\"1\u{00A0}234.5\"", Some(1234.5)),
            ("\" +7 \"", Some(7.0)),
            ("\"1.234,5\"", None),
            ("\"12 EUR\"", None),
            ("\"NaN\"", None),
            ("\"1e5\"", None),
            ("null", None),
            ("{\"value\": 3}", None),
        ];
        for (value, expected) in cases {
            let json = format!(r#"{{"amount": {value}}}"#);
            assert_eq!(row(&json).amount, expected, "{value}");
        }
        assert_eq!(row("{}").amount, None);
    }

    #[test]
    fn sizes_are_whole_numbers_or_digit_texts() {
        let cases: [(&str, Option<u64>); 10] = [
            ("4096", Some(4096)),
            ("4096.0", Some(4096)),
            ("18446744073709551615", Some(u64::MAX)),
            ("\"4 096\"", Some(4096)),
            ("\"4096\"", Some(4096)),
            ("-1", None),
            ("12.5", None),
            ("\"big\"", None),
            ("[1,2]", None),
            ("true", None),
        ];
        for (value, expected) in cases {
            let json = format!(r#"{{"size": {value}}}"#);
            assert_eq!(row(&json).size, expected, "{value}");
        }
    }

    proptest! {
        #[test]
        fn any_text_is_read_or_none(text in "\\PC{0,40}") {
            let json = serde_json::json!({"size": text, "amount": text}).to_string();
            let row = row(&json);
            prop_assert!(row.amount.is_none_or(f64::is_finite));
        }

        #[test]
        fn any_number_is_read_or_none(f in any::<f64>(), i in any::<i64>()) {
            let json = serde_json::json!({"size": f, "amount": i}).to_string();
            let _ = row(&json);
            let json = serde_json::json!({"size": i, "amount": f}).to_string();
            let row = row(&json);
            prop_assert!(row.amount.is_none_or(f64::is_finite));
        }
    }
}
