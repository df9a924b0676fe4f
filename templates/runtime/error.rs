//! [`Error`] is everything that can go wrong with one call: a documented error status with
//! its typed body, an undocumented status, a body that does not decode, a timeout, a
//! transport failure or a request that cannot be built; each keeps status, headers and the
//! vendor's request id.

use super::{Bytes, HeaderMap, StatusCode};
use std::fmt;
use std::time::Duration;

/// Response headers that carry the vendor's request id, in the order they are looked up.
pub const REQUEST_ID_HEADERS: &[&str] = &[
    "x-request-id",
    "request-id",
    "x-amzn-requestid",
    "x-amz-request-id",
    "x-correlation-id",
    "x-trace-id",
];

pub(super) fn request_id_of(headers: &HeaderMap) -> Option<&str> {
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
/// Credentials never appear in the `Debug` or `Display` output: `Debug` shows credential
/// and cookie headers (`Authorization`, `Set-Cookie`, API-key headers, …) as `<redacted>`
/// and at most the first [`DEBUG_BODY_BYTES`] bytes of a raw body.
///
/// `#[non_exhaustive]`: match with a `_` arm, or use the `is_*` helpers.
#[non_exhaustive]
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
    /// The response body is larger than the client accepts: a buffered success body over
    /// the client's `max_response_bytes` (checked against `Content-Length` before reading,
    /// and while reading), or one event of an event stream over its `max_event_bytes`.
    ResponseTooLarge {
        /// HTTP status.
        status: StatusCode,
        /// Response headers.
        headers: HeaderMap,
        /// The limit that was exceeded, in bytes.
        limit: u64,
    },
    /// No complete response (or, for an OAuth2 scheme, no access token) arrived within the
    /// timeout (per request or the client's).
    Timeout(std::time::Duration),
    /// Connecting, sending or receiving failed.
    Transport(reqwest::Error),
    /// The request could not be built (invalid base URL, a path parameter that is empty,
    /// `.`, `..` or holds a control character, a header value with CR/LF, a body that does
    /// not serialize), or no OAuth2 access token could be had.
    InvalidRequest(String),
    /// An interceptor (see the `interceptor` module) failed the call: its error. No request
    /// was sent by the attempt it failed.
    Interceptor(BoxError),
}

/// The error an interceptor fails a call with.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

impl<E> Error<E> {
    /// The HTTP status, when a response was received.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api { status, .. }
            | Error::UnexpectedStatus { status, .. }
            | Error::Decode { status, .. }
            | Error::ResponseTooLarge { status, .. } => Some(*status),
            Error::Transport(e) => e.status(),
            Error::Timeout(_) | Error::InvalidRequest(_) | Error::Interceptor(_) => None,
        }
    }

    /// The response headers, when a response was received.
    pub fn headers(&self) -> Option<&HeaderMap> {
        match self {
            Error::Api { headers, .. }
            | Error::UnexpectedStatus { headers, .. }
            | Error::Decode { headers, .. }
            | Error::ResponseTooLarge { headers, .. } => Some(headers),
            Error::Timeout(_)
            | Error::Transport(_)
            | Error::InvalidRequest(_)
            | Error::Interceptor(_) => None,
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

    /// True when a response with this status was received (documented or not).
    pub fn is_status(&self, status: u16) -> bool {
        self.status().is_some_and(|s| s.as_u16() == status)
    }

    /// True for `400 Bad Request`.
    pub fn is_bad_request(&self) -> bool {
        self.is_status(400)
    }

    /// True for `401 Unauthorized` (a missing or wrong credential).
    pub fn is_unauthorized(&self) -> bool {
        self.is_status(401)
    }

    /// True for `403 Forbidden`.
    pub fn is_forbidden(&self) -> bool {
        self.is_status(403)
    }

    /// True for `404 Not Found`.
    pub fn is_not_found(&self) -> bool {
        self.is_status(404)
    }

    /// True for `409 Conflict`.
    pub fn is_conflict(&self) -> bool {
        self.is_status(409)
    }

    /// True for `422 Unprocessable Entity` (a request the server could not validate).
    pub fn is_unprocessable(&self) -> bool {
        self.is_status(422)
    }

    /// True for `429 Too Many Requests`.
    pub fn is_rate_limited(&self) -> bool {
        self.is_status(429)
    }

    /// True for a `5xx` status.
    pub fn is_server_error(&self) -> bool {
        self.status().is_some_and(|s| s.is_server_error())
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
            Error::ResponseTooLarge { status, limit, .. } => {
                write!(
                    f,
                    "response with status {status} is larger than the limit of {limit} bytes"
                )
            }
            Error::Timeout(limit) => write!(f, "no response within {limit:?}"),
            Error::Transport(e) => write!(f, "transport error: {e}"),
            Error::InvalidRequest(message) => write!(f, "invalid request: {message}"),
            Error::Interceptor(e) => write!(f, "an interceptor failed the call: {e}"),
        }?;
        if let Some(id) = self.request_id() {
            write!(f, " (request id {id})")?;
        }
        Ok(())
    }
}

impl<E: fmt::Debug> fmt::Debug for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api {
                status,
                headers,
                body,
            } => f
                .debug_struct("Api")
                .field("status", status)
                .field("headers", &RedactedHeaders(headers))
                .field("body", body)
                .finish(),
            Error::UnexpectedStatus {
                status,
                headers,
                body,
            } => f
                .debug_struct("UnexpectedStatus")
                .field("status", status)
                .field("headers", &RedactedHeaders(headers))
                .field("body", &BodyPreview(body))
                .finish(),
            Error::Decode {
                status,
                headers,
                body,
                path,
                source,
            } => f
                .debug_struct("Decode")
                .field("status", status)
                .field("headers", &RedactedHeaders(headers))
                .field("body", &BodyPreview(body))
                .field("path", path)
                .field("source", source)
                .finish(),
            Error::ResponseTooLarge {
                status,
                headers,
                limit,
            } => f
                .debug_struct("ResponseTooLarge")
                .field("status", status)
                .field("headers", &RedactedHeaders(headers))
                .field("limit", limit)
                .finish(),
            Error::Timeout(limit) => f.debug_tuple("Timeout").field(limit).finish(),
            Error::Transport(e) => f.debug_tuple("Transport").field(e).finish(),
            Error::InvalidRequest(message) => {
                f.debug_tuple("InvalidRequest").field(message).finish()
            }
            Error::Interceptor(e) => f.debug_tuple("Interceptor").field(e).finish(),
        }
    }
}

/// How many bytes of a raw body the `Debug` output of [`Error`] shows.
pub const DEBUG_BODY_BYTES: usize = 512;

/// True for a header that carries a credential or a cookie, whose value `Debug` output
/// hides: `Authorization`, `Proxy-Authorization`, `Cookie`, `Set-Cookie`, and any name
/// containing `key`, `token`, `secret`, `password`, `session`, `signature` or `auth`
/// (`X-Api-Key`, `X-Auth-Token`, …).
pub(super) fn is_credential_header(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    matches!(name.as_str(), "cookie" | "set-cookie" | "set-cookie2")
        || [
            "auth",
            "key",
            "token",
            "secret",
            "password",
            "session",
            "signature",
        ]
        .iter()
        .any(|word| name.contains(word))
}

/// `Debug` of a header map with the values of credential and cookie headers (and of
/// values marked sensitive) shown as `<redacted>`.
pub(super) struct RedactedHeaders<'a>(pub(super) &'a HeaderMap);

impl fmt::Debug for RedactedHeaders<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for (name, value) in self.0 {
            if value.is_sensitive() || is_credential_header(name.as_str()) {
                map.entry(&name.as_str(), &format_args!("<redacted>"));
            } else {
                map.entry(&name.as_str(), value);
            }
        }
        map.finish()
    }
}

/// `Debug` of a body: its first [`DEBUG_BODY_BYTES`] bytes as text (invalid UTF-8
/// replaced), and its length when cut.
pub(super) struct BodyPreview<'a>(pub(super) &'a [u8]);

impl fmt::Debug for BodyPreview<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = &self.0[..self.0.len().min(DEBUG_BODY_BYTES)];
        let text = String::from_utf8_lossy(shown);
        if shown.len() < self.0.len() {
            write!(f, "{text:?}… ({} bytes)", self.0.len())
        } else {
            write!(f, "{text:?}")
        }
    }
}

impl<E: fmt::Debug> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Decode { source, .. } => Some(source),
            Error::Transport(e) => Some(e),
            Error::Interceptor(e) => Some(e.as_ref()),
            _ => None,
        }
    }
}

/// A failure before any response could be interpreted; converted into [`Error`].
#[doc(hidden)]
pub enum Failure {
    Timeout(Duration),
    Transport(reqwest::Error),
    InvalidRequest(String),
    Interceptor(BoxError),
    TooLarge {
        status: StatusCode,
        headers: HeaderMap,
        limit: u64,
    },
}

impl fmt::Debug for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Timeout(limit) => f.debug_tuple("Timeout").field(limit).finish(),
            Failure::Transport(e) => f.debug_tuple("Transport").field(e).finish(),
            Failure::InvalidRequest(m) => f.debug_tuple("InvalidRequest").field(m).finish(),
            Failure::Interceptor(e) => f.debug_tuple("Interceptor").field(e).finish(),
            Failure::TooLarge {
                status,
                headers,
                limit,
            } => f
                .debug_struct("TooLarge")
                .field("status", status)
                .field("headers", &RedactedHeaders(headers))
                .field("limit", limit)
                .finish(),
        }
    }
}

impl<E> From<Failure> for Error<E> {
    fn from(failure: Failure) -> Self {
        match failure {
            Failure::Timeout(d) => Error::Timeout(d),
            Failure::Transport(e) => Error::Transport(e),
            Failure::InvalidRequest(m) => Error::InvalidRequest(m),
            Failure::Interceptor(e) => Error::Interceptor(e),
            Failure::TooLarge {
                status,
                headers,
                limit,
            } => Error::ResponseTooLarge {
                status,
                headers,
                limit,
            },
        }
    }
}
