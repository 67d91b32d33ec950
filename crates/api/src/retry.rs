//! When and how long to wait before trying a request again.
//!
//! Why: Orange's gateway answers 429 and 5xx under load, and VPNs drop connections. Safe requests (GETs)
//! are retried with exponential back-off and jitter, honouring `Retry-After`, within a bounded number of
//! attempts *and* a bounded total wait, so a user never waits forever behind a spinner.

use std::time::{Duration, SystemTime};

/// Bounds and pace of retries.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1 = never retry).
    pub max_attempts: u32,
    /// The most time spent waiting between attempts, summed; a `Retry-After` beyond it is not waited.
    pub max_total_wait: Duration,
    /// The first back-off; it doubles on each attempt.
    pub base_delay: Duration,
    /// The longest single back-off (before jitter).
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 4,
            max_total_wait: Duration::from_secs(30),
            base_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(8),
        }
    }
}

impl RetryPolicy {
    /// No retries at all.
    pub fn never() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// The wait before attempt `attempt + 1` (attempt counts from 1), or `None` when the budget is
    /// spent. `Retry-After` wins over the computed back-off; the back-off uses "equal jitter" (half
    /// fixed, half random) so that many clients do not retry in lock-step.
    pub fn next_delay(
        &self,
        attempt: u32,
        waited_so_far: Duration,
        retry_after: Option<Duration>,
    ) -> Option<Duration> {
        if attempt >= self.max_attempts {
            return None;
        }
        let delay = match retry_after {
            Some(asked) => asked,
            None => {
                let exponent = attempt.saturating_sub(1).min(16);
                let backoff = self
                    .base_delay
                    .saturating_mul(1 << exponent)
                    .min(self.max_delay);
                let half = backoff / 2;
                let jitter = Duration::try_from_secs_f64(half.as_secs_f64() * fastrand::f64())
                    .unwrap_or(half);
                half.saturating_add(jitter.min(half))
            }
        };
        // Checked: a `Retry-After: 18446744073709551615` must give "not waited", not an overflow.
        waited_so_far
            .checked_add(delay)
            .is_some_and(|total| total <= self.max_total_wait)
            .then_some(delay)
    }
}

/// Reads a `Retry-After` value: delay-seconds or an HTTP-date (RFC 9110 §10.2.3). A date in the past
/// means "now". Anything else is ignored (`None`), never an error: the header is advice. Seconds
/// beyond `u64` are read as the longest wait (`u64::MAX` s), which no retry budget accepts.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        return Some(Duration::from_secs(
            value.parse::<u64>().unwrap_or(u64::MAX),
        ));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn retry_after_wins_and_budget_is_bounded() {
        let policy = RetryPolicy::default();
        assert_eq!(
            policy.next_delay(1, Duration::ZERO, Some(Duration::from_secs(3))),
            Some(Duration::from_secs(3))
        );
        assert_eq!(
            policy.next_delay(1, Duration::ZERO, Some(Duration::from_secs(31))),
            None
        );
        assert_eq!(policy.next_delay(4, Duration::ZERO, None), None);
        assert_eq!(
            RetryPolicy::never().next_delay(1, Duration::ZERO, None),
            None
        );
    }

    #[test]
    fn backoff_grows_with_jitter_within_bounds() {
        let policy = RetryPolicy::default();
        for attempt in 1..=3 {
            let full = policy.base_delay * (1 << (attempt - 1));
            let delay = policy.next_delay(attempt, Duration::ZERO, None).unwrap();
            assert!(delay >= full / 2 && delay <= full, "{attempt}: {delay:?}");
        }
    }

    #[test]
    fn reads_both_retry_after_forms() {
        let now = httpdate::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT").unwrap();
        assert_eq!(
            parse_retry_after("120", now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:50:37 GMT", now),
            Some(Duration::from_secs(60))
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(
            parse_retry_after("18446744073709551615", now),
            Some(Duration::from_secs(u64::MAX))
        );
        assert_eq!(
            parse_retry_after("99999999999999999999999999", now),
            Some(Duration::from_secs(u64::MAX))
        );
        let policy = RetryPolicy::default();
        for waited in [Duration::ZERO, Duration::from_secs(1)] {
            assert_eq!(
                policy.next_delay(1, waited, Some(Duration::from_secs(u64::MAX))),
                None
            );
        }
        assert_eq!(parse_retry_after("-5", now), None);
    }

    proptest! {
        #[test]
        fn retry_after_seconds_round_trip(seconds in 0u64..10_000_000) {
            prop_assert_eq!(parse_retry_after(&seconds.to_string(), SystemTime::UNIX_EPOCH), Some(Duration::from_secs(seconds)));
        }

        #[test]
        fn retry_after_dates_round_trip(offset in 0u64..100_000) {
            let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
            let header = httpdate::fmt_http_date(now + Duration::from_secs(offset));
            prop_assert_eq!(parse_retry_after(&header, now), Some(Duration::from_secs(offset)));
        }

        #[test]
        fn retry_after_never_panics(value in "\\PC{0,40}") {
            let _ = parse_retry_after(&value, SystemTime::UNIX_EPOCH);
        }

        #[test]
        fn any_retry_after_and_budget_give_a_bounded_wait_without_panic(
            digits in "[0-9]{1,40}",
            now in any::<u64>(),
            waited in any::<u64>(),
            attempt in any::<u32>(),
            base in any::<u64>(),
            max in any::<u64>(),
        ) {
            let now = SystemTime::UNIX_EPOCH.checked_add(Duration::from_secs(now >> 30)).unwrap_or(SystemTime::UNIX_EPOCH);
            let asked = parse_retry_after(&digits, now);
            prop_assert!(asked.is_some());
            let policy = RetryPolicy {
                max_attempts: u32::MAX,
                max_total_wait: Duration::from_secs(30),
                base_delay: Duration::from_nanos(base),
                max_delay: Duration::from_secs(max),
            };
            let waited = Duration::from_secs(waited);
            for retry_after in [asked, None, Some(Duration::MAX)] {
                if let Some(delay) = policy.next_delay(attempt, waited, retry_after) {
                    prop_assert!(delay <= policy.max_total_wait);
                }
            }
            let unbounded = RetryPolicy { max_total_wait: Duration::MAX, max_delay: Duration::MAX, ..policy };
            let _ = unbounded.next_delay(attempt, Duration::ZERO, None);
        }
    }
}
