//! Turning the Postman environment users already have into a profile.
//!
//! Why: today's users keep their host, contract and API key in a Postman environment export. Importing
//! it saves retyping (and mistyping) a long key; placeholders from the user guide's template are
//! reported as "still to fill in", never stored as if they were values, and the expired `Token` is
//! dropped.

use crate::error::CoreError;
use crate::postman::parse_postman_environment;
use crate::profiles::{check_profile_name, Profile, ProfileStore};
use crate::secrets::{Keychain, SecretKind};
use serde::Serialize;
use std::path::Path;

/// What an import did, for the CLI and the UI to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportReport {
    /// The profile created.
    pub profile: String,
    /// Settings taken from the file (names, never values of secrets).
    pub imported: Vec<String>,
    /// Settings still to fill in by hand (placeholders in the file, or absent from Postman exports
    /// altogether: the client id and client secret).
    pub to_fill_in: Vec<String>,
    /// Keys of the file that were not taken (the expired token, disabled or unknown keys).
    pub ignored: Vec<String>,
}

/// Reads a Postman environment export and creates a profile from it (the API key goes to the
/// keychain). `name` defaults to the environment's own name, made fit for a profile name.
pub fn import_postman_environment(
    path: &Path,
    name: Option<&str>,
    store: &ProfileStore,
    keychain: &Keychain,
) -> Result<ImportReport, CoreError> {
    let text = std::fs::read_to_string(path).map_err(|source| CoreError::Io {
        path: path.to_owned(),
        source,
    })?;
    let environment = parse_postman_environment(&text)?;
    let profile_name = match name {
        Some(name) => name.to_owned(),
        None => profile_name_from(&environment.name),
    };
    check_profile_name(&profile_name)?;
    let profile = Profile {
        name: profile_name.clone(),
        host: environment.host.clone(),
        oauth_host: environment.oauth_host.clone(),
        client_id: None,
        default_contract: environment.contract.clone(),
    };
    store.add(&profile)?;
    // Whatever an earlier profile of this name kept, a token is never inherited by an import. (No
    // keychain at all: then nothing was kept either, and a file without an API key still imports.)
    if let Err(error) = keychain.delete(&profile_name, SecretKind::AccessToken) {
        tracing::warn!(%error, "could not check the keychain for an old token");
    }
    let mut imported = Vec::new();
    if environment.host.is_some() {
        imported.push("host".to_owned());
    }
    if environment.oauth_host.is_some() {
        imported.push("oauth host".to_owned());
    }
    if environment.contract.is_some() {
        imported.push("contract".to_owned());
    }
    if let Some(key) = &environment.api_key {
        if let Err(error) = keychain.set(&profile_name, SecretKind::ApiKey, key) {
            // Do not leave a half-made profile behind.
            let _ = store.remove(&profile_name);
            return Err(error);
        }
        imported.push("API key (in the keychain)".to_owned());
    }
    let mut to_fill_in = environment.to_fill_in.clone();
    to_fill_in.push("client id".to_owned());
    to_fill_in.push("client secret".to_owned());
    Ok(ImportReport {
        profile: profile_name,
        imported,
        to_fill_in,
        ignored: environment.ignored,
    })
}

/// A profile name from a Postman environment name: unsupported characters become `-`.
fn profile_name_from(environment: &str) -> String {
    let cleaned: String = environment
        .trim()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '-'
            }
        })
        .take(64)
        .collect();
    if cleaned.trim_matches('-').is_empty() {
        "postman".to_owned()
    } else {
        cleaned
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secrets::MemoryKeychain;
    use std::sync::Arc;

    #[test]
    fn the_user_guides_file_gives_a_profile_with_placeholders_reported() {
        let dir = tempfile::tempdir().unwrap();
        let store = ProfileStore::at(dir.path().join("config"));
        let keychain = Keychain::with_backend(Arc::new(MemoryKeychain::default()));
        let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/OrangeCloud_API.postman_environment.json");
        let report = import_postman_environment(&fixture, None, &store, &keychain).unwrap();
        assert_eq!(report.profile, "OrangeCloud_API");
        let profile = store.require("OrangeCloud_API").unwrap();
        assert_eq!(
            profile.host.as_deref(),
            Some("https://api.orange.com/cloud/b2b/v1")
        );
        assert_eq!(
            profile.oauth_host.as_deref(),
            Some("https://api.orange.com/oauth/v3")
        );
        assert_eq!(profile.default_contract, None);
        assert!(report.to_fill_in.iter().any(|k| k == "X-API-Key"));
        assert!(report.to_fill_in.iter().any(|k| k == "Contract-Id"));
        assert!(report.ignored.iter().any(|k| k == "Token"));
        assert!(
            !keychain.status("OrangeCloud_API").unwrap().api_key,
            "a placeholder is not stored"
        );
    }

    #[test]
    fn a_filled_environment_stores_the_key_in_the_keychain() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("env.json");
        std::fs::write(
            &file,
            r#"{"name":"Prod env","values":[{"key":"x-api-key","value":"AbCdEf0123456789AbCdEf0123456789","enabled":true},{"key":"CONTRACT-ID","value":"OCB0001234","enabled":true}]}"#,
        )
        .unwrap();
        let store = ProfileStore::at(dir.path().join("config"));
        let keychain = Keychain::with_backend(Arc::new(MemoryKeychain::default()));
        let report = import_postman_environment(&file, Some("prod"), &store, &keychain).unwrap();
        assert_eq!(report.profile, "prod");
        assert!(keychain.status("prod").unwrap().api_key);
        assert_eq!(
            store
                .require("prod")
                .unwrap()
                .default_contract
                .unwrap()
                .as_str(),
            "OCB0001234"
        );
        let config = std::fs::read_to_string(store.file()).unwrap();
        assert!(
            !config.contains("AbCdEf0123456789"),
            "the key never lands in the config file"
        );
    }
}
