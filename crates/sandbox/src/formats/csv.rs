//! Consumption reports and daily reports: `;`-separated CSV with decimal commas, one header
//! line of the README's 27 columns, `\r\n` line ends (what French spreadsheet exports use).
//!
//! The rows are the contract's story (`data::story`): one row per resource and day. At its natural
//! size a document is exactly its story's rows, so its totals are the bill's. A size imposed from
//! outside (`--document-size`, the big document) truncates or repeats the story's rows, and the last
//! row is padded to the exact size in `SubsFlavor`, a column no aggregate reads: never in `Tags` nor
//! in a number, so every row still parses. The same code streams the big document.

use std::fmt::Write as _;
use std::sync::Arc;

use bytes::Bytes;

use crate::data::dates::{csv_datetime, DAY};
use crate::data::documents::Doc;
use crate::data::story::{Line, Resource, RowCursor, Story, StoryRow};

use super::{decimal, money};

/// The 27 columns, in the README's order.
pub(crate) const COLUMNS: [&str; 27] = [
    "BillingMode",
    "BeginDate",
    "EndDate",
    "ServiceID",
    "TenantLabel",
    "Country",
    "Region",
    "ServiceCloud",
    "CodeLabel",
    "ChargeLabel",
    "IdResource",
    "Project",
    "Tags",
    "Quantity",
    "BillingUnit",
    "UnitPrice",
    "Amount",
    "VolumeDiscount",
    "DiscountedAmount",
    "Currency",
    "SubsChargeType",
    "SubsBeginDate",
    "SubsEndDate",
    "SubsUpfront",
    "SubsUpfrontDiscounted",
    "SubsFlavor",
    "SubsDuration",
];

/// Room kept for the final row: longer than any row (a test checks every story's rows).
pub(crate) const RESERVE: u64 = 640;

/// Bytes per generated chunk.
const CHUNK: usize = 64 * 1024;

/// After this many bytes, a document repeats its last chunk of whole rows instead of generating more:
/// the file stays valid CSV, and a 1 GiB document streams at memory speed instead of making the
/// sandbox the bottleneck of the client it serves (only documents over 1 MiB, i.e. benchmark ones).
const REPLAY_AFTER: u64 = 1 << 20;

/// The header line, `\r\n` included.
pub(crate) fn header() -> String {
    let mut line = COLUMNS.join(";");
    line.push_str("\r\n");
    line
}

/// Length of the header line.
pub(crate) fn header_len() -> u64 {
    header().len() as u64
}

/// Decimal digits of a non-negative number.
fn digits(mut n: u64) -> u64 {
    let mut count = 1;
    while n >= 10 {
        n /= 10;
        count += 1;
    }
    count
}

/// Length of `money(cents, true)`.
fn money_len(cents: i64) -> u64 {
    u64::from(cents < 0) + digits(cents.unsigned_abs() / 100) + 3
}

/// Length of a `Quantity` cell (thousandths, never negative).
fn quantity_len(quantity: i64) -> u64 {
    digits(quantity.unsigned_abs() / 1000) + 4
}

/// The bytes of a row that change with its day and month: two dates and four numbers.
fn variable_len(line: &Line) -> u64 {
    2 * 19
        + quantity_len(line.quantity)
        + money_len(line.amount)
        + money_len(line.discount)
        + money_len(line.discounted())
}

/// The bytes of a resource's rows that never change, measured once on a written row.
pub(crate) fn static_len(tenant: &str, resource: &Resource) -> u64 {
    let line = Line {
        quantity: 0,
        amount: 0,
        discount: 0,
        subs_begin: 0,
    };
    let mut row = String::new();
    write_row(&mut row, tenant, resource, 0, &line, 0);
    row.len() as u64 - variable_len(&line)
}

/// Exact length of a resource's row with these numbers (no padding).
pub(crate) fn row_len(resource: &Resource, line: &Line) -> u64 {
    resource.static_len + variable_len(line)
}

/// Appends one row; `pad` bytes of `x` go at the end of `SubsFlavor`.
pub(crate) fn write_row(
    out: &mut String,
    tenant: &str,
    resource: &Resource,
    day: i64,
    line: &Line,
    pad: usize,
) {
    let mode = if resource.subscription {
        "Subscription"
    } else {
        "PAYG"
    };
    let _ = write!(
        out,
        "{mode};{};{};{};{tenant};{};{};{};{};{};{};{};{};{};{};{};{};{};{};{};",
        csv_datetime(day * DAY),
        csv_datetime(day * DAY + DAY - 1),
        resource.service_id,
        resource.country,
        resource.region,
        resource.cloud,
        resource.code,
        resource.label,
        resource.id,
        resource.project,
        resource.tags,
        decimal(line.quantity, 3, true),
        resource.unit,
        decimal(resource.unit_price, 4, true),
        money(line.amount, true),
        money(line.discount, true),
        money(line.discounted(), true),
        resource.currency,
    );
    if resource.subscription {
        let _ = write!(
            out,
            "Monthly;{};{};0,00;0,00;{}",
            csv_datetime(line.subs_begin * DAY),
            csv_datetime((line.subs_begin + 365) * DAY - 1),
            resource.code,
        );
    } else {
        out.push_str(";;;;;");
    }
    out.extend(std::iter::repeat_n('x', pad));
    out.push_str(if resource.subscription {
        ";12\r\n"
    } else {
        ";\r\n"
    });
}

/// The next row to write: the story's, or a zero row when the story has none in these days.
enum Pending {
    Story(StoryRow),
    Filler,
}

/// Yields the CSV in chunks of about 64 KiB; together exactly `doc.info.size` bytes.
pub(crate) struct CsvGenerator {
    story: Arc<Story>,
    first_day: i64,
    days: i64,
    cursor: RowCursor,
    /// The target is the story's own length: every row once, no padding.
    exact: bool,
    /// Rows given in the current pass over the story (none: the filler row is used).
    rows_this_pass: u64,
    /// The zero row, split around where its padding goes.
    filler: (String, String),
    /// A chunk of whole rows (no header) to send again once `REPLAY_AFTER` bytes are out.
    replay: Option<Bytes>,
    target: u64,
    written: u64,
    header_done: bool,
    finished: bool,
}

impl CsvGenerator {
    /// The generator of one document's bytes.
    pub(crate) fn new(doc: &Doc) -> Self {
        let story = doc.story.clone();
        let days = doc.days.max(1);
        let natural = header_len() + story.summary(doc.first_day, days).bytes;
        let begin = csv_datetime(doc.first_day * DAY);
        let end = csv_datetime(doc.first_day * DAY + DAY - 1);
        let filler = (
            format!(
                "PAYG;{begin};{end};;{};FR;eu-west-0;;;;;;;0,000;;0,0000;0,00;0,00;0,00;EUR;;;;;;",
                story.tenant
            ),
            ";\r\n".to_owned(),
        );
        Self {
            story,
            first_day: doc.first_day,
            days,
            cursor: RowCursor::default(),
            exact: doc.info.size == natural,
            rows_this_pass: 0,
            filler,
            replay: None,
            target: doc.info.size,
            written: 0,
            header_done: false,
            finished: false,
        }
    }

    /// The next story row; past the end, `None` for an exact document, the story again otherwise.
    fn take(&mut self) -> Option<Pending> {
        if let Some(row) = self.cursor.next(&self.story, self.first_day, self.days) {
            self.rows_this_pass += 1;
            return Some(Pending::Story(row));
        }
        if self.exact {
            return None;
        }
        if self.rows_this_pass == 0 {
            return Some(Pending::Filler);
        }
        self.cursor = RowCursor::default();
        self.rows_this_pass = 0;
        self.take()
    }

    fn len(&self, row: &Pending) -> u64 {
        match row {
            Pending::Story(row) => self
                .story
                .resources
                .get(row.resource)
                .map_or(0, |r| row_len(r, &row.line)),
            Pending::Filler => (self.filler.0.len() + self.filler.1.len()) as u64,
        }
    }

    fn write(&self, out: &mut String, row: &Pending, pad: usize) {
        match row {
            Pending::Story(row) => {
                if let Some(resource) = self.story.resources.get(row.resource) {
                    write_row(out, &self.story.tenant, resource, row.day, &row.line, pad);
                }
            }
            Pending::Filler => {
                out.push_str(&self.filler.0);
                out.extend(std::iter::repeat_n('x', pad));
                out.push_str(&self.filler.1);
            }
        }
    }
}

impl Iterator for CsvGenerator {
    type Item = Bytes;

    fn next(&mut self) -> Option<Bytes> {
        if self.finished {
            return None;
        }
        if let Some(chunk) = &self.replay {
            // Same invariant as one row: after it, at least RESERVE bytes remain for the padded end.
            if self.written + chunk.len() as u64 + RESERVE <= self.target {
                self.written += chunk.len() as u64;
                return Some(chunk.clone());
            }
        }
        let mut buf = String::with_capacity(CHUNK + 1024);
        if !self.header_done {
            self.header_done = true;
            buf.push_str(&header());
            self.written += buf.len() as u64;
        }
        while buf.len() < CHUNK {
            let Some(row) = self.take() else {
                self.finished = true;
                break;
            };
            let len = self.len(&row);
            if self.exact || self.written + len + RESERVE <= self.target {
                self.write(&mut buf, &row, 0);
                self.written += len;
            } else {
                let pad = self.target.saturating_sub(self.written + len);
                self.write(&mut buf, &row, usize::try_from(pad).unwrap_or(0));
                self.written = self.target;
                self.finished = true;
                break;
            }
        }
        if buf.is_empty() {
            return None;
        }
        let chunk = Bytes::from(buf);
        if !self.exact && self.replay.is_none() && !self.finished && self.written >= REPLAY_AFTER {
            // Past the first chunk, so no header in it; whole rows only (the end is not reached).
            self.replay = Some(chunk.clone());
        }
        Some(chunk)
    }
}
