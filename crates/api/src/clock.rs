//! Time, passed in.
//!
//! Why: token expiry and retry back-off depend on time. Taking a [`Clock`] instead of calling the system
//! clock lets tests expire a token or check a `Retry-After` wait without sleeping.

use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

/// A boxed sleep future, so that [`Clock`] stays object-safe.
pub type Sleep<'a> = Pin<Box<dyn Future<Output = ()> + Send + 'a>>;

/// Where the client reads the time and how it waits.
pub trait Clock: Send + Sync + 'static {
    /// The current wall-clock time (token expiries are wall-clock so they can be stored).
    fn now(&self) -> SystemTime;
    /// Waits for `duration` (a retry back-off).
    fn sleep(&self, duration: Duration) -> Sleep<'_>;
}

/// The real clock: system time and tokio's timer.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }

    fn sleep(&self, duration: Duration) -> Sleep<'_> {
        Box::pin(tokio::time::sleep(duration))
    }
}

/// A clock for tests: time moves only when told to, and sleeping moves it (and is recorded).
#[derive(Debug)]
pub struct ManualClock {
    now: Mutex<SystemTime>,
    sleeps: Mutex<Vec<Duration>>,
}

impl ManualClock {
    /// A clock standing at `start`.
    pub fn new(start: SystemTime) -> Self {
        Self {
            now: Mutex::new(start),
            sleeps: Mutex::new(Vec::new()),
        }
    }

    /// Moves the clock forward.
    pub fn advance(&self, by: Duration) {
        let mut now = self
            .now
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        // Checked: a test that sleeps `Duration::MAX` leaves the clock where it is, not panicking.
        *now = now.checked_add(by).unwrap_or(*now);
    }

    /// Every sleep asked for so far, in order.
    pub fn sleeps(&self) -> Vec<Duration> {
        self.sleeps
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }
}

impl Clock for ManualClock {
    fn now(&self) -> SystemTime {
        *self
            .now
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn sleep(&self, duration: Duration) -> Sleep<'_> {
        self.sleeps
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push(duration);
        self.advance(duration);
        Box::pin(tokio::task::yield_now())
    }
}
