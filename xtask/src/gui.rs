//! The desktop app seen from outside: the GUI end-to-end tests, the screenshots, and the demo.
//!
//! Why here: the GUI suite (tests/e2e, Node + WebDriver) needs a virtual display, a private D-Bus with
//! a throwaway keychain, tauri-driver, WebKitWebDriver and the app binary of the same build as the
//! Rust tests. Putting that plumbing in one place keeps `cargo xtask test`, `cargo xtask screenshots`
//! and `cargo xtask demo --screenshot` identical in how they start the app.

use crate::setup::{self, run_checked};
use crate::steps::{self, FEATURES};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::SystemTime;

/// The virtual screen: a little larger than the app's 1200×800 window.
const XVFB_SCREEN: &str = "-screen 0 1280x800x24";
/// Where `cargo xtask screenshots` writes (and README.md shows) the screenshots.
const SCREENSHOTS_DIR: &str = "docs/screenshots";

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

/// The GUI suite's folder (its own npm package).
fn e2e_dir() -> PathBuf {
    crate::project_root().join("tests").join("e2e")
}

/// A debug binary of the workspace, which must exist.
fn built_binary(name: &str, built_by: &str) -> Result<PathBuf, String> {
    let path = crate::target_dir().join("debug").join(name);
    if path.is_file() {
        Ok(path)
    } else {
        Err(format!("{} is missing: {built_by}", path.display()))
    }
}

/// Where tauri-driver is: PATH, then `$CARGO_HOME/bin`, then `~/.cargo/bin` (where `cargo install`
/// puts it, and which is not always on PATH).
pub fn tauri_driver() -> Option<PathBuf> {
    if let Some(found) = setup::which("tauri-driver") {
        return Some(found);
    }
    let mut dirs = Vec::new();
    if let Some(cargo_home) = std::env::var_os("CARGO_HOME").filter(|d| !d.is_empty()) {
        dirs.push(PathBuf::from(cargo_home).join("bin"));
    }
    if let Some(home) = std::env::var_os("HOME").filter(|d| !d.is_empty()) {
        dirs.push(PathBuf::from(home).join(".cargo").join("bin"));
    }
    dirs.into_iter()
        .map(|dir| dir.join("tauri-driver"))
        .find(|candidate| candidate.is_file())
}

/// Setup: installs tauri-driver (the WebDriver front of Tauri apps) when it is missing.
pub fn install_tauri_driver() -> Result<(), String> {
    if tauri_driver().is_some() {
        return Ok(());
    }
    println!("xtask setup: installing tauri-driver (cargo install, about a minute)");
    run_checked(
        &cargo(),
        &["install", "tauri-driver", "--locked", "--version", "^2"],
    )
}

/// `npm ci` in tests/e2e when its node_modules is missing or older than its package-lock.json.
/// `--ignore-scripts`: webdriverio's optional browser-driver packages would download browsers.
fn install_e2e_packages() -> Result<(), String> {
    let dir = e2e_dir();
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    let fresh = match (
        modified(&dir.join("package-lock.json")),
        modified(&dir.join("node_modules/.package-lock.json")),
    ) {
        (Some(lock), Some(installed)) => installed >= lock,
        _ => false,
    };
    if fresh {
        return Ok(());
    }
    println!("xtask: npm ci in tests/e2e");
    let status = Command::new("npm")
        .args(["ci", "--ignore-scripts", "--no-audit", "--no-fund"])
        .current_dir(&dir)
        .status()
        .map_err(|e| format!("could not run npm: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("npm ci in tests/e2e failed ({status})"))
    }
}

/// The newest modification time of the files under `path` (node_modules and dist skipped).
fn newest(path: &Path) -> Option<SystemTime> {
    let meta = std::fs::metadata(path).ok()?;
    if meta.is_file() {
        return meta.modified().ok();
    }
    std::fs::read_dir(path)
        .ok()?
        .flatten()
        .filter(|entry| !matches!(entry.file_name().to_str(), Some("node_modules" | "dist")))
        .filter_map(|entry| newest(&entry.path()))
        .max()
}

/// Builds the UI (ui/dist, which the app embeds) when it is missing or older than its sources, so an
/// unchanged UI does not make cargo rebuild the app.
fn build_ui_if_stale() -> Result<(), String> {
    let root = crate::project_root();
    let built = newest(&root.join("ui/dist/index.html"));
    let sources = [
        "ui/src",
        "ui/index.html",
        "vite.config.ts",
        "package-lock.json",
    ]
    .iter()
    .filter_map(|p| newest(&root.join(p)))
    .max();
    match (built, sources) {
        (Some(built), Some(sources)) if built >= sources => Ok(()),
        _ => steps::npm(&["run", "build"]),
    }
}

/// Builds the app (with its bundled UI) and `ccs`, with the feature set of every other build.
fn build_app() -> Result<(), String> {
    build_ui_if_stale()?;
    let mut args = vec![
        "build",
        "--locked",
        "--package",
        "customer-space",
        "--package",
        "ccs-cli",
    ];
    args.extend(FEATURES);
    run_checked(&cargo(), &args)
}

/// Runs `node <args>` in tests/e2e under Xvfb, inside the isolated session (private D-Bus, unlocked
/// throwaway gnome-keyring, temporary HOME) with an empty temporary `CCS_CONFIG_DIR`, pointing the
/// scripts at `app` and `ccs`.
fn run_node_isolated(
    node_args: &[&str],
    app: &Path,
    ccs: &Path,
    screenshots: Option<&Path>,
) -> Result<(), String> {
    run_node_isolated_with(node_args, app, ccs, screenshots, &[])
}

/// [`run_node_isolated`] with more environment for the script (the bench's inputs).
fn run_node_isolated_with(
    node_args: &[&str],
    app: &Path,
    ccs: &Path,
    screenshots: Option<&Path>,
    extra_env: &[(String, String)],
) -> Result<(), String> {
    let driver =
        tauri_driver().ok_or("tauri-driver is missing: `cargo xtask setup` installs it")?;
    let mut command = vec!["xvfb-run", "-a", "-s", XVFB_SCREEN, "node"];
    command.extend(node_args);
    let dir = e2e_dir();
    steps::in_isolated_session(&command, &|cmd: &mut Command, home: &Path| {
        let config = home.join("ccs-config");
        std::fs::create_dir_all(&config)
            .map_err(|e| format!("could not create {}: {e}", config.display()))?;
        cmd.current_dir(&dir)
            .env("CCS_CONFIG_DIR", &config)
            .env("CCS_E2E_APP", app)
            .env("CCS_E2E_CCS", ccs)
            .env("TAURI_DRIVER", &driver)
            // The tests read English; the UI follows the system language.
            .env("LANG", "C.UTF-8")
            .env_remove("LANGUAGE")
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            // Xvfb only: xdotool answers dialogs on X11, and a developer's Wayland session is not ours.
            .env("GDK_BACKEND", "x11")
            .env_remove("WAYLAND_DISPLAY")
            .env_remove("DISPLAY");
        match screenshots {
            Some(dir) => cmd.env("CCS_SCREENSHOTS", dir),
            None => cmd.env_remove("CCS_SCREENSHOTS"),
        };
        cmd.envs(extra_env.iter().map(|(k, v)| (k, v)));
        Ok(())
    })
}

/// The suite's test files (tests/e2e/*.test.mjs), sorted.
fn test_files() -> Result<Vec<String>, String> {
    let dir = e2e_dir();
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .map_err(|e| format!("could not read {}: {e}", dir.display()))?
        .flatten()
        .filter_map(|entry| entry.file_name().to_str().map(str::to_owned))
        .filter(|name| name.ends_with(".test.mjs"))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(format!("no *.test.mjs in {}", dir.display()));
    }
    Ok(files)
}

fn run_suite(app: &Path, ccs: &Path, screenshots: Option<&Path>) -> Result<(), String> {
    install_e2e_packages()?;
    let files = test_files()?;
    let mut args = vec!["--test", "--test-concurrency=1"];
    args.extend(files.iter().map(String::as_str));
    run_node_isolated(&args, app, ccs, screenshots)
}

/// The GUI step of `cargo xtask test`: the suite against the binaries that `cargo test --workspace`
/// (same features) has just built — the tests and the app are one build.
pub fn e2e() -> Result<(), String> {
    let built_by =
        "`cargo test --workspace --features customer-space/custom-protocol` builds it (after `npm run build`)";
    let app = built_binary("customer-space", built_by)?;
    let ccs = built_binary("ccs", built_by)?;
    run_suite(&app, &ccs, None)
}

/// `cargo xtask screenshots`: builds, runs the GUI suite with `CCS_SCREENSHOTS=docs/screenshots`.
pub fn screenshots(args: &[String]) -> Result<(), String> {
    if let Some(extra) = args.first() {
        return Err(format!(
            "`cargo xtask screenshots` takes no arguments (got \"{extra}\")"
        ));
    }
    setup::run()?;
    build_app()?;
    let built_by = "the build above should have made it";
    let app = built_binary("customer-space", built_by)?;
    let ccs = built_binary("ccs", built_by)?;
    let dir = crate::project_root().join(SCREENSHOTS_DIR);
    std::fs::create_dir_all(&dir)
        .map_err(|e| format!("could not create {}: {e}", dir.display()))?;
    run_suite(&app, &ccs, Some(&dir))?;
    println!("screenshots saved in {}", dir.display());
    Ok(())
}

fn has_display() -> bool {
    ["DISPLAY", "WAYLAND_DISPLAY"]
        .iter()
        .any(|name| std::env::var_os(name).is_some_and(|v| !v.is_empty()))
}

/// `cargo xtask demo [--screenshot FILE]`: installs what is missing, builds, and opens the app on the
/// built-in sandbox — or, with `--screenshot`, runs it under Xvfb, walks it to the documents of the
/// first contract and saves what the window shows.
pub fn demo(args: &[String]) -> Result<(), String> {
    let screenshot = match args {
        [] => None,
        [flag, file] if flag == "--screenshot" => Some(PathBuf::from(file)),
        [flag] if flag == "--screenshot" => {
            return Err(
                "--screenshot needs a file name, e.g. `cargo xtask demo --screenshot demo.png`"
                    .into(),
            )
        }
        _ => {
            return Err(format!(
                "unexpected arguments {args:?}\nusage: cargo xtask demo [--screenshot FILE]"
            ))
        }
    };
    setup::run()?;
    build_app()?;
    let built_by = "the build above should have made it";
    let app = built_binary("customer-space", built_by)?;
    match screenshot {
        Some(file) => {
            let file = std::path::absolute(&file)
                .map_err(|e| format!("bad file name {}: {e}", file.display()))?;
            let ccs = built_binary("ccs", built_by)?;
            install_e2e_packages()?;
            let script = e2e_dir().join("demo-screenshot.mjs");
            let script = script.to_string_lossy();
            let file_arg = file.to_string_lossy();
            run_node_isolated(&[script.as_ref(), file_arg.as_ref()], &app, &ccs, None)
        }
        None if has_display() => {
            println!("xtask demo: opening Customer Space on the built-in sandbox (close the window to end)");
            let status = Command::new(&app)
                .arg("--demo")
                .status()
                .map_err(|e| format!("could not start {}: {e}", app.display()))?;
            if status.success() {
                Ok(())
            } else {
                Err(format!("the app ended with {status}"))
            }
        }
        None => Err(format!(
            "this machine has no display (neither DISPLAY nor WAYLAND_DISPLAY is set), so the app cannot \
             open a window here.\nThe app is built ({}). To see it anyway, run\n  cargo xtask demo --screenshot demo.png\n\
             which starts the same app under Xvfb, walks it to the documents of the first contract and \
             saves what the window shows.",
            app.display()
        )),
    }
}

/// The installed-package check (see `bundle.rs`): the installed binary, under WebDriver on a virtual
/// display in the isolated session, shows its first-run screen and then the demo's contracts.
pub fn installed_app_shows_first_screen(app: &Path) -> Result<(), String> {
    install_e2e_packages()?;
    // The check does not call `ccs`; the variable just has to name something harmless.
    run_node_isolated(
        &["--test", "installed/first-screen.test.mjs"],
        app,
        app,
        None,
    )
}

/// The GUI rows of the bench (`bench/gui.mjs` in tests/e2e), with the same plumbing as the GUI tests:
/// Xvfb, the isolated keychain session, tauri-driver. `env` carries the bench's inputs.
pub fn run_gui_bench(
    script: &str,
    app: &Path,
    ccs: &Path,
    env: &[(String, String)],
) -> Result<(), String> {
    install_e2e_packages()?;
    run_node_isolated_with(&[script], app, ccs, None, env)
}

/// Builds the UI when stale, then `cargo <args>`: a build of the app that embeds the current UI.
pub fn build_with_ui(args: &[&str]) -> Result<(), String> {
    build_ui_if_stale()?;
    run_checked(&cargo(), args)
}
