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
            || op
                .body
                .iter()
                .any(|b| matches!(&b.kind, BodyKind::Json(t) if names_a_type(t)))
            || op
                .responses
                .iter()
                .any(|r| matches!(&r.kind, BodyKind::Json(t) if names_a_type(t)))
    });
    let use_types = uses_types.then(|| quote! { use super::types; });
    let mut error_enums = Vec::new();
    let methods: Vec<TokenStream> = api
        .operations
        .iter()
        .map(|op| {
            let (method, error_enum) = emit_operation(api, op);
            error_enums.extend(error_enum);
            let stream = emit_stream(api, op);
            quote!(#method #stream)
        })
        .collect();

    quote! {
        #![doc = #module_doc]
        // Errors keep status, headers and body inline (see `runtime::Error`).
        #![allow(clippy::result_large_err)]

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

fn arg_type(api: &Api, ty: &TypeRef) -> TokenStream {
    arg_type_in(api, ty, None)
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

/// `{method}_stream` for a recognised list operation: a stream of items that fetches the
/// pages as it is read.
fn emit_stream(api: &Api, op: &Operation) -> Option<TokenStream> {
    let pagination = op.pagination.as_ref()?;
    let mut name = format!("{}_stream", op.name.rust);
    while api.operations.iter().any(|o| o.name.rust == name) {
        name.push_str("_items");
    }
    let name = ident(&name);
    let method = ident(&op.name.rust);
    let lifetime = quote!('a);
    let mut args = Vec::new();
    let mut call_args = Vec::new();
    for p in sorted_params(op) {
        let arg = ident(&p.name.rust);
        if p.location == ParamLocation::Query && p.name.wire == pagination.page_param {
            let value = match &p.ty {
                TypeRef::Integer(IntKind::I64) => quote!(page),
                _ => quote!(page.try_into().unwrap_or_default()),
            };
            call_args.push(if p.required {
                value
            } else {
                quote!(Some(#value))
            });
            continue;
        }
        let ty = arg_type_in(api, &p.ty, Some(&lifetime));
        args.push(if p.required {
            quote!(#arg: #ty)
        } else {
            quote!(#arg: Option<#ty>)
        });
        call_args.push(quote!(#arg));
    }
    let page_type = rust_type(api, &pagination.page_type, Scope::Client);
    let item_type = rust_type(api, &pagination.item_type, Scope::Client);
    let field = |wire: &str| {
        let TypeRef::Named(id) = &pagination.page_type else {
            return ident(wire);
        };
        match api.resolve_kind(&api.types[id.0]) {
            TypeKind::Struct(s) => s
                .fields
                .iter()
                .find(|f| f.name.wire == wire)
                .map(|f| ident(&f.name.rust))
                .unwrap_or_else(|| ident(wire)),
            _ => ident(wire),
        }
    };
    let items = field(&pagination.items_field);
    let has_more = field(&pagination.has_more_field);
    let first = Literal::i64_unsuffixed(pagination.first_page);
    let error_type = if op.errors().is_empty() {
        quote!(::std::convert::Infallible)
    } else {
        let e = format_ident!(
            "{}Error",
            crate::naming::type_name(&op.name.rust, "Operation")
        );
        quote!(#e)
    };
    let doc = doc_lines(&format!(
        "Every item of [`Client::{}`], page after page: a stream that fetches page {} first and \
         the next one when the items read so far run out, and ends after the page whose `{}` is \
         false (or an empty page). An error is yielded once and ends the stream.\n\n\
         Recognised as a paginated list: the integer query parameter `{}` numbers the pages and \
         the response holds `{}` and `{}`.",
        op.name.rust,
        pagination.first_page,
        pagination.has_more_field,
        pagination.page_param,
        pagination.items_field,
        pagination.has_more_field,
    ));
    let allow = (args.len() > 6).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    Some(quote! {
        #doc
        #allow
        pub fn #name<'a>(&'a self, #(#args),*) -> runtime::Items<'a, #item_type, #error_type> {
            runtime::pages(
                #first,
                move |page| ::std::future::IntoFuture::into_future(self.#method(#(#call_args),*)),
                |page: #page_type| (page.#items, page.#has_more),
            )
        }
    })
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

fn emit_operation(api: &Api, op: &Operation) -> (TokenStream, Option<TokenStream>) {
    let name = ident(&op.name.rust);
    let error_name = format_ident!(
        "{}Error",
        crate::naming::type_name(&op.name.rust, "Operation")
    );
    let response_name = format_ident!(
        "{}Response",
        crate::naming::type_name(&op.name.rust, "Operation")
    );

    // Arguments: path, then required, then optional parameters; then the body.
    let mut args = Vec::new();
    let params = sorted_params(op);
    for p in &params {
        let arg = ident(&p.name.rust);
        let ty = arg_type(api, &p.ty);
        if p.required {
            args.push(quote!(#arg: #ty));
        } else {
            args.push(quote!(#arg: Option<#ty>));
        }
    }
    let mut body_stmt = quote!();
    if let Some(body) = &op.body {
        match &body.kind {
            BodyKind::Json(ty) => {
                let t = rust_type(api, ty, Scope::Client);
                if body.required {
                    args.push(quote!(body: &#t));
                    body_stmt = quote!(request.json(body););
                } else {
                    args.push(quote!(body: Option<&#t>));
                    body_stmt = quote!(if let Some(body) = body {
                        request.json(body);
                    });
                }
            }
            BodyKind::Form(ty) => {
                let t = rust_type(api, ty, Scope::Client);
                if body.required {
                    args.push(quote!(body: &#t));
                    body_stmt = quote!(request.form(body););
                } else {
                    args.push(quote!(body: Option<&#t>));
                    body_stmt = quote!(if let Some(body) = body {
                        request.form(body);
                    });
                }
            }
            BodyKind::Multipart(_) => {
                if body.required {
                    args.push(quote!(body: &runtime::Multipart));
                    body_stmt = quote!(request.multipart(body););
                } else {
                    args.push(quote!(body: Option<&runtime::Multipart>));
                    body_stmt = quote!(if let Some(body) = body {
                        request.multipart(body);
                    });
                }
            }
            BodyKind::Text => {
                let ct = &body.content_type;
                if body.required {
                    args.push(quote!(body: &str));
                    body_stmt = quote!(request.text(#ct, body););
                } else {
                    args.push(quote!(body: Option<&str>));
                    body_stmt = quote!(if let Some(body) = body { request.text(#ct, body); });
                }
            }
            BodyKind::Bytes => {
                let ct = &body.content_type;
                if body.required {
                    args.push(quote!(body: impl Into<runtime::Bytes>));
                    body_stmt = quote!(request.bytes(#ct, body););
                } else {
                    args.push(quote!(body: Option<runtime::Bytes>));
                    body_stmt = quote!(if let Some(body) = body { request.bytes(#ct, body); });
                }
            }
            BodyKind::Empty => {}
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
        stmts.push(quote!(if let Some(credential) = &self.#field { #apply }));
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
    for p in &params {
        if let Some(d) = &p.docs.description {
            docs.notes.push(format!(
                "- `{}`: {}",
                p.name.rust,
                super::sanitize_doc(d).replace('\n', " ")
            ));
        }
    }
    docs.notes.push(
        "`.await` the returned [`runtime::Call`] for the body; `.raw().await` adds status and headers.\n\n\
         # Errors\n\n[`runtime::Error::Api`] for a documented error status (with its typed body), \
         [`runtime::Error::UnexpectedStatus`] for any other status, [`runtime::Error::Decode`] when \
         a body does not match the spec, [`runtime::Error::Timeout`] when no response arrives in time, \
         [`runtime::Error::Transport`] when the request fails."
            .to_string(),
    );
    let doc = doc_attrs(&docs);
    let allow = (args.len() > 6).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    let mutable = (!stmts.is_empty() || !body_stmt.is_empty()).then(|| quote!(mut));
    let method_tokens = quote! {
        #doc
        #allow
        pub fn #name(&self, #(#args),*) -> runtime::Call<'_, #ok_type, #error_type> {
            let #mutable request = runtime::Request::new(
                ::reqwest::Method::#method,
                #template,
                vec![#(#segments),*],
            );
            #(#stmts)*
            #body_stmt
            runtime::Call::new(&self.transport, request, |response| {
                match response.status().as_u16() {
                    #(#arms)*
                }
            })
        }
    };
    let enums = match (response_enum, error_enum) {
        (None, None) => None,
        (a, b) => Some(quote!(#a #b)),
    };
    (method_tokens, enums)
}
