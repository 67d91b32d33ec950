//! Real files of exactly announced sizes: PDF invoices, XLSX bills, CSV reports, and the ZIP
//! wrapper of `zipped=1`. Generation is lazy and deterministic (same seed, same bytes), so the
//! list can announce `size` without generating anything.

pub(crate) mod csv;
pub(crate) mod pdf;
pub(crate) mod xlsx;
pub(crate) mod zip;

use bytes::Bytes;

use crate::data::contracts::Contract;
use crate::data::documents::Doc;

/// The file format of a document type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Pdf,
    Xlsx,
    Csv,
}

impl Format {
    /// The `Content-Type` the sandbox serves.
    pub(crate) fn content_type(self) -> &'static str {
        match self {
            Format::Pdf => "application/pdf",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Format::Csv => "text/csv; charset=utf-8",
        }
    }
}

/// The smallest size a format can be padded to (requested sizes are raised to it).
pub(crate) fn min_size(format: Format) -> u64 {
    match format {
        Format::Pdf => 4096,
        Format::Xlsx => 8192,
        Format::Csv => 2048,
    }
}

/// Why a file could not be generated (a generator bug, reported as a 500).
#[derive(Debug, thiserror::Error)]
pub(crate) enum FormatError {
    /// The ZIP writer failed.
    #[error("zip: {0}")]
    Zip(#[from] ::zip::result::ZipError),
    /// Writing into memory failed.
    #[error("io: {0}")]
    Io(#[from] std::io::Error),
    /// The padding did not reach the announced size.
    #[error("generated {got} bytes instead of {expected}")]
    Size {
        /// The announced size.
        expected: u64,
        /// What was generated.
        got: u64,
    },
}

/// The whole file in memory (fine for every document but the big one).
pub(crate) fn render(contract: &Contract, doc: &Doc) -> Result<Vec<u8>, FormatError> {
    let bytes = match doc.doc_type.format() {
        Format::Pdf => pdf::render(contract, doc),
        Format::Xlsx => xlsx::render(contract, doc)?,
        Format::Csv => {
            let mut out = Vec::with_capacity(usize::try_from(doc.info.size).unwrap_or(0));
            for chunk in csv::CsvGenerator::new(doc) {
                out.extend_from_slice(&chunk);
            }
            out
        }
    };
    let got = bytes.len() as u64;
    if got == doc.info.size {
        Ok(bytes)
    } else {
        Err(FormatError::Size {
            expected: doc.info.size,
            got,
        })
    }
}

/// The file as a sequence of chunks: the big document is generated while sent, others are
/// rendered at once.
pub(crate) fn chunks(
    contract: &Contract,
    doc: &Doc,
) -> Result<Box<dyn Iterator<Item = Bytes> + Send>, FormatError> {
    if doc.streamed && doc.doc_type.format() == Format::Csv {
        Ok(Box::new(csv::CsvGenerator::new(doc)))
    } else {
        Ok(Box::new(std::iter::once(Bytes::from(render(
            contract, doc,
        )?))))
    }
}

/// Escapes text for XML content and attributes.
pub(crate) fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            other => out.push(other),
        }
    }
    out
}

/// `1234.56` from cents, with a decimal point (`comma` swaps it for a comma).
pub(crate) fn money(cents: i64, comma: bool) -> String {
    decimal(cents, 2, comma)
}

/// A fixed-point number written with `scale` decimals: `decimal(-12345, 4, true)` is `-1,2345`.
pub(crate) fn decimal(value: i64, scale: u32, comma: bool) -> String {
    let sign = if value < 0 { "-" } else { "" };
    let abs = value.unsigned_abs();
    let unit = 10_u64.pow(scale);
    let sep = if comma { ',' } else { '.' };
    let width = scale as usize;
    format!("{sign}{}{sep}{:0width$}", abs / unit, abs % unit)
}
