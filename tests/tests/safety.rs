//! Generated clients handle hostile values safely: a header value with CR/LF is refused
//! before anything is sent, and path values cannot escape their segment.

use oagen_tests::rules;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn a_header_value_with_cr_lf_is_refused_not_sent() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    let client = rules::Client::new().with_base_url(server.uri());
    let err = client
        .get_pet("p1", None, Some("ok\r\nX-Injected: yes"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, rules::Error::InvalidRequest(ref m) if m.contains("X-Trace")),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_path_value_cannot_add_segments_or_a_query() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(wiremock::matchers::path("/pets/..%2Fadmin%3Fx=1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"kind": "Dog"})))
        .expect(1)
        .mount(&server)
        .await;
    let client = rules::Client::new().with_base_url(server.uri());
    let pet = client.get_pet("../admin?x=1", None, None).await.unwrap();
    assert!(matches!(pet, rules::types::Pet::Dog(_)));
}
