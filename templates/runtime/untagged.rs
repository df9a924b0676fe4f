//! Untagged unions (`oneOf`/`anyOf` without a tag): of the variants that accept a value, the
//! one whose serialization reproduces the most of it wins, so no variant swallows an instance
//! meant for another and drops its properties. Variants are first tried *strictly*, with every
//! forward-compatible catch-all (an open enum's or tagged union's `Unknown`) refusing values,
//! so an open enum takes a value only when no other variant reproduces it as well.

use serde::Serialize;
use serde_json::Value;
use super::encoding::{catch_alls_refused, refuse_catch_alls};

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

/// One variant of a union: its name (for errors) and how to read it from the JSON.
pub type Variant<T> = (&'static str, fn(Value) -> Result<T, String>);

/// Deserializes one variant's type; used by the functions of [`Variant`]s.
pub fn parse<V: serde::de::DeserializeOwned>(value: Value) -> Result<V, String> {
    super::from_value(value)
}

/// Chooses the variant for `value`: the one that reproduces it exactly (the first, in
/// order), else the one that reproduces the most of it; catch-alls only when they do
/// strictly better than every variant without them.
pub fn choose<T: Serialize, E: serde::de::Error>(
    value: Value,
    type_name: &str,
    variants: &[Variant<T>],
) -> Result<T, E> {
    let outer_strict = catch_alls_refused();
    let mut errors = Vec::new();
    let strict_best = {
        let _strict = RefuseCatchAlls::set(true);
        best(&value, variants, &mut errors)
    };
    let chosen = match strict_best {
        Some((score, variant)) if score == usize::MAX || outer_strict => Some(variant),
        strict_best => {
            let _lenient = RefuseCatchAlls::set(false);
            errors.clear();
            match (strict_best, best(&value, variants, &mut errors)) {
                (Some((s1, v1)), Some((s2, v2))) => Some(if s2 > s1 { v2 } else { v1 }),
                (a, b) => a.or(b).map(|(_, v)| v),
            }
        }
    };
    chosen.ok_or_else(|| {
        E::custom(format!(
            "data did not match any variant of untagged enum {type_name} ({})",
            errors.join("; ")
        ))
    })
}

/// The best of the variants that accept `value`, with its score (`usize::MAX` for an
/// exact reproduction, which ends the search); the errors of the others.
fn best<T: Serialize>(
    value: &Value,
    variants: &[Variant<T>],
    errors: &mut Vec<String>,
) -> Option<(usize, T)> {
    let mut best: Option<(usize, T)> = None;
    for (name, read) in variants {
        match read(value.clone()) {
            Ok(candidate) => {
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
            Err(e) => errors.push(format!("{name}: {e}")),
        }
    }
    best
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
