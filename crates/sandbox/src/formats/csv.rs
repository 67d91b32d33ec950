//! Consumption reports and daily reports: `;`-separated CSV with decimal commas, one header
//! line of the README's 27 columns, `\r\n` line ends (what French spreadsheet exports use).
//! Rows are generated until the next one would not leave room for a final row; the final row's
//! `Tags` field is padded to reach the exact size. The same code streams the big document.

use bytes::Bytes;
use rand::Rng;
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::data::contracts::Contract;
use crate::data::dates::{csv_datetime, DAY};
use crate::data::documents::Doc;

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

/// Room kept for the final row: longer than any generated row.
const RESERVE: u64 = 640;

/// Bytes per generated chunk.
const CHUNK: usize = 64 * 1024;

/// (ServiceCloud, CodeLabel, ChargeLabel, BillingUnit, unit price in 1/10000 EUR).
const SERVICES: [(&str, &str, &str, &str, i64); 8] = [
    (
        "Elastic Cloud Server",
        "s6.large.2",
        "ECS s6.large.2 Linux",
        "Hour",
        612,
    ),
    (
        "Elastic Cloud Server",
        "c6.2xlarge.4",
        "ECS c6.2xlarge.4 Windows",
        "Hour",
        3120,
    ),
    (
        "Elastic Volume Service",
        "SSD",
        "EVS Ultra-high I/O",
        "GB-Month",
        1400,
    ),
    (
        "Object Storage Service",
        "obs.standard",
        "OBS Standard storage",
        "GB-Month",
        211,
    ),
    (
        "Virtual Private Cloud",
        "eip.bandwidth",
        "EIP bandwidth",
        "Mbit/s-Hour",
        234,
    ),
    (
        "Relational Database Service",
        "rds.pg.s3.xlarge.4",
        "RDS PostgreSQL single",
        "Hour",
        3800,
    ),
    (
        "Cloud Container Engine",
        "cce.s2.medium",
        "CCE cluster up to 50 nodes",
        "Hour",
        1200,
    ),
    (
        "Elastic Load Balance",
        "elb.shared",
        "ELB shared instance",
        "Hour",
        275,
    ),
];

const PROJECTS: [&str; 4] = [
    "eu-west-0_prod",
    "eu-west-0_preprod",
    "eu-west-0_dev",
    "eu-west-0_data",
];

const TAGS: [&str; 5] = ["env=prod", "env=dev,app=erp", "app=web", "", "owner=it-ops"];

/// A row split around where `Tags` ends, so the final row can be padded there.
struct Row {
    up_to_tags: String,
    rest: String,
}

impl Row {
    fn len(&self) -> u64 {
        (self.up_to_tags.len() + self.rest.len()) as u64
    }
}

/// After this many bytes, a document repeats its last chunk of whole rows instead of generating more:
/// the file stays valid CSV, and a 1 GiB document streams at memory speed instead of making the
/// sandbox the bottleneck of the client it serves (only documents over 1 MiB, i.e. benchmark ones).
const REPLAY_AFTER: u64 = 1 << 20;

/// Yields the CSV in chunks of about 64 KiB; together exactly `doc.info.size` bytes.
pub(crate) struct CsvGenerator {
    /// A chunk of whole rows (no header) to send again once `REPLAY_AFTER` bytes are out.
    replay: Option<Bytes>,
    rng: ChaCha8Rng,
    target: u64,
    written: u64,
    header_done: bool,
    finished: bool,
    tenant: String,
    first_day: i64,
    days: i64,
}

impl CsvGenerator {
    /// The generator of one document's bytes.
    pub(crate) fn new(contract: &Contract, doc: &Doc) -> Self {
        Self {
            replay: None,
            rng: ChaCha8Rng::seed_from_u64(doc.content_seed),
            target: doc.info.size,
            written: 0,
            header_done: false,
            finished: false,
            tenant: contract.id.clone(),
            first_day: doc.first_day,
            days: doc.days.max(1),
        }
    }

    fn uuid(&mut self) -> String {
        let v: u128 = self.rng.gen();
        let hex = format!("{v:032x}");
        format!(
            "{}-{}-{}-{}-{}",
            &hex[..8],
            &hex[8..12],
            &hex[12..16],
            &hex[16..20],
            &hex[20..]
        )
    }

    fn row(&mut self) -> Row {
        let subscription = self.rng.gen_bool(0.15);
        let start = self.rng.gen_range(0..self.days);
        let length = self.rng.gen_range(1..=self.days - start);
        let begin = (self.first_day + start) * DAY;
        let end = begin + length * DAY - 1;
        let (cloud, code, charge, unit, price) = SERVICES[self.rng.gen_range(0..SERVICES.len())];
        let quantity_milli: i64 = if unit == "Hour" {
            length * 24_000
        } else {
            self.rng.gen_range(1_000..2_000_000)
        };
        let amount = quantity_milli * price / 100_000;
        let discount = if self.rng.gen_bool(0.2) {
            amount / 20
        } else {
            0
        };
        let service_id = self.uuid();
        let resource = self.uuid();
        let project = PROJECTS[self.rng.gen_range(0..PROJECTS.len())];
        let tags = TAGS[self.rng.gen_range(0..TAGS.len())];
        let mode = if subscription { "Subscription" } else { "PAYG" };
        let up_to_tags = format!(
            "{mode};{};{};{service_id};{};FR;eu-west-0;{cloud};{code};{charge};{resource};{project};{tags}",
            csv_datetime(begin),
            csv_datetime(end),
            self.tenant,
        );
        let subs = if subscription {
            let subs_begin = begin - self.rng.gen_range(0..300) * DAY;
            format!(
                "Monthly;{};{};0,00;0,00;{code};12",
                csv_datetime(subs_begin),
                csv_datetime(subs_begin + 365 * DAY - 1)
            )
        } else {
            ";;;;;;".to_owned()
        };
        let rest = format!(
            ";{},{:03};{unit};{},{:04};{};{};{};EUR;{subs}\r\n",
            quantity_milli / 1000,
            quantity_milli % 1000,
            price / 10_000,
            price % 10_000,
            super::money(amount, true),
            super::money(discount, true),
            super::money(amount - discount, true),
        );
        Row { up_to_tags, rest }
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
            buf.push_str(&COLUMNS.join(";"));
            buf.push_str("\r\n");
            self.written += buf.len() as u64;
        }
        while buf.len() < CHUNK {
            let row = self.row();
            if self.written + row.len() + RESERVE <= self.target {
                self.written += row.len();
                buf.push_str(&row.up_to_tags);
                buf.push_str(&row.rest);
            } else {
                let pad = self.target.saturating_sub(self.written + row.len());
                buf.push_str(&row.up_to_tags);
                buf.extend(std::iter::repeat_n('x', usize::try_from(pad).unwrap_or(0)));
                buf.push_str(&row.rest);
                self.written = self.target;
                self.finished = true;
                break;
            }
        }
        let chunk = Bytes::from(buf);
        if self.replay.is_none() && !self.finished && self.written >= REPLAY_AFTER {
            // Past the first chunk, so no header in it; whole rows only (the end is not reached).
            self.replay = Some(chunk.clone());
        }
        Some(chunk)
    }
}
