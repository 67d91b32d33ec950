//! Checks on what a person typed, before any request is made.
//!
//! Why: the API answers a bad body with a terse `400/24 Invalid body field`, one field at a time. Checking
//! here lets the form and the CLI name every problem at once, in words, next to the right field. The UI's
//! TypeScript mirrors these rules; the constants below are the rules as data so both sides agree.

use ccs_api::{Civility, DocumentType, NewContract, NewUser};
use serde::Serialize;

/// The login rule of the customer space, as a regular expression the UI can show and reuse.
pub const LOGIN_PATTERN: &str = "^[A-Za-z0-9._-]{8,64}$";
/// The shortest login the customer space accepts, in characters.
pub const LOGIN_MIN_CHARS: usize = 8;
/// The longest login the customer space accepts, in characters.
pub const LOGIN_MAX_CHARS: usize = 64;
/// The longest email address (RFC 5321's path limit), in characters.
pub const EMAIL_MAX_CHARS: usize = 254;
/// The longest name (person or contract) we let through, in characters.
pub const NAME_MAX_CHARS: usize = 100;
/// The fewest digits a phone number may have.
pub const PHONE_MIN_DIGITS: usize = 8;
/// The most digits a phone number may have (E.164's limit).
pub const PHONE_MAX_DIGITS: usize = 15;
/// The earliest year a document month may name: the service is younger than that.
pub const EARLIEST_YEAR: u16 = 2000;

/// One problem with one field of a form.
///
/// Why `field` is the wire name (`email`, `referentMail`): the UI puts the message under the input bound
/// to that name, and the CLI prints it next to the matching option. A field may have several problems.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(rename_all = "camelCase")]
#[error("{field}: {message}")]
pub struct FieldError {
    /// The field's name on the wire, e.g. `email` or `referentMail`.
    pub field: &'static str,
    /// What is wrong, in words a person can act on.
    pub message: String,
}

impl FieldError {
    /// A problem with `field`.
    fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self {
            field,
            message: message.into(),
        }
    }
}

/// Checks a new user before `POST /contracts/{id}/user`, returning every problem at once.
pub fn validate_new_user(user: &NewUser) -> Result<(), Vec<FieldError>> {
    let mut errors = Vec::new();
    check_name("lastName", &user.last_name, &mut errors);
    check_name("firstName", &user.first_name, &mut errors);
    check_email("email", &user.email, &mut errors);
    check_login("login", &user.login, &mut errors);
    check_phone("fixPhone", user.fix_phone.as_deref(), &mut errors);
    check_phone("mobilePhone", user.mobile_phone.as_deref(), &mut errors);
    finish(errors)
}

/// Checks a new contract before `POST /contracts`, returning every problem at once.
pub fn validate_new_contract(contract: &NewContract) -> Result<(), Vec<FieldError>> {
    let mut errors = Vec::new();
    check_required(
        "billingAccountId",
        &contract.billing_account_id,
        &mut errors,
    );
    check_required("offerCode", &contract.offer_code, &mut errors);
    check_name("contractName", &contract.contract_name, &mut errors);
    check_required("supportLevel", &contract.support_level, &mut errors);
    check_name("referentName", &contract.referent_name, &mut errors);
    check_name(
        "referentFirstName",
        &contract.referent_first_name,
        &mut errors,
    );
    check_email("referentMail", &contract.referent_mail, &mut errors);
    check_phone(
        "referentFixPhone",
        contract.referent_fix_phone.as_deref(),
        &mut errors,
    );
    check_phone(
        "referentMobilePhone",
        contract.referent_mobile_phone.as_deref(),
        &mut errors,
    );
    finish(errors)
}

/// Reads a civility typed by a person: `Mr` or `Mrs` in any case, or the French `M.` and `Mme`.
///
/// Why the aliases: the customer space is used in French as much as in English.
pub fn parse_civility(text: &str) -> Result<Civility, FieldError> {
    match text.trim().to_lowercase().as_str() {
        "mr" | "mr." | "m." | "m" => Ok(Civility::Mr),
        "mrs" | "mrs." | "mme" | "mme." => Ok(Civility::Mrs),
        "" => Err(FieldError::new(
            "civility",
            "required: Mr or Mrs (M. or Mme)",
        )),
        _ => Err(FieldError::new(
            "civility",
            format!(
                "\"{}\" is not a civility: use Mr or Mrs (M. or Mme)",
                text.trim()
            ),
        )),
    }
}

/// Reads a month typed as `YYYY-MM` (or `YYYYMM`, the API's own `period` form) into (year, month).
///
/// Why precise messages: a month filter is typed on the command line, where "invalid value" alone would
/// leave the person guessing which part is wrong.
pub fn parse_year_month(text: &str) -> Result<(u16, u8), String> {
    let text = text.trim();
    let example = "write it as YYYY-MM, e.g. 2024-03";
    if text.is_empty() {
        return Err(format!("the month is empty: {example}"));
    }
    let (year, month) = match text.split_once(['-', '/', '.']) {
        Some((year, month)) => {
            if !text.contains('-') {
                return Err(format!("\"{text}\" uses the wrong separator: {example}"));
            }
            (year, month)
        }
        None if text.len() == 6 && text.is_ascii() => text.split_at(4),
        None => return Err(format!("\"{text}\" is not a month: {example} (or 202403)")),
    };
    if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "\"{text}\": the year must be 4 digits, found \"{year}\"; {example}"
        ));
    }
    if !month.bytes().all(|b| b.is_ascii_digit()) || month.is_empty() {
        return Err(format!(
            "\"{text}\": the month must be 2 digits, found \"{month}\"; {example}"
        ));
    }
    if month.len() != 2 {
        return Err(format!(
            "\"{text}\": write the month with 2 digits, e.g. {year}-{month:0>2}"
        ));
    }
    let year_number: u16 = year
        .parse()
        .map_err(|_| format!("\"{text}\": the year \"{year}\" is not a number"))?;
    let month_number: u8 = month
        .parse()
        .map_err(|_| format!("\"{text}\": the month \"{month}\" is not a number"))?;
    if !(1..=12).contains(&month_number) {
        return Err(format!(
            "\"{text}\": there is no month {month}, months go from 01 to 12"
        ));
    }
    if year_number < EARLIEST_YEAR {
        return Err(format!(
            "\"{text}\": the year {year} is before {EARLIEST_YEAR}, when no documents exist"
        ));
    }
    Ok((year_number, month_number))
}

/// Reads a document type typed by a person: one of the API's six values (any case), or the correct
/// spelling `consumptionRatedReports` of the API's misspelt `comsumptionRatedReports`.
///
/// Why refuse unknown names: the API answers an unknown type with an empty list, not an error, so a
/// typo would silently look like "no documents".
pub fn parse_document_type(text: &str) -> Result<DocumentType, String> {
    let kind = DocumentType::from_name(text);
    if kind.is_known() {
        return Ok(kind);
    }
    let valid: Vec<&str> = DocumentType::KNOWN
        .iter()
        .map(DocumentType::wire_name)
        .collect();
    Err(format!(
        "unknown document type \"{}\"; valid values: {} (consumptionRatedReports is accepted too)",
        text.trim(),
        valid.join(", ")
    ))
}

/// `Ok` when nothing was found.
fn finish(errors: Vec<FieldError>) -> Result<(), Vec<FieldError>> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// A field that must not be blank; returns whether it was present, so further rules can be skipped.
fn check_required(field: &'static str, value: &str, errors: &mut Vec<FieldError>) -> bool {
    if value.trim().is_empty() {
        errors.push(FieldError::new(field, "required"));
        false
    } else {
        true
    }
}

/// A required name of at most [`NAME_MAX_CHARS`] characters.
fn check_name(field: &'static str, value: &str, errors: &mut Vec<FieldError>) {
    if !check_required(field, value, errors) {
        return;
    }
    let length = value.trim().chars().count();
    if length > NAME_MAX_CHARS {
        errors.push(FieldError::new(
            field,
            format!("at most {NAME_MAX_CHARS} characters (found {length})"),
        ));
    }
}

/// A required email address: one `@`, a local part, a domain with a dot, no spaces, not too long.
fn check_email(field: &'static str, value: &str, errors: &mut Vec<FieldError>) {
    if !check_required(field, value, errors) {
        return;
    }
    let mut problems = Vec::new();
    if value.chars().any(char::is_whitespace) {
        problems.push("must not contain spaces".to_owned());
    }
    let length = value.chars().count();
    if length > EMAIL_MAX_CHARS {
        problems.push(format!(
            "at most {EMAIL_MAX_CHARS} characters (found {length})"
        ));
    }
    match value.trim().split_once('@') {
        None => problems.push("needs an @, as in name@example.com".to_owned()),
        Some((_, domain)) if domain.contains('@') => {
            problems.push("must contain a single @".to_owned())
        }
        Some((local, domain)) => {
            if local.is_empty() {
                problems.push("needs a name before the @".to_owned());
            }
            if domain.is_empty() {
                problems.push("needs a domain after the @, as in name@example.com".to_owned());
            } else if !domain.contains('.')
                || domain.starts_with('.')
                || domain.ends_with('.')
                || domain.contains("..")
            {
                problems.push(format!(
                    "the domain \"{domain}\" needs a dot between names, as in example.com"
                ));
            }
        }
    }
    errors.extend(
        problems
            .into_iter()
            .map(|message| FieldError::new(field, message)),
    );
}

/// A required login matching [`LOGIN_PATTERN`], with one message per broken rule.
fn check_login(field: &'static str, value: &str, errors: &mut Vec<FieldError>) {
    if !check_required(field, value, errors) {
        return;
    }
    let length = value.chars().count();
    if length < LOGIN_MIN_CHARS {
        errors.push(FieldError::new(
            field,
            format!("at least {LOGIN_MIN_CHARS} characters (found {length})"),
        ));
    }
    if length > LOGIN_MAX_CHARS {
        errors.push(FieldError::new(
            field,
            format!("at most {LOGIN_MAX_CHARS} characters (found {length})"),
        ));
    }
    let mut bad: Vec<char> = Vec::new();
    for c in value.chars() {
        let allowed = c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-');
        if !allowed && !bad.contains(&c) {
            bad.push(c);
        }
    }
    if !bad.is_empty() {
        let shown: Vec<String> = bad.iter().map(|c| format!("{c:?}")).collect();
        errors.push(FieldError::new(
            field,
            format!(
                "letters without accents, digits, . _ - only (found {})",
                shown.join(" ")
            ),
        ));
    }
}

/// The country code a national number (leading `0`) is sent with: France's, the API's home.
pub const NATIONAL_PREFIX: &str = "+33";

/// A phone number as it is sent: spaces, dots, dashes and brackets removed, and a national number
/// (a leading `0`, no `+`) made international for France (`06 12 34 56 78` → `+33612345678`); the
/// French trunk `(0)` after a country code goes too (`+33 (0)6 12…` → `+336 12…`). Why one form:
/// the form's hint shows `+33 6 12 34 56 78`, people type all of these, and a server that wants
/// digits refuses the rest with a generic message. Text that is no phone number is returned with
/// only its separators removed, for the checks to name what is wrong.
pub fn normalize_phone(text: &str) -> String {
    let text = text.trim();
    let text = match text.strip_prefix('+') {
        Some(rest) => format!("+{}", rest.replacen("(0)", "", 1)),
        None => text.to_owned(),
    };
    let compact: String = text
        .chars()
        .filter(|c| !matches!(c, ' ' | '.' | '-' | '(' | ')'))
        .collect();
    match compact.strip_prefix('0') {
        Some(national) if !national.is_empty() && !compact.starts_with("00") => {
            format!("{NATIONAL_PREFIX}{national}")
        }
        // `00` is the international call prefix: `0044…` is `+44…`.
        _ if compact.starts_with("00") && compact.len() > 2 => format!("+{}", &compact[2..]),
        _ => compact,
    }
}

/// A new user with its phone numbers in the form they are sent ([`normalize_phone`]).
pub fn with_normalized_phones(mut user: NewUser) -> NewUser {
    user.fix_phone = user.fix_phone.as_deref().map(normalize_phone);
    user.mobile_phone = user.mobile_phone.as_deref().map(normalize_phone);
    user
}

/// A new contract with its referent's phone numbers in the form they are sent.
pub fn contract_with_normalized_phones(mut contract: NewContract) -> NewContract {
    contract.referent_fix_phone = contract.referent_fix_phone.as_deref().map(normalize_phone);
    contract.referent_mobile_phone = contract
        .referent_mobile_phone
        .as_deref()
        .map(normalize_phone);
    contract
}

/// An optional phone number: `+` and 8–15 digits (E.164) or 8–15 national digits, with single spaces,
/// dots or dashes allowed between digits, and one group in brackets (`+33 (0)6 …`).
fn check_phone(field: &'static str, value: Option<&str>, errors: &mut Vec<FieldError>) {
    let Some(value) = value else {
        return;
    };
    let text = value.trim();
    if text.is_empty() {
        errors.push(FieldError::new(
            field,
            "is empty: leave it out, or give a number such as +33 6 12 34 56 78",
        ));
        return;
    }
    let body = text.strip_prefix('+').unwrap_or(text);
    let digits_only = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let bracketed = |group: &str| {
        group
            .strip_prefix('(')
            .and_then(|rest| rest.split_once(')'))
            .is_some_and(|(inside, after)| {
                digits_only(inside) && (after.is_empty() || digits_only(after))
            })
    };
    let groups: Vec<&str> = body.split([' ', '.', '-']).collect();
    let well_formed = groups
        .iter()
        .all(|group| digits_only(group) || bracketed(group))
        && groups.iter().filter(|group| group.starts_with('(')).count() <= 1;
    if !well_formed {
        errors.push(FieldError::new(
            field,
            "digits only, with an optional + at the start and spaces, dots or dashes between digits",
        ));
        return;
    }
    let digits = body.bytes().filter(u8::is_ascii_digit).count();
    if !(PHONE_MIN_DIGITS..=PHONE_MAX_DIGITS).contains(&digits) {
        errors.push(FieldError::new(
            field,
            format!("{PHONE_MIN_DIGITS} to {PHONE_MAX_DIGITS} digits (found {digits})"),
        ));
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // A failed unwrap is a failed test, with its line.
mod tests {
    use super::*;

    fn user() -> NewUser {
        NewUser {
            civility: Civility::Mrs,
            last_name: "Martin".into(),
            first_name: "Claire".into(),
            email: "claire.martin@example.com".into(),
            login: "claire.martin".into(),
            fix_phone: None,
            mobile_phone: Some("+33 6 12 34 56 78".into()),
        }
    }

    fn contract() -> NewContract {
        NewContract {
            billing_account_id: "BA123".into(),
            offer_code: "FE".into(),
            contract_name: "Production".into(),
            support_level: "STANDARD".into(),
            referent_civility: Civility::Mr,
            referent_name: "Durand".into(),
            referent_first_name: "Paul".into(),
            referent_mail: "paul.durand@example.fr".into(),
            referent_fix_phone: Some("01.23.45.67.89".into()),
            referent_mobile_phone: None,
        }
    }

    fn messages_for(errors: &[FieldError], field: &str) -> Vec<String> {
        errors
            .iter()
            .filter(|e| e.field == field)
            .map(|e| e.message.clone())
            .collect()
    }

    fn user_errors(change: impl FnOnce(&mut NewUser)) -> Vec<FieldError> {
        let mut value = user();
        change(&mut value);
        validate_new_user(&value).unwrap_err()
    }

    #[test]
    fn valid_forms_pass() {
        assert_eq!(validate_new_user(&user()), Ok(()));
        assert_eq!(validate_new_contract(&contract()), Ok(()));
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let errors = user_errors(|u| {
            u.last_name = " ".into();
            u.first_name = String::new();
            u.email = "nope".into();
            u.login = "short".into();
        });
        let fields: Vec<&str> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["lastName", "firstName", "email", "login"]);
        assert_eq!(errors[0].message, "required");

        let mut blank = contract();
        blank.billing_account_id = String::new();
        blank.offer_code = String::new();
        blank.contract_name = String::new();
        blank.support_level = String::new();
        blank.referent_name = String::new();
        blank.referent_first_name = String::new();
        blank.referent_mail = String::new();
        let fields: Vec<&str> = validate_new_contract(&blank)
            .unwrap_err()
            .iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(
            fields,
            [
                "billingAccountId",
                "offerCode",
                "contractName",
                "supportLevel",
                "referentName",
                "referentFirstName",
                "referentMail"
            ]
        );
    }

    #[test]
    fn email_rules() {
        for (email, expected) in [
            ("claire martin@example.com", "must not contain spaces"),
            ("claire.example.com", "needs an @"),
            ("a@b@example.com", "single @"),
            ("@example.com", "before the @"),
            ("claire@", "domain after the @"),
            ("claire@localhost", "needs a dot"),
            ("claire@example.", "needs a dot"),
        ] {
            let errors = user_errors(|u| u.email = email.into());
            let messages = messages_for(&errors, "email");
            assert!(
                messages.iter().any(|m| m.contains(expected)),
                "{email}: {messages:?}"
            );
        }
        let long = format!("{}@example.com", "a".repeat(250));
        let errors = user_errors(|u| u.email = long);
        assert!(messages_for(&errors, "email")[0].contains("at most 254"));
        let mut c = contract();
        c.referent_mail = "paul".into();
        assert_eq!(
            validate_new_contract(&c).unwrap_err()[0].field,
            "referentMail"
        );
    }

    #[test]
    fn login_rules_say_which_is_broken() {
        let errors = user_errors(|u| u.login = "claire".into());
        assert_eq!(
            messages_for(&errors, "login"),
            ["at least 8 characters (found 6)"]
        );
        let errors = user_errors(|u| u.login = "h\u{e9}l\u{e8}ne.dupont".into());
        assert_eq!(
            messages_for(&errors, "login"),
            ["letters without accents, digits, . _ - only (found '\u{e9}' '\u{e8}')"]
        );
        let errors = user_errors(|u| u.login = "x".repeat(65));
        assert_eq!(
            messages_for(&errors, "login"),
            ["at most 64 characters (found 65)"]
        );
        let errors = user_errors(|u| u.login = "a b".into());
        assert_eq!(messages_for(&errors, "login").len(), 2);
        for ok in ["claire.martin", "A_b-c.d9", &"z".repeat(64)] {
            let mut value = user();
            value.login = ok.to_string();
            assert_eq!(validate_new_user(&value), Ok(()), "{ok}");
        }
        assert_eq!(LOGIN_PATTERN, "^[A-Za-z0-9._-]{8,64}$");
    }

    #[test]
    fn phones_are_sent_in_one_form() {
        for (typed, sent) in [
            ("+33 6 12 34 56 78", "+33612345678"),
            ("06 12 34 56 78", "+33612345678"),
            ("01.23.45.67.89", "+33123456789"),
            ("06-12-34-56-78", "+33612345678"),
            ("+33 (0)6 12 34 56 78", "+33612345678"),
            ("(0)6 12 34 56 78", "+33612345678"),
            ("+1-202-555-0143", "+12025550143"),
            ("0044 20 7946 0958", "+442079460958"),
            ("12345678", "12345678"),
            ("  +33612345678 ", "+33612345678"),
        ] {
            assert_eq!(normalize_phone(typed), sent, "{typed}");
            let mut value = user();
            value.mobile_phone = Some(typed.into());
            assert_eq!(validate_new_user(&value), Ok(()), "{typed} is accepted");
            let sent_user = with_normalized_phones(value);
            assert_eq!(sent_user.mobile_phone.as_deref(), Some(sent));
            assert_eq!(
                validate_new_user(&sent_user),
                Ok(()),
                "{sent} is accepted as sent"
            );
        }
    }

    #[test]
    fn phone_rules() {
        for ok in [
            "+33612345678",
            "06 12 34 56 78",
            "01.23.45.67.89",
            "+1-202-555-0143",
            "12345678",
        ] {
            let mut value = user();
            value.fix_phone = Some(ok.into());
            assert_eq!(validate_new_user(&value), Ok(()), "{ok}");
        }
        for (bad, expected) in [
            ("1234567", "8 to 15 digits (found 7)"),
            ("+1234567890123456", "8 to 15 digits (found 16)"),
            ("06  12 34 56 78", "digits only"),
            ("(0)6 (1)2 34 56 78", "digits only"),
            ("(06 12 34 56 78", "digits only"),
            ("06 12 34 56 7a", "digits only"),
            ("33+612345678", "digits only"),
            ("-0612345678", "digits only"),
            ("", "is empty"),
        ] {
            let errors = user_errors(|u| u.mobile_phone = Some(bad.into()));
            let messages = messages_for(&errors, "mobilePhone");
            assert!(messages[0].contains(expected), "{bad}: {messages:?}");
        }
        let mut c = contract();
        c.referent_mobile_phone = Some("12".into());
        assert_eq!(
            validate_new_contract(&c).unwrap_err()[0].field,
            "referentMobilePhone"
        );
    }

    #[test]
    fn names_are_bounded() {
        let errors = user_errors(|u| u.first_name = "\u{e9}".repeat(101));
        assert_eq!(
            messages_for(&errors, "firstName"),
            ["at most 100 characters (found 101)"]
        );
        let mut value = user();
        value.first_name = "\u{e9}".repeat(100);
        assert_eq!(validate_new_user(&value), Ok(()));
    }

    #[test]
    fn field_errors_serialise_for_the_ui() {
        let error = FieldError::new("referentMail", "required");
        assert_eq!(
            serde_json::to_value(&error).unwrap(),
            serde_json::json!({"field": "referentMail", "message": "required"})
        );
        assert_eq!(error.to_string(), "referentMail: required");
    }

    #[test]
    fn civilities() {
        for (text, expected) in [
            ("Mr", Civility::Mr),
            ("mr", Civility::Mr),
            ("M.", Civility::Mr),
            (" MRS ", Civility::Mrs),
            ("Mme", Civility::Mrs),
            ("mme", Civility::Mrs),
        ] {
            assert_eq!(parse_civility(text), Ok(expected), "{text}");
        }
        let error = parse_civility("Dr").unwrap_err();
        assert_eq!(error.field, "civility");
        assert!(error.message.contains("Mr or Mrs"));
        assert!(parse_civility("")
            .unwrap_err()
            .message
            .starts_with("required"));
    }

    #[test]
    fn year_months() {
        assert_eq!(parse_year_month("2024-03"), Ok((2024, 3)));
        assert_eq!(parse_year_month(" 202412 "), Ok((2024, 12)));
        for (text, expected) in [
            ("", "empty"),
            ("2024-13", "no month 13"),
            ("2024-00", "no month 00"),
            ("2024-3", "e.g. 2024-03"),
            ("24-03", "year must be 4 digits"),
            ("2024/03", "wrong separator"),
            ("march", "not a month"),
            ("2024-ab", "month must be 2 digits"),
            ("1999-01", "before 2000"),
            ("2024031", "not a month"),
            ("20240", "not a month"),
        ] {
            let message = parse_year_month(text).unwrap_err();
            assert!(message.contains(expected), "{text}: {message}");
        }
    }

    #[test]
    fn document_types() {
        assert_eq!(
            parse_document_type("consumptionRatedReports"),
            Ok(DocumentType::ConsumptionRatedReports)
        );
        assert_eq!(
            parse_document_type("comsumptionRatedReports"),
            Ok(DocumentType::ConsumptionRatedReports)
        );
        for kind in DocumentType::KNOWN {
            assert_eq!(parse_document_type(kind.wire_name()), Ok(kind.clone()));
        }
        let message = parse_document_type("invoice").unwrap_err();
        assert!(message.contains("\"invoice\""), "{message}");
        assert!(
            message.contains("invoices, bills, comsumptionRatedReports"),
            "{message}"
        );
        assert!(parse_document_type("").is_err());
    }
}
