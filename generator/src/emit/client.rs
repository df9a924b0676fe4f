//! The `client` module: an async `Client` with one method per operation, and one enum of
//! documented error responses per operation that has any; the operations that document
//! the same errors share one enum, `ApiError` ([`SharedErrors`]), their own names aliases
//! of it.

use super::example::Method;
use super::{doc_attrs, doc_lines, ident, Scope};
use super::{variant_ident, TypeTokens};
use crate::escape::code_span;
use crate::ir::*;
use crate::lower::credentials::credentials;
use crate::surface::{
    BuilderNames, EventsSurface, Form, OperationSurface, Pages, PagesEnd, PagesKind, ParamSurface,
    Passing, RustType, SharedErrors, StatusEnum,
};
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

pub(super) fn emit_client(api: &Api) -> TokenStream {
    let parts = ClientItems::new(api);
    let mut methods = Vec::new();
    let mut error_enums = Vec::new();
    for i in 0..parts.len() {
        let (method, items) = parts.operation(i);
        methods.push(method);
        error_enums.extend(items);
    }
    parts.file(quote!(#(#methods)*), quote!(#(#error_enums)*))
}

/// One operation's error type: its enum of documented error responses, or, when it is the
/// API's shared one ([`SharedErrors`]), a `type` alias of that.
fn error_items(
    s: &OperationSurface<'_>,
    e: &StatusEnum<'_>,
    shared: Option<&SharedErrors<'_>>,
    cfg: &TokenStream,
) -> TokenStream {
    match shared {
        Some(shared) if shared.is(e) => {
            let doc = format!(
                "The documented error responses of [`Client::{}`]: the API's common [`{}`].",
                s.method, shared.errors.name
            );
            {
                let doc = doc_lines(&doc);
                let name = format_ident!("{}", e.name);
                let target = format_ident!("{}", shared.errors.name);
                quote! {
                    #doc
                    #cfg
                    pub type #name = #target;
                }
            }
        }
        _ => {
            let doc = format!(
                "The documented error responses of [`Client::{}`].",
                s.method
            );
            emit_status_enum(e, &doc, cfg, quote!(#[allow(clippy::large_enum_variant)]))
        }
    }
}

/// The enum of error responses that several operations share ([`SharedErrors`]).
fn emit_shared_errors(shared: &SharedErrors<'_>) -> TokenStream {
    let doc = format!(
        "The error responses that {} of this API's operations document alike. Their own \
         error types (`{}`, …) are aliases of this enum, so one function can handle the \
         errors of all of them.",
        shared.operations, shared.first
    );
    let cfg = super::cfg_any(shared.features.iter().flatten());
    emit_status_enum(
        &shared.errors,
        &doc,
        &cfg,
        quote!(#[allow(clippy::large_enum_variant)]),
    )
}

/// The contents of `client.rs` in parts, so that a caller can make, print and free each
/// operation's tokens in turn (and on several threads): the file is [`ClientItems::file`]
/// with every [`ClientItems::operation`]'s method inside `impl Client` and its error enum
/// after the server enum. [`crate::emit::emit_client`] puts them together.
pub struct ClientItems<'a> {
    api: &'a Api,
    shared: Option<SharedErrors<'a>>,
}

impl<'a> ClientItems<'a> {
    /// The client of `api`.
    pub fn new(api: &'a Api) -> Self {
        ClientItems {
            api,
            shared: SharedErrors::of(api),
        }
    }

    /// How many operations there are.
    pub fn len(&self) -> usize {
        self.api.operations.len()
    }

    /// True when the API has no operations.
    pub fn is_empty(&self) -> bool {
        self.api.operations.is_empty()
    }

    /// The `i`-th operation: its `Client` method(s), and the top-level items it needs (its
    /// error enum), if any.
    pub fn operation(&self, i: usize) -> (TokenStream, Option<TokenStream>) {
        emit_operation(self.api, &self.api.operations[i], self.shared.as_ref())
    }

    /// The whole file with `methods` at the end of `impl Client` and `error_enums` at the
    /// end of the file.
    pub fn file(&self, methods: TokenStream, error_enums: TokenStream) -> TokenStream {
        let head = self.head_with(methods);
        let servers = self.servers();
        quote!(#head #servers #error_enums)
    }

    /// The file up to the end of `impl Client`, without the operations' methods.
    pub fn head(&self) -> TokenStream {
        self.head_with(TokenStream::new())
    }

    /// The items between `impl Client` and the operations' own: the enum of the spec's
    /// servers, if it has several, and the error enum operations share ([`SharedErrors`]).
    pub fn servers(&self) -> TokenStream {
        let servers = emit_servers(self.api).0;
        let shared = self.shared.as_ref().map(emit_shared_errors);
        quote!(#servers #shared)
    }

    /// The file up to the end of `impl Client`, with `methods` at the end of it.
    fn head_with(&self, methods: TokenStream) -> TokenStream {
        let api = self.api;
        let default_base = api
            .servers
            .first()
            .map(Server::default_url)
            .unwrap_or_default();
        let for_server = emit_servers(api).1;
        let title = crate::escape::markdown_text(&format!("{} {}", api.title, api.version));
        let module_doc = format!(" HTTP client for {title}.");
        let client_doc = doc_lines(&format!(
            "Async client for {title}.\n\n\
             Cheap to clone (the connection pool is shared). Every method prepares one request and returns a \
             [`runtime::Call`]: `.await` it for the typed success body, or call `.raw().await` for the body \
             with its status and headers; `.timeout(…)`, `.retry(…)`, `.header(…)` and `.query(…)` before that \
             apply to that call only. Failures are a [`runtime::Error`]: the typed body of a documented error \
             status, the raw status and body of an undocumented one, a body that did not decode, a timeout \
             or the transport failure."
        ));

        let credential_fields = api.security_schemes.iter().map(|s| {
            let field = ident(&s.name.rust);
            match &s.kind {
                SecurityKind::OAuth2 { .. } => {
                    quote!(#field: Option<::std::sync::Arc<dyn runtime::TokenProvider>>,)
                }
                _ => quote!(#field: Option<runtime::Secret>,),
            }
        });
        let credential_inits = api.security_schemes.iter().map(|s| {
            let field = ident(&s.name.rust);
            quote!(#field: None,)
        });
        let credential_setters = credential_setters(api);
        let transport_methods = transport_methods();
        let from_env = emit_from_env(api);
        let uses_types = uses_types(api);
        let use_types = uses_types.then(|| quote! { use super::types; });
        // With features per tag, a build with few features leaves imports and credential
        // fields unused.
        let allow_partial = api
            .settings
            .tag_features
            .is_some()
            .then(|| quote!(#![allow(dead_code, unused_imports)]));

        quote! {
            #![doc = #module_doc]
            // Errors keep status, headers and body inline (see `runtime::Error`).
            #![allow(clippy::result_large_err)]
            // Parameter types are the spec's nesting, not a choice an alias would make clearer.
            #![allow(clippy::type_complexity)]
            #allow_partial

            use super::runtime;
            #use_types

            #client_doc
            #[derive(Debug, Clone)]
            pub struct Client {
                transport: runtime::Transport,
                #(#credential_fields)*
            }

            impl Default for Client {
                fn default() -> Self {
                    Self::new()
                }
            }

            impl Client {
                /// The first `servers` entry of the spec.
                pub const DEFAULT_BASE_URL: &'static str = #default_base;

                /// A client for [`Client::DEFAULT_BASE_URL`], without credentials; the `with_*`
                /// setters change it and chain in any order.
                pub fn new() -> Self {
                    Client {
                        transport: runtime::Transport::new(Self::DEFAULT_BASE_URL),
                        #(#credential_inits)*
                    }
                }

                #from_env

                #transport_methods

                #for_server

                #(#credential_setters)*

                #methods
            }
        }
    }
}

/// The `Client` methods that configure its transport (base URL, user agent, HTTP client,
/// timeouts, retries) and read it back: the same for every API.
fn transport_methods() -> TokenStream {
    quote! {
            /// Sends requests to another server (a staging environment, a mock); `base_url` is
            /// an absolute URL, to which each operation's path is appended.
            pub fn with_base_url(mut self, base_url: impl Into<String>) -> Self {
                self.transport.set_base_url(base_url);
                self
            }

            /// Replaces the `User-Agent` header (default
            /// [`runtime::Transport::DEFAULT_USER_AGENT`], `<crate>/<version>`).
            pub fn with_user_agent(mut self, user_agent: impl Into<String>) -> Self {
                self.transport.set_user_agent(user_agent);
                self
            }

            /// Uses a configured `reqwest::Client` (proxies, TLS settings, its own connect
            /// timeout and its own redirect policy: this client's follows redirects within
            /// the origin only, reqwest's default follows them to other origins too). The
            /// total timeout, retry policy and response size limit still come from this
            /// client.
            pub fn with_http_client(mut self, http: ::reqwest::Client) -> Self {
                self.transport.set_http_client(http);
                self
            }

            /// Adds an interceptor: a `reqwest-middleware` [`Middleware`] run around every
            /// attempt of every call (retries included), after the interceptors added before.
            /// It sees the request (operation and attempt number in its extensions, as a
            /// [`runtime::interceptor::Attempt`]), may change it or fail the call
            /// (`Error::Interceptor`), and sees the response's status and headers. See the
            /// [`runtime::interceptor`] module.
            ///
            /// [`Middleware`]: runtime::interceptor::Middleware
            pub fn with_interceptor(
                mut self,
                interceptor: impl runtime::interceptor::Middleware,
            ) -> Self {
                self.transport.add_interceptor(interceptor);
                self
            }

            /// The total time allowed per attempt of every call (default
            /// [`runtime::Transport::DEFAULT_TIMEOUT`]; `None`: no limit). A call's
            /// [`runtime::Call::timeout`] overrides it.
            pub fn with_timeout(mut self, timeout: Option<::std::time::Duration>) -> Self {
                self.transport.set_timeout(timeout);
                self
            }

            /// The time allowed to connect (default
            /// [`runtime::Transport::DEFAULT_CONNECT_TIMEOUT`]). Rebuilds the HTTP client, so
            /// set it before [`Client::with_http_client`] or configure that client instead.
            pub fn with_connect_timeout(mut self, timeout: Option<::std::time::Duration>) -> Self {
                self.transport.set_connect_timeout(timeout);
                self
            }

            /// The retry policy of every call (default [`runtime::RetryPolicy::default`]:
            /// idempotent methods, twice); [`runtime::RetryPolicy::never`] turns retries off.
            /// A call's [`runtime::Call::retry`] overrides it.
            pub fn with_retry(mut self, policy: runtime::RetryPolicy) -> Self {
                self.transport.set_retry(policy);
                self
            }

            /// The largest success body read into memory, in bytes (default
            /// [`runtime::Transport::DEFAULT_MAX_RESPONSE_BYTES`], 64 MiB); a larger one is
            /// [`runtime::Error::ResponseTooLarge`]. Bodies of other statuses are cut at
            /// [`runtime::Transport::ERROR_BODY_BYTES`].
            pub fn with_max_response_bytes(mut self, limit: u64) -> Self {
                self.transport.set_max_response_bytes(limit);
                self
            }

            /// The base URL requests go to.
            pub fn base_url(&self) -> &str {
                self.transport.base_url()
            }

            /// Base URL, HTTP client, timeouts and retry policy.
            pub fn transport(&self) -> &runtime::Transport {
                &self.transport
            }
    }
}

/// The `Client::with_*` setter of each security scheme's credential.
fn credential_setters(api: &Api) -> Vec<TokenStream> {
    api.security_schemes.iter().zip(credentials(api)).map(|(s, c)| {
        let field = ident(&s.name.rust);
        let setter = ident(&c.setter);
        let how = match &s.kind {
            SecurityKind::Http { scheme } => format!("sent as {}", code_span(&format!("Authorization: {scheme} <credential>"))),
            SecurityKind::HttpBasic => "sent as `Authorization: Basic <base64 of user:password>`".to_string(),
            SecurityKind::ApiKeyHeader { name } => format!("sent in the {} header", code_span(name)),
            SecurityKind::ApiKeyQuery { name } => format!("sent as the {} query parameter", code_span(name)),
            SecurityKind::ApiKeyCookie { name } => format!("sent as the {} cookie", code_span(name)),
            SecurityKind::OAuth2 { token_url, .. } => {
                return oauth2_setters(s, &field, &setter, token_url.as_deref());
            }
            SecurityKind::Unsupported => "not sent: oagen does not support this scheme type yet".to_string(),
        };
        let mut text = format!(
            "Sets the credential for security scheme {} ({how}) on the operations that use it.\n\nThe credential is redacted from `Debug` output.",
            code_span(&s.name.wire)
        );
        if let Some(d) = &s.description {
            text = format!("{}\n\n{text}", crate::escape::doc_prose(d));
        }
        let doc = doc_lines(&text);
        if matches!(s.kind, SecurityKind::HttpBasic) {
            return quote! {
                #doc
                pub fn #setter(mut self, username: impl Into<String>, password: impl Into<String>) -> Self {
                    let credential = format!("{}:{}", username.into(), password.into());
                    self.#field = Some(runtime::Secret::new(credential));
                    self
                }
            };
        }
        quote! {
            #doc
            pub fn #setter(mut self, credential: impl Into<String>) -> Self {
                self.#field = Some(runtime::Secret::new(credential));
                self
            }
        }
    }).collect()
}

/// `Client::from_env` and `Client::from_env_prefixed`: the credentials (and base URL) from
/// environment variables named after the module holding the client.
fn emit_from_env(api: &Api) -> TokenStream {
    let creds = credentials(api);
    let mut looked: Vec<String> = Vec::new();
    let reads = api
        .security_schemes
        .iter()
        .zip(&creds)
        .filter(|(_, c)| !c.env.is_empty())
        .map(|(s, c)| {
            let setter = ident(&c.setter);
            looked.extend(c.env.iter().map(|v| format!("`{{PREFIX}}_{v}`")));
            let vars: Vec<&String> = c.env.iter().collect();
            let names: Vec<proc_macro2::Ident> =
                (0..vars.len()).map(|i| format_ident!("v{}", i)).collect();
            let call = match &s.kind {
                SecurityKind::OAuth2 {
                    token_url: Some(_), ..
                } => {
                    let cc = format_ident!("{}_client_credentials", setter);
                    quote!(client.#cc(#(#names),*))
                }
                SecurityKind::OAuth2 { .. } => {
                    quote!(client.#setter(runtime::Secret::new(#(#names),*)))
                }
                _ => quote!(client.#setter(#(#names),*)),
            };
            quote! {
                if let (#(Some(#names),)*) = (#(runtime::env_var(&prefix, #vars),)*) {
                    client = #call;
                    found = true;
                }
            }
        })
        .collect::<Vec<_>>();
    let any = !reads.is_empty();
    let check = any.then(|| {
        let vars = creds.iter().flat_map(|c| &c.env);
        quote! {
            if !found {
                return Err(runtime::EnvError::new(&prefix, &[#(#vars),*]));
            }
        }
    });
    let found_decl = any.then(|| quote!(let mut found = false;));
    let (reads_what, errors) = if looked.is_empty() {
        (
            "`{PREFIX}_BASE_URL`, to replace the base URL (the spec declares no credential \
             to read)"
                .to_string(),
            "None: the spec declares no credential, so none can be missing (the `Result` is \
             the signature every generated client shares).",
        )
    } else {
        (
            format!(
                "the credentials {} (each scheme whose variables are all set), and \
                 `{{PREFIX}}_BASE_URL` to replace the base URL",
                looked.join(", ")
            ),
            "[`runtime::EnvError`] naming the variables read when no credential is set.",
        )
    };
    let doc = doc_lines(&format!(
        "A client configured from environment variables named `{{PREFIX}}_…`, where `PREFIX` is \
         the name of the module holding this client, upper-cased (`vocode` → `VOCODE`; the crate \
         name for a crate with one API): {reads_what}.\n\n# Errors\n\n{errors}"
    ));
    quote! {
        #doc
        pub fn from_env() -> Result<Self, runtime::EnvError> {
            Self::from_env_prefixed(&runtime::env_prefix(module_path!()))
        }

        /// As [`Client::from_env`], with variables named `{prefix}_…`.
        ///
        /// # Errors
        ///
        /// [`runtime::EnvError`] naming the variables read when no credential is set.
        pub fn from_env_prefixed(prefix: &str) -> Result<Self, runtime::EnvError> {
            let prefix = prefix.to_string();
            let mut client = Self::new();
            if let Some(url) = runtime::env_var(&prefix, "BASE_URL") {
                client = client.with_base_url(url);
            }
            #found_decl
            #(#reads)*
            #check
            Ok(client)
        }
    }
}

/// True when some operation's parameters, body or responses name a generated type (so the
/// client needs `use super::types`).
fn uses_types(api: &Api) -> bool {
    api.operations.iter().any(|op| {
        op.params.iter().any(|p| names_a_type(&p.ty))
            || op.body.iter().any(
                |b| matches!(&b.kind, BodyKind::Json(t) | BodyKind::Form(t) if names_a_type(t)),
            )
            || op
                .responses
                .iter()
                .any(|r| matches!(&r.kind, BodyKind::Json(t) if names_a_type(t)))
    })
}

/// The `Server` enum (a typed choice among the spec's `servers`, with their variables) and
/// `Client::with_server`, when the spec offers a choice: several servers, or variables.
fn emit_servers(api: &Api) -> (TokenStream, TokenStream) {
    let choice = api.servers.len() > 1 || api.servers.iter().any(|s| !s.variables.is_empty());
    if !choice {
        return (quote!(), quote!());
    }
    let variants = api.servers.iter().map(|s| {
        let v = ident(&s.name.rust);
        let mut text = code_span(&s.url);
        if let Some(d) = &s.description {
            text = format!("{}: {text}", crate::escape::doc_prose(d));
        }
        let doc = doc_lines(&text);
        if s.variables.is_empty() {
            return quote!(#doc #v,);
        }
        let fields = s.variables.iter().map(|var| {
            let f = ident(&var.name.rust);
            let mut text = format!(
                "{}, default {}",
                code_span(&format!("{{{}}}", var.name.wire)),
                code_span(&var.default)
            );
            if !var.values.is_empty() {
                text.push_str(&format!(
                    "; one of {}",
                    var.values
                        .iter()
                        .map(|v| code_span(v))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            if let Some(d) = &var.description {
                text = format!("{}\n\n{text}", crate::escape::doc_prose(d));
            }
            let doc = doc_lines(&text);
            quote!(#doc #f: String,)
        });
        quote!(#doc #v { #(#fields)* },)
    });
    let url_arms = api.servers.iter().map(|s| {
        let v = ident(&s.name.rust);
        if s.variables.is_empty() {
            let url = &s.url;
            return quote!(Self::#v => #url.to_string(),);
        }
        // `format!` from the template: a variable → `{}`, braces in text escaped.
        let mut fmt = String::new();
        let mut args = Vec::new();
        for part in &s.template {
            match part {
                UrlPart::Literal(text) => {
                    fmt.push_str(&text.replace('{', "{{").replace('}', "}}"));
                }
                UrlPart::Variable(i) => {
                    if let Some(var) = s.variables.get(*i) {
                        args.push(ident(&var.name.rust));
                    }
                    fmt.push_str("{}");
                }
            }
        }
        let names = s.variables.iter().map(|var| ident(&var.name.rust));
        if fmt == "{}" && args.len() == 1 {
            // The whole URL is one variable (`{endpoint}`): `format!` would be clippy's
            // `useless_format`.
            let arg = &args[0];
            return quote!(Self::#v { #(#names),* } => #arg.to_string(),);
        }
        quote!(Self::#v { #(#names),* } => format!(#fmt, #(#args),*),)
    });
    let first = &api.servers[0];
    let first_variant = ident(&first.name.rust);
    let default_expr = if first.variables.is_empty() {
        quote!(Self::#first_variant)
    } else {
        let inits = first.variables.iter().map(|var| {
            let f = ident(&var.name.rust);
            let d = &var.default;
            quote!(#f: #d.to_string())
        });
        quote!(Self::#first_variant { #(#inits),* })
    };
    let server_enum = quote! {
        /// The servers the spec lists (`servers`), as a typed choice; see
        /// [`Client::with_server`]. Any other URL works through [`Client::with_base_url`].
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub enum Server {
            #(#variants)*
        }

        impl Server {
            /// The base URL, with the variables substituted.
            pub fn url(&self) -> String {
                match self {
                    #(#url_arms)*
                }
            }
        }

        impl Default for Server {
            /// The first server, with its variables at their defaults.
            fn default() -> Self {
                #default_expr
            }
        }
    };
    let for_server = quote! {
        /// Sends requests to one of the spec's servers.
        pub fn with_server(self, server: Server) -> Self {
            self.with_base_url(server.url())
        }
    };
    (server_enum, for_server)
}

/// The setters of an OAuth2 / OpenID Connect scheme: any token provider, a fixed token, and
/// (for a `clientCredentials` flow) the built-in client-credentials provider.
fn oauth2_setters(
    s: &SecurityScheme,
    field: &proc_macro2::Ident,
    setter: &proc_macro2::Ident,
    token_url: Option<&str>,
) -> TokenStream {
    let wire = code_span(&s.name.wire);
    let provider_doc = doc_lines(&format!(
        "Sets where the OAuth2 tokens for security scheme {wire} come from (sent as \
         `Authorization: Bearer <token>`): any [`runtime::TokenProvider`], or a fixed token as a \
         [`runtime::Secret`]. Tokens are redacted from `Debug` output."
    ));
    let client_credentials = token_url.map(|url| {
        let cc = format_ident!("{}_client_credentials", setter);
        let doc = doc_lines(&format!(
            "Uses the OAuth2 client-credentials flow of {wire}: tokens are fetched from \
             {} (relative to the base URL when relative) with this client id and secret, \
             cached, and fetched again 30 s before they expire. Call it after \
             `with_base_url`.",
            code_span(url)
        ));
        quote! {
            #doc
            pub fn #cc(self, client_id: impl Into<String>, client_secret: impl Into<String>) -> Self {
                // A relative `tokenUrl` is relative to the server URL (OAS 3.0 §4.8.29).
                let token_url = ::reqwest::Url::parse(self.base_url())
                    .and_then(|base| base.join(#url))
                    .map(String::from)
                    .unwrap_or_else(|_| #url.to_string());
                self.#setter(runtime::ClientCredentials::new(token_url, client_id, client_secret))
            }
        }
    });
    quote! {
        #provider_doc
        pub fn #setter(mut self, provider: impl runtime::TokenProvider + 'static) -> Self {
            self.#field = Some(::std::sync::Arc::new(provider));
            self
        }

        #client_credentials
    }
}

/// True when the type mentions a generated type (so the client needs `use super::types`).
fn names_a_type(ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Named(_) | TypeRef::Boxed(_) => true,
        TypeRef::Array(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => {
            names_a_type(inner)
        }
        _ => false,
    }
}

fn status_pattern(status: StatusMatch) -> TokenStream {
    parse_source(&pattern_source(status))
}

/// A status pattern as Rust source, as prettyplease prints it (`200`, `400..=499`, `_`).
fn pattern_source(status: StatusMatch) -> String {
    match status {
        StatusMatch::Code(c) => c.to_string(),
        StatusMatch::Range(r) => format!("{}..={}", r * 100, r * 100 + 99),
        StatusMatch::Default => "_".to_string(),
    }
}

/// "Status 404: Not found" for a response's variant docs.
fn status_doc(r: &Response) -> String {
    let what = match r.status {
        StatusMatch::Code(c) => format!("Status {c}"),
        StatusMatch::Range(d) => format!("A {d}XX status"),
        StatusMatch::Default => "Any other status (`default`)".to_string(),
    };
    r.description
        .as_deref()
        .map(|d| format!("{what}: {}", crate::escape::doc_prose(d)))
        .unwrap_or(what)
}

/// The client methods of one operation, and the items they need beside `Client` (the
/// error and response enums; for a builder, the builder's types). An operation whose
/// success can be an event stream gets a streaming method too, or only that one.
fn emit_operation(
    api: &Api,
    op: &Operation,
    shared: Option<&SharedErrors<'_>>,
) -> (TokenStream, Option<TokenStream>) {
    let s = OperationSurface::of(api, op);
    let Some(events) = &s.events else {
        return emit_plain_operation(api, &s, shared);
    };
    let cfg = super::cfg_any(&api.feature_of(op));
    let stream = emit_events_method(api, op, events, &cfg, shared);
    if events.only {
        let error_enum = s.errors.as_ref().map(|e| error_items(&s, e, shared, &cfg));
        return (stream, error_enum);
    }
    let (method, items) = emit_plain_operation(api, &s, shared);
    (quote!(#method #stream), items)
}

/// The arguments of a method: its argument parameters, then the body.
fn argument_list(s: &OperationSurface<'_>) -> Vec<TokenStream> {
    s.arguments()
        .map(|p| {
            let arg = ident(&p.name);
            let ty = p.passed.tokens(Scope::Client);
            quote!(#arg: #ty)
        })
        .chain(s.body.as_ref().map(|b| {
            let ty = b.passed.tokens(Scope::Client);
            quote!(body: #ty)
        }))
        .collect()
}

/// The streaming method: every parameter an argument, returning a `runtime::EventCall`.
fn emit_events_method(
    api: &Api,
    op: &Operation,
    events: &EventsSurface,
    cfg: &TokenStream,
    shared: Option<&SharedErrors<'_>>,
) -> TokenStream {
    let s = OperationSurface::with_form(api, op, Form::Positional);
    let name = ident(&events.method);
    let item = events.item.tokens(Scope::Client);
    let error_type = s.error_type().tokens(Scope::Client);
    let args = argument_list(&s);
    let allow = (args.len() > 6).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    let doc = events_docs(api, &s, events);
    let body = emit_request_with(api, &s, Some(events), shared);
    quote! {
        #doc
        #cfg
        #allow
        pub fn #name(&self, #(#args),*) -> runtime::EventCall<'_, #item, #error_type> {
            #body
        }
    }
}

/// "`GET /path` (operation `id`)", for a method's documentation.
fn endpoint(op: &Operation) -> String {
    format!(
        "{} (operation {})",
        code_span(&format!("{} {}", op.method, op.path.raw)),
        code_span(&op.name.wire)
    )
}

/// The streaming method's documentation.
fn events_docs(api: &Api, s: &OperationSurface<'_>, events: &EventsSurface) -> TokenStream {
    let op = s.op;
    let mut docs = op.docs.clone();
    docs.notes.push(format!(
        "{}, reading the response as server-sent events (`text/event-stream`).",
        endpoint(op)
    ));
    if !events.only {
        let flag = match &events.flag {
            Some(f) => format!(", with {} set to `true` in the body", code_span(f)),
            None => String::new(),
        };
        docs.notes.push(format!(
            "The streaming form of [`Client::{}`]{flag}.",
            s.method
        ));
    }
    docs.notes.push(format!(
        "`.await` the returned [`runtime::EventCall`] for a [`runtime::EventStream`] (a \
         `futures::Stream`) of `{}`: one item per event, its `data` decoded as JSON; the \
         stream ends at the end of the body or at a `[DONE]` event. An event whose data does \
         not decode is an `Err(`[`runtime::Error::Decode`]`)` item and the stream goes on; a \
         broken connection or no event within the idle timeout ends it with an error item.",
        events.item
    ));
    if let Some(f) = api.feature_of(op) {
        docs.notes
            .push(format!("Needs the Cargo feature `{f}` (on by default)."));
    }
    docs.notes.push(
        "# Errors\n\nBefore the stream starts: [`runtime::Error::Api`] for a documented error \
         status (with its typed body), [`runtime::Error::UnexpectedStatus`] for any other status, \
         [`runtime::Error::Timeout`] when no response arrives in time, \
         [`runtime::Error::Transport`] when the request fails."
            .to_string(),
    );
    docs.notes
        .extend(super::example::section(api, s, Method::Events(events)));
    doc_attrs(&docs)
}

/// The method of one operation that is not a stream.
fn emit_plain_operation(
    api: &Api,
    s: &OperationSurface<'_>,
    shared: Option<&SharedErrors<'_>>,
) -> (TokenStream, Option<TokenStream>) {
    let op = s.op;
    let cfg = super::cfg_any(&api.feature_of(op));
    let name = ident(&s.method);
    let ok_type = s.success.tokens(Scope::Client);
    let error_type = s.error_type().tokens(Scope::Client);
    let response_enum = s.responses.as_ref().map(|e| {
        let doc = format!(
            "The success responses of [`Client::{}`], which differ by status.",
            s.method
        );
        emit_status_enum(e, &doc, &cfg, quote!(#[allow(clippy::large_enum_variant)]))
    });
    let error_enum = s.errors.as_ref().map(|e| error_items(s, e, shared, &cfg));
    let args = argument_list(s);
    let allow = (args.len() > 6).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    let Some(names) = &s.builder else {
        let method_tokens = {
            let doc = method_docs(api, s);
            let build_request = emit_request(api, s, shared);
            quote! {
                #doc
                #cfg
                #allow
                pub fn #name(&self, #(#args),*) -> runtime::Call<'_, #ok_type, #error_type> {
                    #build_request
                }
            }
        };
        let items = match (response_enum, error_enum) {
            (None, None) => None,
            (a, b) => Some(quote!(#a #b)),
        };
        return (method_tokens, items);
    };
    let doc = method_docs(api, s);
    let request_name = format_ident!("{}", names.request);
    let params_name = format_ident!("{}", names.params);
    let client = ident(&s.locals.client);
    let (generics, self_ref, out) = if names.borrows {
        (quote!(<'a>), quote!(&'a self), quote!('a))
    } else {
        (quote!(), quote!(&self), quote!('_))
    };
    let inits = s
        .params
        .iter()
        .map(|p| {
            let arg = ident(&p.name);
            match p.passing {
                Passing::Argument => quote!(#arg,),
                Passing::Setter(_) => quote!(#arg: None,),
            }
        })
        .chain(s.body.as_ref().map(|b| {
            if b.body.required && b.body.kind == BodyKind::Bytes {
                quote!(body: body.into(),)
            } else {
                quote!(body,)
            }
        }));
    let method_tokens = {
        quote! {
            #doc
            #cfg
            #allow
            pub fn #name #generics (#self_ref, #(#args),*) -> #request_name<#out> {
                runtime::Builder::new(
                    #params_name { #client: self, #(#inits)* },
                    #params_name::call,
                )
            }
        }
    };
    let builder = emit_builder(api, s, names, &cfg, shared);
    let items = quote! {
        #response_enum
        #error_enum
        #builder
    };
    (method_tokens, Some(items))
}

/// An error or response enum: one variant per documented status.
fn emit_status_enum(
    e: &StatusEnum<'_>,
    doc: &str,
    cfg: &TokenStream,
    allow: TokenStream,
) -> TokenStream {
    status_enum_tokens(e, doc, cfg, allow)
}

/// The tokens of [`emit_status_enum`].
fn status_enum_tokens(
    e: &StatusEnum<'_>,
    doc: &str,
    cfg: &TokenStream,
    allow: TokenStream,
) -> TokenStream {
    let doc = doc_lines(doc);
    let name = format_ident!("{}", e.name);
    let variants = e.variants.iter().map(|v| {
        let vdoc = doc_lines(&status_doc(v.response));
        let variant = variant_ident(v);
        match &v.payload {
            Some(t) => {
                let t = t.tokens(Scope::Client);
                quote!(#vdoc #variant(#t),)
            }
            None => quote!(#vdoc #variant,),
        }
    });
    let statuses = e.variants.iter().map(|v| {
        let variant = variant_ident(v);
        let pat = match v.payload {
            Some(_) => quote!(Self::#variant(_)),
            None => quote!(Self::#variant),
        };
        match v.response.status {
            StatusMatch::Code(c) => {
                let c = Literal::u16_unsuffixed(c);
                quote!(#pat => Some(#c),)
            }
            StatusMatch::Range(_) | StatusMatch::Default => quote!(#pat => None,),
        }
    });
    quote! {
        #doc
        #cfg
        #[derive(Debug, Clone, PartialEq)]
        #allow
        pub enum #name {
            #(#variants)*
        }

        #cfg
        impl #name {
            /// The status code this variant documents (`Some(404)` for `NotFound`); `None`
            /// for a range (`4XX`) or `default`, whose actual status is on the response
            /// (`runtime::Error::status`).
            pub fn status(&self) -> Option<u16> {
                match self {
                    #(#statuses)*
                }
            }
        }
    }
}

/// The method's documentation: the spec's, then the endpoint, the multipart fields, the
/// arguments, how to send the call, the feature and the errors.
fn method_docs(api: &Api, s: &OperationSurface<'_>) -> TokenStream {
    doc_lines(&method_doc_text(api, s))
}

/// The text of [`method_docs`].
fn method_doc_text(api: &Api, s: &OperationSurface<'_>) -> String {
    let op = s.op;
    let mut docs = op.docs.clone();
    docs.notes.push(format!("{}.", endpoint(op)));
    if let Some(Body {
        kind: BodyKind::Multipart(fields),
        ..
    }) = &op.body
    {
        let list: Vec<String> = fields
            .iter()
            .map(|f| {
                let what = if f.file {
                    "a file part"
                } else {
                    "a text field"
                };
                let req = if f.required { ", required" } else { "" };
                format!("{} ({what}{req})", code_span(&f.name))
            })
            .collect();
        docs.notes.push(format!(
            "The body is a `multipart/form-data` form: build it with [`runtime::Multipart`] \
             (`field` for text, `file` with a [`runtime::FilePart`] for files). The spec lists: {}.",
            if list.is_empty() { "no fields".to_string() } else { list.join(", ") }
        ));
    }
    for p in s.arguments() {
        if let Some(d) = &p.param.docs.description {
            docs.notes.push(format!(
                "- `{}`: {}",
                p.name,
                crate::escape::doc_prose(d).replace('\n', " ")
            ));
        }
    }
    match &s.builder {
        Some(names) => {
            let setters: Vec<String> = s.setters().map(|(_, n)| format!("`.{n}(…)`")).collect();
            let mut text = format!(
                "Returns a [`{}`]: set the optional parameters with its methods ({}), then \
                 `.await` it for the body, or `.raw().await` for the body with status and headers.",
                names.request,
                setters.join(", ")
            );
            if s.stream.is_some() {
                text.push_str(&format!(
                    " [`{}::stream`] walks every page instead.",
                    names.request
                ));
            }
            docs.notes.push(text);
        }
        None => docs.notes.push(
            "`.await` the returned [`runtime::Call`] for the body; `.raw().await` adds status and headers."
                .to_string(),
        ),
    }
    if let Some(f) = api.feature_of(op) {
        docs.notes
            .push(format!("Needs the Cargo feature `{f}` (on by default)."));
    }
    docs.notes.push(
        "# Errors\n\n[`runtime::Error::Api`] for a documented error status (with its typed body), \
         [`runtime::Error::UnexpectedStatus`] for any other status, [`runtime::Error::Decode`] when \
         a body does not match the spec, [`runtime::Error::Timeout`] when no response arrives in time, \
         [`runtime::Error::Transport`] when the request fails."
            .to_string(),
    );
    docs.notes
        .extend(super::example::section(api, s, Method::Plain));
    super::doc_text(&docs)
}

/// The method body: builds the `runtime::Request` (path, parameters, credentials, body) and
/// returns the `runtime::Call` that decodes the response.
fn emit_request(
    api: &Api,
    s: &OperationSurface<'_>,
    shared: Option<&SharedErrors<'_>>,
) -> TokenStream {
    emit_request_with(api, s, None, shared)
}

/// [`emit_request`], or for the streaming method the request for an event stream (the
/// body's flag set) returning a `runtime::EventCall`.
fn emit_request_with(
    api: &Api,
    s: &OperationSurface<'_>,
    events: Option<&EventsSurface>,
    shared: Option<&SharedErrors<'_>>,
) -> TokenStream {
    let op = s.op;
    let request = ident(&s.locals.request);
    let response = ident(&s.locals.response);
    let parts = RequestParts::of(api, s, events);
    // The client: `self` in a positional method, the builder's client field otherwise.
    let client: TokenStream = parse_source(&parts.client);
    let segments = parts
        .segments
        .iter()
        .map(|segment| parse_source(&segment.source()));
    let stmts = parts.stmts.iter().map(|stmt| parse_source(&stmt.source()));
    let method = format_ident!("{}", op.method.as_str());
    let template = &op.path.raw;
    let operation = &op.name.wire;
    let mutable = (!parts.stmts.is_empty()).then(|| quote!(mut));
    let head = quote! {
        let #mutable #request = runtime::Request::new(
            #operation,
            ::reqwest::Method::#method,
            #template,
            &[#(#segments),*],
        );
        #(#stmts)*
    };
    if let Some(events) = events {
        let item = events.item.tokens(Scope::Client);
        let errors = StatusArm::matching(error_arms(s, shared), &response);
        return quote! {
            #head
            runtime::EventCall::new(
                &#client.transport,
                #request,
                runtime::json_data::<#item>,
                |#response| #errors,
            )
        };
    }
    let outcome = StatusArm::matching(response_arms(s, shared), &response);
    quote! {
        #head
        runtime::Call::new(&#client.transport, #request, |#response| { #outcome })
    }
}

/// Tokens of Rust source that oagen wrote (identifiers, paths, calls and escaped literals,
/// so it always lexes); a `compile_error!` naming it otherwise.
fn parse_source(source: &str) -> TokenStream {
    source.parse().unwrap_or_else(|_| {
        let message = format!("oagen: not Rust: {source}");
        quote!(compile_error!(#message))
    })
}

/// A string literal for `text`, escaped as `quote` escapes it.
fn str_lit(text: &str) -> String {
    proc_macro2::Literal::string(text).to_string()
}

/// `name` as a Rust identifier in source text (`r#type` for a keyword).
fn ident_source(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 2);
    crate::surface::push_ident(&mut out, name);
    out
}

/// One statement of a request's setup, as Rust source.
enum Stmt {
    /// `{receiver}.{method}({args});`
    Call {
        receiver: String,
        method: &'static str,
        args: Vec<String>,
    },
    /// `if let {binding} {` the statement `}`.
    IfLet(String, Box<Stmt>),
}

impl Stmt {
    /// `request.{method}({args});` on the method's request.
    fn call(request: &str, method: &'static str, args: Vec<String>) -> Self {
        Stmt::Call {
            receiver: request.to_string(),
            method,
            args,
        }
    }

    /// The statement as Rust source.
    fn source(&self) -> String {
        match self {
            Stmt::Call {
                receiver,
                method,
                args,
            } => format!("{receiver}.{method}({});", args.join(", ")),
            Stmt::IfLet(binding, inner) => format!("if let {binding} {{ {} }}", inner.source()),
        }
    }
}

/// One segment of a request's path, as the `&str` expressions it is made of: a literal or
/// a parameter alone, or several (`microsoft.graph.f(period='{period}')`) joined with
/// `concat`.
struct Segment(Vec<String>);

impl Segment {
    /// The segment's expression as Rust source.
    fn source(&self) -> String {
        match self.0.as_slice() {
            [single] => single.clone(),
            many => format!("&[{}].concat()", many.join(", ")),
        }
    }
}

/// The parts of a request as Rust source (paths, calls and escaped literals), parsed into
/// tokens by [`emit_request_with`].
struct RequestParts {
    /// The client: `self` in a positional method, the builder's client field otherwise.
    client: String,
    /// Each path segment (a `&str` expression).
    segments: Vec<Segment>,
    /// The statements that set parameters, credentials and the body.
    stmts: Vec<Stmt>,
}

impl RequestParts {
    fn of(api: &Api, s: &OperationSurface<'_>, events: Option<&EventsSurface>) -> Self {
        let op = s.op;
        let mut lit = |text: &str| str_lit(text);
        let client = match s.form {
            Form::Positional => "self".to_string(),
            Form::Builder => ident_source(&s.locals.client),
        };
        let segments = op
            .path
            .segments
            .iter()
            .map(|parts| {
                let pieces: Vec<String> = parts
                    .iter()
                    .map(|part| match part {
                        PathPart::Literal(text) => lit(text),
                        PathPart::Param(id) => {
                            let param = op.param(*id);
                            let arg = s
                                .params
                                .iter()
                                .find(|p| param.is_some_and(|param| std::ptr::eq(p.param, param)));
                            match arg {
                                Some(p) if parts.len() == 1 => {
                                    format!("&runtime::param(&{})", ident_source(&p.name))
                                }
                                Some(p) => {
                                    format!("runtime::param(&{}).as_str()", ident_source(&p.name))
                                }
                                None => {
                                    let message = format!("oagen: no path parameter #{}", id.0);
                                    format!("compile_error!({})", str_lit(&message))
                                }
                            }
                        }
                    })
                    .collect();
                Segment(pieces)
            })
            .collect();
        let request = &ident_source(&s.locals.request);
        let mut stmts = param_statements(s, &mut lit);
        stmts.extend(credential_statements(api, s, &client, &mut lit));
        if let Some(b) = &s.body {
            let flag = events.and_then(|e| e.flag.as_deref());
            let content_type = lit(&b.body.content_type);
            let (method, args) = match (&b.body.kind, flag) {
                (BodyKind::Json(_), Some(flag)) => {
                    ("json_streaming", vec!["body".to_string(), lit(flag)])
                }
                (BodyKind::Json(_), None) => ("json", vec!["body".to_string()]),
                (BodyKind::Form(_), _) => ("form", vec!["body".to_string()]),
                (BodyKind::Multipart(_), _) => ("multipart", vec!["body".to_string()]),
                (BodyKind::Text, _) => ("text", vec![content_type, "body".to_string()]),
                (BodyKind::Bytes, _) => ("bytes", vec![content_type, "body".to_string()]),
                (BodyKind::Empty, _) => ("", Vec::new()),
            };
            if !method.is_empty() {
                let call = Stmt::call(request, method, args);
                stmts.push(if b.body.required {
                    call
                } else {
                    Stmt::IfLet("Some(body) = body".to_string(), Box::new(call))
                });
            }
        }
        if let Some(header) = &op.idempotency_key {
            stmts.push(Stmt::call(request, "idempotency_key", vec![lit(header)]));
        }
        RequestParts {
            client,
            segments,
            stmts,
        }
    }
}

/// One statement per query, header and cookie parameter (optional ones when set).
fn param_statements(s: &OperationSurface<'_>, lit: &mut impl FnMut(&str) -> String) -> Vec<Stmt> {
    let request = ident_source(&s.locals.request);
    let mut stmts = Vec::new();
    for p in &s.params {
        let arg = ident_source(&p.name);
        let wire = lit(&p.param.name.wire);
        // Required parameters are read from the argument, optional ones from the local.
        let value = if p.param.required {
            arg.clone()
        } else {
            ident_source(&s.locals.value)
        };
        let (method, args) = match p.param.location {
            ParamLocation::Path => continue,
            ParamLocation::Cookie => ("cookie", vec![wire, format!("&{value}")]),
            ParamLocation::Header => ("header", vec![wire, format!("&{value}")]),
            ParamLocation::Query => {
                let style = match (p.param.style, p.param.explode) {
                    (Some(ParamStyle::DeepObject), _) => "DeepObject",
                    (Some(ParamStyle::SpaceDelimited), _) => "SpaceDelimited",
                    (Some(ParamStyle::PipeDelimited), _) => "PipeDelimited",
                    (_, Some(false)) => "Form",
                    _ => "FormExploded",
                };
                let style = format!("runtime::QueryStyle::{style}");
                ("query_styled", vec![wire, format!("&{value}"), style])
            }
        };
        let call = Stmt::call(&request, method, args);
        stmts.push(if p.param.required {
            call
        } else {
            Stmt::IfLet(format!("Some({value}) = {arg}"), Box::new(call))
        });
    }
    stmts
}

/// One statement per security scheme of the operation: its credential, when the client
/// has one.
fn credential_statements(
    api: &Api,
    s: &OperationSurface<'_>,
    client: &str,
    lit: &mut impl FnMut(&str) -> String,
) -> Vec<Stmt> {
    let credential = ident_source(&s.locals.credential);
    let request = &ident_source(&s.locals.request);
    s.op.security
        .iter()
        .filter_map(|&i| api.security_schemes.get(i))
        .filter_map(|scheme| {
            let field = ident_source(&scheme.name.rust);
            let (method, args) = match &scheme.kind {
                SecurityKind::Http { scheme } => {
                    ("authorization", vec![lit(scheme), credential.clone()])
                }
                SecurityKind::ApiKeyHeader { name } => {
                    ("secret_header", vec![lit(name), credential.clone()])
                }
                SecurityKind::ApiKeyQuery { name } => {
                    ("secret_query", vec![lit(name), credential.clone()])
                }
                SecurityKind::HttpBasic => ("basic_auth", vec![credential.clone()]),
                SecurityKind::ApiKeyCookie { name } => {
                    ("secret_cookie", vec![lit(name), credential.clone()])
                }
                SecurityKind::OAuth2 { .. } => ("bearer_from", vec![credential.clone()]),
                SecurityKind::Unsupported => return None,
            };
            let call = Stmt::call(request, method, args);
            let binding = format!("Some({credential}) = &{client}.{field}");
            Some(Stmt::IfLet(binding, Box::new(call)))
        })
        .collect()
}

/// The arms of the `match` on the response status: decode a success, an error variant, or
/// an unexpected status.
fn response_arms(s: &OperationSurface<'_>, shared: Option<&SharedErrors<'_>>) -> Vec<StatusArm> {
    let op = s.op;
    let response = &ident_source(&s.locals.response);
    let successes = op.successes();
    let mut arms = Vec::new();
    match &s.responses {
        Some(e) => {
            let name = &e.name;
            for v in &e.variants {
                let variant = &v.name;
                let expr = match &v.response.kind {
                    BodyKind::Json(_) => format!("{response}.json().map({name}::{variant})"),
                    BodyKind::Empty => {
                        format!("{response}.empty().map(|()| {name}::{variant})")
                    }
                    _ => format!("{response}.bytes().map({name}::{variant})"),
                };
                arms.push(StatusArm::new(v.response.status, expr));
            }
        }
        None => {
            let success = op.success();
            for r in &successes {
                let expr = match (&success, &r.kind) {
                    (Success::Bytes, _) => format!("{response}.bytes()"),
                    (Success::Text, _) => format!("{response}.text()"),
                    (Success::Unit, _) => format!("{response}.empty()"),
                    (Success::OptionalJson(_), BodyKind::Empty) => "Ok(None)".to_string(),
                    (Success::OptionalJson(_), _) => format!("{response}.json().map(Some)"),
                    _ => format!("{response}.json()"),
                };
                arms.push(StatusArm::new(r.status, expr));
            }
        }
    }
    if successes.is_empty() {
        arms.push(StatusArm::new(
            StatusMatch::Range(2),
            format!("{response}.empty()"),
        ));
    }
    arms.extend(error_arms(s, shared));
    StatusArm::order(&mut arms);
    arms
}

/// The arms of the status `match` for the documented error statuses, then (unless the
/// spec documents `default`) every other status as unexpected. An operation whose errors
/// are the API's shared enum names that enum (its own error type is an alias of it).
fn error_arms(s: &OperationSurface<'_>, shared: Option<&SharedErrors<'_>>) -> Vec<StatusArm> {
    let op = s.op;
    let response = &ident_source(&s.locals.response);
    let mut arms = Vec::new();
    if let Some(e) = &s.errors {
        let name = match shared {
            Some(shared) if shared.is(e) => &shared.errors.name,
            _ => &e.name,
        };
        for v in &e.variants {
            let decode = match &v.response.kind {
                BodyKind::Json(_) => "error_json",
                BodyKind::Empty => "error_empty",
                _ => "error_bytes",
            };
            arms.push(StatusArm::new(
                v.response.status,
                format!("Err({response}.{decode}({name}::{}))", v.name),
            ));
        }
    }
    if !op
        .responses
        .iter()
        .any(|r| r.status == StatusMatch::Default)
    {
        arms.push(StatusArm::new(
            StatusMatch::Default,
            format!("Err({response}.unexpected())"),
        ));
    }
    StatusArm::order(&mut arms);
    arms
}

/// One arm of a status `match`: the status it matches and its expression, written as Rust
/// (one description for the token and the text paths; a handful of identifiers, calls and
/// paths).
struct StatusArm {
    status: StatusMatch,
    expr: String,
}

impl StatusArm {
    fn new(status: StatusMatch, expr: String) -> Self {
        StatusArm { status, expr }
    }

    /// The expression's tokens.
    fn tokens(&self) -> TokenStream {
        parse_source(&self.expr)
    }

    /// Puts exact codes before ranges (`4XX`) and `default` (`_`) last, keeping the order
    /// within each kind, so that no arm is unreachable whatever the spec's order of
    /// successes and errors (a `default` success with a documented 400).
    fn order(arms: &mut [StatusArm]) {
        arms.sort_by_key(|a| match a.status {
            StatusMatch::Code(_) => 0,
            StatusMatch::Range(_) => 1,
            StatusMatch::Default => 2,
        });
    }

    /// The `match` on `response`'s status over `arms`; a lone `_` arm is its expression
    /// alone (clippy's `match_single_binding`).
    fn matching(arms: Vec<StatusArm>, response: &proc_macro2::Ident) -> TokenStream {
        if let [only] = arms.as_slice() {
            if only.status == StatusMatch::Default {
                return only.tokens();
            }
        }
        let arms = arms.iter().map(|arm| {
            let pat = status_pattern(arm.status);
            let expr = arm.tokens();
            quote!(#pat => #expr,)
        });
        quote!(match #response.status().as_u16() { #(#arms)* })
    }
}

/// A builder's items: the `runtime::Builder` alias, the struct of its parameters with the
/// function that sends them, and the setters (and `.stream()`).
fn emit_builder(
    api: &Api,
    s: &OperationSurface<'_>,
    names: &BuilderNames,
    cfg: &TokenStream,
    shared: Option<&SharedErrors<'_>>,
) -> TokenStream {
    let request_name = format_ident!("{}", names.request);
    let params_name = format_ident!("{}", names.params);
    let client = ident(&s.locals.client);
    let ok_type = s.success.tokens(Scope::Client);
    let error_type = s.error_type().tokens(Scope::Client);
    let fields = s
        .params
        .iter()
        .map(|p| (ident(&p.name), p.field.tokens(Scope::Client)))
        .chain(
            s.body
                .as_ref()
                .map(|b| (ident("body"), b.field.tokens(Scope::Client))),
        )
        .map(|(name, ty)| quote!(#name: #ty,));
    let destructure = s
        .params
        .iter()
        .map(|p| ident(&p.name))
        .chain(s.body.as_ref().map(|_| ident("body")));
    let setters = s.setters().map(|(p, setter)| emit_setter(p, setter));
    let stream = s
        .stream
        .as_ref()
        .map(|pages| emit_stream(pages, &error_type));
    let call = {
        let build_request = emit_request(api, s, shared);
        quote! {
            fn call(self) -> runtime::Call<'a, #ok_type, #error_type> {
                let #params_name { #client, #(#destructure),* } = self;
                #build_request
            }
        }
    };
    let request_doc = format!(
        "A prepared [`Client::{}`] call: its methods set the optional parameters (each once; \
         a later call replaces the value), the [`runtime::Builder`] methods set per-call options; \
         `.await` it to send it.",
        s.method
    );
    let params_doc = format!("The parameters of a [`{request_name}`] (set through its methods).");
    let alias = {
        let doc = doc_lines(&request_doc);
        quote! {
            #doc
            #cfg
            pub type #request_name<'a> = runtime::Builder<'a, #params_name<'a>, #ok_type, #error_type>;
        }
    };
    let params_struct = {
        let doc = doc_lines(&params_doc);
        quote! {
            #doc
            #cfg
            #[derive(Debug, Clone)]
            pub struct #params_name<'a> {
                #client: &'a Client,
                #(#fields)*
            }
        }
    };
    quote! {
        #alias
        #params_struct

        #cfg
        impl<'a> #params_name<'a> {
            #call
        }

        #cfg
        impl<'a> #request_name<'a> {
            #(#setters)*
            #stream
        }
    }
}

/// The setter of a builder's optional parameter.
fn emit_setter(p: &ParamSurface<'_>, setter: &str) -> TokenStream {
    let location = match p.param.location {
        ParamLocation::Query => "query",
        ParamLocation::Header => "header",
        ParamLocation::Cookie => "cookie",
        ParamLocation::Path => "path",
    };
    let mut text = format!(
        "Sets the {location} parameter {}.",
        code_span(&p.param.name.wire)
    );
    if let Some(d) = &p.param.docs.description {
        text = format!("{}\n\n{text}", crate::escape::doc_prose(d));
    }
    {
        let field = ident(&p.name);
        let setter = ident(setter);
        let arg_ty = p.passed.tokens(Scope::Client);
        let value = match &p.passed {
            RustType::Into(_) => quote!(#field.into()),
            _ => quote!(#field),
        };
        let doc = doc_lines(&text);
        quote! {
            #doc
            pub fn #setter(mut self, #field: #arg_ty) -> Self {
                self.params_mut().#field = Some(#value);
                self
            }
        }
    }
}

/// How a struct field reads as an `Option` of its value: `Some(x)` for a required one, as is
/// for an optional or nullable one, flattened for an optional nullable one.
fn as_option(f: &Field, expr: TokenStream) -> TokenStream {
    match (f.required, f.nullable) {
        (true, false) => quote!(Some(#expr)),
        _ if f.tri_state() => quote!(#expr.flatten()),
        _ => expr,
    }
}

/// The `set` function of a cursor list: the cursor goes into the (optional) parameter.
fn token_setter(p: &Param) -> TokenStream {
    let field = ident(&p.name.rust);
    quote!(|params, position| {
        if let runtime::Position::Token(cursor) = position {
            params.#field = Some(cursor);
        }
    })
}

/// How a `.stream()` walks the pages: the first position, the function that puts a
/// position into the parameters, the function that splits a page into its items and the
/// next position, and the documentation of the rule.
struct Walk {
    start: TokenStream,
    set: TokenStream,
    split: TokenStream,
    what: String,
}

/// `.stream()` on a list operation's builder: the items of every page, fetched lazily.
fn emit_stream(pages: &Pages<'_>, error_type: &TokenStream) -> TokenStream {
    let item_type = pages.item.tokens(Scope::Client);
    let items = match pages.items {
        Some(f) => {
            let f = ident(&f.name.rust);
            quote!(body.#f)
        }
        None => quote!(body),
    };
    let mut walk = match &pages.kind {
        PagesKind::Page { param, first, end } => page_walk(param, *first, end, &items),
        PagesKind::Cursor {
            param,
            next,
            has_more,
        } => cursor_walk(param, next, *has_more, &items),
        PagesKind::LastItem {
            param,
            item_field,
            has_more,
        } => {
            let id = ident(&item_field.name.rust);
            let h = ident(&has_more.name.rust);
            Walk {
                start: quote!(None),
                set: token_setter(param),
                split: quote! {
                    let body = page.into_body();
                    let items = #items;
                    let next = match items.last() {
                        Some(last) if body.#h => runtime::Next::Token(last.#id.clone()),
                        _ => runtime::Next::End,
                    };
                    (items, next)
                },
                what: format!(
                    "The query parameter `{}` takes the `{}` of the last item read; the \
                     stream ends after the page whose `{}` is false.",
                    param.name.wire, item_field.name.wire, has_more.name.wire
                ),
            }
        }
        PagesKind::Link => Walk {
            start: quote!(None),
            set: quote!(|_, _| {}),
            split: quote! {
                let next = runtime::next_link(&page.headers)
                    .map_or(runtime::Next::End, runtime::Next::Url);
                let body = page.into_body();
                (#items, next)
            },
            what: "Each next page is the `rel=\"next\"` URL of the previous page's `Link` header \
                   (followed only on the base URL's origin); the stream ends when there is none."
                .to_string(),
        },
    };
    walk.what
        .push_str(" An empty page also ends it, and an error is yielded once and ends it.");
    let doc = format!(
        "Every item of the list, page after page: a stream that sends this request (with the \
         parameters set so far) and fetches the next page when the items read so far run out.\n\n{}",
        walk.what
    );
    let Walk {
        start, set, split, ..
    } = walk;
    {
        let doc = doc_lines(&doc);
        quote! {
            #doc
            pub fn stream(self) -> runtime::Items<'a, #item_type, #error_type> {
                let start = #start;
                self.paginate(
                    start,
                    #set,
                    |page| {
                        #split
                    },
                )
            }
        }
    }
}

/// Numbered pages: from the parameter's value (or the first number), until the end rule.
fn page_walk(p: &Param, first: i64, end: &PagesEnd<'_>, items: &TokenStream) -> Walk {
    let field = ident(&p.name.rust);
    let first_lit = Literal::i64_unsuffixed(first);
    let current = if p.required {
        quote!(Some(self.params().#field))
    } else {
        quote!(self.params().#field)
    };
    let start = match p.ty {
        TypeRef::Integer(IntKind::I64) => quote!(Some(#current.unwrap_or(#first_lit))),
        TypeRef::Integer(IntKind::U64) => {
            quote!(Some(#current.and_then(|n| i64::try_from(n).ok()).unwrap_or(#first_lit)))
        }
        _ => quote!(Some(#current.map(i64::from).unwrap_or(#first_lit))),
    };
    let value = if matches!(p.ty, TypeRef::Integer(IntKind::I64)) {
        quote!(n)
    } else {
        quote!(n.try_into().unwrap_or_default())
    };
    let assign = if p.required {
        quote!(params.#field = #value)
    } else {
        quote!(params.#field = Some(#value))
    };
    let set = quote!(|params, position| {
        if let runtime::Position::Page(n) = position {
            #assign;
        }
    });
    let (next, until) = match end {
        PagesEnd::HasMore(h) => {
            let h = ident(&h.name.rust);
            (
                quote!(if body.#h { runtime::Next::Page } else { runtime::Next::End }),
                format!("`{}` is false", h),
            )
        }
        PagesEnd::Total(f) => {
            let t_ident = ident(&f.name.rust);
            let total = if matches!(f.ty, TypeRef::Integer(IntKind::U64)) {
                quote!(body.#t_ident)
            } else {
                quote!(u64::try_from(body.#t_ident).unwrap_or(0))
            };
            (
                quote!(runtime::Next::Total(#total)),
                format!("{} items were read", code_span(&f.name.wire)),
            )
        }
        PagesEnd::EmptyPage => (quote!(runtime::Next::Page), "a page is empty".into()),
    };
    Walk {
        start,
        set,
        split: quote! {
            let body = page.into_body();
            let next = #next;
            (#items, next)
        },
        what: format!(
            "The integer query parameter `{}` numbers the pages (from {first} unless set); \
             the stream ends when {until}.",
            p.name.wire
        ),
    }
}

/// A cursor from the page (one property, or a property of an object property).
fn cursor_walk(p: &Param, next: &[&Field], has_more: Option<&Field>, items: &TokenStream) -> Walk {
    let cursor = match next {
        [outer, inner] => {
            let outer_ident = ident(&outer.name.rust);
            let inner_ident = ident(&inner.name.rust);
            let outer_opt = as_option(outer, quote!(body.#outer_ident));
            let inner_opt = as_option(inner, quote!(outer.#inner_ident));
            quote!(#outer_opt.and_then(|outer| #inner_opt))
        }
        [outer, ..] => {
            let outer_ident = ident(&outer.name.rust);
            as_option(outer, quote!(body.#outer_ident))
        }
        [] => quote!(None::<String>),
    };
    let (more, guard) = match has_more {
        Some(h) => {
            let h = ident(&h.name.rust);
            (quote!(let more = body.#h;), quote!(more &&))
        }
        None => (quote!(), quote!()),
    };
    let path: Vec<&str> = next.iter().map(|f| f.name.wire.as_str()).collect();
    Walk {
        start: quote!(None),
        set: token_setter(p),
        split: quote! {
            let body = page.into_body();
            #more
            let next = match #cursor {
                Some(cursor) if #guard !cursor.is_empty() => runtime::Next::Token(cursor),
                _ => runtime::Next::End,
            };
            (#items, next)
        },
        what: format!(
            "The query parameter `{}` takes the cursor that the previous page gave in `{}`; \
             the stream ends when there is none.",
            p.name.wire,
            path.join(".")
        ),
    }
}
