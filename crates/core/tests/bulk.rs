//! Bulk downloads against the real sandbox on loopback, into temporary folders.
#![allow(clippy::unwrap_used)] // a test that fails should panic with the error

mod common;

use ccs_api::{Client, ContractId, Document, DocumentsQuery};
use ccs_core::bulk::{
    download_documents, BulkEvent, BulkRequest, BulkSummary, FileStatus, LOCK_FILE_NAME,
};
use ccs_core::manifest::MANIFEST_FILE_NAME;
use ccs_core::{CoreError, ErrorCode};
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
    let client = common::client_for(&sandbox);
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
    common::sorted_names(folder)
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

/// How many entries the record holds.
fn manifest_len(folder: &Path) -> usize {
    manifest(folder)["files"].as_array().unwrap().len()
}

/// The record's entries of document `id` (one per contract that has it).
fn manifest_entries(folder: &Path, id: &str) -> Vec<serde_json::Value> {
    manifest(folder)["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["id"] == id)
        .cloned()
        .collect()
}

/// Rewrites the record through `edit` (on its JSON).
fn edit_manifest(folder: &Path, edit: impl FnOnce(&mut serde_json::Value)) {
    let mut value = manifest(folder);
    edit(&mut value);
    std::fs::write(
        folder.join(MANIFEST_FILE_NAME),
        serde_json::to_vec_pretty(&value).unwrap(),
    )
    .unwrap();
}

/// The warning codes of a summary.
fn warning_codes(summary: &BulkSummary) -> Vec<&'static str> {
    summary.warnings.iter().map(|w| w.code.as_str()).collect()
}

fn outcome<'a>(summary: &'a BulkSummary, id: &str) -> &'a ccs_core::bulk::FileOutcome {
    summary.files.iter().find(|f| f.id.as_str() == id).unwrap()
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
    assert_eq!(manifest_len(&folder), 500);
    assert_eq!(manifest(&folder)["version"], 2);
    assert_eq!(
        manifest_entries(&folder, s.documents[0].id.as_str())[0]["contract"],
        s.contract.as_str()
    );
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
    let changed = std::fs::read(&corrupted).unwrap();
    let repair = s.run(request).await;
    assert_eq!(
        (
            repair.saved,
            repair.skipped,
            repair.changed_locally_kept,
            repair.failed
        ),
        (1, 498, 1, 0)
    );
    assert_eq!(s.file_requests(), requests + 2);
    assert_eq!(
        repair.files[3].path.as_ref(),
        Some(&deleted),
        "a deleted file is put back under its name"
    );
    assert_eq!(sha_of(&deleted), s.expected_sha(s.documents[3].id.as_str()));
    // A changed file (same size, other bytes) is the user's now: kept, the fresh copy beside it.
    let kept = &repair.files[10];
    assert_eq!(kept.status, FileStatus::ChangedLocallyKept);
    assert_eq!(kept.kept_path.as_ref(), Some(&corrupted));
    assert_eq!(std::fs::read(&corrupted).unwrap(), changed);
    let fresh = kept.path.as_ref().unwrap();
    assert_ne!(fresh, &corrupted);
    assert!(
        fresh.to_str().unwrap().contains(" (2)"),
        "{}",
        fresh.display()
    );
    assert_eq!(sha_of(fresh), s.expected_sha(s.documents[10].id.as_str()));
    assert_eq!(entries(&folder).len(), 502, "the fresh copy is beside it");
    assert!(repair.warnings.is_empty(), "{:?}", repair.warnings);
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
    assert_eq!(
        cut.error.as_ref().unwrap().code,
        ErrorCode::IncompleteDownload
    );
    assert!(cut.path.is_none() && cut.sha256.is_none());
    let document = s.documents.iter().find(|d| d.id == cut.id).unwrap();
    assert!(!dir.path().join(&document.filename).exists());
    assert!(temp_files(dir.path()).is_empty());
    assert_eq!(manifest_len(dir.path()), 11);

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
    assert_eq!(
        summary.files[3].error.as_ref().unwrap().code,
        ErrorCode::NotFound
    );
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
    assert!(again.files.iter().all(|f| f.status == FileStatus::Saved));
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
        assert_eq!(file.error.as_ref().unwrap().code, ErrorCode::Cancelled);
    }
    assert!(temp_files(dir.path()).is_empty());
    assert_eq!(entries(dir.path()).len(), summary.saved + 1);
    assert_eq!(manifest_len(dir.path()), summary.saved);
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
        manifest_entries(dir.path(), s.documents[0].id.as_str())[0]["zipped"],
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
    assert_eq!(manifest_len(dir.path()), 2);
    assert_eq!(
        warning_codes(&summary),
        ["manifest_corrupt"],
        "a damaged record is reported, not dropped"
    );
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
    match result {
        Err(CoreError::Io { path, source }) => {
            assert_eq!(path, file);
            assert_eq!(source.kind(), std::io::ErrorKind::NotADirectory);
        }
        other => panic!("a file was taken for a folder: {other:?}"),
    }
    assert_eq!(s.file_requests(), 0);
}

#[tokio::test]
async fn a_changed_file_is_kept_until_overwrite_replaces_it() {
    let s = small(4).await;
    let dir = tempfile::tempdir().unwrap();
    let first = s.run(s.request(dir.path())).await;
    let id = s.documents[1].id.as_str();
    let recorded = path_of(&first, id);
    std::fs::write(&recorded, b"my notes on this invoice").unwrap(); // another size: not hashed
    let before = s.file_requests();

    let rerun = s.run(s.request(dir.path())).await;
    assert_eq!(
        (
            rerun.saved,
            rerun.skipped,
            rerun.changed_locally_kept,
            rerun.failed
        ),
        (0, 3, 1, 0)
    );
    assert_eq!(s.file_requests(), before + 1, "the fresh copy is fetched");
    let kept = outcome(&rerun, id);
    assert_eq!(kept.status, FileStatus::ChangedLocallyKept);
    assert_eq!(kept.kept_path.as_ref(), Some(&recorded));
    assert_eq!(
        std::fs::read(&recorded).unwrap(),
        b"my notes on this invoice"
    );
    let fresh = kept.path.clone().unwrap();
    assert_eq!(sha_of(&fresh), s.expected_sha(id));
    let (stem, extension) = s.documents[1].filename.rsplit_once('.').unwrap();
    assert_eq!(
        fresh.file_name().unwrap().to_str().unwrap(),
        format!("{stem} (2).{extension}")
    );
    // The summary carries the status for the UI and the CLI.
    let json = serde_json::to_value(&rerun).unwrap();
    assert_eq!(json["changedLocallyKept"], 1);
    let file = json["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == id)
        .unwrap();
    assert_eq!(file["status"], "changedLocallyKept");
    assert_eq!(file["keptPath"], recorded.to_str().unwrap());

    // The record now names the fresh copy: a rerun skips it and leaves the user's file alone.
    let third = s.run(s.request(dir.path())).await;
    assert_eq!((third.saved, third.skipped), (0, 4));
    assert_eq!(path_of(&third, id), fresh);
    assert_eq!(s.file_requests(), before + 1);
    assert_eq!(
        std::fs::read(&recorded).unwrap(),
        b"my notes on this invoice"
    );

    // --overwrite replaces the recorded file (the fresh copy) in place, even when changed, and
    // never the user's file, which the record no longer names.
    let mut bytes = std::fs::read(&fresh).unwrap();
    bytes[0] ^= 0xff;
    std::fs::write(&fresh, &bytes).unwrap();
    let mut request = s.request(dir.path());
    request.overwrite = true;
    let replaced = s.run(request).await;
    assert_eq!((replaced.saved, replaced.changed_locally_kept), (4, 0));
    assert_eq!(path_of(&replaced, id), fresh);
    assert_eq!(sha_of(&fresh), s.expected_sha(id));
    assert_eq!(
        std::fs::read(&recorded).unwrap(),
        b"my notes on this invoice"
    );
    assert_eq!(
        entries(dir.path()).len(),
        6,
        "4 documents, 1 user file, the record"
    );
}

#[tokio::test]
async fn a_folder_where_the_recorded_file_was_is_left_alone() {
    let s = small(2).await;
    let dir = tempfile::tempdir().unwrap();
    let first = s.run(s.request(dir.path())).await;
    let id = s.documents[0].id.as_str();
    let recorded = path_of(&first, id);
    std::fs::remove_file(&recorded).unwrap();
    std::fs::create_dir(&recorded).unwrap();
    let mut request = s.request(dir.path());
    request.overwrite = true;
    let rerun = s.run(request).await;
    let kept = outcome(&rerun, id);
    assert_eq!(kept.status, FileStatus::ChangedLocallyKept);
    assert!(recorded.is_dir(), "not replaced, even with overwrite");
    assert_eq!(sha_of(kept.path.as_ref().unwrap()), s.expected_sha(id));
}

#[tokio::test]
async fn a_file_recorded_for_two_documents_is_left_alone_with_a_warning() {
    let s = small(3).await;
    let dir = tempfile::tempdir().unwrap();
    let first = s.run(s.request(dir.path())).await;
    let (a, b) = (s.documents[0].id.as_str(), s.documents[1].id.as_str());
    let shared = path_of(&first, a);
    let shared_name = shared.file_name().unwrap().to_str().unwrap().to_owned();
    edit_manifest(dir.path(), |m| {
        for entry in m["files"].as_array_mut().unwrap() {
            if entry["id"] == b {
                entry["file"] = shared_name.clone().into();
            }
        }
    });
    let original = std::fs::read(&shared).unwrap();
    let before = s.file_requests();
    let rerun = s.run(s.request(dir.path())).await;
    assert_eq!(
        warning_codes(&rerun),
        ["manifest_shared_file", "manifest_shared_file"]
    );
    assert!(rerun
        .warnings
        .iter()
        .all(|w| w.file.as_deref() == Some(shared_name.as_str())));
    assert_eq!((rerun.saved, rerun.skipped), (2, 1));
    assert_eq!(s.file_requests(), before + 2);
    for id in [a, b] {
        let path = path_of(&rerun, id);
        assert_ne!(path, shared, "neither may use the shared file");
        assert_eq!(sha_of(&path), s.expected_sha(id));
    }
    assert_eq!(std::fs::read(&shared).unwrap(), original, "left alone");
    // Each now has a file of its own: the next run trusts them again.
    let third = s.run(s.request(dir.path())).await;
    assert!(third.warnings.is_empty(), "{:?}", third.warnings);
    assert_eq!(third.skipped, 3);
}

#[tokio::test]
async fn another_contracts_entry_is_not_the_runs_and_is_kept() {
    let s = small(3).await;
    let dir = tempfile::tempdir().unwrap();
    let first = s.run(s.request(dir.path())).await;
    let id = s.documents[2].id.as_str();
    let theirs = path_of(&first, id);
    edit_manifest(dir.path(), |m| {
        for entry in m["files"].as_array_mut().unwrap() {
            if entry["id"] == id {
                entry["contract"] = "OCB9999999".into();
            }
        }
    });
    let rerun = s.run(s.request(dir.path())).await;
    assert_eq!(warning_codes(&rerun), ["manifest_other_contract"]);
    assert_eq!(rerun.warnings[0].document.as_deref(), Some(id));
    assert_eq!((rerun.saved, rerun.skipped), (1, 2));
    let ours = path_of(&rerun, id);
    assert_ne!(ours, theirs);
    assert_eq!(sha_of(&ours), s.expected_sha(id));
    // Both entries are in the record: the other contract's untouched.
    let recorded = manifest_entries(dir.path(), id);
    assert_eq!(recorded.len(), 2, "{recorded:?}");
    let other = recorded
        .iter()
        .find(|e| e["contract"] == "OCB9999999")
        .unwrap();
    assert_eq!(other["file"], theirs.file_name().unwrap().to_str().unwrap());
}

#[tokio::test]
async fn two_contracts_share_a_folder_without_touching_each_other() {
    let s = small(3).await;
    let other = s
        .sandbox
        .visible_contract_ids()
        .into_iter()
        .skip(1)
        .find(|c| !s.sandbox.documents(c).is_empty())
        .unwrap();
    let other = ContractId::parse(&other).unwrap();
    let theirs = s
        .client
        .list_documents(
            &other,
            &DocumentsQuery {
                document_type: None,
                limit: 100,
            },
        )
        .await
        .unwrap()
        .documents;
    let dir = tempfile::tempdir().unwrap();
    s.run(s.request(dir.path())).await;
    let second = s
        .run(BulkRequest::new(other.clone(), theirs.clone(), dir.path()))
        .await;
    assert_eq!(second.saved, theirs.len());
    assert!(second.warnings.is_empty(), "{:?}", second.warnings);
    let record = manifest(dir.path());
    let contracts: std::collections::BTreeSet<&str> = record["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["contract"].as_str().unwrap())
        .collect();
    assert_eq!(contracts.len(), 2, "{record}");
    assert_eq!(manifest_len(dir.path()), 3 + theirs.len());
    let rerun = s.run(s.request(dir.path())).await;
    assert_eq!(rerun.skipped, 3);
    assert_eq!(manifest_len(dir.path()), 3 + theirs.len());
}

#[tokio::test]
async fn a_version_1_record_is_adopted_for_the_runs_documents_only() {
    let s = small(3).await;
    let dir = tempfile::tempdir().unwrap();
    s.run(s.request(dir.path())).await;
    // The same record as the first format wrote it, plus an entry of a document not in this run.
    let mut files = serde_json::Map::new();
    for entry in manifest(dir.path())["files"].as_array().unwrap() {
        files.insert(
            entry["id"].as_str().unwrap().to_owned(),
            serde_json::json!({
                "file": entry["file"], "bytes": entry["bytes"],
                "sha256": entry["sha256"], "zipped": entry["zipped"],
            }),
        );
    }
    std::fs::write(dir.path().join("elsewhere.pdf"), b"not in this run").unwrap();
    files.insert(
        "ffffffffffffffffffffffff".to_owned(),
        serde_json::json!({"file": "elsewhere.pdf", "bytes": 15, "sha256": "00", "zipped": false}),
    );
    std::fs::write(
        dir.path().join(MANIFEST_FILE_NAME),
        serde_json::to_vec(&serde_json::json!({"version": 1, "files": files})).unwrap(),
    )
    .unwrap();
    let before = s.file_requests();
    let rerun = s.run(s.request(dir.path())).await;
    assert_eq!((rerun.skipped, rerun.saved), (3, 0));
    assert!(rerun.warnings.is_empty(), "{:?}", rerun.warnings);
    assert_eq!(s.file_requests(), before, "adopted entries are trusted");
    assert_eq!(manifest(dir.path())["version"], 2);
    for document in &s.documents {
        let recorded = manifest_entries(dir.path(), document.id.as_str());
        assert_eq!(recorded.len(), 1);
        assert_eq!(recorded[0]["contract"], s.contract.as_str());
    }
    let untouched = manifest_entries(dir.path(), "ffffffffffffffffffffffff");
    assert_eq!(untouched.len(), 1);
    assert!(untouched[0].get("contract").is_none(), "{untouched:?}");
    assert_eq!(untouched[0]["file"], "elsewhere.pdf");
}

#[tokio::test]
async fn an_unwritable_record_is_a_warning() {
    let s = small(2).await;
    let dir = tempfile::tempdir().unwrap();
    // A folder where the record goes: it can be neither read nor replaced.
    std::fs::create_dir(dir.path().join(MANIFEST_FILE_NAME)).unwrap();
    let summary = s.run(s.request(dir.path())).await;
    assert_eq!(summary.saved, 2);
    assert_eq!(
        warning_codes(&summary),
        ["manifest_unreadable", "manifest_not_written"]
    );
    let json = serde_json::to_value(&summary).unwrap();
    assert_eq!(json["warnings"][1]["code"], "manifest_not_written");
    assert!(json["warnings"][1]["message"]
        .as_str()
        .unwrap()
        .contains("rerun"));
    assert!(temp_files(dir.path()).is_empty());
}

#[tokio::test]
async fn failures_keep_their_codes_in_the_result() {
    let s = small(3).await;
    let dir = tempfile::tempdir().unwrap();
    s.sandbox
        .inject(Route::DocumentFile, Fault::CutBody { after_bytes: 10 }, 1);
    let mut request = s.request(dir.path());
    request.jobs = 1;
    let mut ghost = request.documents[0].clone();
    ghost.id = ccs_api::DocumentId::from_server("0000000000000000deadbeef");
    request.documents.push(ghost);
    let summary = s.run(request).await;
    let json = serde_json::to_value(&summary).unwrap();
    let codes: Vec<&str> = json["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "failed")
        .map(|f| f["error"]["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["incomplete_download", "not_found"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_run_into_the_same_folder_is_refused_and_the_first_finishes() {
    let s = setup(SandboxConfig {
        documents_per_contract: Some(4),
        document_size: Some(16 * 1024),
        faults: ccs_sandbox::FaultConfig {
            slow_body_bytes_per_sec: Some(32 * 1024),
            ..Default::default()
        },
        ..Default::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let (started_tx, started_rx) = tokio::sync::oneshot::channel();
    let started_tx = Mutex::new(Some(started_tx));
    let events = move |event: BulkEvent| {
        if let BulkEvent::FileProgress { .. } = event {
            if let Some(tx) = started_tx.lock().unwrap().take() {
                let _ = tx.send(());
            }
        }
    };
    let first = download_documents(
        &s.client,
        s.request(dir.path()),
        &events,
        CancellationToken::new(),
    );
    let second = async {
        started_rx.await.unwrap();
        let live = temp_files(dir.path());
        assert!(!live.is_empty(), "transfers under way");
        let refused = download_documents(
            &s.client,
            s.request(dir.path()),
            &|_| {},
            CancellationToken::new(),
        )
        .await;
        (refused, live)
    };
    let (first, (refused, live)) = tokio::join!(first, second);
    match refused {
        Err(error @ CoreError::FolderInUse { .. }) => {
            let message = error.to_string();
            assert!(message.contains("Another download"), "{message}");
            assert!(
                message.contains(&std::process::id().to_string()),
                "{message}"
            );
            assert_eq!(error.kind(), ErrorCode::FolderInUse);
        }
        other => panic!("the second run was not refused: {other:?}"),
    }
    let first = first.unwrap();
    assert_eq!(
        (first.saved, first.failed),
        (4, 0),
        "the first run's temporary files were left alone ({live:?})"
    );
    assert!(temp_files(dir.path()).is_empty());
    assert!(
        !dir.path().join(LOCK_FILE_NAME).exists(),
        "the lock goes with its run"
    );
    // The folder is free again.
    assert_eq!(s.run(s.request(dir.path())).await.skipped, 4);
}

#[tokio::test]
async fn a_crashed_runs_lock_file_does_not_block() {
    let s = small(2).await;
    let dir = tempfile::tempdir().unwrap();
    // What a killed run leaves: the file, but no process holding its lock.
    std::fs::write(dir.path().join(LOCK_FILE_NAME), b"4242\n").unwrap();
    let summary = s.run(s.request(dir.path())).await;
    assert_eq!(summary.saved, 2);
    assert!(!dir.path().join(LOCK_FILE_NAME).exists());
}

#[tokio::test]
async fn a_temporary_file_another_writer_holds_is_not_removed() {
    let s = small(2).await;
    let dir = tempfile::tempdir().unwrap();
    // A single save of the app, writing into the same folder now: its file is locked.
    let live = dir.path().join(".ccs-tmp-00000000000000aa.part");
    let writer = std::fs::File::create(&live).unwrap();
    writer.try_lock().unwrap();
    let stale = dir.path().join(".ccs-tmp-00000000000000bb.part");
    std::fs::write(&stale, b"left by a killed run").unwrap();
    let summary = s.run(s.request(dir.path())).await;
    assert_eq!(summary.saved, 2);
    assert!(live.exists(), "a live transfer's file stays");
    assert!(!stale.exists(), "a dead one's goes");
    drop(writer);
    s.run(s.request(dir.path())).await;
    assert!(!live.exists(), "once its writer is gone, it is stale");
}
