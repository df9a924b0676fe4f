//! Fixture SDKs generated at build time (see `build.rs`) and helpers shared by the tests.
//!
//! The repository README is included below, so its Rust example is compiled as a doctest.
#![doc = include_str!("../../README.md")]

// The runtime every fixture module below shares (`pub mod runtime`, one `Error` type);
// each module takes it from its parent as `super::runtime`.
include!(concat!(env!("OUT_DIR"), "/runtime.rs"));

/// The Vocode "Update Action" excerpt of seed 000 (OpenAPI 3.0.2, FastAPI style).
pub mod excerpt {
    include!(concat!(env!("OUT_DIR"), "/excerpt.rs"));
}

/// `fixtures/rules.yaml`: schema rules the vendor specs exercise only partly.
pub mod rules {
    include!(concat!(env!("OUT_DIR"), "/rules.rs"));
}

/// `fixtures/extensions.yaml`: names and types the spec asks for through `x-` extensions.
pub mod extensions {
    include!(concat!(env!("OUT_DIR"), "/extensions.rs"));
}

/// `fixtures/extensions.yaml` with `fixtures/extensions-overlay.yaml` applied
/// (`Config::overlay` in `build.rs`): extensions an overlay adds or replaces.
pub mod extensions_overlaid {
    include!(concat!(env!("OUT_DIR"), "/extensions_overlaid.rs"));
}

/// `fixtures/lossless.yaml`: the rules that keep every valid instance of a schema.
pub mod lossless {
    include!(concat!(env!("OUT_DIR"), "/lossless.rs"));
}

/// `fixtures/streams.yaml`: event streams, an idempotency key and a callback.
pub mod streams {
    include!(concat!(env!("OUT_DIR"), "/streams.rs"));
}

/// `fixtures/openai/chat-webhooks.json`: OpenAI's chat completions (JSON or event stream)
/// and webhooks, an excerpt of its spec; `fixtures/openai/overlay.yaml` declares its
/// webhooks signed per Standard Webhooks.
pub mod openai {
    include!(concat!(env!("OUT_DIR"), "/openai.rs"));
}

/// `fixtures/streams.yaml` with GitHub-style webhook signatures, declared by
/// `fixtures/github-webhooks-overlay.yaml` (`x-oagen-webhooks`).
pub mod hooks_github {
    include!(concat!(env!("OUT_DIR"), "/hooks_github.rs"));
}

/// `fixtures/streams.yaml` with Stripe-style webhook signatures, chosen by
/// `Config::webhook_scheme` in `build.rs`.
pub mod hooks_stripe {
    include!(concat!(env!("OUT_DIR"), "/hooks_stripe.rs"));
}

/// `fixtures/client/auth.yaml`: every kind of security scheme.
pub mod client_auth {
    include!(concat!(env!("OUT_DIR"), "/client_auth.rs"));
}

/// `fixtures/client/pagination.yaml`: one list operation per pagination kind.
pub mod client_pagination {
    include!(concat!(env!("OUT_DIR"), "/client_pagination.rs"));
}

/// `fixtures/client/collisions.yaml`: parameters named like the locals of a generated method
/// body, in positional and builder form.
pub mod client_collisions {
    include!(concat!(env!("OUT_DIR"), "/client_collisions.rs"));
}

/// `fixtures/client/params.yaml`: parameter styles of every `in`, form, text and binary bodies.
pub mod client_params {
    include!(concat!(env!("OUT_DIR"), "/client_params.rs"));
}

/// Every earlier version of the Vocode spec (`fixtures/vocode-history/`), from OpenAPI 3.0.2
/// (2023-08) to 3.1.0 (2024-08): each one generates and compiles.
pub mod vocode_history {
    pub use super::runtime;

    /// 2023-08-22, OpenAPI 3.0.2.
    pub mod v2023_08_22 {
        include!(concat!(env!("OUT_DIR"), "/vocode_2023_08_22.rs"));
    }
    /// 2023-12-12.
    pub mod v2023_12_12 {
        include!(concat!(env!("OUT_DIR"), "/vocode_2023_12_12.rs"));
    }
    /// 2024-04-19.
    pub mod v2024_04_19 {
        include!(concat!(env!("OUT_DIR"), "/vocode_2024_04_19.rs"));
    }
    /// 2024-08-16, OpenAPI 3.1.0.
    pub mod v2024_08_16 {
        include!(concat!(env!("OUT_DIR"), "/vocode_2024_08_16.rs"));
    }
}

use serde_json::Value;

/// JSON equality as JSON Schema defines it, plus one allowance for date-times:
/// numbers compare by value (`5` equals `5.0`), and two strings that are both RFC 3339
/// date-times compare as instants (`…50.45Z` equals `…50.450Z`). Everything else must match
/// exactly, including which keys are present.
pub fn same_json(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::String(x), Value::String(y)) => {
            x == y
                || matches!(
                    (
                        chrono::DateTime::parse_from_rfc3339(x),
                        chrono::DateTime::parse_from_rfc3339(y)
                    ),
                    (Ok(p), Ok(q)) if p == q
                )
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same_json(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| same_json(v, w)))
        }
        _ => a == b,
    }
}

/// Parses `json` as `T`, serializes it back, and asserts the result is [`same_json`] as the
/// input. Returns the typed value.
///
/// # Panics
/// When `json` does not parse as `T` or does not round-trip.
pub fn round_trip<T>(json: &Value) -> T
where
    T: serde::de::DeserializeOwned + serde::Serialize,
{
    let typed: T = serde_json::from_value(json.clone())
        .unwrap_or_else(|e| panic!("does not parse: {e}\n{json:#}"));
    let back = serde_json::to_value(&typed).expect("serializes");
    assert!(
        same_json(json, &back),
        "round trip changed the JSON\n in: {json:#}\nout: {back:#}"
    );
    typed
}

/// Reads a JSON file from the shared examples (`../shared/examples`, vendor documentation)
/// or from this crate's `fixtures/`.
///
/// # Panics
/// When the file is missing or not JSON.
pub fn example(name: &str) -> Value {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let path = root.join("fixtures/examples").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::same_json;
    use serde_json::json;

    #[test]
    fn same_json_is_strict_about_keys_and_values() {
        assert!(same_json(&json!({"a": 5}), &json!({"a": 5.0})));
        assert!(same_json(
            &json!("2024-03-01T16:46:50.45Z"),
            &json!("2024-03-01T16:46:50.450Z")
        ));
        assert!(!same_json(&json!({"a": 5}), &json!({"a": 5, "b": null})));
        assert!(!same_json(&json!("x"), &json!("y")));
        assert!(!same_json(&json!([1]), &json!([1, 2])));
    }
}
