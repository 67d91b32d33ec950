//! Exit codes of `ccs` as a script sees them, against a sandbox on loopback: 2 for input refused
//! before any request (not even the token's) or by the server's validation, 3 for authentication,
//! 4 for a contract or document not accessible, 5 for server failures and rate limits beyond the
//! retry budget; `--json` errors as `{"error": {"code", "message"}}` on stdout; and `user create` /
//! `contract create` that succeed. Each test that counts requests or injects faults has its own sandbox.
#![allow(clippy::unwrap_used)] // a test that fails should panic with the error

mod common;

use ccs_sandbox::{Fault, Route, SandboxConfig};
use common::{assert_no_secret_in_dir, ccs, shared, temp, Sandboxed};
use std::time::{Duration, Instant};

const USER: [&str; 12] = [
    "user",
    "create",
    "--civility",
    "Mrs",
    "--first-name",
    "Claire",
    "--last-name",
    "Martin",
    "--email",
    "claire.martin@example.com",
    "--login",
    "claire.martin",
];

/// `user create` with one flag's value replaced.
fn user_with(flag: &str, value: &str) -> Vec<String> {
    let mut args: Vec<String> = USER.iter().map(|s| (*s).to_owned()).collect();
    match args.iter().position(|a| a == flag) {
        Some(i) => args[i + 1] = value.to_owned(),
        None => args.extend([flag.to_owned(), value.to_owned()]),
    }
    args
}

fn contract_args() -> Vec<String> {
    [
        "contract",
        "create",
        "--billing-account-id",
        "BA-0042",
        "--offer-code",
        "FE",
        "--name",
        "R&D lab",
        "--support-level",
        "Business",
        "--referent-civility",
        "Mr",
        "--referent-name",
        "Durand",
        "--referent-first-name",
        "Paul",
        "--referent-mail",
        "paul.durand@example.com",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect()
}

#[test]
fn bad_input_exits_2_before_any_request() {
    let s = Sandboxed::start(SandboxConfig {
        documents_per_contract: Some(5),
        ..Default::default()
    });
    let config = temp();
    let out = temp();
    let out = out.path().to_str().unwrap().to_owned();
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            vec![
                "contract".into(),
                "show".into(),
                "--contract".into(),
                "XYZ123".into(),
            ],
            "contract",
        ),
        (
            vec!["documents".into(), "--contract".into(), "OCB12".into()],
            "contract",
        ),
        (
            vec!["documents".into(), "--type".into(), "invoice".into()],
            "type",
        ),
        (
            vec!["documents".into(), "--from".into(), "2026-13".into()],
            "from",
        ),
        (
            vec!["documents".into(), "--to".into(), "March".into()],
            "to",
        ),
        (
            vec![
                "documents".into(),
                "--from".into(),
                "2026-05".into(),
                "--to".into(),
                "2026-01".into(),
            ],
            "from",
        ),
        (
            vec!["documents".into(), "--limit".into(), "0".into()],
            "limit",
        ),
        (
            vec![
                "download".into(),
                "bad/id".into(),
                "--out".into(),
                out.clone(),
            ],
            "id",
        ),
        (
            vec![
                "download".into(),
                "--all".into(),
                "--type".into(),
                "memos".into(),
                "--out".into(),
                out.clone(),
            ],
            "type",
        ),
        (user_with("--email", "claire.martin@example"), "email"),
        (user_with("--email", "claire martin@example.com"), "email"),
        (user_with("--login", "claire"), "login"),
        (user_with("--login", "hélène.dupont"), "login"),
        (user_with("--civility", "Dr"), "civility"),
        (user_with("--mobile-phone", "06 12 ab"), "mobilePhone"),
        (user_with("--fix-phone", "1234567"), "fixPhone"),
        (user_with("--first-name", " "), "firstName"),
        (
            {
                let mut a = contract_args();
                let i = a.iter().position(|x| x == "--referent-mail").unwrap();
                a[i + 1] = "paul@".into();
                a
            },
            "referentMail",
        ),
        (
            {
                let mut a = contract_args();
                let i = a.iter().position(|x| x == "--referent-civility").unwrap();
                a[i + 1] = "Sir".into();
                a
            },
            "referentCivility",
        ),
        (
            {
                let mut a = contract_args();
                a.extend(["--referent-mobile-phone".into(), "12".into()]);
                a
            },
            "referentMobilePhone",
        ),
    ];
    for (args, field) in &cases {
        let result = s.run(s.ccs(config.path()).args(args));
        let result = result.expect(2);
        assert!(
            result.stderr.starts_with("error: "),
            "{args:?}: {}",
            result.stderr
        );
        assert!(
            result.stderr.contains(field),
            "{args:?} should name {field}: {}",
            result.stderr
        );
        assert_eq!(
            result.stderr.trim_end().lines().count(),
            1,
            "one sentence: {}",
            result.stderr
        );
        let json = s
            .run(s.ccs(config.path()).args(args).arg("--json"))
            .expect(2);
        assert_eq!(json.json_error(), "invalid_input", "{args:?}");
    }
    // clap's own usage errors are 2 as well.
    s.run(s.ccs(config.path()).args(["download", "--out", &out]))
        .expect(2);
    s.run(s.ccs(config.path()).args(["documents", "--csv", "--json"]))
        .expect(2);
    s.run(
        s.ccs(config.path())
            .args(["download", "--all", "--jobs", "0", "--out", &out]),
    )
    .expect(2);
    for route in [
        Route::Token,
        Route::Contracts,
        Route::Contract,
        Route::Documents,
        Route::DocumentFile,
        Route::CreateUser,
        Route::CreateContract,
    ] {
        assert_eq!(s.sandbox.request_count(route), 0, "{route:?} was called");
    }
}

#[test]
fn server_validation_exits_2() {
    let s = Sandboxed::start(SandboxConfig {
        documents_per_contract: Some(5),
        ..Default::default()
    });
    let config = temp();
    s.sandbox.inject(
        Route::CreateUser,
        Fault::Status {
            http: 400,
            code: 24,
            retry_after_secs: None,
        },
        1,
    );
    let refused = s
        .run(s.ccs(config.path()).args(USER).arg("--json"))
        .expect(2);
    assert_eq!(refused.json_error(), "validation");
    s.sandbox.inject(
        Route::CreateContract,
        Fault::Status {
            http: 400,
            code: 23,
            retry_after_secs: None,
        },
        1,
    );
    s.run(s.ccs(config.path()).args(contract_args())).expect(2);
}

#[test]
fn user_and_contract_creation_succeed() {
    let s = Sandboxed::start(SandboxConfig {
        documents_per_contract: Some(5),
        ..Default::default()
    });
    let config = temp();
    let created = s
        .run(
            s.ccs(config.path())
                .args(USER)
                .args(["--mobile-phone", "+33612345678"]),
        )
        .expect(0);
    assert!(
        created
            .stdout
            .contains("User claire.martin created on contract"),
        "{}",
        created.stdout
    );
    // The same e-mail keeps its login (200 from the server), on another contract.
    let second = s.sandbox.visible_contract_ids()[1].clone();
    let again = s
        .run(
            s.ccs(config.path())
                .args(user_with("--login", "claire.other"))
                .args(["--contract", &second, "--json"]),
        )
        .expect(0)
        .json();
    assert_eq!(again["user"]["login"], "claire.martin", "{again}");
    assert_eq!(again["alreadyExisted"], true);
    assert_eq!(s.sandbox.request_count(Route::CreateUser), 2);

    let contract = s
        .run(s.ccs(config.path()).args(contract_args()).arg("--json"))
        .expect(0)
        .json();
    let id = contract["id"].as_str().unwrap();
    assert!(id.starts_with("OCB") && id.len() == 10, "{contract}");
    let human = s.run(s.ccs(config.path()).args(contract_args())).expect(0);
    assert!(
        human.stdout.starts_with("Contract OCB") && human.stdout.contains("\"R&D lab\" created"),
        "{}",
        human.stdout
    );
}

#[test]
fn phones_are_sent_in_one_form_whatever_was_typed() {
    let s = Sandboxed::start(SandboxConfig {
        documents_per_contract: Some(1),
        ..Default::default()
    });
    let config = temp();
    s.run(
        s.ccs(config.path())
            .args(USER)
            .args(["--mobile-phone", "06 12 34 56 78"])
            .args(["--fix-phone", "+33 (0)1.23.45.67.89"]),
    )
    .expect(0);
    let sent = s.sandbox.last_create_body(Route::CreateUser).unwrap();
    assert_eq!(sent["mobilePhone"], "+33612345678", "{sent}");
    assert_eq!(sent["fixPhone"], "+33123456789", "{sent}");
    s.run(
        s.ccs(config.path())
            .args(contract_args())
            .args(["--referent-mobile-phone", "06-12-34-56-78"]),
    )
    .expect(0);
    let sent = s.sandbox.last_create_body(Route::CreateContract).unwrap();
    assert_eq!(sent["referentMobilePhone"], "+33612345678", "{sent}");
    assert!(
        sent.get("referentFixPhone").is_none_or(|v| v.is_null()),
        "{sent}"
    );
}

#[test]
fn authentication_failures_exit_3() {
    let s = shared();
    let config = temp();
    let bad_secret = s
        .run(
            s.ccs(config.path())
                .env("CCS_CLIENT_SECRET", "not-the-secret")
                .args(["contracts", "--json"]),
        )
        .expect(3);
    assert_eq!(bad_secret.json_error(), "invalid_client");
    s.run(
        s.ccs(config.path())
            .env("CCS_CLIENT_SECRET", "not-the-secret")
            .args(["auth", "check"]),
    )
    .expect(3);
    let bad_key = s
        .run(
            s.ccs(config.path())
                .env("CCS_API_KEY", "not-the-key")
                .args(["contracts", "--json"]),
        )
        .expect(3);
    assert_eq!(bad_key.json_error(), "invalid_api_key");
    s.run(
        s.ccs(config.path())
            .env("CCS_API_KEY", "not-the-key")
            .args(["auth", "check"]),
    )
    .expect(3);
    let bad_id = s
        .run(
            s.ccs(config.path())
                .env("CCS_CLIENT_ID", "someone-else")
                .arg("contracts"),
        )
        .expect(3);
    assert!(bad_id.stderr.starts_with("error: "), "{}", bad_id.stderr);

    // Nothing at all: no environment secret, no profile (so no keychain entry to look at).
    let nothing = ccs(config.path())
        .args(["contracts", "--json"])
        .output()
        .unwrap();
    assert_eq!(nothing.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&nothing.stderr);
    assert!(
        stderr.contains("CCS_CLIENT_ID") && stderr.contains("ccs profile add"),
        "{stderr}"
    );
    let stdout: serde_json::Value = serde_json::from_slice(&nothing.stdout).unwrap();
    assert_eq!(stdout["error"]["code"], "missing_setting");
    // A client id but no secrets.
    let host = s.sandbox.api_base_url();
    let only_id = ccs(config.path())
        .env("CCS_CLIENT_ID", "x")
        .env("CCS_HOST", &host)
        .arg("contracts")
        .output()
        .unwrap();
    assert_eq!(only_id.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&only_id.stderr).contains("CCS_CLIENT_SECRET"));
    assert_no_secret_in_dir(config.path(), &s.secrets());
}

#[test]
fn a_foreign_contract_or_an_unknown_document_exits_4() {
    let s = shared();
    let config = temp();
    let foreign = s.sandbox.foreign_contract_id();
    let shown = s
        .run(
            s.ccs(config.path())
                .args(["contract", "show", "--contract", &foreign]),
        )
        .expect(4);
    assert!(
        shown.stderr.contains(&foreign) && shown.stderr.contains("ccs auth check"),
        "{}",
        shown.stderr
    );
    let json = s
        .run(
            s.ccs(config.path())
                .args(["documents", "--contract", &foreign, "--json"]),
        )
        .expect(4);
    assert_eq!(json.json_error(), "contract_not_accessible");
    // A contract that does not exist at all.
    s.run(
        s.ccs(config.path())
            .args(["contract", "show", "--contract", "OCB9999999"]),
    )
    .expect(4);

    let out = temp();
    let unknown = "0123456789abcdef01234567";
    let missing = s
        .run(
            s.ccs(config.path())
                .args(["download", unknown, "--out"])
                .arg(out.path())
                .arg("--json"),
        )
        .expect(4);
    let summary = missing.json();
    assert_eq!(summary["failed"], 1, "{summary}");
    assert_eq!(
        summary["files"][0]["error"]["code"], "not_found",
        "{summary}"
    );
    assert_eq!(summary["files"][0]["status"], "failed");
    assert!(common::entries(out.path())
        .iter()
        .all(|n| !n.starts_with(".ccs-tmp")));
}

#[test]
fn server_failures_and_rate_limits_beyond_the_budget_exit_5() {
    let s = Sandboxed::start(SandboxConfig {
        documents_per_contract: Some(5),
        ..Default::default()
    });
    let config = temp();
    s.sandbox.inject(
        Route::Contracts,
        Fault::Status {
            http: 503,
            code: 5,
            retry_after_secs: None,
        },
        20,
    );
    let unavailable = s
        .run(s.ccs(config.path()).args(["contracts", "--json"]))
        .expect(5);
    assert_eq!(unavailable.json_error(), "server");
    assert!(
        s.sandbox.request_count(Route::Contracts) >= 2,
        "retried before giving up"
    );

    // One 503 is absorbed by a retry.
    let s = Sandboxed::start(SandboxConfig {
        documents_per_contract: Some(5),
        ..Default::default()
    });
    s.sandbox.inject(
        Route::Documents,
        Fault::Status {
            http: 503,
            code: 5,
            retry_after_secs: None,
        },
        1,
    );
    s.run(s.ccs(config.path()).args(["documents", "--json"]))
        .expect(0);

    // A Retry-After of an hour is beyond the budget: give up at once instead of hanging.
    s.sandbox.inject(
        Route::Documents,
        Fault::Status {
            http: 429,
            code: 53,
            retry_after_secs: Some(3600),
        },
        5,
    );
    let started = Instant::now();
    let limited = s
        .run(s.ccs(config.path()).args(["documents", "--json"]))
        .expect(5);
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(limited.json_error(), "rate_limited");
    assert!(limited.stderr.starts_with("error: "), "{}", limited.stderr);

    // The token endpoint rate-limited too.
    s.sandbox.inject(
        Route::Token,
        Fault::Status {
            http: 429,
            code: 53,
            retry_after_secs: Some(3600),
        },
        5,
    );
    s.run(s.ccs(config.path()).arg("contracts")).expect(5);
    // Nothing listening.
    s.run(s.ccs(config.path()).args([
        "--host",
        "http://127.0.0.1:9/cloud/b2b/v1",
        "--oauth-host",
        "http://127.0.0.1:9/oauth/v3",
        "contracts",
    ]))
    .expect(5);
}
