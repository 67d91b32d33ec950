//! Connecting: a profile, or the built-in sandbox; the credentials check; settings; diagnostics.

use super::track;
use crate::dto::{AuthCheckView, ConnectionView, ProxyChoice, SettingsView, StartView};
use crate::error::{AppError, AppResult};
use crate::state::{Active, AppState};
use ccs_api::{Client, ClientConfig, Credentials, SecretString};
use ccs_core::app_settings::Proxy;
use ccs_core::profile_edit;
use ccs_core::profiles::{Profile, DEMO_PROFILE};
use ccs_core::secrets::SecretKind;
use ccs_core::settings::{resolve, EnvSettings, Overrides};
use ccs_core::ErrorCode;
use ccs_sandbox::{Fault, FaultConfig, GatewayStyle, Route, Sandbox, SandboxConfig};
use std::sync::Arc;
use tauri::{AppHandle, Manager, State};

fn connection_view(active: &Active) -> ConnectionView {
    ConnectionView {
        profile: active.profile.clone(),
        host: active.host.clone(),
        sandbox: active.sandbox,
    }
}

/// Builds the client of a profile (secrets from the keychain) and makes it active.
fn activate(state: &AppState, profile: &str) -> AppResult<Arc<Active>> {
    let overrides = Overrides {
        profile: Some(profile.to_owned()),
        ..Overrides::default()
    };
    // The app reads only the profile: apps started from a menu have no CCS_* environment anyway.
    let connection = resolve(
        &state.store,
        &state.keychain,
        &overrides,
        &EnvSettings::default(),
    )?;
    let config = ClientConfig {
        api_base: connection.api_base.clone(),
        oauth_base: connection.oauth_base.clone(),
        proxy: state.app_settings.proxy_setting()?,
        ..ClientConfig::default()
    };
    let client = Client::new(config, connection.credentials)?;
    Ok(state.set_active(Active {
        profile: profile.to_owned(),
        host: connection.api_base,
        sandbox: profile == DEMO_PROFILE,
        client: Arc::new(client),
    }))
}

/// Selects a profile for this window (its secrets are read from the keychain off the main thread).
#[tauri::command]
#[specta::specta]
pub async fn connect(app: AppHandle, profile: String) -> AppResult<ConnectionView> {
    super::off_main_thread(&app, move |state| {
        activate(state, &profile).map(|a| connection_view(&a))
    })
    .await
}

/// Where the app opens, in one round trip: the window's connection if it has one, else the default
/// profile (or the only one) connected with its keychain secrets. Why one command: at start the page
/// would otherwise ask in turn for the connection, the profiles and a connect, each waiting for the
/// one before (docs/benchmarks.md, GUI cold start).
#[tauri::command]
#[specta::specta]
pub async fn open_start_profile(app: AppHandle) -> AppResult<StartView> {
    let state = app.state::<AppState>();
    if state.demo_launch() && state.active_opt().is_none() {
        // `--demo`: the sandbox starts now, on the async runtime (never blocking the main thread).
        let connection = track(&state, start(&state).await)?;
        let active = state.active()?;
        let listed = super::data::contracts_of(&active).await;
        super::emit_token_state(&app, &active, &listed).await;
        return Ok(StartView::Connected {
            connection,
            contracts: listed.ok(),
        });
    }
    // The keychain is read off the main thread, which at this moment also shows the window.
    match super::off_main_thread(&app, start_view).await? {
        StartStep::Answer(view) => Ok(view),
        // A profile just connected: its contracts come with this answer, saving the page a second
        // command (each first call of a command costs a CORS preflight on Linux; docs/benchmarks.md).
        StartStep::Connected(active) => {
            let listed = super::data::contracts_of(&active).await;
            super::emit_token_state(&app, &active, &listed).await;
            Ok(StartView::Connected {
                connection: connection_view(&active),
                contracts: listed.ok(),
            })
        }
    }
}

/// What the start needs next: an answer as it is, or the contracts of the profile just connected.
enum StartStep {
    Answer(StartView),
    Connected(Arc<Active>),
}

fn start_view(state: &AppState) -> AppResult<StartStep> {
    if let Some(active) = state.active_opt() {
        return Ok(StartStep::Answer(StartView::Connected {
            connection: connection_view(&active),
            contracts: None,
        }));
    }
    // Before reading the profiles: an old demo profile that was the default becomes the demo's.
    profile_edit::migrate_old_demo(&state.store, &state.keychain)?;
    let profiles = state.store.list()?;
    let chosen = state
        .store
        .default_name()?
        .filter(|name| profiles.iter().any(|p| &p.name == name))
        .or_else(|| match profiles.as_slice() {
            [only] => Some(only.name.clone()),
            _ => None,
        });
    Ok(match chosen {
        None => StartStep::Answer(StartView::Choose {
            has_profiles: !profiles.is_empty(),
        }),
        Some(name) if name == DEMO_PROFILE => StartStep::Answer(StartView::Sandbox),
        Some(name) => StartStep::Connected(activate(state, &name)?),
    })
}

/// Starts the sandbox in this process (once), refreshes the Sandbox profile and connects to it.
#[tauri::command]
#[specta::specta]
pub async fn start_sandbox(state: State<'_, AppState>) -> AppResult<ConnectionView> {
    let result = start(&state).await;
    track(&state, result)
}

/// Starts (once) the in-process sandbox and connects to it; also used by `--demo`.
pub async fn start(state: &AppState) -> AppResult<ConnectionView> {
    let mut slot = state.sandbox().lock().await;
    if slot.is_none() {
        let knobs = state.demo_options();
        let config = SandboxConfig {
            documents_per_contract: knobs.documents,
            document_size: knobs.document_size,
            faults: FaultConfig {
                slow_body_bytes_per_sec: knobs.slow_body_bytes_per_sec,
                ..FaultConfig::default()
            },
            ..SandboxConfig::default()
        };
        let handle = Sandbox::start(config)
            .await
            .map_err(|e| AppError::new(ErrorCode::Sandbox, e.to_string()))?;
        if knobs.cut_downloads > 0 {
            handle.inject(
                Route::DocumentFile,
                Fault::CutBody { after_bytes: 100 },
                knobs.cut_downloads,
            );
        }
        if knobs.gateway_pages > 0 {
            let page = Fault::GatewayPage {
                http: 502,
                style: GatewayStyle::NginxHtml,
            };
            handle.inject(Route::Contract, page, knobs.gateway_pages);
        }
        *slot = Some(handle);
    }
    let Some(handle) = slot.as_ref() else {
        return Err(AppError::new(
            ErrorCode::Sandbox,
            "the sandbox did not start",
        ));
    };
    let credentials = handle.credentials().clone();
    profile_edit::migrate_old_demo(&state.store, &state.keychain)?;
    let profile = Profile {
        name: DEMO_PROFILE.to_owned(),
        host: Some(handle.api_base_url()),
        oauth_host: Some(handle.oauth_base_url()),
        client_id: Some(credentials.client_id.clone()),
        default_contract: handle
            .visible_contract_ids()
            .first()
            .map(|c| ccs_api::ContractId::from_server(c.as_str())),
    };
    // The demo's profile, under its reserved name (never a user's profile), is refreshed with this
    // start's port and credentials, so `ccs --profile Demo` works while the app runs. Without a
    // keychain the demo still works from memory.
    state.store.put_demo(&profile)?;
    let stored = state
        .keychain
        .set(
            DEMO_PROFILE,
            SecretKind::ClientSecret,
            &SecretString::from(credentials.client_secret.clone()),
        )
        .and_then(|()| {
            state.keychain.set(
                DEMO_PROFILE,
                SecretKind::ApiKey,
                &SecretString::from(credentials.api_key.clone()),
            )
        });
    if let Err(error) = stored {
        tracing::warn!(%error, "the demo's credentials could not be kept in the keychain");
    }
    let config = ClientConfig {
        api_base: handle.api_base_url(),
        oauth_base: handle.oauth_base_url(),
        ..ClientConfig::default()
    };
    let client = Client::new(
        config,
        Credentials::new(
            &credentials.client_id,
            &credentials.client_secret,
            &credentials.api_key,
        ),
    )?;
    let active = state.set_active(Active {
        profile: DEMO_PROFILE.to_owned(),
        host: handle.api_base_url(),
        sandbox: true,
        client: Arc::new(client),
    });
    Ok(connection_view(&active))
}

/// Gets a token and lists contracts: proves the client secret and the API key.
#[tauri::command]
#[specta::specta]
pub async fn auth_check(app: AppHandle, state: State<'_, AppState>) -> AppResult<AuthCheckView> {
    let active = track(&state, state.active())?;
    let result = async {
        let token = active.client.ensure_token().await?;
        let contracts = active.client.list_contracts().await?;
        Ok(AuthCheckView {
            token_lifetime_seconds: u32::try_from(token.lifetime.as_secs()).unwrap_or(u32::MAX),
            contracts: u32::try_from(contracts.len()).unwrap_or(u32::MAX),
        })
    }
    .await;
    super::emit_token_state(&app, &active, &result).await;
    track(&state, result)
}

/// The app's settings (the file and the keychain are read off the main thread).
#[tauri::command]
#[specta::specta]
pub async fn get_settings(app: AppHandle) -> AppResult<SettingsView> {
    super::off_main_thread(&app, |state| Ok(state.app_settings.proxy()?.into())).await
}

/// Changes the proxy (a password in a manual URL goes to the keychain); the active connection is
/// rebuilt with it. Off the main thread: it writes a file and talks to the keychain.
#[tauri::command]
#[specta::specta]
pub async fn set_proxy(app: AppHandle, proxy: ProxyChoice) -> AppResult<SettingsView> {
    super::off_main_thread(&app, move |state| {
        let status = state.app_settings.set_proxy(proxy.into())?;
        if let Some(active) = state.active_opt().filter(|a| !a.sandbox) {
            activate(state, &active.profile)?;
        }
        Ok(status.into())
    })
    .await
}

/// A support report: versions, OS, connection, recent errors with request ids. No secret.
#[tauri::command]
#[specta::specta]
pub async fn diagnostics(app: AppHandle) -> AppResult<String> {
    let paths = app.clone();
    super::off_main_thread(&app, move |state| Ok(report(&paths, state))).await
}

fn report(app: &AppHandle, state: &AppState) -> String {
    let mut report = String::new();
    let mut line = |text: String| {
        report.push_str(&text);
        report.push('\n');
    };
    line(format!("Customer Space {}", env!("CARGO_PKG_VERSION")));
    line(format!(
        "OS: {} {}",
        std::env::consts::OS,
        std::env::consts::ARCH
    ));
    match state.active_opt() {
        Some(active) => line(format!(
            "Profile: {} ({}){}",
            active.profile,
            active.host,
            if active.sandbox { ", demo sandbox" } else { "" }
        )),
        None => line("Profile: none".into()),
    }
    line(format!(
        "Proxy: {}",
        match state.app_settings.proxy().map(|s| s.proxy) {
            Ok(Proxy::System) => "system".to_owned(),
            Ok(Proxy::None) => "none".to_owned(),
            // The host only: no user name, no password.
            Ok(Proxy::Manual { url }) => format!(
                "manual ({})",
                url::Url::parse(&url)
                    .ok()
                    .and_then(|u| u.host_str().map(str::to_owned))
                    .unwrap_or_default()
            ),
            Err(error) => format!("unreadable ({})", error.kind()),
        }
    ));
    line(format!("Settings: {}", state.store.dir().display()));
    if let Ok(logs) = app.path().app_log_dir() {
        line(format!("Logs: {}", logs.display()));
    }
    let errors = state.recent_errors();
    line(format!("Recent errors: {}", errors.len()));
    for error in errors {
        line(format!(
            "  at {} (unix s): {}{}",
            error.at,
            error.code,
            error
                .request_id
                .map(|r| format!(", request id {r}"))
                .unwrap_or_default()
        ));
    }
    report
}
