//! The production features of the generated clients against a loopback HTTP server
//! (wiremock): request ids, raw access, timeouts, retries with `Retry-After`, per-request
//! options, decode errors with a JSON path, redaction of credentials.

use serde_json::json;
use std::time::{Duration, Instant};
use voice_apis::runtime::{RequestOptions, RetryPolicy};
use voice_apis::{vocode, Error};
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const ID: &str = "3c90c3cc-0d44-4b50-8888-8dd25736052a";

fn page(items: serde_json::Value, page: i64, has_more: bool) -> serde_json::Value {
    json!({"items": items, "page": page, "size": 2, "has_more": has_more, "total": 5,
           "total_is_estimated": false})
}

/// A retry policy that waits 1–2 ms between attempts.
fn fast_retries(max_retries: u32) -> RetryPolicy {
    RetryPolicy::default()
        .with_max_retries(max_retries)
        .with_backoff(Duration::from_millis(2), Duration::from_millis(4))
}

async fn requests(server: &MockServer) -> usize {
    server.received_requests().await.unwrap_or_default().len()
}

#[tokio::test]
async fn a_429_then_200_is_retried_after_the_retry_after_delay() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/calls/list"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "1"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/calls/list"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(json!([]), 1, false)))
        .mount(&server)
        .await;
    let client = vocode::Client::new().with_base_url(server.uri());
    let started = Instant::now();
    let body = client.list_calls().await.expect("the retry succeeds");
    assert!(!body.has_more);
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "waited {:?}",
        started.elapsed()
    );
    assert_eq!(requests(&server).await, 2);
}

#[tokio::test]
async fn retry_after_as_an_http_date_is_honoured() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(503)
                .insert_header("retry-after", "Thu, 01 Jan 1970 00:00:00 GMT"),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(json!([]), 1, false)))
        .mount(&server)
        .await;
    let client = vocode::Client::new().with_base_url(server.uri());
    client.list_calls().await.unwrap();
    assert_eq!(requests(&server).await, 2);
}

#[tokio::test]
async fn a_retry_after_longer_than_the_policy_allows_returns_the_response() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "3600"))
        .mount(&server)
        .await;
    let started = Instant::now();
    let err = vocode::Client::new()
        .with_base_url(server.uri())
        .list_calls()
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(429));
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(requests(&server).await, 1);
}

#[tokio::test]
async fn server_errors_408_and_409_are_retried_with_backoff_then_reported() {
    for status in [500, 502, 503, 408, 409] {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(status).set_body_string("busy"))
            .mount(&server)
            .await;
        let err = vocode::Client::new()
            .with_base_url(server.uri())
            .with_retry(fast_retries(3))
            .list_calls()
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::UnexpectedStatus { status: s, body, .. } if s.as_u16() == status && &body[..] == b"busy"),
            "{err:?}"
        );
        assert_eq!(
            requests(&server).await,
            4,
            "status {status}: 1 try + 3 retries"
        );
    }
}

#[tokio::test]
async fn other_client_errors_are_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(400))
        .mount(&server)
        .await;
    let _ = vocode::Client::new()
        .with_base_url(server.uri())
        .with_retry(fast_retries(3))
        .list_calls()
        .await
        .unwrap_err();
    assert_eq!(requests(&server).await, 1);
}

#[tokio::test]
async fn post_is_not_retried_unless_the_call_asks() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/actions/update"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let client = vocode::Client::new()
        .with_base_url(server.uri())
        .with_retry(fast_retries(2));
    let body = vocode::types::ActionUpdateParamsRequest::Dtmf(Default::default());
    let id = ID.parse().unwrap();
    client.update_action(id, &body).await.unwrap_err();
    assert_eq!(requests(&server).await, 1, "POST is not idempotent");
    client
        .update_action(id, &body)
        .retry(fast_retries(2).with_non_idempotent(true))
        .await
        .unwrap_err();
    assert_eq!(requests(&server).await, 4, "1 + 1 try and 2 retries");
}

#[tokio::test]
async fn retries_can_be_turned_off_per_client_and_per_call() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let client = vocode::Client::new()
        .with_base_url(server.uri())
        .with_retry(RetryPolicy::never());
    client.list_calls().await.unwrap_err();
    assert_eq!(requests(&server).await, 1);
    let client = vocode::Client::new()
        .with_base_url(server.uri())
        .with_retry(fast_retries(1));
    client
        .list_calls()
        .retry(RetryPolicy::never())
        .await
        .unwrap_err();
    assert_eq!(requests(&server).await, 2);
}

#[tokio::test]
async fn connection_errors_are_retried_then_reported_as_transport() {
    // A port nobody listens on: bind, read the port, close.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let backoff = Duration::from_millis(50);
    let started = Instant::now();
    let err = vocode::Client::new()
        .with_base_url(format!("http://127.0.0.1:{port}"))
        .with_retry(
            RetryPolicy::default()
                .with_max_retries(2)
                .with_backoff(backoff, backoff),
        )
        .list_calls()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Transport(e) if e.is_connect()),
        "{err:?}"
    );
    // Two backoffs of at least half of 50 ms each.
    assert!(started.elapsed() >= backoff, "{:?}", started.elapsed());
}

#[tokio::test]
async fn a_slow_response_times_out_per_call_and_per_client() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(page(json!([]), 1, false))
                .set_delay(Duration::from_secs(3)),
        )
        .mount(&server)
        .await;
    let client = vocode::Client::new()
        .with_base_url(server.uri())
        .with_retry(RetryPolicy::never());
    let started = Instant::now();
    let err = client
        .list_calls()
        .timeout(Duration::from_millis(200))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Timeout(d) if d == Duration::from_millis(200)),
        "{err:?}"
    );
    assert!(err.is_timeout());
    assert!(started.elapsed() < Duration::from_secs(2));

    let client = client.with_timeout(Some(Duration::from_millis(150)));
    let err = client.list_calls().await.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert_eq!(
        client.transport().timeouts().1,
        Some(Duration::from_millis(150))
    );
    // The per-call timeout wins over the client's.
    let ok = client.list_calls().timeout(Duration::from_secs(10)).await;
    assert!(ok.is_ok(), "{ok:?}");
}

#[tokio::test]
async fn raw_access_returns_the_body_with_status_headers_and_request_id() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-request-id", "req-123")
                .insert_header("x-ratelimit-remaining", "9")
                .set_body_json(page(json!([]), 3, false)),
        )
        .mount(&server)
        .await;
    let response = vocode::Client::new()
        .with_base_url(server.uri())
        .list_calls()
        .page(3)
        .raw()
        .await
        .unwrap();
    assert_eq!(response.status.as_u16(), 200);
    assert_eq!(response.request_id(), Some("req-123"));
    assert_eq!(response.headers["x-ratelimit-remaining"], "9");
    assert_eq!(response.body.page, 3);
}

#[tokio::test]
async fn every_error_exposes_status_headers_and_request_id() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(418)
                .insert_header("x-request-id", "req-418")
                .set_body_string("teapot"),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(422)
                .insert_header("request-id", "req-422")
                .set_body_json(json!({"detail": []})),
        )
        .mount(&server)
        .await;
    let client = vocode::Client::new().with_base_url(server.uri());
    let err = client.list_calls().await.unwrap_err();
    assert!(matches!(err, Error::UnexpectedStatus { .. }), "{err:?}");
    assert_eq!(err.request_id(), Some("req-418"));
    assert_eq!(err.raw_body().map(|b| &b[..]), Some(&b"teapot"[..]));
    assert!(err.to_string().contains("req-418"), "{err}");
    let body = vocode::types::ActionUpdateParamsRequest::Dtmf(Default::default());
    let err = client
        .update_action(ID.parse().unwrap(), &body)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Api { .. }), "{err:?}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(422));
    assert_eq!(err.request_id(), Some("req-422"));
    assert!(err.headers().is_some());
}

#[tokio::test]
async fn a_malformed_body_is_a_decode_error_with_its_json_path() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(
            json!([{"id": ID, "user_id": ID, "status": "in_progress"}, {"id": 5}]),
            1,
            false,
        )))
        .mount(&server)
        .await;
    let err = vocode::Client::new()
        .with_base_url(server.uri())
        .list_calls()
        .await
        .unwrap_err();
    match &err {
        Error::Decode { path, body, .. } => {
            assert!(
                path.starts_with("items[0]") || path.starts_with("items[1]"),
                "{path}"
            );
            assert!(body.starts_with(b"{"));
        }
        other => panic!("expected Decode, got {other:?}"),
    }
    assert!(
        err.to_string().contains("did not decode at `items["),
        "{err}"
    );

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_string("<html>oops</html>"))
        .mount(&server)
        .await;
    let err = vocode::Client::new()
        .with_base_url(server.uri())
        .list_calls()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Decode { body, .. } if &body[..] == b"<html>oops</html>"),
        "{err:?}"
    );
}

#[tokio::test]
async fn per_call_options_add_headers_and_query_parameters() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/calls/list"))
        .and(query_param("page", "1"))
        .and(query_param("trace", "on"))
        .and(header("x-tenant", "t-1"))
        .and(header("idempotency-key", "k-9"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(json!([]), 1, false)))
        .expect(2)
        .mount(&server)
        .await;
    let client = vocode::Client::new().with_base_url(server.uri());
    client
        .list_calls()
        .page(1)
        .header("x-tenant", "t-1")
        .header("idempotency-key", "k-9")
        .query("trace", "on")
        .await
        .unwrap();
    let options = RequestOptions::new()
        .header("x-tenant", "t-1")
        .header("idempotency-key", "k-9")
        .query("trace", "on")
        .timeout(Duration::from_secs(5))
        .retry(RetryPolicy::never());
    client.list_calls().page(1).options(options).await.unwrap();
    let bad = client
        .list_calls()
        .header("x-bad", "a\r\nb")
        .await
        .unwrap_err();
    assert!(matches!(bad, Error::InvalidRequest(_)), "{bad:?}");
}

#[tokio::test]
async fn credentials_never_appear_in_debug_or_error_output() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(header("authorization", "Bearer top-secret"))
        .respond_with(ResponseTemplate::new(500).set_body_string("boom"))
        .mount(&server)
        .await;
    let client = vocode::Client::new()
        .with_base_url(server.uri())
        .with_bearer_token("top-secret")
        .with_retry(RetryPolicy::never());
    let call = client.list_calls();
    let debug = format!("{call:?} {client:?}");
    assert!(!debug.contains("top-secret"), "{debug}");
    let err = call.await.unwrap_err();
    let text = format!("{err} {err:?}");
    assert!(!text.contains("top-secret"), "{text}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(500));
}

#[tokio::test]
async fn a_builder_sets_optional_parameters_once_and_takes_per_call_options() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/calls/list"))
        .and(header("x-extra", "1"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-request-id", "req-7")
                .set_body_json(page(json!([]), 4, false)),
        )
        .mount(&server)
        .await;
    let client = vocode::Client::new().with_base_url(server.uri());
    let response = client
        .list_calls()
        .page(3)
        .sort_column("start_time")
        .page(4) // a later value replaces the earlier one
        .header("x-extra", "1")
        .query("debug", "true")
        .timeout(Duration::from_secs(5))
        .raw()
        .await
        .unwrap();
    assert_eq!(response.status.as_u16(), 200);
    assert_eq!(response.request_id(), Some("req-7"));
    let sent = &server.received_requests().await.unwrap()[0];
    assert_eq!(
        sent.url.query(),
        Some("page=4&sort_column=start_time&debug=true")
    );
}

#[tokio::test]
async fn a_builder_is_a_value_that_can_be_cloned_and_sent_twice() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(json!([]), 1, false)))
        .expect(2)
        .mount(&server)
        .await;
    let client = vocode::Client::new().with_base_url(server.uri());
    let request = client.list_calls().size(10);
    let debug = format!("{request:?}");
    assert!(debug.contains("size: Some(10)"), "{debug}");
    request.clone().await.unwrap();
    request.call().await.unwrap();
}

/// Span records captured by a subscriber for one test (the `tracing` API only).
mod spans {
    use std::sync::{Arc, Mutex};
    use tracing::field::{Field, Visit};
    use tracing::span::{Attributes, Id, Record};
    use tracing::{Event, Metadata, Subscriber};

    #[derive(Clone, Default)]
    pub struct Capture(pub Arc<Mutex<Vec<(String, String)>>>);

    struct Fields(Vec<(String, String)>);

    impl Visit for Fields {
        fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
            self.0
                .push((field.name().to_string(), format!("{value:?}")));
        }
    }

    impl Subscriber for Capture {
        fn enabled(&self, _: &Metadata<'_>) -> bool {
            true
        }
        fn new_span(&self, span: &Attributes<'_>) -> Id {
            let mut fields = Fields(Vec::new());
            span.record(&mut fields);
            let mut all = self.0.lock().unwrap();
            all.push(("span".into(), span.metadata().name().into()));
            all.extend(fields.0);
            Id::from_u64(all.len() as u64)
        }
        fn record(&self, _: &Id, values: &Record<'_>) {
            let mut fields = Fields(Vec::new());
            values.record(&mut fields);
            self.0.lock().unwrap().extend(fields.0);
        }
        fn record_follows_from(&self, _: &Id, _: &Id) {}
        fn event(&self, event: &Event<'_>) {
            let mut fields = Fields(Vec::new());
            event.record(&mut fields);
            self.0.lock().unwrap().extend(fields.0);
        }
        fn enter(&self, _: &Id) {}
        fn exit(&self, _: &Id) {}
    }
}

#[tokio::test]
async fn each_attempt_is_a_span_with_method_path_template_attempt_and_status_and_no_secrets() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(json!([]), 1, false)))
        .mount(&server)
        .await;
    let capture = spans::Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());
    let client = vocode::Client::new()
        .with_base_url(server.uri())
        .with_bearer_token("top-secret")
        .with_retry(fast_retries(2));
    client
        .list_calls()
        .page(1)
        .await
        .expect("the retry succeeds");
    let records = capture.0.lock().unwrap().clone();
    let values = |name: &str| -> Vec<String> {
        records
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    };
    assert_eq!(values("span"), ["http_request", "http_request"]);
    assert_eq!(values("method"), ["GET", "GET"]);
    assert_eq!(
        values("path"),
        ["\"/v1/calls/list\"", "\"/v1/calls/list\""],
        "the path template, not the URL"
    );
    assert_eq!(values("attempt"), ["1", "2"]);
    assert_eq!(values("status"), ["503", "200"]);
    let all = format!("{records:?}");
    assert!(
        !all.contains("top-secret") && !all.contains("page=1"),
        "{all}"
    );
}

#[tokio::test]
async fn a_decode_error_inside_a_tagged_union_names_the_inner_path() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": ID, "user_id": ID, "type": "voice_rime", "speaker": "young_male_unmarked",
            "model_id": {"x": 1}
        })))
        .mount(&server)
        .await;
    let err = vocode::Client::new()
        .with_base_url(server.uri())
        .get_voice(ID.parse().unwrap())
        .await
        .unwrap_err();
    match &err {
        Error::Decode { source, path, .. } => {
            // The variant is read in place, so the decode path reaches inside it.
            assert_eq!(path, "model_id", "{source}");
            assert!(source.to_string().contains("invalid type: map"), "{source}");
        }
        other => panic!("expected Decode, got {other:?}"),
    }
}
