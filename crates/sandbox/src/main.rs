//! `ccs-sandbox`: runs the Cloud Customer Space simulator on 127.0.0.1 and prints the
//! environment a client needs (`KEY=VALUE` lines), then serves until Ctrl-C.

use std::time::Duration;

use ccs_sandbox::{FaultConfig, Sandbox, SandboxConfig, SandboxCredentials, TokenBodyFault};
use clap::Parser;

/// Command-line flags; each maps to one field of `SandboxConfig`.
#[derive(Debug, Parser)]
#[command(
    name = "ccs-sandbox",
    version,
    about = "Local simulator of the Cloud Customer Space API"
)]
struct Args {
    /// Port on 127.0.0.1 (0 = a free port).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Seed of the generated data.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Exactly N documents per contract with documents (default: the natural set).
    #[arg(long = "documents", value_name = "N")]
    documents: Option<u32>,
    /// Every document's exact size in bytes (raised to the format's minimum).
    #[arg(long, value_name = "BYTES")]
    document_size: Option<u64>,
    /// Adds one streamed consumption report of this size to the first contract.
    #[arg(long, value_name = "BYTES")]
    big_document: Option<u64>,
    /// Adds invoices with hostile file names to the first contract.
    #[arg(long)]
    hostile_names: bool,
    /// Token lifetime in seconds.
    #[arg(long, value_name = "S", default_value_t = 3600)]
    token_ttl: u64,
    /// Probability of a 429 (code 53) per resource request.
    #[arg(long = "rate-429", value_name = "P", default_value_t = 0.0)]
    rate_429: f64,
    /// Probability of a 500/503 per resource request.
    #[arg(long = "rate-5xx", value_name = "P", default_value_t = 0.0)]
    rate_5xx: f64,
    /// Latency added to every request, in milliseconds.
    #[arg(long, value_name = "N", default_value_t = 0)]
    latency_ms: u64,
    /// A document id whose download is cut after half its bytes.
    #[arg(long, value_name = "ID")]
    cut_download: Option<String>,
    /// Throttles downloads to this many bytes per second.
    #[arg(long, value_name = "BYTES_PER_SEC")]
    slow_body: Option<u64>,
    /// Enforces Orange's 50 token requests per minute.
    #[arg(long)]
    token_rate_limit: bool,
    /// Token answers in an odd but plausible form (the token still works).
    #[arg(long, value_enum, value_name = "FORM")]
    token_body: Option<TokenBody>,
    /// One list row's amount as a text with a decimal comma, another row without size.
    #[arg(long)]
    odd_list_rows: bool,
    /// Lists answer 200 with an object without a `documents` key.
    #[arg(long)]
    list_without_documents: bool,
    /// Throttles document lists to this many bytes per second.
    #[arg(long, value_name = "BYTES_PER_SEC")]
    slow_list: Option<u64>,
    /// Document lists send this many bytes, then stop sending without closing (for 60 s).
    #[arg(long, value_name = "BYTES")]
    stall_list: Option<u64>,
    /// Fixed OAuth client id (random otherwise; all three must be given together).
    #[arg(long, requires_all = ["client_secret", "api_key"])]
    client_id: Option<String>,
    /// Fixed OAuth client secret.
    #[arg(long, requires_all = ["client_id", "api_key"])]
    client_secret: Option<String>,
    /// Fixed API key.
    #[arg(long, requires_all = ["client_id", "client_secret"])]
    api_key: Option<String>,
}

/// `--token-body` values.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum TokenBody {
    /// Form-encoded instead of JSON.
    NotJson,
    /// No `expires_in`.
    NoExpiresIn,
    /// `expires_in` of 2^64 - 1 seconds.
    HugeExpiresIn,
    /// `expires_in` of -3600.
    NegativeExpiresIn,
}

impl TokenBody {
    fn fault(self) -> TokenBodyFault {
        match self {
            TokenBody::NotJson => TokenBodyFault::NotJson,
            TokenBody::NoExpiresIn => TokenBodyFault::NoExpiresIn,
            TokenBody::HugeExpiresIn => TokenBodyFault::HugeExpiresIn,
            TokenBody::NegativeExpiresIn => TokenBodyFault::NegativeExpiresIn,
        }
    }
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args = Args::parse();
    let credentials = match (args.client_id, args.client_secret, args.api_key) {
        (Some(client_id), Some(client_secret), Some(api_key)) => Some(SandboxCredentials {
            client_id,
            client_secret,
            api_key,
        }),
        _ => None,
    };
    let config = SandboxConfig {
        port: args.port,
        seed: args.seed,
        documents_per_contract: args.documents,
        document_size: args.document_size,
        big_document: args.big_document,
        hostile_names: args.hostile_names,
        token_ttl: Duration::from_secs(args.token_ttl),
        credentials,
        faults: FaultConfig {
            rate_429: args.rate_429,
            rate_5xx: args.rate_5xx,
            latency: Duration::from_millis(args.latency_ms),
            cut_download: args.cut_download,
            slow_body_bytes_per_sec: args.slow_body,
            token_rate_limit: args.token_rate_limit,
            token_body: args.token_body.map(TokenBody::fault),
            odd_list_rows: args.odd_list_rows,
            list_without_documents: args.list_without_documents,
            slow_list_bytes_per_sec: args.slow_list,
            stall_list_after_bytes: args.stall_list,
        },
        ..SandboxConfig::default()
    };
    let sandbox = match Sandbox::start(config).await {
        Ok(sandbox) => sandbox,
        Err(error) => {
            eprintln!("ccs-sandbox: {error}");
            return std::process::ExitCode::FAILURE;
        }
    };
    for line in sandbox.env_lines() {
        println!("{line}");
    }
    if let Err(error) = tokio::signal::ctrl_c().await {
        eprintln!("ccs-sandbox: cannot wait for Ctrl-C: {error}");
    }
    sandbox.shutdown().await;
    std::process::ExitCode::SUCCESS
}
