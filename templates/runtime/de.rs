//! Compact `Deserialize` impls for generated structs and string enums.
//!
//! `#[derive(Deserialize)]` writes, per struct, a field-identifier enum with three visitor
//! methods, a sequence visitor and a map visitor: over half of what the compiler checks in a
//! large generated crate. A generated struct instead implements [`Object`] with one map
//! loop (`match` on the key, one `next_value` per property) and calls [`object`]; a string
//! enum matches a [`Key`]. The JSON accepted is the same as the derive's: unknown properties
//! are skipped (or rejected, for closed request types), a missing required property is a
//! `missing field` error, a missing optional one is `None`, and errors keep their JSON path
//! (the map is read in place, never buffered).

use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};
use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

/// An object key or string value as read: borrowed from the input when it can be.
pub struct Key<'de>(Cow<'de, str>);

impl Key<'_> {
    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;

        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }

            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }

            fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }

        deserializer.deserialize_str(KeyVisitor)
    }
}

/// A generated struct read from a JSON object, one property at a time.
pub trait Object: Sized {
    /// What the type is, for `invalid type` errors (`an object Foo`).
    const EXPECTING: &'static str;

    /// Reads the object's properties from `map`.
    fn read<'de, A: MapAccess<'de>>(map: A) -> Result<Self, A::Error>;
}

/// `Deserialize::deserialize` of a type that implements [`Object`].
pub fn object<'de, T: Object, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
    struct ObjectVisitor<T>(PhantomData<T>);

    impl<'de, T: Object> Visitor<'de> for ObjectVisitor<T> {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(T::EXPECTING)
        }

        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
            T::read(map)
        }
    }

    deserializer.deserialize_map(ObjectVisitor(PhantomData))
}

/// Skips the value of a property the type does not declare.
pub fn skip<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<de::IgnoredAny>().map(|_| ())
}

/// The error for a property a closed type does not declare.
pub fn unknown<E: de::Error>(key: &str, expected: &'static [&'static str]) -> E {
    E::unknown_field(key, expected)
}

/// The value of a required property, or the derive's answer when it is missing: `None` for
/// a type that reads a missing value as `null` (an `Option` alias), else a `missing field`
/// error.
pub fn required<'de, T: Deserialize<'de>, E: de::Error>(
    slot: Option<T>,
    field: &'static str,
) -> Result<T, E> {
    match slot {
        Some(value) => Ok(value),
        None => T::deserialize(Missing(field, PhantomData)),
    }
}

/// A deserializer for an absent property: `null` to `Option`s, `missing field` to the rest.
struct Missing<E>(&'static str, PhantomData<E>);

impl<'de, E: de::Error> Deserializer<'de> for Missing<E> {
    type Error = E;

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, E> {
        Err(E::missing_field(self.0))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        visitor.visit_none()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit unit_struct newtype_struct seq tuple tuple_struct map struct enum identifier
        ignored_any
    }
}
