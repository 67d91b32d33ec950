//! The one error type of the client: something a person can act on, with a stable machine code.
//!
//! Why: callers (the CLI's exit codes, the UI's messages) switch on [`ApiError::kind`], never on text.
//! The mapping goes by Orange's numeric code first and the HTTP status second, because the same status
//! means different things (403 carries 50/51/52 for access and, on older gateways, 53 for rate limits),
//! and by what was being asked (a 403/50 on `/contracts` is a refused API key; on a contract's call it
//! means the key may not see that contract).

use crate::credentials::Redactor;
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

    /// Whether the call is a GET, which is safe to retry.
    pub(crate) fn is_idempotent(&self) -> bool {
        !matches!(
            self,
            Call::Token | Call::CreateContract | Call::CreateUser(_)
        )
    }
}

/// Everything that can go wrong when talking to the API, in terms a user can act on.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
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
        /// The server's message.
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
        /// What came instead (status, content type, a short excerpt).
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
    pub fn kind(&self) -> &'static str {
        match self {
            ApiError::InvalidClient { .. } => "invalid_client",
            ApiError::InvalidApiKey { .. } => "invalid_api_key",
            ApiError::ContractNotAccessible { .. } => "contract_not_accessible",
            ApiError::NotFound { .. } => "not_found",
            ApiError::TokenRejected { .. } => "token_rejected",
            ApiError::RateLimited { .. } => "rate_limited",
            ApiError::Validation { .. } => "validation",
            ApiError::Server { .. } => "server",
            ApiError::Network { .. } => "network",
            ApiError::Timeout { .. } => "timeout",
            ApiError::IncompleteDownload { .. } => "incomplete_download",
            ApiError::UnexpectedResponse { .. } => "unexpected_response",
            ApiError::InvalidConfig(_) => "invalid_config",
            ApiError::Write(_) => "write",
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
        state.serialize_field("code", self.kind())?;
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

/// A short, printable excerpt of a body for "unexpected response" messages.
fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(200)]);
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .trim()
        .to_owned()
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
        if matches!(call, Call::Token) {
            if let Ok(oauth) = serde_json::from_slice::<OAuthErrorBody>(body) {
                let description =
                    redactor.scrub(oauth.error_description.as_deref().unwrap_or(&oauth.error));
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
                            redactor.scrub(&oauth.error)
                        ),
                        request_id,
                    },
                };
            }
        }
        let Ok(orange) = serde_json::from_slice::<OrangeErrorBody>(body) else {
            return match status {
                429 => ApiError::RateLimited {
                    retry_after,
                    request_id,
                },
                500..=599 => ApiError::Server {
                    status,
                    code: None,
                    message: redactor.scrub(&excerpt(body)),
                    description: None,
                    request_id,
                },
                _ => ApiError::UnexpectedResponse {
                    expected: "Orange's JSON error body".into(),
                    got: format!(
                        "HTTP {status} {} {}",
                        content_type.unwrap_or_else(|| "without content type".into()),
                        redactor.scrub(&excerpt(body))
                    ),
                    request_id,
                },
            };
        };
        let message = redactor.scrub(&orange.message);
        let description = orange.description.as_deref().map(|d| redactor.scrub(d));
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
            "invalid_api_key"
        );
        assert_eq!(
            map(Call::ListDocuments(contract()), 403, denied).kind(),
            "contract_not_accessible"
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
            "invalid_api_key"
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
            "not_found"
        );
        assert_eq!(
            map(
                Call::ListContracts,
                503,
                r#"{"code":5,"message":"Service temporarily unavailable"}"#
            )
            .kind(),
            "server"
        );
        assert_eq!(
            map(Call::ListContracts, 502, "<html>Bad gateway</html>").kind(),
            "server"
        );
        assert_eq!(
            map(Call::ListContracts, 418, "<html>teapot</html>").kind(),
            "unexpected_response"
        );
    }

    #[test]
    fn token_errors_use_the_oauth_shape() {
        let body = r#"{"error":"invalid_client","error_description":"The requested service needs credentials, but the ones provided were invalid."}"#;
        assert_eq!(map(Call::Token, 401, body).kind(), "invalid_client");
        assert_eq!(
            map(Call::Token, 400, r#"{"error":"unsupported_grant_type"}"#).kind(),
            "unexpected_response"
        );
        assert_eq!(
            map(
                Call::Token,
                429,
                r#"{"code":53,"message":"Too many requests"}"#
            )
            .kind(),
            "rate_limited"
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
