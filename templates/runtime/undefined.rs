//! Properties that FastAPI's `Undefined` sentinel makes omittable (`anyOf: [T, Undefined]`).
//! `Undefined`'s own value is `{}`; a present `{}` that `T` does not accept is read as
//! absent (`None`), so a response carrying it still parses.

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

/// As [`deserialize`], for a nullable property of a type only read from responses: `null`
/// and `{}` both read as `None`.
pub fn deserialize_or_null<'de, T: DeserializeOwned, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<T>, D::Error> {
    deserialize::<Option<T>, D>(deserializer).map(Option::flatten)
}
