//! A bulk run's progress, sent to the window as `bulk-progress` events: at once when it starts, then
//! at most every 100 ms, and always the last step.
//!
//! Why a throttle: a fast run reports after every chunk of every file; the page needs a few updates a
//! second, and each event is work for the main thread that draws it.

use crate::dto::BulkProgress;
use crate::error::AppResult;
use crate::state::AppState;
use ccs_api::Document;
use ccs_core::bulk::BulkEvent;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tauri::AppHandle;
use tauri_specta::Event;
use tokio_util::sync::CancellationToken;

/// The least time between two progress events.
pub const PROGRESS_INTERVAL: Duration = Duration::from_millis(100);

/// Turns a run's [`BulkEvent`]s into throttled [`BulkProgress`] events.
pub struct ProgressEmitter {
    app: AppHandle,
    started: Instant,
    last_emit: AtomicU64,
    bytes_total: Option<f64>,
}

impl ProgressEmitter {
    /// For a run whose documents weigh `bytes_total` in all, when the list gave every size.
    pub fn new(app: &AppHandle, bytes_total: Option<f64>) -> Self {
        Self {
            app: app.clone(),
            started: Instant::now(),
            last_emit: AtomicU64::new(0),
            bytes_total,
        }
    }

    /// Forwards what the window shows of `event`.
    pub fn on(&self, event: BulkEvent) {
        match event {
            // At once, so the page can leave "choose where" for a real progress bar.
            BulkEvent::Started { files, .. } => self.emit(0, files, 0.0),
            BulkEvent::Progress {
                files_done,
                files_total,
                bytes_done,
            } => {
                let now = u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX);
                let due = now.saturating_sub(self.last_emit.load(Ordering::Relaxed))
                    >= PROGRESS_INTERVAL.as_millis() as u64;
                if due || files_done == files_total {
                    self.last_emit.store(now, Ordering::Relaxed);
                    self.emit(files_done, files_total, bytes_done);
                }
            }
            BulkEvent::FileProgress { .. } | BulkEvent::FileFinished(_) => {}
        }
    }

    fn emit(&self, files_done: u32, files_total: u32, bytes_done: f64) {
        let progress = BulkProgress {
            files_done,
            files_total,
            bytes_done,
            bytes_total: self.bytes_total,
        };
        if let Err(error) = progress.emit(&self.app) {
            tracing::warn!(%error, "could not send progress to the window");
        }
    }
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
