//! The generated clients against a real HTTP server on loopback (wiremock): method, path,
//! query, auth header, body, typed success and error bodies, raw fallbacks.

use oagen_tests::example;
use serde_json::json;
use voice_apis::{bird, fluents, vocode, Error};
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const ID: &str = "3c90c3cc-0d44-4b50-8888-8dd25736052a";

#[tokio::test]
async fn bird_patch_call_sends_the_call_flow_with_an_access_key() {
    let server = MockServer::start().await;
    let request = example("bird-patch-call-example2-request.json");
    Mock::given(method("PATCH"))
        .and(path("/workspaces/ws-1/channels/ch-1/calls/call-1"))
        .and(header("authorization", "AccessKey secret-key"))
        .and(header("content-type", "application/json"))
        .and(body_json(&request))
        .respond_with(
            ResponseTemplate::new(202)
                .set_body_json(example("bird-patch-call-example2-response.json")),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = bird::Client::new()
        .with_base_url(server.uri())
        .with_authorization("secret-key");
    let body: bird::types::PatchCall = serde_json::from_value(request).unwrap();
    let call = client
        .patch_call("ws-1", "ch-1", "call-1", Some(&body))
        .await
        .expect("202 with a Call body");
    assert_eq!(call.from, "+351910648518");
}

/// Calls Bird's `patch_call` (no body) against a server that answers every PATCH with
/// `response`, and returns the error the client reports.
async fn bird_error_for(response: ResponseTemplate) -> Error<bird::client::PatchCallError> {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .respond_with(response)
        .mount(&server)
        .await;
    bird::Client::new()
        .with_base_url(server.uri())
        .patch_call("w", "c", "x", None)
        .await
        .expect_err("the server answers with an error")
}

#[tokio::test]
async fn bird_documented_errors_come_back_typed() {
    let err = bird_error_for(
        ResponseTemplate::new(404).set_body_json(json!({"code": "NotFound", "message": "no call"})),
    )
    .await;
    match err {
        Error::Api {
            status,
            body: bird::client::PatchCallError::NotFound(e),
            ..
        } => {
            assert_eq!(status.as_u16(), 404);
            assert_eq!(e.code, "NotFound");
        }
        other => panic!("expected a typed 404, got {other:?}"),
    }
}

#[tokio::test]
async fn undocumented_status_keeps_raw_status_and_body() {
    let err = bird_error_for(ResponseTemplate::new(503).set_body_string("try later")).await;
    match err {
        Error::UnexpectedStatus { status, body, .. } => {
            assert_eq!(status.as_u16(), 503);
            assert_eq!(&body[..], b"try later");
        }
        other => panic!("expected UnexpectedStatus, got {other:?}"),
    }
}

#[tokio::test]
async fn a_body_that_does_not_match_is_a_decode_error_with_the_raw_body() {
    let err = bird_error_for(ResponseTemplate::new(202).set_body_json(json!({"id": "nope"}))).await;
    match err {
        Error::Decode { body, source, .. } => {
            assert_eq!(&body[..], br#"{"id":"nope"}"#);
            assert!(
                source.to_string().contains("UUID") || source.to_string().contains("uuid"),
                "{source}"
            );
        }
        other => panic!("expected Decode, got {other:?}"),
    }
}

#[tokio::test]
async fn path_parameters_are_encoded_as_one_segment() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .and(path(
            "/workspaces/..%2Fadmin/channels/a%2Fb%3Fx=1/calls/%23frag",
        ))
        .respond_with(
            ResponseTemplate::new(202)
                .set_body_json(example("bird-patch-call-example2-response.json")),
        )
        .expect(1)
        .mount(&server)
        .await;
    bird::Client::new()
        .with_base_url(server.uri())
        .patch_call("../admin", "a/b?x=1", "#frag", None)
        .await
        .expect("the hostile values stay inside their segments");
}

#[tokio::test]
async fn vocode_list_sends_query_parameters_and_a_bearer_token() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/calls/list"))
        .and(query_param("page", "2"))
        .and(query_param("size", "10"))
        .and(query_param("sort_desc", "true"))
        .and(header("authorization", "Bearer tok"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "items": [], "page": 2, "size": 10, "has_more": false, "total": 10,
            "total_is_estimated": false
        })))
        .expect(1)
        .mount(&server)
        .await;
    let client = vocode::Client::new()
        .with_base_url(server.uri())
        .with_bearer_token("tok");
    let page = client
        .list_calls()
        .page(2)
        .size(10)
        .sort_desc(true)
        .await
        .expect("a CallPage");
    assert_eq!((page.page, page.has_more), (2, false));
}

#[tokio::test]
async fn vocode_validation_errors_are_typed() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/actions/update"))
        .and(query_param("id", ID))
        .and(body_json(json!({"type": "action_dtmf"})))
        .respond_with(ResponseTemplate::new(422).set_body_json(json!({
            "detail": [{"loc": ["query", "id"], "msg": "bad id", "type": "value_error"}]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let client = vocode::Client::new().with_base_url(server.uri());
    let body = vocode::types::ActionUpdateParamsRequest::Dtmf(Default::default());
    let err = client
        .update_action(ID.parse().unwrap(), &body)
        .await
        .unwrap_err();
    let Some(vocode::client::UpdateActionError::UnprocessableEntity(e)) = err.body() else {
        panic!("expected a typed 422, got {err:?}");
    };
    assert_eq!(e.detail.as_ref().unwrap()[0].msg, "bad id");
}

/// The detail message of a Vocode validation error: one function for the errors of every
/// operation that documents the API's common errors (`vocode::client::ApiError`), since
/// their own error types are aliases of it.
fn validation_message(err: &Error<vocode::client::ApiError>) -> Option<String> {
    match err.body()? {
        vocode::client::ApiError::UnprocessableEntity(e) => Some(e.detail.as_ref()?[0].msg.clone()),
    }
}

#[tokio::test]
async fn operations_with_the_same_errors_share_one_error_type() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(422).set_body_json(json!({
            "detail": [{"loc": ["body"], "msg": "bad body", "type": "value_error"}]
        })))
        .expect(2)
        .mount(&server)
        .await;
    let client = vocode::Client::new().with_base_url(server.uri());
    let update = client
        .update_action(
            ID.parse().unwrap(),
            &vocode::types::ActionUpdateParamsRequest::Dtmf(Default::default()),
        )
        .await
        .unwrap_err();
    let end = client.end_call(ID.parse().unwrap()).await.unwrap_err();
    assert_eq!(validation_message(&update).as_deref(), Some("bad body"));
    assert_eq!(validation_message(&end).as_deref(), Some("bad body"));
    // The per-operation names stay, as aliases, with the variants reachable through them.
    let _: Option<&vocode::client::EndCallError> = end.body();
    assert!(matches!(
        update.body(),
        Some(vocode::client::UpdateActionError::UnprocessableEntity(_))
    ));
}

#[tokio::test]
async fn vocode_recording_comes_back_as_bytes() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/calls/recording"))
        .and(query_param("id", ID))
        .respond_with(ResponseTemplate::new(200).set_body_raw(vec![0xff, 0xfb, 0x90], "audio/mpeg"))
        .mount(&server)
        .await;
    let audio = vocode::Client::new()
        .with_base_url(server.uri())
        .get_recording(ID.parse().unwrap())
        .await
        .unwrap();
    assert_eq!(&audio[..], &[0xff, 0xfb, 0x90]);
}

#[tokio::test]
async fn fluents_update_action_and_its_typed_400() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/actions/update"))
        .and(query_param("id", "a1"))
        .and(header("authorization", "Bearer jwt"))
        .and(body_json(json!({"label": "Transfer"})))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({
            "id": "a1", "user_id": "u1", "type": "action_transfer_call", "config": {}
        })))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(query_param("id", "bad"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({
            "message": "bad", "error": "Bad Request", "statusCode": 400
        })))
        .mount(&server)
        .await;
    let client = fluents::Client::new()
        .with_base_url(server.uri())
        .with_bearer_token("jwt");
    let body = fluents::types::UpdateActionDto::default().label("Transfer");
    let action = client.update_action("a1", &body).await.unwrap();
    assert_eq!(
        action.r#type,
        fluents::types::ActionDtoType::ActionTransferCall
    );
    let err = client.update_action("bad", &body).await.unwrap_err();
    assert!(matches!(
        err.body(),
        Some(fluents::client::UpdateActionError::BadRequest(e)) if e.status_code == 400.0
    ));
}

#[test]
fn credentials_are_redacted_from_debug() {
    let client = bird::Client::new().with_authorization("super-secret");
    let debug = format!("{client:?}");
    assert!(!debug.contains("super-secret"), "{debug}");
    assert_eq!(bird::Client::DEFAULT_BASE_URL, "https://api.bird.com");
}
