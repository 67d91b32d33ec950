//! Reading consumption reports: the tolerated forms (BOM, CRLF or LF, quoted fields, empty cells,
//! no header), bad rows reported with line and column and skipped, the 1 % rule, ZIP downloads and
//! their limits, exact sums — and that no input, however broken, makes the reader panic.
#![allow(clippy::unwrap_used)] // a test that fails should panic with the error

mod spend_support;

use ccs_api::YearMonth;
use ccs_core::spend::{
    read_report, read_zip, Cube, CubeBuilder, Dimension, Dimensions, FileOutcome, Filter, Fixed,
    Key, ReportMeta, RowProblem, SpendError, ZipLimits,
};
use proptest::prelude::*;
use spend_support::{header, report, row, zip};
use std::io::Cursor;

fn october() -> ReportMeta {
    ReportMeta {
        name: "ConsumptionRatedReport_OCB0001234_202610.csv".into(),
        month: YearMonth::new(2026, 10).unwrap(),
        partial: false,
    }
}

fn read(bytes: &[u8]) -> Result<(Cube, FileOutcome), SpendError> {
    let mut builder = CubeBuilder::new(Dimensions::ALL);
    let outcome = read_report(bytes, &october(), &mut builder)?;
    Ok((builder.finish(), outcome))
}

fn total(cube: &Cube, currency: &str) -> Fixed {
    cube.totals(&Filter::default())
        .unwrap()
        .into_iter()
        .filter(|t| t.currency == currency)
        .map(|t| t.sums.discounted_amount)
        .sum()
}

#[test]
fn bom_lf_quoted_fields_and_empty_cells() {
    let mut text = String::from("\u{feff}");
    text.push_str(&header());
    text.push('\n');
    text.push_str(&row(&[("DiscountedAmount", "2,50"), ("Quantity", "")]));
    text.push('\n');
    // A quoted service name holding the separator, a quoted amount, a tag cell with a quote.
    text.push_str(&row(&[
        ("ServiceCloud", "\"Object; Storage\""),
        ("DiscountedAmount", "\"1 000,25\""),
        ("Tags", "\"env=\"\"prod\"\"\""),
    ]));
    text.push('\n');
    // Empty numbers are zero.
    text.push_str(&row(&[("Amount", ""), ("DiscountedAmount", "")]));
    let (cube, outcome) = read(text.as_bytes()).unwrap();
    assert_eq!(outcome.rows, 3);
    assert_eq!(outcome.bad_rows, 0);
    assert_eq!(total(&cube, "EUR"), "1002.75".parse().unwrap());
    let services = cube.values(&Dimension::Service).unwrap();
    assert_eq!(services, ["Elastic Cloud Server", "Object; Storage"]);
    assert_eq!(
        cube.values(&Dimension::Tag("env".into())).unwrap(),
        ["\"prod\"", "prod"]
    );
    assert_eq!(cube.decimals().discounted_amount, 2);
    assert_eq!(cube.decimals().quantity, 3);
}

#[test]
fn crlf_and_lf_read_the_same() {
    let rows = [row(&[]), row(&[("Amount", "3,5")])];
    let crlf = report(&rows);
    let lf = String::from_utf8(crlf.clone())
        .unwrap()
        .replace("\r\n", "\n");
    let (a, _) = read(&crlf).unwrap();
    let (b, _) = read(lf.as_bytes()).unwrap();
    assert_eq!(a, b);
}

#[test]
fn a_file_without_header_loses_no_row() {
    let text = format!("{}\n{}\n", row(&[]), row(&[]));
    let (cube, outcome) = read(text.as_bytes()).unwrap();
    assert_eq!(outcome.rows, 2);
    assert_eq!(total(&cube, "EUR"), Fixed::from_int(2));
    // And a spreadsheet's `sep=;` line is skipped.
    let text = format!("sep=;\r\n{}\r\n{}\r\n", header(), row(&[]));
    assert_eq!(read(text.as_bytes()).unwrap().1.rows, 1);
}

#[test]
fn bad_rows_are_reported_with_line_and_column_and_skipped() {
    let mut rows: Vec<String> = (0..300).map(|_| row(&[])).collect();
    rows[9] = row(&[("Amount", "12,3,4")]); // line 11
    rows[99] = row(&[("EndDate", "yesterday")]); // line 101
    rows[199] = "too;few;columns".into(); // line 201
    let (cube, outcome) = read(&report(&rows)).unwrap();
    assert_eq!(outcome.rows, 297);
    assert_eq!(outcome.bad_rows, 3);
    let found: Vec<(u64, Option<&str>)> = outcome
        .warnings
        .iter()
        .map(|w| (w.line, w.column))
        .collect();
    assert_eq!(
        found,
        [(11, Some("Amount")), (101, Some("EndDate")), (201, None)]
    );
    assert_eq!(
        outcome.warnings[2].problem,
        RowProblem::ColumnCount { found: 3 }
    );
    assert_eq!(
        outcome.warnings[0].to_string(),
        "line 11, Amount: \"12,3,4\" is not a number"
    );
    assert_eq!(total(&cube, "EUR"), Fixed::from_int(297));
}

#[test]
fn more_than_one_percent_of_bad_rows_fails_the_report() {
    // 1 of 100: kept.
    let mut rows: Vec<String> = (0..100).map(|_| row(&[])).collect();
    rows[50] = row(&[("Quantity", "lots")]);
    assert!(read(&report(&rows)).is_ok());
    // 2 of 100: failed, naming the first bad lines.
    rows[70] = row(&[("BeginDate", "2026-10-99")]);
    match read(&report(&rows)) {
        Err(
            error @ SpendError::TooManyBadRows {
                bad: 2, rows: 100, ..
            },
        ) => {
            let message = error.to_string();
            assert!(message.contains("line 52, Quantity"), "{message}");
            assert!(message.contains("line 72, BeginDate"), "{message}");
            assert!(message.contains("ConsumptionRatedReport_OCB0001234_202610.csv"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_file_that_is_not_a_report_is_refused() {
    assert!(matches!(
        read(b"<html><body>Service unavailable</body></html>"),
        Err(SpendError::NotAReport { found: 1, .. })
    ));
    // Empty, or a header alone: an empty month.
    assert_eq!(read(b"").unwrap().1.rows, 0);
    assert_eq!(read(header().as_bytes()).unwrap().1.rows, 0);
}

#[test]
fn sums_are_exact_and_credits_stay_negative() {
    let mut rows: Vec<String> = (0..10)
        .map(|_| row(&[("DiscountedAmount", "0,1"), ("Amount", "0,1")]))
        .collect();
    rows.push(row(&[("DiscountedAmount", "-0,35"), ("Amount", "-0,35")]));
    let (cube, _) = read(&report(&rows)).unwrap();
    assert_eq!(total(&cube, "EUR"), "0.65".parse().unwrap());
    let grouped = cube.group(&Dimension::Service, &Filter::default()).unwrap();
    assert_eq!(grouped.rows[0].sums.discounted_amount.to_string(), "0.65");
    assert_eq!(grouped.rows[0].sums.amount.to_string_with(4), "0.6500");
}

#[test]
fn a_zip_download_is_read_entry_by_entry() {
    let one = report(&[row(&[("DiscountedAmount", "10")])]);
    let two = report(&[row(&[("DiscountedAmount", "5"), ("ServiceCloud", "OBS")])]);
    let archive = zip(&[("a.csv", &one), ("readme.txt", b"hello"), ("b.CSV", &two)]);
    let mut builder = CubeBuilder::new(Dimensions::ALL);
    let outcomes = read_zip(
        Cursor::new(archive),
        &october(),
        &ZipLimits::default(),
        &mut builder,
    )
    .unwrap();
    let names: Vec<&str> = outcomes.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "ConsumptionRatedReport_OCB0001234_202610.csv (a.csv)",
            "ConsumptionRatedReport_OCB0001234_202610.csv (b.CSV)"
        ]
    );
    let cube = builder.finish();
    assert_eq!(total(&cube, "EUR"), Fixed::from_int(15));
    assert_eq!(cube.months()[0].files, 2);
    // A single entry without the .csv name is read too.
    let archive = zip(&[("report", &one)]);
    let mut builder = CubeBuilder::new(Dimensions::ALL);
    read_zip(
        Cursor::new(archive),
        &october(),
        &ZipLimits::default(),
        &mut builder,
    )
    .unwrap();
    assert_eq!(total(&builder.finish(), "EUR"), Fixed::from_int(10));
}

#[test]
fn zip_bombs_and_odd_archives_are_refused() {
    let big = report(&vec![row(&[]); 20_000]); // ~4 MB, compresses very well
    let archive = zip(&[("big.csv", &big)]);
    let read_with = |archive: &[u8], limits: ZipLimits| {
        let mut builder = CubeBuilder::new(Dimensions::ALL);
        read_zip(
            Cursor::new(archive.to_vec()),
            &october(),
            &limits,
            &mut builder,
        )
    };
    assert!(read_with(&archive, ZipLimits::default()).is_ok());
    // Total bytes.
    let small_total = ZipLimits {
        max_total_bytes: 1 << 20,
        ..ZipLimits::default()
    };
    assert!(matches!(
        read_with(&archive, small_total),
        Err(SpendError::ZipTooLarge { .. })
    ));
    // Ratio: far more unpacked than the archive's size allows.
    let ratio = ZipLimits {
        max_ratio: 2,
        ..ZipLimits::default()
    };
    assert!(matches!(
        read_with(&archive, ratio),
        Err(SpendError::ZipTooLarge { .. })
    ));
    // Too many entries.
    let one = report(&[row(&[])]);
    let entries: Vec<(String, &[u8])> = (0..5).map(|i| (format!("{i}.csv"), &one[..])).collect();
    let entries: Vec<(&str, &[u8])> = entries.iter().map(|(n, b)| (n.as_str(), *b)).collect();
    let few = ZipLimits {
        max_entries: 4,
        ..ZipLimits::default()
    };
    assert!(matches!(
        read_with(&zip(&entries), few),
        Err(SpendError::ZipTooManyEntries {
            entries: 5,
            max: 4,
            ..
        })
    ));
    // Encrypted: the "encrypted" flag set in the local and central headers.
    let mut encrypted = zip(&[("a.csv", &one)]);
    set_encrypted_flag(&mut encrypted);
    assert!(matches!(
        read_with(&encrypted, ZipLimits::default()),
        Err(SpendError::ZipEncrypted { .. })
    ));
    // Not a ZIP at all, and an empty one.
    assert!(matches!(
        read_with(b"PK\x03\x04 nothing", ZipLimits::default()),
        Err(SpendError::Zip { .. })
    ));
    assert!(matches!(
        read_with(&zip(&[]), ZipLimits::default()),
        Err(SpendError::ZipEmpty { .. })
    ));
}

/// Sets bit 0 (encrypted) of the general-purpose flags in every local and central header.
fn set_encrypted_flag(archive: &mut [u8]) {
    let mut at = 0;
    while at + 4 <= archive.len() {
        match &archive[at..at + 4] {
            b"PK\x03\x04" => archive[at + 6] |= 1,
            b"PK\x01\x02" => archive[at + 8] |= 1,
            _ => {}
        }
        at += 1;
    }
}

#[test]
fn tags_missing_a_key_go_to_none() {
    let rows = [
        row(&[("Tags", "env=prod,app=erp"), ("DiscountedAmount", "1")]),
        row(&[("Tags", "app=web"), ("DiscountedAmount", "2")]),
        row(&[("Tags", ""), ("DiscountedAmount", "4")]),
        row(&[("Tags", "env=dev | app=erp"), ("DiscountedAmount", "8")]),
    ];
    let (cube, _) = read(&report(&rows)).unwrap();
    let grouped = cube
        .group(&Dimension::Tag("env".into()), &Filter::default())
        .unwrap();
    let found: Vec<(Key, String)> = grouped
        .rows
        .iter()
        .map(|r| (r.key.clone(), r.sums.discounted_amount.to_string()))
        .collect();
    assert_eq!(
        found,
        [
            (Key::text("dev"), "8".to_owned()),
            (Key::None, "6".to_owned()),
            (Key::text("prod"), "1".to_owned()),
        ]
    );
    assert_eq!(Key::None.to_string(), "(none)");
}

/// A number of cents written as a report might: decimal comma or dot, digit groups, 2 or 4
/// decimals.
fn written(cents: i64, style: u8) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let whole = (cents.unsigned_abs() / 100).to_string();
    let fraction = cents.unsigned_abs() % 100;
    let grouped: String = whole
        .chars()
        .rev()
        .collect::<Vec<_>>()
        .chunks(3)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("\u{a0}")
        .chars()
        .rev()
        .collect();
    match style % 4 {
        0 => format!("{sign}{whole},{fraction:02}"),
        1 => format!("{sign}{whole}.{fraction:02}00"),
        2 => format!("{sign}{grouped},{fraction:02}"),
        _ => format!("\"{sign}{whole},{fraction:02}\""),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn sums_are_exact_to_the_cent(amounts in proptest::collection::vec((-10_000_000_000i64..10_000_000_000, any::<u8>()), 1..60)) {
        let rows: Vec<String> = amounts
            .iter()
            .map(|(cents, style)| row(&[("DiscountedAmount", &written(*cents, *style))]))
            .collect();
        let (cube, outcome) = read(&report(&rows)).unwrap();
        prop_assert_eq!(outcome.bad_rows, 0);
        let expected: i64 = amounts.iter().map(|(cents, _)| cents).sum();
        prop_assert_eq!(total(&cube, "EUR"), Fixed::from_cents(expected));
    }

    #[test]
    fn random_bytes_never_panic_the_reader(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = read(&bytes);
        let mut builder = CubeBuilder::new(Dimensions::ALL);
        let _ = read_zip(Cursor::new(bytes), &october(), &ZipLimits::default(), &mut builder);
    }

    #[test]
    fn report_like_bytes_never_panic_the_reader(
        cells in proptest::collection::vec("[0-9a-z;,. \"\r\n=|\u{a0}-]{0,12}", 0..120)
    ) {
        let mut text = header();
        text.push('\n');
        text.push_str(&cells.join(";"));
        let _ = read(text.as_bytes());
    }
}
