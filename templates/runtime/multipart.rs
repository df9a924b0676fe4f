//! `multipart/form-data` bodies: [`Multipart`] builds the form (text fields and
//! [`FilePart`]s), [`Request::multipart`] sends it.

use super::{Bytes, Request};

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
        let boundary = format!("oagen-{:016x}", super::retry::random_u64());
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

impl Request {
    /// Sets a `multipart/form-data` body.
    pub fn multipart(&mut self, form: &Multipart) {
        let (content_type, bytes) = form.encode();
        self.body = Some((content_type, bytes.into()));
    }
}
