//! Everything a request handler may read or change, shared between the server and the handle.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use rand_chacha::ChaCha8Rng;

use crate::auth::TokenStore;
use crate::clock::Clock;
use crate::config::SandboxCredentials;
use crate::counters::{Counters, Route};
use crate::data::Catalog;
use crate::faults::{DispositionStyle, FaultPlan};

/// A user created through `POST /contracts/{id}/user`.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct User {
    pub(crate) id: String,
    pub(crate) login: String,
    pub(crate) email: String,
    pub(crate) civility: String,
    pub(crate) last_name: String,
    pub(crate) first_name: String,
    pub(crate) contract_id: String,
}

/// The sandbox's whole mutable world.
pub(crate) struct AppState {
    pub(crate) credentials: SandboxCredentials,
    pub(crate) token_ttl: Duration,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) catalog: RwLock<Catalog>,
    pub(crate) tokens: TokenStore,
    pub(crate) counters: Counters,
    pub(crate) faults: FaultPlan,
    pub(crate) disposition: Mutex<DispositionStyle>,
    pub(crate) expires_in_as_string: AtomicBool,
    /// Users by lower-cased e-mail: an e-mail has one login across the customer space.
    pub(crate) users: Mutex<HashMap<String, User>>,
    /// The body of the last create request of each kind, as received (tests assert what was sent).
    pub(crate) last_create_bodies: Mutex<HashMap<Route, Vec<u8>>>,
    /// Ids of created contracts and users.
    pub(crate) id_rng: Mutex<ChaCha8Rng>,
    /// Source of `X-OAPI-Request-Id`.
    pub(crate) request_seq: AtomicU64,
    pub(crate) request_prefix: u32,
}

/// The state as handlers receive it.
pub(crate) type Shared = Arc<AppState>;
