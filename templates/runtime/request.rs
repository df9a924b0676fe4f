//! [`Request`] builds one HTTP request: path segments are percent-encoded one segment at a
//! time (empty, `.`, `..` and control characters refused), query values are form-encoded in
//! the parameter's style, header values containing CR or LF are refused; errors are kept and
//! reported when the request is sent.

use super::encoding::{bracket_pairs, value_text};
use super::error::RedactedHeaders;
use super::{form_pairs, param, urlencoded, Bytes, HeaderMap, QueryStyle, Secret, TokenProvider};
use std::fmt;

/// One HTTP request under construction. Errors are kept and reported when it is sent.
///
/// Its `Debug` output shows no credential: credential and cookie headers and cookie values
/// are `<redacted>`, and the body is shown by media type and length only.
pub struct Request {
    pub(super) operation: &'static str,
    pub(super) method: reqwest::Method,
    pub(super) template: &'static str,
    pub(super) segments: Vec<String>,
    pub(super) query: Vec<(String, String)>,
    pub(super) secret_query: Vec<(String, Secret)>,
    pub(super) headers: HeaderMap,
    pub(super) cookies: Vec<(String, String)>,
    pub(super) token: Option<std::sync::Arc<dyn TokenProvider>>,
    pub(super) body: Option<(String, Bytes)>,
    pub(super) error: Option<String>,
    pub(super) url: Option<String>,
    pub(super) idempotency_key: Option<&'static str>,
}

impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cookies: Vec<_> = self
            .cookies
            .iter()
            .map(|(name, _)| (name.as_str(), format_args!("<redacted>")))
            .collect();
        let body = self
            .body
            .as_ref()
            .map(|(content_type, bytes)| format!("{content_type}, {} bytes", bytes.len()));
        f.debug_struct("Request")
            .field("operation", &self.operation)
            .field("method", &self.method)
            .field("template", &self.template)
            .field("segments", &self.segments)
            .field("query", &self.query)
            .field("secret_query", &self.secret_query)
            .field("headers", &RedactedHeaders(&self.headers))
            .field("cookies", &cookies)
            .field("token", &self.token)
            .field("body", &body)
            .field("error", &self.error)
            .field("url", &self.url)
            .field("idempotency_key", &self.idempotency_key)
            .finish()
    }
}

/// Why `segment` cannot be a path segment: empty, `.` or `..` (which URL resolution
/// removes, or which climb out of the base path), or holding an ASCII control character
/// (which URL parsing drops, so `..\t` would become `..`).
fn unsafe_segment(segment: &str) -> Option<&'static str> {
    if segment.is_empty() {
        Some("is empty")
    } else if segment.bytes().any(|b| b.is_ascii_control()) {
        Some("contains a control character")
    } else if segment == "." || segment == ".." {
        Some("is a dot segment")
    } else {
        None
    }
}

impl Request {
    /// A request of operation `operation` (its id in the spec, which interceptors see) for
    /// the path `template` (for tracing and interceptors), made of `segments`, each
    /// percent-encoded as one path segment (so `/`, `?` and `#` in a value cannot change
    /// the path or query) and appended to the client's base URL.
    ///
    /// A segment that is empty, `.` or `..`, or holds an ASCII control character, makes
    /// the request fail with `Error::InvalidRequest` when sent: no value can leave the base
    /// path or address another resource than the template says.
    pub fn new(
        operation: &'static str,
        method: reqwest::Method,
        template: &'static str,
        segments: &[&str],
    ) -> Self {
        let error = segments.iter().find_map(|segment| {
            unsafe_segment(segment)
                .map(|why| format!("path segment {segment:?} of `{template}` {why}; not sent"))
        });
        Request {
            operation,
            method,
            template,
            segments: segments.iter().map(|s| (*s).to_string()).collect(),
            query: Vec::new(),
            secret_query: Vec::new(),
            headers: HeaderMap::new(),
            cookies: Vec::new(),
            token: None,
            body: None,
            error,
            url: None,
            idempotency_key: None,
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

    pub(super) fn insert_header(&mut self, name: &'static str, value: &str, sensitive: bool) {
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

    /// Sends header `name` with a fresh key (a random UUID) unless the caller set it, the
    /// same key on every retry of this call, and allows retrying the call whatever its
    /// method (the server deduplicates by key; the IETF draft `Idempotency-Key` header).
    pub fn idempotency_key(&mut self, name: &'static str) {
        self.idempotency_key = Some(name);
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

    pub(super) fn fail(&mut self, message: String) {
        self.error.get_or_insert(message);
    }
}
