//! Error bodies exactly as the API sends them (Orange's `{code,message,description}` and
//! OAuth's `{error,error_description}`), plus the sandbox's own start-up error.

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use crate::faults::GatewayStyle;

/// Why the sandbox could not start.
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    /// The port could not be bound (in use, or no permission).
    #[error("cannot bind 127.0.0.1:{port}: {source}")]
    Bind {
        /// The port asked for.
        port: u16,
        /// What the OS said.
        source: std::io::Error,
    },
    /// The generated data was inconsistent (a bug in the generator).
    #[error("cannot generate the sandbox data: {0}")]
    Data(String),
}

/// The message Orange pairs with each code (README table).
pub(crate) fn message_for(code: u32) -> &'static str {
    match code {
        1 => "Internal error",
        5 => "Service temporarily unavailable",
        6 => "Service overcapacity",
        20 => "Invalid URL parameter value",
        21 => "Missing body",
        22 => "Invalid body",
        23 => "Missing body field",
        24 => "Invalid body field",
        25 => "Missing header",
        26 => "Invalid header value",
        27 => "Missing query-string parameter",
        28 => "Invalid query-string parameter value",
        40 => "Missing credentials",
        41 => "Invalid credentials",
        42 => "Expired credentials",
        50 => "Access denied",
        51 => "Forbidden requester",
        52 => "Forbidden user",
        53 => "Too many requests",
        60 => "Resource not found",
        61 => "Method not allowed",
        62 => "Not acceptable",
        63 => "Request timeout",
        64 => "Length required",
        65 => "Precondition failed",
        66 => "Request entity too large",
        67 => "Request URI too long",
        _ => "Error",
    }
}

/// An Orange error answer: HTTP status, code, description and an optional `Retry-After` — or, for
/// a simulated gateway, its page instead of Orange's body.
#[derive(Debug, Clone)]
pub(crate) struct ApiError {
    status: StatusCode,
    code: u32,
    description: String,
    retry_after: Option<u64>,
    page: Option<(&'static str, String)>,
}

impl ApiError {
    /// An error with the README's message for `code`.
    pub(crate) fn new(status: u16, code: u32, description: impl Into<String>) -> Self {
        Self {
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            code,
            description: description.into(),
            retry_after: None,
            page: None,
        }
    }

    /// A gateway's error page (not Orange's JSON) with this status.
    pub(crate) fn gateway_page(status: u16, style: GatewayStyle) -> Self {
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY);
        let title = format!(
            "{} {}",
            status.as_u16(),
            status.canonical_reason().unwrap_or("Error")
        );
        let page = match style {
            GatewayStyle::NginxHtml => (
                "text/html",
                format!(
                    "<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n<center><h1>{title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n{NGINX_PADDING}"
                ),
            ),
            GatewayStyle::PlainText => (
                "text/plain",
                "upstream connect error or disconnect/reset before headers. reset reason: connection failure, transport failure reason: delayed connect error: 111".to_owned(),
            ),
        };
        Self {
            status,
            code: 0,
            description: String::new(),
            retry_after: None,
            page: Some(page),
        }
    }

    /// Adds `Retry-After: secs`.
    pub(crate) fn retry_after(mut self, secs: Option<u64>) -> Self {
        self.retry_after = secs;
        self
    }

    /// 401/40.
    pub(crate) fn missing_credentials() -> Self {
        Self::new(
            401,
            40,
            "The requested service needs credentials, but none were provided.",
        )
    }

    /// 401/41.
    pub(crate) fn invalid_credentials() -> Self {
        Self::new(
            401,
            41,
            "The requested service needs credentials, but the ones provided were invalid.",
        )
    }

    /// 401/42.
    pub(crate) fn expired_credentials() -> Self {
        Self::new(
            401,
            42,
            "The requested service needs credentials, and the ones provided were out-of-date.",
        )
    }

    /// 403/50.
    pub(crate) fn access_denied(description: impl Into<String>) -> Self {
        Self::new(403, 50, description)
    }

    /// 400/25 naming the header.
    pub(crate) fn missing_header(name: &str) -> Self {
        Self::new(400, 25, format!("Missing header: {name}"))
    }

    /// 429/53 with `Retry-After`.
    pub(crate) fn too_many_requests(retry_after: u64) -> Self {
        Self::new(
            429,
            53,
            "The application has made too many calls and has exceeded the rate limit for this service.",
        )
        .retry_after(Some(retry_after))
    }

    /// 404/60.
    pub(crate) fn not_found(description: impl Into<String>) -> Self {
        Self::new(404, 60, description)
    }
}

/// The comment lines nginx appends to its error pages so that browsers show them.
const NGINX_PADDING: &str = "<!-- a padding to disable MSIE and Chrome friendly error page -->\r\n<!-- a padding to disable MSIE and Chrome friendly error page -->\r\n<!-- a padding to disable MSIE and Chrome friendly error page -->\r\n";

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let Some((content_type, page)) = self.page {
            return (
                self.status,
                [(axum::http::header::CONTENT_TYPE, content_type)],
                page,
            )
                .into_response();
        }
        let body = json!({
            "code": self.code,
            "message": message_for(self.code),
            "description": self.description,
        });
        let mut response = (self.status, Json(body)).into_response();
        if let Some(secs) = self.retry_after {
            response
                .headers_mut()
                .insert("Retry-After", HeaderValue::from(secs));
        }
        response
    }
}

/// An OAuth (RFC 6749) error answer from the token endpoint.
#[derive(Debug, Clone)]
pub(crate) struct OAuthError {
    status: StatusCode,
    error: &'static str,
    description: Option<&'static str>,
}

impl OAuthError {
    /// 401 for a Basic header that is absent or cannot be decoded.
    pub(crate) fn malformed_basic() -> Self {
        Self {
            status: StatusCode::UNAUTHORIZED,
            error: "invalid_client",
            description: Some("Basic authentication is malformed"),
        }
    }

    /// 401 for a wrong client id or secret.
    pub(crate) fn invalid_client() -> Self {
        Self {
            status: StatusCode::UNAUTHORIZED,
            error: "invalid_client",
            description: Some(
                "The requested service needs credentials, but the ones provided were invalid.",
            ),
        }
    }

    /// 400 for a missing or other grant type.
    pub(crate) fn unsupported_grant_type() -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            error: "unsupported_grant_type",
            description: None,
        }
    }
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        let body = match self.description {
            Some(description) => json!({"error": self.error, "error_description": description}),
            None => json!({"error": self.error}),
        };
        (self.status, Json(body)).into_response()
    }
}
