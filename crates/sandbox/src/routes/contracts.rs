//! `GET /contracts`, `GET /contract` and `POST /contracts`.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use rand::Rng;
use std::sync::PoisonError;

use super::{authorize, body, contract_header, created_answer, enter, respond};
use crate::counters::Route;
use crate::data::contracts::{fresh_contract_id, Contact, Contract, Customer, Offer, OFFER_NAME};
use crate::data::dates::{rfc3339, unix_secs};
use crate::errors::ApiError;
use crate::state::{AppState, Shared};
use crate::sync::lock;

/// The contracts this key may see, as a top-level array.
pub(crate) async fn list(State(state): State<Shared>, headers: HeaderMap) -> Response {
    respond(
        async {
            enter(&state, Route::Contracts).await?;
            authorize(&state, &headers)?;
            let catalog = state.catalog.read().unwrap_or_else(PoisonError::into_inner);
            let summaries: Vec<_> = catalog.visible.iter().map(Contract::summary).collect();
            Ok(Json(summaries).into_response())
        }
        .await,
    )
}

/// The contract named by `X-ECCS-Contract-Id`.
pub(crate) async fn detail(State(state): State<Shared>, headers: HeaderMap) -> Response {
    respond(
        async {
            enter(&state, Route::Contract).await?;
            authorize(&state, &headers)?;
            let id = contract_header(&state, &headers)?;
            let catalog = state.catalog.read().unwrap_or_else(PoisonError::into_inner);
            let contract = catalog
                .visible(&id)
                .ok_or_else(|| ApiError::access_denied("Unknown contract."))?;
            Ok(Json(contract).into_response())
        }
        .await,
    )
}

const REQUIRED: [&str; 8] = [
    "billingAccountId",
    "offerCode",
    "contractName",
    "supportLevel",
    "referentCivility",
    "referentName",
    "referentFirstName",
    "referentMail",
];

/// Creates a PENDING contract visible to the key, with no documents.
pub(crate) async fn create(
    State(state): State<Shared>,
    headers: HeaderMap,
    raw: Bytes,
) -> Response {
    respond(
        async {
            let verdict = enter(&state, Route::CreateContract).await?;
            authorize(&state, &headers)?;
            lock(&state.last_create_bodies).insert(Route::CreateContract, raw.to_vec());
            let contract = new_contract(&state, &raw)?;
            let answer = created_answer(StatusCode::CREATED, &contract, verdict.create_answer);
            if !verdict.answer_delay.is_zero() {
                tokio::time::sleep(verdict.answer_delay).await;
            }
            Ok(answer)
        }
        .await,
    )
}

fn new_contract(state: &AppState, raw: &[u8]) -> Result<Contract, ApiError> {
    let map = body::object(raw)?;
    body::all_present(&map, &REQUIRED)?;
    let billing_account_id = body::required(&map, "billingAccountId")?;
    body::required(&map, "offerCode")?;
    let name = body::required(&map, "contractName")?;
    let support_level = body::required(&map, "supportLevel")?;
    let civility = body::required(&map, "referentCivility")?;
    body::civility(&civility, "referentCivility")?;
    let last_name = body::required(&map, "referentName")?;
    let first_name = body::required(&map, "referentFirstName")?;
    let email = body::required(&map, "referentMail")?;
    body::email(&email, "referentMail")?;
    let fix_phone = body::optional(&map, "referentFixPhone")?;
    let mobile_phone = body::optional(&map, "referentMobilePhone")?;
    let now = rfc3339(unix_secs(state.clock.now()));
    let mut catalog = state
        .catalog
        .write()
        .unwrap_or_else(PoisonError::into_inner);
    let mut rng = lock(&state.id_rng);
    let id = fresh_contract_id(&mut rng, &catalog.all_ids());
    let contract = Contract {
        id: id.clone(),
        contract_type: "PAYG".to_owned(),
        platform_id: None,
        customer: Customer {
            id: format!("CUS{:08}", rng.gen_range(0..100_000_000)),
            name: name.clone(),
        },
        offer: Offer {
            name: OFFER_NAME.to_owned(),
        },
        created_at: now.clone(),
        updated_at: now,
        status: "PENDING".to_owned(),
        support_level,
        billing_account_id,
        contact: Contact {
            civility,
            last_name,
            first_name,
            email,
            fix_phone,
            mobile_phone,
        },
        name,
    };
    catalog.visible.push(contract.clone());
    catalog.documents.insert(id, Vec::new());
    Ok(contract)
}
