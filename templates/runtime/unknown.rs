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

    /// Used by generated deserializers: the value, or an error while an untagged union tries
    /// its variants without catch-alls.
    #[doc(hidden)]
    pub fn read<E: serde::de::Error>(value: String) -> Result<Self, E> {
        if super::encoding::catch_alls_refused() {
            return Err(E::custom(format!("unknown value `{value}`")));
        }
        Ok(UnknownValue(value))
    }
}

impl serde::Serialize for UnknownValue {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        UNKNOWN_SERIALIZED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        serializer.serialize_str(&self.0)
    }
}

/// How many catch-all values ([`UnknownValue`], [`UnknownVariant`]) this process has
/// serialized. The schema round-trip harness (`tests/roundtrip` in oagen) reads it around one
/// deserialize-and-serialize to see whether a value landed in a catch-all (counting at
/// serialization sees only the values kept, not an untagged union's discarded attempts).
#[doc(hidden)]
pub static UNKNOWN_SERIALIZED: std::sync::atomic::AtomicUsize =
    std::sync::atomic::AtomicUsize::new(0);

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

    /// Used by generated deserializers: the variant, or an error while an untagged union
    /// tries its variants without catch-alls.
    #[doc(hidden)]
    pub fn read<E: serde::de::Error>(tag: &str, value: serde_json::Value) -> Result<Self, E> {
        if super::encoding::catch_alls_refused() {
            return Err(E::custom(format!("unknown tag `{tag}`")));
        }
        Ok(Self::from_wire(tag, value))
    }
}

impl serde::Serialize for UnknownVariant {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        UNKNOWN_SERIALIZED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.value.serialize(serializer)
    }
}
