//! The probe the schema round-trip harness (`tests/roundtrip/run.py`) relies on:
//! `runtime::UNKNOWN_SERIALIZED` counts the catch-all values a serialization writes, and only
//! those (values read into declared variants do not count). One test, so no other test in this
//! binary moves the counter meanwhile.

use std::sync::atomic::Ordering;
use voice_apis::runtime::UNKNOWN_SERIALIZED;
use voice_apis::{bird, vocode};

/// Deserializes `json` as `T`, serializes it back, and returns the output with the number
/// of catch-all values the serialization wrote.
fn unknowns<T: serde::de::DeserializeOwned + serde::Serialize>(
    json: serde_json::Value,
) -> (serde_json::Value, usize) {
    let value: T = serde_json::from_value(json).expect("accepted");
    let before = UNKNOWN_SERIALIZED.load(Ordering::Relaxed);
    let out = serde_json::to_value(&value).expect("serializes");
    (out, UNKNOWN_SERIALIZED.load(Ordering::Relaxed) - before)
}

#[test]
fn counts_each_catch_all_value_serialized_and_nothing_else() {
    use bird::types::CallFlowCommandConditionOperator as Operator;
    let (out, n) = unknowns::<Operator>(serde_json::json!("=="));
    assert_eq!((out, n), (serde_json::json!("=="), 0));
    let (out, n) = unknowns::<Vec<Operator>>(serde_json::json!(["~=", "eq", "<>"]));
    assert_eq!((out, n), (serde_json::json!(["~=", "eq", "<>"]), 2));

    use vocode::types::AccountConnectionResponseModel as Connection;
    let unknown = serde_json::json!({"type": "account_connection_later", "id": "x"});
    let (out, n) = unknowns::<Connection>(unknown.clone());
    assert_eq!((out, n), (unknown, 1));
}
