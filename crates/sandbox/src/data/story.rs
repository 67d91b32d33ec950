//! The story the consumption reports tell: one fleet of cloud resources per contract, each billed
//! one row per day it runs, so the app's Spend screen has something true to find — resources that
//! persist, a few that start and stop, a growth trend, one spike month, a credit, several projects,
//! regions and tags, and on one contract a second currency.
//!
//! Why a model rather than random rows: a row's numbers depend only on its resource and month, so a
//! month's totals and its exact byte length come from a few dozen multiplications per report. The
//! sandbox announces sizes and bill amounts at start (even with 100 000 documents) without writing a
//! row; rows are written only when a file is served, by `formats::csv`.

use rand::Rng;
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::dates::{YearMonth, DAY};
use crate::formats::csv;

/// The currency of bills, invoices and most rows.
pub(crate) const MAIN_CURRENCY: &str = "EUR";

/// The other currency, on one contract only.
const SECOND_CURRENCY: &str = "USD";

/// `from_back` of resources that ran before the first report.
const ALWAYS: i64 = 1 << 20;

/// How a resource's quantity is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Usage {
    /// `base` is the quantity of one day (hours, Mbit/s-hours, GB sent).
    PerDay,
    /// `base` is the quantity of a month (GB-Month), prorated per day.
    PerMonth,
}

/// The days of a month a resource has a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Schedule {
    EveryDay,
    /// Monday to Friday (development machines stopped at week-ends).
    Weekdays,
    /// Days of the month, both included.
    Days(i64, i64),
}

/// A priced charge: `ServiceCloud`, `CodeLabel`, `ChargeLabel`, `BillingUnit`, unit price in
/// ten-thousandths, and how it is metered.
struct Charge {
    cloud: &'static str,
    code: &'static str,
    label: &'static str,
    unit: &'static str,
    price: i64,
    usage: Usage,
}

const fn charge(
    cloud: &'static str,
    code: &'static str,
    label: &'static str,
    unit: &'static str,
    price: i64,
    usage: Usage,
) -> Charge {
    Charge {
        cloud,
        code,
        label,
        unit,
        price,
        usage,
    }
}

const ECS_WEB: Charge = charge(
    "Elastic Cloud Server",
    "s6.large.2",
    "ECS s6.large.2 Linux",
    "Hour",
    612,
    Usage::PerDay,
);
const ECS_ERP: Charge = charge(
    "Elastic Cloud Server",
    "s6.xlarge.4",
    "ECS s6.xlarge.4 Linux",
    "Hour",
    1530,
    Usage::PerDay,
);
const ECS_WIN: Charge = charge(
    "Elastic Cloud Server",
    "c6.2xlarge.4",
    "ECS c6.2xlarge.4 Windows",
    "Hour",
    3120,
    Usage::PerDay,
);
const ECS_GPU: Charge = charge(
    "Elastic Cloud Server",
    "p2v.2xlarge.8",
    "ECS p2v.2xlarge.8 GPU Linux",
    "Hour",
    29_000,
    Usage::PerDay,
);
const ECS_CREDIT: Charge = charge(
    "Elastic Cloud Server",
    "credit.sla",
    "SLA service credit",
    "Unit",
    0,
    Usage::PerDay,
);
const EVS_SSD: Charge = charge(
    "Elastic Volume Service",
    "SSD",
    "EVS Ultra-high I/O",
    "GB-Month",
    1400,
    Usage::PerMonth,
);
const EVS_SAS: Charge = charge(
    "Elastic Volume Service",
    "SAS",
    "EVS High I/O",
    "GB-Month",
    700,
    Usage::PerMonth,
);
const OBS_STD: Charge = charge(
    "Object Storage Service",
    "obs.standard",
    "OBS Standard storage",
    "GB-Month",
    211,
    Usage::PerMonth,
);
const OBS_OUT: Charge = charge(
    "Object Storage Service",
    "obs.egress",
    "OBS data transfer out",
    "GB",
    900,
    Usage::PerDay,
);
const VPC_EIP: Charge = charge(
    "Virtual Private Cloud",
    "eip.bandwidth",
    "EIP bandwidth",
    "Mbit/s-Hour",
    234,
    Usage::PerDay,
);
const RDS_PG: Charge = charge(
    "Relational Database Service",
    "rds.pg.s3.xlarge.4",
    "RDS PostgreSQL single",
    "Hour",
    3800,
    Usage::PerDay,
);
const RDS_MY: Charge = charge(
    "Relational Database Service",
    "rds.mysql.s3.large.4",
    "RDS MySQL primary/standby",
    "Hour",
    2900,
    Usage::PerDay,
);
const CCE: Charge = charge(
    "Cloud Container Engine",
    "cce.s2.medium",
    "CCE cluster up to 50 nodes",
    "Hour",
    1200,
    Usage::PerDay,
);
const ELB: Charge = charge(
    "Elastic Load Balance",
    "elb.shared",
    "ELB shared instance",
    "Hour",
    275,
    Usage::PerDay,
);

/// (Region, Country).
const PARIS: (&str, &str) = ("eu-west-0", "FR");
const AMSTERDAM: (&str, &str) = ("eu-west-1", "NL");
const FRANKFURT: (&str, &str) = ("eu-central-0", "DE");
const VIRGINIA: (&str, &str) = ("na-east-0", "US");

/// One billed resource and how its rows evolve month after month.
#[derive(Debug, Clone)]
pub(crate) struct Resource {
    /// `BillingMode` is `Subscription` (with the `Subs…` columns) rather than `PAYG`.
    pub(crate) subscription: bool,
    pub(crate) service_id: String,
    pub(crate) region: &'static str,
    pub(crate) country: &'static str,
    pub(crate) cloud: &'static str,
    pub(crate) code: &'static str,
    pub(crate) label: &'static str,
    pub(crate) unit: &'static str,
    pub(crate) id: String,
    pub(crate) project: String,
    pub(crate) tags: &'static str,
    pub(crate) currency: &'static str,
    /// `UnitPrice` in ten-thousandths of the currency (negative for a credit).
    pub(crate) unit_price: i64,
    /// Bytes of a row that do not depend on the day or the month (see `csv::row_len`).
    pub(crate) static_len: u64,
    usage: Usage,
    /// Thousandths of a unit, per day or per month (see `usage`).
    base: i64,
    /// Growth per month since it started (or since the history began), in thousandths.
    growth: i64,
    /// Month-to-month variation, ± thousandths.
    jitter: i64,
    discount_percent: i64,
    schedule: Schedule,
    /// The oldest month with rows (months before the current one) and its first day of the month.
    from_back: i64,
    start_dom: i64,
    /// The newest month with rows (0: still running) and, when stopped, its last day of the month.
    until_back: i64,
    stop_dom: i64,
    /// Day its yearly subscription was first taken (renewed every 365 days).
    subs_anchor: i64,
    seed: u64,
}

/// The numbers of every row of one resource in one month (rows differ only by their day).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Line {
    /// `Quantity` in thousandths.
    pub(crate) quantity: i64,
    /// `Amount` in cents.
    pub(crate) amount: i64,
    /// `VolumeDiscount` in cents.
    pub(crate) discount: i64,
    /// Day the current subscription year began (subscriptions only).
    pub(crate) subs_begin: i64,
}

impl Line {
    /// `DiscountedAmount` in cents.
    pub(crate) fn discounted(&self) -> i64 {
        self.amount - self.discount
    }
}

/// One resource's rows inside a document's days: the same numbers from day `first` to `last`
/// (both included), on the days its schedule allows.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Span {
    pub(crate) line: Line,
    pub(crate) first: i64,
    pub(crate) last: i64,
}

/// What a document's rows add up to.
#[derive(Debug, Clone, Default)]
pub(crate) struct Summary {
    /// Number of rows.
    pub(crate) rows: u64,
    /// Bytes of the rows (the header not included).
    pub(crate) bytes: u64,
    /// `DiscountedAmount` totals in cents per currency, in first-seen order.
    pub(crate) discounted: Vec<(&'static str, i64)>,
    /// The day of the latest `EndDate`.
    pub(crate) last_day: Option<i64>,
}

impl Summary {
    /// The `DiscountedAmount` total of one currency, in cents.
    pub(crate) fn discounted_in(&self, currency: &str) -> i64 {
        self.discounted
            .iter()
            .find(|(c, _)| *c == currency)
            .map_or(0, |(_, cents)| *cents)
    }

    fn add(&mut self, currency: &'static str, cents: i64) {
        match self.discounted.iter_mut().find(|(c, _)| *c == currency) {
            Some((_, total)) => *total += cents,
            None => self.discounted.push((currency, cents)),
        }
    }
}

/// One `ServiceCloud`'s share of a document, in one currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ServiceTotal {
    pub(crate) cloud: &'static str,
    /// `DiscountedAmount` total in cents.
    pub(crate) discounted: i64,
    /// Distinct resources with rows.
    pub(crate) resources: u64,
}

/// A row: resource index, day, numbers.
#[derive(Debug, Clone, Copy)]
pub(crate) struct StoryRow {
    pub(crate) resource: usize,
    pub(crate) day: i64,
    pub(crate) line: Line,
}

/// Walks a document's rows: resource after resource, day after day.
#[derive(Debug, Clone, Default)]
pub(crate) struct RowCursor {
    resource: usize,
    span: Option<Span>,
    day: i64,
}

impl RowCursor {
    /// The next row of the days `[first_day, first_day + days)`, or `None` at the end.
    pub(crate) fn next(&mut self, story: &Story, first_day: i64, days: i64) -> Option<StoryRow> {
        loop {
            let resource = story.resources.get(self.resource)?;
            let span = match self.span {
                Some(span) => span,
                None => match story.span(self.resource, first_day, days) {
                    Some(span) => {
                        self.span = Some(span);
                        self.day = span.first;
                        span
                    }
                    None => {
                        self.resource += 1;
                        continue;
                    }
                },
            };
            while self.day <= span.last {
                let day = self.day;
                self.day += 1;
                if runs_on(resource.schedule, day) {
                    return Some(StoryRow {
                        resource: self.resource,
                        day,
                        line: span.line,
                    });
                }
            }
            self.resource += 1;
            self.span = None;
        }
    }
}

/// Monday to Friday? (1970-01-01, day 0, was a Thursday.)
fn is_weekday(day: i64) -> bool {
    (day + 3).rem_euclid(7) < 5
}

fn runs_on(schedule: Schedule, day: i64) -> bool {
    schedule != Schedule::Weekdays || is_weekday(day)
}

/// SplitMix64: a cheap deterministic hash for the monthly variation.
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

fn uuid(rng: &mut ChaCha8Rng) -> String {
    let hex = format!("{:032x}", rng.gen::<u128>());
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

/// How one resource of the fleet is declared.
struct Spec {
    charge: &'static Charge,
    place: (&'static str, &'static str),
    /// The project's suffix: `eu-west-0_prod`.
    env: &'static str,
    tags: &'static str,
    base: i64,
    growth: i64,
    jitter: i64,
    schedule: Schedule,
    from_back: i64,
    until_back: i64,
    subscription: bool,
    currency: &'static str,
    /// Overrides the charge's price (other currency, credits).
    price: Option<i64>,
    /// First and last day of the month of its first and last months; random when `None`.
    start_dom: Option<i64>,
    stop_dom: Option<i64>,
}

impl Spec {
    fn new(charge: &'static Charge, env: &'static str, tags: &'static str, base: i64) -> Self {
        Self {
            charge,
            place: PARIS,
            env,
            tags,
            base,
            growth: 0,
            jitter: 0,
            schedule: Schedule::EveryDay,
            from_back: ALWAYS,
            until_back: 0,
            subscription: false,
            currency: MAIN_CURRENCY,
            price: None,
            start_dom: None,
            stop_dom: None,
        }
    }
    fn at(mut self, place: (&'static str, &'static str)) -> Self {
        self.place = place;
        self
    }
    fn growth(mut self, per_mille: i64) -> Self {
        self.growth = per_mille;
        self
    }
    fn jitter(mut self, per_mille: i64) -> Self {
        self.jitter = per_mille;
        self
    }
    fn weekdays(mut self) -> Self {
        self.schedule = Schedule::Weekdays;
        self
    }
    fn months(mut self, from_back: i64, until_back: i64) -> Self {
        self.from_back = from_back;
        self.until_back = until_back;
        self
    }
    fn subscription(mut self) -> Self {
        self.subscription = true;
        self
    }
    fn priced(mut self, currency: &'static str, price: i64) -> Self {
        self.currency = currency;
        self.price = Some(price);
        self
    }
}

/// One contract's fleet and the calendar it is read against.
#[derive(Debug)]
pub(crate) struct Story {
    /// `TenantLabel`: the contract id.
    pub(crate) tenant: String,
    pub(crate) resources: Vec<Resource>,
    /// The month of "now".
    current: YearMonth,
    /// Today's day number.
    today: i64,
    /// Closed months with a report: 1 (last month) to `history`.
    history: i64,
}

impl Story {
    /// The fleet of one contract; `history` closed months have reports; `second_currency` adds
    /// resources billed in USD.
    pub(crate) fn generate(
        tenant: &str,
        seed: u64,
        now: i64,
        history: i64,
        second_currency: bool,
    ) -> Self {
        let mut story = Self {
            tenant: tenant.to_owned(),
            resources: Vec::new(),
            current: YearMonth::of(now),
            today: now.div_euclid(DAY),
            history: history.max(2),
        };
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5707_0000_0000_0001);
        let h = story.history;
        let s = rng.gen_range(1..=3_i64);
        let hour = 24_000; // one instance running a whole day, in thousandths of hours
        let prod_web = "env=prod,app=web";
        let erp = "env=prod,app=erp,owner=it-ops";
        // Running since before the first report.
        let core = [
            Spec::new(&ECS_WEB, "prod", prod_web, 2 * hour * s).growth(12),
            Spec::new(&ECS_ERP, "prod", erp, 2 * hour * s).subscription(),
            Spec::new(&RDS_PG, "prod", erp, hour * s).subscription(),
            Spec::new(&ELB, "prod", prod_web, hour),
            Spec::new(&VPC_EIP, "prod", "env=prod", 50 * hour * s)
                .growth(10)
                .jitter(150),
            Spec::new(&EVS_SSD, "prod", "env=prod,app=erp", 800_000 * s).growth(20),
            Spec::new(&OBS_STD, "data", "", 12_000_000 * s)
                .growth(35)
                .jitter(20),
            Spec::new(&ECS_WIN, "dev", "env=dev,app=erp", 10_000).weekdays(),
            // An old development machine, stopped half-way through the history.
            Spec::new(&ECS_WEB, "dev", "env=dev", hour).months(ALWAYS, h / 2),
        ];
        // Growth: started along the history, still running.
        let cc = "env=prod,app=web,cost-center=CC-210";
        let dr = "env=dr,app=erp";
        let growth = [
            Spec::new(&CCE, "prod", cc, hour).months(h * 3 / 4, 0),
            Spec::new(&ECS_WEB, "prod", cc, 3 * hour * s)
                .growth(15)
                .months(h * 3 / 4, 0),
            Spec::new(
                &EVS_SAS,
                "data",
                "app=datalake,owner=data-team",
                2_000_000 * s,
            )
            .growth(40)
            .months(h / 2, 0),
            Spec::new(&ECS_ERP, "dr", dr, hour * s)
                .at(AMSTERDAM)
                .months(h / 3, 0),
            Spec::new(&EVS_SSD, "dr", dr, 800_000 * s)
                .at(AMSTERDAM)
                .growth(20)
                .months(h / 3, 0),
            Spec::new(&RDS_MY, "preprod", "env=preprod,app=web", hour).months(h / 4, 0),
            Spec::new(&ECS_WEB, "preprod", "env=preprod,app=web", 12_000)
                .weekdays()
                .months(h / 5, 0),
            Spec::new(&OBS_STD, "backup", "app=backup,owner=it-ops", 5_000_000 * s)
                .at(AMSTERDAM)
                .growth(50)
                .months(h / 6, 0),
        ];
        // Start and stop: a migration, a proof of concept in another region.
        let poc_from = rng.gen_range(8..=9);
        let poc_until = rng.gen_range(5..=6);
        let poc = "env=dev,app=poc";
        let transient = [
            Spec::new(&ECS_WIN, "migration", "env=dev,app=migration", 4 * hour).months(14, 11),
            Spec::new(&ECS_WEB, "poc", poc, 2 * hour)
                .at(FRANKFURT)
                .months(poc_from, poc_until),
            Spec::new(&EVS_SSD, "poc", poc, 300_000)
                .at(FRANKFURT)
                .months(poc_from, poc_until),
        ];
        // Last month's newcomer: a CRM database cluster, the top mover.
        let mut mover = Spec::new(&RDS_PG, "crm", "env=prod,app=crm", 3 * hour * s).months(1, 0);
        mover.start_dom = Some(rng.gen_range(1..=6));
        for spec in core
            .into_iter()
            .chain(growth)
            .chain(transient)
            .chain([mover])
        {
            story.add(&mut rng, spec);
        }
        if second_currency {
            let shop = "env=prod,app=shop-us";
            for spec in [
                Spec::new(&ECS_WEB, "shop", shop, 2 * hour)
                    .at(VIRGINIA)
                    .priced(SECOND_CURRENCY, 680)
                    .months(18, 0),
                Spec::new(&EVS_SSD, "shop", shop, 400_000)
                    .at(VIRGINIA)
                    .priced(SECOND_CURRENCY, 1600)
                    .months(18, 0),
                Spec::new(&VPC_EIP, "shop", shop, 20 * hour)
                    .at(VIRGINIA)
                    .priced(SECOND_CURRENCY, 260)
                    .jitter(150)
                    .months(12, 0),
            ] {
                story.add(&mut rng, spec);
            }
        }
        story.add_spike_and_credit(&mut rng);
        story
    }

    /// One spike month (a week of GPU training and its data transfer) 60 % above every other
    /// month, and the month after it an SLA credit.
    fn add_spike_and_credit(&mut self, rng: &mut ChaCha8Rng) {
        let spike = rng.gen_range(4..=9_i64).min(self.history);
        let regular: Vec<i64> = (1..=self.history)
            .map(|back| self.month_total(back))
            .collect();
        let highest = regular.iter().copied().max().unwrap_or(0).max(100_000);
        let extra = highest * 16 / 10 - self.month_total(spike);
        let (first, last) = (10, 16);
        let days = last - first + 1;
        let ml = "env=dev,app=ml-training,owner=data-team";
        let gpu_share = extra * 8 / 10;
        for (charge, cents, tags) in [
            (&ECS_GPU, gpu_share, ml),
            (
                &OBS_OUT,
                extra - gpu_share,
                "app=ml-training,owner=data-team",
            ),
        ] {
            let per_day = cents * 100_000 / (charge.price * days) + 1;
            let mut spec = Spec::new(charge, "data", tags, per_day).months(spike, spike);
            spec.schedule = Schedule::Days(first, last);
            spec.start_dom = Some(1);
            spec.stop_dom = Some(31);
            self.add(rng, spec);
        }
        if spike > 1 {
            let credit = (highest / 25 / 100).max(50) * 100;
            let mut spec = Spec::new(&ECS_CREDIT, "prod", "", 1000)
                .priced(MAIN_CURRENCY, -credit * 100)
                .months(spike - 1, spike - 1);
            spec.schedule = Schedule::Days(5, 5);
            spec.start_dom = Some(1);
            spec.stop_dom = Some(31);
            self.add(rng, spec);
        }
    }

    fn add(&mut self, rng: &mut ChaCha8Rng, spec: Spec) {
        let history_start = self.current.minus(self.history).first_day();
        let start_dom = spec.start_dom.unwrap_or_else(|| rng.gen_range(1..=20));
        let stop_dom = spec.stop_dom.unwrap_or_else(|| rng.gen_range(8..=28));
        let mut resource = Resource {
            subscription: spec.subscription,
            service_id: uuid(rng),
            region: spec.place.0,
            country: spec.place.1,
            cloud: spec.charge.cloud,
            code: spec.charge.code,
            label: spec.charge.label,
            unit: spec.charge.unit,
            id: uuid(rng),
            project: format!("{}_{}", spec.place.0, spec.env),
            tags: spec.tags,
            currency: spec.currency,
            unit_price: spec.price.unwrap_or(spec.charge.price),
            static_len: 0,
            usage: spec.charge.usage,
            base: spec.base,
            growth: spec.growth,
            jitter: spec.jitter,
            discount_percent: if spec.subscription { 15 } else { 0 },
            schedule: spec.schedule,
            from_back: spec.from_back,
            start_dom: if spec.from_back >= ALWAYS {
                1
            } else {
                start_dom
            },
            until_back: spec.until_back,
            stop_dom,
            subs_anchor: history_start - rng.gen_range(0..365),
            seed: rng.gen(),
        };
        resource.static_len = csv::static_len(&self.tenant, &resource);
        self.resources.push(resource);
    }

    /// Closed months with a report (1 = last month).
    pub(crate) fn history(&self) -> i64 {
        self.history
    }

    /// The month `back` months before the current one.
    pub(crate) fn month(&self, back: i64) -> YearMonth {
        self.current.minus(back)
    }

    /// Days the month-to-date report covers: up to yesterday (today on the 1st).
    pub(crate) fn month_to_date_days(&self) -> i64 {
        (self.today - self.current.first_day()).max(1)
    }

    fn line(&self, resource: &Resource, back: i64, month: YearMonth) -> Line {
        let age = (resource.from_back.min(self.history) - back).max(0);
        let jitter = if resource.jitter > 0 {
            let salt = u64::try_from(month.year * 12 + i64::from(month.month)).unwrap_or(0);
            let spread = u64::try_from(2 * resource.jitter + 1).unwrap_or(1);
            i64::try_from(mix(resource.seed ^ salt) % spread).unwrap_or(0) - resource.jitter
        } else {
            0
        };
        let mut quantity =
            resource.base * (1000 + resource.growth * age) / 1000 * (1000 + jitter) / 1000;
        if resource.usage == Usage::PerMonth {
            quantity /= month.days();
        }
        let quantity = quantity.max(1);
        let amount = quantity * resource.unit_price / 100_000;
        let discount = (amount * resource.discount_percent / 100).max(0);
        let first = month.first_day();
        let subs_begin =
            resource.subs_anchor + (first - resource.subs_anchor).div_euclid(365) * 365;
        Line {
            quantity,
            amount,
            discount,
            subs_begin,
        }
    }

    /// Resource `index`'s rows within `[first_day, first_day + days)`, clamped to the month of
    /// `first_day` (documents never span two months).
    pub(crate) fn span(&self, index: usize, first_day: i64, days: i64) -> Option<Span> {
        let resource = self.resources.get(index)?;
        let month = YearMonth::of(first_day * DAY);
        let back = (self.current.year - month.year) * 12 + i64::from(self.current.month)
            - i64::from(month.month);
        if back < resource.until_back || back > resource.from_back {
            return None;
        }
        let month_first = month.first_day();
        let mut first = first_day.max(month_first);
        let mut last = (first_day + days - 1).min(month_first + month.days() - 1);
        if back == resource.from_back {
            first = first.max(month_first + resource.start_dom - 1);
        }
        if resource.until_back > 0 && back == resource.until_back {
            last = last.min(month_first + resource.stop_dom - 1);
        }
        if let Schedule::Days(a, b) = resource.schedule {
            first = first.max(month_first + a - 1);
            last = last.min(month_first + b - 1);
        }
        (first <= last).then(|| Span {
            line: self.line(resource, back, month),
            first,
            last,
        })
    }

    /// Rows and latest day of a span, by its resource's schedule.
    fn rows_of(&self, index: usize, span: &Span) -> (u64, Option<i64>) {
        let schedule = self.resources.get(index).map(|r| r.schedule);
        if schedule != Some(Schedule::Weekdays) {
            let rows = u64::try_from(span.last - span.first + 1).unwrap_or(0);
            return (rows, Some(span.last));
        }
        let mut rows = 0;
        let mut latest = None;
        for day in span.first..=span.last {
            if is_weekday(day) {
                rows += 1;
                latest = Some(day);
            }
        }
        (rows, latest)
    }

    /// What the rows of `[first_day, first_day + days)` add up to, without writing them.
    pub(crate) fn summary(&self, first_day: i64, days: i64) -> Summary {
        let mut summary = Summary::default();
        for (index, resource) in self.resources.iter().enumerate() {
            let Some(span) = self.span(index, first_day, days) else {
                continue;
            };
            let (rows, latest) = self.rows_of(index, &span);
            if rows == 0 {
                continue;
            }
            summary.rows += rows;
            summary.bytes += rows * csv::row_len(resource, &span.line);
            let cents = i64::try_from(rows).unwrap_or(0) * span.line.discounted();
            summary.add(resource.currency, cents);
            summary.last_day = summary.last_day.max(latest);
        }
        summary
    }

    /// `DiscountedAmount` per `ServiceCloud` of one currency in `[first_day, first_day + days)`,
    /// largest first.
    pub(crate) fn by_service(
        &self,
        first_day: i64,
        days: i64,
        currency: &str,
    ) -> Vec<ServiceTotal> {
        let mut totals: Vec<ServiceTotal> = Vec::new();
        for (index, resource) in self.resources.iter().enumerate() {
            if resource.currency != currency {
                continue;
            }
            let Some(span) = self.span(index, first_day, days) else {
                continue;
            };
            let (rows, _) = self.rows_of(index, &span);
            if rows == 0 {
                continue;
            }
            let cents = i64::try_from(rows).unwrap_or(0) * span.line.discounted();
            match totals.iter_mut().find(|t| t.cloud == resource.cloud) {
                Some(total) => {
                    total.discounted += cents;
                    total.resources += 1;
                }
                None => totals.push(ServiceTotal {
                    cloud: resource.cloud,
                    discounted: cents,
                    resources: 1,
                }),
            }
        }
        totals.sort_by(|a, b| b.discounted.cmp(&a.discounted).then(a.cloud.cmp(b.cloud)));
        totals
    }

    /// Main-currency total of a whole closed month.
    fn month_total(&self, back: i64) -> i64 {
        let month = self.month(back);
        self.summary(month.first_day(), month.days())
            .discounted_in(MAIN_CURRENCY)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn story(second: bool) -> Story {
        // 2026-03-18 10:00 UTC.
        let now = super::super::dates::days_from_civil(2026, 3, 18) * DAY + 36_000;
        Story::generate("OCB0001234", 7, now, 46, second)
    }

    #[test]
    fn weekdays_are_monday_to_friday() {
        // 2026-03-16 is a Monday, 2026-03-21 a Saturday.
        let monday = super::super::dates::days_from_civil(2026, 3, 16);
        assert!(is_weekday(monday) && is_weekday(monday + 4));
        assert!(!is_weekday(monday + 5) && !is_weekday(monday + 6));
    }

    #[test]
    fn rows_walked_match_the_summary() {
        let story = story(true);
        for back in [0, 1, 5, 13, 46] {
            let month = story.month(back);
            let days = if back == 0 {
                story.month_to_date_days()
            } else {
                month.days()
            };
            let summary = story.summary(month.first_day(), days);
            let mut cursor = RowCursor::default();
            let (mut rows, mut bytes, mut eur, mut usd, mut last) = (0, 0, 0, 0, None);
            while let Some(row) = cursor.next(&story, month.first_day(), days) {
                let resource = &story.resources[row.resource];
                let mut text = String::new();
                csv::write_row(&mut text, &story.tenant, resource, row.day, &row.line, 0);
                assert_eq!(
                    text.len() as u64,
                    csv::row_len(resource, &row.line),
                    "{text}"
                );
                assert!((text.len() as u64) < csv::RESERVE, "{text}");
                assert_eq!(text.split(';').count(), 27, "{text}");
                rows += 1;
                bytes += csv::row_len(resource, &row.line);
                match resource.currency {
                    MAIN_CURRENCY => eur += row.line.discounted(),
                    _ => usd += row.line.discounted(),
                }
                last = last.max(Some(row.day));
            }
            assert!(rows > 0);
            assert_eq!(rows, summary.rows);
            assert_eq!(bytes, summary.bytes);
            assert_eq!(eur, summary.discounted_in(MAIN_CURRENCY));
            assert_eq!(usd, summary.discounted_in(SECOND_CURRENCY));
            assert_eq!(last, summary.last_day);
        }
    }

    #[test]
    fn the_spike_is_well_above_every_other_month() {
        let story = story(false);
        let totals: Vec<i64> = (1..=46).map(|back| story.month_total(back)).collect();
        let (spike, top) = totals
            .iter()
            .enumerate()
            .max_by_key(|(_, t)| **t)
            .map(|(i, t)| (i, *t))
            .unwrap_or_default();
        assert!((3..9).contains(&spike), "spike {} back", spike + 1);
        for (index, total) in totals.iter().enumerate() {
            if index != spike {
                assert!(*total * 14 / 10 < top, "{index}: {total} vs {top}");
            }
        }
        // Growth: the last year costs more than the first.
        let first: i64 = totals[34..46].iter().sum();
        let last: i64 = totals[0..12].iter().sum();
        assert!(last > first * 3 / 2, "{first} {last}");
    }
}
