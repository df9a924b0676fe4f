//! The runtime against a hostile or broken server on loopback (wiremock, or a raw TCP
//! server for what wiremock cannot send: stalled, endless or oversized bodies): path
//! parameters that would leave the base path, redirects to another origin, oversized
//! bodies, credentials in `Debug` output, a stalled or lying OAuth2 token endpoint, webhook
//! signature floods, endless or stalled event streams, pagination cycles and retry storms.
//! Every test is bounded in time, so a regression fails instead of hanging.

use futures::StreamExt;
use oagen_tests::runtime::webhooks::{WebhookError, WebhookVerifier};
use oagen_tests::runtime::Error;
use oagen_tests::runtime::{
    self, ClientCredentials, Failure, HeaderMap, RequestOptions, RetryPolicy, Transport,
};
use oagen_tests::streams;
use oagen_tests::{client_auth as auth, client_pagination as paging, client_params as params};
use serde_json::json;
use std::future::Future;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use voice_apis::vocode;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// Fails the test when `future` takes longer than `limit`.
async fn within<T>(limit: Duration, future: impl std::future::IntoFuture<Output = T>) -> T {
    tokio::time::timeout(limit, future.into_future())
        .await
        .unwrap_or_else(|_| panic!("no result within {limit:?}"))
}

const BOUND: Duration = Duration::from_secs(10);

async fn requests(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.unwrap_or_default()
}

/// A raw HTTP/1.1 server on loopback: for each connection, reads the request head, then
/// writes `head` and calls `body` to write the rest; the base URL.
async fn raw_server<F, Fut>(head: &'static str, body: F) -> String
where
    F: Fn(tokio::net::TcpStream) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let body = std::sync::Arc::new(body);
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let body = body.clone();
            tokio::spawn(async move {
                let mut seen = Vec::new();
                let mut buf = [0u8; 4096];
                while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => seen.extend_from_slice(&buf[..n]),
                    }
                }
                if socket.write_all(head.as_bytes()).await.is_ok() {
                    body(socket).await;
                }
            });
        }
    });
    format!("http://{addr}")
}

/// Writes `data` as one chunk of a chunked body; false when the client has gone.
async fn chunk(socket: &mut tokio::net::TcpStream, data: &[u8]) -> bool {
    let frame = [format!("{:x}\r\n", data.len()).as_bytes(), data, b"\r\n"].concat();
    socket.write_all(&frame).await.is_ok()
}

// ---------------------------------------------------------------------------------------
// Path parameters.

#[tokio::test]
async fn path_parameters_that_are_dots_empty_or_control_characters_are_refused() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true})))
        .mount(&server)
        .await;
    let client = params::Client::new().with_base_url(format!("{}/v1", server.uri()));
    for id in ["", ".", "..", "..\t", "\n..", ".\r\n.", "a\u{7f}", "\0"] {
        let err = within(BOUND, client.get_item(id).send()).await.unwrap_err();
        assert!(
            matches!(&err, Error::InvalidRequest(m) if m.contains("path segment")),
            "{id:?}: {err:?}"
        );
    }
    assert!(requests(&server).await.is_empty());
    // Other values are percent-encoded as one segment, as before.
    within(BOUND, client.get_item("a b/../c?d").send())
        .await
        .unwrap();
    let sent = requests(&server).await;
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].url.path(), "/v1/items/a%20b%2F..%2Fc%3Fd");
}

#[tokio::test]
async fn a_dot_dot_tab_segment_cannot_leave_the_base_path() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let transport = Transport::new(format!("{}/v1", server.uri()));
    for segments in [["..\t", "delete"], ["\n..", "delete"], [".\r\n.", "delete"]] {
        let request =
            runtime::Request::new("delete_ab", reqwest::Method::DELETE, "/{a}/{b}", &segments);
        let outcome = within(BOUND, request.execute(&transport, RequestOptions::new())).await;
        assert!(
            matches!(outcome, Err(Failure::InvalidRequest(_))),
            "{segments:?}: {outcome:?}"
        );
    }
    assert!(requests(&server).await.is_empty(), "a request was sent");
}

// ---------------------------------------------------------------------------------------
// Redirects.

#[tokio::test]
async fn a_redirect_to_another_origin_is_not_followed_with_credentials_or_body() {
    let elsewhere = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(204))
        .mount(&elsewhere)
        .await;
    let server = MockServer::start().await;
    for status in [301, 302, 303, 307, 308] {
        server.reset().await;
        Mock::given(wiremock::matchers::any())
            .respond_with(
                ResponseTemplate::new(status)
                    .insert_header("location", format!("{}/steal?x=1", elsewhere.uri())),
            )
            .mount(&server)
            .await;
        // An API key in a cookie and a per-call API-key header.
        let client = auth::Client::new()
            .with_base_url(server.uri())
            .with_api_key("cookie-secret");
        let err = within(
            BOUND,
            client
                .with_cookie()
                .header("x-api-key", "key-secret")
                .send(),
        )
        .await
        .unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status), "{err:?}");
        // A body (the PUT of a note) is not re-sent elsewhere either.
        let client = params::Client::new().with_base_url(server.uri());
        let err = within(BOUND, client.put_note("secret body").send())
            .await
            .unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status), "{err:?}");
    }
    assert!(
        requests(&elsewhere).await.is_empty(),
        "a redirect reached another origin"
    );
}

#[tokio::test]
async fn same_origin_redirects_are_followed_a_bounded_number_of_times() {
    let server = MockServer::start().await;
    Mock::given(path("/cookie"))
        .respond_with(ResponseTemplate::new(307).insert_header("location", "/public"))
        .mount(&server)
        .await;
    Mock::given(path("/public"))
        .and(header("cookie", "session_id=abc"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    Mock::given(path("/basic"))
        .respond_with(ResponseTemplate::new(302).insert_header("location", "/basic"))
        .mount(&server)
        .await;
    let client = auth::Client::new()
        .with_base_url(server.uri())
        .with_api_key("abc");
    within(BOUND, client.with_cookie().send())
        .await
        .expect("the same-origin redirect is followed");
    let err = within(BOUND, client.with_basic().send()).await.unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    let loops = requests(&server)
        .await
        .iter()
        .filter(|r| r.url.path() == "/basic")
        .count();
    assert_eq!(loops, Transport::MAX_REDIRECTS + 1);
}

// ---------------------------------------------------------------------------------------
// Response size.

#[tokio::test]
async fn a_success_body_over_the_limit_is_refused() {
    let server = MockServer::start().await;
    let padding = "x".repeat(4000);
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true, "pad": padding})))
        .mount(&server)
        .await;
    let client = params::Client::new().with_base_url(server.uri());
    let err = within(
        BOUND,
        client
            .clone()
            .with_max_response_bytes(1000)
            .get_item("a")
            .send(),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(&err, Error::ResponseTooLarge { status, limit: 1000, .. } if status.as_u16() == 200),
        "{err:?}"
    );
    assert!(err.to_string().contains("1000 bytes"), "{err}");
    within(
        BOUND,
        client.with_max_response_bytes(5000).get_item("a").send(),
    )
    .await
    .expect("within the limit");
}

#[tokio::test]
async fn a_huge_content_length_is_refused_before_the_body_is_read() {
    let url = raw_server(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100000000000\r\n\r\n",
        |_socket| async move {
            // Never sends the body.
            tokio::time::sleep(Duration::from_secs(60)).await;
        },
    )
    .await;
    let client = params::Client::new()
        .with_base_url(url)
        .with_timeout(Some(Duration::from_secs(30)));
    let err = within(BOUND, client.get_item("a").send())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::ResponseTooLarge { limit, .. } if *limit == Transport::DEFAULT_MAX_RESPONSE_BYTES),
        "{err:?}"
    );
}

#[tokio::test]
async fn an_endless_chunked_body_is_cut_at_the_limit_while_reading() {
    let url = raw_server(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n",
        |mut socket| async move {
            let data = vec![b' '; 64 << 10];
            while chunk(&mut socket, &data).await {}
        },
    )
    .await;
    let client = params::Client::new()
        .with_base_url(url)
        .with_max_response_bytes(1 << 20);
    let err = within(BOUND, client.get_item("a").send())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::ResponseTooLarge { limit, .. } if *limit == 1 << 20),
        "{err:?}"
    );
}

#[tokio::test]
async fn an_error_body_is_kept_up_to_64_kib() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(500).set_body_bytes(vec![b'e'; 1 << 20]))
        .mount(&server)
        .await;
    let err = within(
        BOUND,
        params::Client::new()
            .with_base_url(server.uri())
            .with_retry(RetryPolicy::never())
            .get_item("a")
            .send(),
    )
    .await
    .unwrap_err();
    let body = err
        .raw_body()
        .expect("an undocumented status keeps its body");
    assert_eq!(body.len() as u64, Transport::ERROR_BODY_BYTES);
}

// ---------------------------------------------------------------------------------------
// Debug output.

#[tokio::test]
async fn debug_output_of_calls_requests_and_errors_shows_no_credential_or_cookie() {
    let client = params::Client::new();
    let call = client
        .get_item("a")
        .session("cookie-secret")
        .header("authorization", "Bearer per-call-secret")
        .header("x-api-key", "key-secret")
        .call();
    let call_debug = format!("{call:?}");
    let auth_client = auth::Client::new()
        .with_api_key("scheme-cookie-secret")
        .with_basic_auth("user", "basic-secret");
    let auth_debug = format!(
        "{:?} {:?}",
        auth_client.with_cookie(),
        auth_client.with_basic()
    );
    for debug in [&call_debug, &auth_debug] {
        for secret in [
            "cookie-secret",
            "per-call-secret",
            "key-secret",
            "basic-secret",
            "dXNlcjpiYXNpYy1zZWNyZXQ", // base64 of user:basic-secret
        ] {
            assert!(!debug.contains(secret), "{secret} in {debug}");
        }
    }
    assert!(call_debug.contains("session"), "{call_debug}");

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(500)
                .insert_header("set-cookie", "sid=set-cookie-secret; HttpOnly")
                .insert_header("x-request-id", "req_1")
                .set_body_bytes(vec![b'z'; 10_000]),
        )
        .mount(&server)
        .await;
    let err = within(
        BOUND,
        params::Client::new()
            .with_base_url(server.uri())
            .with_retry(RetryPolicy::never())
            .get_item("a")
            .send(),
    )
    .await
    .unwrap_err();
    let debug = format!("{err:?}");
    assert!(!debug.contains("set-cookie-secret"), "{debug}");
    assert!(debug.contains("req_1"), "{debug}");
    assert!(debug.contains("10000 bytes"), "{debug}");
    assert!(debug.len() < 2000, "{} characters", debug.len());

    // A success's headers, as `raw()` returns them.
    server.reset().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("set-cookie", "sid=set-cookie-secret")
                .set_body_json(json!({"ok": true})),
        )
        .mount(&server)
        .await;
    let response = within(
        BOUND,
        params::Client::new()
            .with_base_url(server.uri())
            .get_item("a")
            .raw(),
    )
    .await
    .unwrap();
    let debug = format!("{response:?}");
    assert!(!debug.contains("set-cookie-secret"), "{debug}");
    assert!(debug.contains("set-cookie"), "{debug}");
}

// ---------------------------------------------------------------------------------------
// OAuth2 client credentials.

fn token(access_token: &str, expires_in: Option<u64>) -> ResponseTemplate {
    let mut body = json!({"access_token": access_token, "token_type": "bearer"});
    if let Some(s) = expires_in {
        body["expires_in"] = json!(s);
    }
    ResponseTemplate::new(200).set_body_json(body)
}

#[tokio::test]
async fn a_stalled_token_endpoint_times_out_within_the_call_timeout() {
    let server = MockServer::start().await;
    Mock::given(path("/token"))
        .respond_with(token("t1", Some(3600)).set_delay(Duration::from_secs(60)))
        .mount(&server)
        .await;
    let client = auth::Client::new()
        .with_base_url(server.uri())
        .with_oauth2_client_credentials("app", "s3cret")
        .with_timeout(Some(Duration::from_millis(300)));
    let started = Instant::now();
    let (a, b) = within(
        BOUND,
        futures::future::join(client.with_oauth().send(), client.with_oauth().send()),
    )
    .await;
    assert!(a.unwrap_err().is_timeout());
    assert!(b.unwrap_err().is_timeout());
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn an_expires_in_near_u64_max_does_not_panic() {
    let server = MockServer::start().await;
    Mock::given(path("/token"))
        .respond_with(token("t1", Some(u64::MAX)))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/oauth"))
        .and(header("authorization", "Bearer t1"))
        .respond_with(ResponseTemplate::new(204))
        .expect(2)
        .mount(&server)
        .await;
    let client = auth::Client::new()
        .with_base_url(server.uri())
        .with_oauth2_client_credentials("app", "s3cret");
    within(BOUND, client.with_oauth().send()).await.unwrap();
    within(BOUND, client.with_oauth().send()).await.unwrap();
}

#[tokio::test]
async fn a_token_without_expires_in_is_kept_for_the_default_lifetime_only() {
    let server = MockServer::start().await;
    Mock::given(path("/token"))
        .respond_with(token("t1", None))
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(path("/oauth"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let provider = ClientCredentials::new(format!("{}/token", server.uri()), "app", "s3cret")
        .with_default_lifetime(Duration::ZERO);
    let client = auth::Client::new()
        .with_base_url(server.uri())
        .with_oauth2(provider);
    within(BOUND, client.with_oauth().send()).await.unwrap();
    within(BOUND, client.with_oauth().send()).await.unwrap();
}

#[tokio::test]
async fn a_401_drops_the_token_and_the_call_is_sent_once_more_with_a_fresh_one() {
    let server = MockServer::start().await;
    Mock::given(path("/token"))
        .respond_with(token("t1", Some(3600)))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path("/token"))
        .respond_with(token("t2", Some(3600)))
        .mount(&server)
        .await;
    Mock::given(path("/oauth"))
        .and(header("authorization", "Bearer t2"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    Mock::given(path("/oauth"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    let client = auth::Client::new()
        .with_base_url(server.uri())
        .with_oauth2_client_credentials("app", "s3cret");
    within(BOUND, client.with_oauth().send())
        .await
        .expect("the second attempt, with t2, succeeds");
    within(BOUND, client.with_oauth().send())
        .await
        .expect("t2 is cached");
    let sent = requests(&server).await;
    let count = |p: &str| sent.iter().filter(|r| r.url.path() == p).count();
    assert_eq!((count("/token"), count("/oauth")), (2, 3));

    // A server that refuses every token gets one retry, not a loop.
    server.reset().await;
    Mock::given(path("/token"))
        .respond_with(|_: &Request| {
            let n = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos();
            token(&format!("t{n}"), Some(3600))
        })
        .mount(&server)
        .await;
    Mock::given(path("/oauth"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    let err = within(BOUND, client.with_oauth().send()).await.unwrap_err();
    assert!(err.is_unauthorized(), "{err:?}");
    let sent = requests(&server).await;
    let count = |p: &str| sent.iter().filter(|r| r.url.path() == p).count();
    assert_eq!(count("/oauth"), 2);
}

// ---------------------------------------------------------------------------------------
// Webhooks.

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

fn delivery(signatures: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert("webhook-id", "msg_1".parse().unwrap());
    headers.insert("webhook-timestamp", "1700000000".parse().unwrap());
    headers.insert("webhook-signature", signatures.parse().unwrap());
    headers
}

#[test]
fn only_the_first_eight_webhook_signatures_are_considered() {
    let verifier = WebhookVerifier::new(SECRET).unwrap();
    let body = br#"{"type":"ping"}"#;
    let valid = verifier.sign("msg_1", 1_700_000_000, body);
    let wrong = WebhookVerifier::new("whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
        .unwrap()
        .sign("msg_1", 1_700_000_000, body);
    let eighth = [vec![wrong.as_str(); 7], vec![valid.as_str()]]
        .concat()
        .join(" ");
    assert_eq!(
        verifier.verify_at(&delivery(&eighth), body, 1_700_000_000),
        Ok(())
    );
    let ninth = [vec![wrong.as_str(); 8], vec![valid.as_str()]]
        .concat()
        .join(" ");
    assert_eq!(
        verifier.verify_at(&delivery(&ninth), body, 1_700_000_000),
        Err(WebhookError::InvalidSignature)
    );
}

#[test]
fn a_flood_of_webhook_signatures_costs_one_hmac() {
    let verifier = WebhookVerifier::new(SECRET).unwrap();
    let body = vec![b'{'; 1 << 20];
    let wrong = WebhookVerifier::new("whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
        .unwrap()
        .sign("msg_1", 1_700_000_000, b"x");
    let flood = vec![wrong.as_str(); 5000].join(" ");
    let headers = delivery(&flood);
    let started = Instant::now();
    assert_eq!(
        verifier.verify_at(&headers, &body, 1_700_000_000),
        Err(WebhookError::InvalidSignature)
    );
    // One HMAC over 1 MiB takes milliseconds; 5000 of them take minutes.
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}

// ---------------------------------------------------------------------------------------
// Event streams.

/// A server that sends `first` as an event stream, then stalls.
async fn stalling_stream(first: &'static str) -> String {
    raw_server(
        "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n",
        move |mut socket| async move {
            chunk(&mut socket, first.as_bytes()).await;
            tokio::time::sleep(Duration::from_secs(60)).await;
        },
    )
    .await
}

#[tokio::test]
async fn the_idle_timeout_of_a_stream_is_the_per_attempt_timeout() {
    let url = stalling_stream("data: {\"n\": 1}\n\n").await;
    let own_http = reqwest::Client::new();
    for client in [
        streams::Client::new().with_base_url(&url),
        streams::Client::new()
            .with_base_url(&url)
            .with_http_client(own_http),
    ] {
        let client = client.with_timeout(Some(Duration::from_millis(300)));
        let items: Vec<_> = within(BOUND, async {
            client.watch_ticks(None).await.unwrap().collect().await
        })
        .await;
        assert_eq!(items.len(), 2, "{items:?}");
        assert_eq!(items[0].as_ref().unwrap().n, 1);
        assert!(items[1].as_ref().unwrap_err().is_timeout(), "{items:?}");
    }
}

#[tokio::test]
async fn a_line_or_event_longer_than_the_limit_ends_the_stream() {
    // One endless line.
    let url = raw_server(
        "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n",
        |mut socket| async move {
            chunk(&mut socket, b"data: {\"n\": 1}\n\ndata: ").await;
            let data = vec![b'1'; 64 << 10];
            while chunk(&mut socket, &data).await {}
        },
    )
    .await;
    let client = streams::Client::new().with_base_url(&url);
    let items: Vec<_> = within(BOUND, async {
        let stream = client.watch_ticks(None).max_event_bytes(1 << 20).await;
        stream.unwrap().collect().await
    })
    .await;
    assert_eq!(items.len(), 2, "{items:?}");
    assert_eq!(items[0].as_ref().unwrap().n, 1);
    assert!(
        matches!(&items[1], Err(Error::ResponseTooLarge { limit, .. }) if *limit == 1 << 20),
        "{:?}",
        items[1]
    );
    // The default limit holds too.
    let items: Vec<_> = within(BOUND, async {
        client.watch_ticks(None).await.unwrap().collect().await
    })
    .await;
    assert!(
        matches!(items.last(), Some(Err(Error::ResponseTooLarge { limit, .. })) if *limit == 16 << 20),
        "{:?}",
        items.last()
    );

    // An event of many short lines, never ended by an empty line.
    let url = raw_server(
        "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n",
        |mut socket| async move {
            let data = "data: 1\n".repeat(8 << 10);
            while chunk(&mut socket, data.as_bytes()).await {}
        },
    )
    .await;
    let items: Vec<_> = within(BOUND, async {
        let client = streams::Client::new().with_base_url(&url);
        let stream = client.watch_ticks(None).max_event_bytes(1 << 20).await;
        stream.unwrap().collect().await
    })
    .await;
    assert_eq!(items.len(), 1, "{items:?}");
    assert!(matches!(&items[0], Err(Error::ResponseTooLarge { .. })));
}

#[tokio::test]
async fn line_ends_split_across_chunks_are_read_once() {
    // CR LF split between chunks, a bare CR, and an event split mid-line.
    let url = raw_server(
        "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n",
        |mut socket| async move {
            for part in [
                "data: {\"n\": 1}\r",
                "\n\r\n",
                "data: {\"n\": 2}\r\r",
                ": keep-alive\n\ndata: {\"n\"",
                ": 3}\n",
                "\n",
            ] {
                chunk(&mut socket, part.as_bytes()).await;
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            let _ = socket.write_all(b"0\r\n\r\n").await;
        },
    )
    .await;
    let client = streams::Client::new().with_base_url(&url);
    let items: Vec<_> = within(BOUND, async {
        client.watch_ticks(None).await.unwrap().collect().await
    })
    .await;
    let numbers: Vec<i64> = items.into_iter().map(|i| i.unwrap().n).collect();
    assert_eq!(numbers, [1, 2, 3]);
}

// ---------------------------------------------------------------------------------------
// Pagination.

async fn ids(
    stream: runtime::Items<'_, paging::types::Item, std::convert::Infallible>,
) -> Vec<String> {
    stream
        .take(20)
        .map(|item| item.expect("every page parses").id)
        .collect()
        .await
}

#[tokio::test]
async fn a_cursor_cycle_ends_the_stream() {
    let server = MockServer::start().await;
    // (cursor sent, item, next cursor): first page → A → B → A again.
    for (cursor, item, next) in [
        (None, "a", "A"),
        (Some("A"), "b", "B"),
        (Some("B"), "c", "A"),
    ] {
        let mut mock = Mock::given(path("/by-cursor"));
        mock = match cursor {
            Some(c) => mock.and(query_param("cursor", c)),
            None => mock.and(|r: &Request| !r.url.query_pairs().any(|(k, _)| k == "cursor")),
        };
        mock.respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"data": [{"id": item}], "next_cursor": next})),
        )
        .mount(&server)
        .await;
    }
    let client = paging::Client::new().with_base_url(server.uri());
    let got = within(BOUND, ids(client.list_by_cursor().stream())).await;
    assert_eq!(got, ["a", "b", "c"]);
    assert_eq!(requests(&server).await.len(), 3);
}

#[tokio::test]
async fn max_pages_bounds_an_endless_listing() {
    let server = MockServer::start().await;
    Mock::given(path("/by-cursor"))
        .respond_with(|r: &Request| {
            let cursor = r
                .url
                .query_pairs()
                .find(|(k, _)| k == "cursor")
                .map_or(String::new(), |(_, v)| v.into_owned());
            let next = format!("{cursor}x");
            ResponseTemplate::new(200)
                .set_body_json(json!({"data": [{"id": next}], "next_cursor": next}))
        })
        .mount(&server)
        .await;
    let client = paging::Client::new().with_base_url(server.uri());
    let got = within(
        BOUND,
        ids(client
            .list_by_cursor()
            .options(RequestOptions::new().max_pages(3))
            .stream()),
    )
    .await;
    assert_eq!(got, ["x", "xx", "xxx"]);
    assert_eq!(requests(&server).await.len(), 3);
}

// ---------------------------------------------------------------------------------------
// Retries.

fn fast_retries(max_retries: u32) -> voice_apis::runtime::RetryPolicy {
    voice_apis::runtime::RetryPolicy::default()
        .with_max_retries(max_retries)
        .with_backoff(Duration::from_millis(1), Duration::from_millis(2))
}

#[tokio::test]
async fn the_retry_budget_of_a_client_stops_a_retry_storm() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let client = vocode::Client::new()
        .with_base_url(server.uri())
        .with_retry(fast_retries(2));
    within(Duration::from_secs(60), async {
        for _ in 0..60 {
            assert!(client.list_calls().await.is_err());
        }
    })
    .await;
    // 60 first attempts, and the 100 retries a full budget of 500 tokens pays for (5 each),
    // not 2 retries for each of the 60 calls.
    assert_eq!(requests(&server).await.len(), 60 + 100);
}

#[tokio::test]
async fn x_should_retry_overrides_the_status() {
    let server = MockServer::start().await;
    Mock::given(path("/v1/calls/list"))
        .respond_with(ResponseTemplate::new(503).insert_header("x-should-retry", "false"))
        .mount(&server)
        .await;
    let client = vocode::Client::new()
        .with_base_url(server.uri())
        .with_retry(fast_retries(2));
    let err = within(BOUND, client.list_calls()).await.unwrap_err();
    assert!(err.is_server_error());
    assert_eq!(requests(&server).await.len(), 1, "x-should-retry: false");

    server.reset().await;
    Mock::given(path("/v1/calls/list"))
        .respond_with(ResponseTemplate::new(400).insert_header("x-should-retry", "true"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path("/v1/calls/list"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "items": [], "page": 1, "size": 2, "has_more": false, "total": 0,
            "total_is_estimated": false
        })))
        .mount(&server)
        .await;
    within(BOUND, client.list_calls())
        .await
        .expect("the 400 is retried");
    assert_eq!(requests(&server).await.len(), 2, "x-should-retry: true");
}

#[tokio::test]
async fn retry_after_zero_still_waits_for_the_backoff() {
    let server = MockServer::start().await;
    Mock::given(path("/v1/calls/list"))
        .respond_with(ResponseTemplate::new(503).insert_header("retry-after", "0"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path("/v1/calls/list"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "items": [], "page": 1, "size": 2, "has_more": false, "total": 0,
            "total_is_estimated": false
        })))
        .mount(&server)
        .await;
    let client = vocode::Client::new()
        .with_base_url(server.uri())
        .with_retry(
            voice_apis::runtime::RetryPolicy::default()
                .with_backoff(Duration::from_millis(400), Duration::from_millis(400)),
        );
    let started = Instant::now();
    within(BOUND, client.list_calls()).await.unwrap();
    // The backoff is 400 ms with jitter down to half of it.
    assert!(
        started.elapsed() >= Duration::from_millis(200),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(requests(&server).await.len(), 2);
}
