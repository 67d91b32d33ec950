//! `ccs download`: documents to a folder, resumable, with progress bars on a terminal.

use crate::args::DownloadArgs;
use crate::commands::query::{checked_filters, fetch, warn_if_filled};
use crate::commands::session;
use crate::exit;
use crate::output::{human_size, print_json, sanitize_line};
use crate::Context;
use ccs_api::{Document, DocumentId, DocumentsQuery};
use ccs_core::bulk::{download_documents, BulkEvent, BulkRequest, BulkSummary, FileStatus};
use ccs_core::{CoreError, ErrorCode};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;
use std::io::IsTerminal;
use tokio_util::sync::CancellationToken;

/// Runs the download; exit 6 when some files failed, 130 when interrupted.
pub async fn run(context: &Context, args: DownloadArgs) -> Result<u8, CoreError> {
    checked_filters(&args.filters)?;
    let wanted: Vec<DocumentId> = args
        .ids
        .iter()
        .map(|id| DocumentId::parse(id).map_err(|e| CoreError::field("id", e.to_string())))
        .collect::<Result<_, _>>()?;
    let session = session(context, true).await?;
    let contract = session.connection.require_contract()?;
    let documents = if args.all {
        let listing = fetch(&session, &contract, &args.filters, true).await?;
        warn_if_filled(context.out, &listing);
        listing.documents
    } else {
        // Real callers name files from the list's `filename`: list first to find each id.
        let mut filters = args.filters.clone();
        filters.limit = DocumentsQuery::MAX_LIMIT;
        let listing = fetch(&session, &contract, &filters, false).await?;
        wanted
            .into_iter()
            .map(|id| find_or_bare(&listing.documents, id))
            .collect()
    };
    if documents.is_empty() {
        context.out.note(format!(
            "No documents for contract {contract} with these filters; nothing to download."
        ));
    }

    let cancel = CancellationToken::new();
    let on_interrupt = cancel.clone();
    let watcher = tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            on_interrupt.cancel();
        }
    });
    let bar = progress_bar(context, documents.len());
    let events = |event: BulkEvent| {
        if let Some(bar) = &bar {
            match event {
                BulkEvent::Started {
                    bytes: Some(bytes), ..
                } => bar.set_length(bytes as u64),
                BulkEvent::Progress {
                    files_done,
                    files_total,
                    bytes_done,
                } => {
                    bar.set_position(bytes_done as u64);
                    bar.set_message(format!("{files_done}/{files_total} files"));
                }
                _ => {}
            }
        }
    };
    let request = BulkRequest {
        contract: contract.clone(),
        documents,
        folder: args.out.clone(),
        jobs: usize::from(args.jobs),
        overwrite: args.overwrite,
        zipped: args.zipped,
    };
    let result = download_documents(&session.client, request, &events, cancel.clone()).await;
    watcher.abort();
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    session.keep_token().await;
    // A busy folder is `folder_in_use` (exit 5: try again later); other folder problems are `io`.
    let summary = result?;

    for warning in &summary.warnings {
        context.out.warn(&warning.message);
    }
    if context.out.json {
        print_summary_json(&summary)?;
    } else {
        print_summary(context, &summary, &args.out);
    }
    Ok(if summary.cancelled {
        eprintln!("interrupted: temporary files removed; run the same command again to finish");
        exit::INTERRUPTED
    } else if summary.failed > 0
        && summary
            .files
            .iter()
            .filter(|f| f.status == FileStatus::Failed)
            .all(not_accessible)
    {
        // Nothing could be fetched because the documents are not there (or not for this key):
        // that is "not accessible or not found", not a transfer that broke.
        exit::NOT_ACCESSIBLE
    } else if summary.failed > 0 {
        exit::DOWNLOADS_FAILED
    } else {
        exit::OK
    })
}

/// The `--json` summary: counts, the record's warnings, and one object per document.
fn print_summary_json(summary: &BulkSummary) -> Result<(), CoreError> {
    let files: Vec<_> = summary
        .files
        .iter()
        .map(|f| {
            json!({
                "id": f.id, "path": f.path, "bytes": f.bytes, "sha256": f.sha256,
                "status": f.status, "keptPath": f.kept_path,
                "error": f.error.as_ref().map(|e| json!({ "code": e.code, "message": e.message })),
            })
        })
        .collect();
    print_json(&json!({
        "saved": summary.saved,
        "skipped": summary.skipped,
        "changedLocallyKept": summary.changed_locally_kept,
        "failed": summary.failed,
        "warnings": summary.warnings,
        "files": files,
    }))
    .map_err(|source| CoreError::Io {
        path: "<standard output>".into(),
        source,
    })
}

/// The human summary on stderr: a line per failure and per kept file, then the counts.
fn print_summary(context: &Context, summary: &BulkSummary, out: &std::path::Path) {
    for file in &summary.files {
        match (&file.status, &file.error) {
            (FileStatus::Failed, Some(error)) => {
                // The message quotes the server: one safe line.
                eprintln!(
                    "failed: {} — {}",
                    sanitize_line(file.id.as_str()),
                    sanitize_line(&error.message)
                );
            }
            (FileStatus::ChangedLocallyKept, _) => {
                let name = |path: Option<&std::path::PathBuf>| {
                    path.and_then(|p| p.file_name())
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default()
                };
                context.out.note(format!(
                    "changed locally, kept: {} — the fresh copy is {} (--overwrite replaces the changed file)",
                    name(file.kept_path.as_ref()),
                    name(file.path.as_ref()),
                ));
            }
            _ => {}
        }
    }
    let bytes: u64 = summary
        .files
        .iter()
        .filter(|f| f.status == FileStatus::Saved)
        .map(|f| f.bytes)
        .sum();
    let kept = if summary.changed_locally_kept > 0 {
        format!(", {} changed locally, kept", summary.changed_locally_kept)
    } else {
        String::new()
    };
    context.out.note(format!(
        "{} saved ({}), {} already there{kept}, {} failed — in {}",
        summary.saved,
        human_size(bytes),
        summary.skipped,
        summary.failed,
        std::path::absolute(out).unwrap_or(out.to_owned()).display()
    ));
}

/// True when a file failed because the server says its document is not there or not visible.
fn not_accessible(file: &ccs_core::bulk::FileOutcome) -> bool {
    file.error.as_ref().is_some_and(|e| {
        matches!(
            e.code,
            ErrorCode::NotFound | ErrorCode::ContractNotAccessible
        )
    })
}

/// The listed document with this id, or an unlisted one (named from the server's answer).
fn find_or_bare(documents: &[Document], id: DocumentId) -> Document {
    documents
        .iter()
        .find(|d| d.id == id)
        .cloned()
        .unwrap_or_else(|| Document::unlisted(id))
}

/// A byte progress bar when stdout is a terminal and the user wants notes.
fn progress_bar(context: &Context, files: usize) -> Option<ProgressBar> {
    if context.out.json || context.out.quiet || files == 0 || !std::io::stdout().is_terminal() {
        return None;
    }
    let bar = ProgressBar::new(0);
    let style =
        ProgressStyle::with_template("{bar:30} {bytes}/{total_bytes} {bytes_per_sec} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style);
    Some(bar)
}
