//! `POST /oauth/v3/token`: client credentials against HTTP Basic, OAuth-shaped errors.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;
use std::sync::atomic::Ordering;

use super::{enter, form_param};
use crate::auth::basic_credentials;
use crate::config::TokenBodyFault;
use crate::counters::Route;
use crate::errors::{ApiError, OAuthError};
use crate::state::Shared;

/// Issues a token: rate limit (when on), then client authentication, then grant type.
pub(crate) async fn issue(
    State(state): State<Shared>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(error) = enter(&state, Route::Token).await {
        return error.into_response();
    }
    let now = state.clock.now();
    if state.faults.config().token_rate_limit {
        if let Err(wait) = state.tokens.admit(now) {
            return ApiError::too_many_requests(wait).into_response();
        }
    }
    let Some((id, secret)) = basic_credentials(&headers) else {
        return OAuthError::malformed_basic().into_response();
    };
    if id != state.credentials.client_id || secret != state.credentials.client_secret {
        return OAuthError::invalid_client().into_response();
    }
    let form = String::from_utf8_lossy(&body);
    if form_param(Some(&form), "grant_type").as_deref() != Some("client_credentials") {
        return OAuthError::unsupported_grant_type().into_response();
    }
    let token = state.tokens.issue(now, state.token_ttl);
    let secs = state.token_ttl.as_secs();
    let expires_in = if state.expires_in_as_string.load(Ordering::SeqCst) {
        json!(secs.to_string())
    } else {
        json!(secs)
    };
    let mut body = json!({
        "token_type": "Bearer",
        "access_token": token,
        "expires_in": expires_in,
    });
    match state.faults.config().token_body {
        None => {}
        Some(TokenBodyFault::NotJson) => {
            let form = format!("access_token={token}&token_type=bearer&expires_in={secs}");
            return (
                StatusCode::OK,
                [
                    (header::CACHE_CONTROL, "no-store"),
                    (header::CONTENT_TYPE, "application/x-www-form-urlencoded"),
                ],
                form,
            )
                .into_response();
        }
        Some(TokenBodyFault::NoExpiresIn) => {
            if let Some(map) = body.as_object_mut() {
                map.remove("expires_in");
            }
        }
        Some(TokenBodyFault::HugeExpiresIn) => body["expires_in"] = json!(u64::MAX),
        Some(TokenBodyFault::NegativeExpiresIn) => body["expires_in"] = json!(-3600),
    }
    (
        StatusCode::OK,
        [(header::CACHE_CONTROL, "no-store")],
        Json(body),
    )
        .into_response()
}
