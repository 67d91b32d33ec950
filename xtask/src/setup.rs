//! Installs what the build and the tests need on Debian/Ubuntu, and nothing when it is all there.
//!
//! Why: CI starts from a machine with only Rust, Node and apt. Checking each package first keeps a
//! warm run fast (no `apt-get update` when nothing is missing).

use std::process::Command;

/// Debian packages the build and the tests need: D-Bus headers for the keychain (Secret Service),
/// and a throwaway gnome-keyring in a private D-Bus session for the keychain tests. The desktop app
/// adds WebKitGTK, Xvfb and friends here.
const APT_PACKAGES: &[&str] = &[
    "ca-certificates",
    "pkg-config",
    "libdbus-1-dev",
    "dbus-daemon",
    "gnome-keyring",
    // The desktop app's build (Tauri on WebKitGTK).
    "libwebkit2gtk-4.1-dev",
    "build-essential",
    "curl",
    "wget",
    "file",
    "libxdo-dev",
    "libssl-dev",
    "libayatana-appindicator3-dev",
    "librsvg2-dev",
    // The GUI end-to-end tests: a virtual display, WebKit's WebDriver, a dialog driver, screenshots.
    "xvfb",
    "xauth",
    "imagemagick",
    "webkit2gtk-driver",
    "dbus-x11",
    "xdotool",
    // Reads the clipboard in the GUI tests ("Copy diagnostics" copies).
    "xclip",
    "at-spi2-core",
    // A real SOCKS5 proxy on loopback for the proxy tests (user and password).
    "microsocks",
    // `cargo xtask bench` (its --quick run is a step of `cargo xtask test`): timings, loads, peak RSS.
    "hyperfine",
    "wrk",
    "time",
    // The spend row's baseline: DuckDB from PyPI in a virtual environment the bench makes.
    "python3-venv",
];

/// rustup components `cargo xtask test` uses.
const RUSTUP_COMPONENTS: &[&str] = &["rustfmt", "clippy"];

/// Installs whatever is missing.
pub fn run() -> Result<(), String> {
    install_rustup_components()?;
    install_apt_packages(APT_PACKAGES)?;
    install_npm_packages()?;
    crate::gui::install_tauri_driver()?;
    println!("xtask setup: everything needed is installed");
    Ok(())
}

fn install_rustup_components() -> Result<(), String> {
    let installed = output("rustup", &["component", "list", "--installed"]).unwrap_or_default();
    let missing: Vec<&str> = RUSTUP_COMPONENTS
        .iter()
        .copied()
        .filter(|c| !installed.lines().any(|line| line.starts_with(c)))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    println!("xtask setup: adding rustup components {missing:?}");
    let mut args = vec!["component", "add"];
    args.extend(&missing);
    run_checked("rustup", &args)
}

/// Installs the Debian packages of `packages` that are not installed yet.
pub fn install_apt_packages(packages: &[&str]) -> Result<(), String> {
    if which("dpkg-query").is_none() {
        println!("xtask setup: not a Debian/Ubuntu system; install these yourself if missing: {packages:?}");
        return Ok(());
    }
    let missing: Vec<&str> = packages
        .iter()
        .copied()
        .filter(|p| !apt_installed(p))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    println!("xtask setup: installing Debian packages {missing:?}");
    let as_root = output("id", &["-u"]).is_some_and(|uid| uid.trim() == "0");
    let prefix: Vec<&str> = if as_root { vec![] } else { vec!["sudo"] };
    if !as_root && which("sudo").is_none() {
        return Err(format!(
            "missing packages {missing:?} and neither root nor sudo to install them"
        ));
    }
    let apt = |args: &[&str]| -> Result<(), String> {
        let mut full: Vec<&str> = prefix.clone();
        full.push("apt-get");
        full.extend(args);
        let (program, rest) = full.split_first().ok_or("empty command")?;
        let status = Command::new(program)
            .args(rest)
            .env("DEBIAN_FRONTEND", "noninteractive")
            .status()
            .map_err(|e| format!("could not run apt-get: {e}"))?;
        if status.success() {
            Ok(())
        } else {
            Err(format!("apt-get {} failed ({status})", rest.join(" ")))
        }
    };
    apt(&["update", "-q"])?;
    let mut install = vec!["install", "-y", "-q", "--no-install-recommends"];
    install.extend(&missing);
    apt(&install)
}

/// `npm ci` when `node_modules` is missing or older than `package-lock.json` (the UI and its tools).
fn install_npm_packages() -> Result<(), String> {
    let root = crate::project_root();
    let lock = root.join("package-lock.json");
    let installed = root.join("node_modules/.package-lock.json");
    let modified = |p: &std::path::Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    let fresh = match (modified(&lock), modified(&installed)) {
        (Some(lock), Some(installed)) => installed >= lock,
        _ => false,
    };
    if fresh {
        return Ok(());
    }
    if which("npm").is_none() {
        return Err("npm is missing: install Node.js 20 or newer (with npm)".into());
    }
    println!("xtask setup: npm ci");
    let status = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund"])
        .current_dir(&root)
        .status()
        .map_err(|e| format!("could not run npm: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("npm ci failed ({status})"))
    }
}

fn apt_installed(package: &str) -> bool {
    output("dpkg-query", &["-W", "-f=${Status}", package])
        .is_some_and(|status| status.contains("install ok installed"))
}

/// Where a program is on PATH, if anywhere.
pub fn which(program: &str) -> Option<std::path::PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|candidate| candidate.is_file())
}

/// A command's stdout, or `None` if it could not run or failed.
fn output(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program).args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Runs a command, failing with its name when it fails.
pub fn run_checked(program: &str, args: &[&str]) -> Result<(), String> {
    let status = Command::new(program)
        .args(args)
        .status()
        .map_err(|e| format!("could not run {program}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{program} {}` failed ({status})", args.join(" ")))
    }
}
