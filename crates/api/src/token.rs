//! The OAuth access token: fetched lazily, cached, refreshed early, fetched once for many callers.
//!
//! Why: Orange allows 50 token requests a minute and asks clients to cache the token. The cache hands
//! out the current token while it has life left; when it must be renewed, the first caller fetches and
//! every concurrent caller waits for that one fetch (single flight) instead of sending its own.

use crate::clock::Clock;
use crate::error::ApiError;
use secrecy::SecretString;
use serde::{Deserialize, Deserializer};
use std::fmt;
use std::future::Future;
use std::time::{Duration, SystemTime};
use tokio::sync::Mutex;

/// Renew when less than this much life is left (or a tenth of the lifetime, if that is less).
const REFRESH_MARGIN: Duration = Duration::from_secs(60);

/// An access token and when it stops working.
#[derive(Clone)]
pub struct AccessToken {
    value: SecretString,
    expires_at: SystemTime,
    lifetime: Duration,
}

impl AccessToken {
    /// A token that expires at `expires_at` after a total life of `lifetime` (used for the margin).
    pub fn new(value: SecretString, expires_at: SystemTime, lifetime: Duration) -> Self {
        Self {
            value,
            expires_at,
            lifetime,
        }
    }

    /// The bearer value. Callers that persist it must keep it in a secret store.
    pub fn secret(&self) -> &SecretString {
        &self.value
    }

    /// When the server said it stops working.
    pub fn expires_at(&self) -> SystemTime {
        self.expires_at
    }

    /// Its total life as the server announced it.
    pub fn lifetime(&self) -> Duration {
        self.lifetime
    }

    /// Whether it should be renewed now: less than 60 s left, or a tenth of its life for short tokens.
    pub fn needs_refresh(&self, now: SystemTime) -> bool {
        let margin = REFRESH_MARGIN.min(self.lifetime / 10);
        match self.expires_at.duration_since(now) {
            Ok(left) => left <= margin,
            Err(_) => true,
        }
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessToken")
            .field("value", &"[REDACTED]")
            .field("expires_at", &self.expires_at)
            .field("lifetime", &self.lifetime)
            .finish()
    }
}

/// `expires_in` as a number (today) or a string (older Orange services).
fn deserialize_expires_in<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u64, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum NumberOrText {
        Number(u64),
        Float(f64),
        Text(String),
    }
    match NumberOrText::deserialize(deserializer)? {
        NumberOrText::Number(n) => Ok(n),
        NumberOrText::Float(f) if f >= 0.0 && f.is_finite() => Ok(f as u64),
        NumberOrText::Text(text) => text
            .trim()
            .parse()
            .map_err(|_| serde::de::Error::custom("expires_in is not a number of seconds")),
        NumberOrText::Float(_) => Err(serde::de::Error::custom("expires_in is negative")),
    }
}

/// The token endpoint's success body.
#[derive(Deserialize)]
pub(crate) struct TokenWire {
    /// "Bearer".
    #[serde(default)]
    pub token_type: Option<String>,
    /// The token.
    pub access_token: SecretString,
    /// Seconds of life.
    #[serde(deserialize_with = "deserialize_expires_in")]
    pub expires_in: u64,
}

/// The token a request is sent with, and which cache generation it came from.
pub(crate) struct Lease {
    /// The bearer value.
    pub token: SecretString,
    /// Identifies the cached token, so that a 401 invalidates only that one.
    pub generation: u64,
}

#[derive(Default)]
struct Slot {
    token: Option<AccessToken>,
    generation: u64,
}

/// The cache; one per client.
#[derive(Default)]
pub(crate) struct TokenCache {
    slot: Mutex<Slot>,
}

impl TokenCache {
    /// The current token, fetching one (once, for every concurrent caller) when there is none or it is
    /// about to expire.
    pub(crate) async fn lease<F, Fut>(&self, clock: &dyn Clock, fetch: F) -> Result<Lease, ApiError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<AccessToken, ApiError>>,
    {
        let mut slot = self.slot.lock().await;
        let fresh = slot
            .token
            .as_ref()
            .filter(|token| !token.needs_refresh(clock.now()));
        if let Some(token) = fresh {
            return Ok(Lease {
                token: token.value.clone(),
                generation: slot.generation,
            });
        }
        let token = fetch().await?;
        let lease = Lease {
            token: token.value.clone(),
            generation: slot.generation + 1,
        };
        slot.generation += 1;
        slot.token = Some(token);
        Ok(lease)
    }

    /// Forgets the token of `generation` after the server refused it; a newer one is kept.
    pub(crate) async fn invalidate(&self, generation: u64) {
        let mut slot = self.slot.lock().await;
        if slot.generation == generation {
            slot.token = None;
        }
    }

    /// Puts a token obtained earlier (e.g. from the keychain) in the cache.
    pub(crate) async fn seed(&self, token: AccessToken) {
        let mut slot = self.slot.lock().await;
        slot.generation += 1;
        slot.token = Some(token);
    }

    /// The cached token, if any.
    pub(crate) async fn current(&self) -> Option<AccessToken> {
        self.slot.lock().await.token.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(lifetime: u64) -> AccessToken {
        AccessToken::new(
            SecretString::from("t".to_owned()),
            SystemTime::UNIX_EPOCH + Duration::from_secs(lifetime),
            Duration::from_secs(lifetime),
        )
    }

    #[test]
    fn refreshes_with_60s_or_a_tenth_left() {
        let at = |s: u64| SystemTime::UNIX_EPOCH + Duration::from_secs(s);
        let hour = token(3600);
        assert!(!hour.needs_refresh(at(3539)));
        assert!(hour.needs_refresh(at(3540)));
        let short = token(30);
        assert!(!short.needs_refresh(at(26)));
        assert!(short.needs_refresh(at(27)));
        assert!(short.needs_refresh(at(100)));
    }

    #[test]
    fn expires_in_as_number_or_text() {
        let n: TokenWire =
            serde_json::from_str(r#"{"token_type":"Bearer","access_token":"a","expires_in":3600}"#)
                .unwrap();
        let t: TokenWire =
            serde_json::from_str(r#"{"access_token":"a","expires_in":"3600","scope":"x"}"#)
                .unwrap();
        assert_eq!((n.expires_in, t.expires_in), (3600, 3600));
        assert!(
            serde_json::from_str::<TokenWire>(r#"{"access_token":"a","expires_in":"soon"}"#)
                .is_err()
        );
    }

    #[test]
    fn debug_is_redacted() {
        let text = format!(
            "{:?}",
            AccessToken::new(
                SecretString::from("very-secret-token".to_owned()),
                SystemTime::UNIX_EPOCH,
                Duration::ZERO
            )
        );
        assert!(!text.contains("very-secret-token"));
    }
}
