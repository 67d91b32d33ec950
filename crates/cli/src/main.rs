//! `ccs`: the command-line twin of Customer Space.
//!
//! Why so thin: every behaviour (settings order, keychain, downloads, validation) lives in `ccs-core`
//! so that the desktop app behaves the same; this binary parses flags, calls the core and prints.

mod args;
mod commands;
mod exit;
mod output;
mod prompt;

use args::{Cli, Command};
use ccs_core::profiles::ProfileStore;
use ccs_core::secrets::Keychain;
use ccs_core::settings::{EnvSettings, Overrides};
use ccs_core::CoreError;
use clap::Parser;
use output::Output;
use std::process::ExitCode;

/// What every command gets: the flags, where profiles and secrets live, and how to print.
pub struct Context {
    /// Global flags.
    pub global: args::Global,
    /// The profiles file.
    pub store: ProfileStore,
    /// The OS keychain.
    pub keychain: Keychain,
    /// `CCS_*` variables.
    pub env: EnvSettings,
    /// Output mode.
    pub out: Output,
}

impl Context {
    /// The flags that override settings.
    pub fn overrides(&self) -> Overrides {
        Overrides {
            profile: self.global.profile.clone(),
            host: self.global.host.clone(),
            oauth_host: self.global.oauth_host.clone(),
            contract: self.global.contract.clone(),
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.global.verbose);
    let out = Output {
        json: cli.global.json,
        quiet: cli.global.quiet,
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: could not start: {error}");
            return ExitCode::from(exit::UNAVAILABLE);
        }
    };
    let code = runtime.block_on(async move {
        let store = match ProfileStore::open_default() {
            Ok(store) => store,
            Err(error) => return report(&error, out),
        };
        let context = Context {
            global: cli.global,
            store,
            keychain: Keychain::os(),
            env: EnvSettings::from_process(),
            out,
        };
        match run(&context, cli.command).await {
            Ok(code) => code,
            Err(error) => report(&error, out),
        }
    });
    ExitCode::from(code)
}

/// Runs one command; `Ok` carries the exit code (downloads may end with 6 or 130).
async fn run(context: &Context, command: Command) -> Result<u8, CoreError> {
    match command {
        Command::Profile(command) => commands::profile::run(context, command).await,
        Command::Auth(args::AuthCommand::Check) => commands::query::auth_check(context).await,
        Command::Contracts => commands::query::contracts(context).await,
        Command::Contract(args::ContractCommand::Show) => {
            commands::query::contract_show(context).await
        }
        Command::Contract(args::ContractCommand::Create(new)) => {
            commands::create::contract(context, *new).await
        }
        Command::Documents(documents) => commands::query::documents(context, documents).await,
        Command::Download(download) => commands::download::run(context, download).await,
        Command::User(args::UserCommand::Create(new)) => commands::create::user(context, new).await,
        Command::Sandbox(sandbox) => commands::sandbox::run(context, sandbox).await,
        Command::Spend(spend) => commands::spend::spend(context, spend).await,
        Command::Cache(cache) => commands::spend::cache(context, cache),
    }
}

/// Prints an error as one sentence on stderr (and as JSON on stdout with `--json`); returns its code.
fn report(error: &CoreError, out: Output) -> u8 {
    if let CoreError::Io { source, .. } = error {
        if source.kind() == std::io::ErrorKind::BrokenPipe {
            // The reader went away (`ccs documents | head`): not an error worth a message.
            return exit::OK;
        }
    }
    // An error may quote a server's words: no control character reaches the terminal.
    eprintln!(
        "error: {}",
        output::sanitize_for_terminal(&error.to_string())
    );
    if out.json {
        let _ = output::print_json(&serde_json::json!({ "error": error }));
    }
    exit::code_for(error)
}

/// Logs go to stderr; the level grows with -v. No secret is ever logged by the layers below.
fn init_logging(verbose: u8) {
    let level = match verbose {
        0 => "warn",
        1 => "info",
        _ => "debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("CCS_LOG").unwrap_or_else(|_| {
        tracing_subscriber::EnvFilter::new(format!("{level},hyper=warn,reqwest=warn,rustls=warn"))
    });
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
