//! Server-sent event streams (`text/event-stream`) through generated clients, against a
//! loopback HTTP server that writes the body in chunks with pauses, so events arrive split
//! across reads: OpenAI's chat completions (`fixtures/openai/chat-webhooks.json`), a
//! Responses-API-like stream of several event types and an operation that only streams
//! (`fixtures/streams.yaml`). Also: idempotency keys across retries.

use futures::StreamExt;
use oagen_tests::{openai, streams};
use serde_json::{json, Value};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::oneshot;

/// What the loopback server answers: a status, a content type and body chunks written
/// one by one with `pause` between them (chunked transfer encoding).
struct Reply {
    status: u16,
    content_type: &'static str,
    chunks: Vec<&'static str>,
    pause: Duration,
}

/// Serves one request with `reply`; the base URL, and the request as received (head and
/// body) once it has been read.
async fn serve(reply: Reply) -> (String, oneshot::Receiver<String>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = oneshot::channel();
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let request = read_request(&mut socket).await;
        let _ = tx.send(request);
        let head = format!(
            "HTTP/1.1 {} X\r\ncontent-type: {}\r\ntransfer-encoding: chunked\r\n\r\n",
            reply.status, reply.content_type
        );
        socket.write_all(head.as_bytes()).await.unwrap();
        for chunk in reply.chunks {
            let framed = format!("{:x}\r\n{chunk}\r\n", chunk.len());
            if socket.write_all(framed.as_bytes()).await.is_err() {
                return;
            }
            socket.flush().await.unwrap();
            tokio::time::sleep(reply.pause).await;
        }
        let _ = socket.write_all(b"0\r\n\r\n").await;
    });
    (format!("http://{addr}"), rx)
}

/// Reads one HTTP/1.1 request (head, then a `content-length` body).
async fn read_request(socket: &mut tokio::net::TcpStream) -> String {
    let mut data = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let n = socket.read(&mut buf).await.unwrap();
        data.extend_from_slice(&buf[..n]);
        let text = String::from_utf8_lossy(&data).to_string();
        if let Some(end) = text.find("\r\n\r\n") {
            let length = text[..end]
                .lines()
                .find_map(|l| {
                    let (name, value) = l.split_once(':')?;
                    name.eq_ignore_ascii_case("content-length")
                        .then(|| value.trim().parse::<usize>().ok())?
                })
                .unwrap_or(0);
            if data.len() >= end + 4 + length || n == 0 {
                return text;
            }
        }
        if n == 0 {
            return String::from_utf8_lossy(&data).to_string();
        }
    }
}

fn chat_request() -> openai::types::CreateChatCompletionRequest {
    use openai::types::{ChatCompletionRequestUserMessage, CreateChatCompletionRequest};
    CreateChatCompletionRequest::new(
        [ChatCompletionRequestUserMessage::new(
            "Say hello".to_string(),
        )],
        "gpt-4o".to_string(),
    )
}

fn chunk(id: &str, content: &str) -> String {
    json!({
        "id": id,
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "gpt-4o",
        "choices": [{"index": 0, "delta": {"content": content}, "finish_reason": null}]
    })
    .to_string()
}

fn leak(text: String) -> &'static str {
    Box::leak(text.into_boxed_str())
}

#[tokio::test]
async fn a_chat_completion_streams_in_chunks_split_mid_event_and_ends_at_done() {
    let first = format!("data: {}\n\n", chunk("c1", "Hel"));
    let second = format!("data: {}\n\n", chunk("c1", "lo"));
    let (a, b) = first.split_at(25);
    let (c, d) = second.split_at(7);
    let (url, request) = serve(Reply {
        status: 200,
        content_type: "text/event-stream",
        chunks: vec![
            ": keep-alive\n\n",
            leak(a.to_string()),
            leak(format!("{b}{c}")),
            leak(d.to_string()),
            "data: [DONE]\n\n",
            // After the terminator nothing is read.
            leak(format!("data: {}\n\n", chunk("c1", "never"))),
        ],
        pause: Duration::from_millis(20),
    })
    .await;
    let client = openai::Client::new()
        .with_base_url(url)
        .with_bearer_token_api_key_auth("sk-test");
    let mut stream = client
        .create_chat_completion_stream(&chat_request())
        .await
        .unwrap();
    assert_eq!(stream.status(), 200);
    let mut text = String::new();
    let mut items = 0;
    while let Some(item) = stream.next().await {
        let item = serde_json::to_value(item.unwrap()).unwrap();
        text.push_str(item["choices"][0]["delta"]["content"].as_str().unwrap());
        items += 1;
    }
    assert_eq!((items, text.as_str()), (2, "Hello"));
    let request = request.await.unwrap();
    let lower = request.to_ascii_lowercase();
    assert!(lower.contains("accept: text/event-stream"), "{request}");
    let body: Value =
        serde_json::from_str(&request[request.find("\r\n\r\n").unwrap() + 4..]).unwrap();
    assert_eq!(
        body["stream"],
        json!(true),
        "the streaming method asks for the stream"
    );
    assert_eq!(body["model"], json!("gpt-4o"));
}

#[tokio::test]
async fn an_error_status_before_the_stream_is_the_typed_error() {
    let (url, _) = serve(Reply {
        status: 400,
        content_type: "application/json",
        chunks: vec![r#"{"message": "input is empty"}"#],
        pause: Duration::ZERO,
    })
    .await;
    let client = streams::Client::new().with_base_url(url);
    let body: streams::types::CreateResponse =
        serde_json::from_value(json!({"input": ""})).unwrap();
    let error = client.create_response_stream(&body).await.unwrap_err();
    match error {
        oagen_tests::runtime::Error::Api { status, body, .. } => {
            assert_eq!(status, 400);
            let streams::client::CreateResponseError::BadRequest(body) = body;
            assert_eq!(body.message, "input is empty");
        }
        other => panic!("expected the typed 400, got {other:?}"),
    }
}

#[tokio::test]
async fn a_responses_stream_yields_each_event_type_and_survives_a_malformed_event() {
    let (url, _) = serve(Reply {
        status: 200,
        content_type: "text/event-stream; charset=utf-8",
        chunks: vec![
            "event: response.created\ndata: {\"type\":\"response.created\",\"response\":{\"id\":\"r1\",\"status\":\"in_progress\"}}\n\n",
            "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"delta\":\"Hi\"}\n\n",
            // Malformed: the data is not JSON.
            "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\n\n",
            "data: {\"type\":\"response.output_text.delta\",\"delta\":\"!\"}\n\n",
            // A type this SDK does not know.
            "data: {\"type\":\"response.audio.delta\",\"delta\":\"AAAA\"}\n\n",
            "event: response.completed\ndata: {\"type\":\"response.completed\",\"response\":{\"id\":\"r1\",\"status\":\"completed\",\"output_text\":\"Hi!\"}}\n\n",
        ],
        pause: Duration::from_millis(10),
    })
    .await;
    let client = streams::Client::new().with_base_url(url);
    let body: streams::types::CreateResponse =
        serde_json::from_value(json!({"input": "hello"})).unwrap();
    let items: Vec<_> = client
        .create_response_stream(&body)
        .await
        .unwrap()
        .collect()
        .await;
    use streams::types::ResponseStreamEvent as Event;
    assert_eq!(items.len(), 6, "{items:?}");
    assert!(matches!(&items[0], Ok(Event::Created(e)) if e.response.id == "r1"));
    assert!(matches!(&items[1], Ok(Event::OutputTextDelta(e)) if e.delta == "Hi"));
    let bad = items[2].as_ref().unwrap_err();
    assert!(
        bad.raw_body().is_some_and(|b| b.starts_with(b"{\"type\"")),
        "the decode error keeps the raw event data: {bad:?}"
    );
    assert!(matches!(&items[3], Ok(Event::OutputTextDelta(e)) if e.delta == "!"));
    assert!(matches!(&items[4], Ok(Event::Unknown(_))));
    assert!(
        matches!(&items[5], Ok(Event::Completed(e)) if e.response.output_text.as_deref() == Some("Hi!"))
    );
}

#[tokio::test]
async fn an_operation_that_only_streams_returns_the_stream_and_an_idle_stream_times_out() {
    let (url, request) = serve(Reply {
        status: 200,
        content_type: "text/event-stream",
        chunks: vec!["data: {\"n\": 1}\n\n", "data: {\"n\": 2}\n\n"],
        pause: Duration::from_millis(600),
    })
    .await;
    let client = streams::Client::new().with_base_url(url);
    let items: Vec<_> = client
        .watch_ticks(Some(5))
        .idle_timeout(Some(Duration::from_millis(200)))
        .await
        .unwrap()
        .collect()
        .await;
    assert_eq!(items.len(), 2, "{items:?}");
    assert_eq!(items[0].as_ref().unwrap().n, 1);
    assert!(items[1].as_ref().unwrap_err().is_timeout());
    assert!(request.await.unwrap().starts_with("GET /ticks?every=5 "));
}

#[tokio::test]
async fn an_idempotency_key_is_generated_once_and_reused_on_retries() {
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/payments"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/payments"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": "p1"})))
        .mount(&server)
        .await;
    let client = streams::Client::new()
        .with_base_url(server.uri())
        .with_retry(
            oagen_tests::runtime::RetryPolicy::default()
                .with_max_retries(2)
                .with_backoff(Duration::from_millis(1), Duration::from_millis(1)),
        );
    let body: streams::types::CreatePaymentRequest =
        serde_json::from_value(json!({"amount": 5})).unwrap();
    let created = client.create_payment(None, &body).await.unwrap();
    assert_eq!(created.id, "p1");
    let keys: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| r.headers["idempotency-key"].to_str().unwrap().to_string())
        .collect();
    assert_eq!(keys.len(), 2, "a POST with a key is retried");
    assert_eq!(keys[0], keys[1], "the same key on every attempt");
    assert_eq!(keys[0].len(), 36, "a UUID: {}", keys[0]);

    // A key the caller sets is sent as is.
    client.create_payment(Some("mine"), &body).await.unwrap();
    let last = server.received_requests().await.unwrap().pop().unwrap();
    assert_eq!(last.headers["idempotency-key"], "mine");
}
