//! The HTTP client: one method per verb of the contract, with token, retries and error mapping.
//!
//! Why: every caller (CLI, app, benchmarks) gets the same behaviour: a token fetched once and reused,
//! safe requests retried within bounds, every failure turned into an [`ApiError`] a user can act on,
//! and no secret in any output.

use crate::clock::{Clock, SystemClock};
use crate::config::{is_loopback, parse_base_url, ClientConfig, ProxySetting};
use crate::credentials::{Credentials, Redactor};
use crate::error::{clean_request_id, ApiError, Call, FailedResponse};
use crate::error_body::{describe, one_line, parser_complaint, starts_like_json, QUOTE_LIMIT};
use crate::ids::ContractId;
use crate::model::{
    ContractDetail, ContractSummary, CreateAnswer, CreatedContract, CreatedUser, Document,
    DocumentList, DocumentsQuery, DocumentsSeed, ListShape, ListedDocuments, NewContract, NewUser,
    User,
};
use crate::retry::{parse_retry_after, RetryPolicy};
use crate::token::{
    AccessToken, Lease, TokenAnswerError, TokenCache, TokenWire, DEFAULT_TOKEN_LIFETIME,
    TOKEN_BODY_LIMIT,
};
use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE, RETRY_AFTER};
use reqwest::{RequestBuilder, Response};
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;
use url::Url;

/// The header naming the contract on contract calls.
pub const CONTRACT_HEADER: &str = "X-ECCS-Contract-Id";
/// The header carrying the API key.
pub const API_KEY_HEADER: &str = "X-API-Key";
/// Where Orange (and the sandbox) put the request id.
pub const REQUEST_ID_HEADER: &str = "X-OAPI-Request-Id";
/// How much of an error body is read: enough for any real error, bounded against a hostile server.
const ERROR_BODY_LIMIT: usize = 64 * 1024;

/// What `ensure_token` reports: the token's life, never the token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenStatus {
    /// When the cached token stops working.
    pub expires_at: std::time::SystemTime,
    /// Its total life as announced by the server.
    pub lifetime: Duration,
}

/// A typed client of the Cloud Customer Space API. Cheap to share behind an `Arc`; all methods take
/// `&self` and may run concurrently (they share one token).
pub struct Client {
    pub(crate) http: reqwest::Client,
    api_base: Url,
    oauth_base: Url,
    pub(crate) credentials: Credentials,
    tokens: TokenCache,
    pub(crate) clock: Arc<dyn Clock>,
    retry: RetryPolicy,
    request_timeout: Duration,
    pub(crate) redactor: Redactor,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("api_base", &self.api_base.as_str())
            .field("oauth_base", &self.oauth_base.as_str())
            .field("credentials", &self.credentials)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A client on the real clock.
    pub fn new(config: ClientConfig, credentials: Credentials) -> Result<Self, ApiError> {
        Self::with_clock(config, credentials, Arc::new(SystemClock))
    }

    /// A client whose token expiry and back-off read `clock` (tests pass a manual one).
    pub fn with_clock(
        config: ClientConfig,
        credentials: Credentials,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, ApiError> {
        let api_base = parse_base_url("API host", &config.api_base)?;
        let oauth_base = parse_base_url("OAuth host", &config.oauth_base)?;
        check_credentials(&credentials)?;
        let mut builder = reqwest::Client::builder()
            .use_rustls_tls()
            .user_agent(concat!("ccs/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(config.connect_timeout)
            .read_timeout(config.read_timeout)
            .redirect(reqwest::redirect::Policy::none());
        let local_only = is_loopback(&api_base) && is_loopback(&oauth_base);
        if local_only && api_base.scheme() == "http" && oauth_base.scheme() == "http" {
            // Plain http to this machine (the sandbox) uses no TLS: skip loading the system's root
            // certificates, a measurable part of a short command's start-up.
            builder = builder.tls_built_in_root_certs(false);
        }
        let bypass_proxy = local_only && !config.keep_proxy_for_loopback;
        builder = match (&config.proxy, bypass_proxy) {
            (_, true) | (ProxySetting::None, _) => builder.no_proxy(),
            (ProxySetting::System, false) => builder,
            (ProxySetting::Manual(url), false) => {
                let proxy = reqwest::Proxy::all(url.as_str())
                    .map_err(|_| ApiError::InvalidConfig("the proxy URL is not valid".into()))?
                    .no_proxy(reqwest::NoProxy::from_env());
                builder.proxy(proxy)
            }
        };
        let http = builder
            .build()
            .map_err(|e| ApiError::InvalidConfig(format!("could not set up HTTPS: {e}")))?;
        let mut redactor = Redactor::for_credentials(&credentials);
        if let ProxySetting::Manual(url) = &config.proxy {
            // A proxy's password is a secret too: no error text may carry it.
            if let Some(password) = Url::parse(url)
                .ok()
                .and_then(|u| u.password().map(str::to_owned))
            {
                let decoded = percent_encoding::percent_decode_str(&password)
                    .decode_utf8_lossy()
                    .into_owned();
                redactor = redactor.with(&password).with(&decoded);
            }
        }
        Ok(Self {
            http,
            api_base,
            oauth_base,
            credentials,
            tokens: TokenCache::default(),
            clock,
            retry: config.retry,
            request_timeout: config.request_timeout,
            redactor,
        })
    }

    /// The API base URL in use.
    pub fn api_base(&self) -> &Url {
        &self.api_base
    }

    /// The OAuth base URL in use.
    pub fn oauth_base(&self) -> &Url {
        &self.oauth_base
    }

    /// Makes sure a valid token is cached (fetching one if needed) and says how long it lives.
    pub async fn ensure_token(&self) -> Result<TokenStatus, ApiError> {
        self.lease().await?;
        let token = self
            .tokens
            .current()
            .await
            .ok_or_else(|| ApiError::UnexpectedResponse {
                expected: "a cached token".into(),
                got: "none".into(),
                request_id: None,
            })?;
        Ok(TokenStatus {
            expires_at: token.expires_at(),
            lifetime: token.lifetime(),
        })
    }

    /// Starts from a token obtained earlier (e.g. kept in the keychain between CLI runs).
    pub async fn seed_token(&self, token: AccessToken) {
        self.tokens.seed(token).await;
    }

    /// The cached token, so a caller can keep it in a secret store for the next run.
    pub async fn cached_token(&self) -> Option<AccessToken> {
        self.tokens.current().await
    }

    /// `GET /contracts`: the contracts this API key may see.
    pub async fn list_contracts(&self) -> Result<Vec<ContractSummary>, ApiError> {
        let call = Call::ListContracts;
        let url = self.api_url(&["contracts"]);
        let response = self.send(&call, |http| http.get(url.clone())).await?;
        self.json(response, "a JSON array of contracts").await
    }

    /// `GET /contract`: one contract's detail.
    pub async fn contract_detail(&self, contract: &ContractId) -> Result<ContractDetail, ApiError> {
        let call = Call::ContractDetail(contract.clone());
        let url = self.api_url(&["contract"]);
        let response = self
            .send(&call, |http| {
                http.get(url.clone())
                    .header(CONTRACT_HEADER, contract.as_str())
            })
            .await?;
        self.json(response, "a JSON contract").await
    }

    /// `GET /documents`: the newest `query.limit` documents, in either of the API's answer shapes.
    pub async fn list_documents(
        &self,
        contract: &ContractId,
        query: &DocumentsQuery,
    ) -> Result<DocumentList, ApiError> {
        let mut documents = Vec::new();
        let listed = self
            .list_documents_each(contract, query, &mut |d| documents.push(d))
            .await?;
        Ok(DocumentList {
            documents,
            limit: listed.limit,
            filled_limit: listed.filled_limit,
        })
    }

    /// `GET /documents` like [`Client::list_documents`], each document handed to `each` as soon as
    /// it is read: a caller that keeps documents in a compact form of its own never holds the whole
    /// list twice. On an error, the documents already handed over are a part of the answer only.
    pub async fn list_documents_each(
        &self,
        contract: &ContractId,
        query: &DocumentsQuery,
        each: &mut (dyn FnMut(Document) + Send),
    ) -> Result<ListedDocuments, ApiError> {
        let call = Call::ListDocuments(contract.clone());
        let limit = query.limit.clamp(1, DocumentsQuery::MAX_LIMIT);
        let mut url = self.api_url(&["documents"]);
        {
            let mut pairs = url.query_pairs_mut();
            pairs.append_pair(
                "documentType",
                query
                    .document_type
                    .as_ref()
                    .map(|t| t.wire_name())
                    .unwrap_or(""),
            );
            pairs.append_pair("limit", &limit.to_string());
        }
        let response = self
            .send(&call, |http| {
                http.get(url.clone())
                    .header(CONTRACT_HEADER, contract.as_str())
            })
            .await?;
        let mut count = 0usize;
        let mut counted = |document: Document| {
            count += 1;
            each(document);
        };
        let request_id = request_id(response.headers());
        let expected = "a JSON array of documents or {\"documents\": null}";
        let redactor = self.redactor.clone();
        let shape = self
            .parse(response, expected, |bytes| {
                use serde::de::DeserializeSeed;
                let mut deserializer = serde_json::Deserializer::from_slice(bytes);
                let shape =
                    DocumentsSeed(&mut counted, &redactor).deserialize(&mut deserializer)?;
                deserializer.end()?;
                Ok(shape)
            })
            .await?;
        if let ListShape::ObjectWithout { keys, count } = shape {
            return Err(ApiError::UnexpectedResponse {
                expected: expected.into(),
                got: ListShape::describe(&keys, count),
                request_id,
            });
        }
        Ok(ListedDocuments {
            count,
            limit,
            filled_limit: count >= limit as usize,
        })
    }

    /// `POST /contracts/{id}/user`: adds a user; an email that already has a login keeps it.
    ///
    /// Any success status is a success, whatever its body: 201 or 200 with the user, 204 without
    /// a body, a user without an id, a body that is not JSON ([`CreatedUser::answer`] says which).
    /// `already_existed` is said only when the answer returns a login other than the one sent. A
    /// create whose answer was lost is never sent again: [`ApiError::OutcomeUnknown`].
    pub async fn create_user(
        &self,
        contract: &ContractId,
        user: &NewUser,
    ) -> Result<CreatedUser, ApiError> {
        let call = Call::CreateUser(contract.clone());
        let url = self.api_url(&["contracts", contract.as_str(), "user"]);
        let response = self
            .send(&call, |http| http.post(url.clone()).json(user))
            .await?;
        let (returned, answer) = match self.created_answer(response).await {
            Created::Object(map) => {
                let returned = User::from_answer(map);
                let answer = match returned.id {
                    Some(_) => CreateAnswer::Complete,
                    None => CreateAnswer::WithoutId,
                };
                (returned, answer)
            }
            Created::Other(answer) => (User::default(), answer),
        };
        let already_existed = returned
            .login
            .as_deref()
            .is_some_and(|login| !login.trim().eq_ignore_ascii_case(user.login.trim()));
        Ok(CreatedUser {
            user: returned,
            already_existed,
            answer,
        })
    }

    /// `POST /contracts`: creates a contract (it may stay PENDING for a while).
    ///
    /// Like [`Client::create_user`], any success status is a success, with the contract when the
    /// answer held a readable one.
    pub async fn create_contract(
        &self,
        contract: &NewContract,
    ) -> Result<CreatedContract, ApiError> {
        let call = Call::CreateContract;
        let url = self.api_url(&["contracts"]);
        let response = self
            .send(&call, |http| http.post(url.clone()).json(contract))
            .await?;
        Ok(match self.created_answer(response).await {
            Created::Object(map) => {
                let has_id = map.get("id").is_some_and(|id| !id.is_null());
                match serde_json::from_value::<ContractDetail>(serde_json::Value::Object(map)) {
                    Ok(detail) => CreatedContract {
                        contract: Some(detail),
                        answer: CreateAnswer::Complete,
                    },
                    Err(error) => {
                        tracing::debug!(%error, "the created contract could not be read");
                        CreatedContract {
                            contract: None,
                            answer: if has_id {
                                CreateAnswer::Unreadable
                            } else {
                                CreateAnswer::WithoutId
                            },
                        }
                    }
                }
            }
            Created::Other(answer) => CreatedContract {
                contract: None,
                answer,
            },
        })
    }

    /// Reads a create's success answer, whatever it holds: the server said it was done, so
    /// nothing here is an error.
    async fn created_answer(&self, response: Response) -> Created {
        let status = response.status().as_u16();
        let bytes = match read_body(response, CREATED_BODY_LIMIT).await {
            Ok(bytes) => bytes,
            Err(_) => {
                tracing::warn!(status, "the answer to a create could not be read whole");
                return Created::Other(CreateAnswer::Unreadable);
            }
        };
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Created::Other(CreateAnswer::Empty);
        }
        match serde_json::from_slice::<serde_json::Value>(&bytes) {
            Ok(serde_json::Value::Object(map)) => Created::Object(map),
            _ => {
                let redactor = self.redactor_now().await;
                tracing::debug!(
                    status,
                    answer = %describe(None, &bytes, &redactor),
                    "the answer to a create is not a JSON object"
                );
                Created::Other(CreateAnswer::Unreadable)
            }
        }
    }

    /// The redactor with the current access token too, for text from a resource answer.
    async fn redactor_now(&self) -> Redactor {
        match self.tokens.current().await {
            Some(token) => self.redactor.clone().with(token.secret().expose_secret()),
            None => self.redactor.clone(),
        }
    }

    /// A URL under the API base; segments are percent-encoded.
    pub(crate) fn api_url(&self, segments: &[&str]) -> Url {
        let mut url = self.api_base.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().extend(segments);
        }
        url
    }

    /// The host for network error messages.
    fn host_of(url: &Url) -> String {
        url.host_str().unwrap_or_default().to_owned()
    }

    /// The cached token, fetched once for all concurrent callers when needed.
    async fn lease(&self) -> Result<Lease, ApiError> {
        self.tokens
            .lease(self.clock.as_ref(), || self.fetch_token())
            .await
    }

    /// `POST {oauth}/token` with the client credentials. Retried on 429 (honouring `Retry-After`) and
    /// when no connection could be made, never otherwise. The only call with a whole-request time
    /// limit (`request_timeout`): its answer is tiny, so a slow one means something is wrong.
    async fn fetch_token(&self) -> Result<AccessToken, ApiError> {
        let mut url = self.oauth_base.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().push("token");
        }
        let mut attempt = 1;
        let mut waited = Duration::ZERO;
        loop {
            let asked_at = self.clock.now();
            tracing::debug!(url = %url, attempt, "requesting an access token");
            let sent = self
                .http
                .post(url.clone())
                .basic_auth(
                    self.credentials.client_id.as_str(),
                    Some(self.credentials.client_secret.expose_secret()),
                )
                .header(ACCEPT, "application/json")
                .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body("grant_type=client_credentials")
                .timeout(self.request_timeout)
                .send()
                .await;
            let response = match sent {
                Ok(response) => response,
                Err(error) => {
                    let mapped =
                        ApiError::from_transport(&Self::host_of(&url), &error, &self.redactor);
                    match self.retry.next_delay(attempt, waited, None) {
                        Some(delay) if error.is_connect() => {
                            self.wait(&mut attempt, &mut waited, delay).await;
                            continue;
                        }
                        _ => return Err(mapped),
                    }
                }
            };
            if response.status().is_success() {
                return self.read_token(response, asked_at).await;
            }
            let (error, retry_after) = self.failure(&Call::Token, response, None).await;
            if let ApiError::RateLimited { .. } = error {
                if let Some(delay) = self.retry.next_delay(attempt, waited, retry_after) {
                    self.wait(&mut attempt, &mut waited, delay).await;
                    continue;
                }
            }
            return Err(error);
        }
    }

    /// Reads a token endpoint's success answer. Its errors say what was wrong with it but never
    /// quote it: it may hold an access token.
    async fn read_token(
        &self,
        response: Response,
        asked_at: std::time::SystemTime,
    ) -> Result<AccessToken, ApiError> {
        let request_id = request_id(response.headers());
        let host = Self::host_of(response.url());
        let unexpected = |got: String| ApiError::UnexpectedResponse {
            expected: "an access token".into(),
            got,
            request_id: request_id.clone(),
        };
        let bytes = match read_body(response, TOKEN_BODY_LIMIT).await {
            Ok(bytes) => bytes,
            Err(BodyError::TooLarge) => {
                return Err(unexpected(TokenAnswerError::TooLarge.to_string()))
            }
            Err(BodyError::Transport(e)) => {
                return Err(ApiError::from_transport(&host, &e, &self.redactor))
            }
        };
        let wire = TokenWire::parse(&bytes).map_err(|e| unexpected(e.to_string()))?;
        if let Some(kind) = wire
            .token_type
            .as_deref()
            .filter(|t| !t.trim().eq_ignore_ascii_case("bearer"))
        {
            let redactor = self
                .redactor
                .clone()
                .with(wire.access_token.expose_secret());
            return Err(unexpected(format!(
                "a token of type \"{}\"",
                one_line(&redactor.scrub(kind), QUOTE_LIMIT)
            )));
        }
        if wire.expires_in.is_none() {
            tracing::debug!(
                assumed = ?DEFAULT_TOKEN_LIFETIME,
                "the token answer has no expires_in; assuming Orange's hour"
            );
        }
        let lifetime = wire.lifetime();
        // The lifetime is at most a year, so this cannot overflow; should it, the token is treated
        // as already expiring (fetched again on the next call) rather than panicking.
        let expires_at = asked_at.checked_add(lifetime).unwrap_or(asked_at);
        Ok(AccessToken::new(wire.access_token, expires_at, lifetime))
    }

    /// Sends a resource request with the bearer token and API key; refreshes the token once on 401
    /// (codes 41/42), retries GETs on 429/502/503/504 and network failures, POSTs on 429 and on
    /// connect failures only (nothing was sent). A create whose answer is lost after it was sent
    /// is [`ApiError::OutcomeUnknown`], never sent again.
    pub(crate) async fn send(
        &self,
        call: &Call,
        build: impl Fn(&reqwest::Client) -> RequestBuilder,
    ) -> Result<Response, ApiError> {
        let mut attempt = 1;
        let mut waited = Duration::ZERO;
        let mut refreshed = false;
        loop {
            let lease = self.lease().await?;
            // No whole-request time limit: a 25 MB list over a slow link may take minutes. The
            // connect timeout and the read timeout (no byte for that long) end a dead call.
            let request = build(&self.http).headers(self.auth_headers(&lease.token)?);
            let built = request
                .build()
                .map_err(|e| ApiError::InvalidConfig(e.to_string()))?;
            let host = Self::host_of(built.url());
            tracing::debug!(method = %built.method(), url = %built.url(), attempt, "calling the API");
            let response = match self.http.execute(built).await {
                Ok(response) => response,
                Err(error) => {
                    let mapped = ApiError::from_transport(&host, &error, &self.redactor);
                    // A connect error happens before anything was sent: safe to retry, even a
                    // create. Any other failure may come after the server got the request.
                    let before_sending = error.is_connect();
                    let retryable = before_sending
                        || (call.is_idempotent() && (error.is_timeout() || error.is_request()));
                    match self.retry.next_delay(attempt, waited, None) {
                        Some(delay) if retryable => {
                            tracing::warn!(%mapped, ?delay, "retrying after a network failure");
                            self.wait(&mut attempt, &mut waited, delay).await;
                            continue;
                        }
                        _ => {
                            return Err(match call.creation() {
                                Some((what, list)) if !before_sending => ApiError::OutcomeUnknown {
                                    what,
                                    list,
                                    detail: lost_answer(&mapped),
                                },
                                _ => mapped,
                            })
                        }
                    }
                }
            };
            if response.status().is_success() {
                return Ok(response);
            }
            let status = response.status();
            let (error, retry_after) = self.failure(call, response, Some(&lease.token)).await;
            match &error {
                ApiError::TokenRejected { code: 41 | 42, .. } if !refreshed => {
                    tracing::debug!("the token was refused; fetching a new one once");
                    self.tokens.invalidate(lease.generation).await;
                    refreshed = true;
                    continue;
                }
                ApiError::RateLimited { .. } => {}
                ApiError::Server { .. }
                    if call.is_idempotent() && matches!(status.as_u16(), 502..=504) => {}
                _ => return Err(error),
            }
            match self.retry.next_delay(attempt, waited, retry_after) {
                Some(delay) => {
                    tracing::warn!(%error, ?delay, "retrying");
                    self.wait(&mut attempt, &mut waited, delay).await;
                }
                None => return Err(error),
            }
        }
    }

    /// Waits `delay` on the client's clock and counts the attempt.
    async fn wait(&self, attempt: &mut u32, waited: &mut Duration, delay: Duration) {
        self.clock.sleep(delay).await;
        *attempt = attempt.saturating_add(1);
        *waited = waited.saturating_add(delay);
    }

    /// The headers every resource call carries. Marked sensitive so that no debug output shows them.
    fn auth_headers(&self, token: &SecretString) -> Result<HeaderMap, ApiError> {
        let mut headers = HeaderMap::new();
        let mut bearer = HeaderValue::from_str(&format!("Bearer {}", token.expose_secret()))
            .map_err(|_| ApiError::UnexpectedResponse {
                expected: "an access token made of printable characters".into(),
                got: "a token that cannot be sent in a header".into(),
                request_id: None,
            })?;
        bearer.set_sensitive(true);
        let mut key =
            HeaderValue::from_str(self.credentials.api_key.expose_secret()).map_err(|_| {
                ApiError::InvalidConfig(
                    "the API key contains characters that cannot be sent".into(),
                )
            })?;
        key.set_sensitive(true);
        headers.insert(AUTHORIZATION, bearer);
        headers.insert(API_KEY_HEADER, key);
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        Ok(headers)
    }

    /// Reads a failed response (bounded) and maps it; also returns `Retry-After`.
    pub(crate) async fn failure(
        &self,
        call: &Call,
        mut response: Response,
        token: Option<&SecretString>,
    ) -> (ApiError, Option<Duration>) {
        let status = response.status().as_u16();
        let headers = response.headers();
        let retry_after = headers
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| parse_retry_after(v, self.clock.now()));
        let request_id = request_id(headers);
        let content_type = headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let mut body = Vec::new();
        while body.len() < ERROR_BODY_LIMIT {
            match response.chunk().await {
                Ok(Some(chunk)) => body.extend_from_slice(&chunk),
                _ => break,
            }
        }
        let redactor = match token {
            Some(token) => self.redactor.clone().with(token.expose_secret()),
            None => self.redactor.clone(),
        };
        let error = ApiError::from_response(
            call,
            FailedResponse {
                status,
                retry_after,
                request_id,
                content_type,
                body: &body,
            },
            &redactor,
        );
        tracing::debug!(
            code = error.kind().as_str(),
            status,
            "the API answered with an error"
        );
        (error, retry_after)
    }

    /// Parses a success body, or says what was expected and what came.
    async fn json<T: DeserializeOwned>(
        &self,
        response: Response,
        expected: &str,
    ) -> Result<T, ApiError> {
        self.parse(response, expected, |bytes| serde_json::from_slice(bytes))
            .await
    }

    /// Reads the whole body and parses it with `parse`; a body that does not parse is an
    /// unexpected response, described (what kind of body, a JSON object's key names, an HTML
    /// page's title, the parser's complaint) but never quoted.
    async fn parse<T>(
        &self,
        response: Response,
        expected: &str,
        parse: impl FnOnce(&[u8]) -> serde_json::Result<T>,
    ) -> Result<T, ApiError> {
        let request_id = request_id(response.headers());
        let host = Self::host_of(response.url());
        let content_type = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let bytes = match read_body(response, BODY_LIMIT).await {
            Ok(bytes) => bytes,
            Err(BodyError::TooLarge) => {
                return Err(ApiError::UnexpectedResponse {
                    expected: expected.to_owned(),
                    got: format!("an answer larger than {} MiB", BODY_LIMIT >> 20),
                    request_id,
                })
            }
            Err(BodyError::Transport(e)) => {
                return Err(ApiError::from_transport(&host, &e, &self.redactor))
            }
        };
        match parse(&bytes) {
            Ok(value) => Ok(value),
            Err(error) => {
                let redactor = self.redactor_now().await;
                let summary = describe(content_type.as_deref(), &bytes, &redactor);
                let got = if error.is_data() || starts_like_json(&bytes) {
                    let complaint = parser_complaint(&error, &redactor, PARSER_TEXT_LIMIT);
                    format!("{summary} ({complaint})")
                } else {
                    summary
                };
                Err(ApiError::UnexpectedResponse {
                    expected: expected.to_owned(),
                    got,
                    request_id,
                })
            }
        }
    }
}

/// The largest answer read whole: ten times the API's longest list (100,000 documents, about
/// 25 MB). Why a limit: a server that never ends its body must get an error, not one buffer grown
/// until the process runs out of memory.
const BODY_LIMIT: usize = 256 * 1024 * 1024;

/// The most of an announced length reserved before any byte came: enough for the longest real
/// list, so a hostile `Content-Length` cannot make the client reserve its whole limit at once.
const RESERVE_LIMIT: usize = 64 * 1024 * 1024;

/// The largest create answer read (a created user or contract is a few hundred bytes).
const CREATED_BODY_LIMIT: usize = 1024 * 1024;

/// The most characters of the JSON parser's complaint kept in an error.
const PARSER_TEXT_LIMIT: usize = 120;

/// Why a body could not be read whole.
enum BodyError {
    /// Longer than the limit (announced or received).
    TooLarge,
    /// The connection failed or timed out.
    Transport(reqwest::Error),
}

/// What a create's answer held: an object, or [`CreateAnswer::Empty`] / `Unreadable`.
enum Created {
    /// A JSON object.
    Object(serde_json::Map<String, serde_json::Value>),
    /// No object; why.
    Other(CreateAnswer),
}

/// A whole answer's body in one buffer, reserved at once when its length is announced.
///
/// Why not `Response::bytes`: it keeps every network chunk until the end, then copies them into
/// one buffer, so a 25 MB list of 100,000 documents took 50 MB at its peak, and the freed chunks
/// stayed with the allocator (the desktop app's memory grew by the size of each long list read;
/// docs/benchmarks.md). Without a length (chunked answers), the buffer grows as the body comes.
/// More than `limit` bytes, announced or received, is [`BodyError::TooLarge`].
async fn read_body(mut response: Response, limit: usize) -> Result<Vec<u8>, BodyError> {
    let announced = response.content_length().unwrap_or(0);
    let announced = usize::try_from(announced).unwrap_or(usize::MAX);
    if announced > limit {
        return Err(BodyError::TooLarge);
    }
    let mut body = Vec::with_capacity(announced.min(RESERVE_LIMIT));
    while let Some(chunk) = response.chunk().await.map_err(BodyError::Transport)? {
        if body.len().saturating_add(chunk.len()) > limit {
            return Err(BodyError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// What became of a lost create's answer, for [`ApiError::OutcomeUnknown`].
fn lost_answer(error: &ApiError) -> String {
    match error {
        ApiError::Timeout { host } => format!("{host} did not answer in time"),
        ApiError::Network { host, detail } => format!("the connection to {host} failed: {detail}"),
        other => other.to_string(),
    }
}

/// Orange's request id, for support (at most 64 visible characters: it is shown in messages).
pub(crate) fn request_id(headers: &HeaderMap) -> Option<String> {
    headers
        .get(REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .and_then(clean_request_id)
}

/// Refuses credentials that are missing or cannot travel in an HTTP header, before any request and
/// without ever echoing them.
fn check_credentials(credentials: &Credentials) -> Result<(), ApiError> {
    let problem = |value: &str| -> Option<&'static str> {
        if value.is_empty() {
            Some("is not set")
        } else if value.chars().any(|c| c.is_control() || !c.is_ascii()) {
            Some("contains characters that cannot be sent (a line break or a non-ASCII character from a bad paste?)")
        } else {
            None
        }
    };
    let id = problem(credentials.client_id.as_str()).map(|p| format!("the client id {p}"));
    let secret = problem(credentials.client_secret.expose_secret())
        .map(|p| format!("the client secret {p}"));
    if let Some(description) = id.or(secret) {
        return Err(ApiError::InvalidClient { description });
    }
    if let Some(p) = problem(credentials.api_key.expose_secret()) {
        return Err(ApiError::InvalidApiKey {
            message: format!("the API key {p}"),
            request_id: None,
        });
    }
    Ok(())
}
