//! The documents list as CSV and JSON files.
//!
//! Why: customers reconcile invoices in spreadsheets and scripts. The CSV opens in Excel and LibreOffice
//! (RFC 4180, UTF-8, CRLF, a header row) and the JSON is exactly what the API sent, so that neither format
//! loses a field a newer server adds: both carry every field the server sent, the known ones first.
//!
//! The CSV is also safe to open: a spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` as a
//! formula (and tab or CR can hide such a start), so a server string such as
//! `=HYPERLINK("http://…")` in a file name would run on the customer's machine. Text cells that start
//! so get a leading `'` (OWASP's "CSV injection" advice; spreadsheets show the text without it).
//! Numbers this program writes itself (`size`, `amount`, numeric extra fields) are left as they are:
//! they are digits with at most a sign, a point and an exponent, which no spreadsheet runs, and
//! `-12.5` must stay a number a customer can add up, not become the text `'-12.5`.

use ccs_api::Document;
use serde_json::Value;
use std::borrow::Cow;
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
/// non-text values are compact JSON, and absent or `null` values are empty cells. Text cells go
/// through [`neutralise_formula`] (see the module's documentation).
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
        let text = |value: &str| neutralise_formula(value).into_owned();
        let mut record: Vec<String> = vec![
            text(document.id.as_str()),
            text(&document.filename),
            document
                .document_type
                .as_ref()
                .map(|kind| text(kind.wire_name()))
                .unwrap_or_default(),
            text(&document.period),
            document.created_at.as_deref().map(text).unwrap_or_default(),
            // Numbers we format: never a formula (see the module's documentation).
            document
                .size
                .map(|size| size.to_string())
                .unwrap_or_default(),
            document
                .amount
                .map(|amount| amount.to_string())
                .unwrap_or_default(),
            document.currency.as_deref().map(text).unwrap_or_default(),
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

/// One extra field as a cell: text as is (but never a formula), `null` empty, anything else compact
/// JSON. Numbers, `true`/`false` and JSON arrays and objects (which start with `[` or `{`) cannot
/// start a formula, so only text is neutralised.
fn cell(value: &Value) -> String {
    match value {
        Value::String(text) => neutralise_formula(text).into_owned(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// The characters that make a spreadsheet read a cell as a formula when it starts with one (tab and
/// carriage return because some spreadsheets skip them before looking).
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A text cell that no spreadsheet will run: prefixed with `'` when it starts with `=`, `+`, `-`,
/// `@`, a tab or a carriage return; unchanged (and not copied) otherwise.
///
/// For text only: applied to a number this program formatted, it would turn `-12.5` into text.
pub fn neutralise_formula(text: &str) -> Cow<'_, str> {
    if text.starts_with(FORMULA_STARTS) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
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
    fn formula_starts_are_neutralised() {
        for risky in [
            "=1+1",
            "+1",
            "-1",
            "@SUM(A1)",
            "\t=1",
            "\r=1",
            "=HYPERLINK(\"x\")",
        ] {
            assert_eq!(neutralise_formula(risky), format!("'{risky}"), "{risky:?}");
        }
        for plain in ["", "a=1", " =1", "'=1", "1-1", "Invoice.pdf", "\u{ff1d}1"] {
            assert!(
                matches!(neutralise_formula(plain), Cow::Borrowed(_)),
                "{plain:?}"
            );
        }
    }

    #[test]
    fn text_cells_never_start_a_formula_and_numbers_stay_numbers() {
        let docs = documents(json!([{
            "id": "@id",
            "filename": "=HYPERLINK(\"http://evil.example/\",\"Invoice\")",
            "period": "+202401",
            "createdAt": "-1",
            "documentType": "invoices",
            "size": 2048,
            "amount": -12.5,
            "currency": "\tEUR",
            "note": "-2+3",
            "balance": -7,
            "lines": ["=1"]
        }]));
        let csv = documents_to_csv(&docs);
        let mut reader = csv::Reader::from_reader(csv.as_bytes());
        let header = reader.headers().unwrap().clone();
        let row = reader.records().next().unwrap().unwrap();
        let get = |name: &str| {
            let index = header.iter().position(|h| h == name).unwrap();
            row.get(index).unwrap().to_owned()
        };
        assert_eq!(get("id"), "'@id");
        assert_eq!(
            get("filename"),
            "'=HYPERLINK(\"http://evil.example/\",\"Invoice\")"
        );
        assert_eq!(get("period"), "'+202401");
        assert_eq!(get("createdAt"), "'-1");
        assert_eq!(get("documentType"), "invoices");
        assert_eq!(get("currency"), "'\tEUR");
        assert_eq!(get("note"), "'-2+3", "a text extra field is text");
        assert_eq!(get("size"), "2048");
        assert_eq!(get("amount"), "-12.5", "an amount stays a number");
        assert_eq!(get("balance"), "-7", "a numeric extra field stays a number");
        assert_eq!(get("lines"), "[\"=1\"]", "JSON starts with [");
        for cell in row.iter() {
            let risky = cell.starts_with(FORMULA_STARTS);
            assert!(!risky || cell == "-12.5" || cell == "-7", "{cell:?}");
        }
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
