//! Wire types, one per verb of the contract (`openapi.yaml`), camelCase on the wire.
//!
//! Why: optional fields are `Option` because the real API leaves many out; every object keeps the fields
//! the contract does not name in `extra`, so that a newer server loses nothing when the CLI prints JSON.

use crate::ids::{ContractId, DocumentId, UserId};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};
use std::fmt;

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
    /// Its size in bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    /// Amount (bills and invoices).
    #[serde(default, skip_serializing_if = "Option::is_none")]
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

    /// The `YYYYMM` part of the period as (year, month), when the period is well formed.
    pub fn year_month(&self) -> Option<(u16, u8)> {
        period_year_month(&self.period)
    }
}

/// The `YYYYMM` start of a document period (`YYYYMM` or `YYYYMMDD`) as (year, month), when it has
/// one: for callers that keep periods without a whole [`Document`].
pub fn period_year_month(period: &str) -> Option<(u16, u8)> {
    let digits = period.get(..6)?;
    if !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let year: u16 = digits[..4].parse().ok()?;
    let month: u8 = digits[4..].parse().ok()?;
    (1..=12).contains(&month).then_some((year, month))
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

/// Reads the two shapes `GET /documents` answers with — an array, or `{"documents": null}` — and
/// hands each document to a function as soon as it is read.
///
/// Why a visitor: a `#[serde(untagged)]` enum buffers the whole answer into serde's generic tree
/// before trying each shape. Why one document at a time: a caller that keeps the documents in a form
/// of its own (the app's catalog) never holds 100,000 `Document`s besides it, and the memory each one
/// used is reused for the next.
pub(crate) struct DocumentsSeed<'f, F>(pub(crate) &'f mut F);

impl<'de, F: FnMut(Document)> serde::de::DeserializeSeed<'de> for DocumentsSeed<'_, F> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(Shapes(self.0))
    }
}

/// Either shape.
struct Shapes<'f, F>(&'f mut F);

impl<'de, F: FnMut(Document)> serde::de::Visitor<'de> for Shapes<'_, F> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of documents, or an object with a `documents` field")
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        each_element(seq, self.0)
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            if key == "documents" {
                map.next_value_seed(NullableDocuments(&mut *self.0))?;
            } else {
                map.next_value::<serde::de::IgnoredAny>()?;
            }
        }
        Ok(())
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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

/// The outcome of creating a user: the server either made a new login or kept an existing one.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CreatedUser {
    /// The user as the server returned it.
    pub user: User,
    /// True when the email already had a login and the server kept it (HTTP 200 instead of 201).
    pub already_existed: bool,
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

    /// The documents of an answer, read one by one as the client does.
    fn read_list(json: &str) -> serde_json::Result<Vec<Document>> {
        use serde::de::DeserializeSeed;
        let mut documents = Vec::new();
        let mut deserializer = serde_json::Deserializer::from_str(json);
        DocumentsSeed(&mut |d| documents.push(d)).deserialize(&mut deserializer)?;
        deserializer.end()?;
        Ok(documents)
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
        let wrapped =
            r#"{"total":1,"documents":[{"id":"b2","filename":"g.pdf","period":"202402"}]}"#;
        let docs = read_list(wrapped).unwrap();
        assert_eq!(docs.len(), 1);
        assert_eq!(docs[0].id.as_str(), "b2");
        assert!(read_list(r#"{"total":0}"#).unwrap().is_empty());
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
    fn year_month_reads_the_period_prefix() {
        let doc: Document =
            serde_json::from_str(r#"{"id":"x","filename":"f","period":"20240315"}"#).unwrap();
        assert_eq!(doc.year_month(), Some((2024, 3)));
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
