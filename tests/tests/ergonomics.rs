//! The generated SDK as users write it: lenient responses and strict requests,
//! construction with `new`/`Default` and setters, and one client surface for every spec.

use oagen_tests::example;
use serde_json::json;
use voice_apis::{bird, fluents, vocode, Error};
use wiremock::matchers::{header, method};
use wiremock::{Mock, MockServer, ResponseTemplate};

// --- Lenient responses, strict requests ------------------------------------------------------

/// Bird's example-2 response with a property the spec (`additionalProperties: false`) does
/// not know, at the top and one object down.
fn call_with_new_fields() -> serde_json::Value {
    let mut call = example("bird-patch-call-example2-response.json");
    call["addedLater"] = json!({"any": "thing"});
    call["callFlow"]["addedLater"] = json!(1);
    call
}

#[test]
fn a_closed_response_type_ignores_a_property_added_later() {
    let call: bird::types::Call = serde_json::from_value(call_with_new_fields()).unwrap();
    assert_eq!(call.from, "+351910648518");
    // A type only sent in requests stays strict.
    let err =
        serde_json::from_value::<bird::types::PatchCall>(json!({"addedLater": 1})).unwrap_err();
    assert!(
        err.to_string().contains("unknown field `addedLater`"),
        "{err}"
    );
}

#[tokio::test]
async fn a_call_and_an_error_body_with_a_new_field_still_decode() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .respond_with(ResponseTemplate::new(202).set_body_json(call_with_new_fields()))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .respond_with(
            ResponseTemplate::new(404).set_body_json(
                json!({"code": "NotFound", "message": "no call", "addedLater": true}),
            ),
        )
        .mount(&server)
        .await;
    let client = bird::Client::new().with_base_url(server.uri());
    let call = client.patch_call("w", "c", "x", None).await.unwrap();
    assert_eq!(call.to, "+3197058016589");
    let err = client.patch_call("w", "c", "x", None).await.unwrap_err();
    assert!(err.is_not_found());
    match err {
        Error::Api {
            body: bird::client::PatchCallError::NotFound(e),
            ..
        } => assert_eq!(e.message, "no call"),
        other => panic!("expected a typed 404, got {other:?}"),
    }
}

// --- Construction -----------------------------------------------------------------------------

#[test]
fn a_vocode_agent_is_one_expression() {
    let agent = vocode::types::AgentParams::new(
        vocode::types::PromptParams::default().content("Be brief."),
        vocode::types::ElevenLabsVoiceParams::new("voice-1").stability(0.5),
    )
    .language(vocode::types::Language::En)
    .endpointing_sensitivity(vocode::types::AgentEndpointingSensitivity::Relaxed)
    .deepgram_keywords([("acme", 2.0), ("vocode", 1.5)]);
    assert_eq!(
        serde_json::to_value(&agent).unwrap(),
        json!({
            "prompt": {"content": "Be brief."},
            // The tag the spec fixes is filled in.
            "voice": {"type": "voice_eleven_labs", "voice_id": "voice-1", "stability": 0.5},
            "language": "en",
            "endpointing_sensitivity": "relaxed",
            "deepgram_keywords": {"acme": 2.0, "vocode": 1.5},
        })
    );
}

#[test]
fn nullable_fields_of_request_types_can_send_an_explicit_null() {
    let update = vocode::types::AgentUpdateParams::default().name_null();
    assert_eq!(
        serde_json::to_value(&update).unwrap(),
        json!({"name": null})
    );
    let update = vocode::types::AgentUpdateParams::default().name("Ada");
    assert_eq!(
        serde_json::to_value(&update).unwrap(),
        json!({"name": "Ada"})
    );
    assert_eq!(
        serde_json::to_value(vocode::types::AgentUpdateParams::default()).unwrap(),
        json!({})
    );
}

#[test]
fn a_union_converts_from_each_variant() {
    let voice: vocode::types::VoiceParamsRequest =
        vocode::types::ElevenLabsVoiceParams::new("v").into();
    assert!(matches!(
        voice,
        vocode::types::VoiceParamsRequest::ElevenLabs(_)
    ));
    // One level down: the inner union's variant converts into the outer union.
    let outer: vocode::types::AgentParamsVoice =
        vocode::types::ElevenLabsVoiceParams::new("v").into();
    assert_eq!(
        serde_json::to_value(outer).unwrap(),
        json!({"type": "voice_eleven_labs", "voice_id": "v"})
    );
    let id = uuid::Uuid::nil();
    let by_id: vocode::types::AgentParamsVoice = id.into();
    assert_eq!(serde_json::to_value(by_id).unwrap(), json!(id.to_string()));
}

#[test]
fn bird_call_flow_needs_no_option_wrapping() {
    use bird::types::{CallFlowCommand, Command, PatchCall, Pause};
    let patch = PatchCall::default().call_flow([
        CallFlowCommand::new(Command::Ringing(None)),
        CallFlowCommand::new(Command::Pause(Some(Pause::default().pause_seconds(2)))),
    ]);
    assert_eq!(
        serde_json::to_value(&patch).unwrap(),
        json!({"callFlow": [
            {"command": "ringing"},
            {"command": "pause", "options": {"pauseSeconds": 2}},
        ]})
    );
}

// --- One client surface -----------------------------------------------------------------------

#[tokio::test]
async fn every_request_says_who_sends_it_and_the_user_agent_can_change() {
    let server = MockServer::start().await;
    // `<crate>/<version>` of the crate holding the generated code.
    let default = voice_apis::runtime::Transport::DEFAULT_USER_AGENT;
    assert!(default.starts_with("voice-apis/"), "{default}");
    Mock::given(header("user-agent", default))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"message": "gone"})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(header("user-agent", "my-app/2"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"message": "gone"})))
        .expect(1)
        .mount(&server)
        .await;
    let body = fluents::types::UpdateActionDto::default().label("x");
    let client = fluents::Client::new().with_base_url(server.uri());
    let err = client.update_action("a", &body).await.unwrap_err();
    assert!(err.is_not_found() && !err.is_server_error(), "{err:?}");
    // Setters chain in any order.
    let client = fluents::Client::new()
        .with_user_agent("my-app/2")
        .with_bearer_token("t")
        .with_base_url(server.uri());
    assert!(client
        .update_action("a", &body)
        .await
        .unwrap_err()
        .is_status(404));
}

#[tokio::test]
async fn a_client_reads_its_credential_and_base_url_from_the_environment() {
    let server = MockServer::start().await;
    Mock::given(header("authorization", "Bearer from-env"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"message": "gone"})))
        .expect(1)
        .mount(&server)
        .await;
    // A prefix of this test's own, so no other test sees the variables.
    let missing = fluents::Client::from_env_prefixed("OAGEN_TEST_ERGONOMICS").unwrap_err();
    assert_eq!(missing.variables, ["OAGEN_TEST_ERGONOMICS_API_KEY"]);
    assert!(missing
        .to_string()
        .contains("OAGEN_TEST_ERGONOMICS_API_KEY"));
    // SAFETY: no other test reads or writes these variables.
    unsafe {
        std::env::set_var("OAGEN_TEST_ERGONOMICS_API_KEY", "from-env");
        std::env::set_var("OAGEN_TEST_ERGONOMICS_BASE_URL", server.uri());
    }
    let client = fluents::Client::from_env_prefixed("OAGEN_TEST_ERGONOMICS").unwrap();
    assert_eq!(client.base_url(), server.uri());
    let body = fluents::types::UpdateActionDto::default();
    let err = client.update_action("a", &body).await.unwrap_err();
    assert!(err.is_not_found());
    // `from_env` names its variables after the module: `FLUENTS_API_KEY`.
    assert_eq!(
        voice_apis::runtime::env_prefix("voice_apis::fluents::client"),
        "FLUENTS"
    );
}

#[test]
fn error_enums_sit_next_to_the_client() {
    // Re-exported from `client`: `fluents::UpdateActionError`.
    fn takes(_: Option<fluents::UpdateActionError>) {}
    takes(None);
}

/// Bird's `AmdSettings` requires every property and gives each a `default`: nothing is an
/// argument, `Default` fills in the spec's defaults, and a setter overrides one.
#[test]
fn required_properties_with_defaults_are_filled_in() {
    let amd = bird::types::AmdSettings::default();
    assert_eq!(
        serde_json::to_value(&amd).unwrap(),
        json!({
            "enabled": false,
            "wordCount": 5.0,
            "speechTimeout": 3.0,
            "speechLocale": "en-US",
            "ifMachineNotifyAfter": "wordCount",
        })
    );
    let amd = amd
        .enabled(true)
        .speech_locale(bird::types::SpeechLocale::EnGb);
    assert!(amd.enabled);
    assert_eq!(amd.speech_locale, bird::types::SpeechLocale::EnGb);
}

/// Vocode's `VocodeVoice` fixes `voice_id` to `"joe"` (a one-value `enum`, not the tag that
/// picks a voice): a response with a voice the vendor added later decodes and is sent back
/// unchanged, while a request still fills in the fixed value.
#[test]
fn a_property_the_spec_fixes_accepts_a_later_value_in_responses() {
    let voice: vocode::types::VocodeVoice = serde_json::from_value(json!({
        "id": "3c90c3cc-0d44-4b50-8888-8dd25736052a",
        "user_id": "3c90c3cc-0d44-4b50-8888-8dd25736052b",
        "type": "voice_vocode",
        "voice_id": "jane",
    }))
    .unwrap();
    assert_eq!(voice.voice_id.as_str(), "jane");
    assert_eq!(serde_json::to_value(&voice).unwrap()["voice_id"], "jane");
    let params = vocode::types::VocodeVoiceParams::default();
    assert_eq!(serde_json::to_value(&params).unwrap()["voice_id"], "joe");
}
