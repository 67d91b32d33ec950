//! `ccs sandbox`: the simulator on loopback, for trying `ccs` (and the app) without an Orange account.

use crate::args::SandboxArgs;
use crate::exit;
use crate::Context;
use ccs_core::CoreError;
use ccs_sandbox::{Sandbox, SandboxConfig};

/// Starts the sandbox, prints the `CCS_*` lines, serves until Ctrl-C.
pub async fn run(context: &Context, args: SandboxArgs) -> Result<u8, CoreError> {
    let config = SandboxConfig {
        port: args.port,
        seed: args.seed,
        documents_per_contract: args.documents,
        ..SandboxConfig::default()
    };
    let sandbox = Sandbox::start(config).await.map_err(|e| CoreError::Io {
        path: format!("127.0.0.1:{}", args.port).into(),
        source: std::io::Error::other(e.to_string()),
    })?;
    for line in sandbox.env_lines() {
        println!("{line}");
    }
    context
        .out
        .note("The sandbox is running; these CCS_* variables point ccs at it. Ctrl-C stops it.");
    let _ = tokio::signal::ctrl_c().await;
    sandbox.shutdown().await;
    Ok(exit::OK)
}
