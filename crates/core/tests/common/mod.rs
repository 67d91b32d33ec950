//! What the core's integration tests share: a client for a sandbox, a folder's names.
#![allow(clippy::unwrap_used)] // a test that fails should panic with the error
#![allow(dead_code)] // each test file uses a different part of these helpers

use ccs_api::{Client, ClientConfig, Credentials};
use ccs_sandbox::SandboxHandle;
use std::path::Path;
use std::time::Duration;

/// A client of `sandbox` with its credentials (a 10 s cap on the token call).
pub fn client_for(sandbox: &SandboxHandle) -> Client {
    let c = sandbox.credentials();
    Client::new(
        ClientConfig {
            api_base: sandbox.api_base_url(),
            oauth_base: sandbox.oauth_base_url(),
            request_timeout: Duration::from_secs(10),
            ..ClientConfig::default()
        },
        Credentials::new(&c.client_id, &c.client_secret, &c.api_key),
    )
    .unwrap()
}

/// The names in a folder, sorted.
pub fn sorted_names(folder: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}
