//! The `ccs-sandbox` process a scenario starts, asks with curl, and stops.
//!
//! Why a process and not the library: the bench measures what a user runs, over real loopback HTTP,
//! and a sandbox inside xtask would share its CPU with the measurement differently. Each scenario
//! starts its own (a free port of 127.0.0.1, the `CCS_*` lines it prints) and [`Sandbox`]'s `Drop`
//! kills it, also when the scenario fails half-way.

use super::files::write;
use super::parse;
use super::programs::output_of;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// A document as the list gives it (what the bench needs of it).
#[derive(Debug, Clone)]
pub(super) struct Doc {
    /// The document's id in the API.
    pub(super) id: String,
    /// Its listed file name (empty when absent).
    pub(super) filename: String,
    /// Its listed size in bytes, when given.
    pub(super) size: Option<u64>,
}

/// A running `ccs-sandbox`; killed when dropped.
pub(super) struct Sandbox {
    child: Child,
    env: BTreeMap<String, String>,
}

impl Sandbox {
    /// Starts it on a free port of 127.0.0.1 and reads the `CCS_*` lines it prints.
    pub(super) fn start(binary: &Path, args: &[&str], log: &Path) -> Result<Self, String> {
        let log_file = std::fs::File::create(log)
            .map_err(|e| format!("could not create {}: {e}", log.display()))?;
        let mut child = Command::new(binary)
            .args(["--port", "0"])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(log_file)
            .spawn()
            .map_err(|e| format!("could not start {}: {e}", binary.display()))?;
        let stdout = child.stdout.take().ok_or("no sandbox stdout")?;
        let (send, receive) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if send.send(line).is_err() {
                    break;
                }
            }
        });
        let mut sandbox = Self {
            child,
            env: BTreeMap::new(),
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        while !sandbox.env.contains_key("CCS_CONTRACT") {
            let left = deadline.saturating_duration_since(Instant::now());
            match receive.recv_timeout(left) {
                Ok(line) => {
                    if let Some((key, value)) = line.split_once('=') {
                        sandbox.env.insert(key.to_owned(), value.to_owned());
                    }
                }
                Err(_) => {
                    return Err(format!(
                        "the sandbox printed no CCS_CONTRACT within 60 s (log: {})",
                        log.display()
                    ))
                }
            }
        }
        check_printed(&sandbox.env)?;
        Ok(sandbox)
    }

    /// One of the printed `CCS_*` values, empty when it was not printed.
    pub(super) fn get(&self, key: &str) -> &str {
        self.env.get(key).map_or("", String::as_str)
    }

    /// The API base (`CCS_HOST`).
    pub(super) fn api(&self) -> &str {
        self.get("CCS_HOST")
    }

    /// The URL of one document's file.
    pub(super) fn file_url(&self, id: &str) -> String {
        format!("{}/documents/{id}/file", self.api())
    }

    /// The environment `ccs` and the curl scripts run with: the sandbox's `CCS_*`, a private HOME.
    pub(super) fn client_env(&self, home: &Path) -> Vec<(String, String)> {
        let mut env: Vec<(String, String)> = self
            .env
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let home = home.display().to_string();
        env.push(("HOME".into(), home.clone()));
        env.push(("XDG_CONFIG_HOME".into(), format!("{home}/.config")));
        env.push(("XDG_DATA_HOME".into(), format!("{home}/.local/share")));
        env.push(("XDG_CACHE_HOME".into(), format!("{home}/.cache")));
        env.push(("NO_PROXY".into(), "127.0.0.1,localhost".into()));
        env.push(("no_proxy".into(), "127.0.0.1,localhost".into()));
        env
    }

    /// A token, with curl.
    pub(super) fn token(&self) -> Result<String, String> {
        let user = format!(
            "{}:{}",
            self.get("CCS_CLIENT_ID"),
            self.get("CCS_CLIENT_SECRET")
        );
        let url = format!("{}/token", self.get("CCS_OAUTH_HOST"));
        let text = output_of(
            Command::new("curl").args([
                "-sS",
                "--fail",
                "-u",
                &user,
                "-d",
                "grant_type=client_credentials",
                &url,
            ]),
            &[],
            Duration::from_secs(60),
        )?;
        parse::access_token(&text)
    }

    /// The contract's newest `limit` documents, with curl.
    pub(super) fn list(&self, token: &str, limit: u32) -> Result<Vec<Doc>, String> {
        let url = format!("{}/documents?documentType=&limit={limit}", self.api());
        let text = output_of(
            Command::new("curl")
                .args(["-sS", "--fail"])
                .args(
                    self.header_lines(token)
                        .iter()
                        .flat_map(|h| ["-H".to_owned(), h.clone()]),
                )
                .arg(&url),
            &[],
            Duration::from_secs(120),
        )?;
        parse::documents(&text)
    }

    /// The headers of every resource request (the curl baselines and wrk send the same).
    pub(super) fn header_lines(&self, token: &str) -> Vec<String> {
        vec![
            format!("Authorization: Bearer {token}"),
            format!("X-API-Key: {}", self.get("CCS_API_KEY")),
            format!("X-ECCS-Contract-Id: {}", self.get("CCS_CONTRACT")),
        ]
    }

    /// The request headers in a file for `curl -H @file` (the same for every curl baseline).
    pub(super) fn headers_file(&self, token: &str, folder: &Path) -> Result<PathBuf, String> {
        std::fs::create_dir_all(folder)
            .map_err(|e| format!("could not create {}: {e}", folder.display()))?;
        let path = folder.join("headers.txt");
        write(&path, &(self.header_lines(token).join("\n") + "\n"))?;
        Ok(path)
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Checks what the sandbox printed: every variable a client needs, and hosts on loopback only (the
/// bench must never reach a real API).
fn check_printed(env: &BTreeMap<String, String>) -> Result<(), String> {
    for key in [
        "CCS_HOST",
        "CCS_OAUTH_HOST",
        "CCS_CLIENT_ID",
        "CCS_CLIENT_SECRET",
        "CCS_API_KEY",
    ] {
        let value = env.get(key).map_or("", String::as_str);
        if value.is_empty() {
            return Err(format!("the sandbox printed no {key}"));
        }
        if key.ends_with("HOST") && !value.starts_with("http://127.0.0.1:") {
            return Err(format!("the sandbox is not on loopback: {key}={value}"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn printed(host: &str) -> BTreeMap<String, String> {
        [
            ("CCS_HOST", host),
            ("CCS_OAUTH_HOST", "http://127.0.0.1:4000/oauth/v3"),
            ("CCS_CLIENT_ID", "id"),
            ("CCS_CLIENT_SECRET", "secret"),
            ("CCS_API_KEY", "key"),
            ("CCS_CONTRACT", "OCB0000001"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
    }

    #[test]
    fn a_sandbox_on_loopback_with_every_variable_is_accepted() {
        assert_eq!(
            check_printed(&printed("http://127.0.0.1:4000/cloud/b2b/v1")),
            Ok(())
        );
    }

    #[test]
    fn a_host_off_loopback_or_a_missing_variable_is_refused() {
        assert_eq!(
            check_printed(&printed("https://api.example.com/cloud/b2b/v1")),
            Err(
                "the sandbox is not on loopback: CCS_HOST=https://api.example.com/cloud/b2b/v1"
                    .into()
            )
        );
        let mut env = printed("http://127.0.0.1:4000/cloud/b2b/v1");
        env.remove("CCS_API_KEY");
        assert_eq!(
            check_printed(&env),
            Err("the sandbox printed no CCS_API_KEY".into())
        );
    }
}
