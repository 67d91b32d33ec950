//! Secrets in the OS keychain: one entry per profile and secret, service `customer-space`.
//!
//! Why: the client secret and the API key open a company's billing data; they belong in the OS's
//! secret store (Keychain on macOS, Credential Manager on Windows, Secret Service on Linux), never in
//! a file. When no keychain is reachable (a headless server running `ccs` from cron) we say so and
//! point at the environment variables; we never fall back to a file.

use crate::account::AccountKey;
use crate::error::CoreError;
use ccs_api::{AccessToken, ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The keychain service name every entry is filed under.
pub const KEYCHAIN_SERVICE: &str = "customer-space";

/// The secrets a profile can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SecretKind {
    /// The OAuth client secret.
    ClientSecret,
    /// The `X-API-Key`.
    ApiKey,
    /// The cached access token with its expiry (so scripts stay under 50 token requests a minute).
    AccessToken,
}

impl SecretKind {
    /// Every kind, for moving or removing a profile's entries.
    pub const ALL: [SecretKind; 3] = [
        SecretKind::ClientSecret,
        SecretKind::ApiKey,
        SecretKind::AccessToken,
    ];

    fn suffix(self) -> &'static str {
        match self {
            SecretKind::ClientSecret => "client-secret",
            SecretKind::ApiKey => "api-key",
            SecretKind::AccessToken => "access-token",
        }
    }
}

/// The keychain entry of the app's manual proxy password (one per user, not per profile; no profile
/// entry can clash with it: those end in `:client-secret`, `:api-key` or `:access-token`).
pub const PROXY_PASSWORD_ENTRY: &str = "app:proxy-password";

/// The keychain entry's user name for a profile's secret.
pub fn entry_name(profile: &str, kind: SecretKind) -> String {
    format!("{profile}:{}", kind.suffix())
}

/// A place that keeps secret strings by name: the OS keychain, or memory in unit tests.
pub trait SecretBackend: Send + Sync {
    /// The value, or `None` when there is no such entry.
    fn get(&self, name: &str) -> Result<Option<String>, CoreError>;
    /// Stores (or replaces) a value.
    fn set(&self, name: &str, value: &str) -> Result<(), CoreError>;
    /// Removes an entry; a missing one is fine.
    fn delete(&self, name: &str) -> Result<(), CoreError>;
}

/// The OS keychain through the `keyring` crate.
#[derive(Debug, Default, Clone, Copy)]
pub struct OsKeychain;

fn keyring_error(error: keyring::Error) -> CoreError {
    CoreError::KeychainUnavailable {
        detail: error.to_string(),
    }
}

impl OsKeychain {
    fn entry(name: &str) -> Result<keyring::Entry, CoreError> {
        keyring::Entry::new(KEYCHAIN_SERVICE, name).map_err(keyring_error)
    }
}

impl SecretBackend for OsKeychain {
    fn get(&self, name: &str) -> Result<Option<String>, CoreError> {
        match Self::entry(name)?.get_password() {
            Ok(value) => Ok(Some(value)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(error) => Err(keyring_error(error)),
        }
    }

    fn set(&self, name: &str, value: &str) -> Result<(), CoreError> {
        Self::entry(name)?
            .set_password(value)
            .map_err(keyring_error)
    }

    fn delete(&self, name: &str) -> Result<(), CoreError> {
        match Self::entry(name)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(error) => Err(keyring_error(error)),
        }
    }
}

/// Secrets in memory, for unit tests (the real keychain is tested in an isolated session).
#[derive(Debug, Default)]
pub struct MemoryKeychain {
    values: Mutex<HashMap<String, String>>,
}

impl SecretBackend for MemoryKeychain {
    fn get(&self, name: &str) -> Result<Option<String>, CoreError> {
        Ok(self
            .values
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(name)
            .cloned())
    }

    fn set(&self, name: &str, value: &str) -> Result<(), CoreError> {
        self.values
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(name.to_owned(), value.to_owned());
        Ok(())
    }

    fn delete(&self, name: &str) -> Result<(), CoreError> {
        self.values
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(name);
        Ok(())
    }
}

/// Which secrets a profile has stored: all the UI ever learns about them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SecretStatus {
    /// The client secret is stored.
    pub client_secret: bool,
    /// The API key is stored.
    pub api_key: bool,
}

/// A cached token as kept in the keychain, with the account it was issued for.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct StoredToken {
    token: String,
    expires_at_unix: u64,
    lifetime_secs: u64,
    /// The [`AccountKey`] of the client id and hosts the token was issued for. Tokens kept before
    /// it existed have none and are never reused.
    #[serde(default)]
    account: Option<AccountKey>,
}

/// A profile-aware view of a [`SecretBackend`].
#[derive(Clone)]
pub struct Keychain {
    backend: Arc<dyn SecretBackend>,
}

impl std::fmt::Debug for Keychain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Keychain")
    }
}

impl Keychain {
    /// The OS keychain.
    pub fn os() -> Self {
        Self {
            backend: Arc::new(OsKeychain),
        }
    }

    /// A keychain over any backend (tests use [`MemoryKeychain`]).
    pub fn with_backend(backend: Arc<dyn SecretBackend>) -> Self {
        Self { backend }
    }

    /// A profile's secret, if stored.
    pub fn get(&self, profile: &str, kind: SecretKind) -> Result<Option<SecretString>, CoreError> {
        Ok(self
            .backend
            .get(&entry_name(profile, kind))?
            .map(SecretString::from))
    }

    /// Stores a profile's secret.
    pub fn set(
        &self,
        profile: &str,
        kind: SecretKind,
        value: &SecretString,
    ) -> Result<(), CoreError> {
        self.backend
            .set(&entry_name(profile, kind), value.expose_secret())
    }

    /// Removes a profile's secret.
    pub fn delete(&self, profile: &str, kind: SecretKind) -> Result<(), CoreError> {
        self.backend.delete(&entry_name(profile, kind))
    }

    /// Stored / not stored, for display.
    pub fn status(&self, profile: &str) -> Result<SecretStatus, CoreError> {
        Ok(SecretStatus {
            client_secret: self.get(profile, SecretKind::ClientSecret)?.is_some(),
            api_key: self.get(profile, SecretKind::ApiKey)?.is_some(),
        })
    }

    /// Moves every entry of a renamed profile.
    pub fn rename_profile(&self, old: &str, new: &str) -> Result<(), CoreError> {
        for kind in SecretKind::ALL {
            if let Some(value) = self.get(old, kind)? {
                self.set(new, kind, &value)?;
                self.delete(old, kind)?;
            }
        }
        Ok(())
    }

    /// Removes every entry of a removed profile.
    pub fn remove_profile(&self, profile: &str) -> Result<(), CoreError> {
        for kind in SecretKind::ALL {
            self.delete(profile, kind)?;
        }
        Ok(())
    }

    /// The manual proxy's password, if stored.
    pub fn proxy_password(&self) -> Result<Option<SecretString>, CoreError> {
        Ok(self
            .backend
            .get(PROXY_PASSWORD_ENTRY)?
            .map(SecretString::from))
    }

    /// Stores the manual proxy's password.
    pub fn set_proxy_password(&self, password: &SecretString) -> Result<(), CoreError> {
        self.backend
            .set(PROXY_PASSWORD_ENTRY, password.expose_secret())
    }

    /// Removes the manual proxy's password (none stored is fine).
    pub fn delete_proxy_password(&self) -> Result<(), CoreError> {
        self.backend.delete(PROXY_PASSWORD_ENTRY)
    }

    /// The cached access token of a profile, if any, readable and issued for `account`. A token kept
    /// for another account (the profile's client id or a host changed since) is removed, never
    /// returned: it must not reach a host it was not issued for.
    pub fn load_token(
        &self,
        profile: &str,
        account: &AccountKey,
    ) -> Result<Option<AccessToken>, CoreError> {
        let Some(text) = self.get(profile, SecretKind::AccessToken)? else {
            return Ok(None);
        };
        let stored = serde_json::from_str::<StoredToken>(text.expose_secret()).ok();
        let Some(stored) = stored.filter(|s| s.account.as_ref() == Some(account)) else {
            self.delete(profile, SecretKind::AccessToken)?;
            return Ok(None);
        };
        Ok(Some(AccessToken::new(
            SecretString::from(stored.token),
            UNIX_EPOCH + Duration::from_secs(stored.expires_at_unix),
            Duration::from_secs(stored.lifetime_secs),
        )))
    }

    /// Keeps a profile's access token for the next run, with the account it was issued for.
    pub fn store_token(
        &self,
        profile: &str,
        account: &AccountKey,
        token: &AccessToken,
    ) -> Result<(), CoreError> {
        let stored = StoredToken {
            account: Some(account.clone()),
            token: token.secret().expose_secret().to_owned(),
            expires_at_unix: token
                .expires_at()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0),
            lifetime_secs: token.lifetime().as_secs(),
        };
        let text = serde_json::to_string(&stored).map_err(|e| CoreError::KeychainUnavailable {
            detail: e.to_string(),
        })?;
        self.set(profile, SecretKind::AccessToken, &SecretString::from(text))
    }
}

/// Seconds since the epoch, for token expiry bookkeeping.
pub fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn memory() -> Keychain {
        Keychain::with_backend(Arc::new(MemoryKeychain::default()))
    }

    #[test]
    fn stores_renames_and_removes_a_profiles_entries() {
        let keychain = memory();
        keychain
            .set("work", SecretKind::ClientSecret, &SecretString::from("s"))
            .unwrap();
        keychain
            .set("work", SecretKind::ApiKey, &SecretString::from("k"))
            .unwrap();
        assert_eq!(
            keychain.status("work").unwrap(),
            SecretStatus {
                client_secret: true,
                api_key: true
            }
        );
        keychain.rename_profile("work", "office").unwrap();
        assert_eq!(
            keychain.status("work").unwrap(),
            SecretStatus {
                client_secret: false,
                api_key: false
            }
        );
        assert_eq!(
            keychain
                .get("office", SecretKind::ApiKey)
                .unwrap()
                .unwrap()
                .expose_secret(),
            "k"
        );
        keychain.remove_profile("office").unwrap();
        assert_eq!(
            keychain.status("office").unwrap(),
            SecretStatus {
                client_secret: false,
                api_key: false
            }
        );
    }

    #[test]
    fn tokens_round_trip_with_their_expiry() {
        let keychain = memory();
        let expires = UNIX_EPOCH + Duration::from_secs(2_000_000_000);
        let token = AccessToken::new(
            SecretString::from("tok"),
            expires,
            Duration::from_secs(3600),
        );
        let account = AccountKey::new("id", "https://auth.example", "https://api.example");
        keychain.store_token("p", &account, &token).unwrap();
        let back = keychain.load_token("p", &account).unwrap().unwrap();
        assert_eq!(back.secret().expose_secret(), "tok");
        assert_eq!(back.expires_at(), expires);
        assert_eq!(back.lifetime(), Duration::from_secs(3600));
    }

    #[test]
    fn a_token_of_another_account_is_dropped_not_returned() {
        let keychain = memory();
        let token = AccessToken::new(
            SecretString::from("tok"),
            UNIX_EPOCH + Duration::from_secs(2_000_000_000),
            Duration::from_secs(3600),
        );
        let issued_for = AccountKey::new("id", "https://auth.example", "https://a.example");
        let now = AccountKey::new("id", "https://auth.example", "https://b.example");
        keychain.store_token("p", &issued_for, &token).unwrap();
        assert!(keychain.load_token("p", &now).unwrap().is_none());
        assert!(
            keychain
                .get("p", SecretKind::AccessToken)
                .unwrap()
                .is_none(),
            "the stranger's token is removed from the keychain"
        );
        // A token kept before tokens named their account is not reused either.
        keychain
            .set(
                "p",
                SecretKind::AccessToken,
                &SecretString::from(
                    r#"{"token":"old","expiresAtUnix":2000000000,"lifetimeSecs":3600}"#,
                ),
            )
            .unwrap();
        assert!(keychain.load_token("p", &issued_for).unwrap().is_none());
    }
}
