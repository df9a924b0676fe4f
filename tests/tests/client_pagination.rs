//! Paginated list operations as streams: Vocode's `page`/`size` + `items`/`has_more` lists.

use futures::StreamExt;
use serde_json::json;
use voice_apis::runtime::RetryPolicy;
use voice_apis::vocode;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn call(n: u32) -> serde_json::Value {
    json!({
        "id": format!("3c90c3cc-0d44-4b50-8888-8dd2573605{n:02}"),
        "user_id": "3c90c3cc-0d44-4b50-8888-8dd25736052a",
        "to_number": format!("+1555000{n:04}"),
        "from_number": "+15550000000",
        "agent": "3c90c3cc-0d44-4b50-8888-8dd25736052a",
        "telephony_provider": "twilio",
        "agent_phone_number": "+15550000000"
    })
}

async fn mount_page(server: &MockServer, page: u32, items: Vec<u32>, has_more: bool) {
    let items: Vec<_> = items.into_iter().map(call).collect();
    Mock::given(method("GET"))
        .and(path("/v1/calls/list"))
        .and(query_param("page", page.to_string()))
        .and(query_param("size", "2"))
        .and(header("authorization", "Bearer tok"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "items": items, "page": page, "size": 2, "has_more": has_more,
            "total": 5, "total_is_estimated": false
        })))
        .expect(1)
        .mount(server)
        .await;
}

#[tokio::test]
async fn a_three_page_listing_streams_every_item_lazily() {
    let server = MockServer::start().await;
    mount_page(&server, 1, vec![1, 2], true).await;
    mount_page(&server, 2, vec![3, 4], true).await;
    mount_page(&server, 3, vec![5], false).await;
    let client = vocode::Client::with_base_url(server.uri()).with_http_bearer("tok");

    let mut stream = client.list_calls().size(2).stream();
    let first = stream.next().await.unwrap().unwrap();
    assert_eq!(first.to_number, "+15550000001");
    // Only the first page has been fetched so far.
    assert_eq!(server.received_requests().await.unwrap().len(), 1);

    let rest: Vec<_> = stream.collect().await;
    let numbers: Vec<String> = rest
        .into_iter()
        .map(|r| r.expect("every page parses").to_number)
        .collect();
    assert_eq!(
        numbers,
        [
            "+15550000002",
            "+15550000003",
            "+15550000004",
            "+15550000005"
        ]
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn an_error_ends_the_stream_after_being_yielded() {
    let server = MockServer::start().await;
    mount_page(&server, 1, vec![1], true).await;
    Mock::given(method("GET"))
        .and(query_param("page", "2"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&server)
        .await;
    let client = vocode::Client::with_base_url(server.uri())
        .with_http_bearer("tok")
        .with_retry(RetryPolicy::never());
    let results: Vec<_> = client.list_calls().size(2).stream().collect().await;
    assert_eq!(results.len(), 2);
    assert!(results[0].is_ok());
    assert_eq!(
        results[1]
            .as_ref()
            .unwrap_err()
            .status()
            .map(|s| s.as_u16()),
        Some(500)
    );
}

#[tokio::test]
async fn an_empty_first_page_ends_at_once() {
    let server = MockServer::start().await;
    mount_page(&server, 1, vec![], true).await;
    let client = vocode::Client::with_base_url(server.uri()).with_http_bearer("tok");
    let results: Vec<_> = client.list_calls().size(2).stream().collect().await;
    assert!(results.is_empty());
}
