//! Server-sent events (`text/event-stream`, WHATWG HTML § 9.2): a response body read as a
//! stream of typed items, event by event, never buffered whole.
//!
//! The wire format is parsed by the `eventsource-stream` crate: `data:` lines (joined with
//! `\n`), `event:` and `id:` fields, comments (`: keep-alive`) skipped, events split across
//! network chunks reassembled. Each event's data is decoded by the operation's decoder into
//! its item type; the conventional terminator `[DONE]` (OpenAI and others) ends the stream.

use super::error::request_id_of;
use super::response::decode_json;
use super::transport::Exchange;
use super::{Error, HeaderMap, RawResponse, Request, RequestOptions, StatusCode, Transport};
use futures::StreamExt as _;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

/// One event as sent: its `event:` name (empty when none was given), its `data:` text and its
/// `id:`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SseEvent {
    /// The `event:` field; empty for the default `message` event.
    pub event: String,
    /// The `data:` lines joined with `\n`.
    pub data: String,
    /// The `id:` field.
    pub id: String,
}

/// How one event becomes an item: `Ok(Some(item))`, `Ok(None)` to skip the event, or the
/// JSON error (path and cause) when its data does not match the item's schema.
pub type Decoder<T> = fn(&SseEvent) -> Result<Option<T>, (String, serde_json::Error)>;

/// The data of every event as JSON of type `T` (the media type's `schema`, or OpenAPI 3.2's
/// `itemSchema`).
pub fn json_data<T: serde::de::DeserializeOwned>(
    event: &SseEvent,
) -> Result<Option<T>, (String, serde_json::Error)> {
    decode_json(event.data.as_bytes()).map(Some)
}

/// A stream of typed items read from a `text/event-stream` response.
///
/// Each item is `Ok(T)`, or an error that does not end the stream when one event's data
/// does not decode ([`Error::Decode`] with the event's raw data as `body`), or an error
/// that does: the connection failed ([`Error::Transport`]), no event arrived within the idle
/// timeout ([`Error::Timeout`]), or the bytes were not UTF-8 text. The stream ends after
/// the last event, at a `[DONE]` event, or after such an error.
#[must_use = "a stream does nothing unless polled"]
pub struct EventStream<T, E> {
    status: StatusCode,
    headers: HeaderMap,
    items: futures::stream::BoxStream<'static, Result<T, Error<E>>>,
}

impl<T, E> std::fmt::Debug for EventStream<T, E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventStream")
            .field("status", &self.status)
            .finish_non_exhaustive()
    }
}

impl<T, E> EventStream<T, E> {
    /// The response status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The vendor's request id, when the response carries one.
    pub fn request_id(&self) -> Option<&str> {
        request_id_of(&self.headers)
    }
}

impl<T, E> futures::Stream for EventStream<T, E> {
    type Item = Result<T, Error<E>>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.items.poll_next_unpin(cx)
    }
}

/// What [`EventStream`] reads from.
struct State<S> {
    events: S,
    status: StatusCode,
    headers: HeaderMap,
    idle: Option<Duration>,
    done: bool,
}

impl<T: Send + 'static, E: Send + 'static> EventStream<T, E> {
    /// Reads `response` (a success whose body is an event stream) with `decode`; `idle` is
    /// the longest wait for the next event, `None` for no limit.
    pub fn new(response: reqwest::Response, decode: Decoder<T>, idle: Option<Duration>) -> Self {
        use eventsource_stream::Eventsource as _;
        let status = response.status();
        let headers = response.headers().clone();
        let state = State {
            events: response.bytes_stream().eventsource(),
            status,
            headers: headers.clone(),
            idle,
            done: false,
        };
        let items = futures::stream::unfold(state, move |mut state| async move {
            let item = state.next_item(decode).await?;
            Some((item, state))
        })
        .boxed();
        EventStream {
            status,
            headers,
            items,
        }
    }
}

impl<S, X> State<S>
where
    S: futures::Stream<Item = Result<eventsource_stream::Event, X>> + Unpin,
    X: Into<StreamFailure>,
{
    /// The next item, skipping keep-alives and events the decoder skips; `None` at the end.
    async fn next_item<T, E>(&mut self, decode: Decoder<T>) -> Option<Result<T, Error<E>>> {
        while !self.done {
            let next = match self.idle {
                Some(limit) => match tokio::time::timeout(limit, self.events.next()).await {
                    Ok(next) => next,
                    Err(_) => return self.fail(Error::Timeout(limit)),
                },
                None => self.events.next().await,
            };
            let event = match next? {
                Ok(event) => event,
                Err(failure) => {
                    let error = match failure.into() {
                        StreamFailure::Transport(e) => Error::Transport(e),
                        StreamFailure::Text(message) => self.decode_error(
                            Vec::new(),
                            ".".into(),
                            <serde_json::Error as serde::de::Error>::custom(message),
                        ),
                    };
                    return self.fail(error);
                }
            };
            if event.data.trim() == "[DONE]" {
                self.done = true;
                return None;
            }
            if event.data.is_empty() {
                continue;
            }
            let event = SseEvent {
                event: event.event,
                data: event.data,
                id: event.id,
            };
            match decode(&event) {
                Ok(Some(item)) => return Some(Ok(item)),
                Ok(None) => continue,
                Err((path, source)) => {
                    return Some(Err(self.decode_error(event.data.into_bytes(), path, source)))
                }
            }
        }
        None
    }

    fn fail<T, E>(&mut self, error: Error<E>) -> Option<Result<T, Error<E>>> {
        self.done = true;
        Some(Err(error))
    }

    fn decode_error<E>(&self, body: Vec<u8>, path: String, source: serde_json::Error) -> Error<E> {
        Error::Decode {
            status: self.status,
            headers: self.headers.clone(),
            body: body.into(),
            path,
            source,
        }
    }
}

/// Why reading an event stream stopped.
#[doc(hidden)]
pub enum StreamFailure {
    Transport(reqwest::Error),
    Text(String),
}

impl From<eventsource_stream::EventStreamError<reqwest::Error>> for StreamFailure {
    fn from(e: eventsource_stream::EventStreamError<reqwest::Error>) -> Self {
        match e {
            eventsource_stream::EventStreamError::Transport(e) => StreamFailure::Transport(e),
            other => StreamFailure::Text(format!("the event stream is not valid: {other}")),
        }
    }
}

/// One prepared streaming call: what the generated methods of `text/event-stream`
/// operations return. `.await` it (or call [`EventCall::send`]) for the [`EventStream`],
/// which starts as soon as the response headers arrive; a documented error status arrives
/// as the operation's typed [`Error::Api`] before any event.
///
/// The per-attempt timeout (the client's, or [`EventCall::timeout`]) bounds the wait for
/// the response headers; the idle timeout ([`EventCall::idle_timeout`], by default the
/// same duration) bounds each wait for the next event.
#[must_use = "a call does nothing until it is awaited"]
pub struct EventCall<'a, T, E> {
    transport: &'a Transport,
    request: Request,
    options: RequestOptions,
    decode: Decoder<T>,
    errors: fn(RawResponse) -> Result<std::convert::Infallible, Error<E>>,
    idle: Option<Option<Duration>>,
}

impl<T, E> std::fmt::Debug for EventCall<'_, T, E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventCall")
            .field("request", &self.request)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl<'a, T, E> EventCall<'a, T, E> {
    /// Used by generated methods: the request, how each event becomes an item, and how a
    /// status other than a success becomes an error.
    #[doc(hidden)]
    pub fn new(
        transport: &'a Transport,
        mut request: Request,
        decode: Decoder<T>,
        errors: fn(RawResponse) -> Result<std::convert::Infallible, Error<E>>,
    ) -> Self {
        request.insert_header("accept", "text/event-stream", false);
        EventCall {
            transport,
            request,
            options: RequestOptions::default(),
            decode,
            errors,
            idle: None,
        }
    }

    /// Adds a header to this call.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.options = self.options.header(name, value);
        self
    }

    /// Adds a query parameter to this call.
    pub fn query(mut self, name: &str, value: &str) -> Self {
        self.options = self.options.query(name, value);
        self
    }

    /// The longest wait for the response headers, replacing the client's timeout.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.options = self.options.timeout(timeout);
        self
    }

    /// The retry policy of this call (until the response headers arrive).
    pub fn retry(mut self, policy: super::RetryPolicy) -> Self {
        self.options = self.options.retry(policy);
        self
    }

    /// The longest wait for the next event before the stream ends with
    /// [`Error::Timeout`]; `None` waits for ever.
    pub fn idle_timeout(mut self, idle: Option<Duration>) -> Self {
        self.idle = Some(idle);
        self
    }
}

impl<T: Send + 'static, E: Send + 'static> EventCall<'_, T, E> {
    /// Sends the call; the stream of events once the response headers arrived.
    ///
    /// # Errors
    /// As the operation documents, for the response before the stream: a documented
    /// error status, an unexpected one, a timeout or the transport failure.
    pub async fn send(self) -> Result<EventStream<T, E>, Error<E>> {
        let timeout = self.options.attempt_timeout().or(self.transport.timeouts().0);
        let idle = self.idle.unwrap_or(timeout);
        match self.request.open(self.transport, self.options).await? {
            Exchange::Open(response) => Ok(EventStream::new(response, self.decode, idle)),
            Exchange::Read(response) if response.status.is_success() => {
                Err(Error::UnexpectedStatus {
                    status: response.status,
                    headers: response.headers,
                    body: response.body,
                })
            }
            Exchange::Read(response) => match (self.errors)(response) {
                Err(error) => Err(error),
                Ok(never) => match never {},
            },
        }
    }
}

impl<'a, T: Send + 'static, E: Send + 'static> std::future::IntoFuture for EventCall<'a, T, E> {
    type Output = Result<EventStream<T, E>, Error<E>>;
    type IntoFuture = super::BoxFuture<'a, Self::Output>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

impl Request {
    /// Sets a JSON body with the boolean property `property` set to `true` (OpenAI's
    /// `stream: true`, which asks for the `text/event-stream` form of a response).
    pub fn json_streaming<B: serde::Serialize + ?Sized>(&mut self, body: &B, property: &str) {
        match serde_json::to_value(body) {
            Ok(serde_json::Value::Object(mut object)) => {
                object.insert(property.to_string(), serde_json::Value::Bool(true));
                self.json(&object);
            }
            Ok(other) => self.json(&other),
            Err(e) => self.fail(format!("request body does not serialize: {e}")),
        }
    }
}
