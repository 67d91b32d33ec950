//! `POST /contracts/{contractId}/user`: one login per e-mail across the customer space.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use rand::Rng;
use std::sync::PoisonError;

use super::{authorize, body, created_answer, enter, respond};
use crate::auth::is_contract_id;
use crate::counters::Route;
use crate::errors::ApiError;
use crate::state::{Shared, User};
use crate::sync::lock;

const REQUIRED: [&str; 5] = ["civility", "lastName", "firstName", "email", "login"];

/// 201 with a new user, or 200 with the existing user when the e-mail already has a login.
pub(crate) async fn create(
    State(state): State<Shared>,
    Path(contract_id): Path<String>,
    headers: HeaderMap,
    raw: Bytes,
) -> Response {
    respond(
        async {
            let verdict = enter(&state, Route::CreateUser).await?;
            authorize(&state, &headers)?;
            if !is_contract_id(&contract_id) {
                return Err(ApiError::new(
                    400,
                    20,
                    "Invalid URL parameter value: contractId must be OCB followed by 7 digits.",
                ));
            }
            let visible = state
                .catalog
                .read()
                .unwrap_or_else(PoisonError::into_inner)
                .visible(&contract_id)
                .is_some();
            if !visible {
                return Err(ApiError::access_denied(format!(
                    "This API key may not access contract {contract_id}."
                )));
            }
            lock(&state.last_create_bodies).insert(Route::CreateUser, raw.to_vec());
            let map = body::object(&raw)?;
            body::all_present(&map, &REQUIRED)?;
            let civility = body::required(&map, "civility")?;
            body::civility(&civility, "civility")?;
            let last_name = body::required(&map, "lastName")?;
            let first_name = body::required(&map, "firstName")?;
            let email = body::required(&map, "email")?;
            body::email(&email, "email")?;
            let login = body::required(&map, "login")?;
            body::login(&login, "login")?;
            body::optional(&map, "fixPhone")?;
            body::optional(&map, "mobilePhone")?;

            let (status, user) = {
                let mut users = lock(&state.users);
                let key = email.to_lowercase();
                if let Some(existing) = users.get(&key) {
                    let mut user = existing.clone();
                    user.contract_id = contract_id;
                    (StatusCode::OK, user)
                } else {
                    let id = format!("{:024x}", lock(&state.id_rng).gen::<u128>() >> 32);
                    let user = User {
                        id,
                        login,
                        email,
                        civility,
                        last_name,
                        first_name,
                        contract_id,
                    };
                    users.insert(key, user.clone());
                    (StatusCode::CREATED, user)
                }
            };
            let answer = created_answer(status, &user, verdict.create_answer);
            if !verdict.answer_delay.is_zero() {
                tokio::time::sleep(verdict.answer_delay).await;
            }
            Ok(answer)
        }
        .await,
    )
}
