//! The HTTP surface: the router, and the checks every resource route shares (faults first,
//! then bearer, API key and contract header, in the gateway's order).

mod body;
mod contracts;
mod documents;
mod paced;
mod token;
mod users;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use percent_encoding::percent_decode_str;
use std::sync::atomic::Ordering;

use crate::auth::{check_api_key, is_contract_id};
use crate::counters::Route;
use crate::errors::ApiError;
use crate::faults::{CreateAnswerStyle, Verdict};
use crate::state::{AppState, Shared};

/// The whole application: OAuth under `/oauth/v3`, resources under `/cloud/b2b/v1`.
pub(crate) fn router(state: Shared) -> Router {
    let api = Router::new()
        .route("/contracts", get(contracts::list).post(contracts::create))
        .route("/contract", get(contracts::detail))
        .route("/documents", get(documents::list))
        .route("/documents/{document_id}/file", get(documents::file))
        .route("/contracts/{contract_id}/user", post(users::create));
    Router::new()
        .route("/oauth/v3/token", post(token::issue))
        .nest("/cloud/b2b/v1", api)
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(state.clone(), request_id))
        .with_state(state)
}

/// 404/60 for any unknown path.
async fn not_found() -> Response {
    ApiError::not_found("No resource at this path.").into_response()
}

/// 405/61 for a known path with another method.
async fn method_not_allowed() -> Response {
    ApiError::new(405, 61, "This method is not allowed on this resource.").into_response()
}

/// Adds a unique `X-OAPI-Request-Id` to every answer.
async fn request_id(State(state): State<Shared>, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let seq = state.request_seq.fetch_add(1, Ordering::SeqCst);
    let id = format!("{:08x}-{seq:012x}", state.request_prefix);
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-oapi-request-id", value);
    }
    response
}

/// Counts the request, waits the configured latency, and applies faults.
pub(crate) async fn enter(state: &AppState, route: Route) -> Result<Verdict, ApiError> {
    state.counters.hit(route);
    let latency = state.faults.config().latency;
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    let verdict = state.faults.decide(route)?;
    if !verdict.delay.is_zero() {
        tokio::time::sleep(verdict.delay).await;
    }
    Ok(verdict)
}

/// Bearer token then API key.
pub(crate) fn authorize(state: &AppState, headers: &axum::http::HeaderMap) -> Result<(), ApiError> {
    state.tokens.check_bearer(headers, state.clock.now())?;
    check_api_key(headers, &state.credentials.api_key)
}

/// The contract of `X-ECCS-Contract-Id`: 400/25 missing, 400/26 malformed, 403/50 not visible.
pub(crate) fn contract_header(
    state: &AppState,
    headers: &axum::http::HeaderMap,
) -> Result<String, ApiError> {
    let value = headers
        .get("x-eccs-contract-id")
        .ok_or_else(|| ApiError::missing_header("X-ECCS-Contract-Id"))?;
    let id = value.to_str().unwrap_or_default().trim();
    if !is_contract_id(id) {
        return Err(ApiError::new(
            400,
            26,
            "Invalid header value: X-ECCS-Contract-Id must be OCB followed by 7 digits.",
        ));
    }
    let catalog = state
        .catalog
        .read()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if catalog.visible(id).is_none() {
        return Err(ApiError::access_denied(format!(
            "This API key may not access contract {id}."
        )));
    }
    Ok(id.to_owned())
}

/// The first value of `name` in a query string or form body (`+` is a space).
pub(crate) fn form_param(raw: Option<&str>, name: &str) -> Option<String> {
    raw?.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let decode = |s: &str| {
            percent_decode_str(&s.replace('+', " "))
                .decode_utf8_lossy()
                .into_owned()
        };
        (decode(key) == name).then(|| decode(value))
    })
}

/// Turns a handler's result into the answer.
pub(crate) fn respond(result: Result<Response, ApiError>) -> Response {
    result.unwrap_or_else(IntoResponse::into_response)
}

/// A create's answer: `status` with the item, or one of the other plausible success answers.
pub(crate) fn created_answer(
    status: StatusCode,
    item: &impl serde::Serialize,
    style: Option<CreateAnswerStyle>,
) -> Response {
    match style {
        None => (status, Json(item)).into_response(),
        Some(CreateAnswerStyle::NoContent) => StatusCode::NO_CONTENT.into_response(),
        Some(CreateAnswerStyle::WithoutId) => {
            let mut value = serde_json::to_value(item).unwrap_or_default();
            if let Some(map) = value.as_object_mut() {
                map.remove("id");
            }
            (StatusCode::OK, Json(value)).into_response()
        }
        Some(CreateAnswerStyle::NotJson) => (
            StatusCode::CREATED,
            [(axum::http::header::CONTENT_TYPE, "text/plain")],
            "Created",
        )
            .into_response(),
    }
}
