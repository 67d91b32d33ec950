//! Contracts and users: read and create through the active connection (documents: `documents`).

use super::track;
use crate::dto::{
    ContractDetailView, ContractView, CreatedUserView, DetailField, NewContractInput, NewUserInput,
};
use crate::error::AppResult;
use crate::state::{Active, AppState};
use ccs_api::{ContractDetail, NewContract, NewUser};
use ccs_core::settings::parse_contract;
use ccs_core::validate::{
    contract_with_normalized_phones, normalize_phone, parse_civility, validate_new_contract,
    validate_new_user, with_normalized_phones, FieldError,
};
use ccs_core::CoreError;
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

fn invalid(fields: Vec<FieldError>) -> CoreError {
    CoreError::InvalidInput { fields }
}

fn non_empty(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

/// Adds a user to a contract (checked first with the same rules as the form and `ccs`).
#[tauri::command]
#[specta::specta]
pub async fn create_user(
    state: State<'_, AppState>,
    contract: String,
    user: NewUserInput,
) -> AppResult<CreatedUserView> {
    let result = async {
        let contract = parse_contract(&contract)?;
        let mut problems = Vec::new();
        let civility = parse_civility(&user.civility)
            .map_err(|e| problems.push(e))
            .ok();
        let new = NewUser {
            civility: civility.unwrap_or(ccs_api::Civility::Mr),
            last_name: user.last_name.trim().to_owned(),
            first_name: user.first_name.trim().to_owned(),
            email: user.email.trim().to_owned(),
            login: user.login.trim().to_owned(),
            fix_phone: non_empty(user.fix_phone),
            mobile_phone: non_empty(user.mobile_phone),
        };
        if let Err(fields) = validate_new_user(&new) {
            problems.extend(fields);
        }
        if !problems.is_empty() {
            return Err(invalid(problems).into());
        }
        // Phones go in the one form the server reads, the form's preview (`phone_as_sent`) shows.
        let new = with_normalized_phones(new);
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
    input: NewContractInput,
) -> AppResult<ContractDetailView> {
    let result = async {
        let mut problems = Vec::new();
        let civility = parse_civility(&input.referent_civility)
            .map_err(|e| {
                problems.push(FieldError {
                    field: "referentCivility",
                    message: e.message,
                })
            })
            .ok();
        let new = NewContract {
            billing_account_id: input.billing_account_id.trim().to_owned(),
            offer_code: input.offer_code.trim().to_owned(),
            contract_name: input.contract_name.trim().to_owned(),
            support_level: input.support_level.trim().to_owned(),
            referent_civility: civility.unwrap_or(ccs_api::Civility::Mr),
            referent_name: input.referent_name.trim().to_owned(),
            referent_first_name: input.referent_first_name.trim().to_owned(),
            referent_mail: input.referent_mail.trim().to_owned(),
            referent_fix_phone: non_empty(input.referent_fix_phone),
            referent_mobile_phone: non_empty(input.referent_mobile_phone),
        };
        if let Err(fields) = validate_new_contract(&new) {
            problems.extend(fields);
        }
        if !problems.is_empty() {
            return Err(invalid(problems).into());
        }
        let new = contract_with_normalized_phones(new);
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
