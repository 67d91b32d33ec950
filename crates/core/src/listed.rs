//! Listed documents in a compact form, for lists that stay in memory (the app's catalog).
//!
//! Why: a `Document` is six `String`s, two options and a map: about 360 bytes and six allocations
//! per document once its text is counted. A contract can list 100,000 of them and the desktop app
//! keeps its lists while it runs. Here each document is a fixed-size record and the text of all of
//! them lives in one buffer: a list of usual documents is a few large allocations (a document with
//! fields the contract does not name, or of a type it does not know, keeps one more of its own),
//! which go back to the system whole
//! when the list is replaced ("load more" builds the new list while the old one is still shown),
//! instead of 100,000 small ones left scattered among the allocator's arenas (measured with the
//! `catalog_memory` example: 100,000 documents reached by 5,000 → 50,000 → 100,000 hold 28.6 MiB
//! this way, 34.4 MiB with one allocation per document). A full `Document` is rebuilt when one is
//! needed (a download names its file from it).

use ccs_api::{Document, DocumentId, DocumentType, DocumentsQuery, ExtraFields};

/// The text most documents need (id, file name, period, creation time, currency): what the buffer
/// reserves per document asked for, so that a list is read without regrowing it.
const TEXT_PER_DOCUMENT: usize = 112;

/// Documents of a list, in order: fixed-size records and one text buffer (see the module's doc).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct CompactDocuments {
    records: Vec<Record>,
    text: String,
}

/// One document's fixed-size part; its text is `text[start..start + ends[4]]` of the list.
#[derive(Debug, Clone, PartialEq)]
struct Record {
    start: usize,
    /// Where the id, file name, period, creation time and currency end, from `start`.
    ends: [u32; 5],
    has_created_at: bool,
    has_currency: bool,
    document_type: Option<DocumentType>,
    size: Option<u64>,
    amount: Option<f64>,
    /// Fields the contract does not name (rare: no map at all when there are none).
    extra: Option<Box<ExtraFields>>,
}

impl CompactDocuments {
    /// Room for `documents` (the limit asked for). Why: room made once is touched only as far as it
    /// is used (and [`CompactDocuments::shrink_to_fit`] gives back the rest), whereas a list grown
    /// by doubling leaves its outgrown copies to the allocator while it is read.
    /// At most the API's longest list is reserved, whatever is asked.
    pub fn with_capacity(documents: usize) -> Self {
        let documents = documents.min(DocumentsQuery::MAX_LIMIT as usize);
        Self {
            records: Vec::with_capacity(documents),
            text: String::with_capacity(documents.saturating_mul(TEXT_PER_DOCUMENT)),
        }
    }

    /// Adds the next document of the list, and gives it back in its compact form.
    pub fn push(&mut self, document: Document) -> ListedDocument<'_> {
        let start = self.text.len();
        let created_at = document.created_at.as_deref().unwrap_or("");
        let currency = document.currency.as_deref().unwrap_or("");
        let parts = [
            document.id.as_str(),
            document.filename.as_str(),
            document.period.as_str(),
            created_at,
            currency,
        ];
        let mut ends = [0u32; 5];
        for (end, part) in ends.iter_mut().zip(parts) {
            self.text.push_str(part);
            // A document's text is part of one answer, which the client reads only up to 256 MiB.
            *end = u32::try_from(self.text.len() - start).unwrap_or(u32::MAX);
        }
        self.records.push(Record {
            start,
            ends,
            has_created_at: document.created_at.is_some(),
            has_currency: document.currency.is_some(),
            document_type: document.document_type,
            size: document.size,
            amount: document.amount,
            extra: (!document.extra.is_empty()).then(|| Box::new(document.extra)),
        });
        self.at(self.records.len() - 1)
    }

    /// Gives back the room reserved and not used, once the list is complete (the catalog keeps it
    /// for as long as the screen shows it).
    pub fn shrink_to_fit(&mut self) {
        self.records.shrink_to_fit();
        self.text.shrink_to_fit();
    }

    /// How many documents it holds: the catalog's positions run below it.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// Whether it holds none (an empty contract).
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// Document `index`; like a slice, panics when there is none (the catalog's positions always
    /// come from this list).
    pub fn at(&self, index: usize) -> ListedDocument<'_> {
        let record = &self.records[index];
        let end = record.start + record.ends[4] as usize;
        ListedDocument {
            record,
            text: self.text.get(record.start..end).unwrap_or(""),
        }
    }

    /// The documents in the list's order (the API's, newest first): what selection and bulk
    /// downloads walk.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = ListedDocument<'_>> + '_ {
        (0..self.len()).map(|index| self.at(index))
    }
}

/// One document of a [`CompactDocuments`], borrowed from it.
#[derive(Debug, Clone, Copy)]
pub struct ListedDocument<'a> {
    record: &'a Record,
    /// Its own text: id, file name, period, creation time and currency, one after the other.
    text: &'a str,
}

impl<'a> ListedDocument<'a> {
    /// Part `n` of the text (0 id, 1 file name, 2 period, 3 creation time, 4 currency).
    fn part(&self, n: usize) -> &'a str {
        let start = if n == 0 {
            0
        } else {
            self.record.ends[n - 1] as usize
        };
        let end = self.record.ends[n] as usize;
        self.text.get(start..end).unwrap_or("")
    }

    /// The id to download it with.
    pub fn id(&self) -> &'a str {
        self.part(0)
    }

    /// The file name from the list (untrusted: sanitise before use).
    pub fn filename(&self) -> &'a str {
        self.part(1)
    }

    /// `YYYYMM` or `YYYYMMDD`.
    pub fn period(&self) -> &'a str {
        self.part(2)
    }

    /// When it was issued (RFC 3339, as sent).
    pub fn created_at(&self) -> Option<&'a str> {
        self.record.has_created_at.then(|| self.part(3))
    }

    /// The currency of the amount.
    pub fn currency(&self) -> Option<&'a str> {
        self.record.has_currency.then(|| self.part(4))
    }

    /// Its type.
    pub fn document_type(&self) -> Option<&'a DocumentType> {
        self.record.document_type.as_ref()
    }

    /// Its size in bytes.
    pub fn size(&self) -> Option<u64> {
        self.record.size
    }

    /// Its amount (bills and invoices).
    pub fn amount(&self) -> Option<f64> {
        self.record.amount
    }

    /// The full document again (what a download needs to name its file).
    pub fn to_document(&self) -> Document {
        Document {
            id: DocumentId::from_server(self.id()),
            filename: self.filename().to_owned(),
            period: self.period().to_owned(),
            document_type: self.record.document_type.clone(),
            created_at: self.created_at().map(str::to_owned),
            size: self.record.size,
            amount: self.record.amount,
            currency: self.currency().map(str::to_owned),
            extra: self.record.extra.as_deref().cloned().unwrap_or_default(),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // A failed unwrap is a failed test, with its line.
mod tests {
    use super::*;
    use serde_json::json;

    fn document(value: serde_json::Value) -> Document {
        serde_json::from_value(value).unwrap()
    }

    fn compact(documents: &[Document]) -> CompactDocuments {
        let mut list = CompactDocuments::with_capacity(documents.len());
        for document in documents {
            list.push(document.clone());
        }
        list
    }

    #[test]
    fn every_field_comes_back() {
        let full = document(json!({
            "id": "65a1b2c3d4e5f60718293a4b",
            "filename": "Facture_Décembre.pdf",
            "period": "202312",
            "documentType": "invoices",
            "createdAt": "2024-01-02T08:00:00Z",
            "size": 84213,
            "amount": 1234.5,
            "currency": "EUR",
            "vatNumber": "FR1",
        }));
        let list = compact(std::slice::from_ref(&full));
        let listed = list.at(0);
        assert_eq!(listed.id(), "65a1b2c3d4e5f60718293a4b");
        assert_eq!(listed.filename(), "Facture_Décembre.pdf");
        assert_eq!(listed.period(), "202312");
        assert_eq!(listed.created_at(), Some("2024-01-02T08:00:00Z"));
        assert_eq!(listed.currency(), Some("EUR"));
        assert_eq!(listed.document_type(), Some(&DocumentType::Invoices));
        assert_eq!(
            (listed.size(), listed.amount()),
            (Some(84213), Some(1234.5))
        );
        assert_eq!(listed.to_document(), full);
    }

    #[test]
    fn missing_and_empty_fields_stay_apart() {
        let bare = document(json!({"id": "x", "filename": "", "period": "202401"}));
        let bare_list = compact(std::slice::from_ref(&bare));
        let listed = bare_list.at(0);
        assert_eq!((listed.created_at(), listed.currency()), (None, None));
        assert_eq!(listed.to_document(), bare);
        let empty = document(json!({
            "id": "y", "filename": "f", "period": "202401", "createdAt": "", "currency": ""
        }));
        let empty_list = compact(std::slice::from_ref(&empty));
        let listed = empty_list.at(0);
        assert_eq!(
            (listed.created_at(), listed.currency()),
            (Some(""), Some(""))
        );
        assert_eq!(listed.to_document(), empty);
    }

    #[test]
    fn documents_keep_their_own_text_and_order() {
        let documents: Vec<Document> = (0..50)
            .map(|n| {
                document(json!({
                    "id": format!("id{n}"),
                    "filename": format!("Facture_{}.pdf", "é".repeat(n % 7)),
                    "period": format!("2024{:02}", n % 12 + 1),
                    "createdAt": if n % 3 == 0 { json!(null) } else { json!("2024-01-02T08:00:00Z") },
                }))
            })
            .collect();
        let mut list = compact(&documents);
        list.shrink_to_fit();
        assert_eq!(list.len(), 50);
        let back: Vec<Document> = list.iter().map(|d| d.to_document()).collect();
        assert_eq!(back, documents);
    }
}
