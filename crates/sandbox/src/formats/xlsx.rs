//! Bills and partial bills: a real XLSX workbook written by hand (the five parts Excel and
//! calamine need) in a Stored-mode ZIP, so the size is exactly computable; the padding is
//! whitespace inside the sheet XML before `</worksheet>`. One line per `ServiceCloud` of the
//! month's consumption report (main currency), and a Total row equal to the list's `amount`.

use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use super::{decimal, money, xml_escape, FormatError};
use crate::data::contracts::Contract;
use crate::data::documents::Doc;
use crate::data::story::MAIN_CURRENCY;

/// The sheet name the README confirms.
pub(crate) const SHEET_NAME: &str = "Billing Report";

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#;

const ROOT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;

const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#;

fn workbook() -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="{SHEET_NAME}" sheetId="1" r:id="rId1"/></sheets></workbook>"#
    )
}

/// A spreadsheet cell value.
enum Cell {
    Text(String),
    Number(String),
}

/// One billing line: a service's share of the month, in cents, and how many resources it billed.
struct Line {
    service: &'static str,
    resources: i64,
    cents: i64,
}

/// One line per service of the story's rows in the bill's days, largest first; they add up to
/// the document's total (a line absorbs any difference, so the Total row is never contradicted).
fn lines(doc: &Doc) -> Vec<Line> {
    let mut out: Vec<Line> = doc
        .story
        .by_service(doc.first_day, doc.days.max(1), MAIN_CURRENCY)
        .into_iter()
        .map(|total| Line {
            service: total.cloud,
            resources: i64::try_from(total.resources).unwrap_or(i64::MAX),
            cents: total.discounted,
        })
        .collect();
    let sum: i64 = out.iter().map(|l| l.cents).sum();
    match out.first_mut() {
        Some(first) => first.cents += doc.amount_cents - sum,
        None => out.push(Line {
            service: "Support",
            resources: 1,
            cents: doc.amount_cents,
        }),
    }
    out
}

fn column(index: usize) -> char {
    char::from(b'A' + u8::try_from(index).unwrap_or(0))
}

fn sheet(contract: &Contract, doc: &Doc, lines: &[Line], pad: usize) -> String {
    let mut rows: Vec<Vec<Cell>> = vec![[
        "Contract",
        "Customer",
        "Period",
        "Service",
        "Description",
        "Quantity",
        "Unit",
        "Unit price",
        "Amount",
        "Currency",
    ]
    .iter()
    .map(|h| Cell::Text((*h).to_owned()))
    .collect()];
    for line in lines {
        let unit_price = line.cents * 100 / line.resources.max(1);
        let plural = if line.resources == 1 { "" } else { "s" };
        rows.push(vec![
            Cell::Text(contract.id.clone()),
            Cell::Text(contract.customer.name.clone()),
            Cell::Text(doc.info.period.clone()),
            Cell::Text(line.service.to_owned()),
            Cell::Text(format!("{} resource{plural}", line.resources)),
            Cell::Number(line.resources.to_string()),
            Cell::Text("Resource".to_owned()),
            Cell::Number(decimal(unit_price, 4, false)),
            Cell::Number(money(line.cents, false)),
            Cell::Text(MAIN_CURRENCY.to_owned()),
        ]);
    }
    let mut total = vec![Cell::Text("Total".to_owned())];
    total.extend((0..7).map(|_| Cell::Text(String::new())));
    total.push(Cell::Number(money(doc.amount_cents, false)));
    total.push(Cell::Text(MAIN_CURRENCY.to_owned()));
    rows.push(total);

    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>",
    );
    for (r, row) in rows.iter().enumerate() {
        let r = r + 1;
        xml.push_str(&format!("<row r=\"{r}\">"));
        for (c, cell) in row.iter().enumerate() {
            let reference = format!("{}{r}", column(c));
            match cell {
                Cell::Text(text) => xml.push_str(&format!(
                    "<c r=\"{reference}\" t=\"inlineStr\"><is><t>{}</t></is></c>",
                    xml_escape(text)
                )),
                Cell::Number(value) => {
                    xml.push_str(&format!("<c r=\"{reference}\"><v>{value}</v></c>"));
                }
            }
        }
        xml.push_str("</row>");
    }
    xml.push_str("</sheetData>");
    if pad > 0 {
        xml.push('\n');
        xml.extend(std::iter::repeat_n(' ', pad - 1));
    }
    xml.push_str("</worksheet>");
    xml
}

fn build(
    contract: &Contract,
    doc: &Doc,
    lines: &[Line],
    pad: usize,
) -> Result<Vec<u8>, FormatError> {
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Stored);
    let parts: [(&str, String); 5] = [
        ("[Content_Types].xml", CONTENT_TYPES.to_owned()),
        ("_rels/.rels", ROOT_RELS.to_owned()),
        ("xl/workbook.xml", workbook()),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.to_owned()),
        ("xl/worksheets/sheet1.xml", sheet(contract, doc, lines, pad)),
    ];
    for (name, text) in parts {
        writer.start_file(name, options)?;
        writer.write_all(text.as_bytes())?;
    }
    Ok(writer.finish()?.into_inner())
}

/// The workbook of exactly `doc.info.size` bytes (when that is at least the minimum).
pub(crate) fn render(contract: &Contract, doc: &Doc) -> Result<Vec<u8>, FormatError> {
    let target = usize::try_from(doc.info.size).unwrap_or(usize::MAX);
    let mut lines = lines(doc);
    let mut base = build(contract, doc, &lines, 0)?;
    while base.len() > target && lines.len() > 1 {
        lines.pop();
        base = build(contract, doc, &lines, 0)?;
    }
    let mut pad = target.saturating_sub(base.len());
    // Stored mode: the archive grows byte for byte with the sheet; re-check anyway.
    for _ in 0..3 {
        let out = build(contract, doc, &lines, pad)?;
        if out.len() == target || pad == 0 && out.len() > target {
            return Ok(out);
        }
        pad = (pad + target).saturating_sub(out.len());
    }
    build(contract, doc, &lines, pad)
}
