//! Internally tagged unions: one property of the object names the variant.
//!
//! The object is read in place: the properties before the tag (usually none) are buffered,
//! then the tag picks the variant, which reads the buffered properties and the rest of the
//! object straight from the input.

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::Value;
use std::fmt;
use std::marker::PhantomData;

/// An internally tagged union as the generated code describes it.
pub trait Tagged: Sized {
    /// The tag property.
    const TAG: &'static str;

    /// Reads the variant that `tag` names from `fields` (the whole object, tag included).
    ///
    /// # Errors
    /// The variant's error, or `unknown variant` for a tag the union does not know.
    fn variant<'de, A: MapAccess<'de>>(tag: &str, fields: Fields<A>) -> Result<Self, A::Error>;

    /// Reads an object without the tag: by shape when some variants may omit it, else a
    /// `missing field` error.
    ///
    /// # Errors
    /// `missing field` (the default), or no variant that fits the object's shape.
    fn untagged<E: de::Error>(value: Value) -> Result<Self, E> {
        let _ = value;
        Err(E::missing_field(Self::TAG))
    }
}

/// `Deserialize::deserialize` of an internally tagged union.
///
/// # Errors
/// Not an object, a tag that is not a string, a missing tag, or the variant's error.
pub fn deserialize<'de, T: Tagged, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
    deserializer.deserialize_map(TaggedVisitor(PhantomData))
}

struct TaggedVisitor<T>(PhantomData<T>);

impl<'de, T: Tagged> Visitor<'de> for TaggedVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "an object with a `{}` property", T::TAG)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let mut before = Vec::new();
        while let Some(key) = map.next_key_seed(NotTag(T::TAG))? {
            match key {
                Some(key) => before.push((key, map.next_value::<Value>()?)),
                None => {
                    let tag = match map.next_value::<Value>()? {
                        Value::String(tag) => tag,
                        _ => {
                            return Err(de::Error::custom(format!(
                                "`{}` must be a string",
                                T::TAG
                            )))
                        }
                    };
                    let fields = Fields {
                        tag: Some((T::TAG, tag.clone())),
                        before: before.into_iter(),
                        pending: None,
                        rest: map,
                    };
                    return T::variant(&tag, fields);
                }
            }
        }
        T::untagged(Value::Object(before.into_iter().collect()))
    }
}

/// Reads an object key: `None` for the tag, the key otherwise.
struct NotTag(&'static str);

impl<'de> DeserializeSeed<'de> for NotTag {
    type Value = Option<String>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl Visitor<'_> for NotTag {
    type Value = Option<String>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a property name")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok((v != self.0).then(|| v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok((v != self.0).then_some(v))
    }
}

/// The properties of a tagged object, as its variant reads them: the tag (unless the
/// variant's type has no field for it), the properties buffered before it, then the rest
/// of the object from the input.
pub struct Fields<A> {
    tag: Option<(&'static str, String)>,
    before: std::vec::IntoIter<(String, Value)>,
    pending: Option<Value>,
    rest: A,
}

impl<'de, A: MapAccess<'de>> Fields<A> {
    /// Deserializes the variant's type from the object; `strip` leaves the tag out when the
    /// type has no field for it.
    ///
    /// # Errors
    /// The variant type's error.
    pub fn read<T: Deserialize<'de>>(mut self, strip: bool) -> Result<T, A::Error> {
        if strip {
            self.tag = None;
        }
        T::deserialize(de::value::MapAccessDeserializer::new(self))
    }

    /// The whole object, for a tag the union does not know.
    ///
    /// # Errors
    /// The input's error.
    pub fn unknown(self) -> Result<Value, A::Error> {
        Value::deserialize(de::value::MapAccessDeserializer::new(self))
    }
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Fields<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        if let Some((name, tag)) = self.tag.take() {
            self.pending = Some(Value::String(tag));
            return seed
                .deserialize(de::value::BorrowedStrDeserializer::new(name))
                .map(Some);
        }
        if let Some((key, value)) = self.before.next() {
            self.pending = Some(value);
            return seed
                .deserialize(de::value::StringDeserializer::new(key))
                .map(Some);
        }
        self.rest.next_key_seed(seed)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        match self.pending.take() {
            Some(value) => seed.deserialize(value).map_err(de::Error::custom),
            None => self.rest.next_value_seed(seed),
        }
    }
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
