//! [`Transport`] holds a client's base URL, HTTP client, timeouts and retry policy;
//! [`RequestOptions`] adjusts one call; [`Request::execute`] is the one (non-generic)
//! function that sends every request: URL, headers and credentials, then the attempts with
//! timeouts, retries and tracing.

use super::retry::{retry_after, retryable_status};
use super::{Failure, HeaderMap, RawResponse, Request, RetryPolicy, TokenProvider};
use reqwest::header::HeaderValue;
use std::time::Duration;

/// Options for one call, on top of the client's: extra headers and query parameters, a
/// timeout and a retry policy. Also settable one by one on a [`Call`](super::Call).
#[derive(Debug, Clone, Default)]
pub struct RequestOptions {
    headers: HeaderMap,
    query: Vec<(String, String)>,
    timeout: Option<Duration>,
    retry: Option<RetryPolicy>,
    error: Option<String>,
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
}

/// The part of a generated `Client` that sends requests: base URL, HTTP client, timeouts,
/// retry policy. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Transport {
    base_url: String,
    http: reqwest::Client,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    retry: RetryPolicy,
    user_agent: String,
}

impl Transport {
    /// The client's default total timeout per attempt: 60 s.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
    /// The client's default connect timeout: 10 s.
    pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

    /// Requests to `base_url` with the default timeouts and retry policy.
    pub fn new(base_url: impl Into<String>) -> Self {
        Transport {
            base_url: base_url.into(),
            http: http_client(Some(Self::DEFAULT_CONNECT_TIMEOUT)),
            timeout: Some(Self::DEFAULT_TIMEOUT),
            connect_timeout: Some(Self::DEFAULT_CONNECT_TIMEOUT),
            retry: RetryPolicy::default(),
            user_agent: Self::DEFAULT_USER_AGENT.to_string(),
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

    /// Uses a configured `reqwest::Client` (its own connect timeout, proxies, TLS).
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

    /// The current timeouts: (connect, total).
    pub fn timeouts(&self) -> (Option<Duration>, Option<Duration>) {
        (self.connect_timeout, self.timeout)
    }

    /// The current retry policy.
    pub fn retry(&self) -> &RetryPolicy {
        &self.retry
    }
}

fn http_client(connect_timeout: Option<Duration>) -> reqwest::Client {
    let mut builder = reqwest::Client::builder();
    if let Some(t) = connect_timeout {
        builder = builder.connect_timeout(t);
    }
    builder.build().unwrap_or_default()
}

impl Request {
    /// Sends the request (with retries) and reads the whole response. The one function
    /// that does the work for every operation; it is not generic.
    ///
    /// # Errors
    /// A [`Failure`] when the request cannot be built, times out or the exchange fails.
    /// Any status is returned as a [`RawResponse`].
    pub async fn execute(
        self,
        transport: &Transport,
        options: RequestOptions,
    ) -> Result<RawResponse, Failure> {
        match self.send(transport, options, false).await? {
            Exchange::Read(response) => Ok(response),
            Exchange::Open(response) => read_whole(response).await.map_err(Failure::Transport),
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
        let headers = self.send_headers(transport, &options.headers).await?;
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
            template: self.template,
            policy,
            retries,
            timeout: options.timeout.or(transport.timeout),
            redact_url: !self.secret_query.is_empty(),
            keep_open,
        };
        send_with_retries(builder, &plan).await
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
        if self.query.len() + extra.len() + self.secret_query.len() > 0 {
            let mut pairs = url.query_pairs_mut();
            pairs.extend_pairs(self.query.iter().chain(extra));
            for (name, secret) in &self.secret_query {
                pairs.append_pair(name, secret.expose());
            }
        }
        Ok(url)
    }

    /// The headers to send: the operation's, then `extra`, the cookies and an OAuth2
    /// bearer token fetched now.
    async fn send_headers(
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
        let missing_key = self.idempotency_key.filter(|name| !headers.contains_key(*name));
        if let Some(name) = missing_key {
            let key = HeaderValue::from_str(&uuid::Uuid::new_v4().to_string());
            if let Ok(key) = key {
                headers.insert(name, key);
            }
        }
        if let Some(provider) = &self.token {
            let bearer = bearer_header(provider.as_ref(), &transport.http).await?;
            headers.insert(reqwest::header::AUTHORIZATION, bearer);
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

/// `Authorization: Bearer <token>` with a token from `provider` (marked sensitive).
async fn bearer_header(
    provider: &dyn TokenProvider,
    http: &reqwest::Client,
) -> Result<HeaderValue, Failure> {
    let token = provider
        .token(http)
        .await
        .map_err(Failure::InvalidRequest)?;
    let mut value = HeaderValue::from_str(&format!("Bearer {}", token.expose()))
        .map_err(|_| Failure::InvalidRequest("the access token is not a valid header".into()))?;
    value.set_sensitive(true);
    Ok(value)
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
    template: &'static str,
    policy: &'a RetryPolicy,
    retries: u32,
    timeout: Option<Duration>,
    /// The URL carries a credential: transport errors are reported without it.
    redact_url: bool,
    /// A success is returned with its body unread (an event stream).
    keep_open: bool,
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

/// Reads the rest of `response`.
async fn read_whole(response: reqwest::Response) -> Result<RawResponse, reqwest::Error> {
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.bytes().await?;
    Ok(RawResponse {
        status,
        headers,
        body,
    })
}

/// Sends `builder`, then again after each retryable outcome while the plan allows, each
/// attempt in a `http_request` tracing span.
async fn send_with_retries(
    builder: reqwest::RequestBuilder,
    plan: &Attempts<'_>,
) -> Result<Exchange, Failure> {
    let mut current = builder;
    let mut attempt: u32 = 0;
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
        let outcome =
            tracing::Instrument::instrument(attempt_once(current, plan), span.clone())
                .await
                .map_err(|failure| match failure {
                    Failure::Transport(e) if plan.redact_url => Failure::Transport(e.without_url()),
                    other => other,
                });
        if let Ok(response) = &outcome {
            span.record("status", response.status().as_u16());
        }
        match (retry_delay(&outcome, plan.policy, attempt), replay) {
            (Some(delay), Some(next)) if attempt <= plan.retries => {
                span.in_scope(|| tracing::debug!(?delay, "retrying"));
                tokio::time::sleep(delay).await;
                current = next;
            }
            _ => return outcome,
        }
    }
}

/// How long to wait before retrying after `outcome` (attempt number `attempt`), or `None`
/// when it is not worth retrying: a retryable status waits for its `Retry-After` (none
/// beyond the policy's limit) or the backoff, a connection error for the backoff.
fn retry_delay(
    outcome: &Result<Exchange, Failure>,
    policy: &RetryPolicy,
    attempt: u32,
) -> Option<Duration> {
    match outcome {
        Ok(response) if retryable_status(response.status()) => match retry_after(response.headers()) {
            Some(after) if after > policy.max_retry_after => None,
            Some(after) => Some(after),
            None => Some(policy.backoff(attempt)),
        },
        Ok(_) => None,
        Err(Failure::Transport(e)) if e.is_connect() => Some(policy.backoff(attempt)),
        Err(_) => None,
    }
}

async fn attempt_once(
    builder: reqwest::RequestBuilder,
    plan: &Attempts<'_>,
) -> Result<Exchange, Failure> {
    let timeout = plan.timeout;
    let exchange = async {
        let response = builder.send().await?;
        if plan.keep_open && response.status().is_success() {
            return Ok(Exchange::Open(response));
        }
        read_whole(response).await.map(Exchange::Read)
    };
    let result = match timeout {
        Some(limit) => match tokio::time::timeout(limit, exchange).await {
            Ok(result) => result,
            Err(_) => return Err(Failure::Timeout(limit)),
        },
        None => exchange.await,
    };
    result.map_err(|e| {
        if e.is_timeout() {
            Failure::Timeout(timeout.unwrap_or_default())
        } else {
            Failure::Transport(e)
        }
    })
}
