//! Runtime support shared by every generated client and type module.
//!
//! Hand-written (it lives in oagen's `templates/runtime.rs`) and copied verbatim into each
//! generated crate, so a generated crate depends on nothing from the oagen repository.
//!
//! - [`Request`] builds one HTTP request: path segments are percent-encoded one segment at
//!   a time, query values are form-encoded, header values containing CR or LF are refused;
//! - [`RawResponse`] is what came back; the generated methods turn it into a typed body or
//!   an [`Error`];
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
}

impl serde::Serialize for UnknownVariant {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(serializer)
    }
}

/// Everything that can go wrong with one API call.
///
/// `E` is the operation's enum of documented error responses (one variant per documented
/// non-success status, holding the typed body); operations without documented errors use
/// [`std::convert::Infallible`].
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
        /// Where and why decoding failed.
        source: serde_json::Error,
    },
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
            Error::InvalidRequest(_) => None,
        }
    }

    /// The response headers, when a response was received.
    pub fn headers(&self) -> Option<&HeaderMap> {
        match self {
            Error::Api { headers, .. }
            | Error::UnexpectedStatus { headers, .. }
            | Error::Decode { headers, .. } => Some(headers),
            Error::Transport(_) | Error::InvalidRequest(_) => None,
        }
    }

    /// The documented error body, if the server sent one.
    pub fn body(&self) -> Option<&E> {
        match self {
            Error::Api { body, .. } => Some(body),
            _ => None,
        }
    }
}

impl<E: fmt::Debug> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api { status, body, .. } => write!(f, "API error {status}: {body:?}"),
            Error::UnexpectedStatus { status, body, .. } => {
                write!(f, "undocumented status {status} ({} byte body)", body.len())
            }
            Error::Decode { status, source, .. } => {
                write!(f, "response with status {status} did not decode: {source}")
            }
            Error::Transport(e) => write!(f, "transport error: {e}"),
            Error::InvalidRequest(message) => write!(f, "invalid request: {message}"),
        }
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

/// One HTTP request under construction. Errors are kept and reported by [`Request::send`].
#[derive(Debug)]
pub struct Request {
    method: reqwest::Method,
    url: Result<reqwest::Url, String>,
    headers: HeaderMap,
    body: Option<(&'static str, Vec<u8>)>,
    error: Option<String>,
}

impl Request {
    /// A request to `base_url` followed by `segments`, each percent-encoded as one path
    /// segment (so `/`, `?` and `#` in a value cannot change the path or query).
    pub fn new(method: reqwest::Method, base_url: &str, segments: &[String]) -> Self {
        let url = reqwest::Url::parse(base_url)
            .map_err(|e| format!("base URL `{base_url}` is not an absolute URL: {e}"))
            .and_then(|mut url| {
                url.path_segments_mut()
                    .map_err(|()| format!("base URL `{base_url}` cannot have a path"))?
                    .pop_if_empty()
                    .extend(segments);
                Ok(url)
            });
        Request {
            method,
            url,
            headers: HeaderMap::new(),
            body: None,
            error: None,
        }
    }

    /// Appends `name=value` to the query string; an array value repeats the name per item
    /// (OpenAPI `style: form`, `explode: true`, the default for query parameters).
    pub fn query<T: serde::Serialize + ?Sized>(&mut self, name: &str, value: &T) {
        match serde_json::to_value(value) {
            Ok(serde_json::Value::Array(items)) => {
                for item in &items {
                    self.push_query(name, &value_text(item));
                }
            }
            Ok(value) => self.push_query(name, &value_text(&value)),
            Err(e) => self.fail(format!("query parameter `{name}`: {e}")),
        }
    }

    fn push_query(&mut self, name: &str, value: &str) {
        if let Ok(url) = &mut self.url {
            url.query_pairs_mut().append_pair(name, value);
        }
    }

    /// Sets a header; a value with CR, LF or other bytes not allowed in a header is refused.
    pub fn header<T: serde::Serialize + ?Sized>(&mut self, name: &'static str, value: &T) {
        self.insert_header(name, &param(value), false);
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

    /// Sends a credential in a header (OAS `type: apiKey`, `in: header`).
    pub fn secret_header(&mut self, name: &'static str, credential: &Secret) {
        self.insert_header(name, credential.expose(), true);
    }

    /// Sends a credential in the query string (OAS `type: apiKey`, `in: query`).
    pub fn secret_query(&mut self, name: &str, credential: &Secret) {
        self.push_query(name, credential.expose());
    }

    /// Sets a JSON body.
    pub fn json<T: serde::Serialize + ?Sized>(&mut self, body: &T) {
        match serde_json::to_vec(body) {
            Ok(bytes) => self.body = Some(("application/json", bytes)),
            Err(e) => self.fail(format!("request body does not serialize: {e}")),
        }
    }

    /// Sets a raw body with its media type.
    pub fn bytes(&mut self, content_type: &'static str, body: Vec<u8>) {
        self.body = Some((content_type, body));
    }

    fn fail(&mut self, message: String) {
        self.error.get_or_insert(message);
    }

    /// Sends the request and reads the whole response.
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] for a request that could not be built, [`Error::Transport`]
    /// when the exchange fails. Any status is returned as a [`RawResponse`].
    pub async fn send<E>(self, http: &reqwest::Client) -> Result<RawResponse, Error<E>> {
        self.send_raw(http).await
    }

    async fn send_raw<E>(self, http: &reqwest::Client) -> Result<RawResponse, Error<E>> {
        if let Some(message) = self.error {
            return Err(Error::InvalidRequest(message));
        }
        let url = self.url.map_err(Error::InvalidRequest)?;
        let mut builder = http.request(self.method, url).headers(self.headers);
        if let Some((content_type, body)) = self.body {
            builder = builder
                .header(reqwest::header::CONTENT_TYPE, content_type)
                .body(body);
        }
        let response = builder.send().await.map_err(Error::Transport)?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.bytes().await.map_err(Error::Transport)?;
        Ok(RawResponse {
            status,
            headers,
            body,
        })
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

    /// Decodes a JSON success body.
    ///
    /// # Errors
    /// [`Error::Decode`], keeping the raw body, when it does not match `T`.
    pub fn json<T: serde::de::DeserializeOwned, E>(self) -> Result<T, Error<E>> {
        match serde_json::from_slice(&self.body) {
            Ok(value) => Ok(value),
            Err(source) => Err(self.decode_error(source)),
        }
    }

    /// The success body as bytes.
    pub fn bytes<E>(self) -> Result<Bytes, Error<E>> {
        Ok(self.body)
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
        match serde_json::from_slice(&self.body) {
            Ok(body) => Error::Api {
                status: self.status,
                headers: self.headers,
                body: variant(body),
            },
            Err(source) => self.decode_error(source),
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

    fn decode_error<E>(self, source: serde_json::Error) -> Error<E> {
        Error::Decode {
            status: self.status,
            headers: self.headers,
            body: self.body,
            source,
        }
    }
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

    /// Deserializes the variant's type from the whole object; `strip` removes the tag first
    /// when the variant's type has no field for it.
    pub fn variant<T: serde::de::DeserializeOwned, E: serde::de::Error>(
        mut value: Value,
        strip: Option<&str>,
    ) -> Result<T, E> {
        if let (Some(tag), Some(map)) = (strip, value.as_object_mut()) {
            map.remove(tag);
        }
        serde_json::from_value(value).map_err(E::custom)
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
            Some(value) => serde_json::from_value(value).map_err(E::custom),
            None => Err(E::missing_field(content)),
        }
    }

    /// Content the variant may omit.
    pub fn optional<T: serde::de::DeserializeOwned, E: serde::de::Error>(
        body: Option<Value>,
    ) -> Result<Option<T>, E> {
        body.map(|value| serde_json::from_value(value).map_err(E::custom))
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
