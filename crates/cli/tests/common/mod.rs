//! Shared helpers of the `ccs` end-to-end tests: a sandbox on loopback kept alive with its own tokio
//! runtime, a `ccs` command with a fresh config dir and no inherited `CCS_*` variable, the keychain
//! gate, and the scans that prove no secret value is printed or written.
#![allow(clippy::unwrap_used)] // a test that fails should panic with the error
#![allow(dead_code)] // each test file uses a different part of these helpers

use assert_cmd::Command;
use ccs_sandbox::{Sandbox, SandboxConfig, SandboxHandle};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::OnceLock;

/// The value of `CCS_TEST_KEYCHAIN` under which keychain tests run (set by `cargo xtask test`).
pub const KEYCHAIN_GATE: &str = "isolated";

/// A running sandbox and the runtime that serves it. The sandbox is dropped first (field order).
pub struct Sandboxed {
    /// The simulator.
    pub sandbox: SandboxHandle,
    /// Its runtime, alive as long as the sandbox.
    pub runtime: tokio::runtime::Runtime,
}

impl Sandboxed {
    /// Starts a sandbox with this configuration on a free port.
    pub fn start(config: SandboxConfig) -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let sandbox = runtime.block_on(Sandbox::start(config)).unwrap();
        Self { sandbox, runtime }
    }

    /// The sandbox's `CCS_*` lines as (name, value) pairs.
    pub fn env(&self) -> Vec<(String, String)> {
        self.sandbox
            .env_lines()
            .into_iter()
            .map(|line| {
                let (name, value) = line.split_once('=').unwrap();
                (name.to_owned(), value.to_owned())
            })
            .collect()
    }

    /// `ccs` with every `CCS_*` variable of the sandbox (secrets from the environment).
    pub fn ccs(&self, config: &Path) -> Command {
        let mut command = ccs(config);
        command.envs(self.env());
        command
    }

    /// The values that must never appear in output or files.
    pub fn secrets(&self) -> Vec<String> {
        let c = self.sandbox.credentials();
        vec![c.client_secret.clone(), c.api_key.clone()]
    }

    /// Runs `command` and checks that its output shows no secret of this sandbox.
    pub fn run(&self, command: &mut Command) -> Outcome {
        let outcome = run(command);
        outcome.assert_no_secret(&self.secrets());
        outcome
    }

    /// The first visible contract (it has documents).
    pub fn first_contract(&self) -> String {
        self.sandbox.visible_contract_ids()[0].clone()
    }

    /// SHA-256 (hex) of what the sandbox serves for a document of the first contract.
    pub fn expected_sha(&self, contract: &str, id: &str) -> String {
        hex(&Sha256::digest(
            self.sandbox.document_bytes(contract, id).unwrap(),
        ))
    }
}

/// One sandbox with the default (natural) data set, shared by the read-only tests of a file.
pub fn shared() -> &'static Sandboxed {
    static SHARED: OnceLock<Sandboxed> = OnceLock::new();
    SHARED.get_or_init(|| Sandboxed::start(SandboxConfig::default()))
}

/// `ccs` with `CCS_CONFIG_DIR = config` and no inherited `CCS_*` variable.
pub fn ccs(config: &Path) -> Command {
    let mut command = Command::cargo_bin("ccs").unwrap();
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("CCS_") {
            command.env_remove(&name);
        }
    }
    command.env("CCS_CONFIG_DIR", config).env_remove("RUST_LOG");
    command.timeout(std::time::Duration::from_secs(120));
    command
}

/// What a `ccs` run gave.
#[derive(Debug)]
pub struct Outcome {
    /// Exit code (-1 when killed by a signal).
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl Outcome {
    /// Asserts the exit code, showing both streams when it differs.
    pub fn expect(self, code: i32) -> Self {
        assert_eq!(
            self.code, code,
            "exit code\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    /// Standard output as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not one JSON document ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }

    /// Asserts the `--json` error document: `{"error": {"code", "message"}}`; returns the code.
    pub fn json_error(&self) -> String {
        let value = self.json();
        let error = &value["error"];
        assert!(
            error["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{value}"
        );
        error["code"].as_str().unwrap().to_owned()
    }

    /// Asserts that neither stream holds a secret value or anything shaped like an access token.
    pub fn assert_no_secret(&self, secrets: &[String]) {
        for text in [&self.stdout, &self.stderr] {
            assert_no_secret_in(text, secrets, "captured output");
        }
    }
}

/// Runs a command to the end and captures both streams.
pub fn run(command: &mut Command) -> Outcome {
    let output = command.output().unwrap();
    Outcome {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Fails when `text` holds one of `secrets` or a word shaped like a sandbox access token
/// (exactly 28 ASCII letters and digits with an upper-case letter: ids, hashes and paths never are).
pub fn assert_no_secret_in(text: &str, secrets: &[String], place: &str) {
    for secret in secrets {
        assert!(
            !secret.is_empty() && !text.contains(secret.as_str()),
            "a secret value appears in the {place}:\n{text}"
        );
    }
    for word in text.split(|c: char| !c.is_ascii_alphanumeric()) {
        let token_like = word.len() == 28 && word.bytes().any(|b| b.is_ascii_uppercase());
        assert!(
            !token_like,
            "an access token ({word}) appears in the {place}:\n{text}"
        );
    }
}

/// Every file under `dir`, recursively, checked for secret values and tokens.
pub fn assert_no_secret_in_dir(dir: &Path, secrets: &[String]) {
    for path in files_under(dir) {
        let bytes = std::fs::read(&path).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        assert_no_secret_in(&text, secrets, &format!("file {}", path.display()));
    }
}

/// Every file under `dir`, recursively.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return found;
    };
    for entry in entries {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(files_under(&path));
        } else {
            found.push(path);
        }
    }
    found
}

/// Lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// SHA-256 (hex) of a file.
pub fn sha_of(path: &Path) -> String {
    hex(&Sha256::digest(std::fs::read(path).unwrap()))
}

/// True when keychain tests may run; otherwise says why the test is skipped.
pub fn keychain_allowed() -> bool {
    if std::env::var("CCS_TEST_KEYCHAIN").as_deref() == Ok(KEYCHAIN_GATE) {
        true
    } else {
        eprintln!("skipped: needs the isolated keychain session of cargo xtask test");
        false
    }
}

/// A profile name no other test (in any test binary running now) uses: keychain entries are global.
pub fn unique_profile(stem: &str) -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    format!(
        "{stem}-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::SeqCst)
    )
}

/// A fresh temporary directory.
pub fn temp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

/// The names in a folder, sorted.
pub fn entries(folder: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}
