//! Credentials: [`Secret`] holds one and never prints it; [`TokenProvider`] supplies
//! OAuth2 tokens; the [`Request`] methods that send a credential as each OpenAPI security
//! scheme says (`Authorization`, an API key in a header, query or cookie, a bearer token).

use super::{BoxFuture, Request};
use std::fmt;

/// A credential (token, key, password). Its `Debug` output is redacted.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a credential.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The credential itself, for sending.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(\"<redacted>\")")
    }
}

/// Supplies OAuth2 access tokens (`Authorization: Bearer …`). A fixed [`Secret`] is one;
/// `ClientCredentials` (in crates whose specs use the client-credentials flow) fetches
/// and caches them; implement this trait to bring tokens from elsewhere.
pub trait TokenProvider: fmt::Debug + Send + Sync {
    /// A valid access token. Called before every request; cache inside. The call's
    /// per-attempt timeout bounds the wait.
    fn token<'a>(&'a self, http: &'a reqwest::Client) -> BoxFuture<'a, Result<Secret, String>>;

    /// The server refused `token` (a 401 answer): forget it if it is cached, so that the
    /// next [`TokenProvider::token`] fetches another. The call is then sent once more
    /// when the provider gives a different token. Does nothing by default.
    fn invalidate(&self, token: &Secret) {
        let _ = token;
    }
}

/// A fixed credential for an OAuth2 scheme (a token obtained elsewhere).
impl TokenProvider for Secret {
    fn token<'a>(&'a self, _: &'a reqwest::Client) -> BoxFuture<'a, Result<Secret, String>> {
        Box::pin(std::future::ready(Ok(self.clone())))
    }
}

/// Security schemes (OpenAPI `securitySchemes`).
impl Request {
    /// Sends `Authorization: <scheme> <credential>` (OAS `type: http`).
    pub fn authorization(&mut self, scheme: &str, credential: &Secret) {
        let value = format!("{scheme} {}", credential.expose());
        self.insert_header("authorization", &value, true);
    }

    /// Sends `Authorization: Basic base64(user:password)` (OAS `type: http`, `scheme: basic`);
    /// a credential already holding `user:password` is encoded the same way.
    pub fn basic_auth(&mut self, credential: &Secret) {
        let value = format!("Basic {}", base64(credential.expose().as_bytes()));
        self.insert_header("authorization", &value, true);
    }

    /// Sends a credential in a header (OAS `type: apiKey`, `in: header`).
    pub fn secret_header(&mut self, name: &'static str, credential: &Secret) {
        self.insert_header(name, credential.expose(), true);
    }

    /// Sends a credential in the query string (OAS `type: apiKey`, `in: query`).
    pub fn secret_query(&mut self, name: &str, credential: &Secret) {
        self.secret_query
            .push((name.to_string(), credential.clone()));
    }

    /// Sends a credential as a cookie (OAS `type: apiKey`, `in: cookie`).
    pub fn secret_cookie(&mut self, name: &str, credential: &Secret) {
        self.cookies
            .push((name.to_string(), credential.expose().to_string()));
    }

    /// Sends `Authorization: Bearer <token>` with a token from `provider` (OAuth2).
    pub fn bearer_from(&mut self, provider: &std::sync::Arc<dyn TokenProvider>) {
        self.token = Some(provider.clone());
    }
}

fn base64(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// `Client::from_env` found no credential: the variables it read, none of them set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvError {
    /// The variables read (`VOCODE_API_KEY`, …).
    pub variables: Vec<String>,
}

impl EnvError {
    /// The error for variables `{prefix}_{suffix}`.
    pub fn new(prefix: &str, suffixes: &[&str]) -> Self {
        EnvError {
            variables: suffixes.iter().map(|s| format!("{prefix}_{s}")).collect(),
        }
    }
}

impl fmt::Display for EnvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "no credential in the environment: set {}",
            self.variables.join(" or ")
        )
    }
}

impl std::error::Error for EnvError {}

/// The variable `{prefix}_{suffix}`, when set and not empty.
pub fn env_var(prefix: &str, suffix: &str) -> Option<String> {
    std::env::var(format!("{prefix}_{suffix}"))
        .ok()
        .filter(|v| !v.is_empty())
}

/// The environment prefix of a client in module `module_path` (`voice_apis::vocode::client`):
/// the module above `client`, upper-cased (`VOCODE`).
pub fn env_prefix(module_path: &str) -> String {
    let mut parts = module_path.rsplit("::");
    let last = parts.next().unwrap_or_default();
    let name = if last == "client" {
        parts.next().unwrap_or(last)
    } else {
        last
    };
    name.to_ascii_uppercase()
}
