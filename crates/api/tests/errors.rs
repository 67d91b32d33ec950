//! Every error kind, produced by a real server, mapped to something a user can act on — and no error,
//! client or credentials output ever carries a secret value.
#![allow(clippy::unwrap_used)] // a test that fails should panic with the error

mod common;

use ccs_api::{
    ApiError, Civility, ClientConfig, ContractId, Credentials, DocumentId, DocumentsQuery,
    DownloadRequest, NewUser,
};
use ccs_sandbox::{Fault, Route};
use common::*;
use std::pin::Pin;
use std::task::{Context, Poll};

struct FailingWriter;

impl tokio::io::AsyncWrite for FailingWriter {
    fn poll_write(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
        _: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Poll::Ready(Err(std::io::Error::other("disk full")))
    }
    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }
    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

fn bad_user() -> NewUser {
    NewUser {
        civility: Civility::Mr,
        last_name: "Petit".into(),
        first_name: "Jean".into(),
        email: "not-an-email".into(),
        login: "jean.petit".into(),
        fix_phone: None,
        mobile_phone: None,
    }
}

/// Produces every kind of error against real servers; returns them with the secrets in play.
async fn every_error() -> (Vec<ApiError>, Vec<String>, String) {
    let sandbox = sandbox().await;
    let secrets = vec![
        sandbox.credentials().client_secret.clone(),
        sandbox.credentials().api_key.clone(),
    ];
    let (client, _) = client_for(&sandbox);
    let contract = first_contract(&sandbox);
    let mut errors = Vec::new();

    let wrong_secret = Credentials::new(
        &sandbox.credentials().client_id,
        "wrong-secret-value",
        &sandbox.credentials().api_key,
    );
    let (wrong, _) = client_with(&sandbox, config_for(&sandbox), wrong_secret);
    errors.push(wrong.list_contracts().await.unwrap_err());

    let wrong_key = Credentials::new(
        &sandbox.credentials().client_id,
        &sandbox.credentials().client_secret,
        "wrong-api-key-value",
    );
    let (wrong, _) = client_with(&sandbox, config_for(&sandbox), wrong_key);
    errors.push(wrong.list_contracts().await.unwrap_err());
    let foreign = ContractId::parse(&sandbox.foreign_contract_id()).unwrap();
    errors.push(wrong.contract_detail(&contract).await.unwrap_err());
    errors.push(client.contract_detail(&foreign).await.unwrap_err());
    errors.push(
        client
            .list_documents(
                &foreign,
                &DocumentsQuery {
                    document_type: None,
                    limit: 5,
                },
            )
            .await
            .unwrap_err(),
    );

    let missing = DownloadRequest {
        document: DocumentId::parse("ffffffffffffffffffffffff").unwrap(),
        zipped: false,
    };
    errors.push(
        client
            .download_document(&contract, &missing, &mut Vec::new(), &mut |_| {})
            .await
            .unwrap_err(),
    );

    sandbox.inject(
        Route::Contracts,
        Fault::Status {
            http: 401,
            code: 41,
            retry_after_secs: None,
        },
        2,
    );
    errors.push(client.list_contracts().await.unwrap_err());
    sandbox.inject(
        Route::Contracts,
        Fault::Status {
            http: 429,
            code: 53,
            retry_after_secs: Some(999),
        },
        1,
    );
    errors.push(client.list_contracts().await.unwrap_err());
    errors.push(
        client
            .create_user(&contract, &bad_user())
            .await
            .unwrap_err(),
    );
    sandbox.inject(
        Route::Contracts,
        Fault::Status {
            http: 500,
            code: 1,
            retry_after_secs: None,
        },
        1,
    );
    errors.push(client.list_contracts().await.unwrap_err());

    let docs = client
        .list_documents(
            &contract,
            &DocumentsQuery {
                document_type: None,
                limit: 1,
            },
        )
        .await
        .unwrap()
        .documents;
    let first = DownloadRequest {
        document: docs[0].id.clone(),
        zipped: false,
    };
    sandbox.inject(Route::DocumentFile, Fault::CutBody { after_bytes: 1000 }, 1);
    let mut partial = Vec::new();
    errors.push(
        client
            .download_document(&contract, &first, &mut partial, &mut |_| {})
            .await
            .unwrap_err(),
    );
    errors.push(
        client
            .download_document(&contract, &first, &mut FailingWriter, &mut |_| {})
            .await
            .unwrap_err(),
    );

    let portal = raw_server(|_| {
        http_response(
            "200 OK",
            "text/html",
            "<html>Please log in to the Wi-Fi</html>",
        )
    })
    .await;
    let config = ClientConfig {
        api_base: format!("{portal}/cloud/b2b/v1"),
        oauth_base: format!("{portal}/oauth/v3"),
        ..ClientConfig::default()
    };
    let (portal_client, _) = client_with(&sandbox, config, credentials_for(&sandbox));
    errors.push(portal_client.list_contracts().await.unwrap_err());

    // A hostile server that echoes the headers it got into its error text.
    let echo = raw_server(|request| {
        if request.starts_with("POST") {
            return http_response(
                "200 OK",
                "application/json",
                r#"{"token_type":"Bearer","access_token":"echo-token-123456","expires_in":3600}"#,
            );
        }
        let echoed: String = request
            .lines()
            .filter(|l| l.contains(':'))
            .collect::<Vec<_>>()
            .join(" | ")
            .replace('"', "'");
        http_response(
            "400 Bad Request",
            "application/json",
            &format!(r#"{{"code":22,"message":"Invalid body","description":"{echoed}"}}"#),
        )
    })
    .await;
    let config = ClientConfig {
        api_base: format!("{echo}/cloud/b2b/v1"),
        oauth_base: format!("{echo}/oauth/v3"),
        ..ClientConfig::default()
    };
    let (echo_client, _) = client_with(&sandbox, config, credentials_for(&sandbox));
    errors.push(echo_client.list_contracts().await.unwrap_err());

    let config = ClientConfig {
        api_base: "http://api.example.com/cloud/b2b/v1".into(),
        ..config_for(&sandbox)
    };
    errors.push(ccs_api::Client::new(config, credentials_for(&sandbox)).unwrap_err());
    let empty_key = Credentials::new(
        &sandbox.credentials().client_id,
        &sandbox.credentials().client_secret,
        "",
    );
    errors.push(ccs_api::Client::new(config_for(&sandbox), empty_key).unwrap_err());

    let client_debug = format!(
        "{client:?} {:?} {:?}",
        credentials_for(&sandbox),
        client.cached_token().await
    );
    let mut all_secrets = secrets;
    all_secrets.extend([
        "wrong-secret-value".into(),
        "wrong-api-key-value".into(),
        "echo-token-123456".into(),
    ]);
    if let Some(token) = client.cached_token().await {
        use ccs_api::ExposeSecret;
        all_secrets.push(token.secret().expose_secret().to_owned());
    }
    (errors, all_secrets, client_debug)
}

#[tokio::test]
async fn every_kind_is_produced_and_actionable() {
    let (errors, _, _) = every_error().await;
    let kinds: Vec<_> = errors.iter().map(|e| e.kind().as_str()).collect();
    assert_eq!(
        kinds,
        vec![
            "invalid_client",
            "invalid_api_key",
            "contract_not_accessible",
            "contract_not_accessible",
            "contract_not_accessible",
            "not_found",
            "token_rejected",
            "rate_limited",
            "validation",
            "server",
            "incomplete_download",
            "write",
            "unexpected_response",
            "validation",
            "invalid_config",
            "invalid_api_key",
        ]
    );
    match &errors[8] {
        ApiError::Validation { field, code, .. } => {
            assert_eq!(field.as_deref(), Some("email"));
            assert_eq!(*code, 24);
        }
        other => panic!("{other:?}"),
    }
    assert!(errors[3].to_string().contains("ccs auth check"));
    assert!(
        errors[5].request_id().is_some(),
        "support gets the request id"
    );
    let json = serde_json::to_value(&errors[7]).unwrap();
    assert_eq!(json["code"], "rate_limited");
    assert_eq!(json["retryAfterSeconds"], 999);
    match &errors[10] {
        ApiError::IncompleteDownload { received, expected } => {
            assert_eq!(*received, 1000);
            assert!(expected.unwrap() > 1000);
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn no_output_ever_contains_a_secret() {
    let (errors, secrets, client_debug) = every_error().await;
    for secret in &secrets {
        assert!(
            !client_debug.contains(secret.as_str()),
            "client debug leaks a secret"
        );
        for error in &errors {
            let outputs = [
                format!("{error}"),
                format!("{error:?}"),
                serde_json::to_string(error).unwrap(),
            ];
            for output in outputs {
                assert!(
                    !output.contains(secret.as_str()),
                    "{} leaks a secret: {output}",
                    error.kind().as_str()
                );
            }
        }
    }
    assert!(
        errors[13].to_string().contains("[REDACTED]"),
        "the echoed key was scrubbed: {}",
        errors[13]
    );
}
