//! Checks on what a person typed, before any request is made.
//!
//! Why: the API answers a bad body with a terse `400/24 Invalid body field`, one field at a time. Checking
//! here lets the form and the CLI name every problem at once, in words, next to the right field.
//!
//! Why rules as data: the app's forms check as the person types, in TypeScript, and show problems in
//! the person's language. So the limits below are exported to the UI's bindings (one
//! [`ValidationLimits`], never copied by hand), every problem names the [`Rule`] it broke with its
//! parameters (the UI translates by rule; the CLI prints the English `message`), and one fixture of
//! cases (`tests/fixtures/validation-cases.json`) is run by this crate and by the UI's tests alike.

use crate::error::CoreError;
use crate::profiles::{
    check_profile_name, DEMO_PROFILE, PROFILE_NAME_MAX_CHARS, PROFILE_NAME_PATTERN,
};
use ccs_api::{Civility, ContractIdError, DocumentType, NewContract, NewUser, YearMonth};
use serde::Serialize;
use std::collections::BTreeMap;

/// The login rule of the customer space, as a regular expression the UI can show and reuse.
pub const LOGIN_PATTERN: &str = "^[A-Za-z0-9._-]{8,64}$";
/// One character a login (and a profile name) may have, as a regular-expression class.
pub const LOGIN_CHARACTER: &str = "[A-Za-z0-9._-]";
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
/// The schemes a manual proxy may use: those the HTTP client speaks.
pub const PROXY_SCHEMES: [&str; 4] = ["http", "https", "socks5", "socks5h"];

/// The limits and patterns above as one value: what the desktop app exports to its UI's bindings
/// (`VALIDATION_LIMITS`), so the forms check as the person types with the numbers this crate applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ValidationLimits {
    /// [`LOGIN_PATTERN`].
    pub login_pattern: &'static str,
    /// [`LOGIN_CHARACTER`].
    pub login_character: &'static str,
    /// [`LOGIN_MIN_CHARS`].
    pub login_min_chars: usize,
    /// [`LOGIN_MAX_CHARS`].
    pub login_max_chars: usize,
    /// [`EMAIL_MAX_CHARS`].
    pub email_max_chars: usize,
    /// [`NAME_MAX_CHARS`].
    pub name_max_chars: usize,
    /// [`PHONE_MIN_DIGITS`].
    pub phone_min_digits: usize,
    /// [`PHONE_MAX_DIGITS`].
    pub phone_max_digits: usize,
    /// [`EARLIEST_YEAR`].
    pub earliest_year: u16,
    /// [`PROFILE_NAME_PATTERN`].
    pub profile_name_pattern: &'static str,
    /// [`PROFILE_NAME_MAX_CHARS`].
    pub profile_name_max_chars: usize,
    /// [`DEMO_PROFILE`], reserved whatever its case.
    pub demo_profile: &'static str,
    /// [`PROXY_SCHEMES`].
    pub proxy_schemes: [&'static str; 4],
}

impl ValidationLimits {
    /// The limits this crate applies.
    pub const CURRENT: Self = Self {
        login_pattern: LOGIN_PATTERN,
        login_character: LOGIN_CHARACTER,
        login_min_chars: LOGIN_MIN_CHARS,
        login_max_chars: LOGIN_MAX_CHARS,
        email_max_chars: EMAIL_MAX_CHARS,
        name_max_chars: NAME_MAX_CHARS,
        phone_min_digits: PHONE_MIN_DIGITS,
        phone_max_digits: PHONE_MAX_DIGITS,
        earliest_year: EARLIEST_YEAR,
        profile_name_pattern: PROFILE_NAME_PATTERN,
        profile_name_max_chars: PROFILE_NAME_MAX_CHARS,
        demo_profile: DEMO_PROFILE,
        proxy_schemes: PROXY_SCHEMES,
    };
}

/// Which rule a value broke: a stable code the UI translates (with [`FieldError::params`]), where
/// the CLI prints the English [`FieldError::message`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// Blank, and it may not be.
    Required,
    /// Fewer characters than `min` (`found`).
    TooShort,
    /// More characters than `max` (`found`).
    TooLong,
    /// An email with white space in it.
    EmailSpaces,
    /// An email without `@`.
    EmailNoAt,
    /// An email with more than one `@`.
    EmailSingleAt,
    /// An email with nothing before the `@`.
    EmailNoLocal,
    /// An email with nothing after the `@`.
    EmailNoDomain,
    /// An email whose `domain` has no dot between names.
    EmailDomainDot,
    /// A login with characters other than letters without accents, digits, `.`, `_`, `-` (`found`:
    /// each, quoted).
    LoginCharacters,
    /// A phone number given but blank.
    PhoneEmpty,
    /// A phone number with something else than digits and single separators.
    PhoneFormat,
    /// A phone number with fewer than `min` or more than `max` digits (`found`).
    PhoneDigits,
    /// A civility that is neither Mr nor Mrs (`found`).
    Civility,
    /// A month left blank.
    MonthEmpty,
    /// A month (`text`) written with another separator than `-`.
    MonthSeparator,
    /// A text (`text`) that is no month at all.
    MonthFormat,
    /// A month (`text`) whose `year` is not 4 digits.
    MonthYearDigits,
    /// A month (`text`) whose `month` is not digits.
    MonthMonthDigits,
    /// A month (`text`) written with 1 digit where 2 are needed (`example`: the right way).
    MonthPadding,
    /// A month (`text`) that no calendar has (`month`).
    MonthRange,
    /// A month (`text`) whose `year` is before `earliest`.
    MonthTooEarly,
    /// A profile name (`name`) with other characters, or more than `max`.
    ProfileName,
    /// The demo's own profile name (`name`).
    ProfileNameReserved,
    /// A contract id left blank.
    ContractEmpty,
    /// A contract id not starting with `OCB` (`found`: its start).
    ContractPrefix,
    /// A contract id without exactly 7 digits after `OCB` (`digits`: how many).
    ContractLength,
    /// A contract id with a `character` (quoted) that is no digit at `position`.
    ContractDigit,
    /// A proxy that is no URL of a scheme the client speaks, with a host.
    ProxyUrl,
}

/// One parameter of a broken rule: a number or a text, as the message shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(untagged)]
pub enum ParamValue {
    /// A count or a limit.
    Number(u32),
    /// What was typed, or a part of it.
    Text(String),
}

impl From<usize> for ParamValue {
    fn from(value: usize) -> Self {
        Self::Number(u32::try_from(value).unwrap_or(u32::MAX))
    }
}

impl From<u16> for ParamValue {
    fn from(value: u16) -> Self {
        Self::Number(value.into())
    }
}

impl From<&str> for ParamValue {
    fn from(value: &str) -> Self {
        Self::Text(value.to_owned())
    }
}

impl From<String> for ParamValue {
    fn from(value: String) -> Self {
        Self::Text(value)
    }
}

/// The parameters of a broken rule by name (`min`, `max`, `found`, …), as the UI's messages use them.
pub type RuleParams = BTreeMap<&'static str, ParamValue>;

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
    /// The rule broken, when one of ours names the problem; `None` for a message of its own (e.g.
    /// "--from is after --to"), which the UI shows as it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<Rule>,
    /// The rule's parameters (`max`, `found`, …), for the UI's message.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub params: RuleParams,
    /// What is wrong, in English words a person can act on.
    pub message: String,
}

impl FieldError {
    /// A problem with `field` that no [`Rule`] names: the UI shows `message` as it is.
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self {
            field,
            rule: None,
            params: RuleParams::new(),
            message: message.into(),
        }
    }

    /// `field` broke `rule`; `message` says it in English. Parameters follow with [`FieldError::with`].
    pub fn broke(field: &'static str, rule: Rule, message: impl Into<String>) -> Self {
        Self {
            rule: Some(rule),
            ..Self::new(field, message)
        }
    }

    /// The same problem with one more parameter of its rule.
    pub fn with(mut self, name: &'static str, value: impl Into<ParamValue>) -> Self {
        self.params.insert(name, value.into());
        self
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
        "" => Err(FieldError::broke(
            "civility",
            Rule::Required,
            "required: Mr or Mrs (M. or Mme)",
        )),
        _ => Err(FieldError::broke(
            "civility",
            Rule::Civility,
            format!(
                "\"{}\" is not a civility: use Mr or Mrs (M. or Mme)",
                text.trim()
            ),
        )
        .with("found", text.trim())),
    }
}

/// Reads a month typed as `YYYY-MM` (or `YYYYMM`, the API's own `period` form); a problem is filed
/// under the field `month` (a caller with its own name for the field renames it).
///
/// Why precise messages: a month filter is typed on the command line, where "invalid value" alone would
/// leave the person guessing which part is wrong.
pub fn parse_year_month(text: &str) -> Result<YearMonth, FieldError> {
    let text = text.trim();
    let example = "write it as YYYY-MM, e.g. 2024-03";
    let broke = |rule: Rule, message: String| FieldError::broke("month", rule, message);
    if text.is_empty() {
        return Err(broke(
            Rule::MonthEmpty,
            format!("the month is empty: {example}"),
        ));
    }
    let (year, month) = match text.split_once(['-', '/', '.']) {
        Some((year, month)) => {
            if !text.contains('-') {
                return Err(broke(
                    Rule::MonthSeparator,
                    format!("\"{text}\" uses the wrong separator: {example}"),
                )
                .with("text", text));
            }
            (year, month)
        }
        None if text.len() == 6 && text.is_ascii() => text.split_at(4),
        None => {
            return Err(broke(
                Rule::MonthFormat,
                format!("\"{text}\" is not a month: {example} (or 202403)"),
            )
            .with("text", text))
        }
    };
    let year_number = (year.len() == 4 && year.bytes().all(|b| b.is_ascii_digit()))
        .then(|| year.parse::<u16>().ok())
        .flatten()
        .ok_or_else(|| {
            broke(
                Rule::MonthYearDigits,
                format!("\"{text}\": the year must be 4 digits, found \"{year}\"; {example}"),
            )
            .with("text", text)
            .with("year", year)
        })?;
    if !month.bytes().all(|b| b.is_ascii_digit()) || month.is_empty() {
        return Err(broke(
            Rule::MonthMonthDigits,
            format!("\"{text}\": the month must be 2 digits, found \"{month}\"; {example}"),
        )
        .with("text", text)
        .with("month", month));
    }
    if month.len() != 2 {
        let right = format!("{year}-{month:0>2}");
        return Err(broke(
            Rule::MonthPadding,
            format!("\"{text}\": write the month with 2 digits, e.g. {right}"),
        )
        .with("text", text)
        .with("example", right));
    }
    let in_calendar = month
        .parse::<u8>()
        .ok()
        .and_then(|month_number| YearMonth::new(year_number, month_number));
    let Some(year_month) = in_calendar else {
        return Err(broke(
            Rule::MonthRange,
            format!("\"{text}\": there is no month {month}, months go from 01 to 12"),
        )
        .with("text", text)
        .with("month", month));
    };
    if year_number < EARLIEST_YEAR {
        return Err(broke(
            Rule::MonthTooEarly,
            format!(
                "\"{text}\": the year {year} is before {EARLIEST_YEAR}, when no documents exist"
            ),
        )
        .with("text", text)
        .with("year", year)
        .with("earliest", EARLIEST_YEAR));
    }
    Ok(year_month)
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
        errors.push(FieldError::broke(field, Rule::Required, "required"));
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
        errors.push(too_long(field, NAME_MAX_CHARS, length));
    }
}

/// `field` has `found` characters, more than `max`.
fn too_long(field: &'static str, max: usize, found: usize) -> FieldError {
    FieldError::broke(
        field,
        Rule::TooLong,
        format!("at most {max} characters (found {found})"),
    )
    .with("max", max)
    .with("found", found)
}

/// A required email address: one `@`, a local part, a domain with a dot, no spaces, not too long.
fn check_email(field: &'static str, value: &str, errors: &mut Vec<FieldError>) {
    if !check_required(field, value, errors) {
        return;
    }
    let broke = |rule: Rule, message: &str| FieldError::broke(field, rule, message);
    if value.chars().any(char::is_whitespace) {
        errors.push(broke(Rule::EmailSpaces, "must not contain spaces"));
    }
    let length = value.chars().count();
    if length > EMAIL_MAX_CHARS {
        errors.push(too_long(field, EMAIL_MAX_CHARS, length));
    }
    match value.trim().split_once('@') {
        None => errors.push(broke(Rule::EmailNoAt, "needs an @, as in name@example.com")),
        Some((_, domain)) if domain.contains('@') => {
            errors.push(broke(Rule::EmailSingleAt, "must contain a single @"))
        }
        Some((local, domain)) => {
            if local.is_empty() {
                errors.push(broke(Rule::EmailNoLocal, "needs a name before the @"));
            }
            if domain.is_empty() {
                errors.push(broke(
                    Rule::EmailNoDomain,
                    "needs a domain after the @, as in name@example.com",
                ));
            } else if !domain.contains('.')
                || domain.starts_with('.')
                || domain.ends_with('.')
                || domain.contains("..")
            {
                errors.push(
                    broke(
                        Rule::EmailDomainDot,
                        &format!(
                            "the domain \"{domain}\" needs a dot between names, as in example.com"
                        ),
                    )
                    .with("domain", domain),
                );
            }
        }
    }
}

/// A required login matching [`LOGIN_PATTERN`], with one message per broken rule.
fn check_login(field: &'static str, value: &str, errors: &mut Vec<FieldError>) {
    if !check_required(field, value, errors) {
        return;
    }
    let length = value.chars().count();
    if length < LOGIN_MIN_CHARS {
        errors.push(
            FieldError::broke(
                field,
                Rule::TooShort,
                format!("at least {LOGIN_MIN_CHARS} characters (found {length})"),
            )
            .with("min", LOGIN_MIN_CHARS)
            .with("found", length),
        );
    }
    if length > LOGIN_MAX_CHARS {
        errors.push(too_long(field, LOGIN_MAX_CHARS, length));
    }
    let mut bad: Vec<char> = Vec::new();
    for c in value.chars() {
        if !is_login_character(c) && !bad.contains(&c) {
            bad.push(c);
        }
    }
    if !bad.is_empty() {
        let shown: Vec<String> = bad.iter().map(|c| format!("{c:?}")).collect();
        let shown = shown.join(" ");
        errors.push(
            FieldError::broke(
                field,
                Rule::LoginCharacters,
                format!("letters without accents, digits, . _ - only (found {shown})"),
            )
            .with("found", shown),
        );
    }
}

/// Whether a login (or a profile name) may have `c`: [`LOGIN_CHARACTER`].
fn is_login_character(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')
}

/// A profile name as a form field: the problem [`check_profile_name`] finds, by rule (blank is
/// [`Rule::Required`]), in the words of [`CoreError`].
pub fn check_profile_name_field(field: &'static str, name: &str) -> Result<(), FieldError> {
    match check_profile_name(name) {
        Ok(()) => Ok(()),
        Err(_) if name.is_empty() => Err(FieldError::broke(field, Rule::Required, "required")),
        Err(error @ CoreError::ReservedProfileName { .. }) => {
            Err(
                FieldError::broke(field, Rule::ProfileNameReserved, error.to_string())
                    .with("name", name),
            )
        }
        Err(error) => Err(
            FieldError::broke(field, Rule::ProfileName, error.to_string())
                .with("name", name)
                .with("max", PROFILE_NAME_MAX_CHARS),
        ),
    }
}

/// Why a typed contract id was refused ([`ccs_api::ContractId::parse`]), as a problem of `field`.
pub fn contract_id_problem(field: &'static str, error: &ContractIdError) -> FieldError {
    let problem = |rule: Rule| FieldError::broke(field, rule, error.to_string());
    match error {
        ContractIdError::Empty => problem(Rule::ContractEmpty),
        ContractIdError::WrongPrefix { found } => {
            problem(Rule::ContractPrefix).with("found", found.as_str())
        }
        ContractIdError::WrongLength { digits } => {
            problem(Rule::ContractLength).with("digits", *digits)
        }
        ContractIdError::NotADigit {
            position,
            character,
        } => problem(Rule::ContractDigit)
            .with("position", *position)
            .with("character", format!("{character:?}")),
    }
}

/// Checks a manual proxy URL (the field `proxy`): a scheme the client speaks ([`PROXY_SCHEMES`])
/// and a host.
pub fn parse_proxy_url(text: &str) -> Result<url::Url, FieldError> {
    let invalid = |rule: Rule, why: String| FieldError::broke("proxy", rule, why);
    let url = url::Url::parse(text.trim()).map_err(|e| {
        let rule = if text.trim().is_empty() {
            Rule::Required
        } else {
            Rule::ProxyUrl
        };
        invalid(rule, format!("The proxy URL is not valid ({e})."))
    })?;
    if !PROXY_SCHEMES.contains(&url.scheme()) {
        return Err(invalid(
            Rule::ProxyUrl,
            "The proxy URL must start with http://, https:// or socks5://.".into(),
        ));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(invalid(Rule::ProxyUrl, "The proxy URL has no host.".into()));
    }
    Ok(url)
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
        errors.push(FieldError::broke(
            field,
            Rule::PhoneEmpty,
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
        errors.push(FieldError::broke(
            field,
            Rule::PhoneFormat,
            "digits only, with an optional + at the start and spaces, dots or dashes between digits",
        ));
        return;
    }
    let digits = body.bytes().filter(u8::is_ascii_digit).count();
    if !(PHONE_MIN_DIGITS..=PHONE_MAX_DIGITS).contains(&digits) {
        errors.push(
            FieldError::broke(
                field,
                Rule::PhoneDigits,
                format!("{PHONE_MIN_DIGITS} to {PHONE_MAX_DIGITS} digits (found {digits})"),
            )
            .with("min", PHONE_MIN_DIGITS)
            .with("max", PHONE_MAX_DIGITS)
            .with("found", digits),
        );
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
        let error = FieldError::new("referentMail", "taken");
        assert_eq!(
            serde_json::to_value(&error).unwrap(),
            serde_json::json!({"field": "referentMail", "message": "taken"})
        );
        assert_eq!(error.to_string(), "referentMail: taken");
        let errors = user_errors(|u| u.first_name = "x".repeat(101));
        assert_eq!(
            serde_json::to_value(&errors[0]).unwrap(),
            serde_json::json!({
                "field": "firstName",
                "rule": "too_long",
                "params": {"max": 100, "found": 101},
                "message": "at most 100 characters (found 101)"
            })
        );
        assert_eq!(
            errors[0].to_string(),
            "firstName: at most 100 characters (found 101)"
        );
    }

    #[test]
    fn problems_name_their_rule_and_its_parameters() {
        let errors = user_errors(|u| u.login = "h\u{e9}l\u{e8}ne".into());
        let rules: Vec<_> = errors.iter().map(|e| (e.rule, e.params.clone())).collect();
        assert_eq!(
            rules,
            [
                (
                    Some(Rule::TooShort),
                    RuleParams::from([("min", 8usize.into()), ("found", 6usize.into())])
                ),
                (
                    Some(Rule::LoginCharacters),
                    RuleParams::from([("found", "'\u{e9}' '\u{e8}'".into())])
                ),
            ]
        );
        let errors = user_errors(|u| u.mobile_phone = Some("1234".into()));
        assert_eq!(errors[0].rule, Some(Rule::PhoneDigits));
        assert_eq!(
            serde_json::to_value(&errors[0].params).unwrap(),
            serde_json::json!({"min": 8, "max": 15, "found": 4})
        );
        let error = parse_year_month("1999-01").unwrap_err();
        assert_eq!(
            serde_json::to_value(&error.params).unwrap(),
            serde_json::json!({"text": "1999-01", "year": "1999", "earliest": 2000})
        );
        assert_eq!(parse_civility("Dr").unwrap_err().rule, Some(Rule::Civility));
        assert_eq!(
            serde_json::to_value(Rule::MonthTooEarly).unwrap(),
            serde_json::json!("month_too_early")
        );
    }

    #[test]
    fn the_exported_patterns_say_what_the_checks_do() {
        let class = LOGIN_CHARACTER;
        assert_eq!(
            LOGIN_PATTERN,
            format!("^{class}{{{LOGIN_MIN_CHARS},{LOGIN_MAX_CHARS}}}$")
        );
        assert_eq!(
            PROFILE_NAME_PATTERN,
            format!("^{class}{{1,{PROFILE_NAME_MAX_CHARS}}}$")
        );
        let allowed: String = (' '..='~').filter(|&c| is_login_character(c)).collect();
        assert_eq!(
            allowed,
            "-.0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
        );
        assert_eq!(class, "[A-Za-z0-9._-]", "the class of the characters above");
        for c in (' '..='~').chain(['\u{e9}', '\u{ff21}']) {
            let name = c.to_string().repeat(2);
            let valid = check_name_syntax_ok(&name);
            assert_eq!(valid, is_login_character(c), "{c:?}");
        }
        let limits = serde_json::to_value(ValidationLimits::CURRENT).unwrap();
        assert_eq!(limits["loginMaxChars"], 64);
        assert_eq!(limits["profileNameMaxChars"], 64);
        assert_eq!(limits["demoProfile"], "Demo");
        assert_eq!(limits["proxySchemes"][3], "socks5h");
    }

    /// Whether the profile store takes `name` (not reserved), as its syntax goes.
    fn check_name_syntax_ok(name: &str) -> bool {
        check_profile_name_field("name", name).is_ok()
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
        assert_eq!(error.params["found"], ParamValue::from("Dr"));
        assert!(error.message.contains("Mr or Mrs"));
        assert!(parse_civility("")
            .unwrap_err()
            .message
            .starts_with("required"));
    }

    #[test]
    fn year_months() {
        assert_eq!(
            parse_year_month("2024-03"),
            Ok(YearMonth::new(2024, 3).unwrap())
        );
        assert_eq!(
            parse_year_month(" 202412 "),
            Ok(YearMonth::new(2024, 12).unwrap())
        );
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
            let error = parse_year_month(text).unwrap_err();
            assert!(error.message.contains(expected), "{text}: {error}");
            assert_eq!(error.field, "month");
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
