//! Internally tagged unions: one property of the object names the variant.

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
