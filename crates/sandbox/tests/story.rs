//! The consumption reports tell a coherent story: each closed month adds up to its bill and invoice
//! to the cent, one month spikes, one service moves most, the month to date ends yesterday, and
//! sizes imposed from outside pad a column no aggregate reads without breaking a row.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::io::Cursor;
use std::sync::Arc;
use std::time::{Duration, Instant, UNIX_EPOCH};

use ccs_sandbox::story::SpendStory;
use ccs_sandbox::{DocumentInfo, ManualClock, SandboxConfig, SandboxHandle, CSV_COLUMNS};
use common::{client, get, start, token};

/// Column indexes of the README's 27 columns.
const BEGIN: usize = 1;
const END: usize = 2;
const REGION: usize = 6;
const SERVICE: usize = 7;
const RESOURCE: usize = 10;
const PROJECT: usize = 11;
const TAGS: usize = 12;
const QUANTITY: usize = 13;
const UNIT_PRICE: usize = 15;
const AMOUNT: usize = 16;
const DISCOUNT: usize = 17;
const DISCOUNTED: usize = 18;
const CURRENCY: usize = 19;
const FLAVOR: usize = 25;

/// `-12,3456` with exactly `decimals` decimals, as an integer of that scale.
fn fixed(text: &str, decimals: usize) -> i64 {
    let (int, frac) = text
        .split_once(',')
        .unwrap_or_else(|| panic!("no comma: {text:?}"));
    assert_eq!(frac.len(), decimals, "{text:?}");
    let negative = int.starts_with('-');
    let digits = int.trim_start_matches('-');
    assert!(
        !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()),
        "{text:?}"
    );
    assert!(frac.bytes().all(|b| b.is_ascii_digit()), "{text:?}");
    let value: i64 = format!("{digits}{frac}").parse().unwrap();
    if negative {
        -value
    } else {
        value
    }
}

/// `2026-10-01 00:00:00`.
fn assert_date(text: &str) {
    let bytes = text.as_bytes();
    assert_eq!(bytes.len(), 19, "{text:?}");
    for (i, b) in bytes.iter().enumerate() {
        match i {
            4 | 7 => assert_eq!(*b, b'-', "{text:?}"),
            10 => assert_eq!(*b, b' ', "{text:?}"),
            13 | 16 => assert_eq!(*b, b':', "{text:?}"),
            _ => assert!(b.is_ascii_digit(), "{text:?}"),
        }
    }
}

/// One report's rows, each checked: 27 columns, numbers and dates that parse.
struct Report {
    rows: Vec<Vec<String>>,
}

impl Report {
    fn parse(bytes: &[u8]) -> Self {
        let text = std::str::from_utf8(bytes).unwrap();
        assert!(text.ends_with("\r\n"));
        assert_eq!(text.matches('\n').count(), text.matches("\r\n").count());
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(b';')
            .has_headers(true)
            .from_reader(Cursor::new(bytes));
        let header: Vec<String> = reader
            .headers()
            .unwrap()
            .iter()
            .map(str::to_owned)
            .collect();
        assert_eq!(header, CSV_COLUMNS.to_vec());
        let mut rows = Vec::new();
        for record in reader.records() {
            let record = record.unwrap();
            assert_eq!(record.len(), 27, "{record:?}");
            let row: Vec<String> = record.iter().map(str::to_owned).collect();
            assert_date(&row[BEGIN]);
            assert_date(&row[END]);
            assert!(row[BEGIN] < row[END]);
            assert!(fixed(&row[QUANTITY], 3) >= 0);
            fixed(&row[UNIT_PRICE], 4);
            let amount = fixed(&row[AMOUNT], 2);
            let discount = fixed(&row[DISCOUNT], 2);
            assert_eq!(fixed(&row[DISCOUNTED], 2), amount - discount, "{row:?}");
            assert!(row[CURRENCY] == "EUR" || row[CURRENCY] == "USD", "{row:?}");
            rows.push(row);
        }
        assert!(!rows.is_empty());
        Self { rows }
    }

    /// DiscountedAmount per currency, in cents.
    fn totals(&self) -> BTreeMap<String, i64> {
        let mut out = BTreeMap::new();
        for row in &self.rows {
            *out.entry(row[CURRENCY].clone()).or_default() += fixed(&row[DISCOUNTED], 2);
        }
        out
    }

    /// EUR DiscountedAmount per ServiceCloud, in cents.
    fn by_service(&self) -> BTreeMap<String, i64> {
        let mut out = BTreeMap::new();
        for row in self.rows.iter().filter(|r| r[CURRENCY] == "EUR") {
            *out.entry(row[SERVICE].clone()).or_default() += fixed(&row[DISCOUNTED], 2);
        }
        out
    }

    fn column(&self, index: usize) -> BTreeSet<String> {
        self.rows.iter().map(|r| r[index].clone()).collect()
    }

    fn last_end(&self) -> String {
        self.rows.iter().map(|r| r[END].clone()).max().unwrap()
    }
}

fn cents(amount: Option<f64>) -> i64 {
    (amount.unwrap() * 100.0).round() as i64
}

fn of_type<'a>(docs: &'a [DocumentInfo], kind: &str, period: &str) -> Vec<&'a DocumentInfo> {
    docs.iter()
        .filter(|d| d.document_type == kind && d.period == period)
        .collect()
}

/// Every closed month's report of a contract, parsed, by period.
fn closed_reports(sandbox: &SandboxHandle, contract: &str) -> BTreeMap<String, Report> {
    let mut out = BTreeMap::new();
    for doc in sandbox.documents(contract) {
        if doc.document_type == "comsumptionRatedReports" {
            let bytes = sandbox.document_bytes(contract, &doc.id).unwrap();
            assert_eq!(bytes.len() as u64, doc.size, "{}", doc.filename);
            out.insert(doc.period.clone(), Report::parse(&bytes));
        }
    }
    out
}

#[tokio::test]
async fn each_closed_month_adds_up_to_its_bill_and_invoice() {
    let sandbox = start(SandboxConfig::default()).await;
    let client = client();
    let token = token(&sandbox, &client).await;
    let two_currencies = sandbox.two_currency_contract().unwrap();
    for contract in sandbox.visible_contract_ids() {
        let Some(story) = sandbox.spend_story(&contract) else {
            assert_eq!(contract, sandbox.empty_contract_id());
            continue;
        };
        let docs = sandbox.documents(&contract);
        let reports = closed_reports(&sandbox, &contract);
        assert_eq!(reports.len(), 46);
        assert_eq!(story.closed_months.len(), 46);
        for month in &story.closed_months {
            let report = &reports[&month.period];
            let totals = report.totals();
            assert_eq!(
                totals, month.discounted_cents,
                "{contract} {}",
                month.period
            );
            let eur = totals["EUR"];
            for kind in ["bills", "invoices"] {
                let listed = of_type(&docs, kind, &month.period);
                assert_eq!(listed.len(), 1, "{kind} {}", month.period);
                assert_eq!(cents(listed[0].amount), eur, "{kind} {}", month.period);
                assert_eq!(listed[0].currency.as_deref(), Some("EUR"));
            }
            assert_eq!(report.last_end(), month.last_end_date);
            let usd = totals.contains_key("USD");
            assert!(!usd || contract == two_currencies, "{contract}");
        }
        assert_eq!(story.currencies.len() == 2, contract == two_currencies);

        // The last closed month through HTTP: the listed size is the byte length served, and the
        // bill's Total row and the invoice's text print the list's amount.
        let last = story.closed_months.last().unwrap();
        let report = of_type(&docs, "comsumptionRatedReports", &last.period)[0];
        let served = get(
            &client,
            &sandbox,
            &format!("/documents/{}/file", report.id),
            &token,
            Some(&contract),
        )
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
        assert_eq!(served.len() as u64, report.size);
        assert_eq!(Report::parse(&served).totals(), last.discounted_cents);
        let euros = last.discounted_cents["EUR"];
        let printed = format!("{}.{:02}", euros / 100, euros % 100);
        let bill = of_type(&docs, "bills", &last.period)[0];
        let bytes = sandbox.document_bytes(&contract, &bill.id).unwrap();
        use calamine::{DataType, Reader};
        let mut book: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(Cursor::new(bytes)).unwrap();
        let range = book.worksheet_range("Billing Report").unwrap();
        let total_row = range.rows().next_back().unwrap();
        assert_eq!(total_row[0].to_string(), "Total");
        assert_eq!(format!("{:.2}", total_row[8].as_f64().unwrap()), printed);
        let lines: f64 = range
            .rows()
            .skip(1)
            .take(range.height() - 2)
            .map(|r| r[8].as_f64().unwrap())
            .sum();
        assert_eq!(format!("{lines:.2}"), printed);
        let invoice = of_type(&docs, "invoices", &last.period)[0];
        let pdf =
            lopdf::Document::load_mem(&sandbox.document_bytes(&contract, &invoice.id).unwrap())
                .unwrap();
        let text = pdf.extract_text(&[1]).unwrap();
        assert!(
            text.contains(&format!("Amount excl. VAT: {printed} EUR")),
            "{text}"
        );
    }
}

/// The story's claims, checked against the parsed reports of one contract.
fn check_story(story: &SpendStory, reports: &BTreeMap<String, Report>) {
    let eur: Vec<(String, i64)> = reports
        .iter()
        .map(|(period, r)| (period.clone(), r.totals()["EUR"]))
        .collect();
    // One spike month, clearly above every other.
    let (spike, top) = eur.iter().max_by_key(|(_, t)| *t).unwrap();
    assert_eq!(*spike, story.spike_month);
    for (period, total) in &eur {
        if period != spike {
            assert!(total * 5 / 4 < *top, "{period} {total} vs {spike} {top}");
        }
    }
    // A growth trend: the last year costs more than the first.
    let first: i64 = eur[..12].iter().map(|(_, t)| t).sum();
    let last: i64 = eur[eur.len() - 12..].iter().map(|(_, t)| t).sum();
    assert!(last > first * 3 / 2, "{first} → {last}");
    // The top mover between the last two closed months.
    let months: Vec<&Report> = reports.values().collect();
    let (before, after) = (
        months[months.len() - 2].by_service(),
        months[months.len() - 1].by_service(),
    );
    let mut moves: Vec<(i64, String)> = before
        .keys()
        .chain(after.keys())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .map(|s| {
            let delta = after.get(s).unwrap_or(&0) - before.get(s).unwrap_or(&0);
            (delta.abs(), s.clone())
        })
        .collect();
    moves.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    assert_eq!(Some(&moves[0].1), story.top_mover.as_ref());
    assert!(moves[0].0 > moves[1].0, "a clear top mover: {moves:?}");
    // Resources that persist across every month, and some that start and stop.
    let sets: Vec<BTreeSet<String>> = months.iter().map(|r| r.column(RESOURCE)).collect();
    let everywhere = sets.iter().skip(1).fold(sets[0].clone(), |acc, s| {
        acc.intersection(s).cloned().collect()
    });
    assert!(everywhere.len() >= 5, "{everywhere:?}");
    let seen: BTreeSet<&String> = sets.iter().flatten().collect();
    let transient = seen
        .iter()
        .filter(|id| {
            let present: Vec<bool> = sets.iter().map(|s| s.contains(**id)).collect();
            let first = present.iter().position(|p| *p).unwrap();
            let last = present.iter().rposition(|p| *p).unwrap();
            last + 1 < present.len() && first > 0
        })
        .count();
    assert!(transient >= 2, "resources that start and stop: {transient}");
    // Several regions, projects and tag keys; rows without tags; a credit.
    let all = |index: usize| -> BTreeSet<String> {
        months.iter().flat_map(|r| r.column(index)).collect()
    };
    assert!(all(REGION).len() >= 3);
    assert!(all(PROJECT).len() >= 5);
    let tags = all(TAGS);
    assert!(tags.contains(""));
    let keys: BTreeSet<String> = tags
        .iter()
        .flat_map(|t| t.split(',').filter(|p| !p.is_empty()))
        .map(|pair| pair.split_once('=').unwrap().0.to_owned())
        .collect();
    assert!(keys.len() >= 3, "{keys:?}");
    let credits = months
        .iter()
        .flat_map(|r| &r.rows)
        .filter(|row| fixed(&row[DISCOUNTED], 2) < 0)
        .count();
    assert!(credits >= 1);
}

#[tokio::test]
async fn the_story_has_a_spike_a_top_mover_and_its_cast() {
    let sandbox = start(SandboxConfig::default()).await;
    let first = sandbox.visible_contract_ids()[0].clone();
    let contracts = [first, sandbox.two_currency_contract().unwrap()];
    for contract in contracts {
        let story = sandbox.spend_story(&contract).unwrap();
        check_story(&story, &closed_reports(&sandbox, &contract));
    }
    // Another seed tells the same kind of story.
    let other = start(SandboxConfig {
        seed: 7,
        ..SandboxConfig::default()
    })
    .await;
    let contract = other.visible_contract_ids()[2].clone();
    check_story(
        &other.spend_story(&contract).unwrap(),
        &closed_reports(&other, &contract),
    );
}

fn at(year: i32, month: u32, day: u32, hour: u32) -> std::time::SystemTime {
    // Days from 1970-01-01 by counting (test-only, small range).
    let mut days = 0_u64;
    for y in 1970..year {
        days += if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 {
            366
        } else {
            365
        };
    }
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let lengths = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    days += lengths[..(month - 1) as usize].iter().sum::<u64>() + u64::from(day - 1);
    UNIX_EPOCH + Duration::from_secs(days * 86_400 + u64::from(hour) * 3600)
}

#[tokio::test]
async fn the_month_to_date_ends_yesterday_and_matches_the_partial_bill() {
    for (now, period, last_end) in [
        (at(2026, 3, 18, 10), "202603", "2026-03-17 23:59:59"),
        (at(2026, 4, 1, 0), "202604", "2026-04-01 23:59:59"),
    ] {
        let sandbox = start(SandboxConfig {
            clock: Arc::new(ManualClock::new(now)),
            ..SandboxConfig::default()
        })
        .await;
        let contract = sandbox.visible_contract_ids()[0].clone();
        let story = sandbox.spend_story(&contract).unwrap();
        assert_eq!(story.month_to_date.period, period);
        assert_eq!(story.month_to_date.last_end_date, last_end);
        let docs = sandbox.documents(&contract);
        let partial = of_type(&docs, "partialConsumptionRatedReports", period)[0];
        let bytes = sandbox.document_bytes(&contract, &partial.id).unwrap();
        assert_eq!(bytes.len() as u64, partial.size);
        let report = Report::parse(&bytes);
        assert_eq!(report.last_end(), last_end);
        assert!(report.rows.iter().all(|r| r[BEGIN].starts_with(&format!(
            "{}-{}-",
            &period[..4],
            &period[4..]
        ))));
        assert_eq!(report.totals(), story.month_to_date.discounted_cents);
        let bill = of_type(&docs, "partialBills", period)[0];
        assert_eq!(cents(bill.amount), report.totals()["EUR"]);
    }
}

#[tokio::test]
async fn imposed_sizes_pad_subs_flavor_and_keep_every_row_whole() {
    let natural = start(SandboxConfig::default()).await;
    let first = natural.visible_contract_ids()[0].clone();
    let mut known_tags = BTreeSet::new();
    for report in closed_reports(&natural, &first).values() {
        known_tags.extend(report.column(TAGS));
    }
    drop(natural);
    for size in [2_048_u64, 9_999, 200_000] {
        let sandbox = start(SandboxConfig {
            documents_per_contract: Some(60),
            document_size: Some(size),
            ..SandboxConfig::default()
        })
        .await;
        let docs = sandbox.documents(&first);
        let mut padded = 0;
        for doc in docs.iter().filter(|d| d.filename.ends_with(".csv")) {
            assert_eq!(doc.size, size);
            let bytes = sandbox.document_bytes(&first, &doc.id).unwrap();
            assert_eq!(bytes.len() as u64, size);
            let report = Report::parse(&bytes);
            for row in &report.rows {
                assert!(known_tags.contains(&row[TAGS]), "{:?}", row[TAGS]);
            }
            if report.rows.last().unwrap()[FLAVOR].ends_with('x') {
                padded += 1;
            }
        }
        assert!(padded > 0, "size {size}: the padding is in SubsFlavor");
    }
    // The big document, past its replay point.
    let size = 3 * 1024 * 1024 + 17;
    let sandbox = start(SandboxConfig {
        big_document: Some(size),
        ..SandboxConfig::default()
    })
    .await;
    let big = sandbox
        .documents(&first)
        .into_iter()
        .find(|d| d.size == size)
        .unwrap();
    let bytes = sandbox.document_bytes(&first, &big.id).unwrap();
    assert_eq!(bytes.len() as u64, size);
    let report = Report::parse(&bytes);
    assert!(report.rows.iter().all(|r| known_tags.contains(&r[TAGS])));
}

#[tokio::test]
async fn starts_fast_with_a_hundred_thousand_documents() {
    let started = Instant::now();
    let sandbox = start(SandboxConfig {
        documents_per_contract: Some(100_000),
        ..SandboxConfig::default()
    })
    .await;
    let took = started.elapsed();
    let first = sandbox.visible_contract_ids()[0].clone();
    let docs = sandbox.documents(&first);
    assert_eq!(docs.len(), 100_000);
    // A report of a month in the middle: its natural size is exact and its bill matches it.
    let report = docs
        .iter()
        .find(|d| d.document_type == "comsumptionRatedReports")
        .unwrap();
    let bytes = sandbox.document_bytes(&first, &report.id).unwrap();
    assert_eq!(bytes.len() as u64, report.size);
    let totals = Report::parse(&bytes).totals();
    let bill = docs
        .iter()
        .find(|d| d.document_type == "bills" && d.period == report.period)
        .unwrap();
    assert_eq!(cents(bill.amount), totals["EUR"]);
    // Debug builds are several times slower than the release sandbox; still bounded.
    let limit = if cfg!(debug_assertions) { 10 } else { 1 };
    assert!(took < Duration::from_secs(limit), "{took:?}");
}
