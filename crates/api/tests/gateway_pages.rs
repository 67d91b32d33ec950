//! A gateway's page instead of Orange's JSON: the error, and every WARN line written while the
//! call is retried, carry the page's title at most — never the page.
#![allow(clippy::unwrap_used)] // a test that fails should panic with the error

mod common;

use ccs_api::{ApiErrorKind, ClientConfig};
use ccs_sandbox::{Fault, GatewayStyle, Route};
use common::*;
use std::io::Write;
use std::sync::{Arc, Mutex};

/// Where the test's tracing output goes.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }

    /// Records this thread's WARN (and worse) lines until the guard is dropped.
    fn install(&self) -> tracing::subscriber::DefaultGuard {
        let sink = self.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::WARN)
            .with_ansi(false)
            .with_writer(move || sink.clone())
            .finish();
        tracing::subscriber::set_default(subscriber)
    }
}

/// What must never reach a message or a log line from an nginx page.
const PAGE_ONLY: [&str; 6] = ["<html", "<body", "<center", "<title", "nginx", "padding"];

#[tokio::test]
async fn an_nginx_502_page_is_summarized_in_the_error_and_the_retry_warnings() {
    let captured = Captured::default();
    let _guard = captured.install();
    let sandbox = sandbox().await;
    let config = ClientConfig {
        retry: retry(3),
        ..config_for(&sandbox)
    };
    let (client, clock) = client_with(&sandbox, config, credentials_for(&sandbox));
    let page = Fault::GatewayPage {
        http: 502,
        style: GatewayStyle::NginxHtml,
    };
    sandbox.inject(Route::Contracts, page, 3);
    let error = client.list_contracts().await.unwrap_err();
    assert_eq!(error.kind(), ApiErrorKind::Server);
    assert_eq!(
        sandbox.request_count(Route::Contracts),
        3,
        "a GET is retried on 502"
    );
    assert_eq!(clock.sleeps().len(), 2);

    let shown = [
        error.to_string(),
        format!("{error:?}"),
        serde_json::to_string(&error).unwrap(),
    ];
    for text in &shown {
        assert!(
            text.contains("502 Bad Gateway"),
            "the title is kept: {text}"
        );
        assert!(
            !text.contains('\n') && !text.contains("\\r\\n"),
            "one line: {text}"
        );
        for leaked in PAGE_ONLY {
            assert!(!text.contains(leaked), "{leaked} in {text}");
        }
    }
    assert!(
        shown[0]
            .contains("HTTP 502: a gateway answered with an HTML page titled \"502 Bad Gateway\"")
            && shown[0].contains("Try again later"),
        "{}",
        shown[0]
    );

    let log = captured.text();
    let warnings: Vec<_> = log.lines().filter(|l| l.contains("WARN")).collect();
    assert_eq!(warnings.len(), 2, "one WARN per retry: {log}");
    for line in warnings {
        assert!(line.contains("502 Bad Gateway"), "{line}");
        for leaked in PAGE_ONLY {
            assert!(!line.contains(leaked), "{leaked} in {line}");
        }
    }
    assert!(
        !log.contains("<html") && !log.contains("nginx"),
        "no part of the page in any log line: {log}"
    );
}

#[tokio::test]
async fn a_plain_text_503_is_its_first_words_only() {
    let sandbox = sandbox().await;
    let config = ClientConfig {
        retry: retry(1),
        ..config_for(&sandbox)
    };
    let (client, _) = client_with(&sandbox, config, credentials_for(&sandbox));
    sandbox.inject(
        Route::Contracts,
        Fault::GatewayPage {
            http: 503,
            style: GatewayStyle::PlainText,
        },
        1,
    );
    let error = client.list_contracts().await.unwrap_err();
    assert_eq!(error.kind(), ApiErrorKind::Server);
    let text = error.to_string();
    assert!(text.contains("the text \"upstream connect error"), "{text}");
    let quoted = text.split('"').nth(1).expect("a quoted first line");
    assert!(quoted.chars().count() <= 80, "{quoted}");
    assert!(!text.contains("delayed connect error: 111"), "{text}");
}

#[tokio::test]
async fn a_gateway_page_on_the_token_endpoint_is_summarized_too() {
    let sandbox = sandbox().await;
    let (client, _) = client_for(&sandbox);
    sandbox.inject(
        Route::Token,
        Fault::GatewayPage {
            http: 504,
            style: GatewayStyle::NginxHtml,
        },
        1,
    );
    let error = client.list_contracts().await.unwrap_err();
    assert_eq!(error.kind(), ApiErrorKind::Server);
    let text = error.to_string();
    assert!(text.contains("504 Gateway Timeout"), "{text}");
    for leaked in PAGE_ONLY {
        assert!(!text.contains(leaked), "{leaked} in {text}");
    }
}

#[tokio::test]
async fn a_captive_portal_page_answering_a_list_is_named_by_its_title() {
    let portal = raw_server(|request| {
        if request.starts_with("POST") {
            return http_response(
                "200 OK",
                "application/json",
                r#"{"token_type":"Bearer","access_token":"portal-token-123456","expires_in":3600}"#,
            );
        }
        http_response(
            "200 OK",
            "text/html",
            "<!DOCTYPE html><html><head><title>Hotel Wi-Fi &ndash; log in</title></head><body><form>Room number: <input name=room></form></body></html>",
        )
    })
    .await;
    let sandbox = sandbox().await;
    let config = ClientConfig {
        api_base: format!("{portal}/cloud/b2b/v1"),
        oauth_base: format!("{portal}/oauth/v3"),
        ..ClientConfig::default()
    };
    let (client, _) = client_with(&sandbox, config, credentials_for(&sandbox));
    let error = client.list_contracts().await.unwrap_err();
    assert_eq!(error.kind(), ApiErrorKind::UnexpectedResponse);
    let text = error.to_string();
    assert!(text.contains("an HTML page titled \"Hotel Wi-Fi"), "{text}");
    assert!(
        !text.contains("Room number") && !text.contains("<form"),
        "{text}"
    );
}
