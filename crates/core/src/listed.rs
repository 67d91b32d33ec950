//! One listed document in a compact form, for lists that stay in memory (the app's catalog).
//!
//! Why: a `Document` is six `String`s, two options and a map: about 360 bytes and six allocations
//! per document once its text is counted. A contract can list 100,000 of them and the desktop app
//! keeps its lists while it runs. Here the text lives in one allocation and the rest in fixed
//! fields (about 200 bytes, two allocations); a full `Document` is rebuilt when one is needed (a
//! download names its file from it).

use ccs_api::{Document, DocumentId, DocumentType, ExtraFields};

/// A document of a list, compact (see the module's doc).
#[derive(Debug, Clone, PartialEq)]
pub struct ListedDocument {
    /// Id, file name, period, creation time and currency, one after the other.
    text: Box<str>,
    /// Where the id, file name, period and creation time end in `text` (the currency is the rest).
    ends: [u32; 4],
    has_created_at: bool,
    has_currency: bool,
    document_type: Option<DocumentType>,
    size: Option<u64>,
    amount: Option<f64>,
    /// Fields the contract does not name (rare: no map at all when there are none).
    extra: Option<Box<ExtraFields>>,
}

impl From<Document> for ListedDocument {
    fn from(document: Document) -> Self {
        let created_at = document.created_at.as_deref().unwrap_or("");
        let currency = document.currency.as_deref().unwrap_or("");
        let parts = [
            document.id.as_str(),
            document.filename.as_str(),
            document.period.as_str(),
            created_at,
        ];
        let mut text = String::with_capacity(
            parts.iter().map(|part| part.len()).sum::<usize>() + currency.len(),
        );
        let mut ends = [0u32; 4];
        for (end, part) in ends.iter_mut().zip(parts) {
            text.push_str(part);
            *end = u32::try_from(text.len()).unwrap_or(u32::MAX);
        }
        text.push_str(currency);
        Self {
            text: text.into_boxed_str(),
            ends,
            has_created_at: document.created_at.is_some(),
            has_currency: document.currency.is_some(),
            document_type: document.document_type,
            size: document.size,
            amount: document.amount,
            extra: (!document.extra.is_empty()).then(|| Box::new(document.extra)),
        }
    }
}

impl ListedDocument {
    /// Part `n` of the text (0 id, 1 file name, 2 period, 3 creation time, 4 currency).
    fn part(&self, n: usize) -> &str {
        let start = if n == 0 { 0 } else { self.ends[n - 1] as usize };
        let end = self
            .ends
            .get(n)
            .map_or(self.text.len(), |&end| end as usize);
        self.text.get(start..end).unwrap_or("")
    }

    /// The id to download it with.
    pub fn id(&self) -> &str {
        self.part(0)
    }

    /// The file name from the list (untrusted: sanitise before use).
    pub fn filename(&self) -> &str {
        self.part(1)
    }

    /// `YYYYMM` or `YYYYMMDD`.
    pub fn period(&self) -> &str {
        self.part(2)
    }

    /// When it was issued (RFC 3339, as sent).
    pub fn created_at(&self) -> Option<&str> {
        self.has_created_at.then(|| self.part(3))
    }

    /// The currency of the amount.
    pub fn currency(&self) -> Option<&str> {
        self.has_currency.then(|| self.part(4))
    }

    /// Its type.
    pub fn document_type(&self) -> Option<&DocumentType> {
        self.document_type.as_ref()
    }

    /// Its size in bytes.
    pub fn size(&self) -> Option<u64> {
        self.size
    }

    /// Its amount (bills and invoices).
    pub fn amount(&self) -> Option<f64> {
        self.amount
    }

    /// The full document again (what a download needs to name its file).
    pub fn to_document(&self) -> Document {
        Document {
            id: DocumentId::from_server(self.id()),
            filename: self.filename().to_owned(),
            period: self.period().to_owned(),
            document_type: self.document_type.clone(),
            created_at: self.created_at().map(str::to_owned),
            size: self.size,
            amount: self.amount,
            currency: self.currency().map(str::to_owned),
            extra: self.extra.as_deref().cloned().unwrap_or_default(),
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
        let listed = ListedDocument::from(full.clone());
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
        let listed = ListedDocument::from(bare.clone());
        assert_eq!((listed.created_at(), listed.currency()), (None, None));
        assert_eq!(listed.to_document(), bare);
        let empty = document(json!({
            "id": "y", "filename": "f", "period": "202401", "createdAt": "", "currency": ""
        }));
        let listed = ListedDocument::from(empty.clone());
        assert_eq!(
            (listed.created_at(), listed.currency()),
            (Some(""), Some(""))
        );
        assert_eq!(listed.to_document(), empty);
    }
}
