//! The vendors' documentation examples against the generated types. Each decision is in
//! `fixtures/examples/README.md`.

use oagen_tests::{example, round_trip};
use voice_apis::{bird, vocode};

#[test]
fn bird_example_2_request_round_trips() {
    let json = example("bird-patch-call-example2-request.json");
    let patch: bird::types::PatchCall = round_trip(&json);
    let commands: Vec<_> = patch
        .call_flow
        .as_ref()
        .expect("callFlow is present")
        .iter()
        .map(|c| &c.command)
        .collect();
    use bird::types::Command as C;
    assert!(matches!(commands[0], C::Ringing(None)));
    assert!(matches!(commands[1], C::Pause(Some(p)) if p.pause_seconds == Some(2)));
    assert!(matches!(commands[2], C::Answer(None)));
    assert!(
        matches!(commands[3], C::Say(s) if s.locale == Some(bird::types::StandardLocaleTtsPolly::EnGb))
    );
    assert!(matches!(commands[4], C::Hangup(None)));
}

#[test]
fn bird_example_2_response_round_trips() {
    let json = example("bird-patch-call-example2-response.json");
    let call: bird::types::Call = round_trip(&json);
    assert_eq!(call.status, bird::types::ChannelsCallStatus::Starting);
    assert_eq!(
        call.id.to_string(),
        "a78dd93c-08fb-450b-8651-0def9cf77cf9",
        "ids are real UUIDs"
    );
    // `Call` is only read: optional + nullable is a plain `Option` (absent or null → None).
    let flow = call.call_flow.expect("callFlow present, not null");
    assert_eq!(flow.commands.map(|c| c.len()), Some(5));
}

#[test]
fn bird_example_1_request_is_rejected_because_answer_takes_no_options() {
    let json = example("bird-patch-call-example1-request.json");
    let err = serde_json::from_value::<bird::types::PatchCall>(json).unwrap_err();
    assert!(err.to_string().contains("unknown field `media`"), "{err}");
}

#[test]
fn bird_example_1_response_is_rejected_because_receiver_is_missing() {
    let json = example("bird-patch-call-example1-response.json");
    let err = serde_json::from_value::<bird::types::Call>(json).unwrap_err();
    assert!(
        err.to_string().contains("missing field `receiver`"),
        "{err}"
    );
}

#[test]
fn vocode_update_number_request_round_trips_with_an_agent_id() {
    let json = example("vocode-update-number-request.json");
    let request: vocode::types::UpdateNumberRequest = round_trip(&json);
    assert!(
        matches!(
            request.inbound_agent,
            Some(Some(vocode::types::UpdateNumberRequestInboundAgent::Uuid(
                _
            )))
        ),
        "{request:?}"
    );
}

#[test]
fn vocode_update_number_response_is_rejected_for_its_string_prompt() {
    let mut json = example("vocode-update-number-response.json");
    let err = serde_json::from_value::<vocode::types::PhoneNumber>(json.clone()).unwrap_err();
    assert!(err.to_string().contains("expected struct Prompt"), "{err}");
    // With a prompt of the current shape it parses: the voice type `voice_base`, which the
    // current spec does not have, is kept as an unknown variant (the voice union is read
    // from responses, so it is forward-compatible) and written back unchanged. The end-
    // conversation action's `config.phone_number` is not kept: its schema,
    // `EmptyActionConfig`, declares no properties, and undeclared ones are ignored.
    json["inbound_agent"]["prompt"] = serde_json::json!({
        "id": "3c90c3cc-0d44-4b50-8888-8dd25736052a",
        "user_id": "3c90c3cc-0d44-4b50-8888-8dd25736052a",
        "content": "Be brief."
    });
    let number: vocode::types::PhoneNumber = serde_json::from_value(json.clone()).unwrap();
    let back = serde_json::to_value(&number).unwrap();
    assert_eq!(
        back["inbound_agent"]["voice"],
        json["inbound_agent"]["voice"]
    );
    assert_eq!(
        back["inbound_agent"]["actions"][0]["config"],
        serde_json::json!({})
    );
    let agent = number.inbound_agent.expect("an inbound agent");
    match agent.voice {
        vocode::types::VoiceResponseModel::Unknown(v) => assert_eq!(v.tag(), "voice_base"),
        other => panic!("expected the unknown voice type to be kept, got {other:?}"),
    }
}
