//! Where each setting comes from: flags, then environment, then the profile.
//!
//! Why: a script sets `CCS_*` variables, a person picks a profile, a one-off call passes `--host`.
//! The order is fixed and the same in the CLI and the app: flags beat the environment, which beats
//! the profile (even when `--profile` is given). Secrets come only from the environment or the
//! keychain, never from flags, which other users can read in the process list.

use crate::error::{CoreError, Setting};
use crate::profiles::{Profile, ProfileStore};
use crate::secrets::{Keychain, SecretKind};
use ccs_api::{
    ContractId, Credentials, ExposeSecret, SecretString, DEFAULT_API_BASE, DEFAULT_OAUTH_BASE,
};

/// `CCS_CLIENT_ID`.
pub const ENV_CLIENT_ID: &str = "CCS_CLIENT_ID";
/// `CCS_CLIENT_SECRET`.
pub const ENV_CLIENT_SECRET: &str = "CCS_CLIENT_SECRET";
/// `CCS_API_KEY`.
pub const ENV_API_KEY: &str = "CCS_API_KEY";
/// `CCS_HOST`.
pub const ENV_HOST: &str = "CCS_HOST";
/// `CCS_OAUTH_HOST`.
pub const ENV_OAUTH_HOST: &str = "CCS_OAUTH_HOST";
/// `CCS_CONTRACT`.
pub const ENV_CONTRACT: &str = "CCS_CONTRACT";

/// Settings given for this call (command-line flags, or the app's current choice).
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// `--profile`.
    pub profile: Option<String>,
    /// `--host`.
    pub host: Option<String>,
    /// `--oauth-host`.
    pub oauth_host: Option<String>,
    /// `--contract`.
    pub contract: Option<String>,
}

/// Settings from the environment.
#[derive(Debug, Clone, Default)]
pub struct EnvSettings {
    /// `CCS_CLIENT_ID`.
    pub client_id: Option<String>,
    /// `CCS_HOST`.
    pub host: Option<String>,
    /// `CCS_OAUTH_HOST`.
    pub oauth_host: Option<String>,
    /// `CCS_CONTRACT`.
    pub contract: Option<String>,
    /// `CCS_CLIENT_SECRET`.
    pub client_secret: Option<SecretString>,
    /// `CCS_API_KEY`.
    pub api_key: Option<SecretString>,
}

impl EnvSettings {
    /// Reads the `CCS_*` variables of this process; empty ones count as unset.
    pub fn from_process() -> Self {
        let var = |name| {
            std::env::var(name)
                .ok()
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        Self {
            client_id: var(ENV_CLIENT_ID),
            host: var(ENV_HOST),
            oauth_host: var(ENV_OAUTH_HOST),
            contract: var(ENV_CONTRACT),
            client_secret: var(ENV_CLIENT_SECRET).map(SecretString::from),
            api_key: var(ENV_API_KEY).map(SecretString::from),
        }
    }
}

/// Everything needed to talk to the API, resolved.
#[derive(Debug, Clone)]
pub struct Connection {
    /// The profile in use, if any.
    pub profile: Option<String>,
    /// API base URL.
    pub api_base: String,
    /// OAuth base URL.
    pub oauth_base: String,
    /// The contract to use when a command needs one and names none.
    pub contract: Option<ContractId>,
    /// Client id and the two secrets.
    pub credentials: Credentials,
    /// The profile whose keychain keeps the access token between runs: set only when both secrets
    /// came from that profile's keychain (with secrets from the environment, no token is stored).
    pub token_profile: Option<String>,
}

impl Connection {
    /// The contract, or an error that says the three ways to give one.
    pub fn require_contract(&self) -> Result<ContractId, CoreError> {
        self.contract.clone().ok_or_else(|| CoreError::MissingSetting {
            what: Setting::Contract,
            hint: format!(
                "Pass --contract OCB0001234, set {ENV_CONTRACT}, or give the profile a default contract (`ccs profile set NAME --contract ID`)."
            ),
        })
    }
}

/// Picks the profile: the one named, else the default one (there may be none).
pub fn select_profile(
    store: &ProfileStore,
    overrides: &Overrides,
) -> Result<Option<Profile>, CoreError> {
    match &overrides.profile {
        Some(name) => store.require(name).map(Some),
        None => match store.default_name()? {
            Some(name) => store.get(&name),
            None => Ok(None),
        },
    }
}

/// Parses a contract id from a flag, the environment or a profile, naming the field on error.
pub fn parse_contract(text: &str) -> Result<ContractId, CoreError> {
    ContractId::parse(text).map_err(|e| CoreError::InvalidInput {
        fields: vec![crate::validate::contract_id_problem("contract", &e)],
    })
}

/// Resolves every setting for one call.
pub fn resolve(
    store: &ProfileStore,
    keychain: &Keychain,
    overrides: &Overrides,
    env: &EnvSettings,
) -> Result<Connection, CoreError> {
    let profile = select_profile(store, overrides)?;
    let from_profile = |get: fn(&Profile) -> Option<String>| profile.as_ref().and_then(get);
    let api_base = overrides
        .host
        .clone()
        .or_else(|| env.host.clone())
        .or_else(|| from_profile(|p| p.host.clone()))
        .unwrap_or_else(|| DEFAULT_API_BASE.to_owned());
    let oauth_base = overrides
        .oauth_host
        .clone()
        .or_else(|| env.oauth_host.clone())
        .or_else(|| from_profile(|p| p.oauth_host.clone()))
        .unwrap_or_else(|| DEFAULT_OAUTH_BASE.to_owned());
    let contract = match overrides.contract.clone().or_else(|| env.contract.clone()) {
        Some(text) => Some(parse_contract(&text)?),
        None => profile.as_ref().and_then(|p| p.default_contract.clone()),
    };
    let client_id = env
        .client_id
        .clone()
        .or_else(|| from_profile(|p| p.client_id.clone()))
        .ok_or_else(|| CoreError::MissingSetting {
            what: Setting::ClientId,
            hint: format!(
                "Add a profile with `ccs profile add NAME --client-id ID`, or set {ENV_CLIENT_ID} (with {ENV_CLIENT_SECRET} and {ENV_API_KEY})."
            ),
        })?;
    let profile_name = profile.as_ref().map(|p| p.name.clone());
    let (client_secret, secret_from_keychain) = secret(
        keychain,
        profile_name.as_deref(),
        env.client_secret.clone(),
        SecretKind::ClientSecret,
    )?;
    let (api_key, key_from_keychain) = secret(
        keychain,
        profile_name.as_deref(),
        env.api_key.clone(),
        SecretKind::ApiKey,
    )?;
    // A kept token belongs to the profile's client, OAuth server and API host: when the environment
    // or a flag names another one, neither reuse that token (it would be sent to another host) nor
    // replace it.
    let profile_client = from_profile(|p| p.client_id.clone());
    let profile_oauth =
        from_profile(|p| p.oauth_host.clone()).unwrap_or_else(|| DEFAULT_OAUTH_BASE.to_owned());
    let profile_api =
        from_profile(|p| p.host.clone()).unwrap_or_else(|| DEFAULT_API_BASE.to_owned());
    let same_url = |a: &str, b: &str| a.trim_end_matches('/') == b.trim_end_matches('/');
    let same_client = profile_client.as_deref() == Some(client_id.as_str())
        && same_url(&profile_oauth, &oauth_base)
        && same_url(&profile_api, &api_base);
    let token_profile = profile_name
        .clone()
        .filter(|_| secret_from_keychain && key_from_keychain && same_client);
    Ok(Connection {
        profile: profile_name,
        api_base,
        oauth_base,
        contract,
        credentials: Credentials::new(
            client_id,
            client_secret.expose_secret(),
            api_key.expose_secret(),
        ),
        token_profile,
    })
}

/// One secret: from the environment, else from the profile's keychain entry.
fn secret(
    keychain: &Keychain,
    profile: Option<&str>,
    from_env: Option<SecretString>,
    kind: SecretKind,
) -> Result<(SecretString, bool), CoreError> {
    let (setting, variable) = match kind {
        SecretKind::ClientSecret => (Setting::ClientSecret, ENV_CLIENT_SECRET),
        _ => (Setting::ApiKey, ENV_API_KEY),
    };
    let what = setting.as_str();
    if let Some(value) = from_env {
        return Ok((value, false));
    }
    let Some(profile) = profile else {
        return Err(CoreError::MissingSetting {
            what: setting,
            hint: format!(
                "Add a profile with `ccs profile add NAME --client-id ID`, or set {variable}."
            ),
        });
    };
    match keychain.get(profile, kind)? {
        Some(value) => Ok((value, true)),
        None => Err(CoreError::MissingSecret {
            profile: profile.to_owned(),
            what,
            variable,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;
    use crate::secrets::MemoryKeychain;
    use std::sync::Arc;

    fn setup() -> (tempfile::TempDir, ProfileStore, Keychain) {
        let dir = tempfile::tempdir().unwrap();
        let store = ProfileStore::at(dir.path());
        let keychain = Keychain::with_backend(Arc::new(MemoryKeychain::default()));
        store
            .add(&Profile {
                name: "work".into(),
                host: Some("https://profile.example/api".into()),
                oauth_host: None,
                client_id: Some("profile-id".into()),
                default_contract: Some(ContractId::from_server("OCB0000001")),
            })
            .unwrap();
        keychain
            .set(
                "work",
                SecretKind::ClientSecret,
                &SecretString::from("kc-secret"),
            )
            .unwrap();
        keychain
            .set("work", SecretKind::ApiKey, &SecretString::from("kc-key"))
            .unwrap();
        (dir, store, keychain)
    }

    #[test]
    fn flags_beat_environment_which_beats_the_profile() {
        let (_dir, store, keychain) = setup();
        let env = EnvSettings {
            host: Some("https://env.example/api".into()),
            contract: Some("OCB0000002".into()),
            ..EnvSettings::default()
        };
        let overrides = Overrides {
            profile: Some("work".into()),
            ..Overrides::default()
        };
        let c = resolve(&store, &keychain, &overrides, &env).unwrap();
        assert_eq!(
            c.api_base, "https://env.example/api",
            "environment beats the named profile"
        );
        assert_eq!(c.contract.unwrap().as_str(), "OCB0000002");
        assert_eq!(c.oauth_base, DEFAULT_OAUTH_BASE);
        assert_eq!(
            c.token_profile, None,
            "the profile's token is never sent to another API host"
        );
        let flags = Overrides {
            host: Some("https://flag.example/api".into()),
            contract: Some("OCB0000003".into()),
            ..overrides
        };
        let c = resolve(&store, &keychain, &flags, &env).unwrap();
        assert_eq!(c.api_base, "https://flag.example/api");
        assert_eq!(c.contract.unwrap().as_str(), "OCB0000003");
    }

    #[test]
    fn another_client_id_or_oauth_host_does_not_use_the_kept_token() {
        let (_dir, store, keychain) = setup();
        for env in [
            EnvSettings {
                client_id: Some("someone-else".into()),
                ..EnvSettings::default()
            },
            EnvSettings {
                oauth_host: Some("https://other.example/oauth".into()),
                ..EnvSettings::default()
            },
            EnvSettings {
                host: Some("https://other.example/api".into()),
                ..EnvSettings::default()
            },
        ] {
            let c = resolve(&store, &keychain, &Overrides::default(), &env).unwrap();
            assert_eq!(c.token_profile, None, "{env:?}");
        }
        let same = EnvSettings {
            client_id: Some("profile-id".into()),
            ..EnvSettings::default()
        };
        let c = resolve(&store, &keychain, &Overrides::default(), &same).unwrap();
        assert_eq!(c.token_profile.as_deref(), Some("work"));
    }

    #[test]
    fn secrets_from_the_environment_store_no_token() {
        let (_dir, store, keychain) = setup();
        let env = EnvSettings {
            client_secret: Some(SecretString::from("env-secret")),
            ..EnvSettings::default()
        };
        let c = resolve(&store, &keychain, &Overrides::default(), &env).unwrap();
        assert_eq!(c.credentials.client_secret.expose_secret(), "env-secret");
        assert_eq!(c.credentials.api_key.expose_secret(), "kc-key");
        assert_eq!(c.token_profile, None);
    }

    #[test]
    fn missing_pieces_say_where_to_set_them() {
        let dir = tempfile::tempdir().unwrap();
        let store = ProfileStore::at(dir.path());
        let keychain = Keychain::with_backend(Arc::new(MemoryKeychain::default()));
        let error = resolve(
            &store,
            &keychain,
            &Overrides::default(),
            &EnvSettings::default(),
        )
        .unwrap_err();
        assert_eq!(error.kind(), ErrorCode::MissingSetting);
        assert!(error.to_string().contains(ENV_CLIENT_ID));
        let named = Overrides {
            profile: Some("ghost".into()),
            ..Overrides::default()
        };
        assert_eq!(
            resolve(&store, &keychain, &named, &EnvSettings::default())
                .unwrap_err()
                .kind(),
            ErrorCode::ProfileNotFound
        );
        let bad = Overrides {
            contract: Some("OCB12".into()),
            ..Overrides::default()
        };
        let env = EnvSettings {
            client_id: Some("x".into()),
            ..EnvSettings::default()
        };
        assert_eq!(
            resolve(&store, &keychain, &bad, &env).unwrap_err().kind(),
            ErrorCode::InvalidInput
        );
    }
}
