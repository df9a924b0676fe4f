//! Forward compatibility: [`UnknownValue`] and [`UnknownVariant`] keep an enum value or a
//! tagged-union member that the API added after the SDK was generated.

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
