//! Starting and stopping the sandbox, and the handle tests drive it with.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::Duration;

use rand::distributions::Alphanumeric;
use rand::Rng;
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha8Rng;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::auth::TokenStore;
use crate::config::{SandboxConfig, SandboxCredentials};
use crate::counters::{Counters, Route};
use crate::data::dates::unix_secs;
use crate::data::documents::DocumentInfo;
use crate::data::{Catalog, CatalogParams};
use crate::errors::SandboxError;
use crate::faults::{DispositionStyle, Fault, FaultPlan};
use crate::formats;
use crate::state::{AppState, Shared};
use crate::story::SpendStory;
use crate::sync::lock;

/// How long [`SandboxHandle::shutdown`] waits for open connections before aborting.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// Entry point: `Sandbox::start(config)` binds 127.0.0.1 and serves in the background.
#[derive(Debug)]
pub struct Sandbox;

impl Sandbox {
    /// Generates the data, binds `127.0.0.1:{config.port}` and serves until the handle is shut
    /// down or dropped. Must be called inside a tokio runtime.
    pub async fn start(config: SandboxConfig) -> Result<SandboxHandle, SandboxError> {
        let credentials = config
            .credentials
            .clone()
            .unwrap_or_else(random_credentials);
        let now = unix_secs(config.clock.now());
        let params = CatalogParams {
            seed: config.seed,
            now,
            per_contract: config.documents_per_contract,
            document_size: config.document_size,
            hostile_names: config.hostile_names,
            big_document: config.big_document,
        };
        let catalog = tokio::task::spawn_blocking(move || Catalog::generate(params))
            .await
            .map_err(|e| SandboxError::Data(e.to_string()))?;
        let empty_contract_id = catalog
            .visible
            .iter()
            .find(|c| catalog.documents.get(&c.id).is_none_or(Vec::is_empty))
            .map(|c| c.id.clone())
            .ok_or_else(|| SandboxError::Data("no empty contract".to_owned()))?;
        let foreign_contract_id = catalog.foreign.id.clone();
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", config.port))
            .await
            .map_err(|source| SandboxError::Bind {
                port: config.port,
                source,
            })?;
        let port = listener
            .local_addr()
            .map_err(|source| SandboxError::Bind {
                port: config.port,
                source,
            })?
            .port();
        let state: Shared = Arc::new(AppState {
            credentials,
            token_ttl: config.token_ttl,
            clock: config.clock.clone(),
            catalog: RwLock::new(catalog),
            tokens: TokenStore::default(),
            counters: Counters::default(),
            faults: FaultPlan::new(
                config.faults.clone(),
                ChaCha8Rng::seed_from_u64(config.seed ^ 0xFA17),
            ),
            disposition: Mutex::new(DispositionStyle::default()),
            expires_in_as_string: AtomicBool::new(false),
            users: Mutex::new(HashMap::new()),
            last_create_bodies: Mutex::new(HashMap::new()),
            id_rng: Mutex::new(ChaCha8Rng::seed_from_u64(config.seed ^ 0x1D5)),
            request_seq: AtomicU64::new(1),
            request_prefix: rand::thread_rng().gen(),
        });
        let app = crate::routes::router(state.clone());
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let serve = axum::serve(listener, app).with_graceful_shutdown(async move {
                let _ = stopped.await;
            });
            if let Err(error) = serve.await {
                tracing::error!("sandbox server failed: {error}");
            }
        });
        tracing::info!("sandbox listening on 127.0.0.1:{port}");
        Ok(SandboxHandle {
            state,
            port,
            empty_contract_id,
            foreign_contract_id,
            stop: Some(stop),
            task: Some(task),
        })
    }
}

fn random_text(len: usize) -> String {
    rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(len)
        .map(char::from)
        .collect()
}

/// Fresh credentials per start, so no test can depend on a constant.
fn random_credentials() -> SandboxCredentials {
    SandboxCredentials {
        client_id: random_text(32),
        client_secret: random_text(16),
        api_key: random_text(64),
    }
}

/// A running sandbox. Dropping it stops the server too.
pub struct SandboxHandle {
    state: Shared,
    port: u16,
    empty_contract_id: String,
    foreign_contract_id: String,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for SandboxHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SandboxHandle")
            .field("port", &self.port)
            .field("credentials", &self.state.credentials)
            .finish_non_exhaustive()
    }
}

impl SandboxHandle {
    /// The resource API base, `http://127.0.0.1:PORT/cloud/b2b/v1`.
    pub fn api_base_url(&self) -> String {
        format!("http://127.0.0.1:{}/cloud/b2b/v1", self.port)
    }

    /// The OAuth base, `http://127.0.0.1:PORT/oauth/v3` (the token is at `{this}/token`).
    pub fn oauth_base_url(&self) -> String {
        format!("http://127.0.0.1:{}/oauth/v3", self.port)
    }

    /// The bound port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The credentials the sandbox accepts.
    pub fn credentials(&self) -> &SandboxCredentials {
        &self.state.credentials
    }

    /// What `GET /contracts` lists, in order; the first one has documents.
    pub fn visible_contract_ids(&self) -> Vec<String> {
        let catalog = self
            .state
            .catalog
            .read()
            .unwrap_or_else(PoisonError::into_inner);
        catalog.visible.iter().map(|c| c.id.clone()).collect()
    }

    /// A visible contract without any document.
    pub fn empty_contract_id(&self) -> String {
        self.empty_contract_id.clone()
    }

    /// A contract that exists but that the API key may not see (403 code 50).
    pub fn foreign_contract_id(&self) -> String {
        self.foreign_contract_id.clone()
    }

    /// A contract's documents as the list would send them, newest first (empty when unknown).
    pub fn documents(&self, contract_id: &str) -> Vec<DocumentInfo> {
        let catalog = self
            .state
            .catalog
            .read()
            .unwrap_or_else(PoisonError::into_inner);
        catalog
            .documents
            .get(contract_id)
            .map(|docs| docs.iter().map(|d| d.info.clone()).collect())
            .unwrap_or_default()
    }

    /// The exact bytes `/file` serves with `zipped=0`, to compare with a download. Generates
    /// the whole file in memory, the big document included.
    pub fn document_bytes(&self, contract_id: &str, document_id: &str) -> Option<Vec<u8>> {
        let (contract, doc) = {
            let catalog = self
                .state
                .catalog
                .read()
                .unwrap_or_else(PoisonError::into_inner);
            let (contract, doc) = catalog.document(contract_id, document_id)?;
            (contract.clone(), doc.clone())
        };
        formats::render(&contract, &doc).ok()
    }

    /// What a contract's consumption reports add up to (spike month, monthly totals, top mover),
    /// computed from the rows served; `None` for a contract without documents.
    pub fn spend_story(&self, contract_id: &str) -> Option<SpendStory> {
        let catalog = self
            .state
            .catalog
            .read()
            .unwrap_or_else(PoisonError::into_inner);
        let doc = catalog.documents.get(contract_id)?.first()?;
        Some(SpendStory::of(&doc.story))
    }

    /// The visible contract whose consumption reports carry two currencies.
    pub fn two_currency_contract(&self) -> Option<String> {
        self.visible_contract_ids()
            .into_iter()
            .find(|id| self.spend_story(id).is_some_and(|s| s.currencies.len() > 1))
    }

    /// Requests that reached `route` since start or the last reset, failed ones included.
    pub fn request_count(&self, route: Route) -> u64 {
        self.state.counters.get(route)
    }

    /// Sets every request counter to zero.
    pub fn reset_counters(&self) {
        self.state.counters.reset();
    }

    /// The next `times` requests to `route` get `fault` (before any authentication check).
    pub fn inject(&self, route: Route, fault: Fault, times: u32) {
        self.state.faults.inject(route, fault, times);
    }

    /// Chooses how `/file` sends `Content-Disposition`.
    pub fn set_disposition_style(&self, style: DispositionStyle) {
        *lock(&self.state.disposition) = style;
    }

    /// Sends `expires_in` as a string (`"3600"`), as older Orange services did.
    pub fn set_expires_in_as_string(&self, yes: bool) {
        self.state.expires_in_as_string.store(yes, Ordering::SeqCst);
    }

    /// The JSON body of the last request to a create route (`CreateUser`, `CreateContract`), as the
    /// sandbox received it; `None` before any, or when it was not JSON.
    pub fn last_create_body(&self, route: Route) -> Option<serde_json::Value> {
        let bodies = lock(&self.state.last_create_bodies);
        serde_json::from_slice(bodies.get(&route)?).ok()
    }

    /// The distinct bearer tokens that requests to this sandbox presented (valid or not), sorted.
    pub fn bearer_tokens_received(&self) -> Vec<String> {
        self.state.tokens.presented()
    }

    /// The access tokens this sandbox issued since it started, sorted.
    pub fn tokens_issued(&self) -> Vec<String> {
        self.state.tokens.issued()
    }

    /// Forgets every issued token: the next resource calls get 401 code 41.
    pub fn revoke_tokens(&self) {
        self.state.tokens.revoke_all();
    }

    /// `KEY=VALUE` lines for a client's environment (no `export`, so callers can add it).
    pub fn env_lines(&self) -> Vec<String> {
        let credentials = &self.state.credentials;
        let first = self
            .visible_contract_ids()
            .into_iter()
            .next()
            .unwrap_or_default();
        vec![
            format!("CCS_HOST={}", self.api_base_url()),
            format!("CCS_OAUTH_HOST={}", self.oauth_base_url()),
            format!("CCS_CLIENT_ID={}", credentials.client_id),
            format!("CCS_CLIENT_SECRET={}", credentials.client_secret),
            format!("CCS_API_KEY={}", credentials.api_key),
            format!("CCS_CONTRACT={first}"),
        ]
    }

    /// Stops accepting connections, lets open ones finish (at most 5 s), then returns.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(mut task) = self.task.take() {
            if tokio::time::timeout(SHUTDOWN_GRACE, &mut task)
                .await
                .is_err()
            {
                task.abort();
            }
        }
    }
}

impl Drop for SandboxHandle {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
