//! The one error type of the client: something a person can act on, with a stable machine code.
//!
//! Why: callers (the CLI's exit codes, the UI's messages) switch on [`ApiError::kind`], never on text.
//! The mapping goes by Orange's numeric code first and the HTTP status second, because the same status
//! means different things (403 carries 50/51/52 for access and, on older gateways, 53 for rate limits),
//! and by what was being asked (a 403/50 on `/contracts` is a refused API key; on a contract's call it
//! means the key may not see that contract).

use crate::credentials::Redactor;
use crate::error_body::{describe, media_type, one_line, QUOTE_LIMIT};
use crate::ids::{ContractId, DocumentId};
use serde::ser::SerializeStruct;
use serde::{Deserialize, Serialize, Serializer};
use std::time::Duration;

/// What the client was doing; decides what a 403 or a 404 means to the user.
#[derive(Debug, Clone)]
pub(crate) enum Call {
    /// `POST {oauth}/token`.
    Token,
    /// `GET /contracts`.
    ListContracts,
    /// `POST /contracts`.
    CreateContract,
    /// `GET /contract`.
    ContractDetail(ContractId),
    /// `GET /documents`.
    ListDocuments(ContractId),
    /// `GET /documents/{id}/file`.
    Download(ContractId, DocumentId),
    /// `POST /contracts/{id}/user`.
    CreateUser(ContractId),
}

impl Call {
    /// The contract the call is about, if any.
    fn contract(&self) -> Option<&ContractId> {
        match self {
            Call::ContractDetail(c)
            | Call::ListDocuments(c)
            | Call::Download(c, _)
            | Call::CreateUser(c) => Some(c),
            Call::Token | Call::ListContracts | Call::CreateContract => None,
        }
    }

    /// For a create: what it creates and where a person can check whether it was (for a lost
    /// answer's message).
    pub(crate) fn creation(&self) -> Option<(String, String)> {
        match self {
            Call::CreateUser(contract) => Some((
                format!("a user on contract {contract}"),
                format!("users of contract {contract} (in the customer space)"),
            )),
            Call::CreateContract => Some(("a contract".into(), "contracts".into())),
            _ => None,
        }
    }

    /// Whether the call is a GET, which is safe to retry.
    pub(crate) fn is_idempotent(&self) -> bool {
        !matches!(
            self,
            Call::Token | Call::CreateContract | Call::CreateUser(_)
        )
    }
}

/// The stable code of an [`ApiError`], one per variant: what callers switch on (the CLI's exit
/// codes, the core's `ErrorCode`), never on the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ApiErrorKind {
    /// [`ApiError::InvalidClient`]: `invalid_client`.
    InvalidClient,
    /// [`ApiError::InvalidApiKey`]: `invalid_api_key`.
    InvalidApiKey,
    /// [`ApiError::ContractNotAccessible`]: `contract_not_accessible`.
    ContractNotAccessible,
    /// [`ApiError::NotFound`]: `not_found`.
    NotFound,
    /// [`ApiError::TokenRejected`]: `token_rejected`.
    TokenRejected,
    /// [`ApiError::RateLimited`]: `rate_limited`.
    RateLimited,
    /// [`ApiError::Validation`]: `validation`.
    Validation,
    /// [`ApiError::Server`]: `server`.
    Server,
    /// [`ApiError::Network`]: `network`.
    Network,
    /// [`ApiError::Timeout`]: `timeout`.
    Timeout,
    /// [`ApiError::OutcomeUnknown`]: `outcome_unknown`.
    OutcomeUnknown,
    /// [`ApiError::IncompleteDownload`]: `incomplete_download`.
    IncompleteDownload,
    /// [`ApiError::UnexpectedResponse`]: `unexpected_response`.
    UnexpectedResponse,
    /// [`ApiError::InvalidConfig`]: `invalid_config`.
    InvalidConfig,
    /// [`ApiError::Write`]: `write`.
    Write,
}

impl ApiErrorKind {
    /// The code as text (`invalid_client`, …): what is serialised and logged.
    pub fn as_str(self) -> &'static str {
        match self {
            ApiErrorKind::InvalidClient => "invalid_client",
            ApiErrorKind::InvalidApiKey => "invalid_api_key",
            ApiErrorKind::ContractNotAccessible => "contract_not_accessible",
            ApiErrorKind::NotFound => "not_found",
            ApiErrorKind::TokenRejected => "token_rejected",
            ApiErrorKind::RateLimited => "rate_limited",
            ApiErrorKind::Validation => "validation",
            ApiErrorKind::Server => "server",
            ApiErrorKind::Network => "network",
            ApiErrorKind::Timeout => "timeout",
            ApiErrorKind::OutcomeUnknown => "outcome_unknown",
            ApiErrorKind::IncompleteDownload => "incomplete_download",
            ApiErrorKind::UnexpectedResponse => "unexpected_response",
            ApiErrorKind::InvalidConfig => "invalid_config",
            ApiErrorKind::Write => "write",
        }
    }
}

/// Everything that can go wrong when talking to the API, in terms a user can act on.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The OAuth server refused the client id / client secret pair.
    #[error("The client id or client secret was refused by Orange's OAuth server ({description}). Check both, as shown in the Orange Developer portal.")]
    InvalidClient {
        /// The server's `error_description`.
        description: String,
    },
    /// The API key is missing or was refused.
    #[error("The API key was refused ({message}). Check it, or ask Orange's support for the key of your customer-space login.")]
    InvalidApiKey {
        /// The server's message.
        message: String,
        /// Orange's request id, for support.
        request_id: Option<String>,
    },
    /// The key may not see this contract (or is refused altogether).
    #[error("Your API key may not see contract {contract} ({message}). Check the contract id, and check the key itself with `ccs auth check`.")]
    ContractNotAccessible {
        /// The contract that was asked for.
        contract: ContractId,
        /// The server's message.
        message: String,
        /// Orange's request id, for support.
        request_id: Option<String>,
    },
    /// The contract or document does not exist (for this key).
    #[error("{what} was not found ({message}).")]
    NotFound {
        /// What was looked for, e.g. "Document 5f3a… of contract OCB0001234".
        what: String,
        /// The server's message.
        message: String,
        /// Orange's request id, for support.
        request_id: Option<String>,
    },
    /// The access token was refused even after fetching a fresh one.
    #[error("The access token was refused (code {code}: {message}) even after a fresh one was fetched. Check the client id and secret.")]
    TokenRejected {
        /// Orange's code (40, 41 or 42).
        code: i64,
        /// The server's message.
        message: String,
        /// Orange's request id, for support.
        request_id: Option<String>,
    },
    /// Orange is limiting this application's requests.
    #[error("Orange is limiting requests (too many in a short time){}. Wait a little and try again.", retry_after.map(|d| format!("; it asks to wait {} s", d.as_secs())).unwrap_or_default())]
    RateLimited {
        /// How long the server asked to wait.
        retry_after: Option<Duration>,
        /// Orange's request id, for support.
        request_id: Option<String>,
    },
    /// The server rejected what was sent (a field, a header or a parameter).
    #[error("The server rejected the request: {message}{}", description.as_deref().map(|d| format!(" ({d})")).unwrap_or_default())]
    Validation {
        /// Orange's code (20–28).
        code: i64,
        /// The server's message.
        message: String,
        /// The server's description, which names the field.
        description: Option<String>,
        /// The field the server named, when it could be read from the description.
        field: Option<String>,
        /// Orange's request id, for support.
        request_id: Option<String>,
    },
    /// The server failed.
    #[error("The Customer Space service failed (HTTP {status}{}: {message}). Try again later; if it persists, give Orange's support the request id{}.", code.map(|c| format!(", code {c}")).unwrap_or_default(), request_id.as_deref().map(|r| format!(" {r}")).unwrap_or_default())]
    Server {
        /// HTTP status.
        status: u16,
        /// Orange's code, when the body had one.
        code: Option<i64>,
        /// The server's message (one line, cut), or, when the body was not Orange's JSON, a
        /// summary of it: `a gateway answered with an HTML page titled "502 Bad Gateway"`.
        message: String,
        /// The server's description.
        description: Option<String>,
        /// Orange's request id, for support.
        request_id: Option<String>,
    },
    /// The server could not be reached.
    #[error("Could not reach {host}: {detail}. Check the network; on a corporate network a VPN or proxy may block the call (set the proxy in the settings, or HTTPS_PROXY).")]
    Network {
        /// The host that was called.
        host: String,
        /// What the network layer said.
        detail: String,
    },
    /// The server did not answer in time.
    #[error("{host} did not answer in time. The network may be slow, or a VPN or proxy may hold the call; try again.")]
    Timeout {
        /// The host that was called.
        host: String,
    },
    /// A create was sent but its answer never came (no answer in time, or the connection was lost
    /// after the request went out): the server may have applied it. Never retried automatically.
    #[error("The answer to the request to create {what} was lost ({detail}). The request may have been applied: check the list of {list} before trying again.")]
    OutcomeUnknown {
        /// What was being created, e.g. "a user on contract OCB0001234".
        what: String,
        /// Where to look, e.g. "contracts".
        list: String,
        /// What happened to the answer, e.g. "api.orange.com did not answer in time".
        detail: String,
    },
    /// A download ended before all its bytes arrived.
    #[error("The download stopped after {received} of {} bytes; nothing was kept. Try again.", expected.map(|e| e.to_string()).unwrap_or_else(|| "the announced".into()))]
    IncompleteDownload {
        /// Bytes received.
        received: u64,
        /// Bytes announced by Content-Length.
        expected: Option<u64>,
    },
    /// The server answered something this client does not understand.
    #[error("Unexpected answer from the server: expected {expected}, got {got}.")]
    UnexpectedResponse {
        /// What the client expected.
        expected: String,
        /// What came instead (status, content type, a summary: never the body itself).
        got: String,
        /// Orange's request id, for support.
        request_id: Option<String>,
    },
    /// A setting makes the call impossible or unsafe (e.g. plain http to a remote host).
    #[error("Invalid setting: {0}")]
    InvalidConfig(String),
    /// The downloaded bytes could not be written.
    #[error("Could not write the downloaded file: {0}")]
    Write(#[source] std::io::Error),
}

impl ApiError {
    /// A stable, machine-readable code for this error, for exit codes and UI branches.
    pub fn kind(&self) -> ApiErrorKind {
        match self {
            ApiError::InvalidClient { .. } => ApiErrorKind::InvalidClient,
            ApiError::InvalidApiKey { .. } => ApiErrorKind::InvalidApiKey,
            ApiError::ContractNotAccessible { .. } => ApiErrorKind::ContractNotAccessible,
            ApiError::NotFound { .. } => ApiErrorKind::NotFound,
            ApiError::TokenRejected { .. } => ApiErrorKind::TokenRejected,
            ApiError::RateLimited { .. } => ApiErrorKind::RateLimited,
            ApiError::Validation { .. } => ApiErrorKind::Validation,
            ApiError::Server { .. } => ApiErrorKind::Server,
            ApiError::Network { .. } => ApiErrorKind::Network,
            ApiError::Timeout { .. } => ApiErrorKind::Timeout,
            ApiError::OutcomeUnknown { .. } => ApiErrorKind::OutcomeUnknown,
            ApiError::IncompleteDownload { .. } => ApiErrorKind::IncompleteDownload,
            ApiError::UnexpectedResponse { .. } => ApiErrorKind::UnexpectedResponse,
            ApiError::InvalidConfig(_) => ApiErrorKind::InvalidConfig,
            ApiError::Write(_) => ApiErrorKind::Write,
        }
    }

    /// Orange's request id, when the server gave one: support needs it.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            ApiError::InvalidApiKey { request_id, .. }
            | ApiError::ContractNotAccessible { request_id, .. }
            | ApiError::NotFound { request_id, .. }
            | ApiError::TokenRejected { request_id, .. }
            | ApiError::RateLimited { request_id, .. }
            | ApiError::Validation { request_id, .. }
            | ApiError::Server { request_id, .. }
            | ApiError::UnexpectedResponse { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }
}

impl Serialize for ApiError {
    /// `{ code, message, requestId?, field?, retryAfterSeconds? }`: what a UI needs, no secret.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut state = serializer.serialize_struct("ApiError", 5)?;
        state.serialize_field("code", self.kind().as_str())?;
        state.serialize_field("message", &self.to_string())?;
        state.serialize_field("requestId", &self.request_id())?;
        let field = match self {
            ApiError::Validation { field, .. } => field.as_deref(),
            _ => None,
        };
        state.serialize_field("field", &field)?;
        let retry = match self {
            ApiError::RateLimited { retry_after, .. } => retry_after.map(|d| d.as_secs()),
            _ => None,
        };
        state.serialize_field("retryAfterSeconds", &retry)?;
        state.end()
    }
}

/// Orange's standard error body.
#[derive(Debug, Deserialize)]
pub(crate) struct OrangeErrorBody {
    /// Orange's numeric code.
    pub code: i64,
    /// Short message.
    #[serde(default)]
    pub message: String,
    /// Longer description (names the field for validation errors).
    #[serde(default)]
    pub description: Option<String>,
}

/// The OAuth (RFC 6749) error body of the token endpoint.
#[derive(Debug, Deserialize)]
pub(crate) struct OAuthErrorBody {
    /// E.g. `invalid_client`.
    pub error: String,
    /// Human text.
    #[serde(default)]
    pub error_description: Option<String>,
}

/// What a failed response carried, already scrubbed of secrets.
pub(crate) struct FailedResponse<'a> {
    /// HTTP status.
    pub status: u16,
    /// `Retry-After`, parsed.
    pub retry_after: Option<Duration>,
    /// Orange's request id header.
    pub request_id: Option<String>,
    /// Content type as sent.
    pub content_type: Option<String>,
    /// The body (at most a few KiB are read).
    pub body: &'a [u8],
}

/// The field a validation description names: the first word after the last colon, e.g.
/// "Missing body field: email" or "Invalid body field: email must be valid" → `email`.
fn field_from_description(description: &str) -> Option<String> {
    let (_, tail) = description.rsplit_once(':')?;
    let word = tail
        .split_whitespace()
        .next()?
        .trim_end_matches(['.', ',', ';']);
    let mut chars = word.chars();
    let first = chars.next()?;
    let is_identifier = first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '-');
    is_identifier.then(|| word.to_owned())
}

impl ApiError {
    /// Maps a failed response to the error a user can act on.
    pub(crate) fn from_response(
        call: &Call,
        response: FailedResponse<'_>,
        redactor: &Redactor,
    ) -> Self {
        let FailedResponse {
            status,
            retry_after,
            request_id,
            content_type,
            body,
        } = response;
        let text = |value: &str| one_line(&redactor.scrub(value), SERVER_TEXT_LIMIT);
        if matches!(call, Call::Token) {
            if let Ok(oauth) = serde_json::from_slice::<OAuthErrorBody>(body) {
                let description = text(oauth.error_description.as_deref().unwrap_or(&oauth.error));
                return match (status, oauth.error.as_str()) {
                    (429, _) => ApiError::RateLimited {
                        retry_after,
                        request_id,
                    },
                    (_, "invalid_client") | (401, _) => ApiError::InvalidClient { description },
                    _ => ApiError::UnexpectedResponse {
                        expected: "an access token".into(),
                        got: format!(
                            "HTTP {status} {}: {description}",
                            one_line(&redactor.scrub(&oauth.error), QUOTE_LIMIT)
                        ),
                        request_id,
                    },
                };
            }
        }
        let Ok(orange) = serde_json::from_slice::<OrangeErrorBody>(body) else {
            let summary = describe(content_type.as_deref(), body, redactor);
            return match status {
                429 => ApiError::RateLimited {
                    retry_after,
                    request_id,
                },
                502..=504 => ApiError::Server {
                    status,
                    code: None,
                    message: format!("a gateway answered with {summary}"),
                    description: None,
                    request_id,
                },
                500..=599 => ApiError::Server {
                    status,
                    code: None,
                    message: format!("the answer was {summary}"),
                    description: None,
                    request_id,
                },
                _ => ApiError::UnexpectedResponse {
                    expected: "Orange's JSON error body".into(),
                    got: format!(
                        "HTTP {status} ({}): {summary}",
                        content_type
                            .as_deref()
                            .and_then(media_type)
                            .unwrap_or_else(|| "without content type".into()),
                    ),
                    request_id,
                },
            };
        };
        let message = text(&orange.message);
        let description = orange.description.as_deref().map(text);
        let mentions_api_key = |text: &str| text.to_ascii_lowercase().contains("x-api-key");
        match orange.code {
            53 => ApiError::RateLimited {
                retry_after,
                request_id,
            },
            50..=52 => match call.contract() {
                Some(contract) => ApiError::ContractNotAccessible {
                    contract: contract.clone(),
                    message,
                    request_id,
                },
                None => ApiError::InvalidApiKey {
                    message,
                    request_id,
                },
            },
            40..=42 => ApiError::TokenRejected {
                code: orange.code,
                message,
                request_id,
            },
            25 | 26
                if mentions_api_key(&message)
                    || description.as_deref().is_some_and(mentions_api_key) =>
            {
                ApiError::InvalidApiKey {
                    message,
                    request_id,
                }
            }
            20..=28 => ApiError::Validation {
                code: orange.code,
                field: description.as_deref().and_then(field_from_description),
                message,
                description,
                request_id,
            },
            60 => ApiError::NotFound {
                what: not_found_subject(call),
                message,
                request_id,
            },
            _ if status == 429 => ApiError::RateLimited {
                retry_after,
                request_id,
            },
            _ => ApiError::Server {
                status,
                code: Some(orange.code),
                message,
                description,
                request_id,
            },
        }
    }

    /// Maps a transport failure (no HTTP answer) to `Network` or `Timeout`.
    pub(crate) fn from_transport(host: &str, error: &reqwest::Error, redactor: &Redactor) -> Self {
        if error.is_timeout() {
            return ApiError::Timeout {
                host: host.to_owned(),
            };
        }
        let mut detail = String::new();
        let mut source: Option<&dyn std::error::Error> = Some(error);
        while let Some(current) = source {
            let text = current.to_string();
            if !detail.contains(&text) {
                if !detail.is_empty() {
                    detail.push_str(": ");
                }
                detail.push_str(&text);
            }
            source = current.source();
        }
        ApiError::Network {
            host: host.to_owned(),
            detail: redactor.scrub(&detail),
        }
    }
}

/// The most characters of a server's message or description kept in an error (Orange's are
/// one sentence; anything longer is cut, on one line).
const SERVER_TEXT_LIMIT: usize = 300;

/// A request id as support needs it: at most 64 visible ASCII characters, or none.
pub(crate) fn clean_request_id(value: &str) -> Option<String> {
    let id: String = value
        .trim()
        .chars()
        .filter(char::is_ascii_graphic)
        .take(64)
        .collect();
    (!id.is_empty()).then_some(id)
}

/// What a 404 was about, in words.
fn not_found_subject(call: &Call) -> String {
    match call {
        Call::Download(contract, document) => format!("Document {document} of contract {contract}"),
        Call::ContractDetail(contract)
        | Call::ListDocuments(contract)
        | Call::CreateUser(contract) => {
            format!("Contract {contract}")
        }
        Call::Token => "The token endpoint".into(),
        Call::ListContracts | Call::CreateContract => "The contracts endpoint".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(call: Call, status: u16, body: &str) -> ApiError {
        ApiError::from_response(
            &call,
            FailedResponse {
                status,
                retry_after: Some(Duration::from_secs(7)),
                request_id: Some("req-1".into()),
                content_type: Some("application/json".into()),
                body: body.as_bytes(),
            },
            &Redactor::default(),
        )
    }

    fn contract() -> ContractId {
        ContractId::from_server("OCB0001234")
    }

    #[test]
    fn maps_by_orange_code_and_context() {
        let denied = r#"{"code":50,"message":"Access denied"}"#;
        assert_eq!(
            map(Call::ListContracts, 403, denied).kind(),
            ApiErrorKind::InvalidApiKey
        );
        assert_eq!(
            map(Call::ListDocuments(contract()), 403, denied).kind(),
            ApiErrorKind::ContractNotAccessible
        );
        let legacy_limit = r#"{"code":53,"message":"Too many requests"}"#;
        let limited = map(Call::ListContracts, 403, legacy_limit);
        assert!(
            matches!(limited, ApiError::RateLimited { retry_after: Some(d), .. } if d.as_secs() == 7)
        );
        let missing_key =
            r#"{"code":25,"message":"Missing header","description":"Missing header: X-API-Key"}"#;
        assert_eq!(
            map(Call::ListContracts, 400, missing_key).kind(),
            ApiErrorKind::InvalidApiKey
        );
        let field = r#"{"code":24,"message":"Invalid body field","description":"Invalid body field: email"}"#;
        match map(Call::CreateUser(contract()), 400, field) {
            ApiError::Validation { field, code, .. } => {
                assert_eq!(field.as_deref(), Some("email"));
                assert_eq!(code, 24);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            map(
                Call::Download(contract(), DocumentId::from_server("d")),
                404,
                r#"{"code":60,"message":"Resource not found"}"#
            )
            .kind(),
            ApiErrorKind::NotFound
        );
        assert_eq!(
            map(
                Call::ListContracts,
                503,
                r#"{"code":5,"message":"Service temporarily unavailable"}"#
            )
            .kind(),
            ApiErrorKind::Server
        );
        assert_eq!(
            map(Call::ListContracts, 502, "<html>Bad gateway</html>").kind(),
            ApiErrorKind::Server
        );
        assert_eq!(
            map(Call::ListContracts, 418, "<html>teapot</html>").kind(),
            ApiErrorKind::UnexpectedResponse
        );
    }

    #[test]
    fn token_errors_use_the_oauth_shape() {
        let body = r#"{"error":"invalid_client","error_description":"The requested service needs credentials, but the ones provided were invalid."}"#;
        assert_eq!(
            map(Call::Token, 401, body).kind(),
            ApiErrorKind::InvalidClient
        );
        assert_eq!(
            map(Call::Token, 400, r#"{"error":"unsupported_grant_type"}"#).kind(),
            ApiErrorKind::UnexpectedResponse
        );
        assert_eq!(
            map(
                Call::Token,
                429,
                r#"{"code":53,"message":"Too many requests"}"#
            )
            .kind(),
            ApiErrorKind::RateLimited
        );
    }

    #[test]
    fn serializes_code_and_message() {
        let value = serde_json::to_value(map(
            Call::ListContracts,
            403,
            r#"{"code":50,"message":"Access denied"}"#,
        ))
        .unwrap();
        assert_eq!(value["code"], "invalid_api_key");
        assert_eq!(value["requestId"], "req-1");
        assert!(value["message"].as_str().unwrap().contains("API key"));
    }

    fn map_raw(call: Call, status: u16, content_type: Option<&str>, body: &[u8]) -> ApiError {
        ApiError::from_response(
            &call,
            FailedResponse {
                status,
                retry_after: None,
                request_id: None,
                content_type: content_type.map(str::to_owned),
                body,
            },
            &Redactor::default(),
        )
    }

    const NGINX_502: &str = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n<!-- a padding to disable MSIE and Chrome friendly error page -->\r\n";

    #[test]
    fn a_gateway_page_is_summarized_by_its_title() {
        let error = map_raw(
            Call::ListContracts,
            502,
            Some("text/html"),
            NGINX_502.as_bytes(),
        );
        assert_eq!(error.kind(), ApiErrorKind::Server);
        let text = error.to_string();
        assert!(
            text.contains(
                "HTTP 502: a gateway answered with an HTML page titled \"502 Bad Gateway\""
            ),
            "{text}"
        );
        assert!(text.contains("Try again later"), "{text}");
        for leaked in ["<html", "<body", "<center", "nginx", "padding", "\n", "\r"] {
            assert!(!text.contains(leaked), "{leaked} in {text}");
        }
        let teapot = map_raw(
            Call::ListContracts,
            418,
            Some("text/html; charset=utf-8"),
            NGINX_502.as_bytes(),
        );
        assert_eq!(
            teapot.to_string(),
            "Unexpected answer from the server: expected Orange's JSON error body, got HTTP 418 (text/html): an HTML page titled \"502 Bad Gateway\"."
        );
        let text = map_raw(Call::ListContracts, 503, Some("text/plain"), b"upstream connect error or disconnect/reset before headers. reset reason: connection failure, transport failure reason: delayed connect error: 111\nmore").to_string();
        assert!(text.contains("the text \"upstream connect error"), "{text}");
        assert!(!text.contains("more") && !text.contains("111"), "{text}");
    }

    #[test]
    fn long_or_multiline_server_texts_are_one_short_line() {
        let description = format!("Invalid body field: email {}", "x\n".repeat(500));
        let body = serde_json::json!({"code": 24, "message": "Invalid\nbody field", "description": description});
        match map(Call::CreateUser(contract()), 400, &body.to_string()) {
            ApiError::Validation {
                message,
                description,
                field,
                ..
            } => {
                assert_eq!(message, "Invalid body field");
                let description = description.unwrap();
                assert!(description.chars().count() <= SERVER_TEXT_LIMIT);
                assert!(!description.contains('\n'));
                assert_eq!(field.as_deref(), Some("email"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn request_ids_are_short_and_visible() {
        assert_eq!(clean_request_id(" ab-12 "), Some("ab-12".into()));
        assert_eq!(clean_request_id("   "), None);
        assert_eq!(
            clean_request_id(&"x".repeat(500)).map(|id| id.len()),
            Some(64)
        );
    }

    proptest::proptest! {
        #[test]
        fn any_failed_answer_maps_to_a_short_error_without_panic(
            status in proptest::prelude::any::<u16>(),
            body in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..4096),
            content_type in proptest::option::of("\\PC{0,80}"),
            call in 0..3usize,
        ) {
            let call = [Call::Token, Call::ListContracts, Call::ListDocuments(contract())][call].clone();
            let error = map_raw(call, status, content_type.as_deref(), &body);
            let text = error.to_string();
            proptest::prop_assert!(!text.contains('\n') && !text.contains('\r'), "{}", text);
            proptest::prop_assert!(text.chars().count() <= 1200, "{}", text);
            let _ = serde_json::to_string(&error);
        }

        #[test]
        fn html_pages_never_leak_their_markup(
            status in 400u16..600,
            title in "[^<&]{0,200}",
            text in "[a-z ]{0,200}",
        ) {
            let page = format!("<!DOCTYPE html><html><head><title>{title}</title></head><body><p>{text}</p></body></html>");
            let error = map_raw(Call::ListContracts, status, Some("text/html"), page.as_bytes());
            let shown = error.to_string();
            proptest::prop_assert!(!shown.contains("<body") && !shown.contains("<html") && !shown.contains("<p>"));
        }
    }

    #[test]
    fn field_names_are_read_from_descriptions() {
        assert_eq!(
            field_from_description("Missing body field: referentMail").as_deref(),
            Some("referentMail")
        );
        assert_eq!(
            field_from_description("Invalid body field: email must be an address").as_deref(),
            Some("email")
        );
        assert_eq!(field_from_description("something went wrong"), None);
    }
}
