//! [`Transport`] holds a client's base URL, HTTP client, timeouts, retry policy, retry
//! budget and response size limit; [`RequestOptions`] adjusts one call; [`Request::execute`]
//! is the one (non-generic) function that sends every request: URL, headers and
//! credentials, then the attempts with timeouts, retries and tracing.

use super::error::RedactedHeaders;
use super::retry::{retry_after, retryable_status, should_retry, RetryBudget};
use super::{Bytes, Failure, HeaderMap, RawResponse, Request, RetryPolicy, Secret, TokenProvider};
use reqwest::header::HeaderValue;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// Options for one call, on top of the client's: extra headers and query parameters, a
/// timeout, a retry policy and, for a paginated stream, a page limit. Also settable one by
/// one on a [`Call`](super::Call).
///
/// Its `Debug` output shows credential and cookie headers as `<redacted>`.
#[derive(Clone, Default)]
pub struct RequestOptions {
    headers: HeaderMap,
    query: Vec<(String, String)>,
    timeout: Option<Duration>,
    retry: Option<RetryPolicy>,
    max_pages: Option<u64>,
    error: Option<String>,
}

impl fmt::Debug for RequestOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestOptions")
            .field("headers", &RedactedHeaders(&self.headers))
            .field("query", &self.query)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("max_pages", &self.max_pages)
            .field("error", &self.error)
            .finish()
    }
}

impl RequestOptions {
    /// No extra options.
    pub fn new() -> Self {
        RequestOptions::default()
    }

    /// The per-attempt timeout set for this call, if any.
    #[allow(dead_code)] // used by the optional `sse` module
    pub(super) fn attempt_timeout(&self) -> Option<Duration> {
        self.timeout
    }

    /// Adds a header (after the operation's own; a name given twice is sent twice).
    pub fn header(mut self, name: &str, value: &str) -> Self {
        match (
            reqwest::header::HeaderName::from_bytes(name.as_bytes()),
            reqwest::header::HeaderValue::from_str(value),
        ) {
            (Ok(n), Ok(v)) => {
                self.headers.append(n, v);
            }
            _ => {
                self.error.get_or_insert(format!(
                    "extra header `{name}` has a name or value not allowed in HTTP headers"
                ));
            }
        }
        self
    }

    /// Adds a query parameter.
    pub fn query(mut self, name: &str, value: &str) -> Self {
        self.query.push((name.to_string(), value.to_string()));
        self
    }

    /// The time allowed for the whole exchange (each attempt), replacing the client's.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The retry policy, replacing the client's.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// For the stream of a paginated list operation (`.stream()`): the most pages it
    /// fetches (the first included) before it ends. No limit by default; the stream still
    /// ends at a cursor or link it has already followed.
    pub fn max_pages(mut self, pages: u64) -> Self {
        self.max_pages = Some(pages);
        self
    }

    /// The page limit set by [`RequestOptions::max_pages`], if any.
    #[allow(dead_code)] // used by the optional `pagination` module
    pub(super) fn page_limit(&self) -> Option<u64> {
        self.max_pages
    }
}

/// The part of a generated `Client` that sends requests: base URL, HTTP client, timeouts,
/// retry policy, retry budget and response size limit. Cheap to clone; clones share the
/// connection pool and the retry budget.
///
/// The HTTP client it builds follows redirects only within the origin (scheme, host and
/// port) of the request, at most [`Transport::MAX_REDIRECTS`] times; a redirect to another
/// origin is not followed but returned (an undocumented 3xx status), so credential headers,
/// credential query parameters and request bodies never reach another origin. A client
/// given to [`Transport::set_http_client`] keeps its own redirect policy.
#[derive(Debug, Clone)]
pub struct Transport {
    base_url: String,
    http: reqwest::Client,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    retry: RetryPolicy,
    budget: Arc<RetryBudget>,
    max_response_bytes: u64,
    user_agent: String,
    interceptors: super::interceptor::Interceptors,
}

impl Transport {
    /// The client's default total timeout per attempt: 60 s.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
    /// The client's default connect timeout: 10 s.
    pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
    /// The default limit of a buffered success body: 64 MiB.
    pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 64 << 20;
    /// How much of the body of a response that is not a success (2xx) is kept: 64 KiB;
    /// the rest is not read.
    pub const ERROR_BODY_BYTES: u64 = 64 << 10;
    /// The most redirects followed for one request (all within its origin).
    pub const MAX_REDIRECTS: usize = 10;

    /// Requests to `base_url` with the default timeouts, retry policy and limits.
    pub fn new(base_url: impl Into<String>) -> Self {
        Transport {
            base_url: base_url.into(),
            http: http_client(Some(Self::DEFAULT_CONNECT_TIMEOUT)),
            timeout: Some(Self::DEFAULT_TIMEOUT),
            connect_timeout: Some(Self::DEFAULT_CONNECT_TIMEOUT),
            retry: RetryPolicy::default(),
            budget: Arc::new(RetryBudget::default()),
            max_response_bytes: Self::DEFAULT_MAX_RESPONSE_BYTES,
            user_agent: Self::DEFAULT_USER_AGENT.to_string(),
            interceptors: Default::default(),
        }
    }

    /// The `User-Agent` sent unless changed: `<crate>/<version>` of the crate holding the
    /// generated code.
    pub const DEFAULT_USER_AGENT: &'static str =
        concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));

    /// The `User-Agent` header sent with every request (a call's own `User-Agent` header
    /// wins).
    pub fn user_agent(&self) -> &str {
        &self.user_agent
    }

    /// Replaces the `User-Agent`.
    pub fn set_user_agent(&mut self, user_agent: impl Into<String>) {
        self.user_agent = user_agent.into();
    }

    /// The base URL.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Replaces the base URL.
    pub fn set_base_url(&mut self, base_url: impl Into<String>) {
        self.base_url = base_url.into();
    }

    /// The HTTP client.
    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// Uses a configured `reqwest::Client` (its own connect timeout, proxies, TLS, and its
    /// own redirect policy: reqwest's default follows redirects to other origins, so give
    /// it a policy such as `reqwest::redirect::Policy::none()` when credentials must stay
    /// on the origin).
    pub fn set_http_client(&mut self, http: reqwest::Client) {
        self.http = http;
        self.connect_timeout = None;
    }

    /// The total time allowed per attempt; `None` waits forever.
    pub fn set_timeout(&mut self, timeout: Option<Duration>) {
        self.timeout = timeout;
    }

    /// The time allowed to connect (rebuilds the HTTP client, replacing one given to
    /// [`Transport::set_http_client`]).
    pub fn set_connect_timeout(&mut self, timeout: Option<Duration>) {
        self.connect_timeout = timeout;
        self.http = http_client(timeout);
    }

    /// The retry policy for calls that do not set their own.
    pub fn set_retry(&mut self, policy: RetryPolicy) {
        self.retry = policy;
    }

    /// The largest success body read into memory, in bytes (default
    /// [`Transport::DEFAULT_MAX_RESPONSE_BYTES`]): a larger `Content-Length`, or more bytes
    /// than announced, end the call with `Error::ResponseTooLarge`. Bodies of other
    /// statuses are cut at [`Transport::ERROR_BODY_BYTES`]; event streams are not buffered
    /// and have a limit per event instead.
    pub fn set_max_response_bytes(&mut self, limit: u64) {
        self.max_response_bytes = limit;
    }

    /// The largest success body read into memory, in bytes.
    pub fn max_response_bytes(&self) -> u64 {
        self.max_response_bytes
    }

    /// The current timeouts: (connect, total).
    pub fn timeouts(&self) -> (Option<Duration>, Option<Duration>) {
        (self.connect_timeout, self.timeout)
    }

    /// The current retry policy.
    pub fn retry(&self) -> &RetryPolicy {
        &self.retry
    }

    /// Adds an interceptor, run after those added before (see the
    /// [`interceptor`](super::interceptor) module).
    pub fn add_interceptor(&mut self, interceptor: impl super::interceptor::Middleware) {
        self.interceptors.0.push(Arc::new(interceptor));
    }

    /// How many interceptors run around each attempt.
    pub fn interceptor_count(&self) -> usize {
        self.interceptors.0.len()
    }
}

fn http_client(connect_timeout: Option<Duration>) -> reqwest::Client {
    let mut builder = reqwest::Client::builder().redirect(same_origin_redirects());
    if let Some(t) = connect_timeout {
        builder = builder.connect_timeout(t);
    }
    builder.build().unwrap_or_else(|_| {
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_default()
    })
}

/// Follows a redirect only within the origin (scheme, host, port) of the first request,
/// at most [`Transport::MAX_REDIRECTS`] times; a redirect elsewhere is returned as it is.
fn same_origin_redirects() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        // The first URL is the request's own; the rest are redirects already followed.
        let followed = attempt.previous().len().saturating_sub(1);
        let same_origin = attempt
            .previous()
            .first()
            .is_some_and(|first| first.origin() == attempt.url().origin());
        if !same_origin {
            attempt.stop()
        } else if followed >= Transport::MAX_REDIRECTS {
            attempt.error(format!("more than {} redirects", Transport::MAX_REDIRECTS))
        } else {
            attempt.follow()
        }
    })
}

impl Request {
    /// Sends the request (with retries) and reads the whole response. The one function
    /// that does the work for every operation; it is not generic.
    ///
    /// # Errors
    /// A [`Failure`] when the request cannot be built, times out, the exchange fails or a
    /// success body is larger than [`Transport::max_response_bytes`]. Any status is
    /// returned as a [`RawResponse`].
    pub async fn execute(
        self,
        transport: &Transport,
        options: RequestOptions,
    ) -> Result<RawResponse, Failure> {
        match self.send(transport, options, false).await? {
            Exchange::Read(response) => Ok(response),
            Exchange::Open(response) => read_whole(response, transport.max_response_bytes).await,
        }
    }

    /// Sends the request (with retries) and returns as soon as a success's headers arrive,
    /// leaving its body to be read as a stream; any other status is read whole.
    ///
    /// # Errors
    /// As [`Request::execute`].
    #[allow(dead_code)] // used by the optional `sse` module
    pub(super) async fn open(
        self,
        transport: &Transport,
        options: RequestOptions,
    ) -> Result<Exchange, Failure> {
        self.send(transport, options, true).await
    }

    /// Builds the request and sends it with retries. With an OAuth2 token provider, the
    /// token is fetched within the per-attempt timeout, and a 401 answer invalidates it and
    /// sends the request once more with a fresh token (when the provider gives another).
    async fn send(
        mut self,
        transport: &Transport,
        options: RequestOptions,
        keep_open: bool,
    ) -> Result<Exchange, Failure> {
        if let Some(message) = self.error.take().or(options.error) {
            return Err(Failure::InvalidRequest(message));
        }
        let url = self.target_url(&transport.base_url, &options.query)?;
        let headers = self.send_headers(transport, &options.headers)?;
        let policy = options.retry.as_ref().unwrap_or(&transport.retry);
        // A request with an idempotency key may be repeated whatever its method.
        let safe = is_idempotent(&self.method) || self.idempotency_key.is_some();
        let retries = if safe || policy.non_idempotent {
            policy.max_retries
        } else {
            0
        };
        let mut builder = transport
            .http
            .request(self.method.clone(), url)
            .headers(headers);
        if let Some((content_type, body)) = self.body.take() {
            builder = builder
                .header(reqwest::header::CONTENT_TYPE, content_type)
                .body(body);
        }
        let plan = Attempts {
            method: &self.method,
            operation: self.operation,
            template: self.template,
            http: &transport.http,
            interceptors: &transport.interceptors,
            policy,
            retries,
            budget: &transport.budget,
            timeout: options.timeout.or(transport.timeout),
            redact_url: !self.secret_query.is_empty(),
            keep_open,
            max_bytes: transport.max_response_bytes,
        };
        let Some(provider) = self.token.take() else {
            return send_with_retries(builder, &plan).await;
        };
        let again = builder.try_clone();
        let token = fetch_token(provider.as_ref(), &transport.http, plan.timeout).await?;
        let outcome = send_with_retries(with_bearer(builder, &token)?, &plan).await;
        let rejected = matches!(&outcome, Ok(r) if r.status() == reqwest::StatusCode::UNAUTHORIZED);
        match again {
            Some(again) if rejected => {
                provider.invalidate(&token);
                let fresh = fetch_token(provider.as_ref(), &transport.http, plan.timeout).await?;
                if fresh == token {
                    return outcome;
                }
                tracing::debug!(
                    path = plan.template,
                    "401 with a cached token; retrying with a fresh one"
                );
                send_with_retries(with_bearer(again, &fresh)?, &plan).await
            }
            _ => outcome,
        }
    }

    /// The URL to send to: the base URL with the path segments and the query (the
    /// operation's, then `extra`), or the next-page link being followed.
    fn target_url(
        &self,
        base_url: &str,
        extra: &[(String, String)],
    ) -> Result<reqwest::Url, Failure> {
        let base = reqwest::Url::parse(base_url).map_err(|e| {
            Failure::InvalidRequest(format!("base URL `{base_url}` is not an absolute URL: {e}"))
        })?;
        match &self.url {
            Some(next) => self.link_url(&base, next),
            None => self.path_url(base, base_url, extra),
        }
    }

    /// A next-page link: sent as given (it carries the query), on the same origin only, so
    /// credentials never go to another host; API keys sent in the query are added when the
    /// link lacks them.
    fn link_url(&self, base: &reqwest::Url, next: &str) -> Result<reqwest::Url, Failure> {
        let mut url = base.join(next).map_err(|e| {
            Failure::InvalidRequest(format!("next-page link `{next}` is not a URL: {e}"))
        })?;
        if url.origin() != base.origin() {
            return Err(Failure::InvalidRequest(format!(
                "next-page link `{next}` leaves the base URL's origin; not followed"
            )));
        }
        let missing: Vec<_> = self
            .secret_query
            .iter()
            .filter(|(name, _)| !url.query_pairs().any(|(k, _)| k == name.as_str()))
            .collect();
        if !missing.is_empty() {
            let mut pairs = url.query_pairs_mut();
            for (name, secret) in missing {
                pairs.append_pair(name, secret.expose());
            }
        }
        Ok(url)
    }

    /// The base URL with the operation's path segments and query appended.
    fn path_url(
        &self,
        mut url: reqwest::Url,
        base_url: &str,
        extra: &[(String, String)],
    ) -> Result<reqwest::Url, Failure> {
        url.path_segments_mut()
            .map_err(|()| {
                Failure::InvalidRequest(format!("base URL `{base_url}` cannot have a path"))
            })?
            .pop_if_empty()
            .extend(&self.segments);
        // Every segment was checked in `Request::new`; this holds whatever the segments are.
        let base_path = reqwest::Url::parse(base_url)
            .map(|b| b.path().trim_end_matches('/').to_string())
            .unwrap_or_default();
        if !url.path().starts_with(&base_path) {
            return Err(Failure::InvalidRequest(format!(
                "the path of `{}` leaves the base URL `{base_url}`; not sent",
                self.template
            )));
        }
        if self.query.len() + extra.len() + self.secret_query.len() > 0 {
            let mut pairs = url.query_pairs_mut();
            pairs.extend_pairs(self.query.iter().chain(extra));
            for (name, secret) in &self.secret_query {
                pairs.append_pair(name, secret.expose());
            }
        }
        Ok(url)
    }

    /// The headers to send: the operation's, then `extra`, the cookies and an idempotency
    /// key (the OAuth2 bearer token is added per round, see [`Request::send`]).
    fn send_headers(
        &mut self,
        transport: &Transport,
        extra: &HeaderMap,
    ) -> Result<HeaderMap, Failure> {
        let mut headers = std::mem::take(&mut self.headers);
        for (name, value) in extra {
            headers.append(name, value.clone());
        }
        if !headers.contains_key(reqwest::header::USER_AGENT) {
            let agent = HeaderValue::from_str(&transport.user_agent).map_err(|_| {
                Failure::InvalidRequest("the User-Agent is not allowed in HTTP headers".into())
            })?;
            headers.insert(reqwest::header::USER_AGENT, agent);
        }
        if let Some(cookie) = self.cookie_header()? {
            headers.insert(reqwest::header::COOKIE, cookie);
        }
        // One key per logical call: retries send the same request, key included. (Written
        // without `if let` chains, which this code cannot use: it is also `include!`d into
        // edition 2021 crates.)
        let missing_key = self
            .idempotency_key
            .filter(|name| !headers.contains_key(*name));
        if let Some(name) = missing_key {
            let key = HeaderValue::from_str(&uuid::Uuid::new_v4().to_string());
            if let Ok(key) = key {
                headers.insert(name, key);
            }
        }
        Ok(headers)
    }

    /// All cookies in one `Cookie` header (marked sensitive), if there are any.
    fn cookie_header(&self) -> Result<Option<HeaderValue>, Failure> {
        if self.cookies.is_empty() {
            return Ok(None);
        }
        let cookie = self
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        let mut value = HeaderValue::from_str(&cookie).map_err(|_| {
            Failure::InvalidRequest("a cookie has a value not allowed in HTTP headers".into())
        })?;
        value.set_sensitive(true);
        Ok(Some(value))
    }
}

/// A token from `provider`, fetched within `timeout`.
async fn fetch_token(
    provider: &dyn TokenProvider,
    http: &reqwest::Client,
    timeout: Option<Duration>,
) -> Result<Secret, Failure> {
    let fetch = provider.token(http);
    let token = match timeout {
        Some(limit) => tokio::time::timeout(limit, fetch)
            .await
            .map_err(|_| Failure::Timeout(limit))?,
        None => fetch.await,
    };
    token.map_err(Failure::InvalidRequest)
}

/// `builder` with `Authorization: Bearer <token>` (marked sensitive).
fn with_bearer(
    builder: reqwest::RequestBuilder,
    token: &Secret,
) -> Result<reqwest::RequestBuilder, Failure> {
    let mut value = HeaderValue::from_str(&format!("Bearer {}", token.expose()))
        .map_err(|_| Failure::InvalidRequest("the access token is not a valid header".into()))?;
    value.set_sensitive(true);
    Ok(builder.header(reqwest::header::AUTHORIZATION, value))
}

/// GET, HEAD, OPTIONS, PUT, DELETE and TRACE: the methods retried by default.
fn is_idempotent(method: &reqwest::Method) -> bool {
    matches!(
        *method,
        reqwest::Method::GET
            | reqwest::Method::HEAD
            | reqwest::Method::OPTIONS
            | reqwest::Method::PUT
            | reqwest::Method::DELETE
            | reqwest::Method::TRACE
    )
}

/// How one request is attempted: what the tracing span shows, and when to try again.
struct Attempts<'a> {
    method: &'a reqwest::Method,
    operation: &'static str,
    template: &'static str,
    /// The client that sends, and the interceptors around it.
    http: &'a reqwest::Client,
    interceptors: &'a super::interceptor::Interceptors,
    policy: &'a RetryPolicy,
    retries: u32,
    /// The client's retry budget, shared by all its calls.
    budget: &'a RetryBudget,
    timeout: Option<Duration>,
    /// The URL carries a credential: transport errors are reported without it.
    redact_url: bool,
    /// A success is returned with its body unread (an event stream).
    keep_open: bool,
    /// The largest success body read.
    max_bytes: u64,
}

/// What an attempt got back.
pub(super) enum Exchange {
    /// The whole response.
    Read(RawResponse),
    /// A success whose body is still to be read.
    Open(reqwest::Response),
}

impl Exchange {
    fn status(&self) -> reqwest::StatusCode {
        match self {
            Exchange::Read(r) => r.status,
            Exchange::Open(r) => r.status(),
        }
    }

    fn headers(&self) -> &HeaderMap {
        match self {
            Exchange::Read(r) => &r.headers,
            Exchange::Open(r) => r.headers(),
        }
    }
}

/// Reads the rest of `response`: a success body of at most `limit` bytes (a larger
/// `Content-Length` is refused before reading), any other body cut at
/// [`Transport::ERROR_BODY_BYTES`] (or `limit`, when smaller).
async fn read_whole(mut response: reqwest::Response, limit: u64) -> Result<RawResponse, Failure> {
    let status = response.status();
    let headers = response.headers().clone();
    let success = status.is_success();
    let cap = if success {
        limit
    } else {
        limit.min(Transport::ERROR_BODY_BYTES)
    };
    let too_large = |headers: HeaderMap| Failure::TooLarge {
        status,
        headers,
        limit,
    };
    let announced = response.content_length();
    if success && announced.is_some_and(|n| n > cap) {
        return Err(too_large(headers));
    }
    let cap = usize::try_from(cap).unwrap_or(usize::MAX);
    let expected = announced.map_or(0, |n| usize::try_from(n).unwrap_or(usize::MAX));
    let mut body = Vec::with_capacity(expected.min(cap).min(1 << 20));
    while let Some(chunk) = response.chunk().await.map_err(transport_failure)? {
        let room = cap - body.len();
        if chunk.len() > room {
            if success {
                return Err(too_large(headers));
            }
            body.extend_from_slice(&chunk[..room]);
            break;
        }
        body.extend_from_slice(&chunk);
    }
    Ok(RawResponse {
        status,
        headers,
        body: Bytes::from(body),
    })
}

/// A reqwest error as a failure: its own timeouts (a client given with a timeout) are
/// [`Failure::Timeout`].
fn transport_failure(e: reqwest::Error) -> Failure {
    if e.is_timeout() {
        Failure::Timeout(Duration::default())
    } else {
        Failure::Transport(e)
    }
}

/// Sends `builder`, then again after each retryable outcome while the plan and the
/// client's retry budget allow, each attempt in a `http_request` tracing span.
async fn send_with_retries(
    builder: reqwest::RequestBuilder,
    plan: &Attempts<'_>,
) -> Result<Exchange, Failure> {
    let mut current = builder;
    let mut attempt: u32 = 0;
    // What the last retry took from the budget: given back when it succeeds.
    let mut spent = 0;
    loop {
        attempt += 1;
        // A body that cannot be replayed (a stream) gives no copy: no retry.
        let replay = current.try_clone();
        let span = tracing::debug_span!(
            "http_request",
            method = %plan.method,
            path = plan.template,
            attempt,
            status = tracing::field::Empty,
        );
        let outcome = tracing::Instrument::instrument(attempt_once(current, plan, attempt), span.clone())
            .await
            .map_err(|failure| match failure {
                Failure::Transport(e) if plan.redact_url => Failure::Transport(e.without_url()),
                other => other,
            });
        if let Ok(response) = &outcome {
            span.record("status", response.status().as_u16());
        }
        let delay = retry_delay(&outcome, plan.policy, attempt);
        match (delay, replay) {
            (Some((delay, cost)), Some(next)) if attempt <= plan.retries => {
                if !plan.budget.acquire(cost) {
                    span.in_scope(|| tracing::debug!("retry budget exhausted; not retrying"));
                    return outcome;
                }
                spent = cost;
                span.in_scope(|| tracing::debug!(?delay, "retrying"));
                tokio::time::sleep(delay).await;
                current = next;
            }
            _ => {
                if matches!(&outcome, Ok(r) if r.status().is_success()) {
                    plan.budget.release(spent);
                }
                return outcome;
            }
        }
    }
}

/// How long to wait before retrying after `outcome` (attempt number `attempt`) and what
/// the retry costs from the budget, or `None` when it is not worth retrying.
///
/// A response that is not a success is retried when its `x-should-retry` header says
/// `true`, or, without that header, when its status is retryable; it waits for its
/// `Retry-After` (at least the backoff; none beyond the policy's limit) or the backoff.
/// A connection error waits for the backoff and costs more.
fn retry_delay(
    outcome: &Result<Exchange, Failure>,
    policy: &RetryPolicy,
    attempt: u32,
) -> Option<(Duration, u32)> {
    match outcome {
        Ok(response) if response.status().is_success() => None,
        Ok(response) => {
            let retry = should_retry(response.headers())
                .unwrap_or_else(|| retryable_status(response.status()));
            if !retry {
                return None;
            }
            let backoff = policy.backoff(attempt);
            let delay = match retry_after(response.headers()) {
                Some(after) if after > policy.max_retry_after => return None,
                Some(after) => after.max(backoff),
                None => backoff,
            };
            Some((delay, RetryBudget::RETRY_COST))
        }
        Err(Failure::Transport(e)) if e.is_connect() => {
            Some((policy.backoff(attempt), RetryBudget::TIMEOUT_COST))
        }
        Err(_) => None,
    }
}

/// Sends `builder` through the client's interceptors, with the [`Attempt`] (number
/// `attempt`) in the extensions they get.
///
/// [`Attempt`]: super::interceptor::Attempt
async fn intercepted(
    builder: reqwest::RequestBuilder,
    plan: &Attempts<'_>,
    attempt: u32,
) -> Result<reqwest::Response, Failure> {
    let request = builder.build().map_err(transport_failure)?;
    let client = reqwest_middleware::ClientWithMiddleware::new(
        plan.http.clone(),
        plan.interceptors.0.clone(),
    );
    let mut extensions = super::interceptor::Extensions::new();
    extensions.insert(super::interceptor::Attempt {
        operation: plan.operation,
        path: plan.template,
        number: attempt,
    });
    client
        .execute_with_extensions(request, &mut extensions)
        .await
        .map_err(|e| match e {
            reqwest_middleware::Error::Reqwest(e) => transport_failure(e),
            reqwest_middleware::Error::Middleware(e) => Failure::Interceptor(e.into()),
        })
}

/// One attempt: sends (through the interceptors, when there are any) and reads the
/// response within the per-attempt timeout.
async fn attempt_once(
    builder: reqwest::RequestBuilder,
    plan: &Attempts<'_>,
    attempt: u32,
) -> Result<Exchange, Failure> {
    let exchange = async {
        let response = if plan.interceptors.0.is_empty() {
            builder.send().await.map_err(transport_failure)?
        } else {
            intercepted(builder, plan, attempt).await?
        };
        if plan.keep_open && response.status().is_success() {
            return Ok(Exchange::Open(response));
        }
        read_whole(response, plan.max_bytes)
            .await
            .map(Exchange::Read)
    };
    let result = match plan.timeout {
        Some(limit) => match tokio::time::timeout(limit, exchange).await {
            Ok(result) => result,
            Err(_) => return Err(Failure::Timeout(limit)),
        },
        None => exchange.await,
    };
    result.map_err(|failure| match failure {
        Failure::Timeout(_) => Failure::Timeout(plan.timeout.unwrap_or_default()),
        other => other,
    })
}
