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
    let client = vocode::Client::new()
        .with_base_url(server.uri())
        .with_bearer_token("tok");

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
    let client = vocode::Client::new()
        .with_base_url(server.uri())
        .with_bearer_token("tok")
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
    let client = vocode::Client::new()
        .with_base_url(server.uri())
        .with_bearer_token("tok");
    let results: Vec<_> = client.list_calls().size(2).stream().collect().await;
    assert!(results.is_empty());
}

// ---------------------------------------------------------------------------------------------
// Every pagination kind, on `fixtures/client/pagination.yaml`.
// ---------------------------------------------------------------------------------------------

mod kinds {
    use futures::StreamExt;
    use oagen_tests::client_pagination::Client;
    use serde_json::json;
    use wiremock::matchers::{method, path, query_param, query_param_is_missing};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    fn items(ids: &[&str]) -> serde_json::Value {
        ids.iter().map(|id| json!({ "id": id })).collect()
    }

    async fn ids<E: std::fmt::Debug>(
        stream: oagen_tests::client_pagination::runtime::Items<
            '_,
            oagen_tests::client_pagination::types::Item,
            E,
        >,
    ) -> Vec<String> {
        stream
            .map(|r| r.expect("every page parses").id)
            .collect()
            .await
    }

    async fn requests(server: &MockServer) -> Vec<String> {
        server
            .received_requests()
            .await
            .unwrap()
            .iter()
            .map(|r| r.url.query().unwrap_or("").to_string())
            .collect()
    }

    #[tokio::test]
    async fn page_numbers_from_the_minimum_until_the_total_is_read() {
        let server = MockServer::start().await;
        for (page, list) in [("0", &["a", "b"][..]), ("1", &["c"][..])] {
            Mock::given(path("/by-total"))
                .and(query_param("page_number", page))
                .respond_with(
                    ResponseTemplate::new(200)
                        .set_body_json(json!({"results": items(list), "total_count": 3})),
                )
                .expect(1)
                .mount(&server)
                .await;
        }
        let client = Client::new().with_base_url(server.uri());
        let got = ids(client.list_by_total().per_page(2).stream()).await;
        assert_eq!(got, ["a", "b", "c"]);
        // The third item completes the total: no request for page 2.
        assert_eq!(
            requests(&server).await,
            ["page_number=0&per_page=2", "page_number=1&per_page=2"]
        );
    }

    #[tokio::test]
    async fn a_cursor_is_sent_back_until_the_page_has_none() {
        let server = MockServer::start().await;
        Mock::given(path("/by-cursor"))
            .and(query_param_is_missing("cursor"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(json!({"data": items(&["a"]), "next_cursor": "c2"})),
            )
            .mount(&server)
            .await;
        Mock::given(path("/by-cursor"))
            .and(query_param("cursor", "c2"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(json!({"data": items(&["b"]), "next_cursor": null})),
            )
            .mount(&server)
            .await;
        let client = Client::new().with_base_url(server.uri());
        assert_eq!(
            ids(client.list_by_cursor().limit(1).stream()).await,
            ["a", "b"]
        );
        assert_eq!(requests(&server).await, ["limit=1", "cursor=c2&limit=1"]);
    }

    #[tokio::test]
    async fn a_cursor_that_repeats_ends_the_list_instead_of_looping() {
        let server = MockServer::start().await;
        Mock::given(path("/by-cursor"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(json!({"data": items(&["a"]), "next_cursor": "same"})),
            )
            .mount(&server)
            .await;
        let client = Client::new().with_base_url(server.uri());
        assert_eq!(ids(client.list_by_cursor().stream()).await, ["a", "a"]);
        assert_eq!(requests(&server).await.len(), 2);
    }

    #[tokio::test]
    async fn a_nested_cursor_is_read_and_an_empty_one_ends_the_list() {
        let server = MockServer::start().await;
        Mock::given(path("/by-nested-cursor"))
            .and(query_param_is_missing("cursor"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "items": items(&["a", "b"]),
                "response_metadata": {"next_cursor": "dXNlcjpVMEc5V0ZYTlo="}
            })))
            .mount(&server)
            .await;
        Mock::given(path("/by-nested-cursor"))
            .and(query_param("cursor", "dXNlcjpVMEc5V0ZYTlo="))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "items": items(&["c"]),
                "response_metadata": {"next_cursor": ""}
            })))
            .mount(&server)
            .await;
        let client = Client::new().with_base_url(server.uri());
        assert_eq!(
            ids(client.list_by_nested_cursor().stream()).await,
            ["a", "b", "c"]
        );
        assert_eq!(requests(&server).await.len(), 2);
    }

    #[tokio::test]
    async fn starting_after_takes_the_last_items_id_until_has_more_is_false() {
        let server = MockServer::start().await;
        Mock::given(path("/by-last-item"))
            .and(query_param_is_missing("starting_after"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(json!({"data": items(&["cus_1", "cus_2"]), "has_more": true})),
            )
            .mount(&server)
            .await;
        Mock::given(path("/by-last-item"))
            .and(query_param("starting_after", "cus_2"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(json!({"data": items(&["cus_3"]), "has_more": false})),
            )
            .mount(&server)
            .await;
        let client = Client::new().with_base_url(server.uri());
        assert_eq!(
            ids(client.list_by_last_item().limit(2).stream()).await,
            ["cus_1", "cus_2", "cus_3"]
        );
        assert_eq!(
            requests(&server).await,
            ["limit=2", "starting_after=cus_2&limit=2"]
        );
    }

    #[tokio::test]
    async fn the_link_header_next_url_is_followed_on_the_same_origin() {
        let server = MockServer::start().await;
        let next = format!("{}/by-link?per_page=2&page=2", server.uri());
        Mock::given(method("GET"))
            .and(path("/by-link"))
            .and(query_param_is_missing("page"))
            .respond_with(
                ResponseTemplate::new(200)
                    .insert_header(
                        "link",
                        format!("<{next}>; rel=\"next\", <{next}9>; rel=\"last\"").as_str(),
                    )
                    .set_body_json(items(&["a", "b"])),
            )
            .mount(&server)
            .await;
        Mock::given(path("/by-link"))
            .and(query_param("page", "2"))
            .respond_with(
                ResponseTemplate::new(200)
                    .insert_header("link", "</by-link?per_page=2&page=1>; rel=\"prev\"")
                    .set_body_json(items(&["c"])),
            )
            .mount(&server)
            .await;
        let client = Client::new().with_base_url(server.uri());
        assert_eq!(
            ids(client.list_by_link().per_page(2).stream()).await,
            ["a", "b", "c"]
        );
        assert_eq!(requests(&server).await, ["per_page=2", "per_page=2&page=2"]);
    }

    #[tokio::test]
    async fn a_link_to_another_origin_is_not_followed() {
        let server = MockServer::start().await;
        Mock::given(path("/by-link"))
            .respond_with(
                ResponseTemplate::new(200)
                    .insert_header(
                        "link",
                        "<https://evil.invalid/by-link?page=2>; rel=\"next\"",
                    )
                    .set_body_json(items(&["a"])),
            )
            .mount(&server)
            .await;
        let client = Client::new()
            .with_base_url(server.uri())
            .with_retry(oagen_tests::client_pagination::runtime::RetryPolicy::never());
        let results: Vec<_> = client.list_by_link().stream().collect().await;
        assert_eq!(results.len(), 2);
        let err = results[1].as_ref().unwrap_err().to_string();
        assert!(err.contains("leaves the base URL's origin"), "{err}");
        assert_eq!(requests(&server).await.len(), 1);
    }

    #[tokio::test]
    async fn an_operation_matching_no_rule_stays_positional() {
        let server = MockServer::start().await;
        Mock::given(path("/not-a-list"))
            .respond_with(ResponseTemplate::new(200).set_body_json(items(&["a"])))
            .mount(&server)
            .await;
        let client = Client::new().with_base_url(server.uri());
        // `page` alone, with an array body and no `Link` header, is not a list: one request.
        let got = client.not_a_list(Some(3)).await.unwrap();
        assert_eq!(got.len(), 1);
        assert_eq!(requests(&server).await, ["page=3"]);
    }
}
