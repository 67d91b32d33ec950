//! Bulk downloads against the real sandbox on loopback, into temporary folders.
#![allow(clippy::unwrap_used)] // a test that fails should panic with the error

use ccs_api::{Client, ClientConfig, ContractId, Credentials, Document, DocumentsQuery};
use ccs_core::bulk::{
    download_documents, BulkError, BulkEvent, BulkRequest, BulkSummary, FileStatus,
};
use ccs_core::manifest::MANIFEST_FILE_NAME;
use ccs_sandbox::{Fault, Route, Sandbox, SandboxConfig, SandboxHandle};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// A sandbox, a client for it, its first contract and that contract's documents.
struct Setup {
    sandbox: SandboxHandle,
    client: Client,
    contract: ContractId,
    documents: Vec<Document>,
}

async fn setup(config: SandboxConfig) -> Setup {
    let sandbox = Sandbox::start(config).await.unwrap();
    let c = sandbox.credentials();
    let client = Client::new(
        ClientConfig {
            api_base: sandbox.api_base_url(),
            oauth_base: sandbox.oauth_base_url(),
            request_timeout: Duration::from_secs(10),
            ..ClientConfig::default()
        },
        Credentials::new(&c.client_id, &c.client_secret, &c.api_key),
    )
    .unwrap();
    let contract = ContractId::parse(&sandbox.visible_contract_ids()[0]).unwrap();
    let documents = client
        .list_documents(
            &contract,
            &DocumentsQuery {
                document_type: None,
                limit: 100_000,
            },
        )
        .await
        .unwrap()
        .documents;
    Setup {
        sandbox,
        client,
        contract,
        documents,
    }
}

async fn small(count: u32) -> Setup {
    setup(SandboxConfig {
        documents_per_contract: Some(count),
        document_size: Some(4096),
        ..Default::default()
    })
    .await
}

impl Setup {
    fn request(&self, folder: &Path) -> BulkRequest {
        BulkRequest::new(self.contract.clone(), self.documents.clone(), folder)
    }

    async fn run(&self, request: BulkRequest) -> BulkSummary {
        download_documents(&self.client, request, &|_| {}, CancellationToken::new())
            .await
            .unwrap()
    }

    fn file_requests(&self) -> u64 {
        self.sandbox.request_count(Route::DocumentFile)
    }

    fn expected_sha(&self, id: &str) -> String {
        let bytes = self
            .sandbox
            .document_bytes(self.contract.as_str(), id)
            .unwrap();
        hex(&Sha256::digest(&bytes))
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn sha_of(path: &Path) -> String {
    hex(&Sha256::digest(std::fs::read(path).unwrap()))
}

fn entries(folder: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn temp_files(folder: &Path) -> Vec<String> {
    entries(folder)
        .into_iter()
        .filter(|n| n.starts_with(".ccs-tmp"))
        .collect()
}

fn manifest(folder: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(folder.join(MANIFEST_FILE_NAME)).unwrap()).unwrap()
}

fn path_of(summary: &BulkSummary, id: &str) -> PathBuf {
    summary
        .files
        .iter()
        .find(|f| f.id.as_str() == id)
        .and_then(|f| f.path.clone())
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_hundred_documents_then_reruns_skip_and_repair() {
    let s = small(500).await;
    assert_eq!(s.documents.len(), 500);
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("new/sub");
    let mut request = s.request(&folder);
    request.jobs = 8;
    let summary = s.run(request.clone()).await;
    assert_eq!(
        (summary.saved, summary.skipped, summary.failed),
        (500, 0, 0)
    );
    assert!(!summary.cancelled);
    for (file, document) in summary.files.iter().zip(&s.documents) {
        assert_eq!(
            file.id, document.id,
            "the summary keeps the request's order"
        );
        assert_eq!(file.status, FileStatus::Saved);
        let path = file.path.as_ref().unwrap();
        assert!(path.is_absolute());
        let expected = s.expected_sha(document.id.as_str());
        assert_eq!(sha_of(path), expected);
        assert_eq!(file.sha256.as_deref(), Some(expected.as_str()));
        assert_eq!(Some(file.bytes), document.size);
    }
    assert_eq!(manifest(&folder)["files"].as_object().unwrap().len(), 500);
    assert_eq!(manifest(&folder)["version"], 1);
    assert!(temp_files(&folder).is_empty());
    assert_eq!(entries(&folder).len(), 501);
    let requests = s.file_requests();
    assert_eq!(requests, 500);

    let rerun = s.run(request.clone()).await;
    assert_eq!((rerun.saved, rerun.skipped, rerun.failed), (0, 500, 0));
    assert_eq!(s.file_requests(), requests, "a rerun makes no request");
    assert_eq!(rerun.files[7].path, summary.files[7].path);

    let deleted = path_of(&summary, s.documents[3].id.as_str());
    let corrupted = path_of(&summary, s.documents[10].id.as_str());
    std::fs::remove_file(&deleted).unwrap();
    let mut bytes = std::fs::read(&corrupted).unwrap();
    bytes[100] ^= 0xff; // same size, different content
    std::fs::write(&corrupted, bytes).unwrap();
    let repair = s.run(request).await;
    assert_eq!((repair.saved, repair.skipped, repair.failed), (2, 498, 0));
    assert_eq!(s.file_requests(), requests + 2);
    assert_eq!(repair.files[3].path.as_ref(), Some(&deleted));
    assert_eq!(repair.files[10].path.as_ref(), Some(&corrupted));
    assert_eq!(
        sha_of(&corrupted),
        s.expected_sha(s.documents[10].id.as_str())
    );
    assert_eq!(entries(&folder).len(), 501, "repaired in place, no ` (2)`");
}

#[tokio::test]
async fn a_cut_download_fails_alone_and_is_completed_later() {
    let s = small(12).await;
    let dir = tempfile::tempdir().unwrap();
    s.sandbox
        .inject(Route::DocumentFile, Fault::CutBody { after_bytes: 1000 }, 1);
    let summary = s.run(s.request(dir.path())).await;
    assert_eq!((summary.saved, summary.failed), (11, 1));
    let cut = summary
        .files
        .iter()
        .find(|f| f.status == FileStatus::Failed)
        .unwrap();
    assert_eq!(cut.error.as_ref().unwrap().code, "incomplete_download");
    assert!(cut.path.is_none() && cut.sha256.is_none());
    let document = s.documents.iter().find(|d| d.id == cut.id).unwrap();
    assert!(!dir.path().join(&document.filename).exists());
    assert!(temp_files(dir.path()).is_empty());
    assert_eq!(manifest(dir.path())["files"].as_object().unwrap().len(), 11);

    let before = s.file_requests();
    let rerun = s.run(s.request(dir.path())).await;
    assert_eq!((rerun.saved, rerun.skipped, rerun.failed), (1, 11, 0));
    assert_eq!(s.file_requests(), before + 1);
    let path = path_of(&rerun, cut.id.as_str());
    assert_eq!(path, dir.path().join(&document.filename));
    assert_eq!(sha_of(&path), s.expected_sha(cut.id.as_str()));
}

#[tokio::test]
async fn a_missing_document_fails_with_its_code() {
    let s = small(3).await;
    let dir = tempfile::tempdir().unwrap();
    let mut request = s.request(dir.path());
    let mut ghost = request.documents[0].clone();
    ghost.id = ccs_api::DocumentId::from_server("0000000000000000deadbeef");
    ghost.filename = "ghost.pdf".into();
    request.documents.push(ghost);
    let summary = s.run(request).await;
    assert_eq!((summary.saved, summary.failed), (3, 1));
    assert_eq!(summary.files[3].error.as_ref().unwrap().code, "not_found");
    assert!(!dir.path().join("ghost.pdf").exists());
    assert!(temp_files(dir.path()).is_empty());
}

#[tokio::test]
async fn hostile_names_stay_inside_the_folder() {
    let s = setup(SandboxConfig {
        documents_per_contract: Some(4),
        document_size: Some(4096),
        hostile_names: true,
        ..Default::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let folder = std::fs::canonicalize(dir.path()).unwrap();
    let summary = s.run(s.request(&folder)).await;
    assert_eq!(summary.failed, 0, "{:?}", summary.files);
    for file in &summary.files {
        let path = file.path.as_ref().unwrap();
        assert_eq!(path.parent(), Some(folder.as_path()), "{path:?}");
        let name = path.file_name().unwrap().to_str().unwrap();
        assert!(!name.starts_with('.'), "{name:?}");
        assert_eq!(sha_of(path), s.expected_sha(file.id.as_str()));
    }
    let names = entries(&folder);
    assert!(names.contains(&"Invoice_duplicate.pdf".to_owned()));
    assert!(names.contains(&"Invoice_duplicate (2).pdf".to_owned()));
    assert!(names.contains(&"_CON.pdf".to_owned()));
    assert!(names.contains(&"Facture_été_2026 — n°1 (2).pdf".to_owned()));
    assert_eq!(names.len(), s.documents.len() + 1);
    assert!(!dir.path().parent().unwrap().join("passwd").exists());
}

#[tokio::test]
async fn an_unrelated_file_is_kept_and_the_document_numbered() {
    let s = small(3).await;
    let dir = tempfile::tempdir().unwrap();
    let taken = dir.path().join(&s.documents[1].filename);
    std::fs::write(&taken, b"the user's own file").unwrap();
    let summary = s.run(s.request(dir.path())).await;
    assert_eq!(summary.saved, 3);
    assert_eq!(std::fs::read(&taken).unwrap(), b"the user's own file");
    let path = path_of(&summary, s.documents[1].id.as_str());
    let name = path.file_name().unwrap().to_str().unwrap();
    assert!(name.contains(" (2)."), "{name}");
    assert_eq!(sha_of(&path), s.expected_sha(s.documents[1].id.as_str()));
}

#[tokio::test]
async fn overwrite_replaces_in_place() {
    let s = small(5).await;
    let dir = tempfile::tempdir().unwrap();
    let first = s.run(s.request(dir.path())).await;
    let tampered = first.files[2].path.clone().unwrap();
    std::fs::write(&tampered, b"edited").unwrap();
    let before = s.file_requests();
    let mut request = s.request(dir.path());
    request.overwrite = true;
    let again = s.run(request).await;
    assert_eq!((again.saved, again.skipped), (5, 0));
    assert_eq!(s.file_requests(), before + 5);
    for (a, b) in first.files.iter().zip(&again.files) {
        assert_eq!(a.path, b.path, "same name, no ` (2)`");
    }
    assert_eq!(
        sha_of(&tampered),
        s.expected_sha(s.documents[2].id.as_str())
    );
    assert_eq!(entries(dir.path()).len(), 6);
}

#[tokio::test]
async fn cancelling_stops_promptly_and_cleans_up() {
    let s = setup(SandboxConfig {
        documents_per_contract: Some(40),
        document_size: Some(4096),
        faults: ccs_sandbox::FaultConfig {
            slow_body_bytes_per_sec: Some(16 * 1024),
            ..Default::default()
        },
        ..Default::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let cancel = CancellationToken::new();
    let finished = AtomicUsize::new(0);
    let trigger = cancel.clone();
    let events = |event: BulkEvent| {
        if let BulkEvent::FileFinished(_) = event {
            if finished.fetch_add(1, Ordering::SeqCst) + 1 == 3 {
                trigger.cancel();
            }
        }
    };
    let started = std::time::Instant::now();
    let summary = download_documents(&s.client, s.request(dir.path()), &events, cancel)
        .await
        .unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "in-flight transfers stop promptly"
    );
    assert!(summary.cancelled);
    assert!(
        summary.saved >= 3 && summary.saved < 40,
        "{}",
        summary.saved
    );
    assert_eq!(summary.saved + summary.failed, 40);
    for file in summary
        .files
        .iter()
        .filter(|f| f.status == FileStatus::Failed)
    {
        assert_eq!(file.error.as_ref().unwrap().code, "cancelled");
    }
    assert!(temp_files(dir.path()).is_empty());
    assert_eq!(entries(dir.path()).len(), summary.saved + 1);
    assert_eq!(
        manifest(dir.path())["files"].as_object().unwrap().len(),
        summary.saved
    );
}

#[tokio::test]
async fn zipped_files_are_real_zips() {
    let s = small(3).await;
    let dir = tempfile::tempdir().unwrap();
    let mut request = s.request(dir.path());
    request.zipped = true;
    let summary = s.run(request.clone()).await;
    assert_eq!(summary.saved, 3);
    for (file, document) in summary.files.iter().zip(&s.documents) {
        let path = file.path.as_ref().unwrap();
        assert!(path.to_str().unwrap().ends_with(".zip"), "{path:?}");
        let mut archive = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
        let mut entry = archive.by_index(0).unwrap();
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut entry, &mut bytes).unwrap();
        let expected = s
            .sandbox
            .document_bytes(s.contract.as_str(), document.id.as_str())
            .unwrap();
        assert_eq!(bytes, expected);
    }
    assert_eq!(
        manifest(dir.path())["files"][s.documents[0].id.as_str()]["zipped"],
        true
    );
    let rerun = s.run(request).await;
    assert_eq!(rerun.skipped, 3);
}

#[tokio::test]
async fn stale_temp_files_and_a_corrupt_manifest_are_survived() {
    let s = small(2).await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(".ccs-tmp-0123456789abcdef.part"), b"old").unwrap();
    std::fs::write(dir.path().join(MANIFEST_FILE_NAME), b"{ not json").unwrap();
    let events = Mutex::new(Vec::new());
    let summary = download_documents(
        &s.client,
        s.request(dir.path()),
        &|e| events.lock().unwrap().push(e),
        CancellationToken::new(),
    )
    .await
    .unwrap();
    assert_eq!(summary.saved, 2);
    assert!(temp_files(dir.path()).is_empty());
    assert_eq!(manifest(dir.path())["files"].as_object().unwrap().len(), 2);
    let events = events.into_inner().unwrap();
    let total: u64 = s.documents.iter().map(|d| d.size.unwrap()).sum();
    assert_eq!(
        events.first(),
        Some(&BulkEvent::Started {
            files: 2,
            bytes: Some(total as f64)
        })
    );
    let last = events
        .iter()
        .rev()
        .find(|e| matches!(e, BulkEvent::Progress { .. }))
        .unwrap();
    assert_eq!(
        last,
        &BulkEvent::Progress {
            files_done: 2,
            files_total: 2,
            bytes_done: total as f64
        }
    );
    assert!(events
        .iter()
        .any(|e| matches!(e, BulkEvent::FileProgress { .. })));
}

#[tokio::test]
async fn a_file_in_place_of_the_folder_is_refused() {
    let s = small(1).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("not-a-folder");
    std::fs::write(&file, b"x").unwrap();
    let result = download_documents(
        &s.client,
        s.request(&file),
        &|_| {},
        CancellationToken::new(),
    )
    .await;
    assert!(matches!(result, Err(BulkError::NotAFolder { .. })));
    assert_eq!(s.file_requests(), 0);
}
