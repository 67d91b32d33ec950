//! Progress for a window: the newest of many steps, sent at most every [`PROGRESS_INTERVAL`] and never
//! later than that after a step was reported.
//!
//! Why not a plain throttle: dropping the steps that come too soon after the last one sent leaves the
//! page on an old step until the *next* step happens to arrive, which can be long after (a slow file,
//! a stalled server) — the bar lags behind what is done. Why not every step: a fast run reports after
//! every chunk of every file, and each event is work for the main thread that draws it. So a step
//! that comes too soon is kept, and a timer sends the newest kept step when the interval is over.
//! A step marked `last` goes at once. Steps are sent in order, under one lock, and nothing is sent
//! once the coalescer is dropped (the run's answer must be the last word the page hears).

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant, SystemTime};

/// The least time between two steps sent, and the most a reported step waits.
pub const PROGRESS_INTERVAL: Duration = Duration::from_millis(50);

/// One step as sent: the step, and when the oldest step it stands for was reported (wall clock),
/// so the receiver can tell how late it is shown.
#[derive(Debug, Clone, PartialEq)]
pub struct Sent<T> {
    /// The newest step reported.
    pub step: T,
    /// When the oldest step not yet sent was reported.
    pub reported_at: SystemTime,
}

type Sender<T> = Box<dyn Fn(Sent<T>) + Send + Sync>;

struct Pending<T> {
    step: Option<T>,
    oldest: Option<SystemTime>,
    last_sent: Option<Instant>,
    timer_armed: bool,
    closed: bool,
}

struct Shared<T> {
    pending: Mutex<Pending<T>>,
    send: Sender<T>,
}

impl<T> Shared<T> {
    fn lock(&self) -> MutexGuard<'_, Pending<T>> {
        // A panic in `send` leaves nothing half-updated that matters here.
        self.pending.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Sends what is pending (the timer's end).
    fn flush(&self) {
        let mut pending = self.lock();
        pending.timer_armed = false;
        if pending.closed {
            return;
        }
        if let (Some(step), Some(reported_at)) = (pending.step.take(), pending.oldest.take()) {
            pending.last_sent = Some(Instant::now());
            (self.send)(Sent { step, reported_at });
        }
    }
}

/// Coalesces steps of type `T` for one run; see the module's docs. Needs a Tokio runtime for its
/// timer (the one it is created in).
pub struct Coalescer<T> {
    shared: Arc<Shared<T>>,
    runtime: Option<tokio::runtime::Handle>,
}

impl<T: Send + 'static> Coalescer<T> {
    /// A coalescer that hands each step it sends to `send`.
    pub fn new(send: impl Fn(Sent<T>) + Send + Sync + 'static) -> Self {
        Self {
            shared: Arc::new(Shared {
                pending: Mutex::new(Pending {
                    step: None,
                    oldest: None,
                    last_sent: None,
                    timer_armed: false,
                    closed: false,
                }),
                send: Box::new(send),
            }),
            runtime: tokio::runtime::Handle::try_current().ok(),
        }
    }

    /// Reports a step: sent now when the interval since the last one is over or `last` is set,
    /// else kept and sent (or replaced by a newer step) when it is.
    pub fn report(&self, step: T, last: bool) {
        let now = Instant::now();
        let mut pending = self.shared.lock();
        if pending.closed {
            return;
        }
        let reported_at = *pending.oldest.get_or_insert_with(SystemTime::now);
        let next_due = pending.last_sent.map(|sent| sent + PROGRESS_INTERVAL);
        // Without a runtime there is no timer: every step goes at once.
        let due = last || next_due.is_none_or(|due| now >= due) || self.runtime.is_none();
        if due {
            pending.step = None;
            pending.oldest = None;
            pending.last_sent = Some(now);
            (self.shared.send)(Sent { step, reported_at });
            return;
        }
        pending.step = Some(step);
        if !pending.timer_armed {
            if let (Some(runtime), Some(due)) = (&self.runtime, next_due) {
                pending.timer_armed = true;
                let shared = Arc::clone(&self.shared);
                runtime.spawn(async move {
                    tokio::time::sleep_until(due.into()).await;
                    shared.flush();
                });
            }
        }
    }
}

impl<T> Drop for Coalescer<T> {
    fn drop(&mut self) {
        let mut pending = self.shared.lock();
        pending.closed = true;
        pending.step = None;
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    type Log = Arc<Mutex<Vec<(u32, Instant)>>>;

    fn coalescer() -> (Coalescer<u32>, Log) {
        let log: Log = Arc::default();
        let sink = Arc::clone(&log);
        let coalescer = Coalescer::new(move |sent: Sent<u32>| {
            sink.lock().unwrap().push((sent.step, Instant::now()));
        });
        (coalescer, log)
    }

    fn steps(log: &Log) -> Vec<u32> {
        log.lock().unwrap().iter().map(|(step, _)| *step).collect()
    }

    #[tokio::test]
    async fn the_first_step_goes_at_once_and_a_burst_becomes_its_newest_step() {
        let (progress, log) = coalescer();
        for step in 1..=100 {
            progress.report(step, false);
        }
        assert_eq!(
            steps(&log),
            vec![1],
            "the first step at once, the rest kept"
        );
        tokio::time::sleep(PROGRESS_INTERVAL * 3).await;
        assert_eq!(
            steps(&log),
            vec![1, 100],
            "the newest kept step, once the interval is over"
        );
    }

    #[tokio::test]
    async fn a_kept_step_is_sent_without_waiting_for_a_next_one() {
        let (progress, log) = coalescer();
        progress.report(1, false);
        let reported = Instant::now();
        progress.report(2, false);
        // No further step: a plain throttle would show 1 forever.
        tokio::time::sleep(PROGRESS_INTERVAL * 4).await;
        let log = log.lock().unwrap().clone();
        assert_eq!(log.iter().map(|(s, _)| *s).collect::<Vec<_>>(), vec![1, 2]);
        let late = log[1].1.duration_since(reported);
        assert!(
            late <= PROGRESS_INTERVAL * 2,
            "sent {late:?} after it was reported"
        );
    }

    #[tokio::test]
    async fn the_last_step_goes_at_once_and_nothing_follows_it() {
        let (progress, log) = coalescer();
        progress.report(1, false);
        progress.report(2, false);
        progress.report(3, true);
        tokio::time::sleep(PROGRESS_INTERVAL * 3).await;
        assert_eq!(
            steps(&log),
            vec![1, 3],
            "the kept 2 is replaced, never sent after 3"
        );
    }

    #[tokio::test]
    async fn nothing_is_sent_after_the_coalescer_is_dropped() {
        let (progress, log) = coalescer();
        progress.report(1, false);
        progress.report(2, false);
        drop(progress);
        tokio::time::sleep(PROGRESS_INTERVAL * 3).await;
        assert_eq!(steps(&log), vec![1]);
    }

    #[tokio::test]
    async fn the_report_time_is_the_oldest_step_waiting() {
        let sent: Arc<Mutex<Vec<Sent<u32>>>> = Arc::default();
        let sink = Arc::clone(&sent);
        let progress = Coalescer::new(move |s| sink.lock().unwrap().push(s));
        progress.report(1, false);
        let before_second = SystemTime::now();
        progress.report(2, false);
        tokio::time::sleep(PROGRESS_INTERVAL / 2).await;
        progress.report(3, false);
        tokio::time::sleep(PROGRESS_INTERVAL * 3).await;
        let sent = sent.lock().unwrap();
        assert_eq!(sent.len(), 2);
        assert_eq!(sent[1].step, 3);
        assert!(sent[1].reported_at >= before_second);
        assert!(
            sent[1].reported_at < before_second + PROGRESS_INTERVAL / 2,
            "2's time, not 3's"
        );
    }

    #[test]
    fn without_a_runtime_every_step_goes_at_once() {
        let (progress, log) = coalescer();
        progress.report(1, false);
        progress.report(2, false);
        assert_eq!(steps(&log), vec![1, 2]);
    }
}
