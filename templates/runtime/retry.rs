//! [`RetryPolicy`]: when and how often a failed request is sent again, with exponential
//! backoff and jitter or the server's `Retry-After`.

use super::{HeaderMap, StatusCode};
use std::time::Duration;

/// When and how often a failed request is sent again.
///
/// Retried: connection errors and the statuses 408, 409, 429 and 5xx, after an exponential
/// backoff with jitter (`initial_backoff · 2ⁿ`, capped at `max_backoff`, then a random
/// value between half and all of it), or after the server's `Retry-After` (seconds or an
/// HTTP date) when it sends one. A `Retry-After` longer than `max_retry_after` is not
/// waited for: the response is returned. By default only idempotent methods (GET, HEAD,
/// OPTIONS, PUT, DELETE, TRACE) are retried; a request whose body cannot be replayed never is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (0 turns retrying off).
    pub max_retries: u32,
    /// The first backoff.
    pub initial_backoff: Duration,
    /// The longest backoff.
    pub max_backoff: Duration,
    /// The longest `Retry-After` honoured.
    pub max_retry_after: Duration,
    /// Retry POST and PATCH too (only safe when the API deduplicates, e.g. idempotency keys).
    pub non_idempotent: bool,
}

impl Default for RetryPolicy {
    /// 2 retries, 200 ms first backoff, 10 s at most, `Retry-After` up to 60 s, idempotent
    /// methods only.
    fn default() -> Self {
        RetryPolicy {
            max_retries: 2,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(10),
            max_retry_after: Duration::from_secs(60),
            non_idempotent: false,
        }
    }
}

impl RetryPolicy {
    /// Never retry.
    pub fn never() -> Self {
        RetryPolicy {
            max_retries: 0,
            ..RetryPolicy::default()
        }
    }

    /// Sets [`RetryPolicy::max_retries`].
    pub fn with_max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = max_retries;
        self
    }

    /// Sets the first and the longest backoff.
    pub fn with_backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max;
        self
    }

    /// Retries every method, not only idempotent ones.
    pub fn with_non_idempotent(mut self, yes: bool) -> Self {
        self.non_idempotent = yes;
        self
    }

    /// The backoff before retry number `retry` (1-based), without `Retry-After`.
    pub(super) fn backoff(&self, retry: u32) -> Duration {
        let factor = 1u32
            .checked_shl(retry.saturating_sub(1))
            .unwrap_or(u32::MAX);
        let full = self
            .initial_backoff
            .checked_mul(factor)
            .unwrap_or(self.max_backoff)
            .min(self.max_backoff);
        let unit = (random_u64() >> 11) as f64 / (1u64 << 53) as f64;
        full.mul_f64(0.5 + unit / 2.0)
    }
}

/// The status codes worth retrying.
pub(super) fn retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 408 | 409 | 429 | 500..=599)
}

/// `Retry-After`: delay seconds or an HTTP date.
pub(super) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let text = headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(seconds) = text.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = chrono::DateTime::parse_from_rfc2822(text).ok()?;
    let at = u64::try_from(at.timestamp()).unwrap_or(0);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs();
    Some(Duration::from_secs(at.saturating_sub(now)))
}

/// A random number for backoff jitter and multipart boundaries (std only: the hasher keys
/// of `RandomState` are random per instance).
pub(super) fn random_u64() -> u64 {
    use std::hash::BuildHasher;
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    std::collections::hash_map::RandomState::new().hash_one(COUNTER.fetch_add(1, Ordering::Relaxed))
}
