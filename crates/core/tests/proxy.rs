//! A manual SOCKS5 proxy with a user name and password, end to end: the password kept in the
//! keychain (never in the settings file), the client's requests carried by a real SOCKS5 server
//! (Debian's `microsocks`, started here on loopback) to the sandbox.
//!
//! Runs where `microsocks` is installed (`cargo xtask test` installs it and fails the test without
//! it); elsewhere it says so and passes.
#![allow(clippy::unwrap_used)]

use ccs_api::{ApiErrorKind, Client, ClientConfig, Credentials};
use ccs_core::app_settings::{AppSettingsStore, Proxy, APP_SETTINGS_FILE};
use ccs_core::secrets::{Keychain, MemoryKeychain};
use ccs_sandbox::{Sandbox, SandboxConfig};
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// microsocks, stopped when dropped.
struct Socks(Child);

impl Drop for Socks {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts microsocks on loopback with a user and password, or `None` where it is not installed.
fn start_socks(user: &str, password: &str) -> Option<(Socks, u16)> {
    let port = free_port();
    let child = Command::new("microsocks")
        .args([
            "-i",
            "127.0.0.1",
            "-p",
            &port.to_string(),
            "-u",
            user,
            "-P",
            password,
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    let child = match child {
        Ok(child) => child,
        Err(error) => {
            assert!(
                std::env::var("CCS_TEST_KEYCHAIN").as_deref() != Ok("isolated"),
                "cargo xtask test installs microsocks, yet it could not be started: {error}"
            );
            eprintln!("skipped: microsocks is not installed ({error})");
            return None;
        }
    };
    let socks = Socks(child);
    let until = Instant::now() + Duration::from_secs(5);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < until, "microsocks did not start listening");
        std::thread::sleep(Duration::from_millis(20));
    }
    Some((socks, port))
}

#[tokio::test]
async fn a_socks5_proxy_with_a_password_from_the_keychain_carries_the_calls() {
    let Some((socks, port)) = start_socks("alice", "socks-pass-value") else {
        return;
    };
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let keychain = Keychain::with_backend(Arc::new(MemoryKeychain::default()));
    let settings = AppSettingsStore::new(dir.path(), keychain);
    let status = settings
        .set_proxy(Proxy::Manual {
            url: format!("socks5://alice:socks-pass-value@127.0.0.1:{port}"),
        })
        .unwrap();
    assert!(status.password_stored);
    let file = std::fs::read_to_string(dir.path().join(APP_SETTINGS_FILE)).unwrap();
    assert!(!file.contains("socks-pass-value"), "{file}");

    let client = |proxy| {
        let c = sandbox.credentials();
        Client::new(
            ClientConfig {
                api_base: sandbox.api_base_url(),
                oauth_base: sandbox.oauth_base_url(),
                proxy,
                keep_proxy_for_loopback: true,
                connect_timeout: Duration::from_secs(5),
                ..ClientConfig::default()
            },
            Credentials::new(&c.client_id, &c.client_secret, &c.api_key),
        )
        .unwrap()
    };
    let through_proxy = client(settings.proxy_setting().unwrap());
    let contracts = through_proxy.list_contracts().await.unwrap();
    assert_eq!(contracts.len(), sandbox.visible_contract_ids().len());

    // The proxy did carry them: a wrong password is refused by it, and with it gone nothing passes.
    let wrong = client(ccs_api::ProxySetting::Manual(format!(
        "socks5://alice:wrong@127.0.0.1:{port}"
    )));
    assert_eq!(
        wrong.list_contracts().await.unwrap_err().kind(),
        ApiErrorKind::Network
    );
    drop(socks);
    let gone = client(settings.proxy_setting().unwrap());
    assert_eq!(
        gone.list_contracts().await.unwrap_err().kind(),
        ApiErrorKind::Network
    );
}
