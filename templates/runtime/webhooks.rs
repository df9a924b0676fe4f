//! Verification of signed webhook deliveries, one verifier per signature scheme: a generated
//! `webhooks` module's `Event::verify` takes the one its spec declares.
//!
//! | verifier | scheme | headers |
//! |---|---|---|
//! | [`WebhookVerifier`] | [Standard Webhooks specification] | `webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64>` |
//! | [`StripeVerifier`] | [Stripe's] timestamped HMAC-SHA256 over `{t}.{body}` | `Stripe-Signature: t=<unix seconds>,v1=<hex>` |
//! | [`GitHubVerifier`] | [GitHub's] HMAC-SHA256 over the body | `X-Hub-Signature-256: sha256=<hex>` |
//! | [`SharedSecretVerifier`] | a header whose value is a secret shared with the sender (AssemblyAI's) | the one chosen |
//!
//! Every comparison takes a time that depends only on the lengths compared (for a shared
//! secret, not even on that), and at most [`MAX_SIGNATURES`] signatures of a delivery are
//! considered.
//!
//! ## Standard Webhooks
//!
//! The sender signs `{webhook-id}.{webhook-timestamp}.{body}` with HMAC-SHA256 and a shared
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
//! The timestamped schemes ([`WebhookVerifier`], [`StripeVerifier`]) bound how old a
//! delivery may be; the others do not, so a captured delivery verifies again whenever it
//! is replayed. With every scheme, deduplicate on the delivery's id (a header such as
//! `webhook-id`, or the event id in the body).
//!
//! [Standard Webhooks specification]: https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md
//! [Stripe's]: https://docs.stripe.com/webhooks#verify-manually
//! [GitHub's]: https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries

use base64::Engine as _;
use hmac::{KeyInit as _, Mac as _};
use sha2::Digest as _;
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
/// The header carrying Stripe's timestamp and signatures (`t=…,v1=…`).
pub const STRIPE_SIGNATURE: &str = "stripe-signature";
/// The header carrying GitHub's signature (`sha256=<hex>`).
pub const HUB_SIGNATURE_256: &str = "x-hub-signature-256";

type HmacSha256 = hmac::Hmac<sha2::Sha256>;

/// Why a webhook delivery was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum WebhookError {
    /// The secret is empty, or (for Standard Webhooks) not base64 after an optional
    /// `whsec_` prefix.
    InvalidSecret,
    /// A required header (named) is missing.
    MissingHeader(String),
    /// A header (named) is not text or not in its scheme's form, the timestamp is not an
    /// integer, or a shared-secret header's name is not a valid header name.
    InvalidHeader(String),
    /// The timestamp is older than the tolerance allows (a replay, or a very late retry).
    TimestampTooOld,
    /// The timestamp is further in the future than the tolerance allows.
    TimestampInFuture,
    /// No signature matches the body (or the shared secret does not match).
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

/// Checks the Standard Webhooks signature and timestamp of deliveries with one shared
/// secret.
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
        self.verify_at(headers, body, unix_now())
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
        let id = header(headers, WEBHOOK_ID)?;
        let timestamp: i64 = header(headers, WEBHOOK_TIMESTAMP)?
            .trim()
            .parse()
            .map_err(|_| WebhookError::InvalidHeader(WEBHOOK_TIMESTAMP.into()))?;
        let signatures = header(headers, WEBHOOK_SIGNATURE)?;
        check_timestamp(timestamp, now, self.tolerance)?;
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

/// The text of header `name`.
fn header<'h>(headers: &'h reqwest::header::HeaderMap, name: &str) -> Result<&'h str, WebhookError> {
    headers
        .get(name)
        .ok_or_else(|| WebhookError::MissingHeader(name.into()))?
        .to_str()
        .map_err(|_| WebhookError::InvalidHeader(name.into()))
}

/// Whether `timestamp` lies within `tolerance` of `now` (Unix seconds).
fn check_timestamp(timestamp: i64, now: i64, tolerance: Duration) -> Result<(), WebhookError> {
    let tolerance = i64::try_from(tolerance.as_secs()).unwrap_or(i64::MAX);
    if now.saturating_sub(timestamp) > tolerance {
        return Err(WebhookError::TimestampTooOld);
    }
    if timestamp.saturating_sub(now) > tolerance {
        return Err(WebhookError::TimestampInFuture);
    }
    Ok(())
}

/// The current time in Unix seconds.
fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// HMAC-SHA256 of `parts`, one after the other, with `key`.
fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    // HMAC takes keys of any length, so this cannot fail.
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC accepts any key length");
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().into()
}

/// Lowercase hexadecimal.
fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

/// The bytes of a hexadecimal string (either case); `None` when it is not one.
fn unhex(text: &str) -> Option<Vec<u8>> {
    fn digit(c: u8) -> Option<u8> {
        match c {
            b'0'..=b'9' => Some(c - b'0'),
            b'a'..=b'f' => Some(c - b'a' + 10),
            b'A'..=b'F' => Some(c - b'A' + 10),
            _ => None,
        }
    }
    let pairs = text.as_bytes().chunks_exact(2);
    if !pairs.remainder().is_empty() {
        return None;
    }
    pairs
        .map(|pair| Some(digit(pair[0])? << 4 | digit(pair[1])?))
        .collect()
}

/// Whether any of `candidates` (hex, the first [`MAX_SIGNATURES`]) is `expected`: every
/// candidate is compared, in constant time, without stopping early.
fn any_hex_matches<'c>(expected: &[u8], candidates: impl Iterator<Item = &'c str>) -> bool {
    let mut matches = false;
    for candidate in candidates.take(MAX_SIGNATURES) {
        // A hex HMAC-SHA256 is 64 characters; anything much longer cannot match.
        if candidate.len() > 128 {
            continue;
        }
        if let Some(sig) = unhex(candidate.trim()) {
            matches |= constant_time_eq(expected, &sig);
        }
    }
    matches
}

/// A key for the HMAC schemes that use the secret's text as it is: refused when empty.
fn text_key(secret: &str) -> Result<Vec<u8>, WebhookError> {
    if secret.is_empty() {
        Err(WebhookError::InvalidSecret)
    } else {
        Ok(secret.as_bytes().to_vec())
    }
}

/// Checks [Stripe's webhook signatures]: the `Stripe-Signature` header holds `t=<unix
/// seconds>` and one or more `v1=<hex>` signatures (more while a secret is rolled), each an
/// HMAC-SHA256 of `{t}.{body}` keyed with the endpoint's signing secret (`whsec_…`, used as
/// it is, not decoded). A delivery is accepted when one of the first [`MAX_SIGNATURES`]
/// `v1` signatures matches and `t` is within the tolerance (5 minutes by default, either
/// way) of the current time. Within the tolerance a delivery can be replayed: deduplicate on
/// the event's `id`.
///
/// [Stripe's webhook signatures]: https://docs.stripe.com/webhooks#verify-manually
#[derive(Clone)]
pub struct StripeVerifier {
    key: Vec<u8>,
    tolerance: Duration,
}

impl fmt::Debug for StripeVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StripeVerifier")
            .field("key", &"[redacted]")
            .field("tolerance", &self.tolerance)
            .finish()
    }
}

impl StripeVerifier {
    /// A verifier for the endpoint's signing secret (`whsec_…`, as the dashboard shows it).
    ///
    /// # Errors
    /// [`WebhookError::InvalidSecret`] when the secret is empty.
    pub fn new(secret: &str) -> Result<Self, WebhookError> {
        Ok(StripeVerifier {
            key: text_key(secret)?,
            tolerance: Duration::from_secs(5 * 60),
        })
    }

    /// How far `t` may lie from the current time, either way (default 5 minutes).
    pub fn with_tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// Verifies a delivery against the current time.
    ///
    /// # Errors
    /// A [`WebhookError`] saying which check failed.
    pub fn verify(
        &self,
        headers: &reqwest::header::HeaderMap,
        body: &[u8],
    ) -> Result<(), WebhookError> {
        self.verify_at(headers, body, unix_now())
    }

    /// Verifies a delivery as if the current time were `now` (Unix seconds).
    ///
    /// # Errors
    /// A [`WebhookError`] saying which check failed: [`WebhookError::InvalidHeader`] when
    /// the header has no integer `t`.
    pub fn verify_at(
        &self,
        headers: &reqwest::header::HeaderMap,
        body: &[u8],
        now: i64,
    ) -> Result<(), WebhookError> {
        let value = header(headers, STRIPE_SIGNATURE)?;
        let items = || value.split(',').filter_map(|item| item.trim().split_once('='));
        let timestamp: i64 = items()
            .find(|(key, _)| *key == "t")
            .and_then(|(_, t)| t.parse().ok())
            .ok_or_else(|| WebhookError::InvalidHeader(STRIPE_SIGNATURE.into()))?;
        check_timestamp(timestamp, now, self.tolerance)?;
        let expected = hmac_sha256(&self.key, &[timestamp.to_string().as_bytes(), b".", body]);
        let signatures = items().filter(|(key, _)| *key == "v1").map(|(_, sig)| sig);
        if any_hex_matches(&expected, signatures) {
            Ok(())
        } else {
            Err(WebhookError::InvalidSignature)
        }
    }

    /// The `Stripe-Signature` header value of a delivery sent at `timestamp` (Unix
    /// seconds), as Stripe computes it (for tests and for forwarding deliveries).
    pub fn sign(&self, timestamp: i64, body: &[u8]) -> String {
        let tag = hmac_sha256(&self.key, &[timestamp.to_string().as_bytes(), b".", body]);
        format!("t={timestamp},v1={}", hex(&tag))
    }
}

/// Checks [GitHub's webhook signatures]: the `X-Hub-Signature-256` header holds
/// `sha256=<hex>`, the HMAC-SHA256 of the body keyed with the webhook's secret. There is
/// no timestamp, so a captured delivery verifies whenever it is replayed: deduplicate on
/// the `X-GitHub-Delivery` header (or the vendor's delivery id).
///
/// [GitHub's webhook signatures]: https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries
#[derive(Clone)]
pub struct GitHubVerifier {
    key: Vec<u8>,
}

impl fmt::Debug for GitHubVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GitHubVerifier")
            .field("key", &"[redacted]")
            .finish()
    }
}

impl GitHubVerifier {
    /// A verifier for the webhook's secret (its text, used as it is).
    ///
    /// # Errors
    /// [`WebhookError::InvalidSecret`] when the secret is empty.
    pub fn new(secret: &str) -> Result<Self, WebhookError> {
        Ok(GitHubVerifier {
            key: text_key(secret)?,
        })
    }

    /// Verifies a delivery.
    ///
    /// # Errors
    /// A [`WebhookError`] saying which check failed: [`WebhookError::InvalidHeader`] when
    /// the header does not start with `sha256=`.
    pub fn verify(
        &self,
        headers: &reqwest::header::HeaderMap,
        body: &[u8],
    ) -> Result<(), WebhookError> {
        let value = header(headers, HUB_SIGNATURE_256)?;
        let signature = value
            .trim()
            .strip_prefix("sha256=")
            .ok_or_else(|| WebhookError::InvalidHeader(HUB_SIGNATURE_256.into()))?;
        let expected = hmac_sha256(&self.key, &[body]);
        if any_hex_matches(&expected, std::iter::once(signature)) {
            Ok(())
        } else {
            Err(WebhookError::InvalidSignature)
        }
    }

    /// The `X-Hub-Signature-256` header value of a delivery (`sha256=<hex>`), as the
    /// sender computes it (for tests and for forwarding deliveries).
    pub fn sign(&self, body: &[u8]) -> String {
        format!("sha256={}", hex(&hmac_sha256(&self.key, &[body])))
    }
}

/// Checks a delivery that carries a secret shared with the sender in a header (AssemblyAI's
/// scheme: the caller names the header and its value when asking for the webhook, as
/// `webhook_auth_header_name` and `webhook_auth_header_value`). The comparison hashes both
/// values first, so its time depends on neither the secret nor its length. The body is not
/// signed and nothing bounds a delivery's age: serve the endpoint over HTTPS only, and
/// deduplicate on the id the body carries (AssemblyAI's `transcript_id`).
#[derive(Clone)]
pub struct SharedSecretVerifier {
    header: reqwest::header::HeaderName,
    digest: [u8; 32],
}

impl fmt::Debug for SharedSecretVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SharedSecretVerifier")
            .field("header", &self.header)
            .field("value", &"[redacted]")
            .finish()
    }
}

impl SharedSecretVerifier {
    /// A verifier expecting header `header` (any case) to carry exactly `secret`.
    ///
    /// # Errors
    /// [`WebhookError::InvalidHeader`] when `header` is not a valid header name;
    /// [`WebhookError::InvalidSecret`] when `secret` is empty.
    pub fn new(header: &str, secret: &str) -> Result<Self, WebhookError> {
        let name = reqwest::header::HeaderName::from_bytes(header.as_bytes())
            .map_err(|_| WebhookError::InvalidHeader(header.into()))?;
        if secret.is_empty() {
            return Err(WebhookError::InvalidSecret);
        }
        Ok(SharedSecretVerifier {
            header: name,
            digest: sha2::Sha256::digest(secret.as_bytes()).into(),
        })
    }

    /// The header this verifier reads.
    pub fn header(&self) -> &str {
        self.header.as_str()
    }

    /// Verifies a delivery: one of the first [`MAX_SIGNATURES`] values of the header is the
    /// secret. The body is not read.
    ///
    /// # Errors
    /// [`WebhookError::MissingHeader`] without the header,
    /// [`WebhookError::InvalidSignature`] when no value is the secret.
    pub fn verify(
        &self,
        headers: &reqwest::header::HeaderMap,
        _body: &[u8],
    ) -> Result<(), WebhookError> {
        let mut values = headers.get_all(&self.header).iter().peekable();
        if values.peek().is_none() {
            return Err(WebhookError::MissingHeader(self.header.as_str().into()));
        }
        let mut matches = false;
        for value in values.take(MAX_SIGNATURES) {
            let digest: [u8; 32] = sha2::Sha256::digest(value.as_bytes()).into();
            matches |= constant_time_eq(&self.digest, &digest);
        }
        if matches {
            Ok(())
        } else {
            Err(WebhookError::InvalidSignature)
        }
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
