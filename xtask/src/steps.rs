//! The steps of `cargo xtask test`, and the small commands around them.
//!
//! Why: CI calls `cargo xtask test` and nothing else, so this is the single list of what "green"
//! means. Every step uses the same profile and feature set, so heavy dependencies compile once.

use crate::setup::{self, run_checked};
use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

/// The one feature set of every build (clippy, tests, end to end): the app loads its bundled UI.
pub const FEATURES: [&str; 2] = ["--features", "customer-space/custom-protocol"];

/// Runs an npm script in the project root.
pub fn npm(args: &[&str]) -> Result<(), String> {
    let status = Command::new("npm")
        .args(args)
        .current_dir(crate::project_root())
        .status()
        .map_err(|e| format!("could not run npm: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`npm {}` failed ({status})", args.join(" ")))
    }
}

/// `cargo xtask bindings`: rewrites ui/src/bindings.ts from the Rust commands.
pub fn bindings() -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(&cargo)
        .args(["test", "--package", "customer-space", "--test", "bindings"])
        .args(FEATURES)
        .env("CCS_UPDATE_BINDINGS", "1")
        .status()
        .map_err(|e| format!("could not run cargo: {e}"))?;
    if status.success() {
        println!("ui/src/bindings.ts regenerated");
        Ok(())
    } else {
        Err(format!("exporting the bindings failed ({status})"))
    }
}

/// Runs every check in order, stopping at the first failure, then prints a summary.
pub fn test() -> Result<(), String> {
    setup::run()?;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut done = Vec::new();
    let mut step = |name: &str, run: &dyn Fn() -> Result<(), String>| -> Result<(), String> {
        println!("\n=== xtask test: {name} ===");
        let started = Instant::now();
        run().map_err(|e| format!("step \"{name}\" failed: {e}"))?;
        done.push(format!("{name}: ok in {:.0?}", started.elapsed()));
        Ok(())
    };
    // The app embeds the built UI (ui/dist), so the UI is built before any Rust compiles.
    step("ui build", &|| npm(&["run", "build"]))?;
    step("format", &|| {
        run_checked(&cargo, &["fmt", "--all", "--check"])
    })?;
    step("clippy", &|| {
        let mut args = vec!["clippy", "--workspace", "--all-targets", "--locked"];
        args.extend(FEATURES);
        args.extend(["--", "-D", "warnings"]);
        run_checked(&cargo, &args)
    })?;
    step(
        "rust tests, CLI end to end, bindings freshness (real keychain in a private D-Bus session)",
        &|| {
            let mut args = vec!["test", "--workspace", "--locked"];
            args.extend(FEATURES);
            in_isolated_keychain(&cargo, &args)
        },
    )?;
    step("ui type-check", &|| npm(&["run", "check"]))?;
    step("ui unit tests", &|| npm(&["test"]))?;
    println!("\n=== xtask test: all steps passed ===");
    for line in done {
        println!("  {line}");
    }
    Ok(())
}

/// Runs a cargo command inside a private D-Bus session with a throwaway, unlocked gnome-keyring and
/// a temporary HOME, so that keychain tests use a real Secret Service and never the developer's own
/// keychain. `CCS_TEST_KEYCHAIN=isolated` tells the tests they may use it.
fn in_isolated_keychain(cargo: &str, args: &[&str]) -> Result<(), String> {
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .ok_or("HOME is not set")?;
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| home.join(".cargo"));
    let rustup_home = std::env::var_os("RUSTUP_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| home.join(".rustup"));
    let temp_home = std::env::temp_dir().join(format!("ccs-keychain-home-{}", std::process::id()));
    std::fs::create_dir_all(&temp_home)
        .map_err(|e| format!("could not create {}: {e}", temp_home.display()))?;
    let quoted: Vec<String> = std::iter::once(cargo)
        .chain(args.iter().copied())
        .map(shell_quote)
        .collect();
    let script = format!(
        "set -e\n\
         eval \"$(printf 'ccs-test' | gnome-keyring-daemon --unlock --components=secrets)\"\n\
         export GNOME_KEYRING_CONTROL\n\
         {}",
        quoted.join(" ")
    );
    let status = Command::new("dbus-run-session")
        .args(["--", "bash", "-c", &script])
        .env("HOME", &temp_home)
        .env("CARGO_HOME", &cargo_home)
        .env("RUSTUP_HOME", &rustup_home)
        .env("CCS_TEST_KEYCHAIN", "isolated")
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .status()
        .map_err(|e| format!("could not run dbus-run-session: {e}"));
    let _ = std::fs::remove_dir_all(&temp_home);
    match status? {
        s if s.success() => Ok(()),
        s => Err(format!("`cargo {}` failed ({s})", args.join(" "))),
    }
}

/// Single-quotes a word for bash.
fn shell_quote(word: &str) -> String {
    format!("'{}'", word.replace('\'', r"'\''"))
}

/// `cargo xtask sandbox [flags]`: runs the simulator binary with the given flags.
pub fn sandbox(args: &[String]) -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut full = vec!["run", "--quiet", "--package", "ccs-sandbox", "--"];
    full.extend(args.iter().map(String::as_str));
    run_checked(&cargo, &full)
}
