//! The sandbox's odd-but-plausible answers over real HTTP: token bodies, gateway pages, tolerant
//! list rows, an object without `documents`, slow and stalled lists, other create answers and
//! late answers. All are off by default.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::{Duration, Instant};

use ccs_sandbox::{
    CreateAnswerStyle, Fault, FaultConfig, GatewayStyle, Route, SandboxConfig, TokenBodyFault,
};
use common::{client, get, start, token};
use serde_json::{json, Value};

fn with_faults(faults: FaultConfig) -> SandboxConfig {
    SandboxConfig {
        faults,
        ..SandboxConfig::default()
    }
}

/// The raw token answer of a sandbox.
async fn token_answer(faults: FaultConfig) -> (String, Option<String>, String) {
    let sandbox = start(with_faults(faults)).await;
    let creds = sandbox.credentials();
    let response = client()
        .post(format!("{}/token", sandbox.oauth_base_url()))
        .basic_auth(&creds.client_id, Some(&creds.client_secret))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned());
    let body = response.text().await.unwrap();
    (body, content_type, sandbox.api_base_url())
}

#[tokio::test]
async fn token_bodies_come_in_odd_forms_on_demand() {
    let odd = |fault| FaultConfig {
        token_body: Some(fault),
        ..FaultConfig::default()
    };
    let (form, content_type, _) = token_answer(odd(TokenBodyFault::NotJson)).await;
    assert!(form.starts_with("access_token="), "{form}");
    assert!(form.contains("&expires_in=3600"), "{form}");
    assert_eq!(
        content_type.as_deref(),
        Some("application/x-www-form-urlencoded")
    );
    assert!(serde_json::from_str::<Value>(&form).is_err());

    let (body, _, _) = token_answer(odd(TokenBodyFault::NoExpiresIn)).await;
    let value: Value = serde_json::from_str(&body).unwrap();
    assert!(value.get("expires_in").is_none() && value["access_token"].is_string());

    let (body, _, _) = token_answer(odd(TokenBodyFault::HugeExpiresIn)).await;
    let value: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(value["expires_in"], json!(u64::MAX));

    let (body, _, _) = token_answer(odd(TokenBodyFault::NegativeExpiresIn)).await;
    let value: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(value["expires_in"], -3600);

    let (body, _, _) = token_answer(FaultConfig::default()).await;
    let value: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(value["expires_in"], 3600, "off by default");
}

#[tokio::test]
async fn the_token_of_an_odd_answer_still_works() {
    let sandbox = start(with_faults(FaultConfig {
        token_body: Some(TokenBodyFault::NotJson),
        ..FaultConfig::default()
    }))
    .await;
    let client = client();
    let creds = sandbox.credentials();
    let form = client
        .post(format!("{}/token", sandbox.oauth_base_url()))
        .basic_auth(&creds.client_id, Some(&creds.client_secret))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let token = form
        .split('&')
        .find_map(|pair| pair.strip_prefix("access_token="))
        .unwrap();
    let response = get(&client, &sandbox, "/contracts", token, None)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn gateway_pages_are_html_or_text_not_orange_json() {
    let sandbox = start(SandboxConfig::default()).await;
    let client = client();
    let token = token(&sandbox, &client).await;
    sandbox.inject(
        Route::Contracts,
        Fault::GatewayPage {
            http: 502,
            style: GatewayStyle::NginxHtml,
        },
        1,
    );
    sandbox.inject(
        Route::Contracts,
        Fault::GatewayPage {
            http: 503,
            style: GatewayStyle::PlainText,
        },
        1,
    );
    let page = get(&client, &sandbox, "/contracts", &token, None)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 502);
    assert_eq!(page.headers()["content-type"], "text/html");
    let html = page.text().await.unwrap();
    assert!(
        html.contains("<head><title>502 Bad Gateway</title></head>"),
        "{html}"
    );
    assert!(html.contains("<center>nginx</center>") && html.contains("a padding"));

    let text = get(&client, &sandbox, "/contracts", &token, None)
        .send()
        .await
        .unwrap();
    assert_eq!(text.status(), 503);
    assert_eq!(text.headers()["content-type"], "text/plain");
    assert!(text
        .text()
        .await
        .unwrap()
        .starts_with("upstream connect error"));

    let normal = get(&client, &sandbox, "/contracts", &token, None)
        .send()
        .await
        .unwrap();
    assert_eq!(normal.status(), 200, "one-shot faults are used up");
    assert_eq!(sandbox.request_count(Route::Contracts), 3);
}

/// The documents list of the first contract, raw.
async fn raw_list(faults: FaultConfig, limit: u32) -> (Value, Vec<ccs_sandbox::DocumentInfo>) {
    let sandbox = start(with_faults(faults)).await;
    let client = client();
    let token = token(&sandbox, &client).await;
    let contract = sandbox.visible_contract_ids()[0].clone();
    let path = format!("/documents?limit={limit}");
    let response = get(&client, &sandbox, &path, &token, Some(&contract))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let value = response.json().await.unwrap();
    (value, sandbox.documents(&contract))
}

#[tokio::test]
async fn odd_rows_have_a_text_amount_and_a_missing_size() {
    let (rows, documents) = raw_list(
        FaultConfig {
            odd_list_rows: true,
            ..FaultConfig::default()
        },
        50,
    )
    .await;
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 50);
    let texts: Vec<_> = rows.iter().filter(|r| r["amount"].is_string()).collect();
    assert_eq!(texts.len(), 1, "exactly one amount as text");
    let row = texts[0];
    let listed = documents.iter().find(|d| d.id == row["id"]).unwrap();
    let expected = format!("{:.2}", listed.amount.unwrap()).replace('.', ",");
    assert_eq!(row["amount"], expected.as_str());
    let sizeless: Vec<_> = rows.iter().filter(|r| r.get("size").is_none()).collect();
    assert_eq!(sizeless.len(), 1, "exactly one row without size");
    assert_ne!(sizeless[0]["id"], row["id"], "two different rows");
}

#[tokio::test]
async fn a_list_without_documents_is_an_object_of_other_keys() {
    let (value, _) = raw_list(
        FaultConfig {
            list_without_documents: true,
            ..FaultConfig::default()
        },
        5,
    )
    .await;
    let keys: Vec<_> = value.as_object().unwrap().keys().cloned().collect();
    assert_eq!(keys, ["error", "status"]);
}

#[tokio::test]
async fn a_slow_list_takes_its_time_and_arrives_whole() {
    let (plain, _) = raw_list(FaultConfig::default(), 40).await;
    let size = plain.to_string().len() as u64;
    let started = Instant::now();
    let (slow, _) = raw_list(
        FaultConfig {
            slow_list_bytes_per_sec: Some(size * 2),
            ..FaultConfig::default()
        },
        40,
    )
    .await;
    let took = started.elapsed();
    assert_eq!(slow, plain, "the same answer");
    assert!(took >= Duration::from_millis(400), "{took:?}");
}

#[tokio::test]
async fn a_stalled_list_stops_sending_without_closing() {
    let sandbox = start(with_faults(FaultConfig {
        stall_list_after_bytes: Some(100),
        ..FaultConfig::default()
    }))
    .await;
    let client = reqwest::Client::builder()
        .read_timeout(Duration::from_millis(500))
        .build()
        .unwrap();
    let token = token(&sandbox, &client).await;
    let contract = sandbox.visible_contract_ids()[0].clone();
    let mut response = get(
        &client,
        &sandbox,
        "/documents?limit=100",
        &token,
        Some(&contract),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(response.status(), 200);
    let announced = response.content_length().unwrap();
    assert!(announced > 100, "the full length is announced");
    let started = Instant::now();
    let mut received = 0;
    let error = loop {
        match response.chunk().await {
            Ok(Some(chunk)) => received += chunk.len(),
            Ok(None) => panic!("the body ended"),
            Err(error) => break error,
        }
    };
    assert_eq!(received, 100);
    assert!(error.is_timeout(), "{error}");
    assert!(started.elapsed() < Duration::from_secs(5));
}

/// `POST` a user to the first contract.
async fn post_user(
    sandbox: &ccs_sandbox::SandboxHandle,
    client: &reqwest::Client,
    token: &str,
    login: &str,
) -> reqwest::Response {
    let contract = sandbox.visible_contract_ids()[0].clone();
    client
        .post(format!("{}/contracts/{contract}/user", sandbox.api_base_url()))
        .bearer_auth(token)
        .header("X-API-Key", &sandbox.credentials().api_key)
        .json(&json!({"civility":"Mr","lastName":"Roy","firstName":"Paul","email":"paul.roy@example.com","login":login}))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn creates_can_answer_in_other_plausible_ways() {
    let sandbox = start(SandboxConfig::default()).await;
    let client = client();
    let token = token(&sandbox, &client).await;
    sandbox.inject(
        Route::CreateUser,
        Fault::CreateAnswer(CreateAnswerStyle::NoContent),
        1,
    );
    let empty = post_user(&sandbox, &client, &token, "paul.roy.1").await;
    assert_eq!(empty.status(), 204);
    assert!(empty.bytes().await.unwrap().is_empty());

    sandbox.inject(
        Route::CreateUser,
        Fault::CreateAnswer(CreateAnswerStyle::WithoutId),
        1,
    );
    let without_id = post_user(&sandbox, &client, &token, "paul.roy.2").await;
    assert_eq!(without_id.status(), 200);
    let user: Value = without_id.json().await.unwrap();
    assert!(user.get("id").is_none());
    assert_eq!(
        user["login"], "paul.roy.1",
        "the create was applied the first time"
    );

    sandbox.inject(
        Route::CreateContract,
        Fault::CreateAnswer(CreateAnswerStyle::NotJson),
        1,
    );
    let contract = json!({"billingAccountId":"BA-1","offerCode":"FE","contractName":"Text answer","supportLevel":"Standard","referentCivility":"Mrs","referentName":"Roux","referentFirstName":"Léa","referentMail":"lea.roux@example.com"});
    let before = sandbox.visible_contract_ids().len();
    let text = client
        .post(format!("{}/contracts", sandbox.api_base_url()))
        .bearer_auth(&token)
        .header("X-API-Key", &sandbox.credentials().api_key)
        .json(&contract)
        .send()
        .await
        .unwrap();
    assert_eq!(text.status(), 201);
    assert_eq!(text.headers()["content-type"], "text/plain");
    assert_eq!(text.text().await.unwrap(), "Created");
    assert_eq!(sandbox.visible_contract_ids().len(), before + 1);
}

#[tokio::test]
async fn a_late_answer_comes_after_the_create_was_applied() {
    let sandbox = start(SandboxConfig::default()).await;
    let client = client();
    let token = token(&sandbox, &client).await;
    sandbox.inject(
        Route::CreateUser,
        Fault::DelayAnswer(Duration::from_millis(1500)),
        1,
    );
    let impatient = reqwest::Client::builder()
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let contract = sandbox.visible_contract_ids()[0].clone();
    let late = impatient
        .post(format!("{}/contracts/{contract}/user", sandbox.api_base_url()))
        .bearer_auth(&token)
        .header("X-API-Key", &sandbox.credentials().api_key)
        .json(&json!({"civility":"Mr","lastName":"Roy","firstName":"Paul","email":"paul.roy@example.com","login":"paul.roy.late"}))
        .send()
        .await;
    assert!(late.unwrap_err().is_timeout());
    // The answer is late, but the user exists already: a second create finds it.
    let again = post_user(&sandbox, &client, &token, "someone.else").await;
    assert_eq!(again.status(), 200);
    let user: Value = again.json().await.unwrap();
    assert_eq!(user["login"], "paul.roy.late");
}
