//! One ZIP archive of many documents (`save_archive`) against the real sandbox on loopback: every
//! document in it with the sandbox's bytes, named as the folder save names them; a cut download left
//! out and named; a cancelled run leaves nothing at all.
#![allow(clippy::unwrap_used)] // a test that fails should panic with the error

mod common;

use ccs_api::{Client, ContractId, Document, DocumentsQuery};
use ccs_core::archive::{save_archive, suggested_archive_name, ArchiveRequest};
use ccs_core::bulk::BulkEvent;
use ccs_core::ErrorCode;
use ccs_sandbox::{FaultConfig, Sandbox, SandboxConfig, SandboxHandle};
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

async fn start(faults: FaultConfig, hostile_names: bool) -> (SandboxHandle, Client) {
    let sandbox = Sandbox::start(SandboxConfig {
        documents_per_contract: Some(8),
        document_size: Some(16 * 1024),
        hostile_names,
        faults,
        ..Default::default()
    })
    .await
    .unwrap();
    let client = common::client_for(&sandbox);
    (sandbox, client)
}

async fn documents(client: &Client, contract: &ContractId) -> Vec<Document> {
    client
        .list_documents(
            contract,
            &DocumentsQuery {
                document_type: None,
                limit: 1000,
            },
        )
        .await
        .unwrap()
        .documents
}

/// The archive's entries: (name, bytes).
fn entries(path: &Path) -> Vec<(String, Vec<u8>)> {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut entry = archive.by_index(i).unwrap();
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes).unwrap();
            (entry.name().to_owned(), bytes)
        })
        .collect()
}

fn folder_names(dir: &Path) -> Vec<String> {
    common::sorted_names(dir)
}

#[tokio::test]
async fn every_document_goes_into_one_archive_named_as_the_folder_save_names_them() {
    let (sandbox, client) = start(FaultConfig::default(), true).await;
    let contract_id = sandbox.visible_contract_ids()[0].clone();
    let contract = ContractId::parse(&contract_id).unwrap();
    let listed = documents(&client, &contract).await;
    assert!(listed.len() > 10, "hostile names and the ordinary ones");
    let dir = tempfile::tempdir().unwrap();
    let target = dir
        .path()
        .join(suggested_archive_name(&contract, "12 documents"));
    assert_eq!(
        target.file_name().unwrap().to_string_lossy(),
        format!("{contract_id} 12 documents.zip")
    );
    let seen = Mutex::new(Vec::new());
    let summary = save_archive(
        &client,
        ArchiveRequest {
            contract: contract.clone(),
            documents: listed.clone(),
            target: target.clone(),
            jobs: 4,
        },
        &|event| seen.lock().unwrap().push(event),
        CancellationToken::new(),
    )
    .await
    .unwrap();
    assert!(summary.failed.is_empty(), "{:?}", summary.failed);
    assert_eq!(summary.documents, listed.len());
    assert_eq!(summary.path.as_deref(), Some(target.as_path()));
    assert_eq!(
        folder_names(dir.path()),
        vec![target.file_name().unwrap().to_string_lossy().into_owned()],
        "only the archive: no scratch folder, no temporary file"
    );

    // The same documents saved to a folder get the same names, and the entries hold their bytes.
    let folder = dir.path().join("folder");
    let bulk = ccs_core::bulk::download_documents(
        &client,
        ccs_core::bulk::BulkRequest::new(contract.clone(), listed.clone(), &folder),
        &|_| {},
        CancellationToken::new(),
    )
    .await
    .unwrap();
    // The names are the folder's (which of two same-named documents gets " (2)" may differ: the
    // folder names them as they arrive), and the entries hold the documents' bytes.
    let in_archive = entries(&target);
    assert_eq!(in_archive.len(), listed.len());
    let mut archive_names: Vec<&str> = in_archive.iter().map(|(n, _)| n.as_str()).collect();
    let mut folder_names: Vec<String> = bulk
        .files
        .iter()
        .map(|f| {
            let path = f.path.as_ref().unwrap();
            path.file_name().unwrap().to_string_lossy().into_owned()
        })
        .collect();
    archive_names.sort_unstable();
    folder_names.sort();
    assert_eq!(archive_names, folder_names);
    let digest = |bytes: &[u8]| Sha256::digest(bytes).to_vec();
    let mut archive_bytes: Vec<Vec<u8>> = in_archive.iter().map(|(_, b)| digest(b)).collect();
    let mut served: Vec<Vec<u8>> = listed
        .iter()
        .map(|d| digest(&sandbox.document_bytes(&contract_id, d.id.as_str()).unwrap()))
        .collect();
    archive_bytes.sort();
    served.sort();
    assert_eq!(
        archive_bytes, served,
        "every entry holds a document's bytes"
    );
    let events = seen.lock().unwrap();
    assert!(matches!(events.first(), Some(BulkEvent::Started { .. })));
    assert!(matches!(
        events.last(),
        Some(BulkEvent::Progress { files_done, files_total, .. }) if files_done == files_total
    ));
}

#[tokio::test]
async fn a_document_that_cannot_be_had_is_left_out_and_named() {
    // The document ids do not depend on the faults: learn one from a plain sandbox.
    let (probe, _) = start(FaultConfig::default(), false).await;
    let contract_id = probe.visible_contract_ids()[0].clone();
    let cut = probe.documents(&contract_id)[2].clone();
    probe.shutdown().await;
    let (_sandbox, client) = start(
        FaultConfig {
            cut_download: Some(cut.id.clone()),
            ..Default::default()
        },
        false,
    )
    .await;
    let contract = ContractId::parse(&contract_id).unwrap();
    let listed = documents(&client, &contract).await;
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("some.zip");
    let summary = save_archive(
        &client,
        ArchiveRequest {
            contract,
            documents: listed.clone(),
            target: target.clone(),
            jobs: 2,
        },
        &|_| {},
        CancellationToken::new(),
    )
    .await
    .unwrap();
    assert_eq!(summary.documents, listed.len() - 1);
    assert_eq!(summary.failed.len(), 1);
    let failure = &summary.failed[0];
    assert_eq!(failure.id.as_str(), cut.id);
    assert_eq!(failure.name, cut.filename, "named as its file would be");
    assert_eq!(failure.error.code, ErrorCode::IncompleteDownload);
    assert_eq!(entries(&target).len(), listed.len() - 1);
    assert!(!entries(&target)
        .iter()
        .any(|(name, _)| *name == cut.filename));
}

#[tokio::test]
async fn a_cancelled_archive_leaves_nothing() {
    // 16 KiB documents at 4 KiB/s: seconds each, unless cancelled.
    let (sandbox, client) = start(
        FaultConfig {
            slow_body_bytes_per_sec: Some(4 * 1024),
            ..Default::default()
        },
        false,
    )
    .await;
    let contract = ContractId::parse(&sandbox.visible_contract_ids()[0]).unwrap();
    let listed = documents(&client, &contract).await;
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("never.zip");
    let cancel = CancellationToken::new();
    let trigger = cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(700)).await;
        trigger.cancel();
    });
    let started = std::time::Instant::now();
    let summary = save_archive(
        &client,
        ArchiveRequest {
            contract,
            documents: listed,
            target: target.clone(),
            jobs: 2,
        },
        &|_| {},
        cancel,
    )
    .await
    .unwrap();
    assert!(summary.cancelled);
    assert_eq!(summary.path, None);
    assert_eq!(
        summary.documents, 0,
        "nothing was written, nothing is counted"
    );
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "stopped promptly"
    );
    assert!(
        folder_names(dir.path()).is_empty(),
        "nothing left: {:?}",
        folder_names(dir.path())
    );
}
