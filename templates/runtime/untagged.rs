//! Untagged unions (`oneOf`/`anyOf` without a tag): of the variants that accept a value, the
//! one whose serialization reproduces the most of it wins, so no variant swallows an instance
//! meant for another and drops its properties. Variants are first tried *strictly*, with every
//! forward-compatible catch-all (an open enum's or tagged union's `Unknown`) refusing values,
//! so an open enum takes a value only when no other variant reproduces it as well.
//!
//! The JSON kind of the value (null, boolean, number, string, array, object) is seen before
//! anything is read: a variant whose type cannot take that kind is never tried. When exactly
//! one variant can, it is read straight from the input (no buffering, errors keep their full
//! JSON path); otherwise the value is buffered once and the variants that can take its kind
//! are read from it by reference and scored as above.

use super::encoding::{catch_alls_refused, refuse_catch_alls};
use serde::de::{self, Deserialize, Deserializer, IntoDeserializer, MapAccess, SeqAccess, Visitor};
use serde::Serialize;
use serde_json::Value;
use std::fmt;
use std::marker::PhantomData;

/// JSON kinds as bits of a mask: the kinds of value a variant's type may accept.
pub mod kind {
    /// `null`.
    pub const NULL: u8 = 1;
    /// `true` / `false`.
    pub const BOOL: u8 = 2;
    /// A number.
    pub const NUMBER: u8 = 4;
    /// A string.
    pub const STRING: u8 = 8;
    /// An array.
    pub const ARRAY: u8 = 16;
    /// An object.
    pub const OBJECT: u8 = 32;
    /// Any JSON value.
    pub const ANY: u8 = 63;
}

/// An untagged union as the generated code describes it.
pub trait Union: Serialize + Sized {
    /// The type's name, for errors.
    const NAME: &'static str;

    /// Each variant's name (for errors) and the [`kind`]s of JSON its type may accept, in
    /// order of preference.
    const VARIANTS: &'static [(&'static str, u8)];

    /// Reads variant `index` (an index into [`Union::VARIANTS`]) from `deserializer`.
    ///
    /// # Errors
    /// The deserializer's error when the value is not that variant.
    fn read<'de, D: Deserializer<'de>>(index: usize, deserializer: D) -> Result<Self, D::Error>;
}

/// Sets the catch-all refusal for its lifetime, restoring the previous value on drop (also
/// when a deserializer panics).
struct RefuseCatchAlls(bool);

impl RefuseCatchAlls {
    fn set(on: bool) -> Self {
        RefuseCatchAlls(refuse_catch_alls(on))
    }
}

impl Drop for RefuseCatchAlls {
    fn drop(&mut self) {
        refuse_catch_alls(self.0);
    }
}

/// `Deserialize::deserialize` of an untagged union.
///
/// # Errors
/// `data did not match any variant of untagged enum …` with each variant's reason.
pub fn deserialize<'de, U: Union, D: Deserializer<'de>>(deserializer: D) -> Result<U, D::Error> {
    deserializer.deserialize_any(UnionVisitor(PhantomData))
}

/// The only variant that may take JSON of kind `kind`, when there is exactly one.
fn only<U: Union>(kind: u8) -> Option<usize> {
    let mut found = None;
    for (i, (_, kinds)) in U::VARIANTS.iter().enumerate() {
        if kinds & kind != 0 {
            if found.is_some() {
                return None;
            }
            found = Some(i);
        }
    }
    found
}

struct UnionVisitor<U>(PhantomData<U>);

impl<U: Union> UnionVisitor<U> {
    /// A scalar: read by its only possible variant, else buffered and chosen.
    fn scalar<'de, D, E>(kind: u8, value: D, buffered: impl FnOnce() -> Value) -> Result<U, E>
    where
        D: Deserializer<'de, Error = E>,
        E: de::Error,
    {
        match only::<U>(kind) {
            Some(i) => {
                let _lenient = RefuseCatchAlls::set(false);
                U::read(i, value).map_err(|e| no_match_streamed::<U, E>(i, e, &buffered()))
            }
            None => choose(&buffered(), kind),
        }
    }
}

impl<'de, U: Union> Visitor<'de> for UnionVisitor<U> {
    type Value = U;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a value of the untagged union {}", U::NAME)
    }

    fn visit_unit<E: de::Error>(self) -> Result<U, E> {
        Self::scalar(kind::NULL, ().into_deserializer(), || Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<U, E> {
        self.visit_unit()
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<U, E> {
        Self::scalar(kind::BOOL, v.into_deserializer(), || Value::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<U, E> {
        Self::scalar(kind::NUMBER, v.into_deserializer(), || Value::from(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<U, E> {
        Self::scalar(kind::NUMBER, v.into_deserializer(), || Value::from(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<U, E> {
        Self::scalar(kind::NUMBER, v.into_deserializer(), || Value::from(v))
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<U, E> {
        let value = de::value::BorrowedStrDeserializer::new(v);
        Self::scalar(kind::STRING, value, || Value::from(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<U, E> {
        Self::scalar(kind::STRING, v.into_deserializer(), || Value::from(v))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<U, E> {
        match only::<U>(kind::STRING) {
            Some(_) => self.visit_str(&v),
            None => choose(&Value::String(v), kind::STRING),
        }
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<U, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<U, A::Error> {
        match only::<U>(kind::ARRAY) {
            Some(i) => {
                let _lenient = RefuseCatchAlls::set(false);
                let value = de::value::SeqAccessDeserializer::new(seq);
                U::read(i, value).map_err(|e| no_match_streamed::<U, _>(i, e, &Value::Array(Vec::new())))
            }
            None => {
                let value = Value::deserialize(de::value::SeqAccessDeserializer::new(seq))?;
                choose(&value, kind::ARRAY)
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<U, A::Error> {
        match only::<U>(kind::OBJECT) {
            Some(i) => {
                let _lenient = RefuseCatchAlls::set(false);
                let value = de::value::MapAccessDeserializer::new(map);
                U::read(i, value).map_err(|e| {
                    no_match_streamed::<U, _>(i, e, &Value::Object(serde_json::Map::new()))
                })
            }
            None => {
                let value = Value::deserialize(de::value::MapAccessDeserializer::new(map))?;
                choose(&value, kind::OBJECT)
            }
        }
    }
}

/// The kind bit of a buffered value.
fn kind_of(value: &Value) -> u8 {
    match value {
        Value::Null => kind::NULL,
        Value::Bool(_) => kind::BOOL,
        Value::Number(_) => kind::NUMBER,
        Value::String(_) => kind::STRING,
        Value::Array(_) => kind::ARRAY,
        Value::Object(_) => kind::OBJECT,
    }
}

/// Chooses the variant for a buffered `value` (whose kind is `kind`): the one that
/// reproduces it exactly (the first, in order), else the one that reproduces the most of it;
/// catch-alls only when they do strictly better than every variant without them.
fn choose<U: Union, E: de::Error>(value: &Value, kind: u8) -> Result<U, E> {
    let outer_strict = catch_alls_refused();
    let strict_best = {
        let _strict = RefuseCatchAlls::set(true);
        best::<U>(value, kind)
    };
    let chosen = match strict_best {
        Some((score, variant)) if score == usize::MAX || outer_strict => Some(variant),
        strict_best => {
            let _lenient = RefuseCatchAlls::set(false);
            match (strict_best, best::<U>(value, kind)) {
                (Some((s1, v1)), Some((s2, v2))) => Some(if s2 > s1 { v2 } else { v1 }),
                (a, b) => a.or(b).map(|(_, v)| v),
            }
        }
    };
    chosen.ok_or_else(|| E::custom(no_match::<U>(value, None)))
}

/// Chooses the variant for a value already buffered (a tagged union's object without its
/// tag), by the rules of the module documentation.
///
/// # Errors
/// `data did not match any variant of untagged enum …` with each variant's reason.
pub fn choose_value<U: Union, E: de::Error>(value: &Value) -> Result<U, E> {
    choose(value, kind_of(value))
}

/// The best of the variants that may take `kind` and accept `value`, with its score
/// (`usize::MAX` for an exact reproduction, which ends the search).
fn best<U: Union>(value: &Value, kind: u8) -> Option<(usize, U)> {
    let mut best: Option<(usize, U)> = None;
    for (i, (_, kinds)) in U::VARIANTS.iter().enumerate() {
        if kinds & kind == 0 {
            continue;
        }
        let Ok(candidate) = U::read(i, value) else {
            continue;
        };
        let score = serde_json::to_value(&candidate).map_or(0, |out| {
            if same(value, &out) {
                usize::MAX
            } else {
                overlap(value, &out)
            }
        });
        if best.as_ref().is_none_or(|(s, _)| score > *s) {
            best = Some((score, candidate));
        }
        if score == usize::MAX {
            break;
        }
    }
    best
}

/// The error when no variant accepts `value`, each variant's reason read again with its
/// JSON path (catch-alls allowed, as in the last pass of [`choose`]); `streamed` is the
/// reason of a variant already read from the input, which `value` then only stands for by
/// its kind.
fn no_match<U: Union>(value: &Value, streamed: Option<(usize, String)>) -> String {
    let _lenient = RefuseCatchAlls::set(false);
    let reasons: Vec<String> = U::VARIANTS
        .iter()
        .enumerate()
        .filter_map(|(i, (name, _))| {
            let reason = match &streamed {
                Some((j, reason)) if *j == i => reason.clone(),
                _ => {
                    let mut track = serde_path_to_error::Track::new();
                    let read = U::read(i, serde_path_to_error::Deserializer::new(value, &mut track));
                    let error = read.err()?;
                    match track.path().to_string() {
                        path if path == "." => error.to_string(),
                        path => format!("at `{path}`: {error}"),
                    }
                }
            };
            Some(format!("{name}: {reason}"))
        })
        .collect();
    format!(
        "data did not match any variant of untagged enum {} ({})",
        U::NAME,
        reasons.join("; ")
    )
}

/// The error when the only variant that may take the value's kind, read from the input,
/// rejected it; `stand_in` has the value's kind, for the other variants' reasons.
fn no_match_streamed<U: Union, E: de::Error>(index: usize, error: E, stand_in: &Value) -> E {
    E::custom(no_match::<U>(stand_in, Some((index, error.to_string()))))
}

/// JSON equality with numbers compared by value (`5` equals `5.0`).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(v, w)| same(v, w))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

/// How many of `a`'s leaves (scalars and empty containers) `b` has unchanged.
fn overlap(a: &Value, b: &Value) -> usize {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) if !x.is_empty() => x
            .iter()
            .map(|(k, v)| y.get(k).map_or(0, |w| overlap(v, w)))
            .sum(),
        (Value::Array(x), Value::Array(y)) if !x.is_empty() => {
            x.iter().zip(y).map(|(v, w)| overlap(v, w)).sum()
        }
        _ => usize::from(same(a, b)),
    }
}
