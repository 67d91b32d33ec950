//! Consumption-report rows for the spend tests: 27 columns with plausible defaults, any of them
//! overridden by name.
#![allow(dead_code)] // each test file uses part of it

use ccs_core::spend::COLUMNS;

/// A row with the defaults, `overrides` replacing columns by name.
pub fn row(overrides: &[(&str, &str)]) -> String {
    let mut cells: Vec<String> = COLUMNS
        .iter()
        .map(|column| default_cell(column).to_owned())
        .collect();
    for (name, value) in overrides {
        let index = COLUMNS
            .iter()
            .position(|column| column == name)
            .unwrap_or_else(|| panic!("no column {name}"));
        cells[index] = (*value).to_owned();
    }
    cells.join(";")
}

fn default_cell(column: &str) -> &'static str {
    match column {
        "BillingMode" => "PAYG",
        "BeginDate" => "2026-10-01 00:00:00",
        "EndDate" => "2026-10-01 23:59:59",
        "ServiceID" => "5c1b0d4e",
        "TenantLabel" => "OCB0001234",
        "Country" => "FR",
        "Region" => "eu-west-0",
        "ServiceCloud" => "Elastic Cloud Server",
        "CodeLabel" => "s6.large.2",
        "ChargeLabel" => "ECS s6.large.2 Linux",
        "IdResource" => "vm-1",
        "Project" => "prod",
        "Tags" => "env=prod",
        "Quantity" => "24,000",
        "BillingUnit" => "Hour",
        "UnitPrice" => "0,0612",
        "Amount" => "1,00",
        "VolumeDiscount" => "0,00",
        "DiscountedAmount" => "1,00",
        "Currency" => "EUR",
        _ => "",
    }
}

/// The header line.
pub fn header() -> String {
    COLUMNS.join(";")
}

/// A report: the header and `rows`, CRLF line ends, as the sandbox writes them.
pub fn report(rows: &[String]) -> Vec<u8> {
    let mut text = header();
    text.push_str("\r\n");
    for row in rows {
        text.push_str(row);
        text.push_str("\r\n");
    }
    text.into_bytes()
}

/// A deflated ZIP of `entries` (name, bytes).
pub fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    use std::io::Write;
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    for (name, bytes) in entries {
        writer.start_file(*name, options).unwrap();
        writer.write_all(bytes).unwrap();
    }
    writer.finish().unwrap().into_inner()
}
