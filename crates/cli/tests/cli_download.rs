//! `ccs download` end to end against a sandbox on loopback: 500 documents with every SHA-256
//! checked, the `--json` summary shape with absolute paths, a rerun that skips, `--overwrite`,
//! download by ids, `--zipped`, a transfer cut by the sandbox (exit 6, no partial file, no temp file,
//! the others kept, a rerun completes), hostile file names that all stay inside the folder, a file
//! changed locally that is kept (and replaced only with `--overwrite`), the record's warnings on
//! stderr, and a second run into a busy folder refused.
#![allow(clippy::unwrap_used)] // a test that fails should panic with the error

mod common;

use ccs_sandbox::{Fault, Route, SandboxConfig};
use common::{assert_no_secret_in_dir, entries, sha_of, temp, Sandboxed};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

const MANIFEST: &str = ".ccs-downloads.json";

fn small(count: u32) -> Sandboxed {
    Sandboxed::start(SandboxConfig {
        documents_per_contract: Some(count),
        document_size: Some(4096),
        ..Default::default()
    })
}

fn temp_files(folder: &Path) -> Vec<String> {
    entries(folder)
        .into_iter()
        .filter(|n| n.starts_with(".ccs-tmp"))
        .collect()
}

/// The document files of a folder (not the manifest nor temp files).
fn documents_in(folder: &Path) -> Vec<String> {
    entries(folder)
        .into_iter()
        .filter(|n| !n.starts_with(".ccs-"))
        .collect()
}

/// Checks the summary's shape and returns the files by id.
fn files_by_id(summary: &serde_json::Value) -> HashMap<String, serde_json::Value> {
    let object = summary.as_object().unwrap();
    let mut keys: Vec<&str> = object.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "changedLocallyKept",
            "failed",
            "files",
            "saved",
            "skipped",
            "warnings"
        ],
        "{summary}"
    );
    summary["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let mut keys: Vec<&str> = f.as_object().unwrap().keys().map(String::as_str).collect();
            keys.sort_unstable();
            assert_eq!(
                keys,
                ["bytes", "error", "id", "keptPath", "path", "sha256", "status"],
                "{f}"
            );
            (f["id"].as_str().unwrap().to_owned(), f.clone())
        })
        .collect()
}

#[test]
fn five_hundred_documents_are_saved_intact_then_skipped() {
    let s = small(500);
    let config = temp();
    let out = temp();
    let folder = out.path().join("invoices/2026"); // created if missing
    let contract = s.first_contract();
    let listed = s.sandbox.documents(&contract);
    assert_eq!(listed.len(), 500);

    let first = s
        .run(
            s.ccs(config.path())
                .args(["download", "--all", "--jobs", "8", "--json", "--out"])
                .arg(&folder),
        )
        .expect(0)
        .json();
    assert_eq!(
        (
            first["saved"].as_u64(),
            first["skipped"].as_u64(),
            first["failed"].as_u64()
        ),
        (Some(500), Some(0), Some(0))
    );
    let files = files_by_id(&first);
    assert_eq!(files.len(), 500);
    let canonical = folder.canonicalize().unwrap();
    let mut paths = HashSet::new();
    for document in &listed {
        let file = &files[&document.id];
        assert_eq!(file["status"], "saved");
        assert!(file["error"].is_null());
        let path = PathBuf::from(file["path"].as_str().unwrap());
        assert!(path.is_absolute(), "{}", path.display());
        assert_eq!(path.parent().unwrap().canonicalize().unwrap(), canonical);
        let want = s.expected_sha(&contract, &document.id);
        assert_eq!(file["sha256"], want.as_str());
        assert_eq!(sha_of(&path), want, "{}", path.display());
        assert_eq!(file["bytes"], document.size);
        assert!(paths.insert(path));
    }
    assert_eq!(documents_in(&folder).len(), 500);
    assert!(folder.join(MANIFEST).is_file());
    assert!(temp_files(&folder).is_empty());

    // A rerun fetches nothing.
    let before = s.sandbox.request_count(Route::DocumentFile);
    let human = s
        .run(
            s.ccs(config.path())
                .args(["download", "--all", "--out"])
                .arg(&folder),
        )
        .expect(0);
    assert!(
        human.stderr.contains("0 saved") && human.stderr.contains("500 already there"),
        "{}",
        human.stderr
    );
    assert_eq!(s.sandbox.request_count(Route::DocumentFile), before);
    let again = s
        .run(
            s.ccs(config.path())
                .args(["download", "--all", "--json", "--out"])
                .arg(&folder),
        )
        .expect(0)
        .json();
    assert_eq!(
        (again["saved"].as_u64(), again["skipped"].as_u64()),
        (Some(0), Some(500))
    );
    assert!(files_by_id(&again)
        .values()
        .all(|f| f["status"] == "skipped" && f["sha256"].is_string()));
    assert_eq!(s.sandbox.request_count(Route::DocumentFile), before);

    // --overwrite fetches anew (one id, to stay quick).
    let id = &listed[0].id;
    let overwritten = s
        .run(
            s.ccs(config.path())
                .args(["download", id, "--overwrite", "--json", "--out"])
                .arg(&folder),
        )
        .expect(0)
        .json();
    assert_eq!(overwritten["saved"], 1);
    assert_eq!(s.sandbox.request_count(Route::DocumentFile), before + 1);
    assert_eq!(
        documents_in(&folder).len(),
        500,
        "the same name is replaced, no ' (2)'"
    );
    assert_no_secret_in_dir(config.path(), &s.secrets());
    assert_no_secret_in_dir(&folder, &s.secrets());
}

#[test]
fn downloads_by_id_use_the_listed_names_and_zipped_adds_zip() {
    let s = small(12);
    let config = temp();
    let out = temp();
    let contract = s.first_contract();
    let listed = s.sandbox.documents(&contract);
    let (a, b) = (&listed[3], &listed[7]);
    let summary = s
        .run(
            s.ccs(config.path())
                .args(["download", &a.id, &b.id, "--json", "--out"])
                .arg(out.path()),
        )
        .expect(0)
        .json();
    assert_eq!(summary["saved"], 2);
    assert_eq!(documents_in(out.path()), {
        let mut names = vec![a.filename.clone(), b.filename.clone()];
        names.sort();
        names
    });
    assert_eq!(
        sha_of(&out.path().join(&a.filename)),
        s.expected_sha(&contract, &a.id)
    );

    let zipped = temp();
    let summary = s
        .run(
            s.ccs(config.path())
                .args(["download", &a.id, "--zipped", "--json", "--out"])
                .arg(zipped.path()),
        )
        .expect(0)
        .json();
    assert_eq!(summary["saved"], 1);
    let path = zipped.path().join(format!("{}.zip", a.filename));
    assert_eq!(
        summary["files"][0]["path"]
            .as_str()
            .map(PathBuf::from)
            .unwrap()
            .canonicalize()
            .unwrap(),
        path.canonicalize().unwrap()
    );
    assert!(std::fs::read(&path).unwrap().starts_with(b"PK\x03\x04"));

    // A file already there but not in the manifest is kept; the new one gets " (2)".
    let foreign = temp();
    std::fs::write(foreign.path().join(&a.filename), b"mine").unwrap();
    s.run(
        s.ccs(config.path())
            .args(["download", &a.id, "--out"])
            .arg(foreign.path()),
    )
    .expect(0);
    assert_eq!(
        std::fs::read(foreign.path().join(&a.filename)).unwrap(),
        b"mine"
    );
    assert_eq!(documents_in(foreign.path()).len(), 2);
    assert!(
        documents_in(foreign.path())
            .iter()
            .any(|n| n.contains(" (2)")),
        "{:?}",
        documents_in(foreign.path())
    );

    // Filters with --all.
    let typed = temp();
    let summary = s
        .run(
            s.ccs(config.path())
                .args(["download", "--all", "--type", "invoices", "--json", "--out"])
                .arg(typed.path()),
        )
        .expect(0)
        .json();
    let want = listed
        .iter()
        .filter(|d| d.document_type == "invoices")
        .count();
    assert_eq!(summary["saved"].as_u64().unwrap() as usize, want);
}

#[test]
fn a_cut_transfer_exits_6_leaves_no_partial_file_and_a_rerun_completes() {
    let s = small(20);
    let config = temp();
    let out = temp();
    let contract = s.first_contract();
    let listed = s.sandbox.documents(&contract);
    s.sandbox
        .inject(Route::DocumentFile, Fault::CutBody { after_bytes: 1000 }, 1);
    let cut = s
        .run(
            s.ccs(config.path())
                .args(["download", "--all", "--json", "--out"])
                .arg(out.path()),
        )
        .expect(6);
    let summary = cut.json();
    assert_eq!(
        (summary["saved"].as_u64(), summary["failed"].as_u64()),
        (Some(19), Some(1)),
        "{summary}"
    );
    let files = files_by_id(&summary);
    let (failed_id, failed) = files.iter().find(|(_, f)| f["status"] == "failed").unwrap();
    assert!(
        failed["path"].is_null() && failed["sha256"].is_null(),
        "{failed}"
    );
    assert_eq!(failed["error"]["code"], "incomplete_download");
    assert!(failed["error"]["message"]
        .as_str()
        .is_some_and(|m| !m.is_empty()));
    let document = listed.iter().find(|d| &d.id == failed_id).unwrap();
    assert!(
        !out.path().join(&document.filename).exists(),
        "a partial file under the final name"
    );
    assert!(
        temp_files(out.path()).is_empty(),
        "{:?}",
        entries(out.path())
    );
    assert_eq!(documents_in(out.path()).len(), 19, "the others are kept");

    // Human output names the failure; rerun saves the one and skips the rest.
    let before = s.sandbox.request_count(Route::DocumentFile);
    let rerun = s
        .run(
            s.ccs(config.path())
                .args(["download", "--all", "--json", "--out"])
                .arg(out.path()),
        )
        .expect(0)
        .json();
    assert_eq!(
        (
            rerun["saved"].as_u64(),
            rerun["skipped"].as_u64(),
            rerun["failed"].as_u64()
        ),
        (Some(1), Some(19), Some(0))
    );
    assert_eq!(s.sandbox.request_count(Route::DocumentFile), before + 1);
    assert_eq!(
        sha_of(&out.path().join(&document.filename)),
        s.expected_sha(&contract, failed_id)
    );
    assert!(temp_files(out.path()).is_empty());

    // Without --json: exit 6 too, a line per failure on stderr.
    let other = temp();
    s.sandbox
        .inject(Route::DocumentFile, Fault::CutBody { after_bytes: 10 }, 1);
    let human = s
        .run(
            s.ccs(config.path())
                .args(["download", "--all", "--jobs", "1", "--out"])
                .arg(other.path()),
        )
        .expect(6);
    assert!(
        human.stderr.contains("failed: ") && human.stderr.contains("19 saved"),
        "{}",
        human.stderr
    );
    assert!(temp_files(other.path()).is_empty());
}

#[test]
fn hostile_names_are_all_saved_inside_the_folder() {
    let s = Sandboxed::start(SandboxConfig {
        hostile_names: true,
        document_size: Some(4096),
        ..Default::default()
    });
    let config = temp();
    let parent = temp();
    let folder = parent.path().join("out");
    let contract = s.first_contract();
    let invoices: Vec<_> = s
        .sandbox
        .documents(&contract)
        .into_iter()
        .filter(|d| d.document_type == "invoices")
        .collect();
    assert!(invoices.iter().any(|d| d.filename.contains("..")));
    let summary = s
        .run(
            s.ccs(config.path())
                .args(["download", "--all", "--type", "invoices", "--json", "--out"])
                .arg(&folder),
        )
        .expect(0)
        .json();
    assert_eq!(summary["saved"].as_u64().unwrap() as usize, invoices.len());
    let files = files_by_id(&summary);
    let canonical = folder.canonicalize().unwrap();
    let names = documents_in(&folder);
    assert_eq!(names.len(), invoices.len(), "{names:#?}");
    for document in &invoices {
        let path = PathBuf::from(files[&document.id]["path"].as_str().unwrap());
        assert_eq!(
            path.parent().unwrap().canonicalize().unwrap(),
            canonical,
            "{}",
            path.display()
        );
        assert_eq!(sha_of(&path), s.expected_sha(&contract, &document.id));
    }
    for name in &names {
        assert!(!name.chars().any(char::is_control), "{name:?}");
        assert!(
            !name.contains('/') && !name.contains('\\') && name.len() <= 255,
            "{name:?}"
        );
        let stem = name.split('.').next().unwrap().trim().to_ascii_uppercase();
        assert!(
            !["CON", "AUX", "NUL", "PRN"].contains(&stem.as_str()),
            "{name:?}"
        );
        assert!(
            !name.trim().starts_with('.') || name.starts_with(".ccs-"),
            "{name:?}"
        );
    }
    // Nothing escaped: the parent holds only the folder.
    assert_eq!(entries(parent.path()), ["out"]);
    assert!(!parent.path().join("etc").exists());
    let human = s
        .run(
            s.ccs(config.path())
                .args(["documents", "--type", "invoices", "--limit", "20"]),
        )
        .expect(0);
    assert!(
        !human.stdout.chars().any(|c| c.is_control() && c != '\n'),
        "control characters in the table"
    );
}

// Ctrl-C is SIGINT on Unix (Windows sends a console event, which `kill` cannot).
#[cfg(unix)]
#[test]
fn ctrl_c_exits_130_and_removes_temp_files() {
    let s = Sandboxed::start(SandboxConfig {
        documents_per_contract: Some(6),
        document_size: Some(64 * 1024),
        faults: ccs_sandbox::FaultConfig {
            slow_body_bytes_per_sec: Some(16 * 1024),
            ..Default::default()
        },
        ..Default::default()
    });
    let config = temp();
    let out = temp();
    let bin = assert_cmd::cargo::cargo_bin("ccs");
    let mut command = std::process::Command::new(bin);
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("CCS_") {
            command.env_remove(&name);
        }
    }
    let child = command
        .envs(s.env())
        .env("CCS_CONFIG_DIR", config.path())
        .args(["download", "--all", "--out"])
        .arg(out.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until transfers are under way (temp files exist), then interrupt.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while temp_files(out.path()).is_empty() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert!(!temp_files(out.path()).is_empty(), "no transfer started");
    let sent = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("interrupted"), "{stderr}");
    assert!(
        temp_files(out.path()).is_empty(),
        "{:?}",
        entries(out.path())
    );
    assert!(
        documents_in(out.path()).is_empty(),
        "nothing was complete yet: {:?}",
        entries(out.path())
    );
}

#[test]
fn a_changed_file_is_kept_and_only_overwrite_replaces_it() {
    let s = small(3);
    let config = temp();
    let out = temp();
    let contract = s.first_contract();
    let listed = s.sandbox.documents(&contract);
    s.run(
        s.ccs(config.path())
            .args(["download", "--all", "--out"])
            .arg(out.path()),
    )
    .expect(0);
    let document = &listed[1];
    let mine = out.path().join(&document.filename);
    std::fs::write(&mine, b"annotated by the accountant").unwrap();

    // Human output: a line for the kept file and the count in the summary; exit 0.
    let human = s
        .run(
            s.ccs(config.path())
                .args(["download", "--all", "--out"])
                .arg(out.path()),
        )
        .expect(0);
    let (stem, extension) = document.filename.rsplit_once('.').unwrap();
    let fresh_name = format!("{stem} (2).{extension}");
    assert!(
        human.stderr.contains(&format!(
            "changed locally, kept: {} — the fresh copy is {fresh_name}",
            document.filename
        )),
        "{}",
        human.stderr
    );
    assert!(
        human.stderr.contains("0 saved")
            && human
                .stderr
                .contains("2 already there, 1 changed locally, kept, 0 failed"),
        "{}",
        human.stderr
    );
    assert_eq!(
        std::fs::read(&mine).unwrap(),
        b"annotated by the accountant"
    );
    let fresh = out.path().join(&fresh_name);
    assert_eq!(sha_of(&fresh), s.expected_sha(&contract, &document.id));

    // The record follows the fresh copy: changing it again and asking with --json shows the status.
    std::fs::write(&fresh, b"changed again").unwrap();
    let again = s
        .run(
            s.ccs(config.path())
                .args(["download", "--all", "--json", "--out"])
                .arg(out.path()),
        )
        .expect(0)
        .json();
    assert_eq!(again["changedLocallyKept"], 1, "{again}");
    let files = files_by_id(&again);
    let file = &files[&document.id];
    assert_eq!(file["status"], "changedLocallyKept");
    assert_eq!(
        PathBuf::from(file["keptPath"].as_str().unwrap()).file_name(),
        fresh.file_name()
    );
    let third = PathBuf::from(file["path"].as_str().unwrap());
    assert!(third
        .to_str()
        .unwrap()
        .ends_with(&format!("{stem} (3).{extension}")));
    assert_eq!(std::fs::read(&fresh).unwrap(), b"changed again");

    // --overwrite replaces the recorded file (now the third copy) in place, changed or not.
    std::fs::write(&third, b"and again").unwrap();
    let before = documents_in(out.path());
    let replaced = s
        .run(
            s.ccs(config.path())
                .args(["download", "--all", "--overwrite", "--json", "--out"])
                .arg(out.path()),
        )
        .expect(0)
        .json();
    assert_eq!(
        (
            replaced["saved"].as_u64(),
            replaced["changedLocallyKept"].as_u64()
        ),
        (Some(3), Some(0))
    );
    assert_eq!(sha_of(&third), s.expected_sha(&contract, &document.id));
    assert_eq!(documents_in(out.path()), before, "no new name");
    assert_eq!(
        std::fs::read(&mine).unwrap(),
        b"annotated by the accountant"
    );
    assert_eq!(std::fs::read(&fresh).unwrap(), b"changed again");
}

#[test]
fn problems_with_the_record_are_warnings_on_stderr_and_in_json() {
    let s = small(2);
    let config = temp();
    let out = temp();
    std::fs::write(out.path().join(MANIFEST), b"{ damaged").unwrap();
    let human = s
        .run(
            s.ccs(config.path())
                .args(["download", "--all", "--out"])
                .arg(out.path()),
        )
        .expect(0);
    assert!(
        human
            .stderr
            .contains("warning: the download record .ccs-downloads.json is damaged"),
        "{}",
        human.stderr
    );
    std::fs::write(out.path().join(MANIFEST), b"{ damaged").unwrap();
    let json = s.run(
        s.ccs(config.path())
            .args(["download", "--all", "--json", "--out"])
            .arg(out.path()),
    );
    assert!(json.stderr.contains("warning: "), "{}", json.stderr);
    let summary = json.expect(0).json();
    assert_eq!(
        summary["warnings"][0]["code"], "manifest_corrupt",
        "{summary}"
    );
}

#[test]
fn a_second_download_into_a_busy_folder_is_refused() {
    let s = small(2);
    let config = temp();
    let out = temp();
    // A run holds the folder: its lock file is locked (as `ccs download` holds it while running).
    let lock = std::fs::File::create(out.path().join(".ccs-downloads.lock")).unwrap();
    lock.try_lock().unwrap();
    let refused = s
        .run(
            s.ccs(config.path())
                .args(["download", "--all", "--json", "--out"])
                .arg(out.path()),
        )
        .expect(5);
    assert!(
        refused.stderr.contains("Another download")
            && refused.stderr.contains("choose another folder"),
        "{}",
        refused.stderr
    );
    assert_eq!(refused.json_error(), "folder_in_use");
    assert!(documents_in(out.path()).is_empty());
    assert_eq!(s.sandbox.request_count(Route::DocumentFile), 0);
    // Once that run is gone (here: its lock released), the folder is free, the stale file reused.
    drop(lock);
    s.run(
        s.ccs(config.path())
            .args(["download", "--all", "--out"])
            .arg(out.path()),
    )
    .expect(0);
    assert_eq!(documents_in(out.path()).len(), 2);
    assert!(!out.path().join(".ccs-downloads.lock").exists());
}
