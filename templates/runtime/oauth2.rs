//! [`ClientCredentials`]: the OAuth2 client-credentials grant, a [`TokenProvider`] that
//! fetches tokens from the token endpoint and caches them until shortly before they expire.

use super::{urlencoded, BoxFuture, Secret, TokenProvider};
use std::fmt;
use std::time::Duration;

/// OAuth2 client-credentials grant: fetches a token from `token_url`, caches it and fetches
/// a new one shortly (30 s) before it expires.
pub struct ClientCredentials {
    token_url: String,
    client_id: String,
    client_secret: Secret,
    scopes: Vec<String>,
    cached: tokio::sync::Mutex<Option<(Secret, Option<std::time::Instant>)>>,
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

impl ClientCredentials {
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
            cached: tokio::sync::Mutex::new(None),
        }
    }

    /// Requests these scopes.
    pub fn with_scopes(mut self, scopes: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    async fn fetch(&self, http: &reqwest::Client) -> Result<Secret, String> {
        let mut cached = self.cached.lock().await;
        if let Some((token, expiry)) = &*cached {
            let fresh =
                expiry.is_none_or(|at| std::time::Instant::now() + Duration::from_secs(30) < at);
            if fresh {
                return Ok(token.clone());
            }
        }
        let mut form = vec![
            ("grant_type", "client_credentials".to_string()),
            ("client_id", self.client_id.clone()),
            ("client_secret", self.client_secret.expose().to_string()),
        ];
        if !self.scopes.is_empty() {
            form.push(("scope", self.scopes.join(" ")));
        }
        let body = urlencoded(form.iter().map(|(k, v)| (*k, v.as_str())));
        let response = http
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
        let bytes = response
            .bytes()
            .await
            .map_err(|e| format!("token response failed: {}", e.without_url()))?;
        if !status.is_success() {
            return Err(format!("token endpoint answered {status}"));
        }
        #[derive(serde::Deserialize)]
        struct TokenResponse {
            access_token: String,
            expires_in: Option<u64>,
        }
        let parsed: TokenResponse = serde_json::from_slice(&bytes)
            .map_err(|e| format!("token response is not an OAuth2 token: {e}"))?;
        let token = Secret::new(parsed.access_token);
        let expiry = parsed
            .expires_in
            .map(|s| std::time::Instant::now() + Duration::from_secs(s));
        *cached = Some((token.clone(), expiry));
        Ok(token)
    }
}

impl TokenProvider for ClientCredentials {
    fn token<'a>(&'a self, http: &'a reqwest::Client) -> BoxFuture<'a, Result<Secret, String>> {
        Box::pin(self.fetch(http))
    }
}
