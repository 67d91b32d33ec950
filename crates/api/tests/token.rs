//! Token handling against the sandbox's request counter: lazy, cached, refreshed, single flight.
#![allow(clippy::unwrap_used)] // a test that fails should panic with the error

mod common;

use ccs_api::{ApiErrorKind, DocumentsQuery, RetryPolicy};
use ccs_sandbox::{Fault, ManualClock as ServerClock, Route, SandboxConfig};
use common::*;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

#[tokio::test]
async fn fetched_lazily_and_cached() {
    let sandbox = sandbox().await;
    let (client, _) = client_for(&sandbox);
    assert_eq!(
        sandbox.request_count(Route::Token),
        0,
        "no token before the first call"
    );
    for _ in 0..3 {
        client.list_contracts().await.unwrap();
    }
    assert_eq!(sandbox.request_count(Route::Token), 1);
    let status = client.ensure_token().await.unwrap();
    assert_eq!(status.lifetime, Duration::from_secs(3600));
    assert_eq!(sandbox.request_count(Route::Token), 1);
}

#[tokio::test]
async fn refreshed_when_less_than_60_seconds_are_left() {
    let sandbox = sandbox().await;
    let (client, clock) = client_for(&sandbox);
    client.list_contracts().await.unwrap();
    clock.advance(Duration::from_secs(3600 - 61));
    client.list_contracts().await.unwrap();
    assert_eq!(
        sandbox.request_count(Route::Token),
        1,
        "61 s left: still good"
    );
    clock.advance(Duration::from_secs(2));
    client.list_contracts().await.unwrap();
    assert_eq!(sandbox.request_count(Route::Token), 2, "59 s left: renewed");
}

#[tokio::test]
async fn short_tokens_are_refreshed_with_a_tenth_of_their_life_left() {
    let sandbox = sandbox_with(SandboxConfig {
        token_ttl: Duration::from_secs(30),
        ..Default::default()
    })
    .await;
    let (client, clock) = client_for(&sandbox);
    client.list_contracts().await.unwrap();
    clock.advance(Duration::from_secs(26));
    client.list_contracts().await.unwrap();
    assert_eq!(sandbox.request_count(Route::Token), 1);
    clock.advance(Duration::from_secs(1));
    client.list_contracts().await.unwrap();
    assert_eq!(sandbox.request_count(Route::Token), 2);
}

#[tokio::test]
async fn expired_on_the_server_is_refreshed_once_and_the_call_succeeds() {
    let server_clock = Arc::new(ServerClock::new(SystemTime::now()));
    let sandbox = sandbox_with(SandboxConfig {
        clock: server_clock.clone(),
        ..Default::default()
    })
    .await;
    let (client, _) = client_for(&sandbox);
    client.list_contracts().await.unwrap();
    server_clock.advance(Duration::from_secs(3601));
    let contract = first_contract(&sandbox);
    client.contract_detail(&contract).await.unwrap();
    assert_eq!(sandbox.request_count(Route::Token), 2);
    assert_eq!(
        sandbox.request_count(Route::Contract),
        2,
        "one 401 (code 42), one success"
    );
}

#[tokio::test]
async fn unknown_token_is_refreshed_once() {
    let sandbox = sandbox().await;
    let (client, _) = client_for(&sandbox);
    client.list_contracts().await.unwrap();
    sandbox.revoke_tokens();
    client.list_contracts().await.unwrap();
    assert_eq!(sandbox.request_count(Route::Token), 2);
}

#[tokio::test]
async fn a_token_refused_twice_is_an_error_not_a_loop() {
    let sandbox = sandbox().await;
    let (client, _) = client_for(&sandbox);
    sandbox.inject(
        Route::Contracts,
        Fault::Status {
            http: 401,
            code: 42,
            retry_after_secs: None,
        },
        5,
    );
    let error = client.list_contracts().await.unwrap_err();
    assert_eq!(error.kind(), ApiErrorKind::TokenRejected);
    assert_eq!(
        sandbox.request_count(Route::Token),
        2,
        "the first token, and one refresh"
    );
    assert_eq!(sandbox.request_count(Route::Contracts), 2);
}

#[tokio::test]
async fn fifty_concurrent_calls_on_an_expired_client_token_fetch_exactly_one() {
    let sandbox = sandbox().await;
    let (client, clock) = client_for(&sandbox);
    let client = Arc::new(client);
    client.list_contracts().await.unwrap();
    clock.advance(Duration::from_secs(3600));
    sandbox.reset_counters();
    let calls: Vec<_> = (0..50)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.list_contracts().await })
        })
        .collect();
    for call in calls {
        call.await.unwrap().unwrap();
    }
    assert_eq!(sandbox.request_count(Route::Token), 1);
    assert_eq!(sandbox.request_count(Route::Contracts), 50);
}

#[tokio::test]
async fn fifty_concurrent_calls_refused_as_expired_by_the_server_fetch_exactly_one() {
    let server_clock = Arc::new(ServerClock::new(SystemTime::now()));
    let sandbox = sandbox_with(SandboxConfig {
        clock: server_clock.clone(),
        ..Default::default()
    })
    .await;
    let (client, _) = client_for(&sandbox);
    let client = Arc::new(client);
    let contract = first_contract(&sandbox);
    client.list_contracts().await.unwrap();
    server_clock.advance(Duration::from_secs(7200));
    sandbox.reset_counters();
    let calls: Vec<_> = (0..50)
        .map(|_| {
            let client = client.clone();
            let contract = contract.clone();
            tokio::spawn(async move {
                client
                    .list_documents(
                        &contract,
                        &DocumentsQuery {
                            document_type: None,
                            limit: 1,
                        },
                    )
                    .await
            })
        })
        .collect();
    for call in calls {
        call.await.unwrap().unwrap();
    }
    assert_eq!(sandbox.request_count(Route::Token), 1);
}

#[tokio::test]
async fn orange_token_rate_limit_is_waited_out() {
    let sandbox = sandbox_with(SandboxConfig {
        faults: ccs_sandbox::FaultConfig {
            token_rate_limit: true,
            ..Default::default()
        },
        ..Default::default()
    })
    .await;
    sandbox.inject(
        Route::Token,
        Fault::Status {
            http: 429,
            code: 53,
            retry_after_secs: Some(2),
        },
        1,
    );
    let (client, clock) = client_with(
        &sandbox,
        ccs_api::ClientConfig {
            retry: RetryPolicy::default(),
            ..config_for(&sandbox)
        },
        credentials_for(&sandbox),
    );
    client.list_contracts().await.unwrap();
    assert_eq!(clock.sleeps(), vec![Duration::from_secs(2)]);
    assert_eq!(sandbox.request_count(Route::Token), 2);
}

#[tokio::test]
async fn expires_in_sent_as_a_string_is_understood() {
    let sandbox = sandbox().await;
    sandbox.set_expires_in_as_string(true);
    let (client, _) = client_for(&sandbox);
    let status = client.ensure_token().await.unwrap();
    assert_eq!(status.lifetime, Duration::from_secs(3600));
}
