//! Parameter and form encoding: [`param`] (the text of a path, header or cookie value),
//! [`QueryStyle`] (OpenAPI `style` + `explode` of a query parameter), [`urlencoded`] and
//! [`form_pairs`] (`application/x-www-form-urlencoded` bodies, nested objects in bracket
//! notation).

/// The text form of a parameter value: strings as they are, numbers and booleans in JSON
/// spelling, arrays comma-separated (OpenAPI `style: simple`/`form` without explode),
/// objects as JSON.
pub fn param<T: serde::Serialize + ?Sized>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(value) => value_text(&value),
        Err(_) => String::new(),
    }
}

pub(super) fn value_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        serde_json::Value::Array(items) => {
            items.iter().map(value_text).collect::<Vec<_>>().join(",")
        }
        other => other.to_string(),
    }
}

/// How a query parameter is serialized (OpenAPI `style` + `explode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryStyle {
    /// `style: form`, `explode: true` (the default): `a=1&a=2`; an object's properties
    /// become parameters of their own (`x=1&y=2`).
    FormExploded,
    /// `style: form`, `explode: false`: `a=1,2`; an object becomes `a=x,1,y,2`.
    Form,
    /// `style: spaceDelimited`: `a=1 2`.
    SpaceDelimited,
    /// `style: pipeDelimited`: `a=1|2`.
    PipeDelimited,
    /// `style: deepObject`: `a[x]=1&a[y]=2` (nested objects nest the brackets).
    DeepObject,
}

/// Pushes `value` as `name[key]…=value` pairs (bracket notation, as Stripe and `deepObject`
/// use); array items are numbered (`name[0]`, `name[1]`).
pub(super) fn bracket_pairs(
    prefix: &str,
    value: &serde_json::Value,
    out: &mut Vec<(String, String)>,
) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, v) in map {
                bracket_pairs(&format!("{prefix}[{key}]"), v, out);
            }
        }
        serde_json::Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                bracket_pairs(&format!("{prefix}[{i}]"), v, out);
            }
        }
        serde_json::Value::Null => {}
        other => out.push((prefix.to_string(), value_text(other))),
    }
}

/// `application/x-www-form-urlencoded` text of `pairs`.
pub fn urlencoded<'p>(pairs: impl IntoIterator<Item = (&'p str, &'p str)>) -> String {
    let mut url = reqwest::Url::parse("x:?").expect("a valid URL");
    url.query_pairs_mut().clear().extend_pairs(pairs);
    url.query().unwrap_or_default().to_string()
}

/// The form fields of an object body (`application/x-www-form-urlencoded`): scalars as
/// `key=value`, nested objects and arrays in bracket notation (`card[number]=…`,
/// `items[0][price]=…`), `null` omitted.
pub fn form_pairs(value: &serde_json::Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let serde_json::Value::Object(map) = value {
        for (key, v) in map {
            bracket_pairs(key, v, &mut out);
        }
    }
    out
}

thread_local! {
    static STRICT: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// True while an untagged union tries its variants without catch-alls: open enums and open
/// tagged unions then reject values they do not know (see the `untagged` module).
#[doc(hidden)]
pub fn catch_alls_refused() -> bool {
    STRICT.with(std::cell::Cell::get)
}

/// Sets whether catch-alls refuse values; returns the previous setting (for the `untagged`
/// module, which restores it).
#[doc(hidden)]
pub fn refuse_catch_alls(on: bool) -> bool {
    STRICT.with(|s| s.replace(on))
}
