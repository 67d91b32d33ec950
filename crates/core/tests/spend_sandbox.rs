//! The sandbox's consumption reports, read by the spend engine: every row reads (no bad row), and
//! each closed month's `DiscountedAmount` total is its bill's amount to the cent.
#![allow(clippy::unwrap_used)] // a test that fails should panic with the error

use ccs_api::period_year_month;
use ccs_core::spend::{read_report, reconcile, CubeBuilder, Dimensions, Filter, ReportMeta};
use ccs_sandbox::{Sandbox, SandboxConfig};

#[tokio::test]
async fn sandbox_reports_read_without_bad_rows_and_match_their_bills() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let (mut reports_read, mut bills_compared) = (0, 0);
    for contract in sandbox.visible_contract_ids() {
        let documents = sandbox.documents(&contract);
        let mut builder = CubeBuilder::new(Dimensions::ALL);
        let mut reports = 0;
        for document in &documents {
            let partial = match document.document_type.as_str() {
                "comsumptionRatedReports" => false,
                "partialConsumptionRatedReports" => true,
                _ => continue,
            };
            let bytes = sandbox.document_bytes(&contract, &document.id).unwrap();
            let meta = ReportMeta {
                name: document.filename.clone(),
                month: period_year_month(&document.period).unwrap(),
                partial,
            };
            let outcome = read_report(&bytes[..], &meta, &mut builder).unwrap();
            assert_eq!(outcome.bad_rows, 0, "{:?}", outcome.warnings);
            reports += 1;
            reports_read += 1;
        }
        if reports == 0 {
            continue;
        }
        let cube = builder.finish();
        let totals = cube.totals(&Filter::default()).unwrap();
        for bill in documents.iter().filter(|d| d.document_type == "bills") {
            let (Some(amount), Some(month)) = (bill.amount, period_year_month(&bill.period)) else {
                continue;
            };
            let currency = bill.currency.clone().unwrap_or_else(|| "EUR".into());
            let Some(total) = totals
                .iter()
                .find(|t| t.month == month && t.currency == currency && !t.partial)
            else {
                continue;
            };
            let check = reconcile(
                total.sums.discounted_amount,
                &currency,
                amount,
                Some(&currency),
            )
            .unwrap();
            assert!(
                check.matches_to_the_cent,
                "{contract} {month}: reports {} vs bill {}",
                check.report_total, check.listed_amount
            );
            bills_compared += 1;
        }
    }
    assert!(reports_read > 0 && bills_compared > 0);
    eprintln!("{reports_read} reports read, {bills_compared} bills matched");
    sandbox.shutdown().await;
}
