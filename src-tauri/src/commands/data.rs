//! Contracts and users: read and create through the active connection (documents: `documents`).

use super::track;
use crate::dto::{ContractDetailView, ContractView, CreatedUserView, DetailField};
use crate::error::AppResult;
use crate::state::{Active, AppState};
use ccs_api::ContractDetail;
use ccs_core::forms::{self, ContractForm, UserForm};
use ccs_core::settings::parse_contract;
use ccs_core::validate::normalize_phone;
use serde_json::Value;
use tauri::{AppHandle, State};

/// The contracts the API key sees.
#[tauri::command]
#[specta::specta]
pub async fn list_contracts(
    app: AppHandle,
    state: State<'_, AppState>,
) -> AppResult<Vec<ContractView>> {
    let active = track(&state, state.active())?;
    let result = contracts_of(&active).await;
    super::emit_token_state(&app, &active, &result).await;
    track(&state, result)
}

/// The contracts of a connection as the UI lists them (also sent with the start answer).
pub(crate) async fn contracts_of(active: &Active) -> AppResult<Vec<ContractView>> {
    let contracts = active.client.list_contracts().await?;
    Ok(contracts
        .into_iter()
        .map(|c| ContractView {
            status: c
                .extra
                .get("status")
                .and_then(Value::as_str)
                .map(str::to_owned),
            id: c.id.to_string(),
            name: c.name,
            offer: c.offer.and_then(|o| o.name),
            created_at: c.created_at,
        })
        .collect())
}

/// Every field of a contract, flattened to dotted keys.
#[tauri::command]
#[specta::specta]
pub async fn contract_detail(
    state: State<'_, AppState>,
    contract: String,
) -> AppResult<ContractDetailView> {
    let result = async {
        let contract = parse_contract(&contract)?;
        let detail = state.active()?.client.contract_detail(&contract).await?;
        Ok(detail_view(&detail))
    }
    .await;
    track(&state, result)
}

/// Flattens a contract detail for display; `id` and `name` are shown apart.
pub fn detail_view(detail: &ContractDetail) -> ContractDetailView {
    let mut fields = Vec::new();
    if let Ok(Value::Object(map)) = serde_json::to_value(detail) {
        for (key, value) in map {
            if key != "id" && key != "name" {
                flatten(&key, &value, &mut fields);
            }
        }
    }
    ContractDetailView {
        id: detail.id.to_string(),
        name: detail.name.clone(),
        fields,
    }
}

fn flatten(key: &str, value: &Value, out: &mut Vec<DetailField>) {
    match value {
        Value::Null => {}
        Value::Object(map) => {
            for (inner, value) in map {
                flatten(&format!("{key}.{inner}"), value, out);
            }
        }
        Value::String(text) => out.push(DetailField {
            key: key.to_owned(),
            value: text.clone(),
        }),
        other => out.push(DetailField {
            key: key.to_owned(),
            value: other.to_string(),
        }),
    }
}

/// Adds a user to a contract (checked first with the same rules as the form and `ccs`).
#[tauri::command]
#[specta::specta]
pub async fn create_user(
    state: State<'_, AppState>,
    contract: String,
    user: UserForm,
) -> AppResult<CreatedUserView> {
    let result = async {
        let contract = parse_contract(&contract)?;
        // Read, checked and put in the form it is sent in by core, as `ccs` does.
        let new = forms::new_user(user)?;
        let created = state.active()?.client.create_user(&contract, &new).await?;
        Ok(CreatedUserView {
            login: created.user.login.or(Some(new.login)),
            email: created.user.email,
            already_existed: created.already_existed,
        })
    }
    .await;
    track(&state, result)
}

/// Creates a contract (checked first).
#[tauri::command]
#[specta::specta]
pub async fn create_contract(
    state: State<'_, AppState>,
    input: ContractForm,
) -> AppResult<ContractDetailView> {
    let result = async {
        let new = forms::new_contract(input)?;
        let created = state.active()?.client.create_contract(&new).await?;
        Ok(match &created.contract {
            Some(detail) => detail_view(detail),
            // Created, but the answer did not say as what: no id to show (refresh the list).
            None => ContractDetailView {
                id: String::new(),
                name: new.contract_name.clone(),
                fields: Vec::new(),
            },
        })
    }
    .await;
    track(&state, result)
}

/// A phone number as it will be sent (core's rule, so the form shows exactly what goes out: no copy
/// of the rule in TypeScript). Pure and instant, but async like every command (none runs on the
/// main thread).
#[tauri::command]
#[specta::specta]
pub async fn phone_as_sent(text: String) -> String {
    normalize_phone(&text)
}
