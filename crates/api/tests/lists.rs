//! Documents lists from a real server: odd rows are read, an object without `documents` is an
//! error, a slow list arrives whatever it takes, a stalled one fails within the read timeout.
#![allow(clippy::unwrap_used)] // a test that fails should panic with the error

mod common;

use ccs_api::{ApiErrorKind, ClientConfig, ContractId, DocumentsQuery};
use ccs_sandbox::{FaultConfig, SandboxConfig};
use common::*;
use std::time::{Duration, Instant};

fn with_faults(faults: FaultConfig) -> SandboxConfig {
    SandboxConfig {
        faults,
        ..SandboxConfig::default()
    }
}

fn all(limit: u32) -> DocumentsQuery {
    DocumentsQuery {
        document_type: None,
        limit,
    }
}

#[tokio::test]
async fn one_odd_row_does_not_fail_the_list() {
    let sandbox = sandbox_with(with_faults(FaultConfig {
        odd_list_rows: true,
        ..FaultConfig::default()
    }))
    .await;
    let (client, _) = client_for(&sandbox);
    let contract = first_contract(&sandbox);
    let expected = sandbox.documents(contract.as_str());
    let list = client
        .list_documents(&contract, &all(100_000))
        .await
        .unwrap();
    assert_eq!(list.documents.len(), expected.len(), "every row is kept");
    for (got, sent) in list.documents.iter().zip(&expected) {
        assert_eq!(got.id.as_str(), sent.id);
        assert_eq!(
            got.amount, sent.amount,
            "the text amount \"x,yy\" is read too"
        );
    }
    let sizeless: Vec<_> = list.documents.iter().filter(|d| d.size.is_none()).collect();
    assert_eq!(
        sizeless.len(),
        1,
        "the row without size is kept, without one"
    );
}

#[tokio::test]
async fn an_object_without_documents_is_an_error_naming_its_keys() {
    let sandbox = sandbox_with(with_faults(FaultConfig {
        list_without_documents: true,
        ..FaultConfig::default()
    }))
    .await;
    let (client, _) = client_for(&sandbox);
    let contract = first_contract(&sandbox);
    let error = client
        .list_documents(&contract, &all(10))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ApiErrorKind::UnexpectedResponse);
    let text = error.to_string();
    assert!(
        text.contains("got an object with keys error, status"),
        "{text}"
    );
    assert!(
        !text.contains("Upstream answered"),
        "values are never shown: {text}"
    );
    assert!(error.request_id().is_some(), "support gets the request id");
}

#[tokio::test]
async fn documents_null_and_an_empty_array_stay_an_empty_list() {
    let sandbox = sandbox().await;
    let (client, _) = client_for(&sandbox);
    let empty = ContractId::parse(&sandbox.empty_contract_id()).unwrap();
    let list = client.list_documents(&empty, &all(10)).await.unwrap();
    assert!(list.documents.is_empty());

    let server = raw_server(|request| {
        if request.starts_with("POST") {
            return http_response(
                "200 OK",
                "application/json",
                r#"{"token_type":"Bearer","access_token":"list-token-123456","expires_in":3600}"#,
            );
        }
        http_response("200 OK", "application/json", r#"{"documents": []}"#)
    })
    .await;
    let config = ClientConfig {
        api_base: format!("{server}/cloud/b2b/v1"),
        oauth_base: format!("{server}/oauth/v3"),
        ..ClientConfig::default()
    };
    let (client, _) = client_with(&sandbox, config, credentials_for(&sandbox));
    let list = client.list_documents(&empty, &all(10)).await.unwrap();
    assert!(list.documents.is_empty());
}

#[tokio::test]
async fn a_slow_list_longer_than_the_request_timeout_succeeds() {
    const LIMIT: u32 = 60;
    let probe = sandbox().await;
    let contract = first_contract(&probe);
    let rows = &probe.documents(contract.as_str())[..LIMIT as usize];
    let size = serde_json::to_string(rows).unwrap().len() as u64;
    drop(probe);
    // About 1.2 s for the whole list, sent in tenths of a second: never idle for long.
    let sandbox = sandbox_with(with_faults(FaultConfig {
        slow_list_bytes_per_sec: Some(size * 10 / 12),
        ..FaultConfig::default()
    }))
    .await;
    let config = ClientConfig {
        request_timeout: Duration::from_millis(300),
        read_timeout: Duration::from_secs(2),
        retry: retry(1),
        ..config_for(&sandbox)
    };
    let (client, _) = client_with(&sandbox, config, credentials_for(&sandbox));
    client.ensure_token().await.unwrap();
    let started = Instant::now();
    let list = client.list_documents(&contract, &all(LIMIT)).await.unwrap();
    let took = started.elapsed();
    assert_eq!(list.documents.len(), LIMIT as usize);
    assert!(
        took > Duration::from_millis(900),
        "the list took longer than the request timeout: {took:?}"
    );
}

#[tokio::test]
async fn a_stalled_list_fails_within_the_read_timeout() {
    let sandbox = sandbox_with(with_faults(FaultConfig {
        stall_list_after_bytes: Some(1000),
        ..FaultConfig::default()
    }))
    .await;
    let config = ClientConfig {
        read_timeout: Duration::from_millis(500),
        ..config_for(&sandbox)
    };
    let (client, _) = client_with(&sandbox, config, credentials_for(&sandbox));
    client.ensure_token().await.unwrap();
    let contract = first_contract(&sandbox);
    let started = Instant::now();
    let error = client
        .list_documents(&contract, &all(100))
        .await
        .unwrap_err();
    let took = started.elapsed();
    assert_eq!(error.kind(), ApiErrorKind::Timeout, "{error}");
    assert!(
        took >= Duration::from_millis(450) && took < Duration::from_secs(3),
        "about the read timeout: {took:?}"
    );
}
