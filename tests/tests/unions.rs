//! Union decoding read in place: the variant a JSON kind alone decides is read straight
//! from the input, a tag need not come first, and a failure still names the JSON path and
//! every variant's reason.

use serde_json::json;
use voice_apis::vocode::types::{CreateCallRequestAgent, RimeVoiceModelId, VoiceResponseModel};

const ID: &str = "3c90c3cc-0d44-4b50-8888-8dd25736052a";

/// Decodes `text` as `from_slice` does for a response body, with the failure's JSON path.
fn decode<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, (String, String)> {
    let mut de = serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(&mut de)
        .map_err(|e| (e.path().to_string(), e.inner().to_string()))
}

#[test]
fn a_json_kind_with_one_variant_decides_it() {
    let agent: CreateCallRequestAgent = decode(&json!(ID).to_string()).unwrap();
    assert!(matches!(agent, CreateCallRequestAgent::Uuid(_)));
    let text = json!({"prompt": ID, "voice": {"type": "voice_rime", "speaker": "s"}}).to_string();
    match decode::<CreateCallRequestAgent>(&text).unwrap() {
        CreateCallRequestAgent::CreateCallAgentParams(p) => assert!(p.voice.is_some()),
        other => panic!("wrong variant {other:?}"),
    }
}

#[test]
fn a_failure_inside_the_only_candidate_keeps_its_path_and_every_reason() {
    let text = json!({"prompt": ID, "voice": {"type": "voice_rime", "speaker": 5}}).to_string();
    let (path, message) = decode::<CreateCallRequestAgent>(&text).unwrap_err();
    assert_eq!(path, "voice.speaker", "{message}");
    assert!(
        message.contains("did not match any variant of untagged enum CreateCallRequestAgent"),
        "{message}"
    );
    assert!(message.contains("Uuid: invalid type: map"), "{message}");
    assert!(
        message.contains("VoiceParamsRequest: invalid type: integer `5`"),
        "{message}"
    );
    assert!(
        message.contains(
            "CreateCallAgentParams: data did not match any variant of untagged enum Voice"
        ),
        "{message}"
    );
    // A string that is not a uuid names the uuid variant's reason, and the object's.
    let (_, message) = decode::<CreateCallRequestAgent>("\"not-a-uuid\"").unwrap_err();
    assert!(
        message.contains("Uuid: ")
            && message.contains("CreateCallAgentParams: invalid type: string"),
        "{message}"
    );
}

#[test]
fn a_tag_after_other_properties_still_picks_its_variant() {
    let json = json!({"id": ID, "user_id": ID, "speaker": "young_male_unmarked",
                      "model_id": "mist", "type": "voice_rime"});
    let voice: VoiceResponseModel = decode(&json.to_string()).unwrap();
    match &voice {
        VoiceResponseModel::Rime(v) => {
            assert_eq!(v.speaker, "young_male_unmarked");
            assert!(matches!(v.model_id, Some(RimeVoiceModelId::Mist)));
        }
        other => panic!("wrong variant {other:?}"),
    }
    assert_eq!(serde_json::to_value(&voice).unwrap(), json);
    let (_, message) = decode::<VoiceResponseModel>(&json!({"id": ID}).to_string()).unwrap_err();
    assert!(message.contains("missing field `type`"), "{message}");
    let (_, message) = decode::<VoiceResponseModel>(&json!({"type": 1}).to_string()).unwrap_err();
    assert!(message.contains("`type` must be a string"), "{message}");
    let (_, message) = decode::<VoiceResponseModel>("[]").unwrap_err();
    assert!(
        message.contains("expected an object with a `type` property"),
        "{message}"
    );
}
