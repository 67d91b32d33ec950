//! The served files are real and exactly as announced: PDF, XLSX, CSV, ZIP, streamed and cut.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::{Cursor, Read};

use ccs_sandbox::{
    DispositionStyle, Fault, FaultConfig, Route, SandboxConfig, SandboxHandle, BILLING_SHEET,
    CSV_COLUMNS,
};
use common::{client, get, start, token};

async fn download(
    client: &reqwest::Client,
    sandbox: &SandboxHandle,
    token: &str,
    contract: &str,
    id: &str,
    zipped: u8,
) -> reqwest::Response {
    get(
        client,
        sandbox,
        &format!("/documents/{id}/file?zipped={zipped}"),
        token,
        Some(contract),
    )
    .send()
    .await
    .unwrap()
}

#[tokio::test]
async fn every_type_is_a_real_file_of_the_announced_size() {
    let sandbox = start(SandboxConfig::default()).await;
    let client = client();
    let token = token(&sandbox, &client).await;
    let first = sandbox.visible_contract_ids()[0].clone();
    let docs = sandbox.documents(&first);
    let types = [
        "invoices",
        "bills",
        "comsumptionRatedReports",
        "partialBills",
        "partialConsumptionRatedReports",
        "reports",
    ];
    for kind in types {
        let doc = docs.iter().find(|d| d.document_type == kind).unwrap();
        let r = download(&client, &sandbox, &token, &first, &doc.id, 0).await;
        assert_eq!(r.status(), 200);
        assert!(r.headers().contains_key("x-oapi-request-id"));
        assert_eq!(r.headers()["content-length"], doc.size.to_string().as_str());
        let content_type = r.headers()["content-type"].to_str().unwrap().to_owned();
        let disposition = r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(
            disposition.starts_with("attachment; filename=\""),
            "{disposition}"
        );
        assert!(disposition.contains("filename*=UTF-8''"), "{disposition}");
        let bytes = r.bytes().await.unwrap().to_vec();
        assert_eq!(bytes.len() as u64, doc.size, "{kind}");
        assert_eq!(Some(bytes.clone()), sandbox.document_bytes(&first, &doc.id));
        match kind {
            "invoices" => {
                assert_eq!(content_type, "application/pdf");
                let pdf = lopdf::Document::load_mem(&bytes).unwrap();
                let text = pdf.extract_text(&[1]).unwrap();
                assert!(
                    text.contains(doc.invoice_number.as_deref().unwrap()),
                    "{text}"
                );
                assert!(text.contains(&first), "{text}");
                assert!(text.contains(&doc.period), "{text}");
            }
            "bills" | "partialBills" => {
                assert_eq!(
                    content_type,
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                );
                use calamine::Reader;
                let mut book: calamine::Xlsx<_> =
                    calamine::open_workbook_from_rs(Cursor::new(bytes.clone())).unwrap();
                assert_eq!(book.sheet_names(), vec![BILLING_SHEET.to_owned()]);
                let range = book.worksheet_range("Billing Report").unwrap();
                assert!(range.height() >= 4);
                assert_eq!(range.get((0, 0)).unwrap().to_string(), "Contract");
                assert_eq!(range.get((1, 0)).unwrap().to_string(), first);
            }
            _ => {
                assert_eq!(content_type, "text/csv; charset=utf-8");
                let text = String::from_utf8(bytes.clone()).unwrap();
                let mut lines = text.split("\r\n");
                let header: Vec<&str> = lines.next().unwrap().split(';').collect();
                assert_eq!(header, CSV_COLUMNS.to_vec());
                assert_eq!(header.len(), 27);
                assert!(text.ends_with("\r\n"));
                for line in lines.filter(|l| !l.is_empty()) {
                    assert_eq!(line.split(';').count(), 27, "{line}");
                }
            }
        }
        // zipped=1 unzips to the same bytes, under the list's file name.
        let r = download(&client, &sandbox, &token, &first, &doc.id, 1).await;
        assert_eq!(r.headers()["content-type"], "application/zip");
        let archive = r.bytes().await.unwrap();
        let mut zip = zip::ZipArchive::new(Cursor::new(archive.to_vec())).unwrap();
        assert_eq!(zip.len(), 1);
        let mut entry = zip.by_index(0).unwrap();
        assert_eq!(entry.name(), doc.filename);
        let mut inner = Vec::new();
        entry.read_to_end(&mut inner).unwrap();
        assert_eq!(inner, bytes);
    }
    // Another contract's document is not found from this contract.
    let second = sandbox.visible_contract_ids()[1].clone();
    let other = &sandbox.documents(&second)[0];
    let r = download(&client, &sandbox, &token, &first, &other.id, 0).await;
    common::expect_error(r, 404, 60).await;
    let r = get(
        &client,
        &sandbox,
        &format!("/documents/{}/file?zipped=2", other.id),
        &token,
        Some(&second),
    )
    .send()
    .await
    .unwrap();
    common::expect_error(r, 400, 28).await;
}

#[tokio::test]
async fn fixed_document_size_is_exact_for_every_format() {
    for size in [
        5_000_u64, 9_997, 9_998, 9_999, 10_000, 10_001, 12_345, 99_999, 100_000, 100_003,
    ] {
        let sandbox = start(SandboxConfig {
            documents_per_contract: Some(12),
            document_size: Some(size),
            ..SandboxConfig::default()
        })
        .await;
        let first = sandbox.visible_contract_ids()[0].clone();
        let docs = sandbox.documents(&first);
        assert_eq!(docs.len(), 12);
        for doc in &docs {
            let minimum = if doc.filename.ends_with(".xlsx") {
                8192
            } else {
                0
            };
            assert_eq!(doc.size, size.max(minimum), "{}", doc.filename);
            let bytes = sandbox.document_bytes(&first, &doc.id).unwrap();
            assert_eq!(bytes.len() as u64, doc.size, "{}", doc.filename);
            if doc.filename.ends_with(".pdf") {
                lopdf::Document::load_mem(&bytes).unwrap();
            }
        }
    }
}

#[tokio::test]
async fn big_document_streams_with_content_length_and_cuts_fail() {
    let size = 8 * 1024 * 1024 + 17;
    let sandbox = start(SandboxConfig {
        big_document: Some(size),
        hostile_names: true,
        ..SandboxConfig::default()
    })
    .await;
    let client = client();
    let token = token(&sandbox, &client).await;
    let first = sandbox.visible_contract_ids()[0].clone();
    let docs = sandbox.documents(&first);
    let big = docs.iter().find(|d| d.size == size).unwrap().clone();
    assert_eq!(big.document_type, "comsumptionRatedReports");
    let r = download(&client, &sandbox, &token, &first, &big.id, 0).await;
    assert_eq!(r.headers()["content-length"], size.to_string().as_str());
    let bytes = r.bytes().await.unwrap();
    assert_eq!(bytes.len() as u64, size);
    assert!(bytes.starts_with(CSV_COLUMNS.join(";").as_bytes()));
    // Valid CSV all the way (the big document repeats rows after its first MiB): 27 columns a line.
    let text = std::str::from_utf8(&bytes).unwrap();
    assert!(text.ends_with("\r\n"));
    assert!(text
        .trim_end_matches("\r\n")
        .split("\r\n")
        .all(|line| line.matches(';').count() == 26));

    // Injected cut: fewer bytes than announced, and the client sees an error.
    sandbox.inject(Route::DocumentFile, Fault::CutBody { after_bytes: 1000 }, 1);
    let r = download(&client, &sandbox, &token, &first, &big.id, 0).await;
    assert_eq!(r.headers()["content-length"], size.to_string().as_str());
    assert!(r.bytes().await.is_err());
    // The fault was one-shot.
    let r = download(&client, &sandbox, &token, &first, &docs[3].id, 0).await;
    assert_eq!(r.bytes().await.unwrap().len() as u64, docs[3].size);

    // Hostile names arrive escaped in the header and intact in the list.
    let names: Vec<&str> = docs.iter().map(|d| d.filename.as_str()).collect();
    assert!(names.contains(&"../../etc/passwd"));
    assert!(names.contains(&"Facture_été_2026 — n°1.pdf"));
    assert_eq!(
        names
            .iter()
            .filter(|n| **n == "Invoice_duplicate.pdf")
            .count(),
        2
    );
    let accented = docs
        .iter()
        .find(|d| d.filename == "Facture_été_2026 — n°1.pdf")
        .unwrap();
    let r = download(&client, &sandbox, &token, &first, &accented.id, 0).await;
    assert_eq!(
        r.headers()["content-disposition"],
        "attachment; filename=\"Facture__t__2026 _ n_1.pdf\"; filename*=UTF-8''Facture_%C3%A9t%C3%A9_2026%20%E2%80%94%20n%C2%B01.pdf"
    );
    sandbox.set_disposition_style(DispositionStyle::Absent);
    let r = download(&client, &sandbox, &token, &first, &accented.id, 0).await;
    assert!(!r.headers().contains_key("content-disposition"));
    sandbox.set_disposition_style(DispositionStyle::ExtendedOnly);
    let r = download(&client, &sandbox, &token, &first, &accented.id, 0).await;
    assert!(r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment; filename*="));
}

#[tokio::test]
async fn configured_cut_download_drops_half_way() {
    let probe = start(SandboxConfig::default()).await;
    let first = probe.visible_contract_ids()[0].clone();
    let target = probe.documents(&first)[0].clone();
    drop(probe);
    let sandbox = start(SandboxConfig {
        faults: FaultConfig {
            cut_download: Some(target.id.clone()),
            ..FaultConfig::default()
        },
        ..SandboxConfig::default()
    })
    .await;
    let client = client();
    let token = token(&sandbox, &client).await;
    let mut r = download(&client, &sandbox, &token, &first, &target.id, 0).await;
    assert_eq!(
        r.headers()["content-length"],
        target.size.to_string().as_str()
    );
    let mut received = 0;
    let error = loop {
        match r.chunk().await {
            Ok(Some(chunk)) => received += chunk.len() as u64,
            Ok(None) => break None,
            Err(error) => break Some(error),
        }
    };
    assert!(error.is_some());
    assert_eq!(received, target.size / 2);
}

#[tokio::test]
async fn random_faults_and_slow_bodies() {
    let sandbox = start(SandboxConfig {
        documents_per_contract: Some(6),
        document_size: Some(6_000),
        faults: FaultConfig {
            slow_body_bytes_per_sec: Some(40_000),
            ..FaultConfig::default()
        },
        ..SandboxConfig::default()
    })
    .await;
    let client = client();
    let token = token(&sandbox, &client).await;
    let first = sandbox.visible_contract_ids()[0].clone();
    let doc = sandbox.documents(&first)[0].clone();
    let started = std::time::Instant::now();
    let r = download(&client, &sandbox, &token, &first, &doc.id, 0).await;
    assert_eq!(r.bytes().await.unwrap().len() as u64, doc.size);
    assert!(started.elapsed() >= std::time::Duration::from_millis(100));

    for (rate_429, rate_5xx) in [(1.0, 0.0), (0.0, 1.0)] {
        let sandbox = start(SandboxConfig {
            faults: FaultConfig {
                rate_429,
                rate_5xx,
                ..FaultConfig::default()
            },
            ..SandboxConfig::default()
        })
        .await;
        let token = common::token(&sandbox, &client).await;
        let r = get(&client, &sandbox, "/contracts", &token, None)
            .send()
            .await
            .unwrap();
        if rate_429 > 0.0 {
            assert!(r.headers().contains_key("retry-after"));
            common::expect_error(r, 429, 53).await;
        } else {
            let status = r.status().as_u16();
            assert!(status == 500 || status == 503);
            let body: serde_json::Value = r.json().await.unwrap();
            assert_eq!(body["code"], if status == 500 { 1 } else { 5 });
        }
    }
}
