//! Profiles: the same file and keychain entries as `ccs`. Secrets go in, never out.

use super::{off_main_thread, track};
use crate::dto::{ImportOutcome, ProfileInput, ProfileView, SecretStatusView};
use crate::error::{AppError, AppResult, FieldErrorView};
use crate::state::AppState;
use ccs_api::{parse_base_url, SecretString};
use ccs_core::import::import_postman_environment;
use ccs_core::profile_edit;
use ccs_core::profiles::{Profile, DEMO_PROFILE};
use ccs_core::settings::parse_contract;
use ccs_core::validate::check_profile_name_field;
use ccs_core::ErrorCode;
use tauri::{AppHandle, State};
use tauri_plugin_dialog::DialogExt;

/// A profile as the UI sees it.
pub fn view(state: &AppState, profile: Profile, default: Option<&str>) -> ProfileView {
    let secrets = state
        .keychain
        .status(&profile.name)
        .unwrap_or(ccs_core::secrets::SecretStatus {
            client_secret: false,
            api_key: false,
        });
    ProfileView {
        is_default: default == Some(profile.name.as_str()),
        is_sandbox: profile.name == DEMO_PROFILE,
        secrets: SecretStatusView {
            client_secret: secrets.client_secret,
            api_key: secrets.api_key,
        },
        name: profile.name,
        host: profile.host,
        oauth_host: profile.oauth_host,
        client_id: profile.client_id,
        default_contract: profile.default_contract.map(|c| c.to_string()),
    }
}

/// Every profile (whether each secret is stored: keychain look-ups, off the main thread).
#[tauri::command]
#[specta::specta]
pub async fn list_profiles(app: AppHandle) -> AppResult<Vec<ProfileView>> {
    off_main_thread(&app, list).await
}

fn list(state: &AppState) -> AppResult<Vec<ProfileView>> {
    let default = state.store.default_name()?;
    Ok(state
        .store
        .list()?
        .into_iter()
        .map(|p| view(state, p, default.as_deref()))
        .collect())
}

fn field(field: &str, message: &str) -> FieldErrorView {
    FieldErrorView::plain(field, message)
}

fn blank_to_none(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

/// Creates, changes or renames a profile; new secrets go to the keychain (off the main thread).
#[tauri::command]
#[specta::specta]
pub async fn save_profile(app: AppHandle, input: ProfileInput) -> AppResult<ProfileView> {
    off_main_thread(&app, move |state| save(state, input)).await
}

fn save(state: &AppState, input: ProfileInput) -> AppResult<ProfileView> {
    let name = input.name.trim().to_owned();
    let mut fields = Vec::new();
    if let Err(problem) = check_profile_name_field("name", &name) {
        fields.push(FieldErrorView::from(&problem));
    }
    if input.client_id.trim().is_empty() {
        fields.push(field("clientId", "The client id is required."));
    }
    let mut url = |key: &str, what: &str, value: Option<String>| -> Option<String> {
        let value = blank_to_none(value)?;
        match parse_base_url(what, &value) {
            Ok(url) => Some(url.as_str().trim_end_matches('/').to_owned()),
            Err(error) => {
                fields.push(field(key, &error.to_string()));
                None
            }
        }
    };
    let host = url("host", "API host", input.host.clone());
    let oauth_host = url("oauthHost", "OAuth host", input.oauth_host.clone());
    let contract = match blank_to_none(input.default_contract.clone()).map(|c| parse_contract(&c)) {
        Some(Ok(contract)) => Some(contract),
        Some(Err(error)) => {
            fields.push(field("defaultContract", &error.to_string()));
            None
        }
        None => None,
    };
    let secret = blank_to_none(input.client_secret.clone());
    let key = blank_to_none(input.api_key.clone());
    let creating = input.original_name.is_none();
    if creating && secret.is_none() {
        fields.push(field("clientSecret", "The client secret is required."));
    }
    if creating && key.is_none() {
        fields.push(field("apiKey", "The API key is required."));
    }
    if !fields.is_empty() {
        let mut error = AppError::new(ErrorCode::InvalidInput, "Some fields need attention.");
        error.fields = fields;
        return Err(error);
    }
    let profile = Profile {
        name: name.clone(),
        host,
        oauth_host,
        client_id: Some(input.client_id.trim().to_owned()),
        default_contract: contract,
    };
    let secret = secret.map(SecretString::from);
    let key = key.map(SecretString::from);
    match input.original_name.as_deref() {
        None => {
            // The fields check above has refused a new profile without both secrets.
            let (Some(secret), Some(key)) = (&secret, &key) else {
                return Err(AppError::new(
                    ErrorCode::InvalidInput,
                    "A new profile needs its client secret and API key.",
                ));
            };
            profile_edit::add(&state.store, &state.keychain, &profile, secret, key)?;
        }
        Some(original) => {
            if original != name {
                profile_edit::rename(&state.store, &state.keychain, original, &name)?;
                state.clear_active_if(original);
            }
            // A new client id or host drops the kept token (core's rule, the same as `ccs`).
            profile_edit::update(&state.store, &state.keychain, &profile)?;
            profile_edit::store_secrets(&state.keychain, &name, secret.as_ref(), key.as_ref())?;
        }
    }
    state.clear_active_if(&name);
    let default = state.store.default_name()?;
    Ok(view(state, profile, default.as_deref()))
}

/// Removes a profile and its keychain entries (off the main thread).
#[tauri::command]
#[specta::specta]
pub async fn remove_profile(app: AppHandle, name: String) -> AppResult<()> {
    off_main_thread(&app, move |state| {
        profile_edit::remove(&state.store, &state.keychain, &name)?;
        state.clear_active_if(&name);
        Ok(())
    })
    .await
}

/// Makes a profile the default (the profiles file is written off the main thread).
#[tauri::command]
#[specta::specta]
pub async fn set_default_profile(app: AppHandle, name: String) -> AppResult<()> {
    off_main_thread(&app, move |state| Ok(state.store.set_default(&name)?)).await
}

/// Creates a profile from a Postman environment chosen in the native open dialog; `None` when the
/// user closed the dialog.
#[tauri::command]
#[specta::specta]
pub async fn import_postman(
    app: AppHandle,
    state: State<'_, AppState>,
) -> AppResult<Option<ImportOutcome>> {
    let dialog = app
        .dialog()
        .file()
        .set_title("Import a Postman environment")
        .add_filter("Postman environment", &["json"]);
    let Some(path) = super::dialogs::file_to_open(&app, dialog).await? else {
        return Ok(None);
    };
    let result = import_postman_environment(&path, None, &state.store, &state.keychain)
        .map(|report| {
            Some(ImportOutcome {
                profile: report.profile,
                imported: report.imported,
                to_fill_in: report.to_fill_in,
                ignored: report.ignored,
            })
        })
        .map_err(AppError::from);
    track(&state, result)
}
