//! Token single flight under load: N concurrent calls on one client whose token has just expired,
//! against a sandbox on loopback, counting the token requests the sandbox received.
//!
//! Why an example: `cargo xtask bench` runs it (row "token single flight") and checks that the answer
//! is exactly one token request per phase. Two phases:
//!
//! - `client_expiry`: the client's clock reaches the token's expiry, then N calls start at once;
//! - `server_expiry`: the server forgets every token (as after a restart), the N calls each get a 401
//!   and must share one refresh.
//!
//! ```sh
//! cargo run -p ccs-api --example token_single_flight -- --calls 200
//! ```
//!
//! Prints one JSON object on stdout; exits 1 when a call failed (the counts are printed anyway).

use ccs_api::{Client, ClientConfig, Credentials, ManualClock};
use ccs_sandbox::{Route, Sandbox, SandboxConfig, SandboxHandle};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// What one phase measured.
struct Phase {
    calls: usize,
    ok: usize,
    token_requests: u64,
    contracts_requests: u64,
    elapsed: Duration,
}

impl Phase {
    fn json(&self, name: &str) -> String {
        format!(
            "\"{name}\":{{\"calls\":{},\"ok\":{},\"token_requests\":{},\"contracts_requests\":{},\"elapsed_ms\":{:.1}}}",
            self.calls,
            self.ok,
            self.token_requests,
            self.contracts_requests,
            self.elapsed.as_secs_f64() * 1000.0
        )
    }
}

/// Starts N `list_contracts` at once and counts what the sandbox saw.
async fn burst(client: &Arc<Client>, sandbox: &SandboxHandle, calls: usize) -> Phase {
    sandbox.reset_counters();
    let started = Instant::now();
    let tasks: Vec<_> = (0..calls)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.list_contracts().await })
        })
        .collect();
    let mut ok = 0;
    for task in tasks {
        match task.await {
            Ok(Ok(_)) => ok += 1,
            Ok(Err(error)) => eprintln!("token_single_flight: a call failed: {error}"),
            Err(error) => eprintln!("token_single_flight: a task failed: {error}"),
        }
    }
    Phase {
        calls,
        ok,
        token_requests: sandbox.request_count(Route::Token),
        contracts_requests: sandbox.request_count(Route::Contracts),
        elapsed: started.elapsed(),
    }
}

fn calls_from_args() -> Result<usize, BoxError> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [] => Ok(200),
        [flag, n] if flag == "--calls" => {
            let n: usize = n.parse()?;
            if (1..=10_000).contains(&n) {
                Ok(n)
            } else {
                Err("--calls must be between 1 and 10000".into())
            }
        }
        _ => Err("usage: token_single_flight [--calls N]".into()),
    }
}

#[tokio::main]
async fn main() -> Result<std::process::ExitCode, BoxError> {
    let calls = calls_from_args()?;
    let sandbox = Sandbox::start(SandboxConfig::default()).await?;
    let credentials = sandbox.credentials();
    let config = ClientConfig {
        api_base: sandbox.api_base_url(),
        oauth_base: sandbox.oauth_base_url(),
        proxy: ccs_api::ProxySetting::None,
        ..ClientConfig::default()
    };
    let clock = Arc::new(ManualClock::new(SystemTime::now()));
    let client = Arc::new(Client::with_clock(
        config,
        Credentials::new(
            &credentials.client_id,
            &credentials.client_secret,
            &credentials.api_key,
        ),
        clock.clone(),
    )?);
    // A first call takes the token; its life is one hour (the sandbox's default).
    client.list_contracts().await?;
    clock.advance(Duration::from_secs(3600));
    let client_expiry = burst(&client, &sandbox, calls).await;
    sandbox.revoke_tokens();
    let server_expiry = burst(&client, &sandbox, calls).await;
    println!(
        "{{{},{}}}",
        client_expiry.json("client_expiry"),
        server_expiry.json("server_expiry")
    );
    sandbox.shutdown().await;
    let all_ok = client_expiry.ok == calls && server_expiry.ok == calls;
    Ok(if all_ok {
        std::process::ExitCode::SUCCESS
    } else {
        std::process::ExitCode::FAILURE
    })
}
