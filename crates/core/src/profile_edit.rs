//! Changing a profile: its settings in the file and its entries in the keychain, together.
//!
//! Why one place: the CLI and the app both add, change, rename and remove profiles, and each change
//! has a consequence beyond the file — a rename moves keychain entries, and any change of the client
//! id or a host makes the kept access token a stranger's, to be dropped before it can be sent to the
//! new host. Written twice, the two shells drifted (one dropped the token on a new client id, the
//! other did not); written here, they cannot.

use crate::account::AccountKey;
use crate::error::CoreError;
use crate::profiles::{check_profile_name, OldDemo, Profile, ProfileStore, OLD_DEMO_PROFILE};
use crate::secrets::{Keychain, SecretKind};
use ccs_api::SecretString;

/// Adds a new profile with its two secrets; nothing is left behind when either step fails.
pub fn add(
    store: &ProfileStore,
    keychain: &Keychain,
    profile: &Profile,
    client_secret: &SecretString,
    api_key: &SecretString,
) -> Result<(), CoreError> {
    check_profile_name(&profile.name)?;
    if store.get(&profile.name)?.is_some() {
        return Err(CoreError::ProfileExists {
            name: profile.name.clone(),
        });
    }
    store_secrets(keychain, &profile.name, Some(client_secret), Some(api_key))?;
    if let Err(error) = store.add(profile) {
        let _ = keychain.remove_profile(&profile.name);
        return Err(error);
    }
    Ok(())
}

/// Replaces a profile's settings; when its account changes (client id, OAuth host or API host),
/// the token kept for the old one is dropped.
pub fn update(
    store: &ProfileStore,
    keychain: &Keychain,
    profile: &Profile,
) -> Result<(), CoreError> {
    let before = store.require(&profile.name)?;
    store.update(profile)?;
    if AccountKey::of_profile(&before) != AccountKey::of_profile(profile) {
        keychain.delete(&profile.name, SecretKind::AccessToken)?;
    }
    Ok(())
}

/// Renames a profile with its keychain entries. The kept token is not carried over: the next call
/// fetches one for the renamed profile (a token names no profile, but nothing kept survives a change
/// of identity unchecked).
pub fn rename(
    store: &ProfileStore,
    keychain: &Keychain,
    old: &str,
    new: &str,
) -> Result<(), CoreError> {
    store.require(old)?;
    check_profile_name(new)?;
    if store.get(new)?.is_some() {
        return Err(CoreError::ProfileExists {
            name: new.to_owned(),
        });
    }
    keychain.rename_profile(old, new)?;
    if let Err(error) = store.rename(old, new) {
        let _ = keychain.rename_profile(new, old);
        return Err(error);
    }
    keychain.delete(new, SecretKind::AccessToken)
}

/// Stores new secrets of a profile; a token fetched with the old ones does not outlive them.
pub fn store_secrets(
    keychain: &Keychain,
    name: &str,
    client_secret: Option<&SecretString>,
    api_key: Option<&SecretString>,
) -> Result<(), CoreError> {
    if let Some(secret) = client_secret {
        keychain.set(name, SecretKind::ClientSecret, secret)?;
    }
    if let Some(key) = api_key {
        keychain.set(name, SecretKind::ApiKey, key)?;
    }
    if client_secret.is_some() || api_key.is_some() {
        keychain.delete(name, SecretKind::AccessToken)?;
    }
    Ok(())
}

/// Removes a profile and every keychain entry of it.
pub fn remove(store: &ProfileStore, keychain: &Keychain, name: &str) -> Result<(), CoreError> {
    store.require(name)?;
    keychain.remove_profile(name)?;
    store.remove(name)
}

/// Migrates the old demo profile once (see [`ProfileStore::migrate_old_demo`]); its keychain
/// entries held the old demo's throwaway credentials and are removed (each demo start writes its
/// own). A keychain that cannot be reached only warns: the file is what decides.
pub fn migrate_old_demo(store: &ProfileStore, keychain: &Keychain) -> Result<OldDemo, CoreError> {
    let outcome = store.migrate_old_demo()?;
    if outcome != OldDemo::None {
        if let Err(error) = keychain.remove_profile(OLD_DEMO_PROFILE) {
            tracing::warn!(%error, "the old demo profile's keychain entries could not be removed");
        }
        tracing::info!(?outcome, "the old demo profile was migrated");
    }
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secrets::MemoryKeychain;
    use ccs_api::{AccessToken, ExposeSecret};
    use std::sync::Arc;
    use std::time::{Duration, UNIX_EPOCH};

    fn setup() -> (tempfile::TempDir, ProfileStore, Keychain, Profile) {
        let dir = tempfile::tempdir().unwrap();
        let store = ProfileStore::at(dir.path());
        let keychain = Keychain::with_backend(Arc::new(MemoryKeychain::default()));
        let profile = Profile {
            name: "work".into(),
            host: Some("https://a.example/api".into()),
            client_id: Some("id".into()),
            ..Profile::default()
        };
        add(
            &store,
            &keychain,
            &profile,
            &SecretString::from("s"),
            &SecretString::from("k"),
        )
        .unwrap();
        (dir, store, keychain, profile)
    }

    fn keep_a_token(keychain: &Keychain, profile: &Profile) {
        let token = AccessToken::new(
            SecretString::from("tok"),
            UNIX_EPOCH + Duration::from_secs(4_000_000_000),
            Duration::from_secs(3600),
        );
        let account = AccountKey::of_profile(profile).unwrap();
        keychain
            .store_token(&profile.name, &account, &token)
            .unwrap();
    }

    fn has_token(keychain: &Keychain, name: &str) -> bool {
        keychain
            .get(name, SecretKind::AccessToken)
            .unwrap()
            .is_some()
    }

    #[test]
    fn a_change_of_client_or_host_drops_the_kept_token() {
        let (_dir, store, keychain, profile) = setup();
        for changed in [
            Profile {
                host: Some("https://b.example/api".into()),
                ..profile.clone()
            },
            Profile {
                oauth_host: Some("https://auth.b.example".into()),
                ..profile.clone()
            },
            Profile {
                client_id: Some("other".into()),
                ..profile.clone()
            },
        ] {
            update(&store, &keychain, &profile).unwrap();
            keep_a_token(&keychain, &profile);
            update(&store, &keychain, &changed).unwrap();
            assert!(!has_token(&keychain, "work"), "{changed:?}");
        }
        // The default contract is no account change: the token stays.
        update(&store, &keychain, &profile).unwrap();
        keep_a_token(&keychain, &profile);
        let contract = Profile {
            default_contract: Some(ccs_api::ContractId::from_server("OCB0000001")),
            ..profile.clone()
        };
        update(&store, &keychain, &contract).unwrap();
        assert!(has_token(&keychain, "work"));
    }

    #[test]
    fn a_rename_moves_the_secrets_and_drops_the_token() {
        let (_dir, store, keychain, profile) = setup();
        keep_a_token(&keychain, &profile);
        rename(&store, &keychain, "work", "office").unwrap();
        assert!(!has_token(&keychain, "office"));
        assert!(!has_token(&keychain, "work"));
        assert_eq!(
            keychain
                .get("office", SecretKind::ApiKey)
                .unwrap()
                .unwrap()
                .expose_secret(),
            "k"
        );
        assert!(matches!(
            rename(&store, &keychain, "office", "Demo"),
            Err(CoreError::ReservedProfileName { .. })
        ));
    }

    #[test]
    fn new_secrets_drop_the_token() {
        let (_dir, store, keychain, profile) = setup();
        keep_a_token(&keychain, &profile);
        store_secrets(&keychain, "work", None, Some(&SecretString::from("k2"))).unwrap();
        assert!(!has_token(&keychain, "work"));
        remove(&store, &keychain, "work").unwrap();
        assert!(keychain.get("work", SecretKind::ApiKey).unwrap().is_none());
    }

    #[test]
    fn the_old_demo_s_keychain_entries_go_with_it() {
        let dir = tempfile::tempdir().unwrap();
        let store = ProfileStore::at(dir.path());
        let keychain = Keychain::with_backend(Arc::new(MemoryKeychain::default()));
        std::fs::write(
            store.file(),
            "[profiles.Sandbox]\nhost = \"http://127.0.0.1:4123/api\"\nclient-id = \"sandbox\"\n",
        )
        .unwrap();
        keychain
            .set("Sandbox", SecretKind::ApiKey, &SecretString::from("old"))
            .unwrap();
        assert_eq!(
            migrate_old_demo(&store, &keychain).unwrap(),
            OldDemo::Renamed
        );
        assert!(keychain
            .get("Sandbox", SecretKind::ApiKey)
            .unwrap()
            .is_none());
    }
}
