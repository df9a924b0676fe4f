//! Interceptors: [`reqwest_middleware`] middleware installed on a client
//! (`Client::with_interceptor`), which run, in the order installed, around every attempt
//! of every call, retries included.
//!
//! An interceptor is a [`Middleware`]: it gets the attempt's `reqwest::Request` (method,
//! URL, headers, and the body's bytes through `request.body().and_then(|b| b.as_bytes())`
//! for every body but a stream), may change it (add or sign headers) or fail the call by
//! returning an error instead of calling [`Next::run`], and gets the `reqwest::Response`
//! back (status and headers; the body is read after the interceptors, by the client) or
//! the transport error. Timing an attempt is measuring around `next.run`. The
//! [`Extensions`] hold an [`Attempt`]: which operation, which path, which attempt.
//!
//! ```ignore
//! struct Sign(Vec<u8>);
//!
//! #[runtime::interceptor::async_trait]
//! impl Middleware for Sign {
//!     async fn handle(&self, mut req: Request, ext: &mut Extensions, next: Next<'_>)
//!         -> reqwest_middleware::Result<Response> {
//!         let body = req.body().and_then(|b| b.as_bytes()).unwrap_or_default();
//!         let signature = hmac_hex(&self.0, body);
//!         req.headers_mut().insert("x-signature", signature.parse().unwrap());
//!         next.run(req, ext).await
//!     }
//! }
//! ```
//!
//! The client's own timeouts, retries, redirect policy and response size limit stay in
//! force around the interceptors; do not add retrying middleware (`reqwest-retry`), which
//! would multiply the client's retries. A failed interceptor ends the call with
//! `Error::Interceptor` and is not retried.

pub use ::async_trait::async_trait;
pub use ::http::Extensions;
pub use ::reqwest_middleware::{self, Middleware, Next};
use std::fmt;
use std::sync::Arc;

/// What an interceptor learns about the attempt it sees, from
/// `extensions.get::<Attempt>()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Attempt {
    /// The operation's id in the spec (its `operationId`, or the name oagen made for it).
    pub operation: &'static str,
    /// The operation's path template (`/calls/{id}`).
    pub path: &'static str,
    /// Which attempt of the call this is: 1 for the first, 2 for the first retry, ….
    pub number: u32,
}

/// The interceptors of a client, in the order they run.
#[derive(Clone, Default)]
pub(super) struct Interceptors(pub(super) Vec<Arc<dyn Middleware>>);

impl fmt::Debug for Interceptors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} interceptor(s)", self.0.len())
    }
}
