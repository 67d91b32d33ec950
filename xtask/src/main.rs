//! `cargo xtask …`: the project's automation, in Rust so it runs wherever cargo does.
//!
//! Why: two commands must take a fresh Debian/Ubuntu machine with only Rust, Node and apt to a running
//! demo (`cargo xtask demo`) or to a full test run (`cargo xtask test`). Everything they need is
//! installed here, not by hand, so that a green run on one machine means a green run on CI.

mod setup;
mod steps;

/// The repository's root (xtask's parent folder), whatever the current directory.
pub fn project_root() -> std::path::PathBuf {
    let manifest = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest
        .parent()
        .map(std::path::Path::to_path_buf)
        .unwrap_or(manifest)
}

use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  setup     install what is missing (rustup components, Debian packages)
  test      everything CI runs: setup, fmt, clippy -D warnings, every Rust test
  demo      open the app on the sandbox (arrives with the desktop app)
  sandbox   run the API simulator on loopback and print the CCS_* lines that point a client at it
  bindings  regenerate ui/src/bindings.ts from the Rust commands (tauri-specta)
  bench     measure against curl (arrives with the benchmarks)
  bundle    build installable bundles (arrives with the packaging)
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(command) = args.first() else {
        eprint!("{USAGE}");
        return ExitCode::from(2);
    };
    let rest = &args[1..];
    let result = match command.as_str() {
        "setup" => setup::run(),
        "test" => steps::test(),
        "sandbox" => steps::sandbox(rest),
        "bindings" => steps::bindings(),
        "demo" => not_yet("demo", "the desktop app", "cargo xtask sandbox"),
        "bench" => not_yet("bench", "the benchmarks", "cargo xtask test"),
        "bundle" => not_yet("bundle", "the packaging", "cargo build --release"),
        "-h" | "--help" | "help" => {
            print!("{USAGE}");
            Ok(())
        }
        other => Err(format!("unknown command \"{other}\"\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Says plainly that a command is not there yet, and what to use meanwhile.
fn not_yet(command: &str, arrives_with: &str, meanwhile: &str) -> Result<(), String> {
    Err(format!(
        "`cargo xtask {command}` arrives with {arrives_with}; meanwhile try `{meanwhile}`"
    ))
}
