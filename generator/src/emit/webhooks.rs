//! The `webhooks` module of an API that sends requests to its users (OpenAPI 3.1
//! `webhooks`, operation `callbacks`): one enum of the events, parsed by the property
//! that names each event, and the verifier of the API's signature scheme re-exported from
//! the runtime, with `Event::verify` taking it (none when the spec declares no scheme).

use super::{doc_attrs, ident, inner_doc_lines, rust_type, Scope};
use crate::ir::{Api, Webhook, WebhookScheme};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// The module's contents; `None` when the API has no webhooks.
pub fn emit_webhooks(api: &Api) -> Option<TokenStream> {
    if api.webhooks.is_empty() {
        return None;
    }
    let module_doc = inner_doc_lines(&format!(
        "The requests {} sends to your server (its `webhooks` and `callbacks`).\n\n{}",
        crate::escape::markdown_text(&api.title),
        scheme_doc(&api.webhook_scheme)
    ));
    let verify = verify_items(&api.webhook_scheme);
    let variants = api.webhooks.iter().map(|hook| {
        let mut docs = hook.docs.clone();
        docs.notes.push(format!(
            "The {} webhook.",
            crate::escape::code_span(&hook.name.wire)
        ));
        let doc = doc_attrs(&docs);
        let name = format_ident!("{}", hook.name.rust);
        let payload = rust_type(api, &hook.payload, Scope::Client);
        quote!(#doc #name(#payload),)
    });
    let names = api.webhooks.iter().map(|hook| {
        let name = format_ident!("{}", hook.name.rust);
        let wire = &hook.name.wire;
        quote!(Event::#name(_) => #wire,)
    });
    let parse = parse_body(&api.webhooks);
    Some(quote! {
        #module_doc
        #![allow(clippy::large_enum_variant)]
        use super::runtime;
        #[allow(unused_imports)]
        use super::types;

        pub use runtime::webhooks::WebhookError;
        #verify

        /// One delivery: a variant per webhook of the spec, chosen by the property that
        /// names the event (`type`), or by the first payload schema that fits when the
        /// payloads have no such property; `Unknown` keeps an event this version of the SDK
        /// does not know, so a new event type never breaks a deployed receiver.
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum Event {
            #(#variants)*
            /// An event the spec did not list (its JSON body).
            Unknown(::serde_json::Value),
        }

        impl Event {
            /// Parses a delivery's body without verifying it.
            ///
            /// # Errors
            /// [`WebhookError::Decode`] when the body is not JSON, or names a documented
            /// event but does not match its schema.
            pub fn parse(body: &[u8]) -> Result<Event, WebhookError> {
                let value: ::serde_json::Value = ::serde_json::from_slice(body)
                    .map_err(|e| WebhookError::Decode(e.to_string()))?;
                #parse
            }

            /// The webhook's name in the spec (`Unknown` for an unknown event).
            pub fn name(&self) -> &'static str {
                match self {
                    #(#names)*
                    Event::Unknown(_) => "Unknown",
                }
            }
        }
    })
}

/// The module documentation's paragraph on checking deliveries under `scheme`.
fn scheme_doc(scheme: &WebhookScheme) -> String {
    let parse = "[`Event::parse`] only parses (for tests, or deliveries checked another way).";
    let checks = match scheme {
        WebhookScheme::None => {
            return format!(
                "The spec declares no signature scheme (`x-oagen-webhooks`), so there is no \
                 `verify`: check each delivery as the vendor documents, then parse it. {parse}"
            )
        }
        WebhookScheme::StandardWebhooks => {
            "a delivery's Standard Webhooks signature (`webhook-id`, `webhook-timestamp` and \
             `webhook-signature` headers, HMAC-SHA256 with the endpoint's `whsec_…` secret, 5 \
             minutes of tolerance)"
                .to_string()
        }
        WebhookScheme::Stripe => "a delivery's Stripe-style signature (`Stripe-Signature: \
             t=…,v1=…`, HMAC-SHA256 of `{t}.{body}`, 5 minutes of tolerance)"
            .to_string(),
        WebhookScheme::GitHub => "a delivery's GitHub-style signature (`X-Hub-Signature-256: \
             sha256=…`, HMAC-SHA256 of the body)"
            .to_string(),
        WebhookScheme::SharedSecret { header: None } => {
            "that a delivery carries the header and secret you chose when asking for the \
             webhook (compared in constant time)"
                .to_string()
        }
        WebhookScheme::SharedSecret {
            header: Some(header),
        } => format!(
            "that a delivery's {} header carries the secret shared with the sender (compared \
             in constant time)",
            crate::escape::code_span(header)
        ),
    };
    format!(
        "[`Event::verify`] checks {checks}, then parses its body; {parse} Deduplicate \
         deliveries on their id: a captured delivery can be sent again."
    )
}

/// The verifier's re-export and `Event::verify`, for a scheme that has one.
fn verify_items(scheme: &WebhookScheme) -> TokenStream {
    let (verifier, errors) = match scheme {
        WebhookScheme::None => return TokenStream::new(),
        WebhookScheme::StandardWebhooks => (
            quote!(WebhookVerifier),
            "A [`WebhookError`] when a header is missing, the signature does not match or the \
             timestamp is outside the tolerance;",
        ),
        WebhookScheme::Stripe => (
            quote!(StripeVerifier),
            "A [`WebhookError`] when the `Stripe-Signature` header is missing or malformed, no \
             `v1` signature matches or the timestamp is outside the tolerance;",
        ),
        WebhookScheme::GitHub => (
            quote!(GitHubVerifier),
            "A [`WebhookError`] when the `X-Hub-Signature-256` header is missing or malformed, \
             or the signature does not match;",
        ),
        WebhookScheme::SharedSecret { .. } => (
            quote!(SharedSecretVerifier),
            "A [`WebhookError`] when the header is missing or does not carry the secret;",
        ),
    };
    let errors = format!(
        " {errors} [`WebhookError::Decode`] when the body is not one of the documented events."
    );
    let header = match scheme {
        WebhookScheme::SharedSecret {
            header: Some(header),
        } => {
            let doc = format!(
                " The header that carries the shared secret (give it to \
                 [`SharedSecretVerifier::new`] with the secret): {}.",
                crate::escape::code_span(header)
            );
            quote! {
                #[doc = #doc]
                pub const SECRET_HEADER: &str = #header;
            }
        }
        _ => TokenStream::new(),
    };
    quote! {
        pub use runtime::webhooks::#verifier;
        #header

        impl Event {
            /// Verifies a delivery with `verifier` (the headers and the body exactly as
            /// received), then parses its body.
            ///
            /// # Errors
            #[doc = #errors]
            pub fn verify(
                verifier: &#verifier,
                headers: &runtime::HeaderMap,
                body: &[u8],
            ) -> Result<Event, WebhookError> {
                verifier.verify(headers, body)?;
                Event::parse(body)
            }
        }
    }
}

/// The body of `Event::parse` (with the JSON in `value`): the tagged events by their tag's
/// value, then each untagged one in spec order, then `Unknown`.
fn parse_body<'a>(hooks: &'a [Webhook]) -> TokenStream {
    // A tag shared by two webhooks identifies neither: those are tried structurally.
    fn unique<'h>(hooks: &[Webhook], hook: &'h Webhook) -> Option<&'h (String, String)> {
        let tag = hook.tag.as_ref()?;
        let shared = hooks.iter().filter(|h| h.tag.as_ref() == Some(tag)).count() > 1;
        (!shared).then_some(tag)
    }
    let tag_of = |hook: &'a Webhook| unique(hooks, hook);
    let mut properties: Vec<&str> = Vec::new();
    for (property, _) in hooks.iter().filter_map(tag_of) {
        if !properties.contains(&property.as_str()) {
            properties.push(property);
        }
    }
    let tagged = properties.iter().map(|property| {
        let events: Vec<_> = hooks
            .iter()
            .filter_map(|hook| {
                let (p, value) = tag_of(hook)?;
                (p == property).then(|| (value, ident(&hook.name.rust)))
            })
            .collect();
        let read = |name: &proc_macro2::Ident| {
            quote! {
                return runtime::from_value(value)
                    .map(Event::#name)
                    .map_err(WebhookError::Decode);
            }
        };
        // One event with this tag property: an `if` (a one-arm `match` is clippy's
        // `single_match`).
        if let [(tag, name)] = events.as_slice() {
            let read = read(name);
            return quote! {
                if value.get(#property).and_then(::serde_json::Value::as_str) == Some(#tag) {
                    #read
                }
            };
        }
        let arms = events.iter().map(|(tag, name)| {
            let read = read(name);
            quote!(Some(#tag) => { #read })
        });
        quote! {
            match value.get(#property).and_then(::serde_json::Value::as_str) {
                #(#arms)*
                _ => {}
            }
        }
    });
    let tries = hooks.iter().filter(|h| tag_of(h).is_none()).map(|hook| {
        let name = ident(&hook.name.rust);
        quote! {
            if let Ok(event) = runtime::from_value(value.clone()) {
                return Ok(Event::#name(event));
            }
        }
    });
    quote! {
        #(#tagged)*
        #(#tries)*
        Ok(Event::Unknown(value))
    }
}

#[cfg(test)]
mod tests {
    use super::emit_webhooks;
    use crate::ir::WebhookScheme;

    const SPEC: &str = r#"
openapi: 3.1.0
info: { title: Hooks, version: "1" }
paths: {}
webhooks:
  ready:
    post:
      requestBody:
        content:
          application/json:
            schema: { type: object, properties: { id: { type: string } } }
      responses: { "200": { description: ok } }
"#;

    fn module(scheme: WebhookScheme) -> String {
        let mut api = crate::lower::lower_yaml_for_test(SPEC);
        api.webhook_scheme = scheme;
        emit_webhooks(&api).expect("a webhook").to_string()
    }

    #[test]
    fn verify_takes_the_schemes_verifier_and_is_absent_without_one() {
        let none = module(WebhookScheme::None);
        assert!(!none.contains("fn verify"), "{none}");
        assert!(none.contains("fn parse"));
        for (scheme, verifier) in [
            (WebhookScheme::StandardWebhooks, "WebhookVerifier"),
            (WebhookScheme::Stripe, "StripeVerifier"),
            (WebhookScheme::GitHub, "GitHubVerifier"),
            (
                WebhookScheme::SharedSecret { header: None },
                "SharedSecretVerifier",
            ),
        ] {
            let code = module(scheme);
            assert!(code.contains(&format!("verifier : & {verifier}")), "{code}");
            assert!(!code.contains("SECRET_HEADER"));
        }
        let fixed = module(WebhookScheme::SharedSecret {
            header: Some("x-webhook-token".into()),
        });
        assert!(fixed.contains(r#"pub const SECRET_HEADER : & str = "x-webhook-token""#));
    }
}
