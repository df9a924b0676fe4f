//! Runtime support shared by every generated client and type module.
//!
//! Hand-written (it lives in oagen's `templates/runtime.rs`) and copied verbatim into each
//! generated crate, so a generated crate depends on nothing from the oagen repository.
//!
//! - [`Request`] builds one HTTP request: path segments are percent-encoded one segment at
//!   a time, query values are form-encoded in the parameter's style, header values
//!   containing CR or LF are refused; [`Request::execute`] is the one (non-generic) function
//!   that sends every request: timeouts, retries with backoff and `Retry-After`, tracing;
//! - [`Call`] is what each generated method returns: `.await` it for the typed body,
//!   [`Call::raw`] adds status and headers, and per-call options go before either;
//! - [`Transport`] holds a client's base URL, HTTP client, timeouts and [`RetryPolicy`];
//! - [`RawResponse`] is what came back; the generated methods turn it into a typed body or
//!   an [`Error`];
//! - [`Builder`] is what methods with many optional parameters (and list operations)
//!   return: set parameters one by one, then `.await` it; [`Builder::paginate`] turns a
//!   list operation into a stream of items that fetches pages lazily;
//! - [`TokenProvider`] supplies OAuth2 tokens ([`ClientCredentials`] fetches and caches them);
//! - [`Secret`] holds a credential and never prints it;
//! - [`double_option`], [`tagged`] and [`adjacent`] are the serde helpers the generated
//!   types use for three-state fields and tagged unions.

// `Error` keeps status, headers and body inline so callers can match on them directly;
// errors are the cold path, so the larger `Result` is the better trade.
#![allow(clippy::result_large_err)]

use std::fmt;

pub use ::bytes::Bytes;
pub use ::reqwest::header::HeaderMap;
pub use ::reqwest::StatusCode;

/// A credential (token, key, password). Its `Debug` output is redacted.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a credential.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The credential itself, for sending.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(\"<redacted>\")")
    }
}

/// A string-enum value this version of the SDK does not know: the API added it after the
/// SDK was generated. Kept as received and serialized back unchanged, so a deployed client
/// keeps working. Only deserialization creates one: requests cannot carry an unknown value
/// by accident.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnknownValue(String);

impl UnknownValue {
    /// The value as received.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Used by generated deserializers.
    #[doc(hidden)]
    pub fn from_wire(value: String) -> Self {
        UnknownValue(value)
    }

    /// Used by generated deserializers: the value, or an error while an untagged union tries
    /// its variants without catch-alls ([`untagged::strict`]).
    #[doc(hidden)]
    pub fn read<E: serde::de::Error>(value: String) -> Result<Self, E> {
        if untagged::strict() {
            return Err(E::custom(format!("unknown value `{value}`")));
        }
        Ok(UnknownValue(value))
    }
}

/// A tagged-union member this version of the SDK does not know: its tag and the whole JSON
/// object as received. Serialized back unchanged; only deserialization creates one.
#[derive(Debug, Clone, PartialEq)]
pub struct UnknownVariant {
    tag: String,
    value: serde_json::Value,
}

impl UnknownVariant {
    /// The tag value as received.
    pub fn tag(&self) -> &str {
        &self.tag
    }

    /// The whole object as received.
    pub fn value(&self) -> &serde_json::Value {
        &self.value
    }

    /// Used by generated deserializers.
    #[doc(hidden)]
    pub fn from_wire(tag: &str, value: serde_json::Value) -> Self {
        UnknownVariant {
            tag: tag.to_string(),
            value,
        }
    }

    /// Used by generated deserializers: the variant, or an error while an untagged union
    /// tries its variants without catch-alls ([`untagged::strict`]).
    #[doc(hidden)]
    pub fn read<E: serde::de::Error>(tag: &str, value: serde_json::Value) -> Result<Self, E> {
        if untagged::strict() {
            return Err(E::custom(format!("unknown tag `{tag}`")));
        }
        Ok(Self::from_wire(tag, value))
    }
}

impl serde::Serialize for UnknownVariant {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(serializer)
    }
}

/// Response headers that carry the vendor's request id, in the order they are looked up.
pub const REQUEST_ID_HEADERS: &[&str] = &[
    "x-request-id",
    "request-id",
    "x-amzn-requestid",
    "x-amz-request-id",
    "x-correlation-id",
    "x-trace-id",
];

fn request_id_of(headers: &HeaderMap) -> Option<&str> {
    REQUEST_ID_HEADERS
        .iter()
        .find_map(|name| headers.get(*name).and_then(|v| v.to_str().ok()))
}

/// Everything that can go wrong with one API call.
///
/// `E` is the operation's enum of documented error responses (one variant per documented
/// non-success status, `4XX`/`5XX` range or `default`, holding the typed body); operations
/// without documented errors use [`std::convert::Infallible`].
///
/// Every case that received a response exposes its [`status`](Error::status),
/// [`headers`](Error::headers) and the vendor's [`request_id`](Error::request_id).
/// Credentials never appear in the `Debug` or `Display` output.
#[derive(Debug)]
pub enum Error<E> {
    /// The server answered with a documented error status; `body` is its typed body.
    Api {
        /// HTTP status.
        status: StatusCode,
        /// Response headers.
        headers: HeaderMap,
        /// The documented error body.
        body: E,
    },
    /// The server answered with a status the spec does not document.
    UnexpectedStatus {
        /// HTTP status.
        status: StatusCode,
        /// Response headers.
        headers: HeaderMap,
        /// The raw body.
        body: Bytes,
    },
    /// The body did not match the documented schema.
    Decode {
        /// HTTP status.
        status: StatusCode,
        /// Response headers.
        headers: HeaderMap,
        /// The raw body, kept for inspection.
        body: Bytes,
        /// The JSON path of the value that failed (`items[2].id`; `.` for the root).
        path: String,
        /// Why decoding failed.
        source: serde_json::Error,
    },
    /// No complete response arrived within the timeout (per request or the client's).
    Timeout(std::time::Duration),
    /// Connecting, sending or receiving failed.
    Transport(reqwest::Error),
    /// The request could not be built (invalid base URL, a header value with CR/LF, a body
    /// that does not serialize).
    InvalidRequest(String),
}

impl<E> Error<E> {
    /// The HTTP status, when a response was received.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api { status, .. }
            | Error::UnexpectedStatus { status, .. }
            | Error::Decode { status, .. } => Some(*status),
            Error::Transport(e) => e.status(),
            Error::Timeout(_) | Error::InvalidRequest(_) => None,
        }
    }

    /// The response headers, when a response was received.
    pub fn headers(&self) -> Option<&HeaderMap> {
        match self {
            Error::Api { headers, .. }
            | Error::UnexpectedStatus { headers, .. }
            | Error::Decode { headers, .. } => Some(headers),
            Error::Timeout(_) | Error::Transport(_) | Error::InvalidRequest(_) => None,
        }
    }

    /// The vendor's request id (the first of [`REQUEST_ID_HEADERS`] the response carries),
    /// to quote in a support ticket.
    pub fn request_id(&self) -> Option<&str> {
        self.headers().and_then(request_id_of)
    }

    /// The raw response body, for an undocumented status or a body that did not decode.
    pub fn raw_body(&self) -> Option<&Bytes> {
        match self {
            Error::UnexpectedStatus { body, .. } | Error::Decode { body, .. } => Some(body),
            _ => None,
        }
    }

    /// The documented error body, if the server sent one.
    pub fn body(&self) -> Option<&E> {
        match self {
            Error::Api { body, .. } => Some(body),
            _ => None,
        }
    }

    /// True for a timeout.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout(_))
    }
}

impl<E: fmt::Debug> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api { status, body, .. } => write!(f, "API error {status}: {body:?}"),
            Error::UnexpectedStatus { status, body, .. } => {
                write!(f, "undocumented status {status} ({} byte body)", body.len())
            }
            Error::Decode {
                status,
                path,
                source,
                ..
            } => {
                write!(
                    f,
                    "response with status {status} did not decode at `{path}`: {source}"
                )
            }
            Error::Timeout(limit) => write!(f, "no response within {limit:?}"),
            Error::Transport(e) => write!(f, "transport error: {e}"),
            Error::InvalidRequest(message) => write!(f, "invalid request: {message}"),
        }?;
        if let Some(id) = self.request_id() {
            write!(f, " (request id {id})")?;
        }
        Ok(())
    }
}

impl<E: fmt::Debug> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Decode { source, .. } => Some(source),
            Error::Transport(e) => Some(e),
            _ => None,
        }
    }
}

/// A failure before any response could be interpreted; converted into [`Error`].
#[derive(Debug)]
#[doc(hidden)]
pub enum Failure {
    Timeout(Duration),
    Transport(reqwest::Error),
    InvalidRequest(String),
}

impl<E> From<Failure> for Error<E> {
    fn from(failure: Failure) -> Self {
        match failure {
            Failure::Timeout(d) => Error::Timeout(d),
            Failure::Transport(e) => Error::Transport(e),
            Failure::InvalidRequest(m) => Error::InvalidRequest(m),
        }
    }
}

/// The text form of a parameter value: strings as they are, numbers and booleans in JSON
/// spelling, arrays comma-separated (OpenAPI `style: simple`/`form` without explode),
/// objects as JSON.
pub fn param<T: serde::Serialize + ?Sized>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(value) => value_text(&value),
        Err(_) => String::new(),
    }
}

fn value_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        serde_json::Value::Array(items) => {
            items.iter().map(value_text).collect::<Vec<_>>().join(",")
        }
        other => other.to_string(),
    }
}

/// How a query parameter is serialized (OpenAPI `style` + `explode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryStyle {
    /// `style: form`, `explode: true` (the default): `a=1&a=2`; an object's properties
    /// become parameters of their own (`x=1&y=2`).
    FormExploded,
    /// `style: form`, `explode: false`: `a=1,2`; an object becomes `a=x,1,y,2`.
    Form,
    /// `style: spaceDelimited`: `a=1 2`.
    SpaceDelimited,
    /// `style: pipeDelimited`: `a=1|2`.
    PipeDelimited,
    /// `style: deepObject`: `a[x]=1&a[y]=2` (nested objects nest the brackets).
    DeepObject,
}

/// Pushes `value` as `name[key]…=value` pairs (bracket notation, as Stripe and `deepObject`
/// use); array items are numbered (`name[0]`, `name[1]`).
fn bracket_pairs(prefix: &str, value: &serde_json::Value, out: &mut Vec<(String, String)>) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, v) in map {
                bracket_pairs(&format!("{prefix}[{key}]"), v, out);
            }
        }
        serde_json::Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                bracket_pairs(&format!("{prefix}[{i}]"), v, out);
            }
        }
        serde_json::Value::Null => {}
        other => out.push((prefix.to_string(), value_text(other))),
    }
}

/// `application/x-www-form-urlencoded` text of `pairs`.
pub fn urlencoded<'p>(pairs: impl IntoIterator<Item = (&'p str, &'p str)>) -> String {
    let mut url = reqwest::Url::parse("x:?").expect("a valid URL");
    url.query_pairs_mut().clear().extend_pairs(pairs);
    url.query().unwrap_or_default().to_string()
}

/// The form fields of an object body (`application/x-www-form-urlencoded`): scalars as
/// `key=value`, nested objects and arrays in bracket notation (`card[number]=…`,
/// `items[0][price]=…`), `null` omitted.
pub fn form_pairs(value: &serde_json::Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let serde_json::Value::Object(map) = value {
        for (key, v) in map {
            bracket_pairs(key, v, &mut out);
        }
    }
    out
}

/// A file part of a `multipart/form-data` body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilePart {
    /// The file name sent in `Content-Disposition`.
    pub filename: String,
    /// The media type of the part (`application/octet-stream` when unknown).
    pub content_type: String,
    /// The file contents.
    pub bytes: Bytes,
}

impl FilePart {
    /// A file with a name; its media type is `application/octet-stream`.
    pub fn new(filename: impl Into<String>, bytes: impl Into<Bytes>) -> Self {
        FilePart {
            filename: filename.into(),
            content_type: "application/octet-stream".into(),
            bytes: bytes.into(),
        }
    }

    /// Sets the media type of the part.
    pub fn with_content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = content_type.into();
        self
    }
}

/// One part of a `multipart/form-data` body under construction.
#[derive(Debug, Clone, Default)]
pub struct Multipart {
    parts: Vec<FormPart>,
}

/// Field name, (file name, media type) for a file, contents.
type FormPart = (String, Option<(String, String)>, Bytes);

impl Multipart {
    /// An empty form.
    pub fn new() -> Self {
        Multipart::default()
    }

    /// A text field; a value that is not a string is sent as JSON (arrays repeat the field).
    pub fn field<T: serde::Serialize + ?Sized>(&mut self, name: &str, value: &T) {
        match serde_json::to_value(value) {
            Ok(serde_json::Value::Null) | Err(_) => {}
            Ok(serde_json::Value::Array(items)) => {
                for item in items {
                    self.text(name, &json_text(&item));
                }
            }
            Ok(v) => self.text(name, &json_text(&v)),
        }
    }

    fn text(&mut self, name: &str, value: &str) {
        self.parts.push((
            name.to_string(),
            None,
            Bytes::copy_from_slice(value.as_bytes()),
        ));
    }

    /// A file field.
    pub fn file(&mut self, name: &str, file: &FilePart) {
        self.parts.push((
            name.to_string(),
            Some((file.filename.clone(), file.content_type.clone())),
            file.bytes.clone(),
        ));
    }

    /// The encoded body and its content type (with the boundary).
    fn encode(&self) -> (String, Vec<u8>) {
        let boundary = format!("oagen-{:016x}", random_u64());
        let mut out = Vec::new();
        let quote = |s: &str| {
            s.replace('\\', "\\\\")
                .replace('"', "\\\"")
                .replace(['\r', '\n'], " ")
        };
        for (name, file, bytes) in &self.parts {
            out.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
            let mut disposition =
                format!("Content-Disposition: form-data; name=\"{}\"", quote(name));
            if let Some((filename, content_type)) = file {
                disposition.push_str(&format!(
                    "; filename=\"{}\"\r\nContent-Type: {}",
                    quote(filename),
                    quote(content_type)
                ));
            }
            out.extend_from_slice(disposition.as_bytes());
            out.extend_from_slice(b"\r\n\r\n");
            out.extend_from_slice(bytes);
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        (format!("multipart/form-data; boundary={boundary}"), out)
    }
}

fn json_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A random number for backoff jitter and multipart boundaries (std only: the hasher keys
/// of `RandomState` are random per instance).
fn random_u64() -> u64 {
    use std::hash::BuildHasher;
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    std::collections::hash_map::RandomState::new().hash_one(COUNTER.fetch_add(1, Ordering::Relaxed))
}

/// Supplies OAuth2 access tokens (`Authorization: Bearer …`). [`ClientCredentials`] is the
/// built-in one; implement this trait to bring tokens from elsewhere.
pub trait TokenProvider: fmt::Debug + Send + Sync {
    /// A valid access token. Called before every request; cache inside.
    fn token<'a>(&'a self, http: &'a reqwest::Client) -> BoxFuture<'a, Result<Secret, String>>;
}

/// A boxed, sendable future.
pub type BoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;

/// OAuth2 client-credentials grant: fetches a token from `token_url`, caches it and fetches
/// a new one shortly (30 s) before it expires.
pub struct ClientCredentials {
    token_url: String,
    client_id: String,
    client_secret: Secret,
    scopes: Vec<String>,
    cached: tokio::sync::Mutex<Option<(Secret, Option<std::time::Instant>)>>,
}

impl fmt::Debug for ClientCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCredentials")
            .field("token_url", &self.token_url)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field("scopes", &self.scopes)
            .finish_non_exhaustive()
    }
}

impl ClientCredentials {
    /// A provider for the token endpoint `token_url`.
    pub fn new(
        token_url: impl Into<String>,
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
    ) -> Self {
        ClientCredentials {
            token_url: token_url.into(),
            client_id: client_id.into(),
            client_secret: Secret::new(client_secret),
            scopes: Vec::new(),
            cached: tokio::sync::Mutex::new(None),
        }
    }

    /// Requests these scopes.
    pub fn with_scopes(mut self, scopes: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    async fn fetch(&self, http: &reqwest::Client) -> Result<Secret, String> {
        let mut cached = self.cached.lock().await;
        if let Some((token, expiry)) = &*cached {
            let fresh =
                expiry.is_none_or(|at| std::time::Instant::now() + Duration::from_secs(30) < at);
            if fresh {
                return Ok(token.clone());
            }
        }
        let mut form = vec![
            ("grant_type", "client_credentials".to_string()),
            ("client_id", self.client_id.clone()),
            ("client_secret", self.client_secret.expose().to_string()),
        ];
        if !self.scopes.is_empty() {
            form.push(("scope", self.scopes.join(" ")));
        }
        let body = urlencoded(form.iter().map(|(k, v)| (*k, v.as_str())));
        let response = http
            .post(&self.token_url)
            .header(
                reqwest::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded",
            )
            .header(reqwest::header::ACCEPT, "application/json")
            .body(body)
            .send()
            .await
            .map_err(|e| format!("token request failed: {}", e.without_url()))?;
        let status = response.status();
        let bytes = response
            .bytes()
            .await
            .map_err(|e| format!("token response failed: {}", e.without_url()))?;
        if !status.is_success() {
            return Err(format!("token endpoint answered {status}"));
        }
        #[derive(serde::Deserialize)]
        struct TokenResponse {
            access_token: String,
            expires_in: Option<u64>,
        }
        let parsed: TokenResponse = serde_json::from_slice(&bytes)
            .map_err(|e| format!("token response is not an OAuth2 token: {e}"))?;
        let token = Secret::new(parsed.access_token);
        let expiry = parsed
            .expires_in
            .map(|s| std::time::Instant::now() + Duration::from_secs(s));
        *cached = Some((token.clone(), expiry));
        Ok(token)
    }
}

impl TokenProvider for ClientCredentials {
    fn token<'a>(&'a self, http: &'a reqwest::Client) -> BoxFuture<'a, Result<Secret, String>> {
        Box::pin(self.fetch(http))
    }
}

/// A fixed credential for an OAuth2 scheme (a token obtained elsewhere).
impl TokenProvider for Secret {
    fn token<'a>(&'a self, _: &'a reqwest::Client) -> BoxFuture<'a, Result<Secret, String>> {
        Box::pin(std::future::ready(Ok(self.clone())))
    }
}

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
    fn backoff(&self, retry: u32) -> Duration {
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
fn retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 408 | 409 | 429 | 500..=599)
}

/// `Retry-After`: delay seconds or an HTTP date.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
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

/// Options for one call, on top of the client's: extra headers and query parameters, a
/// timeout and a retry policy. Also settable one by one on a [`Call`].
#[derive(Debug, Clone, Default)]
pub struct RequestOptions {
    headers: HeaderMap,
    query: Vec<(String, String)>,
    timeout: Option<Duration>,
    retry: Option<RetryPolicy>,
    error: Option<String>,
}

impl RequestOptions {
    /// No extra options.
    pub fn new() -> Self {
        RequestOptions::default()
    }

    /// Adds a header (after the operation's own; a name given twice is sent twice).
    pub fn header(mut self, name: &str, value: &str) -> Self {
        match (
            reqwest::header::HeaderName::from_bytes(name.as_bytes()),
            reqwest::header::HeaderValue::from_str(value),
        ) {
            (Ok(n), Ok(v)) => {
                self.headers.append(n, v);
            }
            _ => {
                self.error.get_or_insert(format!(
                    "extra header `{name}` has a name or value not allowed in HTTP headers"
                ));
            }
        }
        self
    }

    /// Adds a query parameter.
    pub fn query(mut self, name: &str, value: &str) -> Self {
        self.query.push((name.to_string(), value.to_string()));
        self
    }

    /// The time allowed for the whole exchange (each attempt), replacing the client's.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The retry policy, replacing the client's.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }
}

/// The part of a generated `Client` that sends requests: base URL, HTTP client, timeouts,
/// retry policy. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Transport {
    base_url: String,
    http: reqwest::Client,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    retry: RetryPolicy,
}

impl Transport {
    /// The client's default total timeout per attempt: 60 s.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
    /// The client's default connect timeout: 10 s.
    pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

    /// Requests to `base_url` with the default timeouts and retry policy.
    pub fn new(base_url: impl Into<String>) -> Self {
        Transport {
            base_url: base_url.into(),
            http: http_client(Some(Self::DEFAULT_CONNECT_TIMEOUT)),
            timeout: Some(Self::DEFAULT_TIMEOUT),
            connect_timeout: Some(Self::DEFAULT_CONNECT_TIMEOUT),
            retry: RetryPolicy::default(),
        }
    }

    /// The base URL.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Replaces the base URL.
    pub fn set_base_url(&mut self, base_url: impl Into<String>) {
        self.base_url = base_url.into();
    }

    /// The HTTP client.
    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// Uses a configured `reqwest::Client` (its own connect timeout, proxies, TLS).
    pub fn set_http_client(&mut self, http: reqwest::Client) {
        self.http = http;
        self.connect_timeout = None;
    }

    /// The total time allowed per attempt; `None` waits forever.
    pub fn set_timeout(&mut self, timeout: Option<Duration>) {
        self.timeout = timeout;
    }

    /// The time allowed to connect (rebuilds the HTTP client, replacing one given to
    /// [`Transport::set_http_client`]).
    pub fn set_connect_timeout(&mut self, timeout: Option<Duration>) {
        self.connect_timeout = timeout;
        self.http = http_client(timeout);
    }

    /// The retry policy for calls that do not set their own.
    pub fn set_retry(&mut self, policy: RetryPolicy) {
        self.retry = policy;
    }

    /// The current timeouts: (connect, total).
    pub fn timeouts(&self) -> (Option<Duration>, Option<Duration>) {
        (self.connect_timeout, self.timeout)
    }

    /// The current retry policy.
    pub fn retry(&self) -> &RetryPolicy {
        &self.retry
    }
}

fn http_client(connect_timeout: Option<Duration>) -> reqwest::Client {
    let mut builder = reqwest::Client::builder();
    if let Some(t) = connect_timeout {
        builder = builder.connect_timeout(t);
    }
    builder.build().unwrap_or_default()
}

/// One HTTP request under construction. Errors are kept and reported when it is sent.
#[derive(Debug)]
pub struct Request {
    method: reqwest::Method,
    template: &'static str,
    segments: Vec<String>,
    query: Vec<(String, String)>,
    secret_query: Vec<(String, Secret)>,
    headers: HeaderMap,
    cookies: Vec<(String, String)>,
    token: Option<std::sync::Arc<dyn TokenProvider>>,
    body: Option<(String, Bytes)>,
    error: Option<String>,
    url: Option<String>,
}

impl Request {
    /// A request for the path `template` (for tracing), made of `segments`, each
    /// percent-encoded as one path segment (so `/`, `?` and `#` in a value cannot change
    /// the path or query) and appended to the client's base URL.
    pub fn new(method: reqwest::Method, template: &'static str, segments: Vec<String>) -> Self {
        Request {
            method,
            template,
            segments,
            query: Vec::new(),
            secret_query: Vec::new(),
            headers: HeaderMap::new(),
            cookies: Vec::new(),
            token: None,
            body: None,
            error: None,
            url: None,
        }
    }

    /// Appends `name=value` to the query string; an array value repeats the name per item
    /// (OpenAPI `style: form`, `explode: true`, the default for query parameters).
    pub fn query<T: serde::Serialize + ?Sized>(&mut self, name: &str, value: &T) {
        self.query_styled(name, value, QueryStyle::FormExploded);
    }

    /// Appends a query parameter in the given style.
    pub fn query_styled<T: serde::Serialize + ?Sized>(
        &mut self,
        name: &str,
        value: &T,
        style: QueryStyle,
    ) {
        let value = match serde_json::to_value(value) {
            Ok(v) => v,
            Err(e) => return self.fail(format!("query parameter `{name}`: {e}")),
        };
        use serde_json::Value;
        let joined =
            |items: &[Value], sep: &str| items.iter().map(value_text).collect::<Vec<_>>().join(sep);
        match (style, &value) {
            (_, Value::Null) => {}
            (QueryStyle::DeepObject, _) => bracket_pairs(name, &value, &mut self.query),
            (QueryStyle::FormExploded, Value::Array(items)) => {
                for item in items {
                    self.query.push((name.to_string(), value_text(item)));
                }
            }
            (QueryStyle::FormExploded, Value::Object(map)) => {
                for (k, v) in map {
                    self.query.push((k.clone(), value_text(v)));
                }
            }
            (QueryStyle::Form, Value::Object(map)) => {
                let flat: Vec<String> = map
                    .iter()
                    .flat_map(|(k, v)| [k.clone(), value_text(v)])
                    .collect();
                self.query.push((name.to_string(), flat.join(",")));
            }
            (QueryStyle::Form, Value::Array(items)) => {
                self.query.push((name.to_string(), joined(items, ",")))
            }
            (QueryStyle::SpaceDelimited, Value::Array(items)) => {
                self.query.push((name.to_string(), joined(items, " ")))
            }
            (QueryStyle::PipeDelimited, Value::Array(items)) => {
                self.query.push((name.to_string(), joined(items, "|")))
            }
            (_, other) => self.query.push((name.to_string(), value_text(other))),
        }
    }

    /// Sets a header (`style: simple`: arrays comma-separated); a value with CR, LF or
    /// other bytes not allowed in a header is refused.
    pub fn header<T: serde::Serialize + ?Sized>(&mut self, name: &'static str, value: &T) {
        self.insert_header(name, &param(value), false);
    }

    /// Adds a cookie (`in: cookie`, `style: form`); the value is percent-encoded.
    pub fn cookie<T: serde::Serialize + ?Sized>(&mut self, name: &str, value: &T) {
        let text = param(value);
        let encoded: String = text
            .bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"-._~!$&'()*+/:<=>?@[]^`{|}".contains(&b) {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect();
        self.cookies.push((name.to_string(), encoded));
    }

    fn insert_header(&mut self, name: &'static str, value: &str, sensitive: bool) {
        match reqwest::header::HeaderValue::from_str(value) {
            Ok(mut v) => {
                v.set_sensitive(sensitive);
                self.headers.insert(name, v);
            }
            Err(_) => self.fail(format!(
                "header `{name}` has a value that is not allowed in HTTP headers (CR, LF or control characters)"
            )),
        }
    }

    /// Sends `Authorization: <scheme> <credential>` (OAS `type: http`).
    pub fn authorization(&mut self, scheme: &str, credential: &Secret) {
        let value = format!("{scheme} {}", credential.expose());
        self.insert_header("authorization", &value, true);
    }

    /// Sends `Authorization: Basic base64(user:password)` (OAS `type: http`, `scheme: basic`);
    /// a credential already holding `user:password` is encoded the same way.
    pub fn basic_auth(&mut self, credential: &Secret) {
        let value = format!("Basic {}", base64(credential.expose().as_bytes()));
        self.insert_header("authorization", &value, true);
    }

    /// Sends a credential in a header (OAS `type: apiKey`, `in: header`).
    pub fn secret_header(&mut self, name: &'static str, credential: &Secret) {
        self.insert_header(name, credential.expose(), true);
    }

    /// Sends a credential in the query string (OAS `type: apiKey`, `in: query`).
    pub fn secret_query(&mut self, name: &str, credential: &Secret) {
        self.secret_query
            .push((name.to_string(), credential.clone()));
    }

    /// Sends a credential as a cookie (OAS `type: apiKey`, `in: cookie`).
    pub fn secret_cookie(&mut self, name: &str, credential: &Secret) {
        self.cookies
            .push((name.to_string(), credential.expose().to_string()));
    }

    /// Sends `Authorization: Bearer <token>` with a token from `provider` (OAuth2).
    pub fn bearer_from(&mut self, provider: &std::sync::Arc<dyn TokenProvider>) {
        self.token = Some(provider.clone());
    }

    /// Sets a JSON body.
    pub fn json<T: serde::Serialize + ?Sized>(&mut self, body: &T) {
        match serde_json::to_vec(body) {
            Ok(bytes) => self.body = Some(("application/json".into(), bytes.into())),
            Err(e) => self.fail(format!("request body does not serialize: {e}")),
        }
    }

    /// Sets an `application/x-www-form-urlencoded` body from an object (nested objects in
    /// bracket notation, see [`form_pairs`]).
    pub fn form<T: serde::Serialize + ?Sized>(&mut self, body: &T) {
        match serde_json::to_value(body) {
            Ok(value @ serde_json::Value::Object(_)) => {
                let pairs = form_pairs(&value);
                let text = urlencoded(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
                self.body = Some((
                    "application/x-www-form-urlencoded".into(),
                    text.into_bytes().into(),
                ));
            }
            Ok(_) => self.fail("a form body must be an object".into()),
            Err(e) => self.fail(format!("request body does not serialize: {e}")),
        }
    }

    /// Sets a `multipart/form-data` body.
    pub fn multipart(&mut self, form: &Multipart) {
        let (content_type, bytes) = form.encode();
        self.body = Some((content_type, bytes.into()));
    }

    /// Sets a text body (`text/plain` and other `text/*`).
    pub fn text(&mut self, content_type: &str, body: &str) {
        self.body = Some((
            content_type.to_string(),
            Bytes::copy_from_slice(body.as_bytes()),
        ));
    }

    /// Sets a raw body with its media type.
    pub fn bytes(&mut self, content_type: &str, body: impl Into<Bytes>) {
        self.body = Some((content_type.to_string(), body.into()));
    }

    fn fail(&mut self, message: String) {
        self.error.get_or_insert(message);
    }

    /// Sends the request (with retries) and reads the whole response. The one function
    /// that does the work for every operation; it is not generic.
    ///
    /// # Errors
    /// A [`Failure`] when the request cannot be built, times out or the exchange fails.
    /// Any status is returned as a [`RawResponse`].
    pub async fn execute(
        self,
        transport: &Transport,
        options: RequestOptions,
    ) -> Result<RawResponse, Failure> {
        if let Some(message) = self.error.or(options.error) {
            return Err(Failure::InvalidRequest(message));
        }
        let mut url = reqwest::Url::parse(&transport.base_url).map_err(|e| {
            Failure::InvalidRequest(format!(
                "base URL `{}` is not an absolute URL: {e}",
                transport.base_url
            ))
        })?;
        let has_secret_query = !self.secret_query.is_empty();
        if let Some(next) = &self.url {
            // A next-page link: sent as given (it carries the query), on the same origin only,
            // so credentials never go to another host.
            let target = url.join(next).map_err(|e| {
                Failure::InvalidRequest(format!("next-page link `{next}` is not a URL: {e}"))
            })?;
            if target.origin() != url.origin() {
                return Err(Failure::InvalidRequest(format!(
                    "next-page link `{next}` leaves the base URL's origin; not followed"
                )));
            }
            url = target;
            let missing: Vec<_> = self
                .secret_query
                .iter()
                .filter(|(name, _)| !url.query_pairs().any(|(k, _)| k == name.as_str()))
                .collect();
            if !missing.is_empty() {
                let mut pairs = url.query_pairs_mut();
                for (name, secret) in missing {
                    pairs.append_pair(name, secret.expose());
                }
            }
        } else {
            url.path_segments_mut()
                .map_err(|()| {
                    Failure::InvalidRequest(format!(
                        "base URL `{}` cannot have a path",
                        transport.base_url
                    ))
                })?
                .pop_if_empty()
                .extend(&self.segments);
            let query_count = self.query.len() + options.query.len() + self.secret_query.len();
            if query_count > 0 {
                let mut pairs = url.query_pairs_mut();
                pairs.extend_pairs(self.query.iter().chain(&options.query));
                for (name, secret) in &self.secret_query {
                    pairs.append_pair(name, secret.expose());
                }
            }
        }
        let mut headers = self.headers;
        for (name, value) in &options.headers {
            headers.append(name, value.clone());
        }
        if !self.cookies.is_empty() {
            let cookie = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("; ");
            match reqwest::header::HeaderValue::from_str(&cookie) {
                Ok(mut v) => {
                    v.set_sensitive(true);
                    headers.insert(reqwest::header::COOKIE, v);
                }
                Err(_) => {
                    return Err(Failure::InvalidRequest(
                        "a cookie has a value not allowed in HTTP headers".into(),
                    ))
                }
            }
        }
        if let Some(provider) = &self.token {
            let token = provider
                .token(&transport.http)
                .await
                .map_err(Failure::InvalidRequest)?;
            let mut v =
                reqwest::header::HeaderValue::from_str(&format!("Bearer {}", token.expose()))
                    .map_err(|_| {
                        Failure::InvalidRequest("the access token is not a valid header".into())
                    })?;
            v.set_sensitive(true);
            headers.insert(reqwest::header::AUTHORIZATION, v);
        }
        let idempotent = matches!(
            self.method,
            reqwest::Method::GET
                | reqwest::Method::HEAD
                | reqwest::Method::OPTIONS
                | reqwest::Method::PUT
                | reqwest::Method::DELETE
                | reqwest::Method::TRACE
        );
        let mut builder = transport
            .http
            .request(self.method.clone(), url)
            .headers(headers);
        if let Some((content_type, body)) = self.body {
            builder = builder
                .header(reqwest::header::CONTENT_TYPE, content_type)
                .body(body);
        }
        let policy = options.retry.as_ref().unwrap_or(&transport.retry);
        let retries = if idempotent || policy.non_idempotent {
            policy.max_retries
        } else {
            0
        };
        let timeout = options.timeout.or(transport.timeout);
        let mut pending = Some(builder);
        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            let Some(current) = pending.take() else {
                unreachable!("a request is pending at each attempt")
            };
            // A body that cannot be replayed (a stream) gives no copy: no retry.
            pending = current.try_clone();
            let span = tracing::debug_span!(
                "http_request",
                method = %self.method,
                path = self.template,
                attempt,
                status = tracing::field::Empty,
            );
            let outcome =
                tracing::Instrument::instrument(attempt_once(current, timeout), span.clone()).await;
            let outcome = outcome.map_err(|failure| match failure {
                Failure::Transport(e) if has_secret_query => Failure::Transport(e.without_url()),
                other => other,
            });
            let wait = match &outcome {
                Ok(response) => {
                    span.record("status", response.status.as_u16());
                    if retryable_status(response.status) {
                        match retry_after(&response.headers) {
                            Some(after) if after > policy.max_retry_after => None,
                            Some(after) => Some(after),
                            None => Some(policy.backoff(attempt)),
                        }
                    } else {
                        None
                    }
                }
                Err(Failure::Transport(e)) if e.is_connect() => Some(policy.backoff(attempt)),
                Err(_) => None,
            };
            match wait {
                Some(delay) if attempt <= retries && pending.is_some() => {
                    span.in_scope(|| tracing::debug!(?delay, "retrying"));
                    tokio::time::sleep(delay).await;
                }
                _ => return outcome,
            }
        }
    }
}

async fn attempt_once(
    builder: reqwest::RequestBuilder,
    timeout: Option<Duration>,
) -> Result<RawResponse, Failure> {
    let exchange = async {
        let response = builder.send().await?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.bytes().await?;
        Ok::<_, reqwest::Error>(RawResponse {
            status,
            headers,
            body,
        })
    };
    let result = match timeout {
        Some(limit) => match tokio::time::timeout(limit, exchange).await {
            Ok(result) => result,
            Err(_) => return Err(Failure::Timeout(limit)),
        },
        None => exchange.await,
    };
    result.map_err(|e| {
        if e.is_timeout() {
            Failure::Timeout(timeout.unwrap_or_default())
        } else {
            Failure::Transport(e)
        }
    })
}

fn base64(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Bytes that JSON carries as base64 text (OAS `format: byte`, RFC 4648 with padding).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Base64Bytes(pub Vec<u8>);

impl serde::Serialize for Base64Bytes {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&base64(&self.0))
    }
}

impl<'de> serde::Deserialize<'de> for Base64Bytes {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use base64::Engine as _;
        let text = <String as serde::Deserialize>::deserialize(deserializer)?;
        base64::engine::general_purpose::STANDARD
            .decode(text.as_bytes())
            .map(Base64Bytes)
            .map_err(|e| <D::Error as serde::de::Error>::custom(format!("invalid base64: {e}")))
    }
}

/// A typed body with the status and headers it came with (see [`Call::raw`]).
#[derive(Debug, Clone)]
pub struct Response<T> {
    /// HTTP status.
    pub status: StatusCode,
    /// Response headers.
    pub headers: HeaderMap,
    /// The typed body.
    pub body: T,
}

impl<T> Response<T> {
    /// The vendor's request id, when the response carries one.
    pub fn request_id(&self) -> Option<&str> {
        request_id_of(&self.headers)
    }

    /// The body.
    pub fn into_body(self) -> T {
        self.body
    }
}

/// The per-call option setters of [`Call`] and [`Builder`] (both keep a `RequestOptions`
/// in `self.options`).
macro_rules! per_call_options {
    () => {
        /// Adds a header to this call.
        pub fn header(mut self, name: &str, value: &str) -> Self {
            self.options = self.options.header(name, value);
            self
        }

        /// Adds a query parameter to this call.
        pub fn query(mut self, name: &str, value: &str) -> Self {
            self.options = self.options.query(name, value);
            self
        }

        /// The total time allowed per attempt of this call, replacing the client's.
        pub fn timeout(mut self, timeout: Duration) -> Self {
            self.options = self.options.timeout(timeout);
            self
        }

        /// The retry policy of this call, replacing the client's.
        pub fn retry(mut self, policy: RetryPolicy) -> Self {
            self.options = self.options.retry(policy);
            self
        }

        /// Replaces this call's options.
        pub fn options(mut self, options: RequestOptions) -> Self {
            self.options = options;
            self
        }
    };
}

/// One prepared API call, returned by every generated operation method.
///
/// `.await` it for the typed body; call [`Call::raw`] for the body with status and headers;
/// before that, [`Call::header`], [`Call::query`], [`Call::timeout`], [`Call::retry`] and
/// [`Call::options`] adjust this call only.
#[must_use = "a call does nothing until it is awaited"]
pub struct Call<'a, T, E> {
    transport: &'a Transport,
    request: Request,
    options: RequestOptions,
    decode: fn(RawResponse) -> Result<T, Error<E>>,
}

impl<T, E> fmt::Debug for Call<'_, T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Call")
            .field("request", &self.request)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl<'a, T, E> Call<'a, T, E> {
    /// Used by generated methods.
    #[doc(hidden)]
    pub fn new(
        transport: &'a Transport,
        request: Request,
        decode: fn(RawResponse) -> Result<T, Error<E>>,
    ) -> Self {
        Call {
            transport,
            request,
            options: RequestOptions::default(),
            decode,
        }
    }

    per_call_options!();

    /// Sends this call to `url` (a next-page link, absolute or relative to the base URL)
    /// instead of the operation's path and query; it must stay on the base URL's origin.
    #[doc(hidden)]
    pub fn follow(mut self, url: String) -> Self {
        self.request.url = Some(url);
        self
    }

    /// Sends the call; the typed body with status and headers.
    ///
    /// # Errors
    /// As the operation documents.
    pub async fn raw(self) -> Result<Response<T>, Error<E>> {
        let response = self.request.execute(self.transport, self.options).await?;
        let status = response.status;
        let headers = response.headers.clone();
        let body = (self.decode)(response)?;
        Ok(Response {
            status,
            headers,
            body,
        })
    }

    /// Sends the call; the typed body (what `.await` does).
    ///
    /// # Errors
    /// As the operation documents.
    pub async fn send(self) -> Result<T, Error<E>> {
        let response = self.request.execute(self.transport, self.options).await?;
        (self.decode)(response)
    }
}

impl<'a, T: Send + 'a, E: Send + 'a> std::future::IntoFuture for Call<'a, T, E> {
    type Output = Result<T, Error<E>>;
    type IntoFuture = BoxFuture<'a, Result<T, Error<E>>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

/// A call whose optional parameters are set one by one: what the generated methods with
/// many optional parameters, and the list operations, return (through a type alias per
/// operation, `<Operation>Request`, whose own methods set the parameters).
///
/// `.await` it for the typed body, or call [`Builder::raw`] for the body with status and
/// headers; [`Builder::header`], [`Builder::query`], [`Builder::timeout`],
/// [`Builder::retry`] and [`Builder::options`] adjust this call only, as on a [`Call`].
#[must_use = "a call does nothing until it is awaited"]
pub struct Builder<'a, P, T, E> {
    params: P,
    options: RequestOptions,
    build: fn(P) -> Call<'a, T, E>,
}

impl<P: fmt::Debug, T, E> fmt::Debug for Builder<'_, P, T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Builder")
            .field("params", &self.params)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl<P: Clone, T, E> Clone for Builder<'_, P, T, E> {
    fn clone(&self) -> Self {
        Builder {
            params: self.params.clone(),
            options: self.options.clone(),
            build: self.build,
        }
    }
}

impl<'a, P, T, E> Builder<'a, P, T, E> {
    /// Used by generated methods: the parameters so far, and how they become a [`Call`].
    #[doc(hidden)]
    pub fn new(params: P, build: fn(P) -> Call<'a, T, E>) -> Self {
        Builder {
            params,
            options: RequestOptions::default(),
            build,
        }
    }

    /// Used by the generated parameter setters.
    #[doc(hidden)]
    pub fn params(&self) -> &P {
        &self.params
    }

    /// Used by the generated parameter setters.
    #[doc(hidden)]
    pub fn params_mut(&mut self) -> &mut P {
        &mut self.params
    }

    per_call_options!();

    /// The prepared [`Call`], with the parameters and options set so far.
    pub fn call(self) -> Call<'a, T, E> {
        (self.build)(self.params).options(self.options)
    }

    /// Sends the call; the typed body with status and headers.
    ///
    /// # Errors
    /// As the operation documents.
    pub async fn raw(self) -> Result<Response<T>, Error<E>> {
        self.call().raw().await
    }

    /// Sends the call; the typed body (what `.await` does).
    ///
    /// # Errors
    /// As the operation documents.
    pub async fn send(self) -> Result<T, Error<E>> {
        self.call().send().await
    }
}

impl<'a, P, T: Send + 'a, E: Send + 'a> std::future::IntoFuture for Builder<'a, P, T, E> {
    type Output = Result<T, Error<E>>;
    type IntoFuture = BoxFuture<'a, Result<T, Error<E>>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.call().send())
    }
}

/// A stream of the items of a paginated list operation.
pub type Items<'a, T, E> = futures::stream::BoxStream<'a, Result<T, Error<E>>>;

/// Where the next page of a list is, as a generated operation's parameters take it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[doc(hidden)]
pub enum Position {
    /// The page number.
    Page(i64),
    /// The cursor (a token, or a property of the last item).
    Token(String),
}

/// What one page says about the next, read off it by the generated code.
#[derive(Debug, Clone, PartialEq, Eq)]
#[doc(hidden)]
pub enum Next {
    /// The list ends here.
    End,
    /// The next page number.
    Page,
    /// The page with this cursor.
    Token(String),
    /// The page at this URL (a `Link` header).
    Url(String),
    /// The next page number, until this many items have been read.
    Total(u64),
}

/// The URL of the `rel="next"` link of a `Link` header (RFC 8288), if any.
pub fn next_link(headers: &HeaderMap) -> Option<String> {
    for value in headers.get_all(reqwest::header::LINK) {
        let text = value.to_str().ok()?;
        let mut rest = text;
        while let Some(start) = rest.find('<') {
            let after = &rest[start + 1..];
            let end = after.find('>')?;
            let target = &after[..end];
            let params_end = after[end..].find('<').map_or(after.len(), |i| end + i);
            // `; rel="next"` up to the comma before the next link.
            let params = after[end + 1..params_end].split(',').next().unwrap_or("");
            let is_next = params.split(';').any(|p| {
                let Some((key, value)) = p.split_once('=') else {
                    return false;
                };
                key.trim().eq_ignore_ascii_case("rel")
                    && value
                        .trim()
                        .trim_matches('"')
                        .split_ascii_whitespace()
                        .any(|r| r.eq_ignore_ascii_case("next"))
            });
            if is_next {
                return Some(target.to_string());
            }
            rest = &after[params_end..];
        }
    }
    None
}

impl<'a, P, T, E> Builder<'a, P, T, E>
where
    P: Clone + Send + 'a,
    T: Send + 'a,
    E: Send + 'a,
{
    /// Walks the pages of a list operation, as the generated `.stream()` methods do: the
    /// first request is this builder's (at page `start` for page-numbered lists); `set`
    /// puts the next page's position into the parameters; `split` takes a page apart into
    /// its items and what it says about the next page. Pages are fetched lazily, as the
    /// stream is read; the stream ends after the last page, at an empty page, at a cursor
    /// or link that repeats the previous one, or after the first error (which it yields).
    #[doc(hidden)]
    pub fn paginate<I: Send + 'a>(
        self,
        start: Option<i64>,
        set: fn(&mut P, Position),
        split: fn(Response<T>) -> (Vec<I>, Next),
    ) -> Items<'a, I, E> {
        enum At {
            Start,
            Position(Position),
            Url(String),
            Done,
        }
        struct State<'a, P, T, E, I> {
            builder: Builder<'a, P, T, E>,
            at: At,
            page: Option<i64>,
            seen: u64,
            buffer: std::vec::IntoIter<I>,
        }
        let state = State {
            at: match start {
                Some(n) => At::Position(Position::Page(n)),
                None => At::Start,
            },
            builder: self,
            page: start,
            seen: 0,
            buffer: Vec::new().into_iter(),
        };
        Box::pin(futures::stream::unfold(state, move |mut s| async move {
            loop {
                if let Some(item) = s.buffer.next() {
                    return Some((Ok(item), s));
                }
                let mut builder = s.builder.clone();
                // The cursor or link of this request: a next page that repeats it ends the list.
                let mut previous = None;
                let call = match std::mem::replace(&mut s.at, At::Done) {
                    At::Done => return None,
                    At::Start => builder.call(),
                    At::Position(position) => {
                        if let Position::Token(t) = &position {
                            previous = Some(t.clone());
                        }
                        set(&mut builder.params, position);
                        builder.call()
                    }
                    At::Url(url) => {
                        previous = Some(url.clone());
                        builder.call().follow(url)
                    }
                };
                let response = match call.raw().await {
                    Ok(response) => response,
                    Err(e) => return Some((Err(e), s)),
                };
                let (items, next) = split(response);
                s.seen += items.len() as u64;
                let page = s.page.map(|n| n + 1);
                s.at = match next {
                    _ if items.is_empty() => At::Done,
                    Next::End => At::Done,
                    Next::Page => page.map_or(At::Done, |n| At::Position(Position::Page(n))),
                    Next::Total(total) if s.seen < total => {
                        page.map_or(At::Done, |n| At::Position(Position::Page(n)))
                    }
                    Next::Total(_) => At::Done,
                    Next::Token(t) if Some(&t) == previous.as_ref() => At::Done,
                    Next::Token(t) => At::Position(Position::Token(t)),
                    Next::Url(url) if Some(&url) == previous.as_ref() => At::Done,
                    Next::Url(url) => At::Url(url),
                };
                s.page = page;
                s.buffer = items.into_iter();
            }
        }))
    }
}

/// A response as received: status, headers and the whole body.
#[derive(Debug, Clone)]
pub struct RawResponse {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

impl RawResponse {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The media type of the body (without parameters), lower-cased.
    pub fn content_type(&self) -> String {
        self.headers
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase()
    }

    /// Decodes a JSON success body.
    ///
    /// # Errors
    /// [`Error::Decode`], keeping the raw body and the JSON path of the failure, when it
    /// does not match `T`.
    pub fn json<T: serde::de::DeserializeOwned, E>(self) -> Result<T, Error<E>> {
        match decode_json(&self.body) {
            Ok(value) => Ok(value),
            Err((path, source)) => Err(self.decode_error(path, source)),
        }
    }

    /// The success body as bytes.
    pub fn bytes<E>(self) -> Result<Bytes, Error<E>> {
        Ok(self.body)
    }

    /// The success body as text (UTF-8; invalid sequences replaced).
    pub fn text<E>(self) -> Result<String, Error<E>> {
        Ok(String::from_utf8_lossy(&self.body).into_owned())
    }

    /// A success without a body.
    pub fn empty<E>(self) -> Result<(), Error<E>> {
        Ok(())
    }

    /// A documented error status with a JSON body, wrapped by `variant`.
    pub fn error_json<B: serde::de::DeserializeOwned, E>(
        self,
        variant: impl FnOnce(B) -> E,
    ) -> Error<E> {
        match decode_json(&self.body) {
            Ok(body) => Error::Api {
                status: self.status,
                headers: self.headers,
                body: variant(body),
            },
            Err((path, source)) => self.decode_error(path, source),
        }
    }

    /// A documented error status with a non-JSON body.
    pub fn error_bytes<E>(self, variant: impl FnOnce(Bytes) -> E) -> Error<E> {
        Error::Api {
            status: self.status,
            headers: self.headers,
            body: variant(self.body),
        }
    }

    /// A documented error status without a body.
    pub fn error_empty<E>(self, body: E) -> Error<E> {
        Error::Api {
            status: self.status,
            headers: self.headers,
            body,
        }
    }

    /// A status the spec does not document.
    pub fn unexpected<E>(self) -> Error<E> {
        Error::UnexpectedStatus {
            status: self.status,
            headers: self.headers,
            body: self.body,
        }
    }

    fn decode_error<E>(self, path: String, source: serde_json::Error) -> Error<E> {
        Error::Decode {
            status: self.status,
            headers: self.headers,
            body: self.body,
            path,
            source,
        }
    }
}

fn decode_json<T: serde::de::DeserializeOwned>(
    body: &[u8],
) -> Result<T, (String, serde_json::Error)> {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let value: T = serde_path_to_error::deserialize(&mut deserializer)
        .map_err(|e| (e.path().to_string(), e.into_inner()))?;
    deserializer.end().map_err(|e| (".".to_string(), e))?;
    Ok(value)
}

/// `Option<Option<T>>` for a property that is optional *and* nullable: `None` = absent,
/// `Some(None)` = `null`, `Some(Some(v))` = a value. Use with
/// `#[serde(default, skip_serializing_if = "Option::is_none", with = "…double_option")]`.
pub mod double_option {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    /// Writes `null` for `Some(None)` and the value for `Some(Some(v))`.
    pub fn serialize<T: Serialize, S: Serializer>(
        value: &Option<Option<T>>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(inner) => inner.serialize(serializer),
            None => serializer.serialize_none(),
        }
    }

    /// A present property: `null` → `Some(None)`, a value → `Some(Some(v))`.
    pub fn deserialize<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Option<T>>, D::Error> {
        Option::<T>::deserialize(deserializer).map(Some)
    }
}

/// Deserializes a buffered value; on failure the message starts with the path of the failure
/// inside it (`model_id: invalid type: …`), which the enclosing decode error would not reach
/// (serde reports the position of the buffered value itself).
fn from_value<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> Result<T, String> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        if path == "." {
            e.into_inner().to_string()
        } else {
            format!("at `{path}`: {}", e.into_inner())
        }
    })
}

/// Properties that FastAPI's `Undefined` sentinel makes omittable (`anyOf: [T, Undefined]`).
/// `Undefined`'s own value is `{}`; a present `{}` that `T` does not accept is read as
/// absent (`None`), so a response carrying it still parses.
pub mod undefined {
    use serde::de::{DeserializeOwned, Error as _};
    use serde::{Deserialize, Deserializer};
    use serde_json::Value;

    /// A present property: `{}` that `T` rejects → `None`, else `Some(T)`.
    pub fn deserialize<'de, T: DeserializeOwned, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<T>, D::Error> {
        let value = Value::deserialize(deserializer)?;
        let empty = value.as_object().is_some_and(|m| m.is_empty());
        match super::from_value(value) {
            Ok(v) => Ok(Some(v)),
            Err(_) if empty => Ok(None),
            Err(e) => Err(D::Error::custom(e)),
        }
    }

    /// As [`deserialize`], for a nullable property: `null` → `Some(None)` (it is
    /// [`deserialize`] of an `Option<T>`).
    pub fn deserialize_nullable<'de, T: DeserializeOwned, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Option<T>>, D::Error> {
        deserialize::<Option<T>, D>(deserializer)
    }
}

/// Internally tagged unions: one property of the object names the variant.
pub mod tagged {
    use serde::de::Error as _;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use serde_json::Value;

    /// Reads the object and its tag property (which must be a string).
    pub fn split<'de, D: Deserializer<'de>>(
        deserializer: D,
        tag: &'static str,
    ) -> Result<(String, Value), D::Error> {
        let value = Value::deserialize(deserializer)?;
        let name = match value.get(tag) {
            Some(Value::String(s)) => s.clone(),
            Some(_) => return Err(D::Error::custom(format!("`{tag}` must be a string"))),
            None if value.is_object() => return Err(D::Error::missing_field(tag)),
            None => {
                return Err(D::Error::custom(format!(
                    "expected an object with a `{tag}` property"
                )))
            }
        };
        Ok((name, value))
    }

    /// Reads the object and its tag property when present (which must be a string): a
    /// union whose branches may omit the tag then matches the object by shape.
    pub fn split_optional<'de, D: Deserializer<'de>>(
        deserializer: D,
        tag: &'static str,
    ) -> Result<(Option<String>, Value), D::Error> {
        let value = Value::deserialize(deserializer)?;
        match value.get(tag) {
            Some(Value::String(s)) => Ok((Some(s.clone()), value)),
            Some(_) => Err(D::Error::custom(format!("`{tag}` must be a string"))),
            None if value.is_object() => Ok((None, value)),
            None => Err(D::Error::custom(format!(
                "expected an object with a `{tag}` property"
            ))),
        }
    }

    /// Deserializes the variant's type from the whole object; `strip` removes the tag first
    /// when the variant's type has no field for it.
    pub fn variant<T: serde::de::DeserializeOwned, E: serde::de::Error>(
        mut value: Value,
        strip: Option<&str>,
    ) -> Result<T, E> {
        if let (Some(tag), Some(map)) = (strip, value.as_object_mut()) {
            map.remove(tag);
        }
        super::from_value(value).map_err(E::custom)
    }

    /// Writes the variant's object with the tag property set to `value`.
    pub fn serialize<S: Serializer, T: Serialize>(
        serializer: S,
        tag: &str,
        value: &str,
        inner: &T,
    ) -> Result<S::Ok, S::Error> {
        let mut json = serde_json::to_value(inner).map_err(serde::ser::Error::custom)?;
        match json.as_object_mut() {
            Some(map) => {
                map.insert(tag.to_string(), Value::String(value.to_string()));
            }
            None => {
                return Err(serde::ser::Error::custom(
                    "a tagged union variant must serialize as an object",
                ))
            }
        }
        json.serialize(serializer)
    }
}

/// Untagged unions (`oneOf`/`anyOf` without a tag): of the variants that accept a value, the
/// one whose serialization reproduces the most of it wins, so no variant swallows an instance
/// meant for another and drops its properties. Variants are first tried *strictly*, with every
/// forward-compatible catch-all (an open enum's or tagged union's `Unknown`) refusing values,
/// so an open enum takes a value only when no other variant reproduces it as well.
pub mod untagged {
    use serde::Serialize;
    use serde_json::Value;
    use std::cell::Cell;

    thread_local! {
        static STRICT: Cell<bool> = const { Cell::new(false) };
    }

    /// True while a union tries its variants without catch-alls: open enums and open tagged
    /// unions then reject values they do not know.
    pub fn strict() -> bool {
        STRICT.with(Cell::get)
    }

    /// Sets the strict flag for its lifetime, restoring the previous value on drop (also
    /// when a deserializer panics).
    struct Strict(bool);

    impl Strict {
        fn set(on: bool) -> Self {
            Strict(STRICT.with(|s| s.replace(on)))
        }
    }

    impl Drop for Strict {
        fn drop(&mut self) {
            STRICT.with(|s| s.set(self.0));
        }
    }

    /// One variant of a union: its name (for errors) and how to read it from the JSON.
    pub type Variant<T> = (&'static str, fn(Value) -> Result<T, String>);

    /// Deserializes one variant's type; used by the functions of [`Variant`]s.
    pub fn parse<V: serde::de::DeserializeOwned>(value: Value) -> Result<V, String> {
        super::from_value(value)
    }

    /// Chooses the variant for `value`: the one that reproduces it exactly (the first, in
    /// order), else the one that reproduces the most of it; catch-alls only when they do
    /// strictly better than every variant without them.
    pub fn choose<T: Serialize, E: serde::de::Error>(
        value: Value,
        type_name: &str,
        variants: &[Variant<T>],
    ) -> Result<T, E> {
        let outer_strict = strict();
        let mut errors = Vec::new();
        let strict_best = {
            let _strict = Strict::set(true);
            best(&value, variants, &mut errors)
        };
        let chosen = match strict_best {
            Some((score, variant)) if score == usize::MAX || outer_strict => Some(variant),
            strict_best => {
                let _lenient = Strict::set(false);
                errors.clear();
                match (strict_best, best(&value, variants, &mut errors)) {
                    (Some((s1, v1)), Some((s2, v2))) => Some(if s2 > s1 { v2 } else { v1 }),
                    (a, b) => a.or(b).map(|(_, v)| v),
                }
            }
        };
        chosen.ok_or_else(|| {
            E::custom(format!(
                "data did not match any variant of untagged enum {type_name} ({})",
                errors.join("; ")
            ))
        })
    }

    /// The best of the variants that accept `value`, with its score (`usize::MAX` for an
    /// exact reproduction, which ends the search); the errors of the others.
    fn best<T: Serialize>(
        value: &Value,
        variants: &[Variant<T>],
        errors: &mut Vec<String>,
    ) -> Option<(usize, T)> {
        let mut best: Option<(usize, T)> = None;
        for (name, read) in variants {
            match read(value.clone()) {
                Ok(candidate) => {
                    let score = serde_json::to_value(&candidate).map_or(0, |out| {
                        if same(value, &out) {
                            usize::MAX
                        } else {
                            overlap(value, &out)
                        }
                    });
                    if best.as_ref().is_none_or(|(s, _)| score > *s) {
                        best = Some((score, candidate));
                    }
                    if score == usize::MAX {
                        break;
                    }
                }
                Err(e) => errors.push(format!("{name}: {e}")),
            }
        }
        best
    }

    /// JSON equality with numbers compared by value (`5` equals `5.0`).
    fn same(a: &Value, b: &Value) -> bool {
        match (a, b) {
            (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
            (Value::Array(x), Value::Array(y)) => {
                x.len() == y.len() && x.iter().zip(y).all(|(v, w)| same(v, w))
            }
            (Value::Object(x), Value::Object(y)) => {
                x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
            }
            _ => a == b,
        }
    }

    /// How many of `a`'s leaves (scalars and empty containers) `b` has unchanged.
    fn overlap(a: &Value, b: &Value) -> usize {
        match (a, b) {
            (Value::Object(x), Value::Object(y)) if !x.is_empty() => x
                .iter()
                .map(|(k, v)| y.get(k).map_or(0, |w| overlap(v, w)))
                .sum(),
            (Value::Array(x), Value::Array(y)) if !x.is_empty() => {
                x.iter().zip(y).map(|(v, w)| overlap(v, w)).sum()
            }
            _ => usize::from(same(a, b)),
        }
    }
}

/// Adjacently tagged pairs: one property names the variant, a sibling holds its content.
pub mod adjacent {
    use serde::de::Error as _;
    use serde::ser::SerializeMap;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use serde_json::{Map, Value};

    /// Reads the tag (a string) and the content (`None` when absent or `null`). With
    /// `allowed = Some(keys)`, any other key is an error (the object is closed).
    pub fn split<'de, D: Deserializer<'de>>(
        deserializer: D,
        tag: &'static str,
        content: &'static str,
        closed: bool,
    ) -> Result<(String, Option<Value>), D::Error> {
        let mut map = Map::<String, Value>::deserialize(deserializer)?;
        let name = match map.remove(tag) {
            Some(Value::String(s)) => s,
            Some(_) => return Err(D::Error::custom(format!("`{tag}` must be a string"))),
            None => return Err(D::Error::missing_field(tag)),
        };
        let body = map.remove(content).filter(|v| !v.is_null());
        if closed {
            if let Some(key) = map.keys().next() {
                return Err(D::Error::unknown_field(key, &[]));
            }
        }
        Ok((name, body))
    }

    /// Content that the variant requires.
    pub fn required<T: serde::de::DeserializeOwned, E: serde::de::Error>(
        body: Option<Value>,
        content: &'static str,
    ) -> Result<T, E> {
        match body {
            Some(value) => super::from_value(value)
                .map_err(|e| E::custom(format!("in `{content}`: {e}"))),
            None => Err(E::missing_field(content)),
        }
    }

    /// Content the variant may omit.
    pub fn optional<T: serde::de::DeserializeOwned, E: serde::de::Error>(
        body: Option<Value>,
    ) -> Result<Option<T>, E> {
        body.map(|value| super::from_value(value).map_err(E::custom))
            .transpose()
    }

    /// A variant that takes no content.
    pub fn none<E: serde::de::Error>(body: Option<Value>, content: &'static str) -> Result<(), E> {
        match body {
            None => Ok(()),
            Some(_) => Err(E::custom(format!("this variant takes no `{content}`"))),
        }
    }

    /// Writes `{tag: value, content: body}` (the content only when present).
    pub fn serialize<S: Serializer, T: Serialize>(
        serializer: S,
        tag: &str,
        value: &str,
        content: &str,
        body: Option<&T>,
    ) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(1 + usize::from(body.is_some())))?;
        map.serialize_entry(tag, value)?;
        if let Some(body) = body {
            map.serialize_entry(content, body)?;
        }
        map.end()
    }
}
