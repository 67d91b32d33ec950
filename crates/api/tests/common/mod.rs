//! Shared set-up for the client ↔ sandbox tests: a real sandbox on loopback, a real client.
#![allow(dead_code, missing_docs, clippy::unwrap_used)]

use ccs_api::{Client, ClientConfig, Credentials, ManualClock, RetryPolicy};
use ccs_sandbox::{Sandbox, SandboxConfig, SandboxHandle};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

pub async fn sandbox() -> SandboxHandle {
    sandbox_with(SandboxConfig::default()).await
}

pub async fn sandbox_with(config: SandboxConfig) -> SandboxHandle {
    Sandbox::start(config).await.expect("the sandbox starts")
}

pub fn config_for(sandbox: &SandboxHandle) -> ClientConfig {
    ClientConfig {
        api_base: sandbox.api_base_url(),
        oauth_base: sandbox.oauth_base_url(),
        request_timeout: Duration::from_secs(10),
        ..ClientConfig::default()
    }
}

pub fn credentials_for(sandbox: &SandboxHandle) -> Credentials {
    let c = sandbox.credentials();
    Credentials::new(&c.client_id, &c.client_secret, &c.api_key)
}

/// A client on a manual clock: back-off waits are recorded instead of slept.
pub fn client_for(sandbox: &SandboxHandle) -> (Client, Arc<ManualClock>) {
    client_with(sandbox, config_for(sandbox), credentials_for(sandbox))
}

pub fn client_with(
    _sandbox: &SandboxHandle,
    config: ClientConfig,
    credentials: Credentials,
) -> (Client, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(SystemTime::now()));
    let client = Client::with_clock(config, credentials, clock.clone()).expect("a valid client");
    (client, clock)
}

pub fn retry(max_attempts: u32) -> RetryPolicy {
    RetryPolicy {
        max_attempts,
        ..RetryPolicy::default()
    }
}

pub fn first_contract(sandbox: &SandboxHandle) -> ccs_api::ContractId {
    ccs_api::ContractId::parse(&sandbox.visible_contract_ids()[0]).expect("a valid contract id")
}

/// A bare HTTP/1.1 server on loopback for answers the sandbox never gives (a captive portal's HTML, a
/// server echoing headers back). `answer` gets the raw request head and returns the raw response.
pub async fn raw_server(answer: fn(&str) -> String) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buffer = vec![0u8; 16 * 1024];
                let mut read = 0;
                loop {
                    let Ok(n) = socket.read(&mut buffer[read..]).await else {
                        return;
                    };
                    if n == 0 {
                        return;
                    }
                    read += n;
                    let text = String::from_utf8_lossy(&buffer[..read]).to_string();
                    if let Some(head_end) = text.find("\r\n\r\n") {
                        let length = text[..head_end]
                            .lines()
                            .find_map(|l| {
                                l.to_ascii_lowercase()
                                    .strip_prefix("content-length:")
                                    .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                            })
                            .unwrap_or(0);
                        if read >= head_end + 4 + length {
                            let response = answer(&text);
                            let _ = socket.write_all(response.as_bytes()).await;
                            let _ = socket.shutdown().await;
                            return;
                        }
                    }
                }
            });
        }
    });
    format!("http://{address}")
}

/// A raw response with a body.
pub fn http_response(status: &str, content_type: &str, body: &str) -> String {
    format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
}
