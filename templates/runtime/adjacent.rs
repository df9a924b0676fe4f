//! Adjacently tagged pairs: one property names the variant, a sibling holds its content.

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
    match map.keys().next() {
        Some(key) if closed => Err(D::Error::unknown_field(key, &[])),
        _ => Ok((name, body)),
    }
}

/// Content that the variant requires.
pub fn required<T: serde::de::DeserializeOwned, E: serde::de::Error>(
    body: Option<Value>,
    content: &'static str,
) -> Result<T, E> {
    match body {
        Some(value) => {
            super::from_value(value).map_err(|e| E::custom(format!("in `{content}`: {e}")))
        }
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
