//! The real OS keychain (Secret Service), in the private session `cargo xtask test` starts.
//!
//! Why gated: these tests write keychain entries. `cargo xtask test` runs them inside a throwaway
//! `dbus-run-session` with its own gnome-keyring and sets `CCS_TEST_KEYCHAIN=isolated`; anywhere else
//! they say they are skipped rather than touch the developer's own keychain.
#![allow(clippy::unwrap_used)]

use ccs_api::{AccessToken, ExposeSecret, SecretString};
use ccs_core::secrets::{Keychain, SecretKind};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

fn isolated() -> bool {
    let yes = std::env::var("CCS_TEST_KEYCHAIN").as_deref() == Ok("isolated");
    if !yes {
        eprintln!("skipped: needs the isolated keychain session of cargo xtask test");
    }
    yes
}

#[test]
fn secrets_round_trip_through_the_real_secret_service() {
    if !isolated() {
        return;
    }
    let keychain = Keychain::os();
    let profile = format!("kc-test-{}", std::process::id());
    keychain
        .set(
            &profile,
            SecretKind::ClientSecret,
            &SecretString::from("real-secret-value"),
        )
        .unwrap();
    keychain
        .set(
            &profile,
            SecretKind::ApiKey,
            &SecretString::from("real-api-key-value"),
        )
        .unwrap();
    let again = Keychain::os();
    assert_eq!(
        again
            .get(&profile, SecretKind::ClientSecret)
            .unwrap()
            .unwrap()
            .expose_secret(),
        "real-secret-value"
    );
    let status = again.status(&profile).unwrap();
    assert!(status.client_secret && status.api_key);

    let renamed = format!("{profile}-renamed");
    keychain.rename_profile(&profile, &renamed).unwrap();
    assert!(keychain
        .get(&profile, SecretKind::ApiKey)
        .unwrap()
        .is_none());
    assert_eq!(
        keychain
            .get(&renamed, SecretKind::ApiKey)
            .unwrap()
            .unwrap()
            .expose_secret(),
        "real-api-key-value"
    );

    let expires = UNIX_EPOCH
        + Duration::from_secs(
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap()
                .as_secs()
                + 3000,
        );
    let account =
        ccs_core::account::AccountKey::new("id", "https://a.example", "https://b.example");
    keychain
        .store_token(
            &renamed,
            &account,
            &AccessToken::new(
                SecretString::from("tok-value"),
                expires,
                Duration::from_secs(3600),
            ),
        )
        .unwrap();
    assert_eq!(
        keychain
            .load_token(&renamed, &account)
            .unwrap()
            .unwrap()
            .expires_at(),
        expires
    );

    keychain.remove_profile(&renamed).unwrap();
    assert!(!keychain.status(&renamed).unwrap().client_secret);
    assert!(keychain.load_token(&renamed, &account).unwrap().is_none());
}
