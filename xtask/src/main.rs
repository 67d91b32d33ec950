//! `cargo xtask …`: the project's automation, in Rust so it runs wherever cargo does.
//!
//! Why: two commands must take a fresh Debian/Ubuntu machine with only Rust, Node and apt to a running
//! demo (`cargo xtask demo`) or to a full test run (`cargo xtask test`). Everything they need is
//! installed here, not by hand, so that a green run on one machine means a green run on CI.

mod bench;
mod bundle;
mod cargo_target;
mod gui;
mod setup;
mod steps;

pub use cargo_target::target_dir;

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
  test      everything CI runs: setup, fmt, clippy -D warnings, every Rust test, GUI end to end
  demo      build and open the app on the sandbox (--screenshot FILE: under Xvfb, save the window)
  screenshots  run the GUI suite and save the main screens to docs/screenshots/
  e2e       only the GUI end-to-end suite, with the binaries of the last build
  sandbox   run the API simulator on loopback and print the CCS_* lines that point a client at it
  bindings  regenerate ui/src/bindings.ts from the Rust commands (tauri-specta)
  bench     measure against curl on the sandbox (--quick: once at small size; --write: docs/benchmarks.md)
  bundle    release .deb and .rpm of the app (--debug: debug build) and the ccs .deb
  bundle-ccs  the ccs .deb only (no WebKit), for servers
  installed-package-test  build the debug .deb, install it, start it, remove it (needs root)
";

fn main() -> ExitCode {
    cargo_target::export_absolute();
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
        "demo" => gui::demo(rest),
        "screenshots" => gui::screenshots(rest),
        "e2e" => gui::e2e(),
        "bench" => bench::run(rest),
        "bundle" => bundle::bundle(rest.iter().any(|a| a == "--debug")),
        "bundle-ccs" => bundle::bundle_ccs(),
        "installed-package-test" => bundle::installed_package_test(),
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
