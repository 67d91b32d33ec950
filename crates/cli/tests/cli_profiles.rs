//! `ccs profile …` and where settings come from, end to end against a sandbox on loopback.
//!
//! Always run (no keychain is touched): Postman import of the user guide's environment file
//! (placeholders reported, nothing secret stored, host and oauth host kept), a collection refused,
//! `profile list` when empty, `profile default`, `profile set` of non-secret settings, settings
//! precedence (flags beat environment beat profile, even with `--profile`), and no token stored when
//! the secrets come from the environment.
//!
//! Only with `CCS_TEST_KEYCHAIN=isolated` (the throwaway keychain of `cargo xtask test`): `profile
//! add/set/rename/remove/show/list` with secrets, the token cached per profile (one token request
//! for two runs), Postman import that stores an API key, missing keychain entries (exit 3).
//! Every output and the config dir are scanned for the secrets and anything shaped like a token.
#![allow(clippy::unwrap_used)] // a test that fails should panic with the error

mod common;

use ccs_sandbox::{Route, SandboxConfig};
use common::{
    assert_no_secret_in_dir, ccs, files_under, keychain_allowed, run, temp, unique_profile,
    Sandboxed,
};
use std::path::{Path, PathBuf};

fn guide_file() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../core/tests/fixtures/OrangeCloud_API.postman_environment.json")
}

fn sandbox() -> Sandboxed {
    Sandboxed::start(SandboxConfig {
        documents_per_contract: Some(3),
        document_size: Some(4096),
        ..Default::default()
    })
}

/// Everything in the config dir, as text.
fn config_text(dir: &Path) -> String {
    files_under(dir)
        .iter()
        .map(|p| String::from_utf8_lossy(&std::fs::read(p).unwrap()).into_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

/// A Postman environment file with these values.
fn postman_file(dir: &Path, name: &str, values: &[(&str, &str)]) -> PathBuf {
    let values: Vec<_> = values
        .iter()
        .map(|(k, v)| serde_json::json!({"key": k, "value": v, "enabled": true}))
        .collect();
    let path = dir.join(format!("{name}.postman_environment.json"));
    std::fs::write(
        &path,
        serde_json::json!({"id": "1", "name": name, "values": values}).to_string(),
    )
    .unwrap();
    path
}

/// Only the three credentials of the sandbox, as environment (no host, no contract).
fn env_secrets(s: &Sandboxed) -> Vec<(String, String)> {
    s.env()
        .into_iter()
        .filter(|(k, _)| {
            matches!(
                k.as_str(),
                "CCS_CLIENT_ID" | "CCS_CLIENT_SECRET" | "CCS_API_KEY"
            )
        })
        .collect()
}

#[test]
fn the_user_guides_postman_file_becomes_a_profile_without_secrets() {
    let config = temp();
    let human = run(ccs(config.path())
        .args(["profile", "import-postman"])
        .arg(guide_file()))
    .expect(0);
    assert!(
        human.stdout.contains("Profile \"OrangeCloud_API\" created"),
        "{}",
        human.stdout
    );
    let still = human
        .stdout
        .lines()
        .find(|l| l.starts_with("Still to fill in:"))
        .unwrap();
    for what in ["X-API-Key", "Contract-Id", "client id", "client secret"] {
        assert!(still.contains(what), "{what} not reported: {still}");
    }
    let imported = human
        .stdout
        .lines()
        .find(|l| l.starts_with("Imported:"))
        .unwrap();
    assert!(
        imported.contains("host")
            && imported.contains("oauth host")
            && !imported.contains("API key"),
        "{imported}"
    );
    assert!(
        human
            .stdout
            .lines()
            .any(|l| l.starts_with("Ignored:") && l.contains("Token")),
        "{}",
        human.stdout
    );

    let json = run(ccs(config.path())
        .args(["profile", "import-postman", "--name", "guide2", "--json"])
        .arg(guide_file()))
    .expect(0)
    .json();
    assert_eq!(json["profile"], "guide2");
    assert!(
        json["toFillIn"]
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v == "X-API-Key"),
        "{json}"
    );
    assert!(
        json["ignored"]
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v == "Token"),
        "{json}"
    );

    let text = config_text(config.path());
    assert!(
        text.contains("https://api.orange.com/cloud/b2b/v1")
            && text.contains("https://api.orange.com/oauth/v3"),
        "{text}"
    );
    for placeholder in [
        "Your API_KEY",
        "ID of the contract",
        "access token returned",
    ] {
        assert!(!text.contains(placeholder), "{placeholder} stored:\n{text}");
    }
    // The same name again, a collection, a missing file: exit 2 with a clear sentence.
    let again = run(ccs(config.path())
        .args(["profile", "import-postman", "--json"])
        .arg(guide_file()))
    .expect(2);
    assert_eq!(again.json_error(), "profile_exists");
    let collection = config.path().join("collection.json");
    std::fs::write(&collection, r#"{"info": {"_postman_id": "1", "name": "OrangeCloud_API", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"}, "item": []}"#).unwrap();
    let refused = run(ccs(config.path())
        .args(["profile", "import-postman", "--name", "c"])
        .arg(&collection))
    .expect(2);
    assert!(refused.stderr.contains("collection"), "{}", refused.stderr);
    run(ccs(config.path()).args(["profile", "import-postman", "/nonexistent/env.json"])).expect(2);
}

#[test]
fn profile_default_and_set_without_secrets() {
    let config = temp();
    let empty = run(ccs(config.path()).args(["profile", "list", "--json"])).expect(0);
    assert_eq!(empty.json(), serde_json::json!([]));
    let human = run(ccs(config.path()).args(["profile", "list"])).expect(0);
    assert!(human.stderr.contains("No profile yet"), "{}", human.stderr);

    for name in ["one", "two"] {
        run(ccs(config.path())
            .args(["profile", "import-postman", "--name", name])
            .arg(guide_file()))
        .expect(0);
    }
    let made = run(ccs(config.path()).args(["profile", "default", "two", "--json"]))
        .expect(0)
        .json();
    assert_eq!(made, serde_json::json!({"default": "two"}));
    assert!(config_text(config.path()).contains("two"));
    run(ccs(config.path()).args(["profile", "default", "three"])).expect(2);
    let set = run(ccs(config.path()).args([
        "profile",
        "set",
        "one",
        "--contract",
        "OCB0001234",
        "--host",
        "http://127.0.0.1:9/api",
        "--json",
    ]))
    .expect(0)
    .json();
    assert_eq!(set["updated"], "one");
    let text = config_text(config.path());
    assert!(
        text.contains("OCB0001234") && text.contains("http://127.0.0.1:9/api"),
        "{text}"
    );
    run(ccs(config.path()).args(["profile", "set", "one"])).expect(2);
    run(ccs(config.path()).args(["profile", "set", "one", "--contract", "OCB12"])).expect(2);
    run(ccs(config.path()).args(["profile", "set", "one", "--host", "not a url"])).expect(2);
    run(ccs(config.path()).args(["profile", "set", "nobody", "--contract", "OCB0001234"]))
        .expect(2);
    run(ccs(config.path())
        .args(["profile", "import-postman", "--name", "bad name!"])
        .arg(guide_file()))
    .expect(2);
    // Secrets are never flags.
    run(ccs(config.path()).args([
        "profile",
        "add",
        "x",
        "--client-id",
        "a",
        "--client-secret",
        "b",
    ]))
    .expect(2);
}

#[test]
fn flags_beat_environment_which_beats_the_profile() {
    let s = sandbox();
    let config = temp();
    let files = temp();
    let ids = s.sandbox.visible_contract_ids();
    let dead_api = "http://127.0.0.1:9/cloud/b2b/v1";
    let dead_oauth = "http://127.0.0.1:9/oauth/v3";
    let good = postman_file(
        files.path(),
        "good",
        &[
            ("host", &s.sandbox.api_base_url()),
            ("OAUTH_HOST", &s.sandbox.oauth_base_url()),
            ("contract-id", &ids[1]),
            ("X-API-Key", "Your API_KEY provided to you by ECC team"),
        ],
    );
    run(ccs(config.path())
        .args(["profile", "import-postman", "--name", "good"])
        .arg(&good))
    .expect(0);
    let dead = postman_file(
        files.path(),
        "dead",
        &[
            ("Host", dead_api),
            ("oauth_host", dead_oauth),
            ("Contract-Id", &ids[0]),
        ],
    );
    run(ccs(config.path())
        .args(["profile", "import-postman", "--name", "dead"])
        .arg(&dead))
    .expect(0);
    run(ccs(config.path()).args(["profile", "default", "good"])).expect(0);
    let secrets = env_secrets(&s);
    let shown = |extra_env: &[(&str, &str)], args: &[&str]| {
        let mut command = ccs(config.path());
        command
            .envs(secrets.clone())
            .envs(extra_env.iter().copied())
            .args(["contract", "show", "--json"])
            .args(args);
        s.run(&mut command)
    };
    let id_of =
        |outcome: common::Outcome| outcome.expect(0).json()["id"].as_str().unwrap().to_owned();

    // The default profile's host, oauth host and contract.
    assert_eq!(id_of(shown(&[], &[])), ids[1]);
    // The environment's contract beats the profile's, even with --profile; the flag beats both.
    assert_eq!(id_of(shown(&[("CCS_CONTRACT", &ids[2])], &[])), ids[2]);
    assert_eq!(
        id_of(shown(&[("CCS_CONTRACT", &ids[2])], &["--profile", "good"])),
        ids[2]
    );
    assert_eq!(
        id_of(shown(
            &[("CCS_CONTRACT", &ids[2])],
            &["--contract", &ids[3]]
        )),
        ids[3]
    );
    // The dead profile's hosts are used when nothing else says otherwise…
    shown(&[], &["--profile", "dead"]).expect(5);
    // …the environment beats them even with --profile…
    let api = s.sandbox.api_base_url();
    let oauth = s.sandbox.oauth_base_url();
    assert_eq!(
        id_of(shown(
            &[("CCS_HOST", &api), ("CCS_OAUTH_HOST", &oauth)],
            &["--profile", "dead"]
        )),
        ids[0]
    );
    // …and flags beat the environment.
    let flags = ["--profile", "dead", "--host", &api, "--oauth-host", &oauth];
    assert_eq!(
        id_of(shown(
            &[("CCS_HOST", dead_api), ("CCS_OAUTH_HOST", dead_oauth)],
            &flags
        )),
        ids[0]
    );
    shown(
        &[("CCS_HOST", &api), ("CCS_OAUTH_HOST", dead_oauth)],
        &["--profile", "dead"],
    )
    .expect(5);
    // An unknown profile named on the command line is an error, not a silent fallback.
    shown(&[], &["--profile", "nobody"]).expect(2);
    assert_no_secret_in_dir(config.path(), &s.secrets());
}

#[test]
fn with_secrets_from_the_environment_every_run_fetches_a_token_and_none_is_stored() {
    let s = sandbox();
    let config = temp();
    let files = temp();
    let env = postman_file(
        files.path(),
        "p",
        &[
            ("Host", &s.sandbox.api_base_url()),
            ("oauth_host", &s.sandbox.oauth_base_url()),
        ],
    );
    run(ccs(config.path())
        .args(["profile", "import-postman", "--name", "p"])
        .arg(&env))
    .expect(0);
    for _ in 0..2 {
        s.run(
            ccs(config.path())
                .envs(env_secrets(&s))
                .args(["contracts", "--profile", "p"]),
        )
        .expect(0);
    }
    for _ in 0..2 {
        s.run(s.ccs(config.path()).args(["contracts"])).expect(0);
    }
    assert_eq!(s.sandbox.request_count(Route::Token), 4);
    assert_no_secret_in_dir(config.path(), &s.secrets());
}

// ----- keychain (isolated session only) -----

#[test]
fn profile_lifecycle_with_secrets_in_the_keychain() {
    if !keychain_allowed() {
        return;
    }
    let s = sandbox();
    let config = temp();
    let c = s.sandbox.credentials().clone();
    let ids = s.sandbox.visible_contract_ids();
    let name = unique_profile("life");
    let renamed = unique_profile("renamed");
    let mut outputs = Vec::new();
    let mut go = |command: &mut assert_cmd::Command, code: i32| {
        let outcome = s.run(command).expect(code);
        outputs.push(format!("{}\n{}", outcome.stdout, outcome.stderr));
        outcome
    };
    let stdin = format!("{}\n{}\n", c.client_secret, c.api_key);
    let added = go(
        ccs(config.path())
            .args([
                "profile",
                "add",
                &name,
                "--client-id",
                &c.client_id,
                "--stdin",
                "--host",
                &s.sandbox.api_base_url(),
            ])
            .args([
                "--oauth-host",
                &s.sandbox.oauth_base_url(),
                "--contract",
                &ids[1],
            ])
            .write_stdin(stdin.clone()),
        0,
    );
    assert!(added.stdout.contains("keychain"), "{}", added.stdout);
    go(
        ccs(config.path())
            .args(["profile", "add", &name, "--client-id", "x", "--stdin"])
            .write_stdin(stdin.clone()),
        2,
    );
    let shown = go(ccs(config.path()).args(["profile", "show", &name]), 0);
    assert!(
        shown.stdout.contains("Client secret:    stored")
            && shown.stdout.contains("API key:          stored"),
        "{}",
        shown.stdout
    );
    assert!(
        shown.stdout.contains("(default)"),
        "the first profile is the default: {}",
        shown.stdout
    );
    let shown = go(
        ccs(config.path()).args(["profile", "show", &name, "--json"]),
        0,
    )
    .json();
    assert_eq!(
        shown["secrets"],
        serde_json::json!({"clientSecret": true, "apiKey": true}),
        "{shown}"
    );
    assert_eq!(shown["clientId"], c.client_id.as_str());
    let listed = go(ccs(config.path()).args(["profile", "list", "--json"]), 0).json();
    assert_eq!(listed[0]["name"], name.as_str());
    assert_eq!(listed[0]["default"], true);
    let table = go(ccs(config.path()).args(["profile", "list"]), 0);
    assert!(
        table.stdout.contains(&format!("{name} *")) && table.stdout.contains("stored"),
        "{}",
        table.stdout
    );

    // The token is kept per profile: two runs, one token request.
    let check = go(ccs(config.path()).args(["auth", "check"]), 0);
    assert!(
        check.stdout.contains(&format!("Profile:        {name}")),
        "{}",
        check.stdout
    );
    s.sandbox.reset_counters();
    let shown = go(ccs(config.path()).args(["contract", "show", "--json"]), 0).json();
    assert_eq!(shown["id"], ids[1].as_str());
    go(ccs(config.path()).args(["contracts"]), 0);
    go(
        ccs(config.path()).args(["documents", "--profile", &name, "--json"]),
        0,
    );
    assert_eq!(
        s.sandbox.request_count(Route::Token),
        0,
        "the token of auth check is reused"
    );
    assert_eq!(s.sandbox.request_count(Route::Contracts), 1);

    // The environment's client id beats the profile's.
    go(
        ccs(config.path())
            .env("CCS_CLIENT_ID", "someone-else")
            .args(["contracts"]),
        3,
    );

    // New secrets: the kept token goes with the old ones; wrong secrets are exit 3.
    go(
        ccs(config.path())
            .args(["profile", "set", &name, "--secrets", "--stdin"])
            .write_stdin(format!("wrong\n{}\n", c.api_key)),
        0,
    );
    s.sandbox.reset_counters();
    go(ccs(config.path()).args(["contracts", "--json"]), 3);
    assert_eq!(s.sandbox.request_count(Route::Token), 1);
    go(
        ccs(config.path())
            .args(["profile", "set", &name, "--secrets", "--stdin"])
            .write_stdin(stdin.clone()),
        0,
    );
    s.sandbox.reset_counters();
    go(ccs(config.path()).args(["contracts"]), 0);
    go(
        ccs(config.path()).args(["contracts", "--profile", &name]),
        0,
    );
    assert_eq!(
        s.sandbox.request_count(Route::Token),
        1,
        "two runs, one token"
    );
    assert_eq!(s.sandbox.request_count(Route::Contracts), 2);

    // Rename moves the keychain entries; the old name is gone.
    go(
        ccs(config.path()).args(["profile", "rename", &name, &renamed]),
        0,
    );
    go(
        ccs(config.path()).args(["contracts", "--profile", &renamed]),
        0,
    );
    go(
        ccs(config.path()).args(["contracts", "--profile", &name]),
        2,
    );
    go(ccs(config.path()).args(["profile", "show", &name]), 2);
    // Remove drops them: a new profile of that name has no secrets.
    go(
        ccs(config.path()).args(["profile", "remove", &renamed, "--json"]),
        0,
    );
    go(
        ccs(config.path())
            .args(["profile", "import-postman", "--name", &renamed])
            .arg(guide_file()),
        0,
    );
    let missing = go(
        ccs(config.path()).env("CCS_CLIENT_ID", &c.client_id).args([
            "contracts",
            "--profile",
            &renamed,
        ]),
        3,
    );
    assert!(
        missing
            .stderr
            .contains(&format!("ccs profile set {renamed} --secrets")),
        "{}",
        missing.stderr
    );
    go(ccs(config.path()).args(["profile", "remove", &renamed]), 0);

    assert_no_secret_in_dir(config.path(), &s.secrets());
    for text in &outputs {
        common::assert_no_secret_in(text, &s.secrets(), "captured output");
    }
}

#[test]
fn postman_import_stores_the_api_key_in_the_keychain_only() {
    if !keychain_allowed() {
        return;
    }
    let s = sandbox();
    let config = temp();
    let files = temp();
    let c = s.sandbox.credentials().clone();
    let name = unique_profile("postman");
    let contract = s.first_contract();
    let env = postman_file(
        files.path(),
        "OrangeCloud_API",
        &[
            ("X-API-Key", &c.api_key),
            ("Contract-Id", &contract),
            ("Host", &s.sandbox.api_base_url()),
            ("oauth_host", &s.sandbox.oauth_base_url()),
            ("Token", "expired-token-value"),
        ],
    );
    let report = s
        .run(
            ccs(config.path())
                .args(["profile", "import-postman", "--name", &name, "--json"])
                .arg(&env),
        )
        .expect(0)
        .json();
    assert!(
        report["imported"]
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v.as_str().unwrap().starts_with("API key")),
        "{report}"
    );
    assert!(
        report["toFillIn"]
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v == "client secret"),
        "{report}"
    );
    let shown = s
        .run(ccs(config.path()).args(["profile", "show", &name, "--json"]))
        .expect(0)
        .json();
    assert_eq!(
        shown["secrets"],
        serde_json::json!({"clientSecret": false, "apiKey": true}),
        "{shown}"
    );
    assert_eq!(shown["defaultContract"], contract.as_str());
    let text = config_text(config.path());
    assert!(
        !text.contains(&c.api_key) && !text.contains("expired-token-value"),
        "{text}"
    );
    // The key from the keychain, the client id and secret from the environment: it works.
    s.run(
        ccs(config.path())
            .env("CCS_CLIENT_ID", &c.client_id)
            .env("CCS_CLIENT_SECRET", &c.client_secret)
            .args(["documents", "--json"]),
    )
    .expect(0);
    // Without the client secret anywhere: exit 3 with what to do.
    let missing = s
        .run(
            ccs(config.path())
                .env("CCS_CLIENT_ID", &c.client_id)
                .args(["contracts"]),
        )
        .expect(3);
    assert!(
        missing.stderr.contains("CCS_CLIENT_SECRET"),
        "{}",
        missing.stderr
    );
    s.run(ccs(config.path()).args(["profile", "remove", &name]))
        .expect(0);
    assert_no_secret_in_dir(config.path(), &s.secrets());
}
