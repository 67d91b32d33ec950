//! A month's spend in the reports beside what its bill or invoice says, with the difference always
//! shown.
//!
//! Why a function of its own: the documents list gives amounts as JSON numbers (`f64`), the reports
//! exact decimals. The listed amount is read back to the cents its JSON text most likely said (see
//! [`Fixed::from_f64_cents`]), never compared as a float; the difference is exact and returned even
//! when it is zero, so the screen can show "matches to the cent" or the gap, never hide it.

use super::error::SpendError;
use super::fixed::Fixed;
use serde::Serialize;

/// The reports' total beside a document's amount.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Reconciliation {
    /// The month's `DiscountedAmount` total in the reports.
    pub report_total: Fixed,
    /// The document's amount, in cents.
    pub listed_amount: Fixed,
    /// `report_total − listed_amount`, exact.
    pub difference: Fixed,
    /// Whether the reports' total, rounded to the cent, is the listed amount.
    pub matches_to_the_cent: bool,
}

/// Compares a month's report total (in `report_currency`) with a document's listed amount (in
/// `listed_currency`, when the list gives one).
pub fn reconcile(
    report_total: Fixed,
    report_currency: &str,
    listed_amount: f64,
    listed_currency: Option<&str>,
) -> Result<Reconciliation, SpendError> {
    if let Some(listed) = listed_currency {
        if !listed.trim().eq_ignore_ascii_case(report_currency.trim()) {
            return Err(SpendError::CurrencyMismatch {
                report: report_currency.to_owned(),
                listed: listed.to_owned(),
            });
        }
    }
    let listed = Fixed::from_f64_cents(listed_amount).ok_or(SpendError::InvalidAmount {
        value: listed_amount,
    })?;
    Ok(Reconciliation {
        report_total,
        listed_amount: listed,
        difference: report_total - listed,
        matches_to_the_cent: report_total.round_to(2) == listed,
    })
}
