//! The `client` module: an async `Client` with one method per operation, and one enum of
//! documented error responses per operation that has any.

use super::{doc_attrs, doc_lines, ident, rust_type, Scope};
use crate::ir::*;
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

pub(super) fn emit_client(api: &Api) -> TokenStream {
    let default_base = api
        .servers
        .first()
        .map(Server::default_url)
        .unwrap_or_default();
    let (server_enum, for_server) = emit_servers(api);
    let title = api.title.replace('\n', " ");
    let module_doc = format!(" HTTP client for {title} {}.", api.version);
    let client_doc = doc_lines(&format!(
        "Async client for {title} {}.\n\n\
         Cheap to clone (the connection pool is shared). Every method prepares one request and returns a \
         [`runtime::Call`]: `.await` it for the typed success body, or call `.raw().await` for the body \
         with its status and headers; `.timeout(…)`, `.retry(…)`, `.header(…)` and `.query(…)` before that \
         apply to that call only. Failures are a [`runtime::Error`]: the typed body of a documented error \
         status, the raw status and body of an undocumented one, a body that did not decode, a timeout \
         or the transport failure.",
        api.version
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
    let credential_setters = api.security_schemes.iter().map(|s| {
        let field = ident(&s.name.rust);
        let setter = format_ident!("with_{}", s.name.rust);
        let how = match &s.kind {
            SecurityKind::Http { scheme } => format!("sent as `Authorization: {scheme} <credential>`"),
            SecurityKind::HttpBasic => "`user:password`, sent as `Authorization: Basic <base64>`".to_string(),
            SecurityKind::ApiKeyHeader { name } => format!("sent in the `{name}` header"),
            SecurityKind::ApiKeyQuery { name } => format!("sent as the `{name}` query parameter"),
            SecurityKind::ApiKeyCookie { name } => format!("sent as the `{name}` cookie"),
            SecurityKind::OAuth2 { token_url, .. } => {
                return oauth2_setters(s, &field, &setter, token_url.as_deref());
            }
            SecurityKind::Unsupported => "not sent: oagen does not support this scheme type yet".to_string(),
        };
        let mut text = format!(
            "Sets the credential for security scheme `{}` ({how}) on the operations that use it.\n\nThe credential is redacted from `Debug` output.",
            s.name.wire
        );
        if let Some(d) = &s.description {
            text = format!("{}\n\n{text}", super::sanitize_doc(d));
        }
        let doc = doc_lines(&text);
        quote! {
            #doc
            pub fn #setter(mut self, credential: impl Into<String>) -> Self {
                self.#field = Some(runtime::Secret::new(credential));
                self
            }
        }
    });

    let uses_types = api.operations.iter().any(|op| {
        op.params.iter().any(|p| names_a_type(&p.ty))
            || op.body.iter().any(
                |b| matches!(&b.kind, BodyKind::Json(t) | BodyKind::Form(t) if names_a_type(t)),
            )
            || op
                .responses
                .iter()
                .any(|r| matches!(&r.kind, BodyKind::Json(t) if names_a_type(t)))
    });
    let use_types = uses_types.then(|| quote! { use super::types; });
    // With features per tag, a build with few features leaves imports and credential
    // fields unused.
    let allow_partial = api
        .settings
        .tag_features
        .is_some()
        .then(|| quote!(#![allow(dead_code, unused_imports)]));
    let mut error_enums = Vec::new();
    let methods: Vec<TokenStream> = api
        .operations
        .iter()
        .map(|op| {
            let (method, items) = emit_operation(api, op);
            error_enums.extend(items);
            method
        })
        .collect();

    quote! {
        #![doc = #module_doc]
        // Errors keep status, headers and body inline (see `runtime::Error`).
        #![allow(clippy::result_large_err)]
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

            /// A client for [`Client::DEFAULT_BASE_URL`].
            pub fn new() -> Self {
                Self::with_base_url(Self::DEFAULT_BASE_URL)
            }

            /// A client for another server (a staging environment, a mock); `base_url` is an
            /// absolute URL, to which each operation's path is appended.
            pub fn with_base_url(base_url: impl Into<String>) -> Self {
                Client {
                    transport: runtime::Transport::new(base_url),
                    #(#credential_inits)*
                }
            }

            /// Uses a configured `reqwest::Client` (proxies, TLS settings, its own connect
            /// timeout). The total timeout and retry policy still come from this client.
            pub fn with_http_client(mut self, http: ::reqwest::Client) -> Self {
                self.transport.set_http_client(http);
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

            /// The base URL requests go to.
            pub fn base_url(&self) -> &str {
                self.transport.base_url()
            }

            /// Base URL, HTTP client, timeouts and retry policy.
            pub fn transport(&self) -> &runtime::Transport {
                &self.transport
            }

            #for_server

            #(#credential_setters)*

            #(#methods)*
        }

        #server_enum

        #(#error_enums)*
    }
}

/// The `Server` enum (a typed choice among the spec's `servers`, with their variables) and
/// `Client::for_server`, when the spec offers a choice: several servers, or variables.
fn emit_servers(api: &Api) -> (TokenStream, TokenStream) {
    let choice = api.servers.len() > 1 || api.servers.iter().any(|s| !s.variables.is_empty());
    if !choice {
        return (quote!(), quote!());
    }
    let variants = api.servers.iter().map(|s| {
        let v = ident(&s.name.rust);
        let mut text = format!("`{}`", s.url.replace('`', "'"));
        if let Some(d) = &s.description {
            text = format!("{}: {text}", super::sanitize_doc(d));
        }
        let doc = doc_lines(&text);
        if s.variables.is_empty() {
            return quote!(#doc #v,);
        }
        let fields = s.variables.iter().map(|var| {
            let f = ident(&var.name.rust);
            let mut text = format!("`{{{}}}`, default `{}`", var.name.wire, var.default);
            if !var.values.is_empty() {
                text.push_str(&format!(
                    "; one of {}",
                    var.values
                        .iter()
                        .map(|v| format!("`{v}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            if let Some(d) = &var.description {
                text = format!("{}\n\n{text}", super::sanitize_doc(d));
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
        // Build `format!` from the template: `{var}` → `{}`, other braces escaped.
        let mut fmt = String::new();
        let mut args = Vec::new();
        let mut rest = s.url.as_str();
        while let Some(start) = rest.find('{') {
            fmt.push_str(&rest[..start].replace('}', "}}"));
            let after = &rest[start + 1..];
            match after.find('}') {
                Some(end) if s.variables.iter().any(|var| var.name.wire == after[..end]) => {
                    let var = s.variables.iter().find(|var| var.name.wire == after[..end]);
                    if let Some(var) = var {
                        args.push(ident(&var.name.rust));
                    }
                    fmt.push_str("{}");
                    rest = &after[end + 1..];
                }
                _ => {
                    fmt.push_str("{{");
                    rest = after;
                }
            }
        }
        fmt.push_str(&rest.replace('}', "}}"));
        let names = s.variables.iter().map(|var| ident(&var.name.rust));
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
        /// [`Client::for_server`]. Any other URL works through [`Client::with_base_url`].
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
        /// A client for one of the spec's servers.
        pub fn for_server(server: Server) -> Self {
            Self::with_base_url(server.url())
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
    let wire = s.name.wire.replace('`', "'");
    let provider_doc = doc_lines(&format!(
        "Sets where the OAuth2 tokens for security scheme `{wire}` come from (sent as \
         `Authorization: Bearer <token>`): any [`runtime::TokenProvider`], or a fixed token as a \
         [`runtime::Secret`]. Tokens are redacted from `Debug` output."
    ));
    let client_credentials = token_url.map(|url| {
        let cc = format_ident!("{}_client_credentials", setter);
        let doc = doc_lines(&format!(
            "Uses the OAuth2 client-credentials flow of `{wire}`: tokens are fetched from \
             `{}` (relative to the base URL when relative) with this client id and secret, \
             cached, and fetched again 30 s before they expire. Call it after \
             `with_base_url`.",
            url.replace('`', "'")
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

/// How an argument is passed.
enum Pass {
    Str,
    Copy,
    Ref,
    Slice,
}

fn pass_of(api: &Api, ty: &TypeRef) -> Pass {
    match ty {
        TypeRef::String => Pass::Str,
        TypeRef::Integer(_)
        | TypeRef::Number
        | TypeRef::Boolean
        | TypeRef::Uuid
        | TypeRef::DateTime
        | TypeRef::Date => Pass::Copy,
        TypeRef::Named(id) if matches!(api.resolve_kind(&api.types[id.0]), TypeKind::Enum(_)) => {
            Pass::Copy
        }
        TypeRef::Array(_) => Pass::Slice,
        TypeRef::Nullable(inner) => pass_of(api, inner),
        _ => Pass::Ref,
    }
}

/// The argument type, with `lifetime` on its reference when given.
fn arg_type_in(api: &Api, ty: &TypeRef, lifetime: Option<&TokenStream>) -> TokenStream {
    let ty = match ty {
        TypeRef::Nullable(inner) => inner,
        other => other,
    };
    match pass_of(api, ty) {
        Pass::Str => quote!(&#lifetime str),
        Pass::Copy => rust_type(api, ty, Scope::Client),
        Pass::Ref => {
            let t = rust_type(api, ty, Scope::Client);
            quote!(&#lifetime #t)
        }
        Pass::Slice => {
            let TypeRef::Array(inner) = ty else {
                unreachable!("Pass::Slice is only chosen for arrays")
            };
            let t = rust_type(api, inner, Scope::Client);
            quote!(&#lifetime [#t])
        }
    }
}

/// Path, then required, then optional parameters: the argument order of every method.
fn sorted_params(op: &Operation) -> Vec<&Param> {
    let mut params: Vec<&Param> = op.params.iter().collect();
    params.sort_by_key(|p| (p.location != ParamLocation::Path, !p.required));
    params
}

fn status_pattern(status: StatusMatch) -> TokenStream {
    match status {
        StatusMatch::Code(c) => {
            let c = Literal::u16_unsuffixed(c);
            quote!(#c)
        }
        StatusMatch::Range(r) => {
            let lo = Literal::u16_unsuffixed(r * 100);
            let hi = Literal::u16_unsuffixed(r * 100 + 99);
            quote!(#lo..=#hi)
        }
        StatusMatch::Default => quote!(_),
    }
}

fn variant_for(status: StatusMatch) -> proc_macro2::Ident {
    match status {
        StatusMatch::Code(c) => format_ident!("Status{}", c),
        StatusMatch::Range(r) => format_ident!("Status{}xx", r),
        StatusMatch::Default => format_ident!("Default"),
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
        .map(|d| format!("{what}: {}", super::sanitize_doc(d)))
        .unwrap_or(what)
}

/// Operations with at least this many optional parameters get a request builder.
const BUILDER_OPTIONAL_PARAMS: usize = 3;

/// The builder form (`client.op(required…).optional(…).await`) is used for list
/// operations and for operations with [`BUILDER_OPTIONAL_PARAMS`] optional parameters or
/// more; the others take every parameter positionally.
pub(crate) fn uses_builder(op: &Operation) -> bool {
    op.pagination.is_some()
        || op.params.iter().filter(|p| !p.required).count() >= BUILDER_OPTIONAL_PARAMS
}

/// The methods every `runtime::Builder` has, which a parameter setter must not shadow.
const BUILDER_METHODS: &[&str] = &[
    "new",
    "params",
    "params_mut",
    "header",
    "query",
    "timeout",
    "retry",
    "options",
    "call",
    "raw",
    "send",
    "paginate",
    "stream",
    "into_future",
    "clone",
    "fmt",
];

/// The type a builder keeps an optional parameter in: owned, so that a list's cursor can
/// be set from a page.
fn owned_type(api: &Api, ty: &TypeRef) -> TokenStream {
    let ty = match ty {
        TypeRef::Nullable(inner) => inner,
        other => other,
    };
    match ty {
        TypeRef::String => quote!(String),
        other => rust_type(api, other, Scope::Client),
    }
}

fn emit_operation(api: &Api, op: &Operation) -> (TokenStream, Option<TokenStream>) {
    let name = ident(&op.name.rust);
    let type_base = crate::naming::type_name(&op.name.rust, "Operation");
    let error_name = format_ident!("{}Error", type_base);
    let response_name = format_ident!("{}Response", type_base);
    let builder = uses_builder(op);
    let feature = api.feature_of(op);
    let cfg = super::cfg_any(&feature);
    let lifetime = quote!('a);
    let lt = builder.then_some(&lifetime);

    // Arguments: path, then required, then optional parameters; then the body. A builder
    // takes only the required ones (and the body) as arguments.
    let mut args = Vec::new();
    // Builder only: the fields of the parameters struct, and their initial values.
    let mut fields = Vec::new();
    let mut inits = Vec::new();
    let params = sorted_params(op);
    let mut by_ref = false;
    for p in &params {
        let arg = ident(&p.name.rust);
        let ty = arg_type_in(api, &p.ty, lt);
        if p.required {
            by_ref |= !matches!(pass_of(api, &p.ty), Pass::Copy);
            args.push(quote!(#arg: #ty));
            fields.push(quote!(#arg: #ty,));
            inits.push(quote!(#arg,));
        } else if builder {
            let owned = owned_type(api, &p.ty);
            fields.push(quote!(#arg: Option<#owned>,));
            inits.push(quote!(#arg: None,));
        } else {
            args.push(quote!(#arg: Option<#ty>));
        }
    }
    let mut body_stmt = quote!();
    if let Some(body) = &op.body {
        let (ty, call) = match &body.kind {
            BodyKind::Json(ty) => {
                let t = rust_type(api, ty, Scope::Client);
                (quote!(&#lt #t), quote!(json(body)))
            }
            BodyKind::Form(ty) => {
                let t = rust_type(api, ty, Scope::Client);
                (quote!(&#lt #t), quote!(form(body)))
            }
            BodyKind::Multipart(_) => (quote!(&#lt runtime::Multipart), quote!(multipart(body))),
            BodyKind::Text => {
                let ct = &body.content_type;
                (quote!(&#lt str), quote!(text(#ct, body)))
            }
            BodyKind::Bytes => {
                let ct = &body.content_type;
                (quote!(runtime::Bytes), quote!(bytes(#ct, body)))
            }
            BodyKind::Empty => (quote!(), quote!()),
        };
        if !ty.is_empty() {
            let bytes = matches!(body.kind, BodyKind::Bytes);
            by_ref |= !bytes;
            let field_ty = if body.required {
                ty.clone()
            } else {
                quote!(Option<#ty>)
            };
            args.push(match (body.required, bytes) {
                (true, true) => quote!(body: impl Into<runtime::Bytes>),
                _ => quote!(body: #field_ty),
            });
            fields.push(quote!(body: #field_ty,));
            inits.push(if body.required && bytes {
                quote!(body: body.into(),)
            } else {
                quote!(body,)
            });
            body_stmt = if body.required {
                quote!(request.#call;)
            } else {
                quote!(if let Some(body) = body { request.#call; })
            };
        }
    }

    // The URL.
    let segments = op.path.segments.iter().map(|parts| {
        let pieces: Vec<TokenStream> = parts
            .iter()
            .map(|part| match part {
                PathPart::Literal(text) => quote!(#text),
                PathPart::Param(wire) => {
                    let arg = op
                        .params
                        .iter()
                        .find(|p| p.location == ParamLocation::Path && &p.name.wire == wire)
                        .map(|p| ident(&p.name.rust))
                        .expect("every template parameter has an argument");
                    quote!(runtime::param(&#arg).as_str())
                }
            })
            .collect();
        match pieces.as_slice() {
            [single] => quote!(String::from(#single)),
            many => quote!([#(#many),*].concat()),
        }
    });
    let method = format_ident!("{}", op.method);
    let template = &op.path.raw;
    // The client: `self` in a positional method, the builder's `client` field otherwise.
    let client = if builder {
        quote!(client)
    } else {
        quote!(self)
    };

    let mut stmts = Vec::new();
    for p in &params {
        let arg = ident(&p.name.rust);
        let wire = &p.name.wire;
        // Required parameters are read from the argument, optional ones from `value`.
        let value = if p.required {
            quote!(#arg)
        } else {
            quote!(value)
        };
        let call = match p.location {
            ParamLocation::Path => continue,
            ParamLocation::Cookie => quote!(cookie(#wire, &#value)),
            ParamLocation::Header => quote!(header(#wire, &#value)),
            ParamLocation::Query => {
                let style = match (p.style.as_deref(), p.explode) {
                    (Some("deepObject"), _) => quote!(DeepObject),
                    (Some("spaceDelimited"), _) => quote!(SpaceDelimited),
                    (Some("pipeDelimited"), _) => quote!(PipeDelimited),
                    (_, Some(false)) => quote!(Form),
                    _ => quote!(FormExploded),
                };
                quote!(query_styled(#wire, &#value, runtime::QueryStyle::#style))
            }
        };
        if p.required {
            stmts.push(quote!(request.#call;));
        } else {
            stmts.push(quote!(if let Some(#value) = #arg { request.#call; }));
        }
    }
    for &i in &op.security {
        let scheme = &api.security_schemes[i];
        let field = ident(&scheme.name.rust);
        let apply = match &scheme.kind {
            SecurityKind::Http { scheme } => quote!(request.authorization(#scheme, credential);),
            SecurityKind::ApiKeyHeader { name } => {
                quote!(request.secret_header(#name, credential);)
            }
            SecurityKind::ApiKeyQuery { name } => quote!(request.secret_query(#name, credential);),
            SecurityKind::HttpBasic => quote!(request.basic_auth(credential);),
            SecurityKind::ApiKeyCookie { name } => {
                quote!(request.secret_cookie(#name, credential);)
            }
            SecurityKind::OAuth2 { .. } => quote!(request.bearer_from(credential);),
            SecurityKind::Unsupported => continue,
        };
        stmts.push(quote!(if let Some(credential) = &#client.#field { #apply }));
    }

    // Responses.
    let successes = op.successes();
    let errors = op.errors();
    let success = op.success();
    let ok_type = match &success {
        Success::Unit => quote!(()),
        Success::Json(t) => rust_type(api, t, Scope::Client),
        Success::OptionalJson(t) => {
            let t = rust_type(api, t, Scope::Client);
            quote!(Option<#t>)
        }
        Success::Bytes => quote!(runtime::Bytes),
        Success::ByStatus => quote!(#response_name),
    };
    let mut arms = Vec::new();
    let mut response_variants = Vec::new();
    for r in &successes {
        let pat = status_pattern(r.status);
        let expr = match (&success, &r.kind) {
            (Success::ByStatus, kind) => {
                let variant = variant_for(r.status);
                let vdoc = doc_lines(&status_doc(r));
                match kind {
                    BodyKind::Json(t) => {
                        let t = rust_type(api, t, Scope::Client);
                        response_variants.push(quote!(#vdoc #variant(#t),));
                        quote!(response.json().map(#response_name::#variant))
                    }
                    BodyKind::Empty => {
                        response_variants.push(quote!(#vdoc #variant,));
                        quote!(response.empty().map(|()| #response_name::#variant))
                    }
                    _ => {
                        response_variants.push(quote!(#vdoc #variant(runtime::Bytes),));
                        quote!(response.bytes().map(#response_name::#variant))
                    }
                }
            }
            (Success::Bytes, _) => quote!(response.bytes()),
            (Success::Unit, _) => quote!(response.empty()),
            (Success::OptionalJson(_), BodyKind::Empty) => quote!(Ok(None)),
            (Success::OptionalJson(_), _) => quote!(response.json().map(Some)),
            _ => quote!(response.json()),
        };
        arms.push(quote!(#pat => #expr,));
    }
    let response_enum = (!response_variants.is_empty()).then(|| {
        let doc = doc_lines(&format!(
            "The success responses of [`Client::{}`], which differ by status.",
            op.name.rust
        ));
        quote! {
            #doc
            #cfg
            #[derive(Debug, Clone, PartialEq)]
            #[allow(clippy::large_enum_variant)]
            pub enum #response_name {
                #(#response_variants)*
            }
        }
    });
    if successes.is_empty() {
        arms.push(quote!(200..=299 => response.empty(),));
    }
    let mut error_variants = Vec::new();
    for r in &errors {
        let pat = status_pattern(r.status);
        let variant = variant_for(r.status);
        let vdoc = doc_lines(&status_doc(r));
        match &r.kind {
            BodyKind::Json(t) => {
                let t = rust_type(api, t, Scope::Client);
                error_variants.push(quote!(#vdoc #variant(#t),));
                arms.push(quote!(#pat => Err(response.error_json(#error_name::#variant)),));
            }
            BodyKind::Bytes | BodyKind::Form(_) | BodyKind::Text | BodyKind::Multipart(_) => {
                error_variants.push(quote!(#vdoc #variant(runtime::Bytes),));
                arms.push(quote!(#pat => Err(response.error_bytes(#error_name::#variant)),));
            }
            BodyKind::Empty => {
                error_variants.push(quote!(#vdoc #variant,));
                arms.push(quote!(#pat => Err(response.error_empty(#error_name::#variant)),));
            }
        }
    }
    if !op
        .responses
        .iter()
        .any(|r| r.status == StatusMatch::Default)
    {
        arms.push(quote!(_ => Err(response.unexpected()),));
    }
    let (error_type, error_enum) = if error_variants.is_empty() {
        (quote!(::std::convert::Infallible), None)
    } else {
        let doc = doc_lines(&format!(
            "The documented error responses of [`Client::{}`].",
            op.name.rust
        ));
        (
            quote!(#error_name),
            Some(quote! {
                #doc
                #cfg
                #[derive(Debug, Clone, PartialEq)]
                pub enum #error_name {
                    #(#error_variants)*
                }
            }),
        )
    };

    let mut docs = op.docs.clone();
    docs.notes.push(format!(
        "`{} {}` (operation `{}`).",
        op.method,
        op.path.raw.replace('`', "'"),
        op.name.wire.replace('`', "'")
    ));
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
                format!("`{}` ({what}{req})", f.name.replace('`', "'"))
            })
            .collect();
        docs.notes.push(format!(
            "The body is a `multipart/form-data` form: build it with [`runtime::Multipart`] \
             (`field` for text, `file` with a [`runtime::FilePart`] for files). The spec lists: {}.",
            if list.is_empty() { "no fields".to_string() } else { list.join(", ") }
        ));
    }
    for p in params.iter().filter(|p| p.required || !builder) {
        if let Some(d) = &p.docs.description {
            docs.notes.push(format!(
                "- `{}`: {}",
                p.name.rust,
                super::sanitize_doc(d).replace('\n', " ")
            ));
        }
    }
    let request_name = format_ident!("{}Request", type_base);
    let params_name = format_ident!("{}Params", type_base);
    let setters = builder.then(|| emit_setters(api, op));
    if let Some((_, names)) = &setters {
        let mut text = format!(
            "Returns a [`{request_name}`]: set the optional parameters with its methods ({}), then \
             `.await` it for the body, or `.raw().await` for the body with status and headers.",
            names
                .iter()
                .map(|n| format!("`.{n}(…)`"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        if op.pagination.is_some() {
            text.push_str(&format!(
                " [`{request_name}::stream`] walks every page instead."
            ));
        }
        docs.notes.push(text);
    } else {
        docs.notes.push(
            "`.await` the returned [`runtime::Call`] for the body; `.raw().await` adds status and headers."
                .to_string(),
        );
    }
    if let Some(f) = &feature {
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
    let doc = doc_attrs(&docs);
    let allow = (args.len() > 6).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    let mutable = (!stmts.is_empty() || !body_stmt.is_empty()).then(|| quote!(mut));
    let build_request = quote! {
        let #mutable request = runtime::Request::new(
            ::reqwest::Method::#method,
            #template,
            vec![#(#segments),*],
        );
        #(#stmts)*
        #body_stmt
        runtime::Call::new(&#client.transport, request, |response| {
            match response.status().as_u16() {
                #(#arms)*
            }
        })
    };
    if !builder {
        let method_tokens = quote! {
            #doc
            #cfg
            #allow
            pub fn #name(&self, #(#args),*) -> runtime::Call<'_, #ok_type, #error_type> {
                #build_request
            }
        };
        let items = match (response_enum, error_enum) {
            (None, None) => None,
            (a, b) => Some(quote!(#a #b)),
        };
        return (method_tokens, items);
    }

    let (setter_fns, _) = setters.unwrap_or_default();
    let stream = emit_stream(api, op, &error_type);
    let (generics, self_ref, out) = if by_ref {
        (quote!(<'a>), quote!(&'a self), quote!('a))
    } else {
        (quote!(), quote!(&self), quote!('_))
    };
    let destructure = params.iter().map(|p| ident(&p.name.rust)).chain(
        op.body
            .iter()
            .filter(|b| b.kind != BodyKind::Empty)
            .map(|_| ident("body")),
    );
    let method_tokens = quote! {
        #doc
        #cfg
        #allow
        pub fn #name #generics (#self_ref, #(#args),*) -> #request_name<#out> {
            runtime::Builder::new(
                #params_name { client: self, #(#inits)* },
                #params_name::call,
            )
        }
    };
    let request_doc = doc_lines(&format!(
        "A prepared [`Client::{}`] call: its methods set the optional parameters (each once; \
         a later call replaces the value), the [`runtime::Builder`] methods set per-call options; \
         `.await` it to send it.",
        op.name.rust
    ));
    let params_doc = doc_lines(&format!(
        "The parameters of a [`{request_name}`] (set through its methods)."
    ));
    let items = quote! {
        #response_enum
        #error_enum

        #request_doc
        #cfg
        pub type #request_name<'a> = runtime::Builder<'a, #params_name<'a>, #ok_type, #error_type>;

        #params_doc
        #cfg
        #[derive(Debug, Clone)]
        pub struct #params_name<'a> {
            client: &'a Client,
            #(#fields)*
        }

        #cfg
        impl<'a> #params_name<'a> {
            fn call(self) -> runtime::Call<'a, #ok_type, #error_type> {
                let #params_name { client, #(#destructure),* } = self;
                #build_request
            }
        }

        #cfg
        impl<'a> #request_name<'a> {
            #(#setter_fns)*
            #stream
        }
    };
    (method_tokens, Some(items))
}

/// The setters of a builder's optional parameters, and their names.
fn emit_setters(api: &Api, op: &Operation) -> (Vec<TokenStream>, Vec<String>) {
    let mut fns = Vec::new();
    let mut names = Vec::new();
    let taken: Vec<&str> = op.params.iter().map(|p| p.name.rust.as_str()).collect();
    for p in sorted_params(op).into_iter().filter(|p| !p.required) {
        let field = ident(&p.name.rust);
        let mut setter = p.name.rust.clone();
        while BUILDER_METHODS.contains(&setter.as_str())
            || (setter != p.name.rust && taken.contains(&setter.as_str()))
        {
            setter.push_str("_param");
        }
        let setter_ident = ident(&setter);
        let inner = match &p.ty {
            TypeRef::Nullable(inner) => inner,
            other => other,
        };
        let (arg_ty, value) = match inner {
            TypeRef::String => (quote!(impl Into<String>), quote!(#field.into())),
            other => (rust_type(api, other, Scope::Client), quote!(#field)),
        };
        let location = match p.location {
            ParamLocation::Query => "query",
            ParamLocation::Header => "header",
            ParamLocation::Cookie => "cookie",
            ParamLocation::Path => "path",
        };
        let mut text = format!(
            "Sets the {location} parameter `{}`.",
            p.name.wire.replace('`', "'")
        );
        if let Some(d) = &p.docs.description {
            text = format!("{}\n\n{text}", super::sanitize_doc(d));
        }
        let doc = doc_lines(&text);
        fns.push(quote! {
            #doc
            pub fn #setter_ident(mut self, #field: #arg_ty) -> Self {
                self.params_mut().#field = Some(#value);
                self
            }
        });
        names.push(setter);
    }
    (fns, names)
}

/// How a struct field reads as an `Option` of its value: `Some(x)` for a required one, as is
/// for an optional or nullable one, flattened for an optional nullable one.
fn as_option(f: &Field, expr: TokenStream) -> TokenStream {
    match (f.required, f.nullable) {
        (true, false) => quote!(Some(#expr)),
        (false, true) => quote!(#expr.flatten()),
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

/// `.stream()` on a list operation's builder: the items of every page, fetched lazily.
fn emit_stream(api: &Api, op: &Operation, error_type: &TokenStream) -> Option<TokenStream> {
    let pagination = op.pagination.as_ref()?;
    let item_type = rust_type(api, &pagination.item_type, Scope::Client);
    let page_fields =
        crate::lower::pagination::struct_fields(api, &pagination.page_type).unwrap_or_default();
    let field_of = |fields: &'_ [Field], wire: &str| -> Option<Field> {
        fields.iter().find(|f| f.name.wire == wire).cloned()
    };
    let rust_field = |wire: &str| {
        field_of(page_fields, wire)
            .map(|f| ident(&f.name.rust))
            .unwrap_or_else(|| ident(wire))
    };
    let param_of = |wire: &str| {
        op.params
            .iter()
            .find(|p| p.location == ParamLocation::Query && p.name.wire == wire)
    };
    let items_expr = match &pagination.items_field {
        Some(items) => {
            let f = rust_field(items);
            quote!(body.#f)
        }
        None => quote!(body),
    };
    let mut start = quote!(None);
    let mut set = quote!(|_, _| {});
    let mut what;
    let split_body = match &pagination.kind {
        PageKind::Page { param, first, end } => {
            let p = param_of(param)?;
            let field = ident(&p.name.rust);
            let first = Literal::i64_unsuffixed(*first);
            let is_i64 = matches!(p.ty, TypeRef::Integer(IntKind::I64));
            let current = if p.required {
                quote!(Some(self.params().#field))
            } else {
                quote!(self.params().#field)
            };
            start = match p.ty {
                TypeRef::Integer(IntKind::I64) => quote!(Some(#current.unwrap_or(#first))),
                TypeRef::Integer(IntKind::U64) => {
                    quote!(Some(#current.and_then(|n| i64::try_from(n).ok()).unwrap_or(#first)))
                }
                _ => quote!(Some(#current.map(i64::from).unwrap_or(#first))),
            };
            let value = if is_i64 {
                quote!(n)
            } else {
                quote!(n.try_into().unwrap_or_default())
            };
            let assign = if p.required {
                quote!(params.#field = #value)
            } else {
                quote!(params.#field = Some(#value))
            };
            set = quote!(|params, position| {
                if let runtime::Position::Page(n) = position {
                    #assign;
                }
            });
            let (next, until) = match end {
                PageEnd::HasMore(h) => {
                    let h = rust_field(h);
                    (
                        quote!(if body.#h { runtime::Next::Page } else { runtime::Next::End }),
                        format!("`{}` is false", h),
                    )
                }
                PageEnd::Total(t) => {
                    let f = field_of(page_fields, t)?;
                    let t_ident = ident(&f.name.rust);
                    let total = if matches!(f.ty, TypeRef::Integer(IntKind::U64)) {
                        quote!(body.#t_ident)
                    } else {
                        quote!(u64::try_from(body.#t_ident).unwrap_or(0))
                    };
                    (
                        quote!(runtime::Next::Total(#total)),
                        format!("`{}` items were read", t),
                    )
                }
                PageEnd::EmptyPage => (quote!(runtime::Next::Page), "a page is empty".into()),
            };
            what = format!(
                "The integer query parameter `{param}` numbers the pages (from {first} unless set); \
                 the stream ends when {until}."
            );
            quote! {
                let body = page.into_body();
                let next = #next;
                (#items_expr, next)
            }
        }
        PageKind::Cursor {
            param,
            next,
            has_more,
        } => {
            set = token_setter(param_of(param)?);
            let outer = field_of(page_fields, &next[0])?;
            let outer_ident = ident(&outer.name.rust);
            let cursor = if next.len() == 1 {
                as_option(&outer, quote!(body.#outer_ident))
            } else {
                let inner_fields =
                    crate::lower::pagination::struct_fields(api, &outer.ty).unwrap_or_default();
                let inner = field_of(inner_fields, &next[1])?;
                let inner_ident = ident(&inner.name.rust);
                let outer_opt = as_option(&outer, quote!(body.#outer_ident));
                let inner_opt = as_option(&inner, quote!(outer.#inner_ident));
                quote!(#outer_opt.and_then(|outer| #inner_opt))
            };
            let (more, guard) = match has_more {
                Some(h) => {
                    let h = rust_field(h);
                    (quote!(let more = body.#h;), quote!(more &&))
                }
                None => (quote!(), quote!()),
            };
            what = format!(
                "The query parameter `{param}` takes the cursor that the previous page gave in `{}`; \
                 the stream ends when there is none.",
                next.join(".")
            );
            quote! {
                let body = page.into_body();
                #more
                let next = match #cursor {
                    Some(cursor) if #guard !cursor.is_empty() => runtime::Next::Token(cursor),
                    _ => runtime::Next::End,
                };
                (#items_expr, next)
            }
        }
        PageKind::LastItem {
            param,
            item_field,
            has_more,
        } => {
            set = token_setter(param_of(param)?);
            let item_fields = crate::lower::pagination::struct_fields(api, &pagination.item_type)
                .unwrap_or_default();
            let id = ident(&field_of(item_fields, item_field)?.name.rust);
            let h = rust_field(has_more);
            what = format!(
                "The query parameter `{param}` takes the `{item_field}` of the last item read; the \
                 stream ends after the page whose `{has_more}` is false."
            );
            quote! {
                let body = page.into_body();
                let items = #items_expr;
                let next = match items.last() {
                    Some(last) if body.#h => runtime::Next::Token(last.#id.clone()),
                    _ => runtime::Next::End,
                };
                (items, next)
            }
        }
        PageKind::Link => {
            what = "Each next page is the `rel=\"next\"` URL of the previous page's `Link` header \
                    (followed only on the base URL's origin); the stream ends when there is none."
                .to_string();
            quote! {
                let next = runtime::next_link(&page.headers)
                    .map_or(runtime::Next::End, runtime::Next::Url);
                let body = page.into_body();
                (#items_expr, next)
            }
        }
    };
    what.push_str(" An empty page also ends it, and an error is yielded once and ends it.");
    let doc = doc_lines(&format!(
        "Every item of the list, page after page: a stream that sends this request (with the \
         parameters set so far) and fetches the next page when the items read so far run out.\n\n{what}"
    ));
    Some(quote! {
        #doc
        pub fn stream(self) -> runtime::Items<'a, #item_type, #error_type> {
            let start = #start;
            self.paginate(
                start,
                #set,
                |page| {
                    #split_body
                },
            )
        }
    })
}
