//! Retries: which requests, how often, how long, honouring Retry-After.
#![allow(clippy::unwrap_used)] // a test that fails should panic with the error

mod common;

use ccs_api::{ApiErrorKind, ClientConfig, DocumentsQuery, NewContract};
use ccs_sandbox::{Fault, Route};
use common::*;
use std::time::Duration;

fn status(http: u16, code: u32, retry_after_secs: Option<u64>) -> Fault {
    Fault::Status {
        http,
        code,
        retry_after_secs,
    }
}

#[tokio::test]
async fn gets_are_retried_on_502_503_504_with_growing_backoff() {
    let sandbox = sandbox().await;
    let (client, clock) = client_for(&sandbox);
    client.list_contracts().await.unwrap();
    sandbox.reset_counters();
    sandbox.inject(Route::Contracts, status(503, 5, None), 1);
    sandbox.inject(Route::Contracts, status(502, 1, None), 1);
    sandbox.inject(Route::Contracts, status(504, 1, None), 1);
    client.list_contracts().await.unwrap();
    assert_eq!(sandbox.request_count(Route::Contracts), 4);
    let sleeps = clock.sleeps();
    assert_eq!(sleeps.len(), 3);
    assert!(
        sleeps[0] <= Duration::from_millis(250) && sleeps[2] >= Duration::from_millis(500),
        "{sleeps:?}"
    );
}

#[tokio::test]
async fn retry_after_is_honoured() {
    let sandbox = sandbox().await;
    let (client, clock) = client_for(&sandbox);
    sandbox.inject(Route::Contracts, status(429, 53, Some(7)), 1);
    client.list_contracts().await.unwrap();
    assert_eq!(clock.sleeps(), vec![Duration::from_secs(7)]);
}

#[tokio::test]
async fn legacy_403_code_53_is_a_rate_limit_too() {
    let sandbox = sandbox().await;
    let (client, clock) = client_for(&sandbox);
    sandbox.inject(Route::Contracts, status(403, 53, Some(3)), 1);
    client.list_contracts().await.unwrap();
    assert_eq!(clock.sleeps(), vec![Duration::from_secs(3)]);
}

#[tokio::test]
async fn attempts_are_bounded() {
    let sandbox = sandbox().await;
    let config = ClientConfig {
        retry: retry(3),
        ..config_for(&sandbox)
    };
    let (client, _) = client_with(&sandbox, config, credentials_for(&sandbox));
    sandbox.inject(Route::Contracts, status(503, 5, None), 10);
    let error = client.list_contracts().await.unwrap_err();
    assert_eq!(error.kind(), ApiErrorKind::Server);
    assert_eq!(sandbox.request_count(Route::Contracts), 3);
}

#[tokio::test]
async fn a_retry_after_beyond_the_total_budget_is_not_waited() {
    let sandbox = sandbox().await;
    let (client, clock) = client_for(&sandbox);
    sandbox.inject(Route::Contracts, status(429, 53, Some(3600)), 1);
    let error = client.list_contracts().await.unwrap_err();
    assert_eq!(error.kind(), ApiErrorKind::RateLimited);
    assert!(error.to_string().contains("3600 s"), "{error}");
    assert!(clock.sleeps().is_empty());
}

#[tokio::test]
async fn server_errors_500_are_not_retried() {
    let sandbox = sandbox().await;
    let (client, _) = client_for(&sandbox);
    sandbox.inject(Route::Contracts, status(500, 1, None), 1);
    assert_eq!(
        client.list_contracts().await.unwrap_err().kind(),
        ApiErrorKind::Server
    );
    assert_eq!(sandbox.request_count(Route::Contracts), 1);
}

fn contract_body() -> NewContract {
    NewContract {
        billing_account_id: "BA-1".into(),
        offer_code: "FE".into(),
        contract_name: "Retry test".into(),
        support_level: "Standard".into(),
        referent_civility: ccs_api::Civility::Mrs,
        referent_name: "Roux".into(),
        referent_first_name: "Léa".into(),
        referent_mail: "lea.roux@example.com".into(),
        referent_fix_phone: None,
        referent_mobile_phone: None,
    }
}

#[tokio::test]
async fn posts_are_not_retried_on_5xx() {
    let sandbox = sandbox().await;
    let (client, _) = client_for(&sandbox);
    sandbox.inject(Route::CreateContract, status(503, 5, None), 1);
    assert_eq!(
        client
            .create_contract(&contract_body())
            .await
            .unwrap_err()
            .kind(),
        ApiErrorKind::Server
    );
    assert_eq!(sandbox.request_count(Route::CreateContract), 1);
}

#[tokio::test]
async fn posts_are_retried_on_429() {
    let sandbox = sandbox().await;
    let (client, clock) = client_for(&sandbox);
    sandbox.inject(Route::CreateContract, status(429, 53, Some(1)), 1);
    client.create_contract(&contract_body()).await.unwrap();
    assert_eq!(sandbox.request_count(Route::CreateContract), 2);
    assert_eq!(clock.sleeps(), vec![Duration::from_secs(1)]);
}

#[tokio::test]
async fn connection_failures_are_retried_then_reported_with_a_network_hint() {
    let sandbox = sandbox().await;
    let port = sandbox.port();
    let credentials = credentials_for(&sandbox);
    drop(sandbox);
    let config = ClientConfig {
        api_base: format!("http://127.0.0.1:{port}/cloud/b2b/v1"),
        oauth_base: format!("http://127.0.0.1:{port}/oauth/v3"),
        retry: retry(3),
        ..ClientConfig::default()
    };
    let clock = std::sync::Arc::new(ccs_api::ManualClock::new(std::time::SystemTime::now()));
    let client = ccs_api::Client::with_clock(config, credentials, clock.clone()).unwrap();
    let error = client.list_contracts().await.unwrap_err();
    assert_eq!(error.kind(), ApiErrorKind::Network);
    assert!(error.to_string().contains("VPN or proxy"), "{error}");
    assert_eq!(clock.sleeps().len(), 2, "three attempts in all");
}

#[tokio::test]
async fn a_slow_answer_is_a_timeout() {
    let sandbox = sandbox().await;
    // Resource calls have no whole-request limit any more (a long list may take minutes): an
    // answer that does not start within the read timeout is what times out.
    let config = ClientConfig {
        read_timeout: Duration::from_millis(300),
        retry: retry(1),
        ..config_for(&sandbox)
    };
    let (client, _) = client_with(&sandbox, config, credentials_for(&sandbox));
    client.ensure_token().await.unwrap();
    sandbox.inject(Route::Documents, Fault::Delay(Duration::from_secs(3)), 1);
    let contract = first_contract(&sandbox);
    let error = client
        .list_documents(
            &contract,
            &DocumentsQuery {
                document_type: None,
                limit: 1,
            },
        )
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ApiErrorKind::Timeout, "{error}");
}
