//! The build-script-generated client against a loopback mock server.

use build_rs_example::{bird, hang_up, Tag};
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn the_generated_client_hangs_up_a_call() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .and(path("/workspaces/w/channels/c/calls/x"))
        .and(header("authorization", "AccessKey k"))
        .and(body_json(json!({"callFlow": [{"command": "hangup"}]})))
        .respond_with(ResponseTemplate::new(202).set_body_json(json!({
            "id": "a78dd93c-08fb-450b-8651-0def9cf77cf9",
            "channelId": "db53c357-92e3-4f3d-babe-159573940a50",
            "from": "+31", "to": "+32", "status": "completed", "type": "pstn",
            "direction": "outgoing",
            "originator": {"number": {"type": "pstn", "number": "+31"}},
            "receiver": {"number": {"type": "pstn", "number": "+32"}},
            "createdAt": "2024-03-01T16:46:50.158Z", "updatedAt": "2024-03-01T16:46:50.45Z",
            "tags": ["vip"]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let client = bird::Client::new()
        .with_base_url(server.uri())
        .with_authorization("k");
    let call = hang_up(&client, "w", "c", "x").await.unwrap();
    assert_eq!(call.status, bird::types::ChannelsCallStatus::Completed);
    // `extern_type`: the spec's `TagName` is the application's `Tag`.
    let tags: Vec<Tag> = call.tags.unwrap();
    assert_eq!(tags, [Tag::new("VIP")]);
}

#[test]
fn configured_derives_are_there() {
    fn eq_and_hash<T: Eq + std::hash::Hash>() {}
    eq_and_hash::<bird::types::CallContact>();
}

#[test]
fn a_map_type_choice_reaches_the_maps() {
    // `error.detailed.details` is a free-form object (a JSON map) in the spec.
    let e: bird::types::ErrorDetailed =
        serde_json::from_value(json!({"code": "x", "message": "m", "details": {"a": 1}})).unwrap();
    assert_eq!(e.details.unwrap()["a"], 1);
}
