//! Multipart request bodies and success responses that differ by status.

use oagen_tests::rules;
use rules::runtime::{FilePart, Multipart};
use wiremock::matchers::{header_regex, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

#[tokio::test]
async fn a_multipart_body_sends_files_with_their_names_and_text_fields() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/uploads"))
        .and(header_regex(
            "content-type",
            "^multipart/form-data; boundary=.+",
        ))
        .respond_with(|req: &Request| {
            let body = String::from_utf8_lossy(&req.body).to_string();
            let ok = body
                .contains("Content-Disposition: form-data; name=\"file\"; filename=\"notes.txt\"")
                && body.contains("Content-Type: text/plain\r\n\r\nhello")
                && body.contains("name=\"purpose\"\r\n\r\nbackup");
            if ok {
                ResponseTemplate::new(204)
            } else {
                ResponseTemplate::new(400).set_body_string(body)
            }
        })
        .expect(1)
        .mount(&server)
        .await;
    let mut form = Multipart::new();
    form.file(
        "file",
        &FilePart::new("notes.txt", &b"hello"[..]).with_content_type("text/plain"),
    );
    form.field("purpose", "backup");
    let outcome = rules::Client::new()
        .with_base_url(server.uri())
        .upload(&form)
        .await
        .unwrap();
    assert_eq!(outcome, rules::client::UploadResponse::NoContent);
}

#[tokio::test]
async fn each_success_status_has_its_own_typed_variant() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(202).set_body_json(serde_json::json!({"kind": "Dog"})))
        .mount(&server)
        .await;
    let outcome = rules::Client::new()
        .with_base_url(server.uri())
        .upload(&Multipart::new())
        .await
        .unwrap();
    assert!(
        matches!(
            outcome,
            rules::client::UploadResponse::Accepted(rules::types::Pet::Dog(_))
        ),
        "{outcome:?}"
    );
}

#[tokio::test]
async fn a_default_success_leaves_documented_errors_their_status() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path("/tickets/bad"))
        .respond_with(ResponseTemplate::new(400))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/tickets/t1"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/tickets/t1"))
        .respond_with(ResponseTemplate::new(202))
        .mount(&server)
        .await;
    let client = rules::Client::new().with_base_url(server.uri());
    client.delete_ticket("t1").await.unwrap();
    let err = client.delete_ticket("bad").await.unwrap_err();
    assert!(
        matches!(
            err,
            rules::Error::Api {
                body: rules::client::DeleteTicketError::BadRequest,
                ..
            }
        ),
        "{err:?}"
    );
    client.touch_ticket("t1").await.unwrap();
}
