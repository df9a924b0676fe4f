//! Verification of signed webhook deliveries, per the [Standard Webhooks specification]:
//! the sender signs `{webhook-id}.{webhook-timestamp}.{body}` with HMAC-SHA256 and a shared
//! secret (`whsec_` followed by the base64 key), and sends the id, the timestamp (Unix
//! seconds) and one or more space-separated signatures (`v1,<base64>`) in the
//! `webhook-id`, `webhook-timestamp` and `webhook-signature` headers.
//!
//! [`WebhookVerifier::verify`] accepts a delivery when one of the first
//! [`MAX_SIGNATURES`] signatures is a matching `v1` signature (the expected one is
//! computed once and compared in constant time) and the timestamp is within the tolerance
//! (5 minutes by default) of the current time.
//!
//! The tolerance only bounds how old a delivery may be: within it, the same signed
//! delivery can be sent again (by an attacker who saw it, or by the sender retrying).
//! Deduplicate on the `webhook-id` header: record the ids processed (for at least the
//! tolerance) and ignore a delivery whose id was already seen.
//!
//! [Standard Webhooks specification]: https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md

use base64::Engine as _;
use hmac::{KeyInit as _, Mac as _};
use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The header carrying the delivery's unique id.
pub const WEBHOOK_ID: &str = "webhook-id";
/// The header carrying the time of the delivery attempt, in Unix seconds.
pub const WEBHOOK_TIMESTAMP: &str = "webhook-timestamp";
/// The header carrying the space-separated signatures (`v1,<base64>`).
pub const WEBHOOK_SIGNATURE: &str = "webhook-signature";
/// How many signatures of the `webhook-signature` header are considered (senders send one,
/// or a few while rotating secrets); the rest are ignored.
pub const MAX_SIGNATURES: usize = 8;

type HmacSha256 = hmac::Hmac<sha2::Sha256>;

/// Why a webhook delivery was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum WebhookError {
    /// The secret is empty or not base64 (after an optional `whsec_` prefix).
    InvalidSecret,
    /// A required header (`webhook-id`, `webhook-timestamp` or `webhook-signature`) is
    /// missing.
    MissingHeader(&'static str),
    /// A header is not text, or the timestamp is not an integer.
    InvalidHeader(&'static str),
    /// The timestamp is older than the tolerance allows (a replay, or a very late retry).
    TimestampTooOld,
    /// The timestamp is further in the future than the tolerance allows.
    TimestampInFuture,
    /// No `v1` signature matches the body.
    InvalidSignature,
    /// The body passed verification but does not match any documented event.
    Decode(String),
}

impl fmt::Display for WebhookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WebhookError::InvalidSecret => f.write_str("the webhook secret is not valid base64"),
            WebhookError::MissingHeader(h) => write!(f, "missing header `{h}`"),
            WebhookError::InvalidHeader(h) => write!(f, "invalid header `{h}`"),
            WebhookError::TimestampTooOld => f.write_str("the webhook timestamp is too old"),
            WebhookError::TimestampInFuture => {
                f.write_str("the webhook timestamp is too far in the future")
            }
            WebhookError::InvalidSignature => f.write_str("no webhook signature matches"),
            WebhookError::Decode(message) => {
                write!(f, "the webhook body did not decode: {message}")
            }
        }
    }
}

impl std::error::Error for WebhookError {}

/// Checks the signature and timestamp of webhook deliveries with one shared secret.
///
/// ```ignore
/// let verifier = WebhookVerifier::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?;
/// verifier.verify(&headers, &body)?; // then parse the body
/// ```
#[derive(Clone)]
pub struct WebhookVerifier {
    key: Vec<u8>,
    tolerance: Duration,
}

impl fmt::Debug for WebhookVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookVerifier")
            .field("key", &"[redacted]")
            .field("tolerance", &self.tolerance)
            .finish()
    }
}

impl WebhookVerifier {
    /// A verifier for `secret`: the base64 key, with or without its `whsec_` prefix.
    ///
    /// # Errors
    /// [`WebhookError::InvalidSecret`] when the key is empty or not base64.
    pub fn new(secret: &str) -> Result<Self, WebhookError> {
        let encoded = secret.strip_prefix("whsec_").unwrap_or(secret);
        let key = base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .map_err(|_| WebhookError::InvalidSecret)?;
        Self::from_bytes(key)
    }

    /// A verifier for a raw key.
    ///
    /// # Errors
    /// [`WebhookError::InvalidSecret`] when the key is empty.
    pub fn from_bytes(key: impl Into<Vec<u8>>) -> Result<Self, WebhookError> {
        let key = key.into();
        if key.is_empty() {
            return Err(WebhookError::InvalidSecret);
        }
        Ok(WebhookVerifier {
            key,
            tolerance: Duration::from_secs(5 * 60),
        })
    }

    /// How far the timestamp may lie from the current time, either way (default 5 minutes).
    pub fn with_tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// Verifies a delivery against the current time.
    ///
    /// A verified delivery may still be a replay within the tolerance: deduplicate on its
    /// `webhook-id` (see the [module documentation](self)).
    ///
    /// # Errors
    /// A [`WebhookError`] saying which check failed.
    pub fn verify(
        &self,
        headers: &reqwest::header::HeaderMap,
        body: &[u8],
    ) -> Result<(), WebhookError> {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        self.verify_at(headers, body, now)
    }

    /// Verifies a delivery as if the current time were `now` (Unix seconds).
    ///
    /// # Errors
    /// A [`WebhookError`] saying which check failed.
    pub fn verify_at(
        &self,
        headers: &reqwest::header::HeaderMap,
        body: &[u8],
        now: i64,
    ) -> Result<(), WebhookError> {
        let header = |name: &'static str| -> Result<&str, WebhookError> {
            headers
                .get(name)
                .ok_or(WebhookError::MissingHeader(name))?
                .to_str()
                .map_err(|_| WebhookError::InvalidHeader(name))
        };
        let id = header(WEBHOOK_ID)?;
        let timestamp: i64 = header(WEBHOOK_TIMESTAMP)?
            .trim()
            .parse()
            .map_err(|_| WebhookError::InvalidHeader(WEBHOOK_TIMESTAMP))?;
        let signatures = header(WEBHOOK_SIGNATURE)?;
        let tolerance = i64::try_from(self.tolerance.as_secs()).unwrap_or(i64::MAX);
        if now.saturating_sub(timestamp) > tolerance {
            return Err(WebhookError::TimestampTooOld);
        }
        if timestamp.saturating_sub(now) > tolerance {
            return Err(WebhookError::TimestampInFuture);
        }
        let expected = self.mac(id, timestamp, body).finalize().into_bytes();
        let mut matches = false;
        for candidate in signatures
            .split(' ')
            .filter(|s| !s.is_empty())
            .take(MAX_SIGNATURES)
        {
            let Some(("v1", encoded)) = candidate.split_once(',') else {
                continue;
            };
            // A base64 HMAC-SHA256 is 44 characters; anything much longer cannot match.
            if encoded.len() > 128 {
                continue;
            }
            if let Ok(sig) = base64::engine::general_purpose::STANDARD.decode(encoded) {
                // Every candidate is compared, without stopping early.
                matches |= constant_time_eq(&expected, &sig);
            }
        }
        if matches {
            Ok(())
        } else {
            Err(WebhookError::InvalidSignature)
        }
    }

    /// The `v1,<base64>` signature of a delivery, as a sender computes it (for tests and
    /// for forwarding deliveries).
    pub fn sign(&self, id: &str, timestamp: i64, body: &[u8]) -> String {
        let tag = self.mac(id, timestamp, body).finalize().into_bytes();
        format!(
            "v1,{}",
            base64::engine::general_purpose::STANDARD.encode(tag)
        )
    }

    fn mac(&self, id: &str, timestamp: i64, body: &[u8]) -> HmacSha256 {
        // HMAC takes keys of any length, so this cannot fail.
        let mut mac = HmacSha256::new_from_slice(&self.key).expect("HMAC accepts any key length");
        mac.update(id.as_bytes());
        mac.update(b".");
        mac.update(timestamp.to_string().as_bytes());
        mac.update(b".");
        mac.update(body);
        mac
    }
}

/// Whether `a` and `b` are equal, in a time that depends only on their lengths.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let difference = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    std::hint::black_box(difference) == 0
}
