//! Parameters of every `in` and the common styles, and request bodies beyond JSON
//! (`fixtures/client/params.yaml`), against a loopback HTTP server.

use oagen_tests::client_params::{client::Client, types};
use wiremock::matchers::{body_string, header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// Mounts a catch-all 200 and returns the one request the client sent.
async fn sent(server: &MockServer) -> Request {
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1);
    requests.into_iter().next().unwrap()
}

#[tokio::test]
async fn parameters_of_every_location_and_style_are_encoded() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"ok": true})))
        .mount(&server)
        .await;
    let filter = types::GetItemFilter::default()
        .status("paid & due")
        .created(types::GetItemFilterCreated::default().gte(5));
    let response = Client::new()
        .with_base_url(server.uri())
        .get_item("a/b c")
        .tags(vec!["x y".to_string(), "z".to_string()])
        .ids(vec![1, 2, 3])
        .words(vec!["one".to_string(), "two".to_string()])
        .filter(filter)
        .q("ü&=")
        .x_trace("t-1")
        .session("s 1;x")
        .theme("dark")
        .await
        .unwrap();
    assert_eq!(response.ok, Some(true));
    let request = sent(&server).await;
    assert_eq!(request.url.path(), "/items/a%2Fb%20c");
    assert_eq!(
        request.url.query().unwrap(),
        "tags=x+y&tags=z&ids=1%2C2%2C3&words=one+two\
         &filter%5Bstatus%5D=paid+%26+due&filter%5Bcreated%5D%5Bgte%5D=5&q=%C3%BC%26%3D"
    );
    assert_eq!(request.headers["x-trace"], "t-1");
    assert_eq!(request.headers["cookie"], "session=s%201%3Bx; theme=dark");
}

#[tokio::test]
async fn absent_optional_parameters_are_not_sent() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({})))
        .mount(&server)
        .await;
    Client::new()
        .with_base_url(server.uri())
        .get_item("1")
        .await
        .unwrap();
    let request = sent(&server).await;
    assert_eq!(request.url.query(), None);
    assert!(!request.headers.contains_key("cookie"));
    assert!(!request.headers.contains_key("x-trace"));
}

#[tokio::test]
async fn form_bodies_use_bracket_notation_for_nested_values() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/charges"))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(body_string(
            "amount=2000&currency=eur&card%5Bnumber%5D=4242+4242&card%5Bexp_month%5D=12\
             &metadata%5Border_id%5D=6735&expand%5B0%5D=customer&expand%5B1%5D=invoice",
        ))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let body = types::CreateChargeRequest::new(2000)
        .currency("eur")
        .card(
            types::CreateChargeRequestCard::default()
                .number("4242 4242")
                .exp_month(12),
        )
        .metadata([("order_id".to_string(), "6735".to_string())])
        .expand(["customer", "invoice"]);
    Client::new()
        .with_base_url(server.uri())
        .create_charge(&body)
        .await
        .unwrap();
}

#[tokio::test]
async fn text_and_binary_bodies_are_sent_as_they_are() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/notes"))
        .and(header("content-type", "text/plain"))
        .and(body_string("héllo\nworld"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/blobs"))
        .and(header("content-type", "application/octet-stream"))
        .respond_with(|request: &Request| {
            ResponseTemplate::new(200)
                .set_body_raw(request.body.clone(), "application/octet-stream")
        })
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::new().with_base_url(server.uri());
    client.put_note("héllo\nworld").await.unwrap();
    let echoed = client.put_blob(vec![0u8, 159, 146, 150]).await.unwrap();
    assert_eq!(&echoed[..], &[0u8, 159, 146, 150]);
}
