//! A bulk run's progress, sent to the window as `bulk-progress` events: at once when it starts, then
//! coalesced by `ccs_core::progress` (the newest step at most every 50 ms, never later than that),
//! and always the last step.

use crate::dto::{BulkProgress, SaveProgressEvent};
use crate::error::AppResult;
use crate::state::AppState;
use ccs_api::Document;
use ccs_core::bulk::BulkEvent;
use ccs_core::progress::{Coalescer, Sent};
use ccs_core::save::SaveProgress;
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};
use tauri::AppHandle;
use tauri_specta::Event;
use tokio_util::sync::CancellationToken;

/// Milliseconds since the Unix epoch, as the page's `Date.now()` counts them.
fn epoch_ms(at: SystemTime) -> f64 {
    at.duration_since(UNIX_EPOCH)
        .map_or(0.0, |since| since.as_secs_f64() * 1000.0)
}

/// (files done, files in all, bytes done) of one step.
type BulkStep = (u32, u32, f64);

/// Turns a run's [`BulkEvent`]s into coalesced [`BulkProgress`] events.
pub struct ProgressEmitter {
    steps: Coalescer<BulkStep>,
}

impl ProgressEmitter {
    /// For a run whose documents weigh `bytes_total` in all, when the list gave every size.
    pub fn new(app: &AppHandle, bytes_total: Option<f64>) -> Self {
        let app = app.clone();
        let steps = Coalescer::new(move |sent: Sent<BulkStep>| {
            let (files_done, files_total, bytes_done) = sent.step;
            let progress = BulkProgress {
                files_done,
                files_total,
                bytes_done,
                bytes_total,
                reported_at_ms: epoch_ms(sent.reported_at),
            };
            if let Err(error) = progress.emit(&app) {
                tracing::warn!(%error, "could not send progress to the window");
            }
        });
        Self { steps }
    }

    /// Forwards what the window shows of `event`.
    pub fn on(&self, event: BulkEvent) {
        match event {
            // At once, so the page can leave "choose where" for a real progress bar.
            BulkEvent::Started { files, .. } => self.steps.report((0, files, 0.0), true),
            BulkEvent::Progress {
                files_done,
                files_total,
                bytes_done,
            } => self.steps.report(
                (files_done, files_total, bytes_done),
                files_done == files_total,
            ),
            BulkEvent::FileProgress { .. } | BulkEvent::FileFinished(_) => {}
        }
    }
}

/// Turns a single save's [`SaveProgress`] into coalesced `save-progress` events.
pub fn save_progress(app: &AppHandle) -> Coalescer<SaveProgress> {
    let app = app.clone();
    Coalescer::new(move |sent: Sent<SaveProgress>| {
        let event = SaveProgressEvent {
            bytes_done: sent.step.bytes_done,
            bytes_total: sent.step.total,
            reported_at_ms: epoch_ms(sent.reported_at),
        };
        if let Err(error) = event.emit(&app) {
            tracing::warn!(%error, "could not send progress to the window");
        }
    })
}

/// Starts a bulk run (a folder save or an archive) of `documents` into `folder`: refused while
/// another runs; the folder is recorded before the first byte (the next start cleans what a killed
/// run leaves there). The caller ends it with [`AppState::end_bulk`].
pub fn begin_run(
    app: &AppHandle,
    state: &AppState,
    folder: &Path,
    documents: &[Document],
) -> AppResult<(CancellationToken, ProgressEmitter)> {
    let cancel = state.begin_bulk()?;
    if let Err(error) = state.app_settings.remember_save_folder(folder) {
        state.end_bulk();
        return Err(error.into());
    }
    let bytes_total = documents
        .iter()
        .map(|d| d.size)
        .sum::<Option<u64>>()
        .map(|b| b as f64);
    Ok((cancel, ProgressEmitter::new(app, bytes_total)))
}
