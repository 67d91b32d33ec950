//! A kept token goes only to the account it was issued for, and the demo's profile name is the
//! demo's: end to end with `ccs` against two sandboxes on loopback.
//!
//! Only with `CCS_TEST_KEYCHAIN=isolated` (the throwaway keychain of `cargo xtask test`) for the
//! token tests, since the token is kept in the keychain; the reserved-name tests always run.
#![allow(clippy::unwrap_used)] // a test that fails should panic with the error

mod common;

use ccs_sandbox::{Route, SandboxConfig, SandboxCredentials};
use common::{ccs, keychain_allowed, run, temp, unique_profile, Sandboxed};

/// Two sandboxes that accept the same credentials: only the hosts differ, as when a profile is
/// pointed at another server.
fn two_sandboxes() -> (Sandboxed, Sandboxed) {
    let credentials = SandboxCredentials {
        client_id: "same-client-id".into(),
        client_secret: "same-client-secret-value".into(),
        api_key: "same-api-key-value-for-both-sandboxes".into(),
    };
    let start = || {
        Sandboxed::start(SandboxConfig {
            documents_per_contract: Some(2),
            document_size: Some(1024),
            credentials: Some(credentials.clone()),
            ..Default::default()
        })
    };
    (start(), start())
}

/// A profile on sandbox `a` with its secrets in the keychain.
fn add_profile(config: &std::path::Path, a: &Sandboxed, name: &str) {
    let c = a.sandbox.credentials().clone();
    run(ccs(config)
        .args([
            "profile",
            "add",
            name,
            "--client-id",
            &c.client_id,
            "--stdin",
        ])
        .args(["--host", &a.sandbox.api_base_url()])
        .args(["--oauth-host", &a.sandbox.oauth_base_url()])
        .write_stdin(format!("{}\n{}\n", c.client_secret, c.api_key)))
    .expect(0);
}

/// Asserts that `b` never saw a token that `a` issued, and issued its own.
fn b_never_received_a_token_of_a(a: &Sandboxed, b: &Sandboxed) {
    let issued_by_a = a.sandbox.tokens_issued();
    assert!(!issued_by_a.is_empty(), "a issued the kept token");
    let received_by_b = b.sandbox.bearer_tokens_received();
    assert!(!received_by_b.is_empty(), "b was called");
    for token in &issued_by_a {
        assert!(
            !received_by_b.contains(token),
            "sandbox b received a token issued by sandbox a"
        );
    }
    assert_eq!(
        b.sandbox.request_count(Route::Token),
        1,
        "a new token was fetched from b"
    );
}

#[test]
fn a_token_kept_for_one_host_is_never_sent_to_another() {
    if !keychain_allowed() {
        return;
    }
    let (a, b) = two_sandboxes();
    let config = temp();
    let name = unique_profile("moved");
    add_profile(config.path(), &a, &name);
    let on_a = run(ccs(config.path()).args(["--profile", &name, "contracts"])).expect(0);
    assert!(on_a.stdout.contains("OCB"), "{}", on_a.stdout);
    assert_eq!(a.sandbox.request_count(Route::Token), 1);

    // The profile now points at b (API and OAuth host): the token kept for a stays out of b's way.
    run(ccs(config.path())
        .args(["profile", "set", &name])
        .args(["--host", &b.sandbox.api_base_url()])
        .args(["--oauth-host", &b.sandbox.oauth_base_url()]))
    .expect(0);
    run(ccs(config.path()).args(["--profile", &name, "contracts"])).expect(0);
    b_never_received_a_token_of_a(&a, &b);
    run(ccs(config.path()).args(["profile", "remove", &name])).expect(0);
}

#[test]
fn a_token_kept_before_a_host_changed_by_hand_is_dropped_too() {
    if !keychain_allowed() {
        return;
    }
    // The file is edited by hand (or by an older version): no `profile set` dropped the token, the
    // account it was kept for no longer matches, and it is not sent.
    let (a, b) = two_sandboxes();
    let config = temp();
    let name = unique_profile("edited");
    add_profile(config.path(), &a, &name);
    run(ccs(config.path()).args(["--profile", &name, "contracts"])).expect(0);
    let file = config.path().join("profiles.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    let port = |s: &Sandboxed| format!("127.0.0.1:{}/", s.sandbox.port());
    std::fs::write(&file, text.replace(&port(&a), &port(&b))).unwrap();
    run(ccs(config.path()).args(["--profile", &name, "contracts"])).expect(0);
    b_never_received_a_token_of_a(&a, &b);
    run(ccs(config.path()).args(["profile", "remove", &name])).expect(0);
}

#[test]
fn the_demo_s_profile_name_is_reserved() {
    let config = temp();
    let dir = temp();
    for name in ["Demo", "demo"] {
        let refused = run(ccs(config.path())
            .args(["profile", "add", name, "--client-id", "id", "--stdin"])
            .write_stdin("secret\nkey\n"))
        .expect(2);
        assert!(
            refused.stderr.contains("demo's profile"),
            "a clear reason: {}",
            refused.stderr
        );
    }
    let environment = dir.path().join("Demo.postman_environment.json");
    std::fs::write(
        &environment,
        serde_json::json!({"id": "1", "name": "Demo", "values": [
            {"key": "host", "value": "https://api.orange.com", "enabled": true}
        ]})
        .to_string(),
    )
    .unwrap();
    let refused =
        run(ccs(config.path()).args(["profile", "import-postman", environment.to_str().unwrap()]))
            .expect(2);
    assert!(
        refused.stderr.contains("demo's profile"),
        "{}",
        refused.stderr
    );
    // A profile written by hand (no keychain is touched: the name is refused before).
    std::fs::write(
        config.path().join("profiles.toml"),
        "[profiles.mine]\nclient-id = \"id\"\n",
    )
    .unwrap();
    let refused = run(ccs(config.path()).args(["profile", "rename", "mine", "DEMO"])).expect(2);
    assert!(
        refused.stderr.contains("demo's profile"),
        "{}",
        refused.stderr
    );
}
