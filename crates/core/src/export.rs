//! The documents list as CSV and JSON files.
//!
//! Why: customers reconcile invoices in spreadsheets and scripts. The CSV opens in Excel and LibreOffice
//! (RFC 4180, UTF-8, CRLF, a header row) and the JSON is exactly what the API sent, so that neither format
//! loses a field a newer server adds: both carry every field the server sent, the known ones first.

use ccs_api::Document;
use serde_json::Value;
use std::collections::BTreeSet;

/// The columns every CSV export starts with, in this order, named as on the wire.
pub const CSV_BASE_COLUMNS: [&str; 8] = [
    "id",
    "filename",
    "documentType",
    "period",
    "createdAt",
    "size",
    "amount",
    "currency",
];

/// Writes the documents as CSV: the [`CSV_BASE_COLUMNS`], then every other field any document has,
/// sorted by name.
///
/// Why these choices: the quoting is the `csv` crate's (RFC 4180) rather than hand-written; amounts are
/// written in Rust's shortest exact decimal form (`1234.5`, never `1.2345e3`) so nothing is lost; other
/// non-text values are compact JSON, and absent or `null` values are empty cells.
pub fn documents_to_csv(documents: &[Document]) -> String {
    match write_csv(documents) {
        Ok(text) => text,
        // Writing to memory has no I/O error, and every record has the header's length.
        Err(error) => unreachable!("writing CSV into memory failed: {error}"),
    }
}

/// Every document as the API's JSON object, with every field the server sent; an empty list is `[]`.
///
/// Why: `--json` output and JSON exports must be what the API said, not our reading of it.
pub fn documents_to_json(documents: &[Document]) -> Value {
    Value::Array(
        documents
            .iter()
            .map(|document| match serde_json::to_value(document) {
                Ok(value) => value,
                // Only string keys and finite-or-null numbers: serialising to a `Value` cannot fail.
                Err(error) => unreachable!("a document could not become JSON: {error}"),
            })
            .collect(),
    )
}

/// The CSV text, or the `csv` crate's error (which cannot happen when writing to memory).
fn write_csv(documents: &[Document]) -> Result<String, csv::Error> {
    let extra_columns: BTreeSet<&str> = documents
        .iter()
        .flat_map(|document| document.extra.keys().map(String::as_str))
        .filter(|key| !CSV_BASE_COLUMNS.contains(key))
        .collect();

    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    writer.write_record(
        CSV_BASE_COLUMNS
            .iter()
            .copied()
            .chain(extra_columns.iter().copied()),
    )?;
    for document in documents {
        let mut record: Vec<String> = vec![
            document.id.as_str().to_owned(),
            document.filename.clone(),
            document
                .document_type
                .as_ref()
                .map(|kind| kind.wire_name().to_owned())
                .unwrap_or_default(),
            document.period.clone(),
            document.created_at.clone().unwrap_or_default(),
            document
                .size
                .map(|size| size.to_string())
                .unwrap_or_default(),
            document
                .amount
                .map(|amount| amount.to_string())
                .unwrap_or_default(),
            document.currency.clone().unwrap_or_default(),
        ];
        record.extend(
            extra_columns
                .iter()
                .map(|key| document.extra.get(*key).map(cell).unwrap_or_default()),
        );
        writer.write_record(&record)?;
    }
    let bytes = writer.into_inner().map_err(|error| error.into_error())?;
    // The writer only copies the bytes of `&str`s and ASCII punctuation, so this is valid UTF-8.
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// One extra field as a cell: text as is, `null` empty, anything else compact JSON.
fn cell(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // A failed unwrap is a failed test, with its line.
mod tests {
    use super::*;
    use serde_json::json;

    fn documents(value: Value) -> Vec<Document> {
        serde_json::from_value(value).unwrap()
    }

    const HEADER: &str = "id,filename,documentType,period,createdAt,size,amount,currency";

    #[test]
    fn empty_list_is_the_header_only() {
        assert_eq!(documents_to_csv(&[]), format!("{HEADER}\r\n"));
        assert_eq!(documents_to_json(&[]), json!([]));
    }

    #[test]
    fn fields_are_quoted_as_rfc_4180_says() {
        let docs = documents(json!([{
            "id": "d1",
            "filename": "Invoice, \"March\"\nfinal.pdf",
            "period": "202403",
            "documentType": "comsumptionRatedReports",
            "size": 2048,
            "amount": 1234.5,
            "currency": "EUR"
        }]));
        let csv = documents_to_csv(&docs);
        assert_eq!(
            csv,
            format!(
                "{HEADER}\r\nd1,\"Invoice, \"\"March\"\"\nfinal.pdf\",comsumptionRatedReports,202403,,2048,1234.5,EUR\r\n"
            )
        );
    }

    #[test]
    fn amounts_are_written_without_loss() {
        let docs = documents(json!([
            {"id": "a", "filename": "a", "period": "202401", "amount": 0.1},
            {"id": "b", "filename": "b", "period": "202401", "amount": 100.0},
            {"id": "c", "filename": "c", "period": "202401", "amount": -12345678.91},
            {"id": "d", "filename": "d", "period": "202401", "amount": 1e21}
        ]));
        let csv = documents_to_csv(&docs);
        let amounts: Vec<&str> = csv
            .split("\r\n")
            .skip(1)
            .filter(|line| !line.is_empty())
            .map(|line| line.split(',').nth(6).unwrap())
            .collect();
        assert_eq!(
            amounts,
            ["0.1", "100", "-12345678.91", "1000000000000000000000"]
        );
    }

    #[test]
    fn extra_columns_are_the_sorted_union() {
        let docs = documents(json!([
            {"id": "a", "filename": "a.pdf", "period": "202401", "vatNumber": "FR1", "pages": 3},
            {"id": "b", "filename": "b.pdf", "period": "202402", "lines": [1, 2], "flag": null, "paid": true}
        ]));
        let csv = documents_to_csv(&docs);
        let lines: Vec<&str> = csv.split("\r\n").collect();
        assert_eq!(
            lines[0],
            format!("{HEADER},flag,lines,pages,paid,vatNumber")
        );
        assert_eq!(lines[1], "a,a.pdf,,202401,,,,,,,3,,FR1");
        assert_eq!(lines[2], "b,b.pdf,,202402,,,,,,\"[1,2]\",,true,");
        assert_eq!(lines[3], "");
    }

    #[test]
    fn json_keeps_every_field() {
        let source = json!([{
            "id": "a", "filename": "a.pdf", "period": "202401",
            "documentType": "invoices", "amount": 1234.5, "vatNumber": "FR1"
        }]);
        assert_eq!(documents_to_json(&documents(source.clone())), source);
    }
}
