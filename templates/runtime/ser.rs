//! Compact `Serialize` impls for generated structs.
//!
//! `#[derive(Serialize)]` writes, per optional property, a length term and an `if`/`else`
//! around `serialize_field` and `skip_field` (and a wrapper type for each `with` attribute).
//! A generated struct instead implements [`Object`]: one call per property on a [`Fields`]
//! visitor, and its `Serialize` calls [`object`], which visits the properties twice, once
//! to count the ones written (the length `serialize_struct` takes) and once to write them.
//! The JSON written is the same as the derive's: an optional property that is `None` is left
//! out, a tri-state one that is `Some(None)` is written as `null`.

use serde::Serialize;
use serde::ser::{SerializeStruct, Serializer};
use std::convert::Infallible;

/// A generated struct written as an object, property by property.
pub trait Object {
    /// The struct's name, for `serialize_struct`.
    const NAME: &'static str;

    /// Visits every property in declaration order.
    ///
    /// # Errors
    /// The visitor's error.
    fn fields<F: Fields>(&self, fields: &mut F) -> Result<(), F::Error>;
}

/// What [`Object::fields`] visits: required properties, always written, and optional ones,
/// written only when `Some`.
pub trait Fields {
    /// The error of writing a property.
    type Error;

    /// A required property (`None` of a nullable one is a `null`).
    ///
    /// # Errors
    /// The serializer's error for the value.
    fn required<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Self::Error>;

    /// An optional property: written when `Some`, skipped when `None`.
    ///
    /// # Errors
    /// The serializer's error for the value.
    fn optional<T: Serialize>(
        &mut self,
        key: &'static str,
        value: &Option<T>,
    ) -> Result<(), Self::Error>;
}

/// Counts the properties that will be written.
struct Count(usize);

impl Fields for Count {
    type Error = Infallible;

    fn required<T: Serialize + ?Sized>(
        &mut self,
        _: &'static str,
        _: &T,
    ) -> Result<(), Infallible> {
        self.0 += 1;
        Ok(())
    }

    fn optional<T: Serialize>(
        &mut self,
        _: &'static str,
        value: &Option<T>,
    ) -> Result<(), Infallible> {
        self.0 += usize::from(value.is_some());
        Ok(())
    }
}

/// Writes the properties into a `serialize_struct` state.
struct Write<S>(S);

impl<S: SerializeStruct> Fields for Write<S> {
    type Error = S::Error;

    fn required<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), S::Error> {
        self.0.serialize_field(key, value)
    }

    fn optional<T: Serialize>(
        &mut self,
        key: &'static str,
        value: &Option<T>,
    ) -> Result<(), S::Error> {
        match value {
            Some(value) => self.0.serialize_field(key, value),
            // As the derive does for `skip_serializing_if`.
            None => self.0.skip_field(key),
        }
    }
}

/// `Serialize` of an [`Object`]: `serialize_struct` with the number of properties written
/// (as the derive counts them), each property, then `end`.
///
/// # Errors
/// The serializer's error.
pub fn object<O: Object, S: Serializer>(value: &O, serializer: S) -> Result<S::Ok, S::Error> {
    let mut count = Count(0);
    let Ok(()) = value.fields(&mut count);
    let mut write = Write(serializer.serialize_struct(O::NAME, count.0)?);
    value.fields(&mut write)?;
    write.0.end()
}
