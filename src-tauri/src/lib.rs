//! The Customer Space desktop app: a thin Tauri shell over `ccs-core`.
//!
//! Why so thin: the rules (settings, keychain, downloads, validation) live in the core and behave the
//! same in `ccs`; this crate adds typed commands (tauri-specta), native dialogs, window state, a
//! single instance and logs in the OS log folder.

mod commands;
pub mod dto;
pub mod error;
mod state;

use state::AppState;
use tauri::Manager;
use tauri_specta::{collect_commands, collect_events, Builder};

include!("command_list.rs");

/// `collect_commands!` over the list of `command_list.rs`.
macro_rules! collect_app_commands {
    ($($module:ident :: $command:ident),* $(,)?) => {
        collect_commands![$(commands::$module::$command),*]
    };
}

/// Every command and event the UI may use; also what `ui/src/bindings.ts` is generated from.
pub fn specta_builder() -> Builder<tauri::Wry> {
    Builder::<tauri::Wry>::new()
        .commands(app_commands!(collect_app_commands))
        .events(collect_events![
            dto::BulkProgress,
            dto::SaveProgressEvent,
            dto::TokenState
        ])
        // The form rules, so the UI checks as the person types with the core's numbers and codes.
        .constant(
            "VALIDATION_LIMITS",
            ccs_core::validate::ValidationLimits::CURRENT,
        )
        .typ::<ccs_core::validate::Rule>()
}

/// Writes the TypeScript bindings (used by the freshness test and `cargo xtask bindings`).
pub fn export_bindings(path: &std::path::Path) -> Result<(), String> {
    specta_builder()
        .export(
            specta_typescript::Typescript::default().header("/* eslint-disable */\n// @ts-nocheck"),
            path,
        )
        .map_err(|e| e.to_string())
}

/// Logs go to the OS log folder, daily files; secrets never reach them (no layer logs one).
fn init_logging(app: &tauri::App) {
    let Ok(dir) = app.path().app_log_dir() else {
        return;
    };
    if std::fs::create_dir_all(&dir).is_err() {
        return;
    }
    let appender = tracing_appender::rolling::daily(dir, "customer-space.log");
    let filter = tracing_subscriber::EnvFilter::try_from_env("CCS_LOG").unwrap_or_else(|_| {
        tracing_subscriber::EnvFilter::new("info,hyper=warn,reqwest=warn,rustls=warn")
    });
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(appender)
        .try_init();
}

/// What the command line asked for: `--version`, `--demo` (open on the built-in sandbox),
/// `--demo-slow-body=BYTES_PER_SEC` (the demo sends files that slowly: how a large file on a slow
/// link looks, for trying and testing the save's progress and cancel), `--demo-cut-downloads=N`
/// (the demo's next N downloads stop half-way: how a failed document is reported and tried again),
/// `--demo-gateway-pages=N` (the demo's next N contract details are a gateway's HTML 502 page: how a
/// server error is told), `--demo-documents=N` and `--demo-document-size=BYTES` (a contract with
/// that many documents of that size: a year of invoices, for trying and measuring a large save),
/// `--jobs=N` (transfers at once in a bulk save, 1–64, like `ccs download --jobs`; core's
/// `DEFAULT_JOBS` when unset: the benchmark measures both programs at each setting).
struct LaunchOptions {
    demo: bool,
    demo_options: state::DemoOptions,
    bulk_jobs: usize,
}

fn launch_options() -> LaunchOptions {
    let mut options = LaunchOptions {
        demo: std::env::var("CCS_DEMO").as_deref() == Ok("1"),
        demo_options: state::DemoOptions::default(),
        bulk_jobs: ccs_core::bulk::DEFAULT_JOBS,
    };
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--version" | "-V" => {
                println!("customer-space {}", env!("CARGO_PKG_VERSION"));
                std::process::exit(0);
            }
            "--help" | "-h" => {
                println!("customer-space {}\n\nUsage: customer-space [--demo] [--version]\n  --demo     open on the built-in sandbox (demo data)\n  --version  print the version", env!("CARGO_PKG_VERSION"));
                std::process::exit(0);
            }
            "--demo" => options.demo = true,
            other => {
                if let Some(rate) = other.strip_prefix("--demo-slow-body=") {
                    options.demo_options.slow_body_bytes_per_sec = rate.parse().ok();
                } else if let Some(count) = other.strip_prefix("--demo-cut-downloads=") {
                    options.demo_options.cut_downloads = count.parse().unwrap_or(0);
                } else if let Some(count) = other.strip_prefix("--demo-gateway-pages=") {
                    options.demo_options.gateway_pages = count.parse().unwrap_or(0);
                } else if let Some(count) = other.strip_prefix("--demo-documents=") {
                    options.demo_options.documents = count.parse().ok();
                } else if let Some(bytes) = other.strip_prefix("--demo-document-size=") {
                    options.demo_options.document_size = bytes.parse().ok();
                } else if let Some(jobs) = other.strip_prefix("--jobs=") {
                    if let Some(jobs) = jobs.parse().ok().filter(|j| (1..=64).contains(j)) {
                        options.bulk_jobs = jobs;
                    }
                }
            }
        }
    }
    options
}

/// Runs the app.
pub fn run() {
    let options = launch_options();
    let state = match AppState::new(options.demo, options.demo_options, options.bulk_jobs) {
        Ok(state) => state,
        Err(error) => {
            eprintln!("customer-space: {}", error.message);
            std::process::exit(1);
        }
    };
    let builder = specta_builder();
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            if let Some(window) = app.get_webview_window("main") {
                let _ = window.unminimize();
                let _ = window.set_focus();
            }
        }))
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_opener::init())
        .manage(state)
        .invoke_handler(builder.invoke_handler())
        .setup(move |app| {
            init_logging(app);
            builder.mount_events(app);
            // With --demo the page's first question (`open_start_profile`) starts the sandbox, off
            // the main thread: nothing here may wait, the main thread is about to draw the window.
            // Saves killed with the app last time may have left `.part` files: cleaned aside.
            let handle = app.handle().clone();
            tauri::async_runtime::spawn_blocking(move || {
                let removed = handle.state::<AppState>().app_settings.clean_save_folders();
                if !removed.is_empty() {
                    tracing::info!(
                        files = removed.len(),
                        "removed the temporary files of interrupted saves"
                    );
                }
            });
            tracing::info!(
                version = env!("CARGO_PKG_VERSION"),
                "Customer Space started"
            );
            Ok(())
        })
        .run(tauri::generate_context!());
    if let Err(error) = result {
        eprintln!("customer-space: {error}");
        std::process::exit(1);
    }
}
