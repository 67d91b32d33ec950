//! No command may hold the main thread: the window draws and the page is served from it, so a
//! synchronous command that reads the keychain, a file or the network freezes the app. Tauri runs
//! `async` commands on its async runtime; a synchronous one runs on the main thread. This test walks
//! every command of `specta_builder()` and fails on a synchronous one that is not on the short list
//! of pure, instant commands below.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::sync::{Arc, Mutex};
use tauri_specta::{BuilderConfiguration, LanguageExt};

/// Commands that may stay synchronous: they only touch memory, in microseconds.
const INSTANT: &[&str] = &[
    // Each flips a cancellation token.
    "cancel_downloads",
    "cancel_save",
];

/// An "exporter" that only records each command's name and whether it is `async`.
#[derive(Clone, Default)]
struct CommandLog(Arc<Mutex<Vec<(String, bool)>>>);

impl LanguageExt for CommandLog {
    type Error = std::io::Error;

    fn export(self, cfg: &BuilderConfiguration, _path: &Path) -> Result<(), Self::Error> {
        let mut seen = self.0.lock().unwrap();
        for command in &cfg.commands {
            seen.push((command.name().to_string(), command.asyncness()));
        }
        Ok(())
    }
}

#[test]
fn no_command_runs_on_the_main_thread() {
    let commands = CommandLog::default();
    customer_space_lib::specta_builder()
        .export(commands.clone(), "unused")
        .unwrap();
    let seen = commands.0.lock().unwrap().clone();
    assert!(seen.len() > 20, "every command was seen: {seen:?}");
    let blocking: Vec<&str> = seen
        .iter()
        .filter(|(name, asynchronous)| !asynchronous && !INSTANT.contains(&name.as_str()))
        .map(|(name, _)| name.as_str())
        .collect();
    assert!(
        blocking.is_empty(),
        "synchronous commands run on the main thread: make them async (or hand the work to the \
         blocking pool), or add a pure, instant one to INSTANT: {blocking:?}"
    );
    for name in INSTANT {
        assert!(
            seen.iter().any(|(seen_name, _)| seen_name == name),
            "{name} is no longer a command: remove it from INSTANT"
        );
    }
}
