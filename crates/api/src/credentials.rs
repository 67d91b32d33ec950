//! The three things a caller needs to reach the API, with the two secrets kept out of every output.
//!
//! Why: the client secret and the API key open a company's billing data. Holding them in
//! [`SecretString`] means they are zeroised on drop, never `Serialize`d, and every `Debug` of a struct
//! that holds them prints `[REDACTED]` instead of the value.

use crate::ids::ClientId;
use secrecy::{ExposeSecret, SecretString};
use std::fmt;

/// Client id, client secret and API key of one Orange developer application.
#[derive(Clone)]
pub struct Credentials {
    /// The OAuth client id (not secret).
    pub client_id: ClientId,
    /// The OAuth client secret, used only in the token request's Basic header.
    pub client_secret: SecretString,
    /// The `X-API-Key` that Orange's support gives for a customer-space login.
    pub api_key: SecretString,
}

impl Credentials {
    /// Builds credentials; white space around each value (from a paste) is removed.
    pub fn new(
        client_id: impl AsRef<str>,
        client_secret: impl AsRef<str>,
        api_key: impl AsRef<str>,
    ) -> Self {
        Self {
            client_id: ClientId::new(client_id),
            client_secret: SecretString::from(client_secret.as_ref().trim().to_owned()),
            api_key: SecretString::from(api_key.as_ref().trim().to_owned()),
        }
    }

    /// The secret values, so that text coming back from a server can be scrubbed of them.
    pub(crate) fn secret_values(&self) -> [&str; 2] {
        [
            self.client_secret.expose_secret(),
            self.api_key.expose_secret(),
        ]
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("client_id", &self.client_id.as_str())
            .field("client_secret", &"[REDACTED]")
            .field("api_key", &"[REDACTED]")
            .finish()
    }
}

/// Replaces known secret values in text that came from outside (a server's error message could echo a
/// header back), so that no error, log line or UI text ever carries them.
#[derive(Clone, Default)]
pub(crate) struct Redactor {
    secrets: Vec<SecretString>,
}

impl Redactor {
    /// A redactor for these credentials.
    pub(crate) fn for_credentials(credentials: &Credentials) -> Self {
        Self {
            secrets: credentials
                .secret_values()
                .iter()
                .filter(|value| value.len() >= 4)
                .map(|value| SecretString::from((*value).to_owned()))
                .collect(),
        }
    }

    /// Also hides this value (an access token).
    pub(crate) fn with(mut self, extra: &str) -> Self {
        if extra.len() >= 4 {
            self.secrets.push(SecretString::from(extra.to_owned()));
        }
        self
    }

    /// The text with every known secret replaced by `[REDACTED]`.
    pub(crate) fn scrub(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for secret in &self.secrets {
            let value = secret.expose_secret();
            if out.contains(value) {
                out = out.replace(value, "[REDACTED]");
            }
        }
        out
    }
}

impl fmt::Debug for Redactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Redactor({} secrets)", self.secrets.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_secrets() {
        let credentials = Credentials::new("my-client", "s3cr3t-value", "api-key-value");
        let text = format!("{credentials:?} {:?}", credentials.clone());
        assert!(text.contains("my-client"));
        assert!(!text.contains("s3cr3t-value") && !text.contains("api-key-value"));
    }

    #[test]
    fn redactor_scrubs_echoed_secrets() {
        let credentials = Credentials::new("id", "s3cr3t-value", "api-key-value");
        let redactor = Redactor::for_credentials(&credentials).with("tok-123456");
        let out = redactor.scrub("bad key api-key-value with s3cr3t-value and tok-123456");
        assert_eq!(out, "bad key [REDACTED] with [REDACTED] and [REDACTED]");
    }
}
