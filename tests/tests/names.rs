//! Names users write (README "Names"): shared inline types named by what their places agree
//! on, no stutter, variants named by meaning, error variants by status, and bodies of any
//! media type as bytes. Each test uses the generated names, so a rename fails to compile.

use oagen_tests::rules;
use voice_apis::{bird, vocode};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[test]
fn a_shared_inline_enum_is_one_type_named_by_its_title() {
    // Vocode: five schemas share an inline enum titled "Telephony Provider".
    let provider = vocode::types::TelephonyProvider::Twilio;
    let number: vocode::types::PhoneNumber = serde_json::from_value(serde_json::json!({
        "id": "3c90c3cc-0d44-4b50-8888-8dd25736052a",
        "user_id": "3c90c3cc-0d44-4b50-8888-8dd25736052a",
        "number": "+15555550100",
        "telephony_provider": "twilio",
    }))
    .unwrap();
    assert_eq!(number.telephony_provider, Some(provider.clone()));
    // Every place keeps its positional name as an alias of the one type.
    let old: vocode::types::BuyPhoneNumberRequestTelephonyProvider = provider;
    assert_eq!(old.as_str(), "twilio");

    let line: rules::types::Line =
        serde_json::from_value(serde_json::json!({"line_kind": "mobile"})).unwrap();
    let carrier: rules::types::Carrier =
        serde_json::from_value(serde_json::json!({"kind": "mobile"})).unwrap();
    assert_eq!(line.line_kind, Some(rules::types::LineKind::Mobile));
    assert_eq!(line.line_kind, carrier.kind);
}

#[test]
fn repeated_words_are_said_once() {
    let command = bird::types::Command::Ringing(None);
    let step = bird::types::CallFlowCommand::new(command);
    assert_eq!(
        serde_json::to_value(&step).unwrap(),
        serde_json::json!({"command": "ringing"})
    );
    let _: Option<bird::types::AmdResultKind> = bird::types::AmdResult::default().result;
    let verdict = rules::types::Verdict::default()
        .verdict(rules::types::VerdictKind::Human)
        .verdict_reason(rules::types::VerdictReason::Beep);
    assert_eq!(
        serde_json::to_value(&verdict).unwrap(),
        serde_json::json!({"verdict": "human", "verdict_reason": "beep"})
    );
}

#[test]
fn a_variant_is_named_by_its_value_not_its_shape() {
    use rules::types::{VerdictAgent, VerdictAgentDefault};
    let agent: VerdictAgent = serde_json::from_value(serde_json::json!("default")).unwrap();
    assert_eq!(agent, VerdictAgent::Default(VerdictAgentDefault::Default));
    // Vocode: a branch that is a copy of a component is named after it, not `Union`.
    let action = vocode::types::AgentParamsActionsItem::ActionParamsRequest(
        vocode::types::ActionParamsRequest::from(
            vocode::types::EndConversationActionParams::default(),
        ),
    );
    assert!(serde_json::to_value(&action).unwrap().is_object());
}

#[tokio::test]
async fn error_variants_are_named_by_status_and_keep_it() {
    let server = MockServer::start().await;
    for (id, status) in [("gone", 404), ("busy", 429), ("down", 503)] {
        let mut response = ResponseTemplate::new(status);
        if status == 404 {
            response = response.set_body_json(serde_json::json!({"title": "no such export"}));
        }
        Mock::given(method("GET"))
            .and(path(format!("/exports/{id}")))
            .respond_with(response)
            .mount(&server)
            .await;
    }
    let client = rules::Client::new().with_base_url(server.uri());
    use rules::client::DownloadExportError as E;
    let body = |e: rules::runtime::Error<E>| match e {
        rules::runtime::Error::Api { body, .. } => body,
        other => panic!("{other:?}"),
    };
    let missing = body(client.download_export("gone").await.unwrap_err());
    let E::NotFound(problem) = &missing else {
        panic!("{missing:?}")
    };
    assert_eq!(problem.title.as_deref(), Some("no such export"));
    assert_eq!(missing.status(), Some(404));
    let busy = body(client.download_export("busy").await.unwrap_err());
    assert_eq!(
        (busy.clone(), busy.status()),
        (E::TooManyRequests, Some(429))
    );
    // A range has no one status; the response's is on the error.
    let err = client.download_export("down").await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(body(err).status(), None);
}

#[tokio::test]
async fn a_body_of_any_media_type_is_bytes() {
    let server = MockServer::start().await;
    let payload: &[u8] = &[0x50, 0x4b, 0x03, 0x04, 0xff, 0x00];
    Mock::given(method("GET"))
        .and(path("/exports/e1"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(payload, "application/zip"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/archives/a1"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(payload, "application/octet-stream"))
        .mount(&server)
        .await;
    let client = rules::Client::new().with_base_url(server.uri());
    let export: rules::runtime::Bytes = client.download_export("e1").await.unwrap();
    assert_eq!(&export[..], payload);
    let archive = client.download_archive("a1").await.unwrap();
    assert_eq!(&archive[..], payload);
}
