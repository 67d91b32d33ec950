//! Document metadata: which documents each contract has, their names, dates, exact sizes and
//! amounts. Content is not generated here: a size fixed now is honoured later by `formats`. The
//! consumption reports' sizes and the bills' amounts come from the contract's story
//! (`data::story`), so a month's report adds up to its bill and invoice.

use std::collections::HashMap;
use std::sync::Arc;

use rand::Rng;
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use super::contracts::Contract;
use super::dates::{day_period, rfc3339, YearMonth, DAY};
use super::story::{Story, MAIN_CURRENCY};
use crate::formats::{self, csv, Format};

/// Cap of `documents_per_contract` (also the cap of `limit`).
pub(crate) const MAX_DOCUMENTS: u32 = 100_000;

/// One document as `GET /documents` lists it. Tests compare it with what a client saw.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DocumentInfo {
    /// 24 lowercase hex characters (an ObjectId: creation time then random bits).
    pub id: String,
    /// The name to save under; untrusted (see `hostile_names`).
    pub filename: String,
    /// `YYYYMM`, or `YYYYMMDD` for daily reports.
    pub period: String,
    /// The API's spelling, including `comsumptionRatedReports`.
    pub document_type: String,
    /// RFC 3339 UTC creation time; the list is sorted on it, newest first.
    pub created_at: String,
    /// Exact byte length of the file served with `zipped=0`.
    pub size: u64,
    /// Bills and invoices only: total in `currency`, two decimals — the `DiscountedAmount` total
    /// of the month's consumption report in that currency.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<f64>,
    /// `EUR` when `amount` is present.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// Invoices only: the number printed in the PDF (not sent by the list), so tests can look
    /// for it in the extracted text.
    #[serde(skip)]
    pub invoice_number: Option<String>,
}

/// The six document types with the real API's spelling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DocType {
    Invoices,
    Bills,
    Consumption,
    PartialBills,
    PartialConsumption,
    Reports,
}

impl DocType {
    /// Order used to cycle types when a fixed count is asked for.
    const CYCLE: [DocType; 6] = [
        DocType::Invoices,
        DocType::Bills,
        DocType::Consumption,
        DocType::PartialBills,
        DocType::PartialConsumption,
        DocType::Reports,
    ];

    /// `documentType` on the wire.
    pub(crate) fn api_name(self) -> &'static str {
        match self {
            DocType::Invoices => "invoices",
            DocType::Bills => "bills",
            DocType::Consumption => "comsumptionRatedReports",
            DocType::PartialBills => "partialBills",
            DocType::PartialConsumption => "partialConsumptionRatedReports",
            DocType::Reports => "reports",
        }
    }

    /// Whether `name` is a known `documentType`.
    pub(crate) fn is_known(name: &str) -> bool {
        Self::CYCLE.iter().any(|t| t.api_name() == name)
    }

    /// The file format of this type.
    pub(crate) fn format(self) -> Format {
        match self {
            DocType::Invoices => Format::Pdf,
            DocType::Bills | DocType::PartialBills => Format::Xlsx,
            _ => Format::Csv,
        }
    }

    /// Whether the list shows an amount.
    fn has_amount(self) -> bool {
        matches!(
            self,
            DocType::Invoices | DocType::Bills | DocType::PartialBills
        )
    }

    fn filename(self, contract_id: &str, period: &str) -> String {
        match self {
            DocType::Invoices => format!("Invoice_{contract_id}_{period}.pdf"),
            DocType::Bills => format!("Billing_Report_{contract_id}_{period}.xlsx"),
            DocType::PartialBills => format!("Partial_Billing_Report_{contract_id}_{period}.xlsx"),
            DocType::Consumption => format!("ConsumptionRatedReport_{contract_id}_{period}.csv"),
            DocType::PartialConsumption => {
                format!("PartialConsumptionRatedReport_{contract_id}_{period}.csv")
            }
            DocType::Reports => format!("Report_{contract_id}_{period}.csv"),
        }
    }

    /// Realistic size range in bytes (CSV documents take their story's length instead).
    fn size_range(self) -> std::ops::Range<u64> {
        match self {
            DocType::Invoices => 30_000..90_000,
            DocType::PartialBills => 9_000..30_000,
            _ => 12_000..40_000,
        }
    }
}

/// A document and what is needed to regenerate its bytes at any time.
#[derive(Debug, Clone)]
pub(crate) struct Doc {
    pub(crate) info: DocumentInfo,
    pub(crate) doc_type: DocType,
    pub(crate) created_secs: i64,
    /// The contract's story: the rows of CSV documents, the lines of bills.
    pub(crate) story: Arc<Story>,
    /// The main-currency total of the story in the document's days (0 for documents without amount).
    pub(crate) amount_cents: i64,
    /// First day (days since epoch) and length in days covered by the document.
    pub(crate) first_day: i64,
    pub(crate) days: i64,
    /// Generated chunk by chunk while sent (the big document).
    pub(crate) streamed: bool,
}

/// What shapes the generated documents.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DocParams {
    pub(crate) now: i64,
    pub(crate) per_contract: Option<u32>,
    pub(crate) document_size: Option<u64>,
}

struct Builder<'a> {
    rng: ChaCha8Rng,
    contract: &'a Contract,
    params: DocParams,
    docs: Vec<Doc>,
    names: HashMap<String, u32>,
    story: Arc<Story>,
    /// (CSV size, main-currency total) by (first day, days): `--documents` repeats months.
    facts: HashMap<(i64, i64), (u64, i64)>,
}

impl Builder<'_> {
    /// The natural CSV size and the main-currency total of the story's rows in these days.
    fn facts(&mut self, first_day: i64, days: i64) -> (u64, i64) {
        let story = &self.story;
        *self.facts.entry((first_day, days)).or_insert_with(|| {
            let summary = story.summary(first_day, days);
            (
                csv::header_len() + summary.bytes,
                summary.discounted_in(MAIN_CURRENCY),
            )
        })
    }

    fn size(&mut self, doc_type: DocType, natural_csv: u64) -> u64 {
        let format = doc_type.format();
        let size = match self.params.document_size {
            Some(size) => size,
            None if format == Format::Csv => natural_csv,
            None => self.rng.gen_range(doc_type.size_range()),
        };
        size.max(formats::min_size(format))
    }

    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        doc_type: DocType,
        period: String,
        filename: Option<String>,
        created: i64,
        first_day: i64,
        days: i64,
        size: Option<u64>,
    ) {
        let created = created.min(self.params.now);
        let has_amount = doc_type.has_amount();
        let (natural_csv, total) = if has_amount || doc_type.format() == Format::Csv {
            self.facts(first_day, days)
        } else {
            (0, 0)
        };
        let amount_cents = if has_amount { total } else { 0 };
        let size = size.unwrap_or_else(|| self.size(doc_type, natural_csv));
        let filename = filename.unwrap_or_else(|| {
            let base = doc_type.filename(&self.contract.id, &period);
            let seen = self.names.entry(base.clone()).or_insert(0);
            *seen += 1;
            if *seen == 1 {
                base
            } else {
                match base.rsplit_once('.') {
                    Some((stem, ext)) => format!("{stem}_{seen}.{ext}"),
                    None => format!("{base}_{seen}"),
                }
            }
        });
        let timestamp = u32::try_from(created.max(0)).unwrap_or(u32::MAX);
        let id = format!("{timestamp:08x}{:016x}", self.rng.gen::<u64>());
        let digits = self.contract.id.trim_start_matches("OCB");
        self.docs.push(Doc {
            info: DocumentInfo {
                filename,
                document_type: doc_type.api_name().to_owned(),
                created_at: rfc3339(created),
                size,
                amount: has_amount.then(|| amount_cents as f64 / 100.0),
                currency: has_amount.then(|| MAIN_CURRENCY.to_owned()),
                invoice_number: (doc_type == DocType::Invoices)
                    .then(|| format!("FE{}{digits}{:03}", &period[..6], self.docs.len() % 1000)),
                period,
                id,
            },
            doc_type,
            created_secs: created,
            story: self.story.clone(),
            amount_cents,
            first_day,
            days,
            streamed: false,
        });
    }

    /// 46 closed months of invoices, bills and consumption reports, the current month's
    /// partial documents, and 90 daily reports.
    fn natural(&mut self) {
        let now = self.params.now;
        let this_month = YearMonth::of(now);
        let today = now.div_euclid(DAY);
        for back in 1..=46 {
            let month = this_month.minus(back);
            let published = month.minus(-1).first_day();
            for doc_type in [DocType::Invoices, DocType::Bills, DocType::Consumption] {
                let created = (published + self.rng.gen_range(2..6)) * DAY
                    + self.rng.gen_range(6 * 3600..20 * 3600);
                self.push(
                    doc_type,
                    month.period(),
                    None,
                    created,
                    month.first_day(),
                    month.days(),
                    None,
                );
            }
        }
        // Month to date: up to yesterday (today on the 1st).
        let covered = self.story.month_to_date_days();
        for doc_type in [DocType::PartialBills, DocType::PartialConsumption] {
            let created = today * DAY + self.rng.gen_range(0..3600);
            self.push(
                doc_type,
                this_month.period(),
                None,
                created,
                this_month.first_day(),
                covered,
                None,
            );
        }
        for back in 1..=90 {
            let day = today - back;
            let created = (day + 1) * DAY + self.rng.gen_range(2 * 3600..6 * 3600);
            self.push(
                DocType::Reports,
                day_period(day),
                None,
                created,
                day,
                1,
                None,
            );
        }
    }

    /// Exactly `count` documents cycling the types, periods spread over ten years.
    fn counted(&mut self, count: u32) {
        let now = self.params.now;
        let this_month = YearMonth::of(now);
        let today = now.div_euclid(DAY);
        let count = count.min(MAX_DOCUMENTS);
        for index in 0..count {
            let doc_type = DocType::CYCLE[index as usize % DocType::CYCLE.len()];
            let back = i64::from(index) * 120 / i64::from(count.max(1));
            let month = this_month.minus(back);
            let (period, first_day, days) = if doc_type == DocType::Reports {
                let day = (month.first_day() + self.rng.gen_range(0..month.days())).min(today - 1);
                (day_period(day), day, 1)
            } else if back == 0 {
                let covered = self.story.month_to_date_days();
                (month.period(), month.first_day(), covered)
            } else {
                (month.period(), month.first_day(), month.days())
            };
            let created =
                (first_day + days + self.rng.gen_range(0..5)) * DAY + self.rng.gen_range(0..DAY);
            self.push(doc_type, period, None, created, first_day, days, None);
        }
    }

    /// Invoices whose names try to escape a download folder or break a file system.
    fn hostile(&mut self) {
        let now = self.params.now;
        let month = YearMonth::of(now).minus(1);
        let long = format!("{}.pdf", "A".repeat(296));
        let names = [
            "../../etc/passwd".to_owned(),
            "..\\..\\Windows\\win.ini".to_owned(),
            "CON.pdf".to_owned(),
            "aux.pdf".to_owned(),
            long,
            "Invoice\u{7}bell\nnew\tline.pdf".to_owned(),
            "Facture_été_2026 — n°1.pdf".to_owned(),
            "Facture_e\u{301}te\u{301}_2026 — n°1.pdf".to_owned(),
            "Invoice/2026/10.pdf".to_owned(),
            "   .pdf".to_owned(),
            "Invoice_duplicate.pdf".to_owned(),
            "Invoice_duplicate.pdf".to_owned(),
            // A terminal escape (red text), a right-to-left override that shows "exe.pdf", and a
            // carriage return that would overwrite the line: none may reach a terminal as is.
            "\u{1b}[31mred\u{1b}[0m.pdf".to_owned(),
            "inv\u{202E}fdp.exe".to_owned(),
            "ok\rEVIL.pdf".to_owned(),
            // Cells a spreadsheet would run as formulas.
            "=HYPERLINK(\"http://x.invalid\").pdf".to_owned(),
            "+cmd.pdf".to_owned(),
            "-2+3.pdf".to_owned(),
            "@SUM(A1).pdf".to_owned(),
        ];
        for (index, name) in names.into_iter().enumerate() {
            let created = now - 3600 * (i64::try_from(index).unwrap_or(0) + 2);
            self.push(
                DocType::Invoices,
                month.period(),
                Some(name),
                created,
                month.first_day(),
                month.days(),
                None,
            );
        }
    }

    /// One consumption report of exactly `size` bytes, generated while sent.
    fn big(&mut self, size: u64) {
        let now = self.params.now;
        let month = YearMonth::of(now).minus(1);
        let period = month.period();
        let filename = format!(
            "ConsumptionRatedReport_{}_{period}_detailed.csv",
            self.contract.id
        );
        let size = size.max(formats::min_size(Format::Csv));
        self.push(
            DocType::Consumption,
            period,
            Some(filename),
            now - 60,
            month.first_day(),
            month.days(),
            Some(size),
        );
        if let Some(doc) = self.docs.last_mut() {
            doc.streamed = true;
        }
    }
}

/// Extra documents only the first contract gets, and the second currency one contract gets.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Extras {
    pub(crate) hostile_names: bool,
    pub(crate) big_document: Option<u64>,
    pub(crate) second_currency: bool,
}

/// The documents of one contract, newest first.
pub(crate) fn generate(
    contract: &Contract,
    seed: u64,
    params: DocParams,
    extras: Extras,
) -> Vec<Doc> {
    let contract_seed = contract
        .id
        .bytes()
        .fold(seed ^ 0x9E37_79B9_7F4A_7C15, |acc, b| {
            acc.rotate_left(7) ^ u64::from(b).wrapping_mul(0x100_0000_01B3)
        });
    // Months with closed reports: 46 in the natural set, 120 with `--documents`.
    let history = if params.per_contract.is_some() {
        120
    } else {
        46
    };
    let story = Story::generate(
        &contract.id,
        contract_seed,
        params.now,
        history,
        extras.second_currency,
    );
    let mut builder = Builder {
        rng: ChaCha8Rng::seed_from_u64(contract_seed),
        contract,
        params,
        docs: Vec::new(),
        names: HashMap::new(),
        story: Arc::new(story),
        facts: HashMap::new(),
    };
    match params.per_contract {
        Some(count) => builder.counted(count),
        None => builder.natural(),
    }
    if extras.hostile_names {
        builder.hostile();
    }
    if let Some(size) = extras.big_document {
        builder.big(size);
    }
    let mut docs = builder.docs;
    docs.sort_by(|a, b| {
        b.created_secs
            .cmp(&a.created_secs)
            .then_with(|| a.info.id.cmp(&b.info.id))
    });
    docs
}
