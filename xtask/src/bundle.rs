//! Installable packages: the app's bundles (Tauri's bundler), the `ccs` .deb for servers, and the
//! installed-package test.
//!
//! Why a test that installs: a bundle that builds can still install a binary that does not start
//! (a missing runtime library, a wrong path). This test installs the `.deb` as a user would, starts
//! the installed app on a virtual display, and removes it again.

use crate::setup::run_checked;
use crate::target_dir;
use std::path::{Path, PathBuf};
use std::process::Command;

fn npx_tauri(args: &[&str]) -> Result<(), String> {
    let mut full = vec!["tauri"];
    full.extend(args);
    let status = Command::new("npx")
        .args(&full)
        .current_dir(crate::project_root())
        .status()
        .map_err(|e| format!("could not run npx: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`npx {}` failed ({status})", full.join(" ")))
    }
}

/// `cargo xtask bundle`: release `.deb` and `.rpm` of the app (LTO, stripped), and the `ccs` `.deb`.
pub fn bundle(debug: bool) -> Result<(), String> {
    crate::setup::run()?;
    let mut args = vec!["build", "--bundles", "deb,rpm"];
    if debug {
        args.push("--debug");
    }
    npx_tauri(&args)?;
    bundle_ccs()?;
    let profile = if debug { "debug" } else { "release" };
    println!(
        "bundles: {}",
        target_dir().join(profile).join("bundle").display()
    );
    Ok(())
}

/// The control file of the `ccs` package: no WebKit, only what `ccs` links (D-Bus for the keychain).
fn ccs_control(version: &str, installed_kib: u64) -> String {
    format!(
        "Package: ccs\nVersion: {version}\nSection: utils\nPriority: optional\nArchitecture: amd64\n\
         Maintainer: Customer Space <support@customer-space.invalid>\nInstalled-Size: {installed_kib}\n\
         Depends: libc6, libgcc-s1, libdbus-1-3\nRecommends: gnome-keyring | kwalletmanager\n\
         Description: command line for the Orange Business Cloud Customer Space API\n \
         Lists contracts and documents, downloads invoices (resumable, to a folder), creates users and\n \
         contracts. Secrets come from the OS keychain or the environment (for cron jobs).\n"
    )
}

/// `cargo xtask bundle-ccs`: the `ccs` `.deb` (release build, no WebKit) in `target/bundle-ccs`.
pub fn bundle_ccs() -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    run_checked(&cargo, &["build", "--release", "--locked", "-p", "ccs-cli"])?;
    let version = env!("CARGO_PKG_VERSION");
    let binary = target_dir().join("release/ccs");
    let root = target_dir().join("bundle-ccs/ccs-root");
    let _ = std::fs::remove_dir_all(&root);
    let bin_dir = root.join("usr/bin");
    let doc_dir = root.join("usr/share/doc/ccs");
    for dir in [&bin_dir, &doc_dir, &root.join("DEBIAN")] {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::copy(&binary, bin_dir.join("ccs"))
        .map_err(|e| format!("{}: {e}", binary.display()))?;
    std::fs::write(
        doc_dir.join("copyright"),
        "Customer Space contributors. MIT OR Apache-2.0.\n",
    )
    .map_err(|e| e.to_string())?;
    let size_kib = std::fs::metadata(bin_dir.join("ccs"))
        .map(|m| m.len() / 1024 + 1)
        .unwrap_or(0);
    std::fs::write(root.join("DEBIAN/control"), ccs_control(version, size_kib))
        .map_err(|e| e.to_string())?;
    let deb = target_dir().join(format!("bundle-ccs/ccs_{version}_amd64.deb"));
    run_checked(
        "dpkg-deb",
        &[
            "--root-owner-group",
            "--build",
            &root.display().to_string(),
            &deb.display().to_string(),
        ],
    )?;
    println!("ccs package: {}", deb.display());
    Ok(())
}

/// The newest `.deb` of the app in a bundle folder.
fn find_deb(folder: &Path) -> Option<PathBuf> {
    std::fs::read_dir(folder)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "deb"))
        .max_by_key(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok())
}

fn output(program: &str, args: &[&str]) -> Result<String, String> {
    let out = Command::new(program)
        .args(args)
        .output()
        .map_err(|e| format!("could not run {program}: {e}"))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(format!(
            "`{program} {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// The installed-package test: build the debug `.deb`, install it, check its dependencies, start the
/// installed app on a virtual display, check `--version`, remove it and check nothing is left.
pub fn installed_package_test() -> Result<(), String> {
    let is_root = output("id", &["-u"]).is_ok_and(|uid| uid.trim() == "0");
    if !is_root {
        println!("installed-package test SKIPPED: it installs a .deb with dpkg and needs root (CI runs as root)");
        return Ok(());
    }
    npx_tauri(&["build", "--debug", "--bundles", "deb"])?;
    let deb = find_deb(&target_dir().join("debug/bundle/deb")).ok_or("no .deb was built")?;
    let deb_text = deb.display().to_string();
    let depends = output("dpkg-deb", &["--field", &deb_text, "Depends"])?;
    println!("Depends: {}", depends.trim());
    if !depends.contains("libwebkit2gtk-4.1-0") || !depends.contains("libgtk-3-0") {
        return Err(format!(
            "the .deb must depend on WebKitGTK and GTK; Depends: {depends}"
        ));
    }
    if depends.split(',').any(|d| {
        d.split_whitespace()
            .next()
            .is_some_and(|name| name.ends_with("-dev"))
    }) {
        return Err(format!("the .deb depends on a -dev package: {depends}"));
    }
    let files_before = output("dpkg-deb", &["--contents", &deb_text])?;
    run_checked("dpkg", &["-i", &deb_text])?;
    let result = check_installed();
    let removed = run_checked("dpkg", &["-r", "customer-space"]);
    result?;
    removed?;
    // Nothing of the package may remain (user data in HOME is not the package's).
    for line in files_before.lines() {
        if let Some(path) = line
            .split_whitespace()
            .last()
            .map(|p| p.trim_start_matches('.'))
        {
            if path.ends_with('/') || path.is_empty() {
                continue;
            }
            if Path::new(path).exists() {
                return Err(format!("{path} is still there after dpkg -r"));
            }
        }
    }
    if output("dpkg-query", &["-W", "-f=${Status}", "customer-space"])
        .is_ok_and(|s| s.contains("installed"))
    {
        return Err("dpkg still lists customer-space as installed".into());
    }
    println!("installed-package test: installed, started, removed; nothing left");
    Ok(())
}

/// `--version`, then a start on a virtual display that must show the first-run screen.
fn check_installed() -> Result<(), String> {
    let version = output("/usr/bin/customer-space", &["--version"])?;
    if !version.contains(env!("CARGO_PKG_VERSION")) {
        return Err(format!("unexpected --version output: {version}"));
    }
    crate::gui::installed_app_shows_first_screen(Path::new("/usr/bin/customer-space"))
}
