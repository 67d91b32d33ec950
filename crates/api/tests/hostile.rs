//! A hostile server cannot make the client panic: huge `Retry-After`, huge `Content-Length`, a
//! 10 KB file name, deeply nested JSON — each is a clear error or a bounded value.
#![allow(clippy::unwrap_used)] // a test that fails should panic with the error

mod common;

use ccs_api::{ApiErrorKind, ClientConfig, DocumentId, DocumentsQuery, DownloadRequest};
use common::*;

const TOKEN: &str =
    r#"{"token_type":"Bearer","access_token":"hostile-token-123456","expires_in":3600}"#;

/// A client of `server` (a `raw_server`).
async fn client_of(server: &str) -> (ccs_api::Client, std::sync::Arc<ccs_api::ManualClock>) {
    let sandbox = sandbox().await;
    let config = ClientConfig {
        api_base: format!("{server}/cloud/b2b/v1"),
        oauth_base: format!("{server}/oauth/v3"),
        ..ClientConfig::default()
    };
    client_with(&sandbox, config, credentials_for(&sandbox))
}

fn contract() -> ccs_api::ContractId {
    ccs_api::ContractId::parse("OCB0001234").unwrap()
}

#[tokio::test]
async fn a_retry_after_of_u64_max_is_not_waited_nor_a_panic() {
    let server = raw_server(|request| {
        if request.starts_with("POST") {
            return http_response("200 OK", "application/json", TOKEN);
        }
        let body = r#"{"code":53,"message":"Too many requests"}"#;
        format!(
            "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 18446744073709551615\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
    })
    .await;
    let (client, clock) = client_of(&server).await;
    let error = client.list_contracts().await.unwrap_err();
    assert_eq!(error.kind(), ApiErrorKind::RateLimited);
    assert!(clock.sleeps().is_empty(), "beyond any budget: not waited");
    assert!(
        error.to_string().contains("18446744073709551615 s"),
        "{error}"
    );
}

#[tokio::test]
async fn a_huge_content_length_is_refused_before_reading() {
    let server = raw_server(|request| {
        if request.starts_with("POST") {
            return http_response("200 OK", "application/json", TOKEN);
        }
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 18446744073709551615\r\nConnection: close\r\n\r\n[".to_owned()
    })
    .await;
    let (client, _) = client_of(&server).await;
    let error = client
        .list_documents(
            &contract(),
            &DocumentsQuery {
                document_type: None,
                limit: 10,
            },
        )
        .await
        .unwrap_err();
    assert!(
        matches!(
            error.kind(),
            ApiErrorKind::UnexpectedResponse | ApiErrorKind::Network
        ),
        "{error}"
    );
}

#[tokio::test]
async fn a_download_announcing_more_than_it_sends_is_incomplete() {
    let server = raw_server(|request| {
        if request.starts_with("POST") {
            return http_response("200 OK", "application/json", TOKEN);
        }
        "HTTP/1.1 200 OK\r\nContent-Type: application/pdf\r\nContent-Length: 9223372036854775807\r\nConnection: close\r\n\r\n%PDF-1.4".to_owned()
    })
    .await;
    let (client, _) = client_of(&server).await;
    let request = DownloadRequest {
        document: DocumentId::from_server("d1"),
        zipped: false,
    };
    let mut sink = Vec::new();
    let result = client
        .download_document(&contract(), &request, &mut sink, &mut |_| {})
        .await;
    let error = result.unwrap_err();
    assert!(
        matches!(
            error.kind(),
            ApiErrorKind::IncompleteDownload | ApiErrorKind::Network
        ),
        "{error}"
    );
}

#[tokio::test]
async fn a_ten_kilobyte_file_name_is_read_without_trouble() {
    let server = raw_server(|request| {
        if request.starts_with("POST") {
            return http_response("200 OK", "application/json", TOKEN);
        }
        let name = "n".repeat(10 * 1024);
        format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"{name}.pdf\"; filename*=UTF-8''{name}%C3%A9.pdf\r\nContent-Length: 4\r\nConnection: close\r\n\r\n%PDF"
        )
    })
    .await;
    let (client, _) = client_of(&server).await;
    let request = DownloadRequest {
        document: DocumentId::from_server("d1"),
        zipped: false,
    };
    let mut sink = Vec::new();
    let file = client
        .download_document(&contract(), &request, &mut sink, &mut |_| {})
        .await
        .unwrap();
    let name = file.server_file_name.unwrap();
    assert_eq!(
        name.chars().count(),
        10 * 1024 + 5,
        "the raw name; callers sanitise it"
    );
    assert!(name.ends_with("é.pdf"));
}

#[tokio::test]
async fn deeply_nested_json_is_a_clear_error() {
    let server = raw_server(|request| {
        if request.starts_with("POST") {
            return http_response("200 OK", "application/json", TOKEN);
        }
        let body = format!(
            r#"[{{"id":"a","filename":"f.pdf","period":"202401","extra":{}0{}}}]"#,
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        http_response("200 OK", "application/json", &body)
    })
    .await;
    let (client, _) = client_of(&server).await;
    let error = client
        .list_documents(
            &contract(),
            &DocumentsQuery {
                document_type: None,
                limit: 10,
            },
        )
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ApiErrorKind::UnexpectedResponse);
    let text = error.to_string();
    assert!(text.contains("recursion limit exceeded"), "{text}");
    assert!(!text.contains("[[[["), "{text}");
    assert!(text.chars().count() < 400, "{text}");
}
