//! Server text that tries to take over the user's terminal or spreadsheet: a contract created with
//! escape sequences, a carriage return, C1 controls and bidirectional overrides in its names (through
//! the sandbox's real `POST /contracts`), the sandbox's hostile document names in tables, and
//! `--csv` output that a spreadsheet must never run as formulas. `--json` stays faithful.
#![allow(clippy::unwrap_used)] // a test that fails should panic with the error

mod common;

use ccs_api::{Civility, Client, ClientConfig, Credentials, NewContract};
use ccs_sandbox::SandboxConfig;
use common::{temp, Sandboxed};

/// The characters no printed line may carry (a newline is fine between lines).
fn hazard(c: char) -> bool {
    (c.is_control() && c != '\n')
        || matches!(
            c,
            '\u{200E}'
                | '\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2066}'..='\u{2069}'
                | '\u{061C}'
                | '\u{2028}'
                | '\u{2029}'
        )
}

fn assert_clean(text: &str) {
    let found: Vec<char> = text.chars().filter(|c| hazard(*c)).collect();
    assert!(found.is_empty(), "{found:?} printed in:\n{text}");
}

/// A name made of everything a terminal acts on.
const EVIL_NAME: &str =
    "\u{1b}]0;pwned\u{7}Evil\u{1b}[2J\u{1b}[31mCorp\rPaid\u{9b}1m \u{202E}fdp.exe\u{2066}x\u{2069}";

/// Creates a contract named [`EVIL_NAME`] through the API and returns its id.
fn evil_contract(s: &Sandboxed) -> String {
    let c = s.sandbox.credentials();
    let client = Client::new(
        ClientConfig {
            api_base: s.sandbox.api_base_url(),
            oauth_base: s.sandbox.oauth_base_url(),
            ..ClientConfig::default()
        },
        Credentials::new(&c.client_id, &c.client_secret, &c.api_key),
    )
    .unwrap();
    let before = s.sandbox.visible_contract_ids();
    s.runtime
        .block_on(client.create_contract(&NewContract {
            billing_account_id: "BA-1".into(),
            offer_code: "FE".into(),
            contract_name: EVIL_NAME.into(),
            support_level: "Business\u{1b}[5m".into(),
            referent_civility: Civility::Mrs,
            referent_name: "Martin\u{202E}".into(),
            referent_first_name: "\u{1b}[8mClaire".into(),
            referent_mail: "claire@example.com".into(),
            referent_fix_phone: None,
            referent_mobile_phone: None,
        }))
        .unwrap();
    s.sandbox
        .visible_contract_ids()
        .into_iter()
        .find(|id| !before.contains(id))
        .unwrap()
}

#[test]
fn contract_names_cannot_drive_the_terminal() {
    let s = Sandboxed::start(SandboxConfig::default());
    let config = temp();
    let id = evil_contract(&s);

    let table = s.run(s.ccs(config.path()).arg("contracts")).expect(0);
    assert_clean(&table.stdout);
    assert_clean(&table.stderr);
    let row = table.stdout.lines().find(|l| l.contains(&id)).unwrap();
    assert!(
        row.contains(r"\u{1b}]0;pwned\u{7}Evil\u{1b}[2J\u{1b}[31mCorp\rPaid\u{9b}1m \u{202e}fdp.exe\u{2066}x\u{2069}"),
        "shown escaped: {row}"
    );

    let show = s
        .run(
            s.ccs(config.path())
                .args(["contract", "show", "--contract", &id]),
        )
        .expect(0);
    assert_clean(&show.stdout);
    assert!(show.stdout.contains(r"\u{1b}[8mClaire"), "{}", show.stdout);
    assert!(show.stdout.contains(r"Martin\u{202e}"), "{}", show.stdout);
    assert!(
        show.stdout.contains(r"Business\u{1b}[5m"),
        "{}",
        show.stdout
    );

    // --json is what the server sent, escaped the JSON way: no raw C0 control (ESC, CR, BEL).
    // (JSON escapes only those; C1, DEL and direction marks pass as they came, for programs.)
    let json = s
        .run(
            s.ccs(config.path())
                .args(["contract", "show", "--contract", &id, "--json"]),
        )
        .expect(0);
    assert!(
        !json.stdout.chars().any(|c| c < ' ' && c != '\n'),
        "{}",
        json.stdout
    );
    assert_eq!(json.json()["name"], EVIL_NAME);
    let listed = s
        .run(s.ccs(config.path()).args(["contracts", "--json"]))
        .expect(0)
        .json();
    assert!(listed
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["name"] == EVIL_NAME));
}

#[test]
fn hostile_document_names_are_shown_escaped() {
    let s = Sandboxed::start(SandboxConfig {
        hostile_names: true,
        document_size: Some(4096),
        ..Default::default()
    });
    let config = temp();
    let table = s
        .run(
            s.ccs(config.path())
                .args(["documents", "--type", "invoices", "--limit", "50"]),
        )
        .expect(0);
    assert_clean(&table.stdout);
    assert!(
        table.stdout.contains(r"Invoice\u{7}bell\nnew line.pdf"),
        "the bell and the newline escaped, the tab a space:\n{}",
        table.stdout
    );
    for escaped in [
        r"\u{1b}[31mred\u{1b}[0m.pdf",
        r"inv\u{202e}fdp.exe",
        r"ok\rEVIL.pdf",
    ] {
        assert!(
            table.stdout.contains(escaped),
            "{escaped} shown escaped:\n{}",
            table.stdout
        );
    }
    let json = s
        .run(s.ccs(config.path()).args([
            "documents",
            "--type",
            "invoices",
            "--limit",
            "50",
            "--json",
        ]))
        .expect(0)
        .json();
    assert!(json
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["filename"] == "Invoice\u{7}bell\nnew\tline.pdf"));
}

/// The cells of an RFC 4180 text (quoted cells may hold commas, quotes and line breaks).
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => cell.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut cell)),
            (false, '\r') if chars.peek() == Some(&'\n') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut cell));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => cell.push(c),
        }
    }
    rows
}

#[test]
fn csv_cells_never_start_a_formula_and_numbers_stay_numbers() {
    let s = Sandboxed::start(SandboxConfig {
        hostile_names: true,
        document_size: Some(4096),
        ..Default::default()
    });
    let config = temp();
    let out = s
        .run(s.ccs(config.path()).args(["documents", "--all", "--csv"]))
        .expect(0);
    let rows = csv_rows(&out.stdout);
    let header = &rows[0];
    assert_eq!(
        header[..8],
        [
            "id",
            "filename",
            "documentType",
            "period",
            "createdAt",
            "size",
            "amount",
            "currency"
        ]
    );
    let listed = s.sandbox.documents(&s.first_contract());
    assert_eq!(rows.len() - 1, listed.len());
    for row in &rows[1..] {
        assert_eq!(row.len(), header.len(), "{row:?}");
        for (name, cell) in header.iter().zip(row) {
            match name.as_str() {
                "size" | "amount" if !cell.is_empty() => {
                    assert!(cell.parse::<f64>().is_ok(), "{name} {cell:?} is a number");
                }
                _ => assert!(
                    !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                    "{name} {cell:?} would run as a formula"
                ),
            }
        }
    }
    // The hostile names are all there, intact but for the quote a risky one would get.
    let names: Vec<&str> = rows[1..].iter().map(|r| r[1].as_str()).collect();
    assert!(
        names.contains(&"Invoice\u{7}bell\nnew\tline.pdf"),
        "{names:?}"
    );
    assert!(names.contains(&"../../etc/passwd"), "{names:?}");
    for (sent, shown) in [
        (
            "=HYPERLINK(\"http://x.invalid\").pdf",
            "'=HYPERLINK(\"http://x.invalid\").pdf",
        ),
        ("+cmd.pdf", "'+cmd.pdf"),
        ("-2+3.pdf", "'-2+3.pdf"),
        ("@SUM(A1).pdf", "'@SUM(A1).pdf"),
    ] {
        assert!(
            names.contains(&shown),
            "{sent} exported as {shown}: {names:?}"
        );
    }
}
