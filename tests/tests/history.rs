//! Every version of the Vocode spec generates and compiles (the modules come from
//! `tests/build.rs`); the generated types of each version accept that version's JSON.

use oagen_tests::{round_trip, vocode_history as h};
use serde_json::json;

#[test]
fn every_version_has_a_client_for_the_production_server() {
    for base in [
        h::v2023_08_22::Client::DEFAULT_BASE_URL,
        h::v2023_12_12::Client::DEFAULT_BASE_URL,
        h::v2024_04_19::Client::DEFAULT_BASE_URL,
        h::v2024_08_16::Client::DEFAULT_BASE_URL,
        voice_apis::vocode::Client::DEFAULT_BASE_URL,
    ] {
        assert_eq!(base, "https://api.vocode.dev");
    }
}

#[test]
fn validation_errors_parse_in_every_version() {
    let json = json!({"detail": [{"loc": ["body", 0], "msg": "bad", "type": "value_error"}]});
    round_trip::<h::v2023_08_22::types::HttpValidationError>(&json);
    round_trip::<h::v2023_12_12::types::HttpValidationError>(&json);
    round_trip::<h::v2024_04_19::types::HttpValidationError>(&json);
    round_trip::<h::v2024_08_16::types::HttpValidationError>(&json);
    round_trip::<voice_apis::vocode::types::HttpValidationError>(&json);
}

#[test]
fn a_field_that_became_nullable_keeps_absent_and_null_apart() {
    // 2024-08 (3.1.0) spells it `anyOf [string, null]` on an optional property.
    let null: h::v2024_08_16::types::AddToSteeringPoolRequest =
        round_trip(&json!({"phone_number": null}));
    assert_eq!(null.phone_number, Some(None));
    let absent: h::v2024_08_16::types::AddToSteeringPoolRequest = round_trip(&json!({}));
    assert_eq!(absent.phone_number, None);
}
