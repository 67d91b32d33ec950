//! Helpers shared by the integration tests: start a sandbox, get a token, build calls.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(dead_code)]

use ccs_sandbox::{Sandbox, SandboxConfig, SandboxHandle};
use reqwest::{Client, RequestBuilder};
use serde_json::Value;

pub async fn start(config: SandboxConfig) -> SandboxHandle {
    Sandbox::start(config).await.expect("sandbox starts")
}

pub fn client() -> Client {
    Client::builder().build().expect("client")
}

pub async fn token(sandbox: &SandboxHandle, client: &Client) -> String {
    let creds = sandbox.credentials();
    let response = client
        .post(format!("{}/token", sandbox.oauth_base_url()))
        .basic_auth(&creds.client_id, Some(&creds.client_secret))
        .header("Accept", "application/json")
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .expect("token call");
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.expect("json");
    body["access_token"].as_str().expect("token").to_owned()
}

/// A resource GET with every header set; `contract` adds X-ECCS-Contract-Id.
pub fn get(
    client: &Client,
    sandbox: &SandboxHandle,
    path: &str,
    token: &str,
    contract: Option<&str>,
) -> RequestBuilder {
    let mut request = client
        .get(format!("{}{path}", sandbox.api_base_url()))
        .bearer_auth(token)
        .header("X-API-Key", &sandbox.credentials().api_key)
        .header("Accept", "application/json");
    if let Some(contract) = contract {
        request = request.header("X-ECCS-Contract-Id", contract);
    }
    request
}

/// Asserts an Orange error answer and returns its body.
pub async fn expect_error(response: reqwest::Response, http: u16, code: u64) -> Value {
    assert_eq!(response.status().as_u16(), http, "status");
    assert!(response.headers().contains_key("x-oapi-request-id"));
    let body: Value = response.json().await.expect("json error body");
    assert_eq!(body["code"], code, "body: {body}");
    assert!(body["message"].is_string(), "body: {body}");
    body
}
