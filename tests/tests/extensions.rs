//! Naming and type extensions (`fixtures/extensions.yaml`): the generated SDK uses the names
//! and types the spec asks for. The names are checked by the compiler (the test does not
//! build if a method, argument, type, field or variant is named otherwise).

use oagen_tests::extensions::{client::Client, types};
use serde_json::json;

#[test]
fn types_fields_variants_and_extern_types_follow_the_extensions() {
    let thing: types::Thing = serde_json::from_value(json!({
        "id": "t-1",
        "createdAt": "yesterday",
        "state": "in-progress",
        "price": "3.50",
        "extra": {"anything": [1, 2]}
    }))
    .expect("decodes");
    assert_eq!(thing.created.as_deref(), Some("yesterday"));
    assert_eq!(thing.state, Some(types::State::Running));
    // `x-rust-type` and `x-oagen-type`: the application's types, not generated ones.
    let price: Option<String> = thing.price.clone();
    assert_eq!(price.as_deref(), Some("3.50"));
    let extra: Option<serde_json::Value> = thing.extra.clone();
    assert_eq!(extra, Some(json!({"anything": [1, 2]})));
    assert_eq!(
        serde_json::to_value(types::State::Zero).expect("serializes"),
        json!("0")
    );
    assert_eq!(
        serde_json::to_value(types::State::Finished).expect("serializes"),
        json!("done")
    );
}

#[test]
fn methods_and_arguments_follow_the_extensions() {
    let client = Client::new().with_base_url("http://127.0.0.1:9");
    // x-oagen-name on the operation and on the parameter.
    let get = |id: &str| drop(client.get_thing(id));
    get("t-1");
    // x-fern-sdk-method-name and x-speakeasy-name-override.
    let body = types::Thing::new("t-2");
    drop(client.create(&body));
    drop(client.all());
}

/// `fixtures/extensions-overlay.yaml` (applied by `build.rs` with `Config::overlay`) renames
/// the list method over the spec's `x-speakeasy-name-override`, renames `thing_v2` `Item`,
/// and replaces the enum's variant names; the spec file is the same as `extensions`'.
#[test]
fn an_overlay_adds_and_replaces_extensions() {
    use oagen_tests::extensions_overlaid::{client::Client, types};
    let client = Client::new().with_base_url("http://127.0.0.1:9");
    let call: oagen_tests::runtime::Call<'_, Vec<types::Item>, _> = client.list_everything();
    drop(call);
    let item: types::Item = serde_json::from_value(json!({"id": "i", "state": "done"})).unwrap();
    assert_eq!(item.state, Some(types::State::Over));
    assert_eq!(
        serde_json::to_value(types::State::Working).unwrap(),
        json!("in-progress")
    );
}
