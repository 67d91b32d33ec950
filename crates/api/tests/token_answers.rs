//! Odd token answers from a real server: no token in any error text, a missing `expires_in`
//! assumed to be an hour, a huge one capped, a negative one a clear error — never a panic.
#![allow(clippy::unwrap_used)] // a test that fails should panic with the error

mod common;

use ccs_api::{ApiError, ApiErrorKind};
use ccs_sandbox::{FaultConfig, ManualClock as ServerClock, Route, SandboxConfig, TokenBodyFault};
use common::*;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

fn odd_token(fault: TokenBodyFault) -> SandboxConfig {
    SandboxConfig {
        faults: FaultConfig {
            token_body: Some(fault),
            ..FaultConfig::default()
        },
        ..SandboxConfig::default()
    }
}

/// Every way the error can be shown: Display, Debug, the UI's JSON.
fn outputs(error: &ApiError) -> [String; 3] {
    [
        error.to_string(),
        format!("{error:?}"),
        serde_json::to_string(error).unwrap(),
    ]
}

/// Whether `text` holds something like one of the sandbox's tokens (28 alphanumerics).
fn holds_a_token(text: &str) -> bool {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .any(|word| word.len() >= 20)
}

#[tokio::test]
async fn a_token_answer_that_is_not_json_is_reported_without_quoting_it() {
    let sandbox = sandbox_with(odd_token(TokenBodyFault::NotJson)).await;
    let (client, _) = client_for(&sandbox);
    let error = client.list_contracts().await.unwrap_err();
    assert_eq!(error.kind(), ApiErrorKind::UnexpectedResponse);
    for output in outputs(&error) {
        assert!(
            output.contains("a token answer that is not valid JSON"),
            "{output}"
        );
        assert!(!output.contains("access_token="), "{output}");
        assert!(!holds_a_token(&output), "a token-like word in {output}");
    }
    assert_eq!(
        sandbox.request_count(Route::Token),
        1,
        "not retried: it would fail the same way"
    );
}

#[tokio::test]
async fn a_token_answer_without_expires_in_is_assumed_to_live_an_hour() {
    let sandbox = sandbox_with(odd_token(TokenBodyFault::NoExpiresIn)).await;
    let (client, _) = client_for(&sandbox);
    let status = client.ensure_token().await.unwrap();
    assert_eq!(status.lifetime, Duration::from_secs(3600));
    client.list_contracts().await.unwrap();
    assert_eq!(sandbox.request_count(Route::Token), 1);
}

#[tokio::test]
async fn a_shorter_real_life_is_caught_by_the_401_refresh() {
    let server_clock = Arc::new(ServerClock::new(SystemTime::now()));
    let sandbox = sandbox_with(SandboxConfig {
        token_ttl: Duration::from_secs(30),
        clock: server_clock.clone(),
        ..odd_token(TokenBodyFault::NoExpiresIn)
    })
    .await;
    let (client, _) = client_for(&sandbox);
    client.list_contracts().await.unwrap();
    server_clock.advance(Duration::from_secs(60));
    client.list_contracts().await.unwrap();
    assert_eq!(
        sandbox.request_count(Route::Token),
        2,
        "the server's 401 (code 42) made the client fetch a new one"
    );
    assert_eq!(sandbox.request_count(Route::Contracts), 3);
}

#[tokio::test]
async fn a_huge_expires_in_is_capped_not_a_panic() {
    let sandbox = sandbox_with(odd_token(TokenBodyFault::HugeExpiresIn)).await;
    let (client, _) = client_for(&sandbox);
    let status = client.ensure_token().await.unwrap();
    assert_eq!(status.lifetime, Duration::from_secs(365 * 24 * 3600));
    assert!(status.expires_at > SystemTime::now());
    client.list_contracts().await.unwrap();
}

#[tokio::test]
async fn a_negative_expires_in_is_a_clear_error() {
    let sandbox = sandbox_with(odd_token(TokenBodyFault::NegativeExpiresIn)).await;
    let (client, _) = client_for(&sandbox);
    let error = client.list_contracts().await.unwrap_err();
    assert_eq!(error.kind(), ApiErrorKind::UnexpectedResponse);
    for output in outputs(&error) {
        assert!(
            output.contains("a token answer whose expires_in is negative"),
            "{output}"
        );
        assert!(!holds_a_token(&output), "a token-like word in {output}");
    }
}

#[tokio::test]
async fn a_token_answer_with_a_wrong_type_never_shows_the_token() {
    let server = raw_server(|_| {
        http_response(
            "200 OK",
            "application/json",
            r#"{"token_type":"Mac tok-secret-123456","access_token":"tok-secret-123456","expires_in":3600}"#,
        )
    })
    .await;
    let sandbox = sandbox().await;
    let config = ccs_api::ClientConfig {
        api_base: format!("{server}/cloud/b2b/v1"),
        oauth_base: format!("{server}/oauth/v3"),
        ..ccs_api::ClientConfig::default()
    };
    let (client, _) = client_with(&sandbox, config, credentials_for(&sandbox));
    let error = client.list_contracts().await.unwrap_err();
    for output in outputs(&error) {
        assert!(!output.contains("tok-secret-123456"), "{output}");
        assert!(output.contains("a token of type"), "{output}");
    }
}
