//! The OAuth access token: fetched lazily, cached, refreshed early, fetched once for many callers.
//!
//! Why: Orange allows 50 token requests a minute and asks clients to cache the token. The cache hands
//! out the current token while it has life left; when it must be renewed, the first caller fetches and
//! every concurrent caller waits for that one fetch (single flight) instead of sending its own.

use crate::clock::Clock;
use crate::error::ApiError;
use secrecy::SecretString;
use serde_json::Value;
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

/// The life assumed for a token whose answer has no `expires_in` (RFC 6749 makes it optional):
/// Orange's tokens live an hour. Should the server's tokens live less, its 401 (code 41 or 42) makes
/// the client fetch a new one, once, and try again.
pub(crate) const DEFAULT_TOKEN_LIFETIME: Duration = Duration::from_secs(3600);

/// The longest life believed: a year. Why a cap: an `expires_in` of 10^20 seconds must neither
/// overflow the expiry time (adding it to the clock would panic) nor keep a token forever; a token
/// that stops working sooner is refreshed on its 401 anyway.
pub(crate) const MAX_TOKEN_LIFETIME: Duration = Duration::from_secs(365 * 24 * 3600);

/// The most bytes of a token answer read (a real one is about 100).
pub(crate) const TOKEN_BODY_LIMIT: usize = 64 * 1024;

/// Why a token endpoint's success answer could not be used. Its text says what was wrong and never
/// quotes the answer, which may hold an access token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum TokenAnswerError {
    /// No body at all.
    #[error("an empty token answer")]
    Empty,
    /// Not JSON (a form-encoded answer, an HTML page, a cut body…).
    #[error("a token answer that is not valid JSON")]
    NotJson,
    /// JSON nested deeper than the parser's limit (128 levels).
    #[error("a token answer nested too deeply to be read")]
    TooDeep,
    /// JSON, but not an object.
    #[error("a token answer that is not a JSON object")]
    NotAnObject,
    /// No `access_token`, or an empty one.
    #[error("a token answer without access_token")]
    NoAccessToken,
    /// `access_token` is not text.
    #[error("a token answer whose access_token is not text")]
    AccessTokenNotText,
    /// `token_type` is not text.
    #[error("a token answer whose token_type is not text")]
    TokenTypeNotText,
    /// `expires_in` is neither a number nor a numeric text.
    #[error("a token answer whose expires_in is not a number of seconds")]
    ExpiresInNotANumber,
    /// `expires_in` is below zero.
    #[error("a token answer whose expires_in is negative")]
    ExpiresInNegative,
    /// Larger than [`TOKEN_BODY_LIMIT`].
    #[error("a token answer larger than 64 KiB")]
    TooLarge,
}

/// The token endpoint's success body, read from the JSON value so that no error can quote it.
pub(crate) struct TokenWire {
    /// "Bearer", when sent.
    pub token_type: Option<String>,
    /// The token.
    pub access_token: SecretString,
    /// Seconds of life, when sent (a number, or a numeric text as older Orange services sent).
    pub expires_in: Option<u64>,
}

impl TokenWire {
    /// Reads a token answer. `expires_in` may be absent (then [`TokenWire::lifetime`] assumes
    /// [`DEFAULT_TOKEN_LIFETIME`]), a number or a numeric text; fractions are dropped; a negative
    /// value is an error (the server is broken, not merely terse); a huge one is kept and capped by
    /// [`TokenWire::lifetime`].
    pub(crate) fn parse(body: &[u8]) -> Result<Self, TokenAnswerError> {
        if body.iter().all(u8::is_ascii_whitespace) {
            return Err(TokenAnswerError::Empty);
        }
        let value: Value = serde_json::from_slice(body).map_err(|error| {
            if error.to_string().contains("recursion limit") {
                TokenAnswerError::TooDeep
            } else {
                TokenAnswerError::NotJson
            }
        })?;
        let Value::Object(mut map) = value else {
            return Err(TokenAnswerError::NotAnObject);
        };
        let access_token = match map.remove("access_token") {
            None | Some(Value::Null) => return Err(TokenAnswerError::NoAccessToken),
            Some(Value::String(token)) if token.trim().is_empty() => {
                return Err(TokenAnswerError::NoAccessToken)
            }
            Some(Value::String(token)) => SecretString::from(token),
            Some(_) => return Err(TokenAnswerError::AccessTokenNotText),
        };
        let token_type = match map.remove("token_type") {
            None | Some(Value::Null) => None,
            Some(Value::String(kind)) => Some(kind),
            Some(_) => return Err(TokenAnswerError::TokenTypeNotText),
        };
        let expires_in = match map.remove("expires_in") {
            None | Some(Value::Null) => None,
            Some(Value::Number(number)) => Some(seconds_of_number(&number)?),
            Some(Value::String(text)) => Some(seconds_of_text(&text)?),
            Some(_) => return Err(TokenAnswerError::ExpiresInNotANumber),
        };
        Ok(Self {
            token_type,
            access_token,
            expires_in,
        })
    }

    /// How long the token lives: `expires_in`, or [`DEFAULT_TOKEN_LIFETIME`] when absent, at most
    /// [`MAX_TOKEN_LIFETIME`].
    pub(crate) fn lifetime(&self) -> Duration {
        self.expires_in
            .map(|seconds| Duration::from_secs(seconds.min(MAX_TOKEN_LIFETIME.as_secs())))
            .unwrap_or(DEFAULT_TOKEN_LIFETIME)
    }
}

/// A JSON number of seconds: integers as they are, finite non-negative fractions truncated
/// (saturating at `u64::MAX`), negative ones refused.
fn seconds_of_number(number: &serde_json::Number) -> Result<u64, TokenAnswerError> {
    if let Some(seconds) = number.as_u64() {
        return Ok(seconds);
    }
    match number.as_f64() {
        Some(f) if f.is_finite() && f >= 0.0 => Ok(f as u64),
        Some(f) if f < 0.0 => Err(TokenAnswerError::ExpiresInNegative),
        _ => Err(TokenAnswerError::ExpiresInNotANumber),
    }
}

/// A numeric text of seconds (`"3600"`, `" 3600.0 "`), read like a number.
fn seconds_of_text(text: &str) -> Result<u64, TokenAnswerError> {
    let text = text.trim();
    let numeric = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E'));
    if !numeric {
        return Err(TokenAnswerError::ExpiresInNotANumber);
    }
    if let Ok(seconds) = text.parse::<u64>() {
        return Ok(seconds);
    }
    match text.parse::<f64>() {
        Ok(f) if f.is_finite() && f >= 0.0 => Ok(f as u64),
        Ok(f) if f < 0.0 => Err(TokenAnswerError::ExpiresInNegative),
        _ => Err(TokenAnswerError::ExpiresInNotANumber),
    }
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
    use proptest::prelude::*;

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
        let n =
            TokenWire::parse(br#"{"token_type":"Bearer","access_token":"a","expires_in":3600}"#)
                .unwrap();
        let t =
            TokenWire::parse(br#"{"access_token":"a","expires_in":"3600","scope":"x"}"#).unwrap();
        assert_eq!((n.expires_in, t.expires_in), (Some(3600), Some(3600)));
        assert!(TokenWire::parse(br#"{"access_token":"a","expires_in":"soon"}"#).is_err());
    }

    #[test]
    fn expires_in_may_be_absent_huge_or_fractional_but_not_negative() {
        let parse = |body: &str| TokenWire::parse(body.as_bytes());
        let absent = parse(r#"{"access_token":"a"}"#).unwrap();
        assert_eq!(absent.expires_in, None);
        assert_eq!(absent.lifetime(), DEFAULT_TOKEN_LIFETIME);
        assert_eq!(
            parse(r#"{"access_token":"a","expires_in":null}"#)
                .unwrap()
                .lifetime(),
            DEFAULT_TOKEN_LIFETIME
        );
        for huge in [
            "18446744073709551615",
            "1e300",
            "\"99999999999999999999999\"",
            "1.7976931348623157e308",
        ] {
            let body = format!(r#"{{"access_token":"a","expires_in":{huge}}}"#);
            assert_eq!(
                parse(&body).unwrap().lifetime(),
                MAX_TOKEN_LIFETIME,
                "{huge}"
            );
        }
        assert_eq!(
            parse(r#"{"access_token":"a","expires_in":59.9}"#)
                .unwrap()
                .lifetime(),
            Duration::from_secs(59)
        );
        for negative in ["-1", "-0.5", "\"-3600\"", "-1e300"] {
            let body = format!(r#"{{"access_token":"a","expires_in":{negative}}}"#);
            assert_eq!(
                parse(&body).err(),
                Some(TokenAnswerError::ExpiresInNegative),
                "{negative}"
            );
        }
        for odd in [
            "true",
            "[]",
            "{}",
            "\"\"",
            "\"NaN\"",
            "\"inf\"",
            "\"1e999\"",
        ] {
            let body = format!(r#"{{"access_token":"a","expires_in":{odd}}}"#);
            assert_eq!(
                parse(&body).err(),
                Some(TokenAnswerError::ExpiresInNotANumber),
                "{odd}"
            );
        }
    }

    #[test]
    fn errors_name_the_problem_and_never_quote_the_answer() {
        let cases: [(&[u8], TokenAnswerError); 8] = [
            (b"", TokenAnswerError::Empty),
            (
                b"access_token=tok-secret-1&expires_in=3600",
                TokenAnswerError::NotJson,
            ),
            (
                br#"{"access_token":"tok-secret-1","expires_in":3600"#,
                TokenAnswerError::NotJson,
            ),
            (br#"["tok-secret-1"]"#, TokenAnswerError::NotAnObject),
            (
                br#"{"token":"tok-secret-1"}"#,
                TokenAnswerError::NoAccessToken,
            ),
            (br#"{"access_token":""}"#, TokenAnswerError::NoAccessToken),
            (
                br#"{"access_token":12345678}"#,
                TokenAnswerError::AccessTokenNotText,
            ),
            (
                br#"{"access_token":"tok-secret-1","token_type":7}"#,
                TokenAnswerError::TokenTypeNotText,
            ),
        ];
        for (body, expected) in cases {
            let error = TokenWire::parse(body).err();
            assert_eq!(error.as_ref(), Some(&expected));
            assert!(!expected.to_string().contains("tok-secret"));
        }
        let deep = format!(
            r#"{{"access_token":"a","x":{}{}}}"#,
            "[".repeat(500),
            "]".repeat(500)
        );
        assert_eq!(
            TokenWire::parse(deep.as_bytes()).err(),
            Some(TokenAnswerError::TooDeep)
        );
    }

    proptest! {
        #[test]
        fn any_answer_is_read_or_refused_without_panic(body in proptest::collection::vec(any::<u8>(), 0..512)) {
            if let Err(error) = TokenWire::parse(&body) {
                prop_assert!(!error.to_string().is_empty());
            }
        }

        #[test]
        fn any_expires_in_gives_a_bounded_lifetime(
            number in any::<f64>(),
            integer in any::<i128>(),
            text in "\\PC{0,30}",
        ) {
            let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
            for value in [
                serde_json::json!(number),
                serde_json::json!(integer.to_string().parse::<f64>().unwrap_or(0.0)),
                serde_json::json!(integer.to_string()),
                serde_json::json!(text.clone()),
            ] {
                let body = serde_json::json!({"access_token": "a", "expires_in": value}).to_string();
                if let Ok(wire) = TokenWire::parse(body.as_bytes()) {
                    let lifetime = wire.lifetime();
                    prop_assert!(lifetime <= MAX_TOKEN_LIFETIME);
                    prop_assert!(now.checked_add(lifetime).is_some());
                }
            }
        }
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
