//! What the app keeps between commands: where profiles and secrets live, the active connection, the
//! demo sandbox, each contract's documents list (its only copy), the running bulk download and recent
//! errors.
//!
//! Why in one place: commands stay small functions of (state, arguments); nothing global.

use crate::error::{AppError, AppResult};
use ccs_api::Client;
use ccs_core::app_settings::AppSettingsStore;
use ccs_core::catalog::Catalog;
use ccs_core::profiles::ProfileStore;
use ccs_core::secrets::Keychain;
use ccs_core::ErrorCode;
use ccs_sandbox::SandboxHandle;
use std::collections::{HashMap, HashSet, VecDeque};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use tokio_util::sync::CancellationToken;

/// How many recent errors the diagnostics report keeps.
const RECENT_ERRORS: usize = 20;

/// The profile this window works with, and its ready client.
pub struct Active {
    /// Profile name.
    pub profile: String,
    /// API host.
    pub host: String,
    /// The built-in sandbox.
    pub sandbox: bool,
    /// The client (shared by concurrent commands; one token).
    pub client: Arc<Client>,
}

/// One error remembered for "Copy diagnostics".
#[derive(Debug, Clone)]
pub struct RecentError {
    /// When, in seconds since the Unix epoch.
    pub at: u64,
    /// Machine code.
    pub code: ErrorCode,
    /// Orange's request id.
    pub request_id: Option<String>,
}

/// The app's state, managed by Tauri.
pub struct AppState {
    /// Profiles file (same as `ccs`).
    pub store: ProfileStore,
    /// OS keychain (same entries as `ccs`).
    pub keychain: Keychain,
    /// The app's own settings (the proxy; its password in the keychain).
    pub app_settings: AppSettingsStore,
    active: Mutex<Option<Arc<Active>>>,
    sandbox: tokio::sync::Mutex<Option<SandboxHandle>>,
    catalogs: Mutex<HashMap<String, Catalog>>,
    bulk: Mutex<Option<CancellationToken>>,
    save: Mutex<Option<(u64, CancellationToken)>>,
    saved: Mutex<HashSet<PathBuf>>,
    errors: Mutex<VecDeque<RecentError>>,
    /// Launched with `--demo`: the start opens on the built-in sandbox.
    demo_launch: bool,
    /// How the built-in sandbox behaves.
    demo_options: DemoOptions,
    /// Transfers at once in a bulk save (`--jobs=N`).
    bulk_jobs: usize,
}

/// Knobs of the built-in sandbox given on the command line.
#[derive(Debug, Clone, Copy, Default)]
pub struct DemoOptions {
    /// Files are sent at this rate (`--demo-slow-body=N`).
    pub slow_body_bytes_per_sec: Option<u64>,
    /// The first this many downloads stop half-way (`--demo-cut-downloads=N`).
    pub cut_downloads: u32,
    /// The first this many contract details are a gateway's HTML 502 page
    /// (`--demo-gateway-pages=N`).
    pub gateway_pages: u32,
    /// Documents per contract (`--demo-documents=N`; the natural set when unset).
    pub documents: Option<u32>,
    /// Each document's size in bytes (`--demo-document-size=N`).
    pub document_size: Option<u64>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl AppState {
    /// The state over the profiles store of `ccs` (honouring `CCS_CONFIG_DIR`).
    pub fn new(demo_launch: bool, demo_options: DemoOptions, bulk_jobs: usize) -> AppResult<Self> {
        let store = ProfileStore::open_default()?;
        let keychain = Keychain::os();
        let app_settings = AppSettingsStore::new(store.dir(), keychain.clone());
        Ok(Self {
            store,
            keychain,
            app_settings,
            active: Mutex::new(None),
            sandbox: tokio::sync::Mutex::new(None),
            catalogs: Mutex::new(HashMap::new()),
            bulk: Mutex::new(None),
            save: Mutex::new(None),
            saved: Mutex::new(HashSet::new()),
            errors: Mutex::new(VecDeque::new()),
            demo_launch,
            demo_options,
            bulk_jobs,
        })
    }

    /// The active connection, or an error telling the UI to connect first.
    pub fn active(&self) -> AppResult<Arc<Active>> {
        lock(&self.active).clone().ok_or_else(|| {
            AppError::new(
                ErrorCode::NotConnected,
                "Choose a profile or start the demo first.",
            )
        })
    }

    /// Whether the app was launched with `--demo` (the start opens on the built-in sandbox).
    pub fn demo_launch(&self) -> bool {
        self.demo_launch
    }

    /// Transfers at once in a bulk save or archive.
    pub fn bulk_jobs(&self) -> usize {
        self.bulk_jobs
    }

    /// The built-in sandbox's knobs.
    pub fn demo_options(&self) -> DemoOptions {
        self.demo_options
    }

    /// The active connection, if any.
    pub fn active_opt(&self) -> Option<Arc<Active>> {
        lock(&self.active).clone()
    }

    /// Makes a connection active (a new profile, or the same one rebuilt after a settings change).
    pub fn set_active(&self, active: Active) -> Arc<Active> {
        let active = Arc::new(active);
        *lock(&self.active) = Some(active.clone());
        lock(&self.catalogs).clear();
        active
    }

    /// Forgets the active connection (its profile was removed).
    pub fn clear_active_if(&self, profile: &str) {
        let mut active = lock(&self.active);
        if active.as_ref().is_some_and(|a| a.profile == profile) {
            *active = None;
        }
    }

    /// The sandbox slot (async: starting it awaits).
    pub fn sandbox(&self) -> &tokio::sync::Mutex<Option<SandboxHandle>> {
        &self.sandbox
    }

    /// Keeps a contract's freshly listed documents (their only copy: the page asks for the rows it
    /// shows); with `keep_selection` ("load more"), the documents selected in the previous list and
    /// still listed stay selected.
    pub fn store_catalog(&self, contract: &str, mut catalog: Catalog, keep_selection: bool) {
        let mut catalogs = lock(&self.catalogs);
        let previous = catalogs.remove(contract);
        if let (Some(previous), true) = (&previous, keep_selection) {
            catalog.keep_selection_of(previous);
        }
        catalogs.insert(contract.to_owned(), catalog);
        drop(catalogs);
        // The replaced list (up to 100,000 documents) is freed after the lock, not under it.
        drop(previous);
    }

    /// Runs `f` on a contract's documents, or says to list them first.
    pub fn with_catalog<T>(
        &self,
        contract: &str,
        f: impl FnOnce(&mut Catalog) -> T,
    ) -> AppResult<T> {
        let mut catalogs = lock(&self.catalogs);
        let catalog = catalogs.get_mut(contract).ok_or_else(|| {
            AppError::new(
                ErrorCode::NotListed,
                "This contract's documents are not listed yet: open its documents again.",
            )
        })?;
        Ok(f(catalog))
    }

    /// Starts tracking a bulk download; refuses a second one at the same time.
    pub fn begin_bulk(&self) -> AppResult<CancellationToken> {
        let mut slot = lock(&self.bulk);
        if slot.is_some() {
            return Err(AppError::new(
                ErrorCode::Busy,
                "A download to a folder is already running; wait for it or cancel it.",
            ));
        }
        let token = CancellationToken::new();
        *slot = Some(token.clone());
        Ok(token)
    }

    /// The bulk download is over.
    pub fn end_bulk(&self) {
        *lock(&self.bulk) = None;
    }

    /// Cancels the running bulk download, if any.
    pub fn cancel_bulk(&self) {
        if let Some(token) = lock(&self.bulk).as_ref() {
            token.cancel();
        }
    }

    /// Starts tracking a single save (a newer one replaces the one tracked: the page shows one);
    /// its number, for [`AppState::end_save`], and its cancellation token.
    pub fn begin_save(&self) -> (u64, CancellationToken) {
        let token = CancellationToken::new();
        let mut slot = lock(&self.save);
        let number = slot.as_ref().map_or(1, |(n, _)| n.wrapping_add(1));
        *slot = Some((number, token.clone()));
        (number, token)
    }

    /// Save `number` is over: it stops being tracked, unless a newer one replaced it meanwhile
    /// (whose Cancel must keep working).
    pub fn end_save(&self, number: u64) {
        let mut slot = lock(&self.save);
        if slot.as_ref().is_some_and(|(tracked, _)| *tracked == number) {
            *slot = None;
        }
    }

    /// Cancels the running single save, if any.
    pub fn cancel_save(&self) {
        if let Some((_, token)) = lock(&self.save).as_ref() {
            token.cancel();
        }
    }

    /// Remembers a path this app saved (only those may be opened or revealed).
    pub fn remember_saved(&self, path: PathBuf) {
        lock(&self.saved).insert(path);
    }

    /// Whether this app saved that path.
    pub fn was_saved(&self, path: &PathBuf) -> bool {
        lock(&self.saved).contains(path)
    }

    /// Records an error for the diagnostics report.
    pub fn record_error(&self, error: &AppError) {
        let at = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        let mut errors = lock(&self.errors);
        errors.push_back(RecentError {
            at,
            code: error.code,
            request_id: error.request_id.clone(),
        });
        while errors.len() > RECENT_ERRORS {
            errors.pop_front();
        }
    }

    /// The recent errors, oldest first.
    pub fn recent_errors(&self) -> Vec<RecentError> {
        lock(&self.errors).iter().cloned().collect()
    }
}
