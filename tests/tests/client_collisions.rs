//! Parameters named like the locals of a generated method body (`client`, `request`,
//! `response`, `value`, `credential`), like the body argument, the receiver and the
//! builder's own methods (`fixtures/client/collisions.yaml`): both forms compile and send
//! every value where the spec says.

use oagen_tests::client_collisions::{client::Client, types};
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn a_positional_method_sends_parameters_named_like_its_locals() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/positional/c-1/r-1"))
        .and(query_param("response", "resp"))
        .and(query_param("value", "7"))
        .and(query_param("body", "b"))
        .and(query_param("self", "me"))
        .and(query_param("url", "u"))
        .and(query_param("builder", "true"))
        .and(header("credential", "cred"))
        .and(header("authorization", "Bearer secret"))
        .and(body_json(serde_json::json!({"text": "hi"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"text": "ok"})))
        .expect(1)
        .mount(&server)
        .await;
    let note = types::Note::default().text("hi");
    let got = Client::new()
        .with_base_url(server.uri())
        .with_bearer_token("secret")
        .positional(
            "c-1",
            "r-1",
            "resp",
            7,
            "cred",
            "b",
            "me",
            Some("u"),
            Some(true),
            &note,
        )
        .await
        .unwrap();
    assert_eq!(got.text.as_deref(), Some("ok"));
}

#[tokio::test]
async fn a_builder_sends_parameters_named_like_its_locals_and_methods() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/builder/c-2"))
        .and(query_param("request", "req"))
        .and(query_param("response", "resp"))
        .and(query_param("value", "3"))
        .and(query_param("body", "b"))
        .and(query_param("self", "me"))
        .and(query_param("url", "u"))
        .and(query_param("options", "o"))
        .and(query_param("query", "q"))
        .and(query_param("timeout", "30"))
        .and(query_param("params", "p"))
        .and(query_param("client", "c-query"))
        .and(header("credential", "cred"))
        .and(header("headers", "hs"))
        .and(header("header", "h"))
        .and(header("authorization", "Bearer secret"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"text": "ok"})))
        .expect(1)
        .mount(&server)
        .await;
    let got = Client::new()
        .with_base_url(server.uri())
        .with_bearer_token("secret")
        .builder("c-2", "req")
        .response("resp")
        .value(3)
        .credential("cred")
        .body2("b")
        .self_("me")
        .url("u")
        .options_param("o")
        .query_param("q")
        .headers("hs")
        .header_param("h")
        .timeout_param(30)
        .params_param("p")
        .client2("c-query")
        .await
        .unwrap();
    assert_eq!(got.text.as_deref(), Some("ok"));
}
