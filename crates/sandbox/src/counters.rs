//! Per-route request counters, so tests can assert that a client cached its token or retried.

use std::sync::atomic::{AtomicU64, Ordering};

/// The routes the sandbox serves, as tests name them for counters and fault injection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Route {
    /// `POST /oauth/v3/token`.
    Token,
    /// `GET /cloud/b2b/v1/contracts`.
    Contracts,
    /// `GET /cloud/b2b/v1/contract`.
    Contract,
    /// `GET /cloud/b2b/v1/documents`.
    Documents,
    /// `GET /cloud/b2b/v1/documents/{id}/file`.
    DocumentFile,
    /// `POST /cloud/b2b/v1/contracts/{contractId}/user`.
    CreateUser,
    /// `POST /cloud/b2b/v1/contracts`.
    CreateContract,
}

impl Route {
    /// Every route, in a fixed order (the index of each counter).
    pub(crate) const ALL: [Route; 7] = [
        Route::Token,
        Route::Contracts,
        Route::Contract,
        Route::Documents,
        Route::DocumentFile,
        Route::CreateUser,
        Route::CreateContract,
    ];

    /// Position in [`Route::ALL`].
    pub(crate) fn index(self) -> usize {
        match self {
            Route::Token => 0,
            Route::Contracts => 1,
            Route::Contract => 2,
            Route::Documents => 3,
            Route::DocumentFile => 4,
            Route::CreateUser => 5,
            Route::CreateContract => 6,
        }
    }
}

/// Counts every request that reached a route, failed ones included.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    counts: [AtomicU64; 7],
}

impl Counters {
    /// Records one request to `route`.
    pub(crate) fn hit(&self, route: Route) {
        self.counts[route.index()].fetch_add(1, Ordering::SeqCst);
    }

    /// Requests to `route` since start or the last reset.
    pub(crate) fn get(&self, route: Route) -> u64 {
        self.counts[route.index()].load(Ordering::SeqCst)
    }

    /// Sets every counter back to zero.
    pub(crate) fn reset(&self) {
        for route in Route::ALL {
            self.counts[route.index()].store(0, Ordering::SeqCst);
        }
    }
}
