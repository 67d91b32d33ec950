//! Issued tokens and their checks, in the order the real gateway applies them: bearer, then
//! API key, then the contract header.

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use axum::http::HeaderMap;
use base64::Engine;
use rand::distributions::Alphanumeric;
use rand::Rng;

use crate::errors::ApiError;
use crate::sync::lock;

/// Orange's token quota: this many requests per sliding minute.
const TOKENS_PER_MINUTE: usize = 50;

/// Tokens issued so far and the times of recent token requests.
#[derive(Debug, Default)]
pub(crate) struct TokenStore {
    expiries: Mutex<HashMap<String, SystemTime>>,
    recent: Mutex<VecDeque<SystemTime>>,
    /// Every distinct bearer value a request presented, valid or not: tests prove with it that a
    /// client never sent this server a token another server issued.
    presented: Mutex<BTreeSet<String>>,
    /// Every token issued since start (revoking does not forget them).
    issued: Mutex<BTreeSet<String>>,
}

impl TokenStore {
    /// A fresh random token valid until `now + ttl`.
    pub(crate) fn issue(&self, now: SystemTime, ttl: Duration) -> String {
        let token: String = rand::thread_rng()
            .sample_iter(&Alphanumeric)
            .take(28)
            .map(char::from)
            .collect();
        lock(&self.expiries).insert(token.clone(), now + ttl);
        lock(&self.issued).insert(token.clone());
        token
    }

    /// The distinct bearer values requests presented, in sorted order.
    pub(crate) fn presented(&self) -> Vec<String> {
        lock(&self.presented).iter().cloned().collect()
    }

    /// The tokens issued since start, in sorted order.
    pub(crate) fn issued(&self) -> Vec<String> {
        lock(&self.issued).iter().cloned().collect()
    }

    /// Forgets every token, as if the server restarted or revoked them.
    pub(crate) fn revoke_all(&self) {
        lock(&self.expiries).clear();
    }

    /// Records a token request, or tells how many seconds to wait when 50 were made in the
    /// last minute (the refused request is not recorded).
    pub(crate) fn admit(&self, now: SystemTime) -> Result<(), u64> {
        let mut recent = lock(&self.recent);
        let window = Duration::from_secs(60);
        while let Some(first) = recent.front() {
            if now.duration_since(*first).unwrap_or_default() >= window {
                recent.pop_front();
            } else {
                break;
            }
        }
        if recent.len() >= TOKENS_PER_MINUTE {
            let oldest = recent.front().copied().unwrap_or(now);
            let waited = now.duration_since(oldest).unwrap_or_default();
            let left = window.saturating_sub(waited);
            let secs = left.as_secs() + u64::from(left.subsec_nanos() > 0);
            return Err(secs.max(1));
        }
        recent.push_back(now);
        Ok(())
    }

    /// Checks `Authorization: Bearer …`: 401/40 missing, 41 unknown, 42 expired.
    pub(crate) fn check_bearer(
        &self,
        headers: &HeaderMap,
        now: SystemTime,
    ) -> Result<(), ApiError> {
        let value = headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .ok_or_else(ApiError::missing_credentials)?;
        let (scheme, token) = value
            .trim()
            .split_once(' ')
            .ok_or_else(ApiError::missing_credentials)?;
        let token = token.trim();
        if !scheme.eq_ignore_ascii_case("bearer") || token.is_empty() {
            return Err(ApiError::missing_credentials());
        }
        lock(&self.presented).insert(token.to_owned());
        match lock(&self.expiries).get(token) {
            None => Err(ApiError::invalid_credentials()),
            Some(expiry) if now >= *expiry => Err(ApiError::expired_credentials()),
            Some(_) => Ok(()),
        }
    }
}

/// Decodes `Authorization: Basic base64(id:secret)`; `None` when absent or malformed.
pub(crate) fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get("authorization")?.to_str().ok()?;
    let (scheme, encoded) = value.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (id, secret) = text.split_once(':')?;
    Some((id.to_owned(), secret.to_owned()))
}

/// Checks `X-API-Key`: 400/25 missing, 403/50 wrong.
pub(crate) fn check_api_key(headers: &HeaderMap, expected: &str) -> Result<(), ApiError> {
    let key = headers
        .get("x-api-key")
        .ok_or_else(|| ApiError::missing_header("X-API-Key"))?;
    if key.as_bytes() == expected.as_bytes() {
        Ok(())
    } else {
        Err(ApiError::access_denied(
            "The API key is not valid for this service.",
        ))
    }
}

/// Whether `id` has the contract form `OCB` + 7 digits.
pub(crate) fn is_contract_id(id: &str) -> bool {
    id.len() == 10 && id.starts_with("OCB") && id[3..].bytes().all(|b| b.is_ascii_digit())
}
