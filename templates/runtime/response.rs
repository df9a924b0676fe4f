//! What came back: [`RawResponse`] (status, headers and the whole body), which the
//! generated methods turn into a typed body or an [`Error`], and [`Response`], a typed body
//! with its status and headers.

use super::error::{request_id_of, BodyPreview, RedactedHeaders};
use super::{Bytes, Error, HeaderMap, StatusCode};
use std::fmt;

/// A response as received: status, headers and the whole body. Its `Debug` output hides
/// credential and cookie headers and shows the start of the body only.
#[derive(Clone)]
pub struct RawResponse {
    pub(super) status: StatusCode,
    pub(super) headers: HeaderMap,
    pub(super) body: Bytes,
}

impl fmt::Debug for RawResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawResponse")
            .field("status", &self.status)
            .field("headers", &RedactedHeaders(&self.headers))
            .field("body", &BodyPreview(&self.body))
            .finish()
    }
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

pub(super) fn decode_json<T: serde::de::DeserializeOwned>(
    body: &[u8],
) -> Result<T, (String, serde_json::Error)> {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let value: T = serde_path_to_error::deserialize(&mut deserializer)
        .map_err(|e| (e.path().to_string(), e.into_inner()))?;
    deserializer.end().map_err(|e| (".".to_string(), e))?;
    Ok(value)
}

/// A typed body with the status and headers it came with (see [`Call::raw`](super::Call::raw)).
/// Its `Debug` output hides credential and cookie headers (`Set-Cookie`, …).
#[derive(Clone)]
pub struct Response<T> {
    /// HTTP status.
    pub status: StatusCode,
    /// Response headers.
    pub headers: HeaderMap,
    /// The typed body.
    pub body: T,
}

impl<T: fmt::Debug> fmt::Debug for Response<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Response")
            .field("status", &self.status)
            .field("headers", &RedactedHeaders(&self.headers))
            .field("body", &self.body)
            .finish()
    }
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

/// Used by the serde helpers of generated types: deserializes a buffered value; on failure the message starts with the path of the failure
/// inside it (`model_id: invalid type: …`), which the enclosing decode error would not reach
/// (serde reports the position of the buffered value itself).
#[doc(hidden)]
pub fn from_value<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> Result<T, String> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        if path == "." {
            e.into_inner().to_string()
        } else {
            format!("at `{path}`: {}", e.into_inner())
        }
    })
}
