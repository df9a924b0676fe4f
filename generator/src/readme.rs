//! The generated crate's `README.md` (from `templates/README.md.jinja`). It is also the
//! crate's documentation (`#![doc = include_str!("../README.md")]`), so its code blocks are
//! doctests: the first call, error handling, pagination and stream examples are the same
//! compiled examples as the client methods' own ([`crate::emit::example`]).

use crate::diag::Error;
use crate::emit::example::{self, Method};
use crate::escape::code_span;
use crate::ir::{Api, SecurityKind, Success};
use crate::lower::credentials::credentials;
use crate::surface::OperationSurface;

const TEMPLATE: &str = include_str!("../../templates/README.md.jinja");

/// What the README says about one API module.
#[derive(Debug, Clone, serde::Serialize)]
pub(crate) struct ModuleReadme {
    /// The path users import (`voice_apis::vocode`).
    path: String,
    /// `info.title` and `info.version`.
    title: String,
    /// The spec file.
    file: String,
    /// The Cargo feature that enables the module, if any.
    feature: Option<String>,
    /// The default base URL.
    base_url: String,
    /// One line per credential setter, as Markdown.
    credentials: Vec<String>,
    /// The variables `Client::from_env` reads for credentials.
    env: Vec<String>,
    /// The prefix of those variables (`VOCODE`).
    prefix: String,
    /// A first call: the method and its example.
    first_call: Option<Example>,
    /// Error handling on one method.
    errors: Option<Example>,
    /// The error enum operations share (`ApiError`) and how many do.
    shared_errors: Option<(String, usize)>,
    /// The list operations' methods and one `.stream()` example.
    pagination: Option<Example>,
    /// The streaming methods and one event loop.
    events: Option<Example>,
    /// The webhook event names, when the API has a `webhooks` module.
    webhooks: Vec<String>,
    /// The example of reading a webhook delivery, when the API has a `webhooks` module.
    webhook_example: Option<String>,
    /// How deliveries are checked (Markdown), when the API has a `webhooks` module.
    webhook_check: String,
}

/// An example and the methods it stands for.
#[derive(Debug, Clone, serde::Serialize)]
struct Example {
    methods: Vec<String>,
    code: String,
}

/// The README section of one API module, `None` without a documentation path (outside a
/// generated crate).
pub(crate) fn module(api: &Api, feature: Option<&str>) -> Option<ModuleReadme> {
    let path = api.settings.doc_examples.clone()?;
    let prefix = path
        .rsplit("::")
        .next()
        .unwrap_or(&path)
        .to_ascii_uppercase();
    let surfaces: Vec<OperationSurface<'_>> = api
        .operations
        .iter()
        .map(|op| OperationSurface::of(api, op))
        .collect();
    let creds = credentials(api);
    let credentials = api
        .security_schemes
        .iter()
        .zip(&creds)
        .map(|(s, c)| {
            let args = match &s.kind {
                SecurityKind::HttpBasic => "(username, password)",
                SecurityKind::OAuth2 { .. } => "(token_provider)",
                _ => "(credential)",
            };
            format!(
                "{} (security scheme {})",
                code_span(&format!("{}{args}", c.setter)),
                code_span(&s.name.wire)
            )
        })
        .collect();
    let env = creds
        .iter()
        .flat_map(|c| &c.env)
        .map(|v| format!("{prefix}_{v}"))
        .collect();
    // The first call: a plain method whose example is all literals, preferring a `GET` that
    // returns a body and documents its errors; ties go to the first in method order.
    let plain =
        |s: &&OperationSurface<'_>| s.stream.is_none() && s.events.as_ref().is_none_or(|e| !e.only);
    let rank = |s: &OperationSurface<'_>| {
        (
            !example::self_contained(api, s),
            s.op.method != crate::ir::Method::Get,
            matches!(s.op.success(), Success::Unit),
            s.errors.is_none(),
        )
    };
    let first = surfaces.iter().filter(plain).min_by_key(|s| rank(s));
    let example_of = |s: &OperationSurface<'_>, method: Method<'_>, methods: Vec<String>| {
        example::code(api, s, method).map(|code| Example { methods, code })
    };
    let first_call = first.and_then(|s| example_of(s, Method::Plain, vec![s.method.clone()]));
    let errors = first
        .filter(|s| s.errors.is_some())
        .and_then(|s| example_of(s, Method::Errors, vec![s.method.clone()]));
    let lists: Vec<&OperationSurface<'_>> =
        surfaces.iter().filter(|s| s.stream.is_some()).collect();
    let pagination = lists.first().and_then(|s| {
        example_of(
            s,
            Method::Plain,
            lists.iter().map(|s| s.method.clone()).collect(),
        )
    });
    let streams: Vec<&OperationSurface<'_>> =
        surfaces.iter().filter(|s| s.events.is_some()).collect();
    let events = streams.first().and_then(|s| {
        let e = s.events.as_ref()?;
        let methods = streams
            .iter()
            .filter_map(|s| s.events.as_ref().map(|e| e.method.clone()))
            .collect();
        example_of(s, Method::Events(e), methods)
    });
    Some(ModuleReadme {
        title: format!("{} {}", api.title.replace('\n', " "), api.version),
        file: api.file.clone(),
        feature: feature.map(String::from),
        base_url: api
            .servers
            .first()
            .map(crate::ir::Server::default_url)
            .unwrap_or_default(),
        credentials,
        env,
        prefix,
        first_call,
        errors,
        shared_errors: crate::surface::SharedErrors::of(api)
            .map(|shared| (shared.errors.name, shared.operations)),
        pagination,
        events,
        webhooks: api.webhooks.iter().map(|w| w.name.rust.clone()).collect(),
        webhook_example: (!api.webhooks.is_empty()).then(|| webhook_example(&path)),
        webhook_check: webhook_check(&api.webhook_scheme),
        path,
    })
}

/// The README's sentence on checking a delivery under `scheme`.
fn webhook_check(scheme: &crate::ir::WebhookScheme) -> String {
    use crate::ir::WebhookScheme;
    let verify = "`Event::verify(&verifier, &headers, body)` checks";
    let parse = "`Event::parse(body)` only parses";
    match scheme {
        WebhookScheme::None => format!(
            "the spec declares no signature scheme, so there is no `verify`: check deliveries \
             as the vendor documents; {parse}."
        ),
        WebhookScheme::StandardWebhooks => {
            format!("{verify} a Standard Webhooks signature first, {parse}.")
        }
        WebhookScheme::Stripe => format!(
            "{verify} a Stripe-style signature (`Stripe-Signature: t=…,v1=…`) first, {parse}."
        ),
        WebhookScheme::GitHub => format!(
            "{verify} a GitHub-style signature (`X-Hub-Signature-256: sha256=…`) first, {parse}."
        ),
        WebhookScheme::SharedSecret { header: None } => format!(
            "{verify} that the delivery carries the header name and secret you chose when asking \
             for the webhook (a `SharedSecretVerifier`), {parse}."
        ),
        WebhookScheme::SharedSecret {
            header: Some(header),
        } => format!(
            "{verify} that the delivery's {} header carries the shared secret first, {parse}.",
            crate::escape::code_span(header)
        ),
    }
}

/// The README's example of reading a webhook delivery with the `webhooks` module of the
/// API module at `path` (`voice_apis::openai`).
fn webhook_example(path: &str) -> String {
    format!(
        "use {path}::webhooks::Event;\n\n\
         # fn example(body: &[u8]) -> Result<(), Box<dyn std::error::Error>> {{\n\
         let event = Event::parse(body)?;\n\
         println!(\"received a {{}} event\", event.name());\n\
         # Ok(())\n\
         # }}"
    )
}

/// Every code block of the README section `m`: the compiled examples oagen wrote.
pub(crate) fn examples(m: &ModuleReadme) -> impl Iterator<Item = &str> {
    [&m.first_call, &m.errors, &m.pagination, &m.events]
        .into_iter()
        .flatten()
        .map(|e| e.code.as_str())
        .chain(m.webhook_example.as_deref())
}

/// The README of a crate named `name` with these modules.
///
/// # Errors
/// [`Error::Internal`] when the template does not render (an oagen bug).
pub(crate) fn readme(
    name: &str,
    description: &str,
    modules: &[ModuleReadme],
    header: &str,
) -> Result<String, Error> {
    crate::render::template(
        "README.md",
        TEMPLATE,
        crate::render::Syntax::Markdown,
        minijinja::context! {
            header => header,
            name => name,
            description => description,
            modules => modules,
        },
    )
}
