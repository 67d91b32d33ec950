//! From what a person typed (a form in the app, flags of `ccs`) to the body that is sent: a new
//! user, a new contract.
//!
//! Why here: both shells read the same fields and must read them the same way — civility aliases
//! (`Mme`, `M.`), trimming, a blank optional field meaning "not given", every problem reported at
//! once before any request, phones in the one form they are sent in. Written in each shell, the two
//! readings drifted; here there is one.

use crate::error::CoreError;
use crate::validate::{
    contract_with_normalized_phones, parse_civility, validate_new_contract, validate_new_user,
    with_normalized_phones, FieldError,
};
use ccs_api::{Civility, NewContract, NewUser};
use serde::Deserialize;

/// A new user as typed (the app's form sends it as is: camelCase).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct UserForm {
    /// `Mr`, `Mrs` (any case) or the French `M.`, `Mme`.
    pub civility: String,
    /// Given name.
    pub first_name: String,
    /// Family name.
    pub last_name: String,
    /// Email.
    pub email: String,
    /// Login.
    pub login: String,
    /// Landline; blank means not given.
    pub fix_phone: Option<String>,
    /// Mobile; blank means not given.
    pub mobile_phone: Option<String>,
}

/// A new contract as typed (the app's form sends it as is: camelCase).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ContractForm {
    /// Billing account.
    pub billing_account_id: String,
    /// Offer code.
    pub offer_code: String,
    /// The contract's name.
    pub contract_name: String,
    /// Support level.
    pub support_level: String,
    /// The referent's civility, read like [`UserForm::civility`].
    pub referent_civility: String,
    /// The referent's family name.
    pub referent_name: String,
    /// The referent's given name.
    pub referent_first_name: String,
    /// The referent's email.
    pub referent_mail: String,
    /// The referent's landline; blank means not given.
    pub referent_fix_phone: Option<String>,
    /// The referent's mobile; blank means not given.
    pub referent_mobile_phone: Option<String>,
}

/// The user to send, or every problem with the form at once.
pub fn new_user(form: UserForm) -> Result<NewUser, CoreError> {
    let mut problems = Vec::new();
    let civility = civility(&form.civility, "civility", &mut problems);
    let user = NewUser {
        civility,
        last_name: form.last_name.trim().to_owned(),
        first_name: form.first_name.trim().to_owned(),
        email: form.email.trim().to_owned(),
        login: form.login.trim().to_owned(),
        fix_phone: given(form.fix_phone),
        mobile_phone: given(form.mobile_phone),
    };
    if let Err(fields) = validate_new_user(&user) {
        problems.extend(fields);
    }
    refuse(problems)?;
    Ok(with_normalized_phones(user))
}

/// The contract to send, or every problem with the form at once.
pub fn new_contract(form: ContractForm) -> Result<NewContract, CoreError> {
    let mut problems = Vec::new();
    let referent_civility = civility(&form.referent_civility, "referentCivility", &mut problems);
    let contract = NewContract {
        billing_account_id: form.billing_account_id.trim().to_owned(),
        offer_code: form.offer_code.trim().to_owned(),
        contract_name: form.contract_name.trim().to_owned(),
        support_level: form.support_level.trim().to_owned(),
        referent_civility,
        referent_name: form.referent_name.trim().to_owned(),
        referent_first_name: form.referent_first_name.trim().to_owned(),
        referent_mail: form.referent_mail.trim().to_owned(),
        referent_fix_phone: given(form.referent_fix_phone),
        referent_mobile_phone: given(form.referent_mobile_phone),
    };
    if let Err(fields) = validate_new_contract(&contract) {
        problems.extend(fields);
    }
    refuse(problems)?;
    Ok(contract_with_normalized_phones(contract))
}

/// A civility, its problem filed under `field` (the body is refused anyway when there is one).
fn civility(text: &str, field: &'static str, problems: &mut Vec<FieldError>) -> Civility {
    parse_civility(text).unwrap_or_else(|problem| {
        problems.push(FieldError { field, ..problem });
        Civility::Mr
    })
}

/// A trimmed optional field; blank is not given.
fn given(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

fn refuse(problems: Vec<FieldError>) -> Result<(), CoreError> {
    if problems.is_empty() {
        Ok(())
    } else {
        Err(CoreError::InvalidInput { fields: problems })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user() -> UserForm {
        UserForm {
            civility: " mme ".into(),
            first_name: " Claire ".into(),
            last_name: "Martin".into(),
            email: "claire.martin@example.com ".into(),
            login: "claire.martin".into(),
            fix_phone: Some("   ".into()),
            mobile_phone: Some("06 12 34 56 78".into()),
        }
    }

    #[test]
    fn a_typed_user_is_read_trimmed_with_blank_fields_not_given() {
        let sent = new_user(user()).unwrap();
        assert_eq!(sent.civility, Civility::Mrs);
        assert_eq!(sent.first_name, "Claire");
        assert_eq!(sent.email, "claire.martin@example.com");
        assert_eq!(sent.fix_phone, None);
        assert_eq!(sent.mobile_phone.as_deref(), Some("+33612345678"));
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let form = UserForm {
            civility: "Dr".into(),
            email: "nope".into(),
            ..user()
        };
        let Err(CoreError::InvalidInput { fields }) = new_user(form) else {
            panic!("refused");
        };
        let named: Vec<&str> = fields.iter().map(|f| f.field).collect();
        assert!(
            named.contains(&"civility") && named.contains(&"email"),
            "{named:?}"
        );
    }

    #[test]
    fn a_contract_s_referent_civility_is_named_as_its_own_field() {
        let form = ContractForm {
            billing_account_id: "BA-1".into(),
            offer_code: "FE".into(),
            contract_name: "Lab".into(),
            support_level: "Business".into(),
            referent_civility: "Sir".into(),
            referent_name: "Durand".into(),
            referent_first_name: "Paul".into(),
            referent_mail: "paul.durand@example.com".into(),
            referent_fix_phone: None,
            referent_mobile_phone: Some("06.12.34.56.78".into()),
        };
        let Err(CoreError::InvalidInput { fields }) = new_contract(form.clone()) else {
            panic!("refused");
        };
        assert_eq!(fields[0].field, "referentCivility");
        let sent = new_contract(ContractForm {
            referent_civility: "M.".into(),
            ..form
        })
        .unwrap();
        assert_eq!(sent.referent_civility, Civility::Mr);
        assert_eq!(sent.referent_mobile_phone.as_deref(), Some("+33612345678"));
    }
}
