//! [`Call`] is what each generated method returns: `.await` it for the typed body,
//! [`Call::raw`] adds status and headers, and per-call options go before either.
//! [`Builder`] is what methods with many optional parameters (and list operations) return:
//! set parameters one by one, then `.await` it.

use super::{Error, RawResponse, Request, RequestOptions, Response, RetryPolicy, Transport};
use std::fmt;
use std::time::Duration;

/// The per-call option setters of [`Call`] and [`Builder`] (both keep a `RequestOptions`
/// in `self.options`).
macro_rules! per_call_options {
    () => {
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

        /// The total time allowed per attempt of this call, replacing the client's.
        pub fn timeout(mut self, timeout: Duration) -> Self {
            self.options = self.options.timeout(timeout);
            self
        }

        /// The retry policy of this call, replacing the client's.
        pub fn retry(mut self, policy: RetryPolicy) -> Self {
            self.options = self.options.retry(policy);
            self
        }

        /// Replaces this call's options.
        pub fn options(mut self, options: RequestOptions) -> Self {
            self.options = options;
            self
        }
    };
}

/// One prepared API call, returned by every generated operation method.
///
/// `.await` it for the typed body; call [`Call::raw`] for the body with status and headers;
/// before that, [`Call::header`], [`Call::query`], [`Call::timeout`], [`Call::retry`] and
/// [`Call::options`] adjust this call only.
#[must_use = "a call does nothing until it is awaited"]
pub struct Call<'a, T, E> {
    transport: &'a Transport,
    pub(super) request: Request,
    options: RequestOptions,
    decode: fn(RawResponse) -> Result<T, Error<E>>,
}

impl<T, E> fmt::Debug for Call<'_, T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Call")
            .field("request", &self.request)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl<'a, T, E> Call<'a, T, E> {
    /// Used by generated methods.
    #[doc(hidden)]
    pub fn new(
        transport: &'a Transport,
        request: Request,
        decode: fn(RawResponse) -> Result<T, Error<E>>,
    ) -> Self {
        Call {
            transport,
            request,
            options: RequestOptions::default(),
            decode,
        }
    }

    per_call_options!();

    /// Sends the call; the typed body with status and headers.
    ///
    /// # Errors
    /// As the operation documents.
    pub async fn raw(self) -> Result<Response<T>, Error<E>> {
        let response = self.request.execute(self.transport, self.options).await?;
        let status = response.status;
        let headers = response.headers.clone();
        let body = (self.decode)(response)?;
        Ok(Response {
            status,
            headers,
            body,
        })
    }

    /// Sends the call; the typed body (what `.await` does).
    ///
    /// # Errors
    /// As the operation documents.
    pub async fn send(self) -> Result<T, Error<E>> {
        let response = self.request.execute(self.transport, self.options).await?;
        (self.decode)(response)
    }
}

impl<'a, T: Send + 'a, E: Send + 'a> std::future::IntoFuture for Call<'a, T, E> {
    type Output = Result<T, Error<E>>;
    type IntoFuture = BoxFuture<'a, Result<T, Error<E>>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

/// A call whose optional parameters are set one by one: what the generated methods with
/// many optional parameters, and the list operations, return (through a type alias per
/// operation, `<Operation>Request`, whose own methods set the parameters).
///
/// `.await` it for the typed body, or call [`Builder::raw`] for the body with status and
/// headers; [`Builder::header`], [`Builder::query`], [`Builder::timeout`],
/// [`Builder::retry`] and [`Builder::options`] adjust this call only, as on a [`Call`].
#[must_use = "a call does nothing until it is awaited"]
pub struct Builder<'a, P, T, E> {
    pub(super) params: P,
    pub(super) options: RequestOptions,
    build: fn(P) -> Call<'a, T, E>,
}

impl<P: fmt::Debug, T, E> fmt::Debug for Builder<'_, P, T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Builder")
            .field("params", &self.params)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl<P: Clone, T, E> Clone for Builder<'_, P, T, E> {
    fn clone(&self) -> Self {
        Builder {
            params: self.params.clone(),
            options: self.options.clone(),
            build: self.build,
        }
    }
}

impl<'a, P, T, E> Builder<'a, P, T, E> {
    /// Used by generated methods: the parameters so far, and how they become a [`Call`].
    #[doc(hidden)]
    pub fn new(params: P, build: fn(P) -> Call<'a, T, E>) -> Self {
        Builder {
            params,
            options: RequestOptions::default(),
            build,
        }
    }

    /// Used by the generated parameter setters.
    #[doc(hidden)]
    pub fn params(&self) -> &P {
        &self.params
    }

    /// Used by the generated parameter setters.
    #[doc(hidden)]
    pub fn params_mut(&mut self) -> &mut P {
        &mut self.params
    }

    per_call_options!();

    /// The prepared [`Call`], with the parameters and options set so far.
    pub fn call(self) -> Call<'a, T, E> {
        (self.build)(self.params).options(self.options)
    }

    /// Sends the call; the typed body with status and headers.
    ///
    /// # Errors
    /// As the operation documents.
    pub async fn raw(self) -> Result<Response<T>, Error<E>> {
        self.call().raw().await
    }

    /// Sends the call; the typed body (what `.await` does).
    ///
    /// # Errors
    /// As the operation documents.
    pub async fn send(self) -> Result<T, Error<E>> {
        self.call().send().await
    }
}

impl<'a, P, T: Send + 'a, E: Send + 'a> std::future::IntoFuture for Builder<'a, P, T, E> {
    type Output = Result<T, Error<E>>;
    type IntoFuture = BoxFuture<'a, Result<T, Error<E>>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.call().send())
    }
}

/// A boxed, sendable future.
pub type BoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;
