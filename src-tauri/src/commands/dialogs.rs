//! After a native file dialog: make sure what is left of it no longer watches the chosen folder
//! before the first byte is written there.
//!
//! Why: on Linux the dialog plugin's GTK file chooser outlives its answer (its window stays, hidden,
//! with the file list of the folder it showed, and that list watches the folder). Saving 1,000
//! documents into it made GTK re-sort the list on the main thread for every file that landed:
//! measured with the debug app under Xvfb, 8.5–10 s of main-thread CPU and the summary after
//! 10.6–13 s; with the chooser moved to `/` first, 0.2 s and 5.3 s (docs/benchmarks.md). Closing or
//! destroying the hidden window is not possible without `unsafe` GTK calls (the workspace forbids
//! them; `close` does nothing to a hidden window), so the list is pointed at a folder nobody writes
//! into.

use tauri::AppHandle;

/// Moves every hidden file chooser to `/`, on the main thread, and waits until it is done.
pub async fn release_chosen_folder(app: &AppHandle) {
    let (done, moved) = tokio::sync::oneshot::channel();
    let scheduled = app.run_on_main_thread(move || {
        let _ = done.send(park_hidden_file_choosers());
    });
    if scheduled.is_ok() {
        if let Ok(count) = moved.await {
            if count > 0 {
                tracing::debug!(count, "hidden file choosers moved off the chosen folder");
            }
        }
    }
}

#[cfg(target_os = "linux")]
fn park_hidden_file_choosers() -> usize {
    use gtk::glib::Cast;
    use gtk::prelude::{FileChooserExt, WidgetExt};
    let mut moved = 0;
    for window in gtk::Window::list_toplevels() {
        let Ok(chooser) = window.downcast::<gtk::FileChooserDialog>() else {
            continue;
        };
        if !chooser.is_visible() && chooser.set_current_folder("/") {
            moved += 1;
        }
    }
    moved
}

#[cfg(not(target_os = "linux"))]
fn park_hidden_file_choosers() -> usize {
    0
}
