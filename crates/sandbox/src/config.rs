//! How a sandbox is set up: data volume, credentials, clock and the faults it injects.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::clock::{Clock, SystemClock};

/// Everything [`crate::Sandbox::start`] needs. `Default` gives a realistic, fault-free sandbox
/// on a free port with seed 42, so most tests only change one field.
#[derive(Clone)]
pub struct SandboxConfig {
    /// The port to bind on 127.0.0.1; 0 asks the OS for a free one (what tests want).
    pub port: u16,
    /// Seed of every generated value: the same seed (and the same day) gives the same data.
    pub seed: u64,
    /// `None`: the natural set (~230 documents per contract over 46 months). `Some(n)`: exactly
    /// `n` documents per contract that has documents (capped at 100 000), for volume tests.
    pub documents_per_contract: Option<u32>,
    /// Every document's exact size in bytes, raised to the format's minimum
    /// (PDF 4 KiB, XLSX 8 KiB, CSV 2 KiB); `None` gives realistic sizes per type.
    pub document_size: Option<u64>,
    /// Adds one consumption report of exactly this size to the first contract; it is generated
    /// as a stream so a multi-gigabyte download never sits in memory.
    pub big_document: Option<u64>,
    /// Adds invoices with hostile file names to the first contract (path traversal, reserved
    /// Windows names, control characters, non-ASCII, duplicates) to test a client's saving.
    pub hostile_names: bool,
    /// Lifetime of issued tokens; Orange's is 3600 s.
    pub token_ttl: Duration,
    /// Fixed credentials, or `None` for random ones per start (so no test relies on a constant).
    pub credentials: Option<SandboxCredentials>,
    /// The time source for expiry, rate limits and document dates.
    pub clock: Arc<dyn Clock>,
    /// Randomly or deterministically injected failures; all off by default.
    pub faults: FaultConfig,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        Self {
            port: 0,
            seed: 42,
            documents_per_contract: None,
            document_size: None,
            big_document: None,
            hostile_names: false,
            token_ttl: Duration::from_secs(3600),
            credentials: None,
            clock: Arc::new(SystemClock),
            faults: FaultConfig::default(),
        }
    }
}

impl fmt::Debug for SandboxConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SandboxConfig")
            .field("port", &self.port)
            .field("seed", &self.seed)
            .field("documents_per_contract", &self.documents_per_contract)
            .field("document_size", &self.document_size)
            .field("big_document", &self.big_document)
            .field("hostile_names", &self.hostile_names)
            .field("token_ttl", &self.token_ttl)
            .field("credentials", &self.credentials)
            .field("faults", &self.faults)
            .finish_non_exhaustive()
    }
}

/// The three secrets a customer-space client needs. `Debug` redacts the secret and the key so
/// they never end up in test logs.
#[derive(Clone, PartialEq, Eq)]
pub struct SandboxCredentials {
    /// OAuth client id (sent in HTTP Basic to the token endpoint).
    pub client_id: String,
    /// OAuth client secret.
    pub client_secret: String,
    /// The `X-API-Key` that decides which contracts are visible.
    pub api_key: String,
}

impl fmt::Debug for SandboxCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SandboxCredentials")
            .field("client_id", &self.client_id)
            .field("client_secret", &"<redacted>")
            .field("api_key", &"<redacted>")
            .finish()
    }
}

/// Failures injected by configuration, for the whole life of the sandbox (tests that need one
/// precise failure use [`crate::SandboxHandle::inject`] instead).
#[derive(Debug, Clone, Default)]
pub struct FaultConfig {
    /// Probability per resource request of a 429 code 53 with `Retry-After`.
    pub rate_429: f64,
    /// Probability per resource request of a 500 code 1 or a 503 code 5.
    pub rate_5xx: f64,
    /// Added to every request, to exercise client timeouts and progress display.
    pub latency: Duration,
    /// A document id whose `/file` body is cut after half its bytes (the connection is dropped
    /// while `Content-Length` announced the full size).
    pub cut_download: Option<String>,
    /// Throttles every `/file` body to this many bytes per second.
    pub slow_body_bytes_per_sec: Option<u64>,
    /// Enforces Orange's 50 token requests per minute (sliding window on the sandbox clock).
    pub token_rate_limit: bool,
    /// The token endpoint answers its successes in this odd (but plausible) way; the token it
    /// issues still works.
    pub token_body: Option<TokenBodyFault>,
    /// `GET /documents` sends one row's `amount` as a text with a decimal comma (`"1234,56"`) and
    /// another row without `size`.
    pub odd_list_rows: bool,
    /// `GET /documents` answers 200 with an object without a `documents` key
    /// (`{"error": "…", "status": 500}`), as a misbehaving gateway might.
    pub list_without_documents: bool,
    /// Throttles every `GET /documents` body to this many bytes per second.
    pub slow_list_bytes_per_sec: Option<u64>,
    /// `GET /documents` sends this many bytes of its body (announcing the full length), then stops
    /// sending without closing the connection (for a while).
    pub stall_list_after_bytes: Option<u64>,
}

/// Odd success answers of the token endpoint (RFC 6749 leaves room, servers use it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenBodyFault {
    /// Form-encoded instead of JSON (`access_token=…&token_type=bearer&expires_in=3600`), with
    /// `Content-Type: application/x-www-form-urlencoded`: the body holds the token.
    NotJson,
    /// JSON without `expires_in` (optional in RFC 6749).
    NoExpiresIn,
    /// `expires_in` of `18446744073709551615` (`u64::MAX`) seconds.
    HugeExpiresIn,
    /// `expires_in` of `-3600`.
    NegativeExpiresIn,
}
