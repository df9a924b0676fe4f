//! Interceptors (`Client::with_interceptor`, reqwest-middleware `Middleware`s) around every
//! attempt of a generated client's calls, against a loopback HTTP server (wiremock): a
//! request signature over the body that the server verifies, a recorder of attempts and
//! their latency that sees a retry, and an interceptor that fails a call before anything is
//! sent.

use hmac::{KeyInit as _, Mac as _};
use serde_json::json;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use voice_apis::runtime::interceptor::{
    async_trait, reqwest_middleware, Attempt, Extensions, Middleware, Next,
};
use voice_apis::runtime::RetryPolicy;
use voice_apis::{vocode, Error};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

type HmacSha256 = hmac::Hmac<sha2::Sha256>;

fn hmac_hex(key: &[u8], body: &[u8]) -> String {
    let mut mac = HmacSha256::new_from_slice(key).unwrap();
    mac.update(body);
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Signs each attempt's body with HMAC-SHA256 in `x-signature`.
struct SignBody(&'static [u8]);

#[async_trait]
impl Middleware for SignBody {
    async fn handle(
        &self,
        mut req: reqwest::Request,
        extensions: &mut Extensions,
        next: Next<'_>,
    ) -> reqwest_middleware::Result<reqwest::Response> {
        let body = req.body().and_then(|b| b.as_bytes()).unwrap_or_default();
        let signature = hmac_hex(self.0, body);
        req.headers_mut()
            .insert("x-signature", signature.parse().unwrap());
        next.run(req, extensions).await
    }
}

/// The server's check: `x-signature` is the HMAC of the body it received.
struct SignedWith(&'static [u8]);

impl wiremock::Match for SignedWith {
    fn matches(&self, request: &Request) -> bool {
        request
            .headers
            .get("x-signature")
            .and_then(|v| v.to_str().ok())
            == Some(hmac_hex(self.0, &request.body).as_str())
    }
}

const KEY: &[u8] = b"shared signing key";

fn buy_request() -> vocode::types::BuyPhoneNumberRequest {
    serde_json::from_value(json!({"area_code": "415", "telephony_provider": "twilio"})).unwrap()
}

fn status_of<T, E>(result: Result<T, Error<E>>) -> Option<u16> {
    match result {
        Ok(_) => Some(200),
        Err(e) => e.status().map(|s| s.as_u16()),
    }
}

#[tokio::test]
async fn an_interceptor_signs_the_body_and_the_server_verifies_it() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/numbers/buy"))
        .and(SignedWith(KEY))
        .respond_with(ResponseTemplate::new(202))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    let signed = vocode::Client::new()
        .with_base_url(server.uri())
        .with_interceptor(SignBody(KEY));
    let result = signed.buy_number(Some(&buy_request())).raw().await;
    assert_eq!(
        status_of(result),
        Some(202),
        "the server accepted the signature"
    );
    let received = server.received_requests().await.unwrap();
    let body: serde_json::Value = serde_json::from_slice(&received[0].body).unwrap();
    assert_eq!(body["area_code"], "415", "the signed body is the one sent");
    // A signature with another key is refused by the same server.
    let wrong = vocode::Client::new()
        .with_base_url(server.uri())
        .with_interceptor(SignBody(b"another key"));
    let result = wrong.buy_number(Some(&buy_request())).raw().await;
    assert_eq!(status_of(result), Some(401));
}

/// One attempt as an interceptor saw it.
#[derive(Debug, Clone)]
struct Seen {
    attempt: Attempt,
    method: String,
    url: String,
    marker: Option<String>,
    status: u16,
    elapsed: Duration,
}

#[derive(Clone, Default)]
struct Recorder(Arc<Mutex<Vec<Seen>>>);

#[async_trait]
impl Middleware for Recorder {
    async fn handle(
        &self,
        req: reqwest::Request,
        extensions: &mut Extensions,
        next: Next<'_>,
    ) -> reqwest_middleware::Result<reqwest::Response> {
        let attempt = *extensions.get::<Attempt>().expect("the runtime sets it");
        let (method, url) = (req.method().to_string(), req.url().to_string());
        let marker = req
            .headers()
            .get("x-marker")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let started = Instant::now();
        let response = next.run(req, extensions).await?;
        self.0.lock().unwrap().push(Seen {
            attempt,
            method,
            url,
            marker,
            status: response.status().as_u16(),
            elapsed: started.elapsed(),
        });
        Ok(response)
    }
}

/// Adds `x-marker: first`, to show interceptors run in the order added.
struct Mark;

#[async_trait]
impl Middleware for Mark {
    async fn handle(
        &self,
        mut req: reqwest::Request,
        extensions: &mut Extensions,
        next: Next<'_>,
    ) -> reqwest_middleware::Result<reqwest::Response> {
        req.headers_mut()
            .insert("x-marker", "first".parse().unwrap());
        next.run(req, extensions).await
    }
}

#[tokio::test]
async fn a_recorder_sees_each_attempt_of_a_retried_call_with_its_latency() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/calls/list"))
        .respond_with(ResponseTemplate::new(503).set_delay(Duration::from_millis(60)))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/calls/list"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "items": [], "page": 1, "size": 2, "has_more": false, "total": 0,
            "total_is_estimated": false
        })))
        .mount(&server)
        .await;
    let recorder = Recorder::default();
    let client = vocode::Client::new()
        .with_base_url(server.uri())
        .with_retry(
            RetryPolicy::default()
                .with_max_retries(2)
                .with_backoff(Duration::from_millis(1), Duration::from_millis(2)),
        )
        .with_interceptor(Mark)
        .with_interceptor(recorder.clone());
    let page = tokio::time::timeout(Duration::from_secs(10), client.list_calls())
        .await
        .expect("bounded")
        .expect("the retry succeeds");
    assert!(!page.has_more);
    let seen = recorder.0.lock().unwrap().clone();
    assert_eq!(seen.len(), 2, "{seen:?}");
    for (i, s) in seen.iter().enumerate() {
        assert_eq!(s.attempt.operation, "list_calls");
        assert_eq!(s.attempt.path, "/v1/calls/list");
        assert_eq!(s.attempt.number, i as u32 + 1);
        assert_eq!(s.method, "GET");
        assert!(s
            .url
            .starts_with(&format!("{}/v1/calls/list", server.uri())));
        assert_eq!(s.marker.as_deref(), Some("first"), "run after `Mark`");
    }
    assert_eq!((seen[0].status, seen[1].status), (503, 200));
    assert!(seen[0].elapsed >= Duration::from_millis(60), "{seen:?}");
}

/// Refuses every call, counting how often it is asked.
#[derive(Clone, Default)]
struct Refuse(Arc<Mutex<u32>>);

#[async_trait]
impl Middleware for Refuse {
    async fn handle(
        &self,
        _req: reqwest::Request,
        _extensions: &mut Extensions,
        _next: Next<'_>,
    ) -> reqwest_middleware::Result<reqwest::Response> {
        *self.0.lock().unwrap() += 1;
        Err(reqwest_middleware::Error::middleware(
            std::io::Error::other("no calls after hours"),
        ))
    }
}

#[tokio::test]
async fn an_interceptor_that_fails_a_call_sends_nothing() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let refuse = Refuse::default();
    let client = vocode::Client::new()
        .with_base_url(server.uri())
        .with_interceptor(refuse.clone());
    let err = client.list_calls().await.expect_err("refused");
    match &err {
        Error::Interceptor(e) => assert_eq!(e.to_string(), "no calls after hours"),
        other => panic!("expected an interceptor error, got {other:?}"),
    }
    assert!(err.to_string().contains("no calls after hours"));
    assert_eq!(err.status(), None);
    assert_eq!(*refuse.0.lock().unwrap(), 1, "not retried");
    assert!(server.received_requests().await.unwrap().is_empty());
}
