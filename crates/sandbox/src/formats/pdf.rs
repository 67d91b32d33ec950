//! Invoices: a minimal, valid PDF written by hand (catalog, pages, page, Helvetica with
//! WinAnsiEncoding, one content stream, a correct xref), padded to the exact size with `%`
//! comment lines right after the header.

use crate::data::contracts::Contract;
use crate::data::documents::Doc;

use super::money;

/// Header plus the binary-marker comment that tells tools the file is binary.
const HEADER: &[u8] = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n";

/// Encodes text for a PDF string in WinAnsiEncoding (Latin-1 range kept, others become `?`),
/// escaping the string delimiters.
fn pdf_string(text: &str) -> Vec<u8> {
    let mut out = vec![b'('];
    for c in text.chars() {
        match c {
            '(' | ')' | '\\' => {
                out.push(b'\\');
                out.push(c as u8);
            }
            '—' => out.push(0x97),
            c if (c as u32) < 0x20 => out.push(b' '),
            c if (c as u32) < 0x7F || (0xA0..=0xFF).contains(&(c as u32)) => {
                out.push(u8::try_from(c as u32).unwrap_or(b'?'));
            }
            _ => out.push(b'?'),
        }
    }
    out.push(b')');
    out
}

/// The page's drawing operators: one text line per entry.
fn content(contract: &Contract, doc: &Doc) -> Vec<u8> {
    let number = doc.info.invoice_number.clone().unwrap_or_default();
    let vat = doc.amount_cents / 5;
    let lines = [
        (18, "FACTURE / INVOICE".to_owned()),
        (11, "Orange Business - Flexible Engine".to_owned()),
        (11, format!("Invoice number: {number}")),
        (11, format!("Contract: {}", contract.id)),
        (11, format!("Customer: {}", contract.customer.name)),
        (
            11,
            format!("Billing account: {}", contract.billing_account_id),
        ),
        (11, format!("Period: {}", doc.info.period)),
        (
            11,
            format!("Amount excl. VAT: {} EUR", money(doc.amount_cents, false)),
        ),
        (11, format!("VAT 20%: {} EUR", money(vat, false))),
        (
            12,
            format!(
                "Total incl. VAT: {} EUR",
                money(doc.amount_cents + vat, false)
            ),
        ),
    ];
    let mut out = Vec::new();
    let mut y = 790;
    for (size, text) in lines {
        out.extend_from_slice(format!("BT /F1 {size} Tf 50 {y} Td ").as_bytes());
        out.extend_from_slice(&pdf_string(&text));
        out.extend_from_slice(b" Tj ET\n");
        y -= 24;
    }
    out
}

/// The objects after the padding, and their offsets relative to the start of the objects.
fn body(contract: &Contract, doc: &Doc) -> (Vec<u8>, Vec<usize>) {
    let stream = content(contract, doc);
    let mut objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>".to_vec(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_vec(),
    ];
    let mut content_object = format!("<< /Length {} >>\nstream\n", stream.len()).into_bytes();
    content_object.extend_from_slice(&stream);
    content_object.extend_from_slice(b"\nendstream");
    objects.push(content_object);
    let mut out = Vec::new();
    let mut offsets = Vec::new();
    for (index, object) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", index + 1).as_bytes());
        out.extend_from_slice(object);
        out.extend_from_slice(b"\nendobj\n");
    }
    (out, offsets)
}

fn digits(n: usize) -> usize {
    n.to_string().len()
}

/// `%` comment lines (and a lone newline when one byte is left) totalling `len` bytes.
fn padding(len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(len);
    let mut left = len;
    while left > 0 {
        if left == 1 {
            out.push(b'\n');
            left = 0;
        } else {
            let line = left.min(80);
            out.push(b'%');
            out.extend(std::iter::repeat_n(b'x', line - 2));
            out.push(b'\n');
            left -= line;
        }
    }
    out
}

/// The invoice PDF of exactly `doc.info.size` bytes (when that is at least the minimum).
pub(crate) fn render(contract: &Contract, doc: &Doc) -> Vec<u8> {
    let target = usize::try_from(doc.info.size).unwrap_or(usize::MAX);
    let (objects, offsets) = body(contract, doc);
    let xref_len = format!("xref\n0 {}\n", offsets.len() + 1).len() + 20 * (offsets.len() + 1);
    let trailer_fixed = format!(
        "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n",
        offsets.len() + 1
    )
    .len()
        + "\n%%EOF\n".len();
    let fixed = HEADER.len() + objects.len() + xref_len + trailer_fixed;
    let total = |pad: usize| fixed + pad + digits(HEADER.len() + pad + objects.len());
    let mut pad = target.saturating_sub(fixed + digits(target));
    while total(pad + 1) <= target {
        pad += 1;
    }
    while pad > 0 && total(pad) > target {
        pad -= 1;
    }
    // When the startxref digit count jumps, one byte is missing: a space in the trailer.
    let extra = target.saturating_sub(total(pad));
    let mut out = Vec::with_capacity(target);
    out.extend_from_slice(HEADER);
    out.extend_from_slice(&padding(pad));
    let base = out.len();
    out.extend_from_slice(&objects);
    let xref_offset = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n", offsets.len() + 1).as_bytes());
    out.extend_from_slice(b"0000000000 65535 f \n");
    for offset in offsets {
        out.extend_from_slice(format!("{:010} 00000 n \n", base + offset).as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<<{} /Size {} /Root 1 0 R >>\nstartxref\n{xref_offset}\n%%EOF\n",
            " ".repeat(extra),
            6
        )
        .as_bytes(),
    );
    out
}
