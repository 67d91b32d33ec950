//! The app's single save (`save_document`) against the real sandbox on loopback: progress, a
//! cancellation in the middle of a slow body, a cut body, and the clean-up of stale temporary files
//! that never touches a live save's.
#![allow(clippy::unwrap_used)] // a test that fails should panic with the error

mod common;

use ccs_api::{Client, ContractId, DocumentId};
use ccs_core::save::{clean_stale_temp_files, save_document, SaveProgress};
use ccs_core::{CoreError, ErrorCode};
use ccs_sandbox::{FaultConfig, Sandbox, SandboxConfig, SandboxHandle};
use sha2::{Digest, Sha256};
use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use tokio_util::sync::CancellationToken;

/// A sandbox, a client for it, its first contract and that contract's first document.
struct Setup {
    sandbox: SandboxHandle,
    client: Client,
    contract: ContractId,
    document: DocumentId,
}

async fn setup(faults: impl FnOnce(&str) -> FaultConfig) -> Setup {
    // The document ids do not depend on the faults: learn the first one from a plain sandbox.
    let config = |faults| SandboxConfig {
        documents_per_contract: Some(2),
        document_size: Some(64 * 1024),
        faults,
        ..Default::default()
    };
    let probe = Sandbox::start(config(FaultConfig::default()))
        .await
        .unwrap();
    let contract = probe.visible_contract_ids()[0].clone();
    let document = probe.documents(&contract)[0].id.clone();
    probe.shutdown().await;
    let sandbox = Sandbox::start(config(faults(&document))).await.unwrap();
    let client = common::client_for(&sandbox);
    Setup {
        contract: ContractId::parse(&contract).unwrap(),
        document: DocumentId::from_server(&document),
        sandbox,
        client,
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn names(folder: &Path) -> Vec<String> {
    common::sorted_names(folder)
}

fn part_files(folder: &Path) -> Vec<String> {
    names(folder)
        .into_iter()
        .filter(|n| n.ends_with(".part"))
        .collect()
}

#[tokio::test]
async fn a_save_reports_progress_and_leaves_only_the_file() {
    let s = setup(|_| FaultConfig::default()).await;
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("invoice.pdf");
    std::fs::write(&target, b"the version the dialog agreed to replace").unwrap();
    let seen = Mutex::new(Vec::<SaveProgress>::new());
    let saved = save_document(
        &s.client,
        &s.contract,
        &s.document,
        &target,
        &|p| seen.lock().unwrap().push(p),
        CancellationToken::new(),
    )
    .await
    .unwrap();
    let expected = s
        .sandbox
        .document_bytes(s.contract.as_str(), s.document.as_str())
        .unwrap();
    assert_eq!(saved.path, target);
    assert_eq!(saved.bytes, expected.len() as u64);
    assert_eq!(
        hex(&Sha256::digest(std::fs::read(&target).unwrap())),
        hex(&Sha256::digest(&expected))
    );
    let seen = seen.into_inner().unwrap();
    assert!(!seen.is_empty());
    assert!(seen.windows(2).all(|w| w[0].bytes_done <= w[1].bytes_done));
    let last = seen.last().unwrap();
    assert_eq!(last.bytes_done, expected.len() as f64);
    assert_eq!(last.total, Some(expected.len() as f64));
    assert_eq!(names(dir.path()), ["invoice.pdf"]);
}

#[tokio::test]
async fn a_cancelled_save_stops_promptly_and_leaves_nothing() {
    // 64 KiB at 8 KiB/s: eight seconds unless cancelled.
    let s = setup(|_| FaultConfig {
        slow_body_bytes_per_sec: Some(8 * 1024),
        ..Default::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("invoice.pdf");
    let cancel = CancellationToken::new();
    let trigger = cancel.clone();
    let part_seen = Mutex::new(false);
    let folder = dir.path().to_owned();
    let progress = |p: SaveProgress| {
        if p.bytes_done > 0.0 {
            *part_seen.lock().unwrap() |= !part_files(&folder).is_empty();
            trigger.cancel();
        }
    };
    let started = Instant::now();
    let result = save_document(
        &s.client,
        &s.contract,
        &s.document,
        &target,
        &progress,
        cancel,
    )
    .await;
    assert!(
        matches!(result, Err(CoreError::Cancelled)),
        "{:?}",
        result.map(|s| s.path)
    );
    assert!(started.elapsed() < Duration::from_secs(4), "promptly");
    assert!(
        *part_seen.lock().unwrap(),
        "the body was being written to a temporary file"
    );
    assert!(names(dir.path()).is_empty(), "{:?}", names(dir.path()));
}

#[tokio::test]
async fn a_cut_download_leaves_the_target_untouched_and_no_part_file() {
    let s = setup(|document| FaultConfig {
        cut_download: Some(document.to_owned()),
        ..Default::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("invoice.pdf");
    std::fs::write(&target, b"an older copy").unwrap();
    let result = save_document(
        &s.client,
        &s.contract,
        &s.document,
        &target,
        &|_| {},
        CancellationToken::new(),
    )
    .await;
    match result {
        Err(error) => assert_eq!(error.kind(), ErrorCode::IncompleteDownload, "{error}"),
        Ok(saved) => panic!("a cut body was saved: {saved:?}"),
    }
    assert_eq!(std::fs::read(&target).unwrap(), b"an older copy");
    assert_eq!(names(dir.path()), ["invoice.pdf"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cleaning_stale_temporary_files_spares_a_live_save() {
    let s = setup(|_| FaultConfig {
        slow_body_bytes_per_sec: Some(16 * 1024),
        ..Default::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let stale = dir.path().join(".ccs-tmp-0000000000000001.part");
    std::fs::write(&stale, b"left by an app that was killed").unwrap();
    let target = dir.path().join("invoice.pdf");
    let (started_tx, started_rx) = tokio::sync::oneshot::channel();
    let started_tx = Mutex::new(Some(started_tx));
    let progress = move |_: SaveProgress| {
        if let Some(tx) = started_tx.lock().unwrap().take() {
            let _ = tx.send(());
        }
    };
    let save = save_document(
        &s.client,
        &s.contract,
        &s.document,
        &target,
        &progress,
        CancellationToken::new(),
    );
    let clean = async {
        started_rx.await.unwrap();
        let live = part_files(dir.path());
        assert_eq!(live.len(), 2, "the stale file and the save's: {live:?}");
        let removed = clean_stale_temp_files(dir.path()).unwrap();
        (removed, part_files(dir.path()))
    };
    let (saved, (removed, left)) = tokio::join!(save, clean);
    assert_eq!(removed, vec![stale]);
    assert_eq!(left.len(), 1, "the live save's file stays: {left:?}");
    let saved = saved.unwrap();
    assert_eq!(
        saved.bytes,
        s.sandbox
            .document_bytes(s.contract.as_str(), s.document.as_str())
            .unwrap()
            .len() as u64
    );
    assert_eq!(names(dir.path()), ["invoice.pdf"]);
}
