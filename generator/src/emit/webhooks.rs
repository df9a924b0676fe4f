//! The `webhooks` module of an API that sends requests to its users (OpenAPI 3.1
//! `webhooks`, operation `callbacks`): one enum of the events, parsed by the property
//! that names each event, and the Standard Webhooks verifier re-exported from the runtime.

use super::{doc_attrs, ident, inner_doc_lines, rust_type, Scope};
use crate::ir::{Api, Webhook};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// The module's contents; `None` when the API has no webhooks.
pub fn emit_webhooks(api: &Api) -> Option<TokenStream> {
    if api.webhooks.is_empty() {
        return None;
    }
    let module_doc = inner_doc_lines(&format!(
        "The requests {} sends to your server (its `webhooks` and `callbacks`).\n\n\
         [`Event::verify`] checks a delivery's Standard Webhooks signature (`webhook-id`, \
         `webhook-timestamp` and `webhook-signature` headers, HMAC-SHA256 with the endpoint's \
         `whsec_…` secret, 5 minutes of tolerance) and parses its body; [`Event::parse`] only \
         parses (for tests, or deliveries checked another way).",
        crate::escape::markdown_text(&api.title)
    ));
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

        pub use runtime::webhooks::{WebhookError, WebhookVerifier};

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
            /// Verifies a delivery with `verifier` (the headers and the body exactly as
            /// received), then parses its body.
            ///
            /// # Errors
            /// A [`WebhookError`] when a header is missing, the signature does not match
            /// or the timestamp is outside the tolerance; [`WebhookError::Decode`] when the
            /// body is not one of the documented events.
            pub fn verify(
                verifier: &WebhookVerifier,
                headers: &runtime::HeaderMap,
                body: &[u8],
            ) -> Result<Event, WebhookError> {
                verifier.verify(headers, body)?;
                Event::parse(body)
            }

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
