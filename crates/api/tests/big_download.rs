//! A large document streams through with flat memory (its own test binary, so its own process).
#![allow(clippy::unwrap_used)] // a test that fails should panic with the error

mod common;

use ccs_api::{DocumentsQuery, DownloadRequest};
use ccs_sandbox::SandboxConfig;
use common::*;

/// Peak resident memory of this process, in KiB (Linux).
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

#[tokio::test]
async fn a_256_mib_document_does_not_grow_memory() {
    const SIZE: u64 = 256 * 1024 * 1024;
    let sandbox = sandbox_with(SandboxConfig {
        big_document: Some(SIZE),
        ..Default::default()
    })
    .await;
    let (client, _) = client_for(&sandbox);
    let contract = first_contract(&sandbox);
    let docs = client
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
    let big = docs
        .iter()
        .find(|d| d.size == Some(SIZE))
        .expect("the big document is listed");
    let before = peak_rss_kib();
    let mut sink = tokio::io::sink();
    let mut updates = 0u64;
    let file = client
        .download_document(
            &contract,
            &DownloadRequest {
                document: big.id.clone(),
                zipped: false,
            },
            &mut sink,
            &mut |_| updates += 1,
        )
        .await
        .unwrap();
    assert_eq!(file.bytes, SIZE);
    assert!(updates > 100, "progress is reported as it goes");
    if let (Some(before), Some(after)) = (before, peak_rss_kib()) {
        let grown_mib = after.saturating_sub(before) / 1024;
        assert!(
            grown_mib < 24,
            "peak memory grew by {grown_mib} MiB for a 256 MiB download"
        );
    }
}
