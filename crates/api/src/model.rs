//! Wire types, one per verb of the contract (`openapi.yaml`), camelCase on the wire.
//!
//! Why: optional fields are `Option` because the real API leaves many out; every object keeps the fields
//! the contract does not name in `extra`, so that a newer server loses nothing when the CLI prints JSON.

use crate::credentials::Redactor;
use crate::ids::{ContractId, DocumentId, UserId};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};
use std::fmt;
use std::num::NonZeroU32;
use std::str::FromStr;

/// Fields the contract does not name, kept as the server sent them.
pub type ExtraFields = Map<String, Value>;

/// An offer (the product the contract is for), e.g. "Flexible Engine".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Offer {
    /// The offer's commercial name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Fields the contract does not name.
    #[serde(flatten)]
    pub extra: ExtraFields,
}

/// One row of `GET /contracts`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContractSummary {
    /// The contract number.
    pub id: ContractId,
    /// The contract's name.
    pub name: String,
    /// When it was created (RFC 3339, as sent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    /// The offer it is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offer: Option<Offer>,
    /// Fields the contract does not name.
    #[serde(flatten)]
    pub extra: ExtraFields,
}

/// The customer a contract belongs to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Customer {
    /// The customer's id at Orange.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The customer's company name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Fields the contract does not name.
    #[serde(flatten)]
    pub extra: ExtraFields,
}

/// The contract's referent (the person Orange talks to).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Contact {
    /// Mr or Mrs, as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub civility: Option<String>,
    /// Family name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// Given name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// Email address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Landline number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fix_phone: Option<String>,
    /// Mobile number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mobile_phone: Option<String>,
    /// Fields the contract does not name.
    #[serde(flatten)]
    pub extra: ExtraFields,
}

/// `GET /contract` (and the answer to `POST /contracts`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContractDetail {
    /// The contract number.
    pub id: ContractId,
    /// The contract's name.
    pub name: String,
    /// Billing model (values unknown; the sandbox uses PAYG and COMMITMENT).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contract_type: Option<String>,
    /// The platform the contract runs on, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform_id: Option<String>,
    /// Who the contract belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer: Option<Customer>,
    /// The offer it is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offer: Option<Offer>,
    /// Creation time (RFC 3339, as sent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    /// Last change (RFC 3339, as sent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
    /// ACTIVE, or PENDING right after creation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Support level of the contract.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub support_level: Option<String>,
    /// The billing account invoices go to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing_account_id: Option<String>,
    /// The contract's referent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<Contact>,
    /// Fields the contract does not name.
    #[serde(flatten)]
    pub extra: ExtraFields,
}

/// The six kinds of document, with a correct Rust spelling; [`DocumentType::wire_name`] gives the API's.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DocumentType {
    /// Monthly billing report (XLSX).
    Bills,
    /// Legal invoice (PDF).
    Invoices,
    /// Daily usage report (CSV).
    Reports,
    /// Billing simulation to date.
    PartialBills,
    /// Rated consumption since the 1st of the month (CSV).
    PartialConsumptionRatedReports,
    /// Rated consumption of a closed month (CSV); the API spells it `comsumptionRatedReports`.
    ConsumptionRatedReports,
    /// A type this client does not know yet, kept as the server spelt it.
    Other(String),
}

impl DocumentType {
    /// Every type the API is known to have, in the order users expect to see them.
    pub const KNOWN: [DocumentType; 6] = [
        DocumentType::Invoices,
        DocumentType::Bills,
        DocumentType::ConsumptionRatedReports,
        DocumentType::PartialConsumptionRatedReports,
        DocumentType::PartialBills,
        DocumentType::Reports,
    ];

    /// The value as the real API spells it in `documentType` (note the misspelt `comsumption…`).
    pub fn wire_name(&self) -> &str {
        match self {
            DocumentType::Bills => "bills",
            DocumentType::Invoices => "invoices",
            DocumentType::Reports => "reports",
            DocumentType::PartialBills => "partialBills",
            DocumentType::PartialConsumptionRatedReports => "partialConsumptionRatedReports",
            DocumentType::ConsumptionRatedReports => "comsumptionRatedReports",
            DocumentType::Other(name) => name,
        }
    }

    /// Reads a type from the wire or from a person: the API's six values, and also the correct
    /// spelling `consumptionRatedReports` (case-insensitive). Anything else is `Other`.
    pub fn from_name(name: &str) -> Self {
        let lower = name.trim().to_ascii_lowercase();
        match lower.as_str() {
            "bills" => DocumentType::Bills,
            "invoices" => DocumentType::Invoices,
            "reports" => DocumentType::Reports,
            "partialbills" => DocumentType::PartialBills,
            "partialconsumptionratedreports" => DocumentType::PartialConsumptionRatedReports,
            "comsumptionratedreports" | "consumptionratedreports" => {
                DocumentType::ConsumptionRatedReports
            }
            _ => DocumentType::Other(name.to_owned()),
        }
    }

    /// Whether this is one of the six known types.
    pub fn is_known(&self) -> bool {
        !matches!(self, DocumentType::Other(_))
    }
}

impl fmt::Display for DocumentType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.wire_name())
    }
}

impl Serialize for DocumentType {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.wire_name())
    }
}

impl<'de> Deserialize<'de> for DocumentType {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        Ok(DocumentType::from_name(&name))
    }
}

/// One row of `GET /documents`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Document {
    /// The id to download it with.
    pub id: DocumentId,
    /// The file name to save under, as real callers do. Untrusted: sanitise before use.
    pub filename: String,
    /// Starts with `YYYYMM` (daily reports: `YYYYMMDD`).
    pub period: String,
    /// The kind of document.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document_type: Option<DocumentType>,
    /// When it was issued (RFC 3339, as sent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    /// Its size in bytes. Read leniently: a whole number, or a text of one;
    /// anything else (a fraction, a negative number, an unreadable text) is `None`, not an error.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::size"
    )]
    pub size: Option<u64>,
    /// Amount (bills and invoices). Read leniently: a number, or a decimal text with `.` or `,`
    /// (`"12.5"`, `"1 234,50"`); anything else is `None`, not an error.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::amount"
    )]
    pub amount: Option<f64>,
    /// ISO 4217 currency of `amount`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// Fields the contract does not name.
    #[serde(flatten)]
    pub extra: ExtraFields,
}

impl Document {
    /// A document known only by its id (typed by a person, not found in a list): saved files are then
    /// named from the server's answer instead of the list's `filename`.
    pub fn unlisted(id: DocumentId) -> Self {
        Self {
            id,
            filename: String::new(),
            period: String::new(),
            document_type: None,
            created_at: None,
            size: None,
            amount: None,
            currency: None,
            extra: ExtraFields::new(),
        }
    }

    /// The month the period starts with, when the period is well formed.
    pub fn year_month(&self) -> Option<YearMonth> {
        period_year_month(&self.period)
    }
}

/// The month a document period (`YYYYMM` or `YYYYMMDD`) starts with, when it has one: for callers
/// that keep periods without a whole [`Document`].
pub fn period_year_month(period: &str) -> Option<YearMonth> {
    let digits = period.get(..6)?.as_bytes();
    if !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let number = digits
        .iter()
        .fold(0u32, |number, digit| number * 10 + u32::from(digit - b'0'));
    YearMonth::from_number(number)
}

/// A calendar month: a year of four digits (0000–9999) and a month (1–12), ordered in time.
///
/// Why one type: the CLI's `--from`/`--to`, the app's month filter and the catalog's per-document
/// month all compare months with the months of document periods; one type keeps them agreeing.
/// Inside it is the `YYYYMM` number (202403 for March 2024), so two months compare as one integer
/// (the catalog compares them for each of 100,000 documents per key press) and `Option<YearMonth>`
/// is no larger than the number. The app's filter sends months in that number form too
/// ([`YearMonth::from_number`]); people write them `YYYY-MM` ([`Display`](fmt::Display), [`FromStr`]).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct YearMonth(NonZeroU32);

/// Why a text is not a month in the form `YYYY-MM`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("\"{text}\" is not a month: write it as YYYY-MM, e.g. 2024-03")]
pub struct YearMonthError {
    /// The text that was read.
    pub text: String,
}

impl YearMonth {
    /// The month `month` (1–12) of `year` (0–9999); `None` for any other.
    pub fn new(year: u16, month: u8) -> Option<Self> {
        if year > 9999 || !(1..=12).contains(&month) {
            return None;
        }
        NonZeroU32::new(u32::from(year) * 100 + u32::from(month)).map(Self)
    }

    /// The month of a `YYYYMM` number (202403 is March 2024); `None` when the number names none.
    pub fn from_number(number: u32) -> Option<Self> {
        let year = u16::try_from(number / 100).ok()?;
        let month = u8::try_from(number % 100).ok()?;
        Self::new(year, month)
    }

    /// The `YYYYMM` number (202403 for March 2024): the compact form, ordered as the months are.
    pub fn number(self) -> u32 {
        self.0.get()
    }

    /// The year.
    pub fn year(self) -> u16 {
        // At most 9999 (checked in `new`).
        u16::try_from(self.0.get() / 100).unwrap_or(u16::MAX)
    }

    /// The month, 1 to 12.
    pub fn month(self) -> u8 {
        // Below 100.
        u8::try_from(self.0.get() % 100).unwrap_or(u8::MAX)
    }
}

impl fmt::Display for YearMonth {
    /// `YYYY-MM`, e.g. `2024-03`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year(), self.month())
    }
}

impl fmt::Debug for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "YearMonth({self})")
    }
}

impl FromStr for YearMonth {
    type Err = YearMonthError;

    /// Exactly `YYYY-MM` (`2024-03`). A person's typing, with its mistakes named one by one, is
    /// read by the core's `parse_year_month`.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bytes = text.as_bytes();
        let digits = |range: std::ops::Range<usize>| {
            bytes[range].iter().try_fold(0u16, |number, &digit| {
                digit
                    .is_ascii_digit()
                    .then(|| number * 10 + u16::from(digit - b'0'))
            })
        };
        let parsed = (bytes.len() == 7 && bytes[4] == b'-')
            .then(|| (digits(0..4), digits(5..7)))
            .and_then(|(year, month)| Self::new(year?, u8::try_from(month?).ok()?));
        parsed.ok_or_else(|| YearMonthError {
            text: text.to_owned(),
        })
    }
}

/// What to ask `GET /documents` for.
#[derive(Debug, Clone, PartialEq)]
pub struct DocumentsQuery {
    /// One type, or every type when `None`.
    pub document_type: Option<DocumentType>,
    /// At most this many, newest first. Always sent: the API's own default is only 10.
    pub limit: u32,
}

impl DocumentsQuery {
    /// The API's largest accepted limit.
    pub const MAX_LIMIT: u32 = 100_000;
}

/// The answer to `GET /documents`, whichever of its two shapes the server used.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DocumentList {
    /// The documents, newest first.
    pub documents: Vec<Document>,
    /// The limit that was asked for.
    pub limit: u32,
    /// True when the answer has as many documents as the limit: there may be more, ask again with a
    /// larger limit.
    pub filled_limit: bool,
}

/// What `GET /documents` gave, once its documents were handed over one by one
/// ([`crate::Client::list_documents_each`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListedDocuments {
    /// How many documents the answer held.
    pub count: usize,
    /// The limit that was asked for.
    pub limit: u32,
    /// True when the answer has as many documents as the limit: there may be more.
    pub filled_limit: bool,
}

/// What kind of answer `GET /documents` gave, once its documents were handed over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ListShape {
    /// A top-level array, or an object whose `documents` is an array or null (both confirmed).
    Documents,
    /// An object without a `documents` key (an error body with a 200, a shape never seen): not an
    /// empty list. Its first key names (scrubbed, cut) and how many keys it had.
    ObjectWithout {
        /// At most [`crate::error_body::KEYS_SHOWN`] key names, made safe to show.
        keys: Vec<String>,
        /// How many keys the object had.
        count: usize,
    },
}

impl ListShape {
    /// What the answer was, for an error: "an object with keys error, status".
    pub(crate) fn describe(keys: &[String], count: usize) -> String {
        match count {
            0 => "an empty object".into(),
            _ => format!(
                "an object with {}",
                crate::error_body::key_list(keys, count)
            ),
        }
    }
}

/// Reads the two shapes `GET /documents` answers with — an array, or `{"documents": null}` — and
/// hands each document to a function as soon as it is read; says which shape came.
///
/// Why a visitor: a `#[serde(untagged)]` enum buffers the whole answer into serde's generic tree
/// before trying each shape. Why one document at a time: a caller that keeps the documents in a form
/// of its own (the app's catalog) never holds 100,000 `Document`s besides it, and the memory each one
/// used is reused for the next.
pub(crate) struct DocumentsSeed<'f, 'r, F>(pub(crate) &'f mut F, pub(crate) &'r Redactor);

impl<'de, F: FnMut(Document)> serde::de::DeserializeSeed<'de> for DocumentsSeed<'_, '_, F> {
    type Value = ListShape;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<ListShape, D::Error> {
        deserializer.deserialize_any(Shapes(self.0, self.1))
    }
}

/// Either shape.
struct Shapes<'f, 'r, F>(&'f mut F, &'r Redactor);

impl<'de, F: FnMut(Document)> serde::de::Visitor<'de> for Shapes<'_, '_, F> {
    type Value = ListShape;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of documents, or an object with a `documents` field")
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, seq: A) -> Result<ListShape, A::Error> {
        each_element(seq, self.0)?;
        Ok(ListShape::Documents)
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<ListShape, A::Error> {
        let mut documents = false;
        let mut keys = Vec::new();
        let mut count = 0usize;
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            count += 1;
            if keys.len() < crate::error_body::KEYS_SHOWN {
                keys.push(crate::error_body::key_name(&key, self.1));
            }
            if key == "documents" && !documents {
                documents = true;
                map.next_value_seed(NullableDocuments(&mut *self.0))?;
            } else {
                map.next_value::<serde::de::IgnoredAny>()?;
            }
        }
        Ok(if documents {
            ListShape::Documents
        } else {
            ListShape::ObjectWithout { keys, count }
        })
    }
}

/// The `documents` field: an array or null.
struct NullableDocuments<'f, F>(&'f mut F);

impl<'de, F: FnMut(Document)> serde::de::DeserializeSeed<'de> for NullableDocuments<'_, F> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_option(self)
    }
}

impl<'de, F: FnMut(Document)> serde::de::Visitor<'de> for NullableDocuments<'_, F> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of documents, or null")
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        each_element(seq, self.0)
    }
}

fn each_element<'de, A: serde::de::SeqAccess<'de>, F: FnMut(Document)>(
    mut seq: A,
    each: &mut F,
) -> Result<(), A::Error> {
    while let Some(document) = seq.next_element::<Document>()? {
        each(document);
    }
    Ok(())
}

/// How a person is addressed; the customer space offers exactly these two.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Civility {
    /// Mister.
    Mr,
    /// Missus.
    Mrs,
}

/// Body of `POST /contracts/{contractId}/user`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewUser {
    /// Mr or Mrs.
    pub civility: Civility,
    /// Family name.
    pub last_name: String,
    /// Given name.
    pub first_name: String,
    /// Email address (if it already has a login, that login is kept).
    pub email: String,
    /// 8–64 letters without accents, digits, `.`, `_`, `-`.
    pub login: String,
    /// Landline number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fix_phone: Option<String>,
    /// Mobile number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mobile_phone: Option<String>,
}

/// A user as the API returns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct User {
    /// The user's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<UserId>,
    /// The login (the existing one when the email already had one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub login: Option<String>,
    /// Email address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Mr or Mrs, as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub civility: Option<String>,
    /// Family name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// Given name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// The contract the user was added to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contract_id: Option<ContractId>,
    /// Fields the contract does not name.
    #[serde(flatten)]
    pub extra: ExtraFields,
}

impl User {
    /// A user read leniently from a create's answer: text (or number) fields are taken, anything
    /// else stays in `extra` as sent, so an odd field never turns a success into an error.
    pub(crate) fn from_answer(mut map: ExtraFields) -> Self {
        let id = take_text(&mut map, "id").map(UserId);
        let login = take_text(&mut map, "login");
        let email = take_text(&mut map, "email");
        let civility = take_text(&mut map, "civility");
        let last_name = take_text(&mut map, "lastName");
        let first_name = take_text(&mut map, "firstName");
        let contract_id = take_text(&mut map, "contractId").map(ContractId::from_server);
        Self {
            id,
            login,
            email,
            civility,
            last_name,
            first_name,
            contract_id,
            extra: map,
        }
    }
}

/// Takes a text (or number, as text) field out of `map`; other kinds stay where they are.
fn take_text(map: &mut ExtraFields, key: &str) -> Option<String> {
    let text = match map.get(key)? {
        Value::String(text) => text.clone(),
        Value::Number(number) => number.to_string(),
        Value::Null => {
            map.remove(key);
            return None;
        }
        _ => return None,
    };
    map.remove(key);
    (!text.trim().is_empty()).then_some(text)
}

/// What the success answer to a create held. Whatever it held, the server said the create was
/// done: every one of these is a success.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum CreateAnswer {
    /// A JSON object with the created item's id.
    Complete,
    /// A JSON object without an id.
    WithoutId,
    /// No body (e.g. 204 No Content).
    Empty,
    /// A body this client could not read as the created item (not JSON, not an object, cut).
    Unreadable,
}

/// The outcome of creating a user: the server either made a new login or kept an existing one.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CreatedUser {
    /// The user as the server returned it; every field is `None` when its answer held none
    /// (see `answer`).
    pub user: User,
    /// True only when the answer says so: it returned a login other than the one sent (the email
    /// already had a login, which the server kept).
    pub already_existed: bool,
    /// What the server's answer held.
    pub answer: CreateAnswer,
}

/// The outcome of creating a contract.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CreatedContract {
    /// The contract as the server returned it, when its answer held one with its id and name.
    pub contract: Option<ContractDetail>,
    /// What the server's answer held.
    pub answer: CreateAnswer,
}

/// Body of `POST /contracts`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewContract {
    /// The billing account to attach the contract to.
    pub billing_account_id: String,
    /// The offer's code.
    pub offer_code: String,
    /// The new contract's name.
    pub contract_name: String,
    /// Support level.
    pub support_level: String,
    /// Referent's civility.
    pub referent_civility: Civility,
    /// Referent's family name.
    pub referent_name: String,
    /// Referent's given name.
    pub referent_first_name: String,
    /// Referent's email.
    pub referent_mail: String,
    /// Referent's landline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referent_fix_phone: Option<String>,
    /// Referent's mobile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referent_mobile_phone: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_type_uses_the_real_spelling_on_the_wire() {
        let json = serde_json::to_string(&DocumentType::ConsumptionRatedReports).unwrap();
        assert_eq!(json, "\"comsumptionRatedReports\"");
        assert_eq!(
            DocumentType::from_name("consumptionRatedReports"),
            DocumentType::ConsumptionRatedReports
        );
        let unknown: DocumentType = serde_json::from_str("\"creditNotes\"").unwrap();
        assert_eq!(unknown, DocumentType::Other("creditNotes".into()));
        assert_eq!(serde_json::to_string(&unknown).unwrap(), "\"creditNotes\"");
    }

    /// The documents of an answer, read one by one as the client does; an object without
    /// `documents` is an error, described as the client describes it.
    fn read_list(json: &str) -> Result<Vec<Document>, String> {
        use serde::de::DeserializeSeed;
        let mut documents = Vec::new();
        let mut deserializer = serde_json::Deserializer::from_str(json);
        let redactor = Redactor::default();
        let shape = DocumentsSeed(&mut |d| documents.push(d), &redactor)
            .deserialize(&mut deserializer)
            .map_err(|e| e.to_string())?;
        deserializer.end().map_err(|e| e.to_string())?;
        match shape {
            ListShape::Documents => Ok(documents),
            ListShape::ObjectWithout { keys, count } => Err(ListShape::describe(&keys, count)),
        }
    }

    #[test]
    fn both_list_shapes_and_unknown_fields_are_kept() {
        let array = r#"[{"id":"a1","filename":"f.pdf","period":"202401","documentType":"invoices","vatNumber":"FR1"}]"#;
        let docs = read_list(array).unwrap();
        assert_eq!(docs.len(), 1);
        assert_eq!(docs[0].extra["vatNumber"], "FR1");
        let round = serde_json::to_value(&docs[0]).unwrap();
        assert_eq!(round["vatNumber"], "FR1");
        assert_eq!(round["documentType"], "invoices");
        assert!(read_list(r#"{"documents":null}"#).unwrap().is_empty());
        assert!(read_list(r#"{"documents":[]}"#).unwrap().is_empty());
        assert!(read_list("[]").unwrap().is_empty());
        let wrapped =
            r#"{"total":1,"documents":[{"id":"b2","filename":"g.pdf","period":"202402"}]}"#;
        let docs = read_list(wrapped).unwrap();
        assert_eq!(docs.len(), 1);
        assert_eq!(docs[0].id.as_str(), "b2");
        // An object without `documents` is not an empty list (it used to be read as one).
        assert_eq!(
            read_list(r#"{"total":0}"#).unwrap_err(),
            "an object with the key total"
        );
        for wrong in [
            r#""text""#,
            "42",
            r#"[{"filename":"no id"}]"#,
            r#"{"documents":{"id":"x"}}"#,
            "[] []",
        ] {
            assert!(read_list(wrong).is_err(), "{wrong}");
        }
    }

    #[test]
    fn an_object_without_documents_is_named_by_its_keys_only() {
        assert_eq!(
            read_list(r#"{"error":"internal","status":500}"#).unwrap_err(),
            "an object with keys error, status"
        );
        assert_eq!(read_list("{}").unwrap_err(), "an empty object");
        let many = r#"{"a":1,"b":"secret text","c":3,"d":4,"e":5,"f":6,"g\nh":7}"#;
        let text = read_list(many).unwrap_err();
        assert_eq!(text, "an object with keys a, b, c, d, e and 2 more");
        let long_key = format!(r#"{{"{}\u0007x":1}}"#, "k".repeat(100));
        let text = read_list(&long_key).unwrap_err();
        assert!(
            text.chars().count() < 70 && !text.contains('\u{7}'),
            "{text}"
        );
    }

    #[test]
    fn one_odd_row_does_not_fail_the_list() {
        let json = r#"[
            {"id":"a","filename":"a.pdf","period":"202401","amount":"1 234,50","size":"4096"},
            {"id":"b","filename":"b.pdf","period":"202401","amount":"twelve","size":null},
            {"id":"c","filename":"c.pdf","period":"202401","amount":{"value":1},"size":-5},
            {"id":"d","filename":"d.pdf","period":"202401","amount":12.5,"size":12}
        ]"#;
        let docs = read_list(json).unwrap();
        let read: Vec<_> = docs.iter().map(|d| (d.amount, d.size)).collect();
        assert_eq!(
            read,
            [
                (Some(1234.5), Some(4096)),
                (None, None),
                (None, None),
                (Some(12.5), Some(12))
            ]
        );
    }

    #[test]
    fn deep_nesting_is_a_clear_error_not_a_crash() {
        let deep = format!(
            r#"[{{"id":"a","filename":"f","period":"202401","x":{}1{}}}]"#,
            "[".repeat(10_000),
            "]".repeat(10_000)
        );
        let error = read_list(&deep).unwrap_err();
        assert!(error.contains("recursion limit"), "{error}");
        let deep_list = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        assert!(read_list(&deep_list).is_err());
    }

    proptest::proptest! {
        #[test]
        fn any_answer_is_read_or_refused_without_panic(body in "\\PC{0,300}") {
            let _ = read_list(&body);
        }

        #[test]
        fn any_json_value_is_read_or_refused_without_panic(value in json_value()) {
            let text = value.to_string();
            let _ = read_list(&text);
            let wrapped = serde_json::json!({"documents": value}).to_string();
            let _ = read_list(&wrapped);
        }

        #[test]
        fn rows_with_any_amount_and_size_are_kept(amount in json_value(), size in json_value()) {
            let row = serde_json::json!([
                {"id": "a", "filename": "f", "period": "202401", "amount": amount, "size": size}
            ]);
            let docs = read_list(&row.to_string()).unwrap();
            proptest::prop_assert_eq!(docs.len(), 1);
        }
    }

    /// Any JSON value, a few levels deep.
    fn json_value() -> impl proptest::strategy::Strategy<Value = Value> {
        use proptest::prelude::*;
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<f64>().prop_map(Value::from),
            "\\PC{0,20}".prop_map(Value::from),
        ];
        leaf.prop_recursive(4, 32, 6, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                proptest::collection::btree_map("\\PC{0,8}", inner, 0..6)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    #[test]
    fn year_month_reads_the_period_prefix() {
        let doc: Document =
            serde_json::from_str(r#"{"id":"x","filename":"f","period":"20240315"}"#).unwrap();
        assert_eq!(doc.year_month(), YearMonth::new(2024, 3));
        assert_eq!(period_year_month("202403"), YearMonth::new(2024, 3));
        assert_eq!(period_year_month("202413"), None);
        assert_eq!(period_year_month("2024"), None);
        assert_eq!(period_year_month("March 24"), None);
        assert_eq!(period_year_month("２０２４０３"), None);
    }

    #[test]
    fn months_are_ordered_numbered_and_written_yyyy_mm() {
        let march = YearMonth::new(2024, 3).unwrap();
        assert_eq!(
            (march.year(), march.month(), march.number()),
            (2024, 3, 202403)
        );
        assert_eq!(march.to_string(), "2024-03");
        assert_eq!("2024-03".parse::<YearMonth>(), Ok(march));
        assert_eq!(YearMonth::from_number(202403), Some(march));
        assert!(YearMonth::new(2023, 12).unwrap() < march);
        assert!(march < YearMonth::new(2024, 10).unwrap());
        assert_eq!(YearMonth::new(7, 1).unwrap().to_string(), "0007-01");
        for bad in [
            YearMonth::new(2024, 0),
            YearMonth::new(2024, 13),
            YearMonth::new(10_000, 1),
        ] {
            assert_eq!(bad, None);
        }
        for bad in [202400, 202413, 2024, 20240101, 0] {
            assert_eq!(YearMonth::from_number(bad), None, "{bad}");
        }
        for bad in [
            "2024-3", "202403", "2024/03", "2024-13", "24-03", "2024-0a", "", "2024-03 ",
        ] {
            let error = bad.parse::<YearMonth>().unwrap_err();
            assert!(error.to_string().contains("YYYY-MM"), "{bad}: {error}");
        }
        assert_eq!(std::mem::size_of::<Option<YearMonth>>(), 4);
    }

    #[test]
    fn new_user_is_camel_case() {
        let user = NewUser {
            civility: Civility::Mrs,
            last_name: "Martin".into(),
            first_name: "Claire".into(),
            email: "claire@example.com".into(),
            login: "claire.martin".into(),
            fix_phone: None,
            mobile_phone: Some("+33612345678".into()),
        };
        let value = serde_json::to_value(&user).unwrap();
        assert_eq!(value["lastName"], "Martin");
        assert_eq!(value["civility"], "Mrs");
        assert!(value.get("fixPhone").is_none());
    }
}
