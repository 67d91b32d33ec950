//! `ccs spend` and `ccs cache` against the sandbox's consumption-report story: the numbers are the
//! sandbox's own truths (computed from the rows it serves), the second run reads nothing from the
//! network, `--csv` and `--json` agree, `--lines` shows the rows behind a key.
#![allow(clippy::unwrap_used)] // a test that fails should panic with the error

mod common;

use ccs_sandbox::{Route, SandboxConfig};
use common::{shared, temp, Sandboxed};
use serde_json::Value;
use std::collections::BTreeMap;

/// An exact decimal string ("1234.5600", "-0.5") in cents, refusing any non-zero digit past them.
fn cents(text: &str) -> i64 {
    let negative = text.starts_with('-');
    let digits = text.trim_start_matches('-');
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let mut fraction = fraction.to_owned();
    while fraction.len() < 2 {
        fraction.push('0');
    }
    assert!(
        fraction[2..].chars().all(|c| c == '0'),
        "{text} has sub-cent digits"
    );
    let value = whole.parse::<i64>().unwrap() * 100 + fraction[..2].parse::<i64>().unwrap();
    if negative {
        -value
    } else {
        value
    }
}

/// "202610" → "2026-10".
fn dashed(period: &str) -> String {
    format!("{}-{}", &period[..4], &period[4..6])
}

#[test]
fn spend_adds_up_to_the_sandbox_story_and_the_second_run_downloads_nothing() {
    // Its own sandbox: the download counter must count this test's requests only.
    let own = Sandboxed::start(SandboxConfig::default());
    let s = &own;
    let config = temp();
    let cache = temp();
    let contract = s.first_contract();
    let story = s.sandbox.spend_story(&contract).unwrap();
    let from = dashed(&story.closed_months[story.closed_months.len() - 12].period);
    let spend = |args: &[&str]| {
        let mut command = s.ccs(config.path());
        command
            .env("CCS_CACHE_DIR", cache.path())
            .env("CCS_CONTRACT", &contract)
            .arg("spend")
            .args(args);
        s.run(&mut command)
    };
    s.sandbox.reset_counters();
    let json = spend(&["--from", &from, "--json"]).expect(0).json();
    let first_downloads = s.sandbox.request_count(Route::DocumentFile);
    assert_eq!(
        first_downloads, 13,
        "12 closed months and the month to date"
    );
    let records = json.as_array().unwrap();

    // Each closed month, per currency, to the cent.
    let mut totals: BTreeMap<(String, String), i64> = BTreeMap::new();
    for record in records.iter().filter(|r| r["projected"] == false) {
        *totals
            .entry((
                record["month"].as_str().unwrap().to_owned(),
                record["currency"].as_str().unwrap().to_owned(),
            ))
            .or_default() += cents(record["discountedAmount"].as_str().unwrap());
        for field in ["amount", "discountedAmount", "quantity"] {
            assert!(record[field].is_string(), "decimals as strings: {record}");
        }
    }
    for month in story
        .closed_months
        .iter()
        .filter(|m| dashed(&m.period) >= from)
    {
        for (currency, expected) in &month.discounted_cents {
            assert_eq!(
                totals.get(&(dashed(&month.period), currency.clone())),
                Some(expected),
                "{} {currency}",
                month.period
            );
        }
    }
    // The month to date, and its projection beside it.
    let to_date = dashed(&story.month_to_date.period);
    assert!(records.iter().any(|r| r["month"] == to_date.as_str()
        && r["partial"] == true
        && r["projected"] == false));
    assert!(records
        .iter()
        .any(|r| r["month"] == to_date.as_str() && r["projected"] == true));
    // The spike month is the highest of the main currency (when it is in the window).
    let main = story.main_currency.as_str();
    let highest = totals
        .iter()
        .filter(|((month, currency), _)| currency == main && *month != to_date)
        .max_by_key(|(_, cents)| **cents)
        .map(|((month, _), _)| month.clone())
        .unwrap();
    assert!(
        dashed(&story.spike_month) >= from,
        "the spike is within the last year"
    );
    assert_eq!(highest, dashed(&story.spike_month));

    // The table: the top mover named in the change column's largest move, reconciliation shown.
    let previous = dashed(&story.closed_months[story.closed_months.len() - 2].period);
    let table = spend(&["--by", "service", "--from", &previous]);
    let table = table.expect(0).stdout;
    assert!(table.contains("TOTAL"), "{table}");
    assert!(
        table.contains("Reports against the documents list"),
        "{table}"
    );
    if let Some(mover) = &story.top_mover {
        assert!(table.contains(mover.as_str()), "{table}");
    }

    // Opening again: the reports and their aggregates come from the cache.
    s.sandbox.reset_counters();
    let again = spend(&["--from", &from, "--json"]).expect(0).json();
    assert_eq!(
        s.sandbox.request_count(Route::DocumentFile),
        0,
        "no second download"
    );
    assert_eq!(again, json, "the same numbers from the cache");

    // CSV: the same records, one line each.
    let csv = spend(&["--from", &from, "--csv"]).expect(0).stdout;
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), records.len());
    assert_eq!(
        &rows[0][4],
        records[0]["discountedAmount"].as_str().unwrap()
    );

    // The lines behind the top mover.
    if let Some(mover) = &story.top_mover {
        let lines = spend(&[
            "--from", &from, "--by", "service", "--lines", mover, "--json",
        ])
        .expect(0)
        .json();
        let lines = lines.as_array().unwrap();
        assert!(!lines.is_empty());
        assert!(lines
            .iter()
            .all(|l| l["columns"][7].as_str() == Some(mover.as_str())));
    }

    // Clearing: the next run downloads again.
    s.run(
        s.ccs(config.path())
            .env("CCS_CACHE_DIR", cache.path())
            .args(["cache", "clear"]),
    )
    .expect(0);
    s.sandbox.reset_counters();
    spend(&["--from", &from, "--json"]).expect(0);
    assert_eq!(
        s.sandbox.request_count(Route::DocumentFile),
        first_downloads
    );
}

#[test]
fn two_currencies_are_never_added() {
    let s = shared();
    let Some(contract) = s.sandbox.two_currency_contract() else {
        panic!("the sandbox story has a contract with two currencies");
    };
    let config = temp();
    let cache = temp();
    let story = s.sandbox.spend_story(&contract).unwrap();
    let last = dashed(&story.closed_months.last().unwrap().period);
    let json: Value = s
        .run(
            s.ccs(config.path())
                .env("CCS_CACHE_DIR", cache.path())
                .env("CCS_CONTRACT", &contract)
                .args(["spend", "--from", &last, "--to", &last, "--json"]),
        )
        .expect(0)
        .json();
    let currencies: std::collections::BTreeSet<&str> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["currency"].as_str().unwrap())
        .collect();
    assert_eq!(currencies.len(), 2, "{currencies:?}");
    let month = story.closed_months.last().unwrap();
    for (currency, expected) in &month.discounted_cents {
        let total: i64 = json
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["currency"] == currency.as_str() && r["projected"] == false)
            .map(|r| cents(r["discountedAmount"].as_str().unwrap()))
            .sum();
        assert_eq!(total, *expected, "{currency} on its own");
    }
}

#[test]
fn bad_flags_are_refused_before_any_request() {
    let own = Sandboxed::start(SandboxConfig::default());
    let s = &own;
    let config = temp();
    let contract = s.first_contract();
    for (args, field) in [
        (&["spend", "--by", "colour"][..], "colour"),
        (&["spend", "--from", "2026-13"], "from"),
        (&["spend", "--tag", "=x"], "tag filter"),
        (&["spend", "--cache-size", "lots"], "lots"),
    ] {
        let outcome = s
            .run(
                s.ccs(config.path())
                    .env("CCS_CONTRACT", &contract)
                    .args(args),
            )
            .expect(2);
        assert!(
            outcome.stderr.contains(field),
            "{args:?}: {}",
            outcome.stderr
        );
    }
    assert_eq!(
        s.sandbox.request_count(Route::Token),
        0,
        "no request at all"
    );
    assert_eq!(s.sandbox.request_count(Route::Documents), 0);
}

#[test]
fn a_tiny_cache_keeps_what_the_run_reads_and_trims_after() {
    let s = shared();
    let config = temp();
    let cache = temp();
    let contract = s.first_contract();
    let story = s.sandbox.spend_story(&contract).unwrap();
    let months = &story.closed_months;
    let run = |from: &str, to: &str| {
        s.run(
            s.ccs(config.path())
                .env("CCS_CACHE_DIR", cache.path())
                .env("CCS_CONTRACT", &contract)
                .args(["spend", "--cache-size", "1K", "--from", from, "--to", to])
                .args([
                    "--by",
                    "service",
                    "--lines",
                    "Elastic Cloud Server",
                    "--json",
                ]),
        )
        .expect(0)
        .json()
    };
    let reports = |dir: &std::path::Path| {
        std::fs::read_dir(dir)
            .unwrap()
            .flatten()
            .filter(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                name.contains(".plain.") && !name.ends_with(".cube.json")
            })
            .count()
    };
    // Three months over a 1 KiB limit: every report read (the lines of each month come back),
    // none removed under the run's feet.
    let first = run(
        &dashed(&months[months.len() - 3].period),
        &dashed(&months[months.len() - 1].period),
    );
    let seen: std::collections::BTreeSet<&str> = first
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["month"].as_str().unwrap())
        .collect();
    assert_eq!(seen.len(), 3, "{seen:?}");
    assert_eq!(reports(cache.path()), 3, "kept while in use");
    // Another month: the three it does not read leave.
    let month = dashed(&months[months.len() - 6].period);
    run(&month, &month);
    assert_eq!(reports(cache.path()), 1, "trimmed after the run");
}
