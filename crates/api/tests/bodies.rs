//! Answers are read whole before they are parsed: a chunked body (no Content-Length) arrives
//! complete, and an answer longer than the client reads is refused with a clear error instead of
//! filling memory.
#![allow(clippy::unwrap_used)] // a test that fails should panic with the error

mod common;

use ccs_api::{ApiError, ClientConfig};
use common::*;

const TOKEN: &str =
    r#"{"token_type":"Bearer","access_token":"body-token-123456","expires_in":3600}"#;

/// A client of `server` (a `raw_server`), with a sandbox's credentials.
async fn client_of(server: &str) -> ccs_api::Client {
    let sandbox = sandbox().await;
    let config = ClientConfig {
        api_base: format!("{server}/cloud/b2b/v1"),
        oauth_base: format!("{server}/oauth/v3"),
        ..ClientConfig::default()
    };
    client_with(&sandbox, config, credentials_for(&sandbox)).0
}

#[tokio::test]
async fn a_chunked_answer_is_read_to_its_end() {
    let server = raw_server(|request| {
        if request.starts_with("POST") {
            return http_response("200 OK", "application/json", TOKEN);
        }
        let body = r#"[{"id":"OCB0000001","name":"First"},{"id":"OCB0000002","name":"Second"}]"#;
        let (a, rest) = body.split_at(20);
        let (b, c) = rest.split_at(30);
        let chunks: String = [a, b, c]
            .iter()
            .map(|part| format!("{:x}\r\n{part}\r\n", part.len()))
            .collect();
        format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n{chunks}0\r\n\r\n"
        )
    })
    .await;
    let contracts = client_of(&server).await.list_contracts().await.unwrap();
    let names: Vec<&str> = contracts.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["First", "Second"]);
}

#[tokio::test]
async fn an_answer_announced_too_long_is_refused_before_it_is_read() {
    let server = raw_server(|request| {
        if request.starts_with("POST") {
            return http_response("200 OK", "application/json", TOKEN);
        }
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 300000000\r\nConnection: close\r\n\r\n[".to_owned()
    })
    .await;
    let error = client_of(&server).await.list_contracts().await.unwrap_err();
    assert!(
        matches!(&error, ApiError::UnexpectedResponse { got, .. } if got.contains("larger than 256 MiB")),
        "{error:?}"
    );
}
