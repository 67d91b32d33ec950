//! `ccs auth check`, `contracts`, `contract show`, `documents` (filters, --limit, --all, --csv,
//! --json) and `ccs sandbox`, run as real processes against a sandbox on loopback with the secrets
//! in `CCS_*` variables (no keychain involved). Every captured output is scanned for secrets.
#![allow(clippy::unwrap_used)] // a test that fails should panic with the error

mod common;

use ccs_sandbox::{Route, SandboxConfig};
use common::{assert_no_secret_in_dir, ccs, run, shared, temp, Sandboxed};
use std::io::{BufRead, BufReader};

#[test]
fn auth_check_proves_both_secrets_and_never_prints_the_token() {
    let s = shared();
    let config = temp();
    let human = s
        .run(s.ccs(config.path()).args(["auth", "check"]))
        .expect(0);
    assert!(
        human.stdout.contains("Client secret:  OK"),
        "{}",
        human.stdout
    );
    assert!(
        human.stdout.contains("API key:        OK"),
        "{}",
        human.stdout
    );
    assert!(human.stdout.contains("(environment)"), "{}", human.stdout);
    let json = s
        .run(s.ccs(config.path()).args(["auth", "check", "--json"]))
        .expect(0)
        .json();
    assert_eq!(json["tokenLifetimeSeconds"], 3600);
    assert!(json["tokenSecondsLeft"].as_u64().unwrap() > 3500);
    assert_eq!(json["contracts"], s.sandbox.visible_contract_ids().len());
    assert_eq!(
        json["host"].as_str().unwrap().trim_end_matches('/'),
        s.sandbox.api_base_url()
    );
    assert!(json.get("token").is_none() && json.get("accessToken").is_none());
    // Debug logging on stderr never carries a secret or the token either (`run` scans both streams).
    s.run(s.ccs(config.path()).args(["contracts", "-vv"]))
        .expect(0);
    s.run(s.ccs(config.path()).args(["auth", "check", "-vv"]))
        .expect(0);
    let refused = s
        .run(
            s.ccs(config.path())
                .env("CCS_CLIENT_SECRET", "wrong-secret-value")
                .args(["contracts", "-vv"]),
        )
        .expect(3);
    refused.assert_no_secret(&["wrong-secret-value".to_owned()]);
    assert_no_secret_in_dir(config.path(), &s.secrets());
}

#[test]
fn contracts_lists_every_visible_contract_as_a_table_and_as_json() {
    let s = shared();
    let config = temp();
    let ids = s.sandbox.visible_contract_ids();
    let table = s.run(s.ccs(config.path()).arg("contracts")).expect(0);
    assert!(table.stdout.starts_with("CONTRACT"), "{}", table.stdout);
    for id in &ids {
        assert!(
            table.stdout.contains(id.as_str()),
            "{id} missing:\n{}",
            table.stdout
        );
    }
    assert!(!table.stdout.contains(&s.sandbox.foreign_contract_id()));
    // Global flags are accepted before the subcommand too.
    let json = s
        .run(s.ccs(config.path()).args(["--json", "contracts"]))
        .expect(0)
        .json();
    let listed: Vec<&str> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(listed, ids.iter().map(String::as_str).collect::<Vec<_>>());
    // The API's objects with every field the server sent.
    assert!(
        json[0]["name"].is_string() && json[0]["offer"].is_object(),
        "{json}"
    );
    assert_no_secret_in_dir(config.path(), &s.secrets());
}

#[test]
fn contract_show_gives_the_detail_of_the_contract_chosen_by_flag_or_environment() {
    let s = shared();
    let config = temp();
    let second = s.sandbox.visible_contract_ids()[1].clone();
    let human = s
        .run(s.ccs(config.path()).args(["contract", "show"]))
        .expect(0);
    assert!(
        human
            .stdout
            .contains(&format!("Contract:         {}", s.first_contract())),
        "{}",
        human.stdout
    );
    assert!(human.stdout.contains("Offer:"), "{}", human.stdout);
    let json = s
        .run(
            s.ccs(config.path())
                .args(["contract", "show", "--contract", &second, "--json"]),
        )
        .expect(0)
        .json();
    assert_eq!(json["id"], second.as_str());
    assert!(json["name"].is_string());
}

#[test]
fn documents_lists_filters_and_exports() {
    let s = shared();
    let config = temp();
    let contract = s.first_contract();
    let all = s.sandbox.documents(&contract);
    assert!(all.len() < 1000, "the natural set fits the default limit");

    // Default limit 1000: everything, no warning.
    let json = s
        .run(s.ccs(config.path()).args(["documents", "--json"]))
        .expect(0);
    assert!(!json.stderr.contains("warning"), "{}", json.stderr);
    let listed = json.json();
    let listed = listed.as_array().unwrap();
    assert_eq!(listed.len(), all.len());
    for (got, want) in listed.iter().zip(&all) {
        assert_eq!(got["id"], want.id.as_str());
        assert_eq!(got["filename"], want.filename.as_str());
        assert_eq!(got["size"], want.size);
        assert!(
            got["createdAt"].is_string()
                && got["documentType"].is_string()
                && got["period"].is_string()
        );
    }

    // --type, with the API's spelling and the correct one.
    let invoices = s
        .run(
            s.ccs(config.path())
                .args(["documents", "--type", "invoices", "--json"]),
        )
        .expect(0)
        .json();
    let want = all.iter().filter(|d| d.document_type == "invoices").count();
    assert_eq!(invoices.as_array().unwrap().len(), want);
    assert!(invoices
        .as_array()
        .unwrap()
        .iter()
        .all(|d| d["documentType"] == "invoices"));
    for spelling in ["consumptionRatedReports", "comsumptionRatedReports"] {
        let reports = s
            .run(
                s.ccs(config.path())
                    .args(["documents", "--type", spelling, "--json"]),
            )
            .expect(0)
            .json();
        let want = all
            .iter()
            .filter(|d| d.document_type == "comsumptionRatedReports")
            .count();
        assert!(want > 0);
        assert_eq!(reports.as_array().unwrap().len(), want, "{spelling}");
    }

    // --from/--to on the period, inclusive, on the months the data has.
    let mut months: Vec<&str> = all.iter().map(|d| &d.period[..6]).collect();
    months.sort_unstable();
    months.dedup();
    let (from, to) = (months[months.len() - 5], months[months.len() - 3]);
    let dashed = |m: &str| format!("{}-{}", &m[..4], &m[4..]);
    let ranged = s
        .run(s.ccs(config.path()).args([
            "documents",
            "--from",
            &dashed(from),
            "--to",
            &dashed(to),
            "--json",
        ]))
        .expect(0)
        .json();
    let want: Vec<&str> = all
        .iter()
        .filter(|d| (from..=to).contains(&&d.period[..6]))
        .map(|d| d.id.as_str())
        .collect();
    let got: Vec<&str> = ranged
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap())
        .collect();
    assert!(!want.is_empty());
    assert_eq!(got, want);

    // --limit fills: the newest N and a warning that says how to see more.
    let limited = s
        .run(
            s.ccs(config.path())
                .args(["documents", "--limit", "10", "--json"]),
        )
        .expect(0);
    assert_eq!(limited.json().as_array().unwrap().len(), 10);
    assert!(
        limited.stderr.contains("warning:") && limited.stderr.contains("--limit 100 or --all"),
        "{}",
        limited.stderr
    );
    let first_ten: Vec<&str> = all.iter().take(10).map(|d| d.id.as_str()).collect();
    let limited_json = limited.json();
    let got: Vec<&str> = limited_json
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap())
        .collect();
    assert_eq!(got, first_ten);

    // --csv: RFC 4180 with a header row and the documented first columns.
    let csv = s
        .run(
            s.ccs(config.path())
                .args(["documents", "--csv", "--type", "invoices"]),
        )
        .expect(0);
    let mut lines = csv.stdout.lines();
    let header = lines.next().unwrap();
    assert!(
        header.starts_with("id,filename,documentType,period,createdAt,size,amount,currency"),
        "{header}"
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(
        rows.len(),
        all.iter().filter(|d| d.document_type == "invoices").count()
    );
    let newest_invoice = all.iter().find(|d| d.document_type == "invoices").unwrap();
    assert!(
        rows[0].starts_with(&format!(
            "{},{},invoices,",
            newest_invoice.id, newest_invoice.filename
        )),
        "{}",
        rows[0]
    );

    // The human table.
    let table = s
        .run(s.ccs(config.path()).args(["documents", "--limit", "5"]))
        .expect(0);
    assert!(table.stdout.starts_with("ID"), "{}", table.stdout);
    assert_eq!(table.stdout.lines().count(), 6, "{}", table.stdout);
    assert!(table.stdout.contains(&all[0].id));
}

#[test]
fn documents_of_the_empty_contract_is_an_empty_json_list() {
    let s = shared();
    let config = temp();
    let empty = s.sandbox.empty_contract_id();
    let out = s
        .run(
            s.ccs(config.path())
                .args(["documents", "--contract", &empty, "--json"]),
        )
        .expect(0);
    assert_eq!(out.json(), serde_json::json!([]));
    assert_eq!(out.stdout.trim(), "[]");
    let human = s
        .run(
            s.ccs(config.path())
                .args(["documents", "--contract", &empty]),
        )
        .expect(0);
    assert!(human.stderr.contains("No documents"), "{}", human.stderr);
    // --quiet silences the note.
    let quiet = s
        .run(
            s.ccs(config.path())
                .args(["documents", "--contract", &empty, "-q"]),
        )
        .expect(0);
    assert!(quiet.stderr.is_empty(), "{}", quiet.stderr);
}

#[test]
fn documents_all_grows_the_limit_until_the_answer_is_not_full() {
    let s = Sandboxed::start(SandboxConfig {
        documents_per_contract: Some(1500),
        document_size: Some(4096),
        ..Default::default()
    });
    let config = temp();
    let without = s
        .run(
            s.ccs(config.path())
                .args(["documents", "--limit", "10", "--json"]),
        )
        .expect(0);
    assert_eq!(without.json().as_array().unwrap().len(), 10);
    assert!(without.stderr.contains("warning:"), "{}", without.stderr);
    let before = s.sandbox.request_count(Route::Documents);
    let with = s
        .run(
            s.ccs(config.path())
                .args(["documents", "--limit", "10", "--all", "--json"]),
        )
        .expect(0);
    assert_eq!(with.json().as_array().unwrap().len(), 1500);
    assert!(!with.stderr.contains("warning"), "{}", with.stderr);
    // 10, 100, 1000, 10000.
    assert_eq!(s.sandbox.request_count(Route::Documents) - before, 4);
    // The default limit (1000) is filled too: a warning says so.
    let default = s
        .run(s.ccs(config.path()).args(["documents", "--json"]))
        .expect(0);
    assert_eq!(default.json().as_array().unwrap().len(), 1000);
    assert!(
        default.stderr.contains("the answer has 1000 documents")
            && default.stderr.contains("--limit 10000 or --all"),
        "{}",
        default.stderr
    );
}

#[test]
fn the_sandbox_command_prints_credentials_that_work() {
    let config = temp();
    let bin = assert_cmd::cargo::cargo_bin("ccs");
    let mut child = KillOnDrop(
        std::process::Command::new(bin)
            .args(["sandbox", "--port", "0", "--documents", "3"])
            .env("CCS_CONFIG_DIR", config.path())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap(),
    );
    let mut env = Vec::new();
    let mut reader = BufReader::new(child.0.stdout.take().unwrap());
    while env.len() < 6 {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap() == 0 {
            break;
        }
        let (name, value) = line.trim_end().split_once('=').unwrap();
        env.push((name.to_owned(), value.to_owned()));
    }
    let names: Vec<&str> = env.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "CCS_HOST",
            "CCS_OAUTH_HOST",
            "CCS_CLIENT_ID",
            "CCS_CLIENT_SECRET",
            "CCS_API_KEY",
            "CCS_CONTRACT"
        ]
    );
    let contracts = run(ccs(config.path())
        .envs(env.clone())
        .args(["contracts", "--json"]));
    let documents = run(ccs(config.path())
        .envs(env.clone())
        .args(["documents", "--json"]));
    drop(child);
    let contracts = contracts.expect(0).json();
    let contract = &env[5].1;
    assert!(
        contracts
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == contract.as_str()),
        "{contracts}"
    );
    assert_eq!(documents.expect(0).json().as_array().unwrap().len(), 3);
}

/// The `ccs sandbox` child, killed (by its id) and reaped even when the test fails.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn every_command_has_help_with_examples() {
    let config = temp();
    let commands: [&[&str]; 21] = [
        &[],
        &["profile"],
        &["profile", "add"],
        &["profile", "set"],
        &["profile", "rename"],
        &["profile", "list"],
        &["profile", "show"],
        &["profile", "remove"],
        &["profile", "default"],
        &["profile", "import-postman"],
        &["auth"],
        &["auth", "check"],
        &["contracts"],
        &["contract"],
        &["contract", "show"],
        &["contract", "create"],
        &["documents"],
        &["download"],
        &["user"],
        &["user", "create"],
        &["sandbox"],
    ];
    for command in commands {
        let help = run(ccs(config.path()).args(command).arg("--help")).expect(0);
        assert!(
            help.stdout.contains("Examples:"),
            "ccs {} --help has no examples:\n{}",
            command.join(" "),
            help.stdout
        );
    }
    assert!(
        common::files_under(config.path()).is_empty(),
        "--help wrote nothing"
    );
}
