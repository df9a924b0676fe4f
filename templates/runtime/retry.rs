//! [`RetryPolicy`]: when and how often a failed request is sent again, with exponential
//! backoff and jitter or the server's `Retry-After`, within a retry budget shared by all the
//! calls of a client.

use super::{HeaderMap, StatusCode};
use std::time::Duration;

/// When and how often a failed request is sent again.
///
/// Retried: connection errors and the statuses 408, 409, 429 and 5xx, after an exponential
/// backoff with jitter (`initial_backoff · 2ⁿ`, capped at `max_backoff`, then a random
/// value between half and all of it), or after the server's `Retry-After` (seconds or an
/// HTTP date) when it sends one and it is longer than the backoff (`Retry-After: 0` still
/// waits for the backoff). A `Retry-After` longer than `max_retry_after` is not
/// waited for: the response is returned. A response header `x-should-retry: true` or
/// `false` overrides the status: the server says whether this response is worth retrying.
/// By default only idempotent methods (GET, HEAD, OPTIONS, PUT, DELETE, TRACE) are
/// retried; a request whose body cannot be replayed never is.
///
/// Every retry also takes tokens from the client's retry budget (a token bucket shared by
/// all calls of a client and its clones, as in the AWS SDKs' standard retry mode): the
/// bucket holds 500 tokens, a retry takes 5 (10 after a connection error), a retry that
/// succeeds gives its tokens back and a success at the first attempt adds 1. With the
/// bucket empty, failures are returned without retrying, so a failing server does not
/// receive a storm of retries.
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

/// The server's `x-should-retry: true|false`, if it sent one.
pub(super) fn should_retry(headers: &HeaderMap) -> Option<bool> {
    let value = headers.get("x-should-retry")?.to_str().ok()?.trim();
    if value.eq_ignore_ascii_case("true") {
        Some(true)
    } else if value.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// The retry budget of a client: a token bucket that retries draw from (see
/// [`RetryPolicy`]).
#[derive(Debug)]
pub(super) struct RetryBudget {
    tokens: std::sync::atomic::AtomicU32,
}

impl Default for RetryBudget {
    fn default() -> Self {
        RetryBudget {
            tokens: std::sync::atomic::AtomicU32::new(Self::CAPACITY),
        }
    }
}

impl RetryBudget {
    /// Tokens in a full bucket.
    pub(super) const CAPACITY: u32 = 500;
    /// What a retry after an error status takes.
    pub(super) const RETRY_COST: u32 = 5;
    /// What a retry after a connection error takes.
    pub(super) const TIMEOUT_COST: u32 = 10;

    /// Takes `cost` tokens; false (and nothing taken) when fewer are left.
    pub(super) fn acquire(&self, cost: u32) -> bool {
        use std::sync::atomic::Ordering;
        self.tokens
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |left| {
                left.checked_sub(cost)
            })
            .is_ok()
    }

    /// After a success: gives back `spent` (what its retry took), or 1 when it needed no
    /// retry, up to a full bucket.
    pub(super) fn release(&self, spent: u32) {
        use std::sync::atomic::Ordering;
        let refund = spent.max(1);
        let _ = self
            .tokens
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |left| {
                Some(left.saturating_add(refund).min(Self::CAPACITY))
            });
    }
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
