//! [`ClientCredentials`]: the OAuth2 client-credentials grant, a [`TokenProvider`] that
//! fetches tokens from the token endpoint and caches them until shortly before they expire.

use super::{urlencoded, BoxFuture, Secret, TokenProvider};
use std::fmt;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// OAuth2 client-credentials grant: fetches a token from `token_url`, caches it and fetches
/// a new one shortly (30 s) before it expires.
///
/// The token's lifetime is its `expires_in`, at most [`ClientCredentials::MAX_LIFETIME`];
/// a token without one is kept for [`ClientCredentials::DEFAULT_LIFETIME`] (see
/// [`ClientCredentials::with_default_lifetime`]). A token the API refuses with 401 is
/// dropped from the cache. One fetch runs at a time; it is bounded by
/// [`ClientCredentials::with_timeout`] (and by the timeout of the call waiting for it), so a
/// stalled token endpoint cannot hold the other calls.
pub struct ClientCredentials {
    token_url: String,
    client_id: String,
    client_secret: Secret,
    scopes: Vec<String>,
    default_lifetime: Duration,
    timeout: Duration,
    cached: Mutex<Option<(Secret, Instant)>>,
    fetching: tokio::sync::Mutex<()>,
}

impl fmt::Debug for ClientCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCredentials")
            .field("token_url", &self.token_url)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field("scopes", &self.scopes)
            .finish_non_exhaustive()
    }
}

/// How long before its expiry a cached token is replaced.
const REFRESH_MARGIN: Duration = Duration::from_secs(30);

/// The largest token response read, in bytes.
const MAX_TOKEN_RESPONSE_BYTES: usize = 64 << 10;

impl ClientCredentials {
    /// The lifetime of a token whose response has no `expires_in`: 1 hour.
    pub const DEFAULT_LIFETIME: Duration = Duration::from_secs(60 * 60);
    /// The longest lifetime a token is cached for, whatever its `expires_in`: 1 day.
    pub const MAX_LIFETIME: Duration = Duration::from_secs(24 * 60 * 60);
    /// The default limit of one token fetch (connecting, sending, reading): 30 s.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

    /// A provider for the token endpoint `token_url`.
    pub fn new(
        token_url: impl Into<String>,
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
    ) -> Self {
        ClientCredentials {
            token_url: token_url.into(),
            client_id: client_id.into(),
            client_secret: Secret::new(client_secret),
            scopes: Vec::new(),
            default_lifetime: Self::DEFAULT_LIFETIME,
            timeout: Self::DEFAULT_TIMEOUT,
            cached: Mutex::new(None),
            fetching: tokio::sync::Mutex::new(()),
        }
    }

    /// Requests these scopes.
    pub fn with_scopes(mut self, scopes: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// How long a token whose response has no `expires_in` is kept (default
    /// [`ClientCredentials::DEFAULT_LIFETIME`], at most [`ClientCredentials::MAX_LIFETIME`]).
    pub fn with_default_lifetime(mut self, lifetime: Duration) -> Self {
        self.default_lifetime = lifetime;
        self
    }

    /// The time allowed for one token fetch, waiting for another call's fetch included
    /// (default [`ClientCredentials::DEFAULT_TIMEOUT`]).
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The cached token, unless it expires within [`REFRESH_MARGIN`].
    fn cached(&self) -> Option<Secret> {
        let cached = self.cached.lock().unwrap_or_else(|e| e.into_inner());
        let (token, expiry) = cached.as_ref()?;
        let fresh = Instant::now()
            .checked_add(REFRESH_MARGIN)
            .is_some_and(|soon| soon < *expiry);
        fresh.then(|| token.clone())
    }

    async fn fetch(&self, http: &reqwest::Client) -> Result<Secret, String> {
        if let Some(token) = self.cached() {
            return Ok(token);
        }
        let timed_out = || format!("no token from the token endpoint within {:?}", self.timeout);
        let now = tokio::time::Instant::now();
        let deadline = now
            .checked_add(self.timeout)
            .unwrap_or_else(|| now + Self::MAX_LIFETIME);
        // One fetch at a time: the calls waiting here take the token it caches.
        let _fetching = tokio::time::timeout_at(deadline, self.fetching.lock())
            .await
            .map_err(|_| timed_out())?;
        if let Some(token) = self.cached() {
            return Ok(token);
        }
        let (token, lifetime) = tokio::time::timeout_at(deadline, self.request(http))
            .await
            .map_err(|_| timed_out())??;
        let lifetime = lifetime.map_or(self.default_lifetime, Duration::from_secs);
        let expiry = Instant::now()
            .checked_add(lifetime.min(Self::MAX_LIFETIME))
            .unwrap_or_else(Instant::now);
        *self.cached.lock().unwrap_or_else(|e| e.into_inner()) = Some((token.clone(), expiry));
        Ok(token)
    }

    /// One token request: the token and its `expires_in`, in seconds.
    async fn request(&self, http: &reqwest::Client) -> Result<(Secret, Option<u64>), String> {
        let mut form = vec![
            ("grant_type", "client_credentials".to_string()),
            ("client_id", self.client_id.clone()),
            ("client_secret", self.client_secret.expose().to_string()),
        ];
        if !self.scopes.is_empty() {
            form.push(("scope", self.scopes.join(" ")));
        }
        let body = urlencoded(form.iter().map(|(k, v)| (*k, v.as_str())));
        let mut response = http
            .post(&self.token_url)
            .header(
                reqwest::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded",
            )
            .header(reqwest::header::ACCEPT, "application/json")
            .body(body)
            .send()
            .await
            .map_err(|e| format!("token request failed: {}", e.without_url()))?;
        let status = response.status();
        if !status.is_success() {
            return Err(format!("token endpoint answered {status}"));
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| format!("token response failed: {}", e.without_url()))?
        {
            if bytes.len() + chunk.len() > MAX_TOKEN_RESPONSE_BYTES {
                return Err(format!(
                    "token response is larger than {MAX_TOKEN_RESPONSE_BYTES} bytes"
                ));
            }
            bytes.extend_from_slice(&chunk);
        }
        #[derive(serde::Deserialize)]
        struct TokenResponse {
            access_token: String,
            expires_in: Option<u64>,
        }
        let parsed: TokenResponse = serde_json::from_slice(&bytes)
            .map_err(|e| format!("token response is not an OAuth2 token: {e}"))?;
        Ok((Secret::new(parsed.access_token), parsed.expires_in))
    }
}

impl TokenProvider for ClientCredentials {
    fn token<'a>(&'a self, http: &'a reqwest::Client) -> BoxFuture<'a, Result<Secret, String>> {
        Box::pin(self.fetch(http))
    }

    fn invalidate(&self, token: &Secret) {
        let mut cached = self.cached.lock().unwrap_or_else(|e| e.into_inner());
        if cached.as_ref().is_some_and(|(held, _)| held == token) {
            *cached = None;
        }
    }
}
