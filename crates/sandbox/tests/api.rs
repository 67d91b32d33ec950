//! The wire contract over real HTTP: token, header checks, lists, creates, faults, counters.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ccs_sandbox::{Fault, FaultConfig, ManualClock, Route, SandboxConfig, SandboxCredentials};
use common::{client, expect_error, get, start, token};
use serde_json::{json, Value};

#[tokio::test]
async fn token_success_and_errors() {
    let sandbox = start(SandboxConfig::default()).await;
    let client = client();
    let creds = sandbox.credentials().clone();
    let url = format!("{}/token", sandbox.oauth_base_url());

    let ok = client
        .post(&url)
        .basic_auth(&creds.client_id, Some(&creds.client_secret))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    assert!(ok.headers().contains_key("x-oapi-request-id"));
    let body: Value = ok.json().await.unwrap();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3600);
    assert!(body["access_token"].as_str().unwrap().len() > 10);

    let missing = client
        .post(&url)
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 401);
    let body: Value = missing.json().await.unwrap();
    assert_eq!(
        body,
        json!({"error":"invalid_client","error_description":"Basic authentication is malformed"})
    );

    let garbage = client
        .post(&url)
        .header("Authorization", "Basic !!!not-base64")
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    assert_eq!(garbage.status(), 401);
    let body: Value = garbage.json().await.unwrap();
    assert_eq!(
        body["error_description"],
        "Basic authentication is malformed"
    );

    let wrong = client
        .post(&url)
        .basic_auth(&creds.client_id, Some("wrong"))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    let body: Value = wrong.json().await.unwrap();
    assert_eq!(
        body,
        json!({"error":"invalid_client","error_description":"The requested service needs credentials, but the ones provided were invalid."})
    );

    for form in [vec![], vec![("grant_type", "password")]] {
        let bad = client
            .post(&url)
            .basic_auth(&creds.client_id, Some(&creds.client_secret))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(bad.status(), 400);
        let body: Value = bad.json().await.unwrap();
        assert_eq!(body, json!({"error":"unsupported_grant_type"}));
    }

    sandbox.set_expires_in_as_string(true);
    let ok = client
        .post(&url)
        .basic_auth(&creds.client_id, Some(&creds.client_secret))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    let body: Value = ok.json().await.unwrap();
    assert_eq!(body["expires_in"], "3600");
    assert_eq!(sandbox.request_count(Route::Token), 7);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn header_checks_in_order() {
    let sandbox = start(SandboxConfig::default()).await;
    let client = client();
    let token = token(&sandbox, &client).await;
    let base = sandbox.api_base_url();
    let key = sandbox.credentials().api_key.clone();
    let first = sandbox.visible_contract_ids()[0].clone();

    for path in ["/contracts", "/contract", "/documents"] {
        let r = client
            .get(format!("{base}{path}"))
            .header("X-API-Key", &key)
            .send()
            .await
            .unwrap();
        expect_error(r, 401, 40).await;
        let r = client
            .get(format!("{base}{path}"))
            .header("Authorization", "Basic abc")
            .header("X-API-Key", &key)
            .send()
            .await
            .unwrap();
        expect_error(r, 401, 40).await;
        let r = client
            .get(format!("{base}{path}"))
            .bearer_auth("nope")
            .header("X-API-Key", &key)
            .send()
            .await
            .unwrap();
        expect_error(r, 401, 41).await;
        let r = client
            .get(format!("{base}{path}"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        let body = expect_error(r, 400, 25).await;
        assert!(body["description"].as_str().unwrap().contains("X-API-Key"));
        let r = client
            .get(format!("{base}{path}"))
            .bearer_auth(&token)
            .header("x-api-key", "wrong")
            .send()
            .await
            .unwrap();
        expect_error(r, 403, 50).await;
    }
    for path in [
        "/contract",
        "/documents",
        "/documents/0123456789abcdef01234567/file",
    ] {
        let r = get(&client, &sandbox, path, &token, None)
            .send()
            .await
            .unwrap();
        let body = expect_error(r, 400, 25).await;
        assert!(body["description"]
            .as_str()
            .unwrap()
            .contains("X-ECCS-Contract-Id"));
        let r = get(&client, &sandbox, path, &token, Some("OCB12"))
            .send()
            .await
            .unwrap();
        expect_error(r, 400, 26).await;
        let r = get(
            &client,
            &sandbox,
            path,
            &token,
            Some(&sandbox.foreign_contract_id()),
        )
        .send()
        .await
        .unwrap();
        expect_error(r, 403, 50).await;
    }
    // Lower-case header names work the same.
    let r = client
        .get(format!("{base}/contract"))
        .header("authorization", format!("Bearer {token}"))
        .header("x-api-key", &key)
        .header("x-eccs-contract-id", &first)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let detail: Value = r.json().await.unwrap();
    assert_eq!(detail["id"], first.as_str());
    for field in [
        "name",
        "contractType",
        "customer",
        "offer",
        "createdAt",
        "updatedAt",
        "status",
        "supportLevel",
        "billingAccountId",
        "contact",
    ] {
        assert!(!detail[field].is_null(), "{field} in {detail}");
    }
    assert_eq!(detail["offer"]["name"], "Flexible Engine");
    assert_eq!(detail["status"], "ACTIVE");

    let r = get(&client, &sandbox, "/contracts", &token, None)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let list: Value = r.json().await.unwrap();
    let ids: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 5);
    assert!(ids.iter().all(|id| id.len() == 10 && id.starts_with("OCB")));
    assert!(!ids.contains(&sandbox.foreign_contract_id().as_str()));
    assert!(ids.contains(&sandbox.empty_contract_id().as_str()));
    assert_eq!(list[0]["offer"]["name"], "Flexible Engine");

    let r = get(
        &client,
        &sandbox,
        "/documents/ffffffffffffffffffffffff/file",
        &token,
        Some(&first),
    )
    .send()
    .await
    .unwrap();
    expect_error(r, 404, 60).await;
    let r = get(&client, &sandbox, "/nowhere", &token, None)
        .send()
        .await
        .unwrap();
    expect_error(r, 404, 60).await;
}

#[tokio::test]
async fn document_list_shapes_and_limits() {
    let sandbox = start(SandboxConfig::default()).await;
    let client = client();
    let token = token(&sandbox, &client).await;
    let first = sandbox.visible_contract_ids()[0].clone();

    let r = get(&client, &sandbox, "/documents", &token, Some(&first))
        .send()
        .await
        .unwrap();
    let list: Value = r.json().await.unwrap();
    let list = list.as_array().unwrap().clone();
    assert_eq!(list.len(), 10);
    let dates: Vec<&str> = list
        .iter()
        .map(|d| d["createdAt"].as_str().unwrap())
        .collect();
    let mut sorted = dates.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(dates, sorted, "newest first");
    let expected = sandbox.documents(&first);
    assert!(expected.len() > 200);
    assert_eq!(list[0]["id"], expected[0].id.as_str());
    for doc in &list {
        let id = doc["id"].as_str().unwrap();
        assert_eq!(id.len(), 24);
        assert!(id
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
    }

    let r = get(
        &client,
        &sandbox,
        "/documents?limit=100000",
        &token,
        Some(&first),
    )
    .send()
    .await
    .unwrap();
    let all: Vec<Value> = r.json().await.unwrap();
    assert_eq!(all.len(), expected.len());

    let r = get(
        &client,
        &sandbox,
        "/documents?documentType=invoices&limit=3",
        &token,
        Some(&first),
    )
    .send()
    .await
    .unwrap();
    let invoices: Vec<Value> = r.json().await.unwrap();
    assert_eq!(invoices.len(), 3);
    for invoice in &invoices {
        assert_eq!(invoice["documentType"], "invoices");
        assert_eq!(invoice["currency"], "EUR");
        assert!(invoice["amount"].is_number());
        assert!(invoice["filename"].as_str().unwrap().ends_with(".pdf"));
    }
    let r = get(
        &client,
        &sandbox,
        "/documents?documentType=comsumptionRatedReports&limit=1",
        &token,
        Some(&first),
    )
    .send()
    .await
    .unwrap();
    let csv: Vec<Value> = r.json().await.unwrap();
    assert_eq!(csv.len(), 1);
    let r = get(
        &client,
        &sandbox,
        "/documents?documentType=&limit=2",
        &token,
        Some(&first),
    )
    .send()
    .await
    .unwrap();
    let both: Vec<Value> = r.json().await.unwrap();
    assert_eq!(both.len(), 2);

    for query in [
        "/documents?documentType=consumptionRatedReports",
        "/documents?documentType=nonsense",
    ] {
        let r = get(&client, &sandbox, query, &token, Some(&first))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let body: Value = r.json().await.unwrap();
        assert_eq!(body, json!({"documents": null}));
    }
    let r = get(
        &client,
        &sandbox,
        "/documents",
        &token,
        Some(&sandbox.empty_contract_id()),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), 200);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body, json!({"documents": null}));

    for bad in ["0", "-1", "abc", "", "1.5"] {
        let r = get(
            &client,
            &sandbox,
            &format!("/documents?limit={bad}"),
            &token,
            Some(&first),
        )
        .send()
        .await
        .unwrap();
        expect_error(r, 400, 28).await;
    }
}

#[tokio::test]
async fn same_seed_same_data() {
    let start_time = UNIX_EPOCH + Duration::from_secs(1_793_000_000);
    let config = || SandboxConfig {
        clock: Arc::new(ManualClock::new(start_time)),
        ..SandboxConfig::default()
    };
    let a = start(config()).await;
    let b = start(config()).await;
    assert_eq!(a.visible_contract_ids(), b.visible_contract_ids());
    let first = a.visible_contract_ids()[0].clone();
    assert_eq!(a.documents(&first), b.documents(&first));
    let docs = a.documents(&first);
    for doc in docs.iter().step_by(37) {
        assert_eq!(
            a.document_bytes(&first, &doc.id),
            b.document_bytes(&first, &doc.id)
        );
    }
    let other = start(SandboxConfig {
        seed: 7,
        ..config()
    })
    .await;
    assert_ne!(other.visible_contract_ids(), a.visible_contract_ids());
    // Natural set: 46 closed months x 3 types, 2 partials, 90 daily reports.
    assert_eq!(docs.len(), 46 * 3 + 2 + 90);
    assert!(docs
        .iter()
        .any(|d| d.document_type == "comsumptionRatedReports"));
    assert!(docs
        .iter()
        .any(|d| d.document_type == "reports" && d.period.len() == 8));

    let counted = start(SandboxConfig {
        documents_per_contract: Some(500),
        ..config()
    })
    .await;
    for id in counted.visible_contract_ids().iter().take(4) {
        assert_eq!(counted.documents(id).len(), 500);
    }
    assert!(counted.documents(&counted.empty_contract_id()).is_empty());
}

async fn post_json(
    client: &reqwest::Client,
    sandbox: &ccs_sandbox::SandboxHandle,
    token: &str,
    path: &str,
    body: Value,
) -> reqwest::Response {
    client
        .post(format!("{}{path}", sandbox.api_base_url()))
        .bearer_auth(token)
        .header("X-API-Key", &sandbox.credentials().api_key)
        .json(&body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn create_user_and_contract() {
    let sandbox = start(SandboxConfig::default()).await;
    let client = client();
    let token = token(&sandbox, &client).await;
    let first = sandbox.visible_contract_ids()[0].clone();
    let path = format!("/contracts/{first}/user");
    let user = json!({"civility":"Mrs","lastName":"Durand","firstName":"Claire","email":"claire.durand@example.com","login":"cdurand.ops"});

    let r = post_json(&client, &sandbox, &token, &path, user.clone()).await;
    assert_eq!(r.status(), 201);
    let created: Value = r.json().await.unwrap();
    assert_eq!(created["login"], "cdurand.ops");
    assert_eq!(created["contractId"], first.as_str());

    let mut again = user.clone();
    again["login"] = json!("another.login");
    let r = post_json(&client, &sandbox, &token, &path, again).await;
    assert_eq!(r.status(), 200);
    let existing: Value = r.json().await.unwrap();
    assert_eq!(existing["login"], "cdurand.ops");

    let mut missing = user.clone();
    missing.as_object_mut().unwrap().remove("email");
    let body = expect_error(
        post_json(&client, &sandbox, &token, &path, missing).await,
        400,
        23,
    )
    .await;
    assert_eq!(body["description"], "Missing body field: email");
    for (field, value) in [
        ("login", "short"),
        ("login", "accentué.login"),
        ("email", "not-an-email"),
        ("civility", "Dr"),
    ] {
        let mut bad = user.clone();
        bad[field] = json!(value);
        let body = expect_error(
            post_json(&client, &sandbox, &token, &path, bad).await,
            400,
            24,
        )
        .await;
        assert!(body["description"].as_str().unwrap().contains(field));
    }
    let r = client
        .post(format!("{}{path}", sandbox.api_base_url()))
        .bearer_auth(&token)
        .header("X-API-Key", &sandbox.credentials().api_key)
        .send()
        .await
        .unwrap();
    expect_error(r, 400, 21).await;
    let r = client
        .post(format!("{}{path}", sandbox.api_base_url()))
        .bearer_auth(&token)
        .header("X-API-Key", &sandbox.credentials().api_key)
        .body("{not json")
        .send()
        .await
        .unwrap();
    expect_error(r, 400, 22).await;
    let foreign = format!("/contracts/{}/user", sandbox.foreign_contract_id());
    expect_error(
        post_json(&client, &sandbox, &token, &foreign, user.clone()).await,
        403,
        50,
    )
    .await;
    expect_error(
        post_json(
            &client,
            &sandbox,
            &token,
            "/contracts/XYZ/user",
            user.clone(),
        )
        .await,
        400,
        20,
    )
    .await;

    let contract = json!({"billingAccountId":"BA0000000042","offerCode":"FE","contractName":"Nouveau projet","supportLevel":"Standard","referentCivility":"Mr","referentName":"Petit","referentFirstName":"Louis","referentMail":"louis.petit@example.com"});
    let r = post_json(&client, &sandbox, &token, "/contracts", contract.clone()).await;
    assert_eq!(r.status(), 201);
    let created: Value = r.json().await.unwrap();
    let id = created["id"].as_str().unwrap().to_owned();
    assert_eq!(created["status"], "PENDING");
    assert_eq!(created["contact"]["email"], "louis.petit@example.com");
    let list: Vec<Value> = get(&client, &sandbox, "/contracts", &token, None)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(list.iter().any(|c| c["id"] == id.as_str()));
    let r = get(&client, &sandbox, "/documents", &token, Some(&id))
        .send()
        .await
        .unwrap();
    assert_eq!(r.json::<Value>().await.unwrap(), json!({"documents": null}));
    let mut bad = contract.clone();
    bad.as_object_mut().unwrap().remove("referentMail");
    let body = expect_error(
        post_json(&client, &sandbox, &token, "/contracts", bad).await,
        400,
        23,
    )
    .await;
    assert!(body["description"]
        .as_str()
        .unwrap()
        .contains("referentMail"));
    let mut bad = contract;
    bad["referentCivility"] = json!("Mx");
    expect_error(
        post_json(&client, &sandbox, &token, "/contracts", bad).await,
        400,
        24,
    )
    .await;
    assert_eq!(sandbox.request_count(Route::CreateContract), 3);
    assert_eq!(sandbox.request_count(Route::CreateUser), 11);
}

#[tokio::test]
async fn expiry_revocation_faults_and_counters() {
    let clock = Arc::new(ManualClock::new(SystemTime::now()));
    let sandbox = start(SandboxConfig {
        clock: clock.clone(),
        credentials: Some(SandboxCredentials {
            client_id: "id".into(),
            client_secret: "secret".into(),
            api_key: "key".into(),
        }),
        faults: FaultConfig {
            token_rate_limit: true,
            ..FaultConfig::default()
        },
        ..SandboxConfig::default()
    })
    .await;
    assert!(!format!("{:?}", sandbox.credentials()).contains("secret\""));
    assert!(sandbox.env_lines().contains(&"CCS_API_KEY=key".to_owned()));
    let client = client();
    let token = token(&sandbox, &client).await;
    assert_eq!(
        get(&client, &sandbox, "/contracts", &token, None)
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    clock.advance(Duration::from_secs(3601));
    let r = get(&client, &sandbox, "/contracts", &token, None)
        .send()
        .await
        .unwrap();
    expect_error(r, 401, 42).await;

    let token = common::token(&sandbox, &client).await;
    sandbox.revoke_tokens();
    let r = get(&client, &sandbox, "/contracts", &token, None)
        .send()
        .await
        .unwrap();
    expect_error(r, 401, 41).await;

    let token = common::token(&sandbox, &client).await;
    sandbox.inject(
        Route::Contracts,
        Fault::Status {
            http: 429,
            code: 53,
            retry_after_secs: Some(7),
        },
        2,
    );
    for _ in 0..2 {
        let r = get(&client, &sandbox, "/contracts", &token, None)
            .send()
            .await
            .unwrap();
        assert_eq!(r.headers()["retry-after"], "7");
        let body = expect_error(r, 429, 53).await;
        assert_eq!(body["message"], "Too many requests");
    }
    // Faults come before authentication, like a gateway.
    sandbox.inject(
        Route::Contract,
        Fault::Status {
            http: 503,
            code: 5,
            retry_after_secs: None,
        },
        1,
    );
    let r = client
        .get(format!("{}/contract", sandbox.api_base_url()))
        .send()
        .await
        .unwrap();
    expect_error(r, 503, 5).await;
    assert_eq!(
        get(&client, &sandbox, "/contracts", &token, None)
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(sandbox.request_count(Route::Contracts), 6);
    assert_eq!(sandbox.request_count(Route::Contract), 1);
    sandbox.reset_counters();
    assert_eq!(sandbox.request_count(Route::Contracts), 0);

    // 2 tokens so far in this minute (the clock moved past the first one): fill up to 50.
    for _ in 0..48 {
        common::token(&sandbox, &client).await;
    }
    let r = client
        .post(format!("{}/token", sandbox.oauth_base_url()))
        .basic_auth("id", Some("secret"))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    assert!(r.headers().contains_key("retry-after"));
    expect_error(r, 429, 53).await;
    clock.advance(Duration::from_secs(61));
    common::token(&sandbox, &client).await;
    assert_eq!(sandbox.request_count(Route::Token), 50);
}
