//! How to reach the API: hosts, timeouts, proxy, retries.
//!
//! Why: the same client serves Orange's production hosts, a corporate network behind a proxy, and the
//! sandbox on loopback. Plain `http://` is accepted only for loopback, so no secret ever crosses a
//! network in clear, whatever a user types in a settings field.

use crate::error::ApiError;
use crate::retry::RetryPolicy;
use std::fmt;
use std::net::IpAddr;
use std::time::Duration;
use url::Url;

/// Orange's API host.
pub const DEFAULT_API_BASE: &str = "https://api.orange.com/cloud/b2b/v1";
/// Orange's OAuth host (the token is at `{this}/token`).
pub const DEFAULT_OAUTH_BASE: &str = "https://api.orange.com/oauth/v3";

/// Which proxy to use.
#[derive(Clone, PartialEq, Eq, Default)]
pub enum ProxySetting {
    /// `HTTPS_PROXY` / `HTTP_PROXY` / `NO_PROXY` from the environment.
    #[default]
    System,
    /// Never a proxy.
    None,
    /// This proxy URL (it may carry `user:password@`, which is never printed).
    Manual(String),
}

impl fmt::Debug for ProxySetting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProxySetting::System => f.write_str("System"),
            ProxySetting::None => f.write_str("None"),
            ProxySetting::Manual(url) => match Url::parse(url) {
                Ok(parsed) => write!(
                    f,
                    "Manual({}://{}:{})",
                    parsed.scheme(),
                    parsed.host_str().unwrap_or("?"),
                    parsed.port_or_known_default().unwrap_or(0)
                ),
                Err(_) => f.write_str("Manual(<unparsable>)"),
            },
        }
    }
}

/// Everything but the credentials.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientConfig {
    /// The API base, e.g. `https://api.orange.com/cloud/b2b/v1`.
    pub api_base: String,
    /// The OAuth base, e.g. `https://api.orange.com/oauth/v3`.
    pub oauth_base: String,
    /// How long to wait for a connection.
    pub connect_timeout: Duration,
    /// How long to wait for an answer's first byte, and then how long a read may stay idle: a
    /// stalled list or download fails after this, a slow one does not. Every call has it.
    pub read_timeout: Duration,
    /// The whole-request limit of the token call only, whose answer is tiny. Resource calls (lists,
    /// downloads, creates) have none: a 25 MB list over a slow link may take minutes, and the
    /// connect and read timeouts already end a call that is dead.
    pub request_timeout: Duration,
    /// Proxy choice.
    pub proxy: ProxySetting,
    /// Sends loopback calls through the proxy too. Off everywhere but in tests: the client goes to
    /// this machine (the sandbox) directly, so a test of a real proxy on loopback must say so.
    pub keep_proxy_for_loopback: bool,
    /// Retry bounds for safe requests.
    pub retry: RetryPolicy,
}

impl Default for ClientConfig {
    fn default() -> Self {
        Self {
            api_base: DEFAULT_API_BASE.into(),
            oauth_base: DEFAULT_OAUTH_BASE.into(),
            connect_timeout: Duration::from_secs(10),
            read_timeout: Duration::from_secs(30),
            request_timeout: Duration::from_secs(60),
            proxy: ProxySetting::System,
            keep_proxy_for_loopback: false,
            retry: RetryPolicy::default(),
        }
    }
}

/// Whether a URL points at this machine (the sandbox), where plain http is harmless.
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// Parses a base URL and refuses what would be unsafe or could never work.
pub fn parse_base_url(what: &str, text: &str) -> Result<Url, ApiError> {
    let url = Url::parse(text.trim()).map_err(|e| {
        ApiError::InvalidConfig(format!("the {what} \"{}\" is not a URL ({e})", text.trim()))
    })?;
    if url.cannot_be_a_base() || url.host().is_none() {
        return Err(ApiError::InvalidConfig(format!(
            "the {what} \"{url}\" has no host"
        )));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(ApiError::InvalidConfig(format!(
            "the {what} must not carry a user name or password"
        )));
    }
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_loopback(&url) => Ok(url),
        "http" => Err(ApiError::InvalidConfig(format!(
            "the {what} {} uses plain http: only https is allowed, except to this machine (the sandbox), so that no secret crosses a network in clear",
            url.host_str().unwrap_or_default()
        ))),
        other => Err(ApiError::InvalidConfig(format!(
            "the {what} uses \"{other}\"; it must start with https://"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ApiErrorKind;

    #[test]
    fn https_anywhere_http_only_to_loopback() {
        assert!(parse_base_url("API host", DEFAULT_API_BASE).is_ok());
        assert!(parse_base_url("API host", "http://127.0.0.1:8080/cloud/b2b/v1").is_ok());
        assert!(parse_base_url("API host", "http://[::1]:8080/x").is_ok());
        assert!(parse_base_url("API host", "http://localhost:1/x").is_ok());
        let err = parse_base_url("API host", "http://api.orange.com/cloud/b2b/v1").unwrap_err();
        assert_eq!(err.kind(), ApiErrorKind::InvalidConfig);
        assert!(err.to_string().contains("plain http"));
        assert!(parse_base_url("API host", "ftp://x/y").is_err());
        assert!(parse_base_url("API host", "not a url").is_err());
        assert!(parse_base_url("API host", "https://user:pw@host/").is_err());
    }

    #[test]
    fn proxy_debug_hides_the_password() {
        let text = format!(
            "{:?}",
            ProxySetting::Manual("http://bob:hunter2@proxy.corp:3128".into())
        );
        assert_eq!(text, "Manual(http://proxy.corp:3128)");
    }
}
