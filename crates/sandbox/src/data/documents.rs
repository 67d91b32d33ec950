//! Document metadata: which documents each contract has, their names, dates and exact sizes.
//! Content is not generated here: a size fixed now is honoured later by `formats`.

use std::collections::HashMap;

use rand::Rng;
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use super::contracts::Contract;
use super::dates::{day_period, rfc3339, YearMonth, DAY};
use crate::formats::{self, Format};

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
    /// Bills and invoices only: total in `currency`, two decimals.
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

    /// Realistic size range in bytes.
    fn size_range(self) -> std::ops::Range<u64> {
        match self {
            DocType::Invoices => 30_000..90_000,
            DocType::Bills => 12_000..40_000,
            DocType::PartialBills => 9_000..30_000,
            DocType::Consumption => 50_000..400_000,
            DocType::PartialConsumption => 5_000..150_000,
            DocType::Reports => 5_000..60_000,
        }
    }
}

/// A document and what is needed to regenerate its bytes at any time.
#[derive(Debug, Clone)]
pub(crate) struct Doc {
    pub(crate) info: DocumentInfo,
    pub(crate) doc_type: DocType,
    pub(crate) created_secs: i64,
    /// Seed of the content generator: same seed, same bytes.
    pub(crate) content_seed: u64,
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
}

impl Builder<'_> {
    fn size(&mut self, doc_type: DocType) -> u64 {
        let format = doc_type.format();
        match self.params.document_size {
            Some(size) => size.max(formats::min_size(format)),
            None => self
                .rng
                .gen_range(doc_type.size_range())
                .max(formats::min_size(format)),
        }
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
        amount_cents: i64,
        size: Option<u64>,
    ) {
        let created = created.min(self.params.now);
        let size = size.unwrap_or_else(|| self.size(doc_type));
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
        let has_amount = doc_type.has_amount();
        self.docs.push(Doc {
            info: DocumentInfo {
                filename,
                document_type: doc_type.api_name().to_owned(),
                created_at: rfc3339(created),
                size,
                amount: has_amount.then(|| amount_cents as f64 / 100.0),
                currency: has_amount.then(|| "EUR".to_owned()),
                invoice_number: (doc_type == DocType::Invoices)
                    .then(|| format!("FE{}{digits}{:03}", &period[..6], self.docs.len() % 1000)),
                period,
                id,
            },
            doc_type,
            created_secs: created,
            content_seed: self.rng.gen(),
            amount_cents,
            first_day,
            days,
            streamed: false,
        });
    }

    fn amount(&mut self) -> i64 {
        self.rng.gen_range(50_000..2_500_000)
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
            let amount = self.amount();
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
                    amount,
                    None,
                );
            }
        }
        let partial_amount = self.amount() / 3;
        for doc_type in [DocType::PartialBills, DocType::PartialConsumption] {
            let created = today * DAY + self.rng.gen_range(0..3600);
            let elapsed = today - this_month.first_day() + 1;
            self.push(
                doc_type,
                this_month.period(),
                None,
                created,
                this_month.first_day(),
                elapsed,
                partial_amount,
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
                0,
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
            let amount = self.amount();
            let (period, first_day, days) = if doc_type == DocType::Reports {
                let day = (month.first_day() + self.rng.gen_range(0..month.days())).min(today - 1);
                (day_period(day), day, 1)
            } else {
                (month.period(), month.first_day(), month.days())
            };
            let created =
                (first_day + days + self.rng.gen_range(0..5)) * DAY + self.rng.gen_range(0..DAY);
            self.push(
                doc_type, period, None, created, first_day, days, amount, None,
            );
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
            let amount = self.amount();
            let created = now - 3600 * (i64::try_from(index).unwrap_or(0) + 2);
            self.push(
                DocType::Invoices,
                month.period(),
                Some(name),
                created,
                month.first_day(),
                month.days(),
                amount,
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
            0,
            Some(size),
        );
        if let Some(doc) = self.docs.last_mut() {
            doc.streamed = true;
        }
    }
}

/// Extra documents only the first contract gets.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Extras {
    pub(crate) hostile_names: bool,
    pub(crate) big_document: Option<u64>,
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
    let mut builder = Builder {
        rng: ChaCha8Rng::seed_from_u64(contract_seed),
        contract,
        params,
        docs: Vec::new(),
        names: HashMap::new(),
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
