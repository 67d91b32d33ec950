//! The steps of `cargo xtask test`, and the small commands around them.
//!
//! Why: CI calls `cargo xtask test` and nothing else, so this is the single list of what "green"
//! means. Every step uses the same profile and feature set, so heavy dependencies compile once.

use crate::setup::{self, run_checked};
use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

/// The one feature set of every build (clippy, tests, end to end): the app loads its bundled UI.
/// The workspace-wide steps (clippy, tests) add [`SANDBOX_BINARY_FEATURE`].
pub const FEATURES: [&str; 2] = ["--features", "customer-space/custom-protocol"];

/// The feature the `ccs-sandbox` binary requires (its command line, clap). The library, which the
/// app and `ccs` link, goes without it; whatever builds or runs the binary turns it on.
pub const SANDBOX_BINARY_FEATURE: &str = "ccs-sandbox/cli";

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
        // The sandbox's binary too (its `main.rs` is linted only with its feature).
        args.extend(["--features", SANDBOX_BINARY_FEATURE]);
        args.extend(["--", "-D", "warnings"]);
        run_checked(&cargo, &args)
    })?;
    step(
        "rust tests, CLI end to end, bindings freshness (real keychain in a private D-Bus session)",
        &|| {
            let mut args = vec!["test", "--workspace", "--locked"];
            args.extend(FEATURES);
            // Builds the sandbox's binary as well: `bench --quick` below runs it.
            args.extend(["--features", SANDBOX_BINARY_FEATURE]);
            in_isolated_keychain(&cargo, &args)
        },
    )?;
    step("ui type-check", &|| npm(&["run", "check"]))?;
    step("ui unit tests", &|| npm(&["test"]))?;
    step(
        "GUI end to end (WebDriver, Xvfb, real keychain in a private D-Bus session)",
        &crate::gui::e2e,
    )?;
    step(
        "installed package (.deb: install, start, remove)",
        &crate::bundle::installed_package_test,
    )?;
    // Last: the bench at small size, with the debug binaries the tests just built (seconds).
    step("bench --quick", &crate::bench::quick)?;
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
    let mut command = vec![cargo];
    command.extend(args);
    in_isolated_session(&command, &|_, _| Ok(()))
}

/// Runs `command` inside a private D-Bus session (`dbus-run-session`) with a throwaway gnome-keyring
/// unlocked in it, a temporary HOME and XDG_RUNTIME_DIR (so nothing reaches the developer's own
/// keychain, settings or running keyring daemon), and `CCS_TEST_KEYCHAIN=isolated`. `configure` may
/// add environment or a working folder; it gets the temporary HOME, which is removed afterwards.
/// Everything the session starts (the bus, the keyring, at-spi) ends with it.
pub fn in_isolated_session(
    command: &[&str],
    configure: &dyn Fn(&mut Command, &std::path::Path) -> Result<(), String>,
) -> Result<(), String> {
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
    let _ = std::fs::remove_dir_all(&temp_home);
    let runtime = temp_home.join("runtime");
    std::fs::create_dir_all(&runtime)
        .map_err(|e| format!("could not create {}: {e}", runtime.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(&runtime, std::fs::Permissions::from_mode(0o700));
    }
    let quoted: Vec<String> = command.iter().copied().map(shell_quote).collect();
    let script = format!(
        "set -e\n\
         eval \"$(printf 'ccs-test' | gnome-keyring-daemon --unlock --components=secrets)\"\n\
         export GNOME_KEYRING_CONTROL\n\
         {}",
        quoted.join(" ")
    );
    let mut session = Command::new("dbus-run-session");
    session
        .args(["--", "bash", "-c", &script])
        .env("HOME", &temp_home)
        .env("XDG_RUNTIME_DIR", &runtime)
        .env("CARGO_HOME", &cargo_home)
        .env("RUSTUP_HOME", &rustup_home)
        .env("CCS_TEST_KEYCHAIN", "isolated")
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .env_remove("GNOME_KEYRING_CONTROL")
        .env_remove("XDG_CONFIG_HOME")
        .env_remove("XDG_DATA_HOME")
        .env_remove("XDG_CACHE_HOME")
        .env_remove("XDG_STATE_HOME");
    let status = configure(&mut session, &temp_home).and_then(|()| {
        session
            .status()
            .map_err(|e| format!("could not run dbus-run-session: {e}"))
    });
    let _ = std::fs::remove_dir_all(&temp_home);
    match status? {
        s if s.success() => Ok(()),
        s => Err(format!("`{}` failed ({s})", command.join(" "))),
    }
}

/// Single-quotes a word for bash.
fn shell_quote(word: &str) -> String {
    format!("'{}'", word.replace('\'', r"'\''"))
}

/// `cargo xtask sandbox [flags]`: runs the simulator binary with the given flags.
pub fn sandbox(args: &[String]) -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut full = vec![
        "run",
        "--quiet",
        "--package",
        "ccs-sandbox",
        "--features",
        SANDBOX_BINARY_FEATURE,
        "--",
    ];
    full.extend(args.iter().map(String::as_str));
    run_checked(&cargo, &full)
}
