//! What the consumption reports say, for tests of the Spend feature: a test can only check that the
//! app found the spike month or the top mover if the sandbox can tell which they are. Every value
//! here is computed from the rows the sandbox serves (the same model writes them), never written
//! down by hand, so it stays true whatever the seed or the day.
//!
//! The story holds for the natural data set. `--document-size` and `--big-document` change what
//! the CSV files contain (rows cut, repeated or padded) but not this summary.
//!
//! ```no_run
//! # async fn demo() -> Result<(), ccs_sandbox::SandboxError> {
//! let sandbox = ccs_sandbox::Sandbox::start(ccs_sandbox::SandboxConfig::default()).await?;
//! let contract = sandbox.visible_contract_ids()[0].clone();
//! if let Some(story) = sandbox.spend_story(&contract) {
//!     println!("spike in {}, top mover {:?}", story.spike_month, story.top_mover);
//! }
//! # Ok(()) }
//! ```

use std::collections::BTreeMap;

use crate::data::dates::{csv_datetime, DAY};
use crate::data::story::{Story, Summary, MAIN_CURRENCY};

/// The `DiscountedAmount` totals of one month's consumption report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthSpend {
    /// `YYYYMM`, the report's `period`.
    pub period: String,
    /// `DiscountedAmount` total per currency (`EUR`, `USD`), in cents.
    pub discounted_cents: BTreeMap<String, i64>,
    /// The latest `EndDate` of the report's rows, as written (`2026-03-17 23:59:59`).
    pub last_end_date: String,
}

/// The truths one contract's consumption reports hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpendStory {
    /// The contract.
    pub contract_id: String,
    /// The currency of its bills and invoices (`EUR`): their `amount` is this currency's total.
    pub main_currency: String,
    /// Every currency of its rows, the main one first.
    pub currencies: Vec<String>,
    /// Every closed month with a `comsumptionRatedReports`, oldest first.
    pub closed_months: Vec<MonthSpend>,
    /// The current month to date (`partialConsumptionRatedReports`).
    pub month_to_date: MonthSpend,
    /// `YYYYMM` of the closed month with the highest main-currency total.
    pub spike_month: String,
    /// The `ServiceCloud` whose main-currency total changed most, in absolute value, between the
    /// last two closed months.
    pub top_mover: Option<String>,
}

fn month_spend(period: String, summary: &Summary) -> MonthSpend {
    MonthSpend {
        period,
        discounted_cents: summary
            .discounted
            .iter()
            .map(|(currency, cents)| ((*currency).to_owned(), *cents))
            .collect(),
        last_end_date: summary
            .last_day
            .map(|day| csv_datetime(day * DAY + DAY - 1))
            .unwrap_or_default(),
    }
}

impl SpendStory {
    /// Reads the truths off a contract's story.
    pub(crate) fn of(story: &Story) -> Self {
        let mut currencies = vec![MAIN_CURRENCY.to_owned()];
        let mut closed_months = Vec::new();
        let mut spike: Option<(i64, String)> = None;
        for back in (1..=story.history()).rev() {
            let month = story.month(back);
            let summary = story.summary(month.first_day(), month.days());
            for (currency, _) in &summary.discounted {
                if !currencies.iter().any(|c| c == currency) {
                    currencies.push((*currency).to_owned());
                }
            }
            let total = summary.discounted_in(MAIN_CURRENCY);
            if spike.as_ref().is_none_or(|(best, _)| total > *best) {
                spike = Some((total, month.period()));
            }
            closed_months.push(month_spend(month.period(), &summary));
        }
        let current = story.month(0);
        let month_to_date = month_spend(
            current.period(),
            &story.summary(current.first_day(), story.month_to_date_days()),
        );
        Self {
            contract_id: story.tenant.clone(),
            main_currency: MAIN_CURRENCY.to_owned(),
            currencies,
            closed_months,
            month_to_date,
            spike_month: spike.map(|(_, period)| period).unwrap_or_default(),
            top_mover: top_mover(story),
        }
    }
}

/// The service with the largest absolute change between the last two closed months (ties: the
/// first by name).
fn top_mover(story: &Story) -> Option<String> {
    let [last, before] = [1, 2].map(|back| {
        let month = story.month(back);
        story.by_service(month.first_day(), month.days(), MAIN_CURRENCY)
    });
    let mut change: BTreeMap<&str, i64> = BTreeMap::new();
    for total in &last {
        *change.entry(total.cloud).or_default() += total.discounted;
    }
    for total in &before {
        *change.entry(total.cloud).or_default() -= total.discounted;
    }
    let mut best: Option<(&str, u64)> = None;
    for (cloud, delta) in change {
        if best.is_none_or(|(_, top)| delta.unsigned_abs() > top) {
            best = Some((cloud, delta.unsigned_abs()));
        }
    }
    best.map(|(cloud, _)| cloud.to_owned())
}
