//! `Option<Option<T>>` for a property that is optional *and* nullable: `None` = absent,
//! `Some(None)` = `null`, `Some(Some(v))` = a value. Use with
//! `#[serde(default, skip_serializing_if = "Option::is_none", with = "…double_option")]`.

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
