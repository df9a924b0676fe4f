//! Server-sent events (`text/event-stream`, WHATWG HTML § 9.2): a response body read as a
//! stream of typed items, event by event, never buffered whole.
//!
//! The wire format is parsed by the `eventsource-stream` crate: `data:` lines (joined with
//! `\n`), `event:` and `id:` fields, comments (`: keep-alive`) skipped, events split across
//! network chunks reassembled. Each event's data is decoded by the operation's decoder into
//! its item type; the conventional terminator `[DONE]` (OpenAI and others) ends the stream.
//!
//! The body reaches the parser one whole line at a time (so no byte is parsed twice), and no
//! line or event may be longer than the stream's `max_event_bytes`
//! ([`EventCall::DEFAULT_MAX_EVENT_BYTES`] unless set): memory stays bounded whatever the
//! server sends.

use super::error::request_id_of;
use super::response::decode_json;
use super::transport::Exchange;
use super::{Bytes, Error, HeaderMap, RawResponse, Request, RequestOptions, StatusCode, Transport};
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
/// timeout ([`Error::Timeout`]), a line or event was longer than the limit
/// ([`Error::ResponseTooLarge`]), or the bytes were not UTF-8 text. The stream ends after
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
    /// The longest line or event, in bytes.
    limit: u64,
    status: StatusCode,
    headers: HeaderMap,
    idle: Option<Duration>,
    done: bool,
}

impl<T: Send + 'static, E: Send + 'static> EventStream<T, E> {
    /// Reads `response` (a success whose body is an event stream) with `decode`; `idle` is
    /// the longest wait for the next event, `None` for no limit; lines and events are at
    /// most [`EventCall::DEFAULT_MAX_EVENT_BYTES`].
    pub fn new(response: reqwest::Response, decode: Decoder<T>, idle: Option<Duration>) -> Self {
        Self::with_limit(
            response,
            decode,
            idle,
            EventCall::<T, E>::DEFAULT_MAX_EVENT_BYTES,
        )
    }

    /// As [`EventStream::new`], with lines and events of at most `max_event_bytes` bytes.
    pub fn with_limit(
        response: reqwest::Response,
        decode: Decoder<T>,
        idle: Option<Duration>,
        max_event_bytes: usize,
    ) -> Self {
        use eventsource_stream::Eventsource as _;
        let status = response.status();
        let headers = response.headers().clone();
        let limit = u64::try_from(max_event_bytes).unwrap_or(u64::MAX);
        let lines = whole_lines(response.bytes_stream().boxed(), max_event_bytes);
        let state = State {
            events: lines.eventsource(),
            limit,
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
                        StreamFailure::TooLarge => Error::ResponseTooLarge {
                            status: self.status,
                            headers: self.headers.clone(),
                            limit: self.limit,
                        },
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
                    return Some(Err(self.decode_error(
                        event.data.into_bytes(),
                        path,
                        source,
                    )))
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
    TooLarge,
    Text(String),
}

impl From<eventsource_stream::EventStreamError<BodyFailure>> for StreamFailure {
    fn from(e: eventsource_stream::EventStreamError<BodyFailure>) -> Self {
        match e {
            eventsource_stream::EventStreamError::Transport(BodyFailure::Transport(e)) => {
                StreamFailure::Transport(e)
            }
            eventsource_stream::EventStreamError::Transport(BodyFailure::TooLarge) => {
                StreamFailure::TooLarge
            }
            other => StreamFailure::Text(format!("the event stream is not valid: {other}")),
        }
    }
}

/// Why reading the body of an event stream stopped.
#[doc(hidden)]
#[derive(Debug)]
pub enum BodyFailure {
    Transport(reqwest::Error),
    TooLarge,
}

impl std::fmt::Display for BodyFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BodyFailure::Transport(e) => e.fmt(f),
            BodyFailure::TooLarge => f.write_str("a line or event is too large"),
        }
    }
}

/// The body of an event stream line by line (a trailing CR is kept until the byte after it
/// is known), so the parser never sees part of a line nor more than one, and never scans a
/// byte twice; fails with [`BodyFailure::TooLarge`] as soon as a line or an event exceeds
/// `limit` bytes.
fn whole_lines(
    body: futures::stream::BoxStream<'static, reqwest::Result<Bytes>>,
    limit: usize,
) -> impl futures::Stream<Item = Result<Bytes, BodyFailure>> + Send + Unpin + 'static {
    let framer = Framer {
        limit,
        ..Framer::default()
    };
    futures::stream::unfold(Some((body, framer)), |state| async move {
        let (mut body, mut framer) = state?;
        loop {
            match body.next().await {
                Some(Ok(chunk)) => match framer.push(&chunk) {
                    Ok(Some(lines)) => return Some((Ok(lines), Some((body, framer)))),
                    Ok(None) => continue,
                    Err(failure) => return Some((Err(failure), None)),
                },
                Some(Err(e)) => return Some((Err(BodyFailure::Transport(e)), None)),
                None if framer.pending.is_empty() => return None,
                None => return Some((Ok(Bytes::from(framer.pending)), None)),
            }
        }
    })
    .flat_map(|lines| {
        let split = match lines {
            Ok(lines) => split_lines(lines).into_iter().map(Ok).collect(),
            Err(failure) => vec![Err(failure)],
        };
        futures::stream::iter(split)
    })
    .boxed()
}

/// `text` cut after each line end (LF, CR LF, or a CR not followed by LF), without copying.
fn split_lines(text: Bytes) -> Vec<Bytes> {
    let mut lines = Vec::new();
    let mut start = 0;
    for (i, &byte) in text.iter().enumerate() {
        let end = byte == b'\n' || (byte == b'\r' && text.get(i + 1) != Some(&b'\n'));
        if end {
            lines.push(text.slice(start..=i));
            start = i + 1;
        }
    }
    if start < text.len() {
        lines.push(text.slice(start..));
    }
    lines
}

/// Counts line and event lengths over the body, each byte once, and holds the part of
/// the body after the last complete line.
#[derive(Default)]
struct Framer {
    limit: usize,
    /// Bytes received after the last line end.
    pending: Vec<u8>,
    /// Length of the current line.
    line: usize,
    /// Length of the current event (its lines that are not comments).
    event: usize,
    /// The current line is a comment (`:` first).
    comment: bool,
    /// The last byte was a CR (an LF right after it ends no line of its own).
    after_cr: bool,
}

impl Framer {
    /// Takes `chunk`: the complete lines received so far (with what was pending), if any.
    fn push(&mut self, chunk: &[u8]) -> Result<Option<Bytes>, BodyFailure> {
        for &byte in chunk {
            match byte {
                b'\n' if self.after_cr => self.after_cr = false,
                b'\n' | b'\r' => {
                    if self.line == 0 {
                        // An empty line: the event ends.
                        self.event = 0;
                    }
                    self.line = 0;
                    self.comment = false;
                    self.after_cr = byte == b'\r';
                }
                _ => {
                    self.after_cr = false;
                    if self.line == 0 {
                        self.comment = byte == b':';
                    }
                    self.line += 1;
                    if !self.comment {
                        self.event += 1;
                    }
                    if self.line > self.limit || self.event > self.limit {
                        return Err(BodyFailure::TooLarge);
                    }
                }
            }
        }
        // A CR at the very end may be the first half of a CRLF: it waits for the next byte.
        let before_last = &chunk[..chunk.len().saturating_sub(1)];
        let after_lf = chunk.iter().rposition(|&b| b == b'\n').map(|i| i + 1);
        let after_cr = before_last.iter().rposition(|&b| b == b'\r').map(|i| i + 1);
        let pending_cr = self.pending.last() == Some(&b'\r') && !chunk.is_empty();
        let cut = match after_lf.max(after_cr) {
            Some(cut) => cut,
            None if pending_cr => 0,
            None => {
                self.pending.extend_from_slice(chunk);
                return Ok(None);
            }
        };
        let mut lines = std::mem::take(&mut self.pending);
        lines.extend_from_slice(&chunk[..cut]);
        self.pending.extend_from_slice(&chunk[cut..]);
        Ok(Some(Bytes::from(lines)))
    }
}

/// One prepared streaming call: what the generated methods of `text/event-stream`
/// operations return. `.await` it (or call [`EventCall::send`]) for the [`EventStream`],
/// which starts as soon as the response headers arrive; a documented error status arrives
/// as the operation's typed [`Error::Api`] before any event.
///
/// The per-attempt timeout (the client's, or [`EventCall::timeout`]) bounds the wait for
/// the response headers; the idle timeout ([`EventCall::idle_timeout`], by default the
/// same duration) bounds each wait for the next event; [`EventCall::max_event_bytes`]
/// bounds each line and event.
#[must_use = "a call does nothing until it is awaited"]
pub struct EventCall<'a, T, E> {
    transport: &'a Transport,
    request: Request,
    options: RequestOptions,
    decode: Decoder<T>,
    errors: fn(RawResponse) -> Result<std::convert::Infallible, Error<E>>,
    idle: Option<Option<Duration>>,
    max_event_bytes: usize,
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
            max_event_bytes: Self::DEFAULT_MAX_EVENT_BYTES,
        }
    }

    /// The default limit of one line or event of the stream: 16 MiB (events can carry
    /// large payloads, such as base64 images).
    pub const DEFAULT_MAX_EVENT_BYTES: usize = 16 << 20;

    /// The longest line or event (its `data:`, `event:` and `id:` lines) the stream
    /// accepts, in bytes (default [`EventCall::DEFAULT_MAX_EVENT_BYTES`]); a longer one
    /// ends the stream with [`Error::ResponseTooLarge`].
    pub fn max_event_bytes(mut self, limit: usize) -> Self {
        self.max_event_bytes = limit;
        self
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
        let timeout = self
            .options
            .attempt_timeout()
            .or(self.transport.timeouts().1);
        let idle = self.idle.unwrap_or(timeout);
        let limit = self.max_event_bytes;
        match self.request.open(self.transport, self.options).await? {
            Exchange::Open(response) => {
                Ok(EventStream::with_limit(response, self.decode, idle, limit))
            }
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
