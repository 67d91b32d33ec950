//! The sandbox's notion of "now", passed in so tests can expire tokens without sleeping.

use std::sync::Mutex;
use std::time::{Duration, SystemTime};

/// A source of the current time. The sandbox asks it for token expiry, the token rate limit and
/// the dates of the generated documents, so a test can move time instead of waiting.
pub trait Clock: Send + Sync + 'static {
    /// The current time as the sandbox should see it.
    fn now(&self) -> SystemTime;
}

/// The real wall clock: what the binary uses, and the default.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }
}

/// A clock that only moves when told to, so tests can cross a token's expiry instantly.
#[derive(Debug)]
pub struct ManualClock {
    now: Mutex<SystemTime>,
}

impl ManualClock {
    /// A clock frozen at `start` until [`ManualClock::advance`] or [`ManualClock::set`] moves it.
    pub fn new(start: SystemTime) -> Self {
        Self {
            now: Mutex::new(start),
        }
    }

    /// Moves the clock forward, e.g. past a token's lifetime.
    pub fn advance(&self, by: Duration) {
        let mut now = crate::sync::lock(&self.now);
        *now += by;
    }

    /// Puts the clock at an exact instant.
    pub fn set(&self, to: SystemTime) {
        *crate::sync::lock(&self.now) = to;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> SystemTime {
        *crate::sync::lock(&self.now)
    }
}
