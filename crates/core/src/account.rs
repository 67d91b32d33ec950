//! Which account a kept thing belongs to: a digest of the client id, the OAuth host and the API host.
//!
//! Why: a profile is a name, and what it points at can change under that name (`ccs profile set
//! NAME --host …`, an edit in the app, a rename). What was kept for one account — the access token
//! first, later the documents seen and the lists kept — is good for that account only: sent to
//! another host, a token leaks; shown under another account, data misleads. Everything kept per
//! account is stored with (or under) this key and dropped when the key no longer matches.
//!
//! The key is a digest, not the values: it names files and keychain payloads without spelling out
//! hosts or client ids, and two spellings of one host (`HTTPS://Api.Example/x/`) give one key.

use crate::profiles::Profile;
use crate::settings::Connection;
use ccs_api::{DEFAULT_API_BASE, DEFAULT_OAUTH_BASE};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;

/// The digest of (client id, OAuth host, API host): 32 lowercase hex characters.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AccountKey(String);

impl AccountKey {
    /// The key of a client id talking to these two hosts (URLs compared in their normal form:
    /// scheme and host in lower case, no trailing slash).
    pub fn new(client_id: &str, oauth_base: &str, api_base: &str) -> Self {
        let mut hasher = Sha256::new();
        for part in [
            client_id.trim().to_owned(),
            normal_url(oauth_base),
            normal_url(api_base),
        ] {
            // Length-prefixed, so that no two different triples hash the same bytes.
            hasher.update((part.len() as u64).to_le_bytes());
            hasher.update(part.as_bytes());
        }
        let digest = hasher.finalize();
        Self(digest[..16].iter().map(|b| format!("{b:02x}")).collect())
    }

    /// The account a resolved connection talks to.
    pub fn of_connection(connection: &Connection) -> Self {
        Self::new(
            connection.credentials.client_id.as_str(),
            &connection.oauth_base,
            &connection.api_base,
        )
    }

    /// The account a profile points at; `None` while it has no client id.
    pub fn of_profile(profile: &Profile) -> Option<Self> {
        let client_id = profile.client_id.as_deref()?;
        Some(Self::new(
            client_id,
            profile.oauth_host.as_deref().unwrap_or(DEFAULT_OAUTH_BASE),
            profile.host.as_deref().unwrap_or(DEFAULT_API_BASE),
        ))
    }

    /// The key as text (fit for a file name).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for AccountKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AccountKey({})", self.0)
    }
}

impl fmt::Display for AccountKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A base URL in the form two spellings of it share; text that is no URL is only trimmed.
fn normal_url(text: &str) -> String {
    let text = text.trim();
    match url::Url::parse(text) {
        Ok(url) => url.as_str().trim_end_matches('/').to_owned(),
        Err(_) => text.trim_end_matches('/').to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_account_whatever_the_spelling_of_its_hosts() {
        let a = AccountKey::new(
            "client",
            "https://auth.example/oauth/v3",
            "https://api.example/v1",
        );
        let b = AccountKey::new(
            " client ",
            "HTTPS://Auth.Example/oauth/v3/",
            "https://API.example/v1/",
        );
        assert_eq!(a, b);
        assert_eq!(a.as_str().len(), 32);
        assert!(a.as_str().chars().all(|c| c.is_ascii_hexdigit()));
    }

    #[test]
    fn any_change_of_client_or_host_is_another_account() {
        let base = AccountKey::new("client", "https://auth.example", "https://api.example");
        for other in [
            AccountKey::new("client2", "https://auth.example", "https://api.example"),
            AccountKey::new("client", "https://auth2.example", "https://api.example"),
            AccountKey::new("client", "https://auth.example", "https://api2.example"),
            // The parts are length-prefixed: moving text from one part to the next is no collision.
            AccountKey::new("clienthttps://auth.example", "", "https://api.example"),
        ] {
            assert_ne!(base, other);
        }
    }

    #[test]
    fn a_profile_without_hosts_is_orange_s_account() {
        let profile = Profile {
            name: "work".into(),
            client_id: Some("id".into()),
            ..Profile::default()
        };
        assert_eq!(
            AccountKey::of_profile(&profile),
            Some(AccountKey::new("id", DEFAULT_OAUTH_BASE, DEFAULT_API_BASE))
        );
        let no_client = Profile {
            client_id: None,
            ..profile
        };
        assert_eq!(AccountKey::of_profile(&no_client), None);
    }
}
