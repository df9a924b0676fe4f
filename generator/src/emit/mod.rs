//! Stage 3, **emit**: IR → token streams. The only module that uses `quote`.
//!
//! One [`Module`] per API: its `types` module (one Rust type per named IR type) and its
//! `client` module (an async `Client` with one method per operation). Generated code refers
//! to the shared runtime as `super::runtime` and to the types as `super::types`, so the same
//! output works as a module of a crate or under `include!`.

mod client;
pub(crate) mod example;
mod rust_type;
mod types;
mod webhooks;

use crate::escape::doc_prose;
use crate::ir::{Api, Docs, TypeRef};
use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;
use syn::parse::Parser as _;

/// The token streams for one API.
#[derive(Debug, Clone)]
pub struct Module {
    /// Contents of `types.rs`.
    pub types: TokenStream,
    /// Contents of `client.rs`.
    pub client: TokenStream,
    /// Contents of `webhooks.rs`, for an API with webhooks or callbacks.
    pub webhooks: Option<TokenStream>,
}

pub use client::ClientItems;
pub use types::TypeItems;

/// The contents of `client.rs` of one API.
pub fn emit_client(api: &Api) -> TokenStream {
    client::emit_client(api)
}

/// The contents of `webhooks.rs` of one API, for an API with webhooks or callbacks.
pub fn emit_webhooks(api: &Api) -> Option<TokenStream> {
    webhooks::emit_webhooks(api)
}

/// Emits the types and client of one API.
pub fn emit(api: &Api) -> Module {
    Module {
        types: types::emit_types(api),
        client: client::emit_client(api),
        webhooks: webhooks::emit_webhooks(api),
    }
}

/// An identifier, raw (`r#type`) when it is a keyword.
pub(crate) fn ident(name: &str) -> Ident {
    if crate::naming::is_keyword(name) {
        Ident::new_raw(name, Span::call_site())
    } else {
        Ident::new(name, Span::call_site())
    }
}

pub(crate) use rust_type::{map_tokens, Scope, TypeTokens};

/// A status enum's variant name as an identifier.
pub(crate) fn variant_ident(v: &crate::surface::StatusVariant<'_>) -> Ident {
    quote::format_ident!("{}", v.name)
}

/// The Rust type for a [`TypeRef`] (see [`crate::surface::RustType`], which diff renders as
/// text).
pub(crate) fn rust_type(api: &Api, ty: &TypeRef, scope: Scope) -> TokenStream {
    crate::surface::RustType::of(api, ty).tokens(scope)
}

/// The map type chosen in the settings.
pub(crate) fn map_path(api: &Api) -> TokenStream {
    map_tokens(api.settings.map_type)
}

/// `#[doc = "…"]` attributes for documentation: title, description, then oagen's notes.
pub(crate) fn doc_attrs(docs: &Docs) -> TokenStream {
    doc_lines(&doc_text(docs))
}

/// The text of documentation: title, description (both made safe as rustdoc), then
/// oagen's notes, as paragraphs.
fn doc_text(docs: &Docs) -> String {
    let mut paragraphs: Vec<String> = Vec::new();
    if let Some(title) = &docs.title {
        paragraphs.push(doc_prose(title));
    }
    if let Some(description) = &docs.description {
        paragraphs.push(doc_prose(description));
    }
    paragraphs.extend(docs.notes.iter().cloned());
    paragraphs.join("\n\n")
}

/// The doc-attribute strings for `text`: one per line, each after a space (as `///` writes).
/// Every line break (`\n`, `\r\n`, a bare `\r`, U+0085, U+2028, U+2029) ends a line and
/// other control characters become spaces, so no spec text can make a `///` comment that
/// rustc rejects ("bare CR not allowed in doc-comment").
fn doc_strings(text: &str) -> impl Iterator<Item = String> {
    let mut lines = Vec::new();
    each_doc_string(text, |line| lines.push(line.to_string()));
    lines.into_iter()
}

/// [`doc_strings`], each line lent to `f` in turn (one buffer for all of them).
fn each_doc_string(text: &str, mut f: impl FnMut(&str)) {
    // (A line holds no newline.)
    let control = |c: char| c.is_control() && c != '\t' && c != '\n';
    let mut out = String::new();
    for line in crate::escape::normalize_line_breaks(text).lines() {
        if line.is_empty() {
            f("");
            continue;
        }
        out.clear();
        out.push(' ');
        if crate::escape::contains_char(line, control) {
            out.extend(line.chars().map(|c| if control(c) { ' ' } else { c }));
        } else {
            out.push_str(line);
        }
        f(&out);
    }
}

/// `#[doc]` attributes for text oagen wrote itself (already valid rustdoc markdown).
pub(crate) fn doc_lines(text: &str) -> TokenStream {
    let lines = doc_strings(text);
    quote!(#(#[doc = #lines])*)
}

/// `#![doc]` attributes (module or crate documentation) for text oagen wrote; as
/// [`doc_lines`].
pub(crate) fn inner_doc_lines(text: &str) -> TokenStream {
    let lines = doc_strings(text);
    quote!(#(#![doc = #lines])*)
}

/// `#[cfg(feature = "a")]`, or `#[cfg(any(feature = "a", …))]` for several features.
pub(crate) fn cfg_any<'a>(features: impl IntoIterator<Item = &'a String>) -> TokenStream {
    let features: Vec<&String> = features.into_iter().collect();
    match features.as_slice() {
        [] => quote!(),
        [one] => quote!(#[cfg(feature = #one)]),
        many => quote!(#[cfg(any(#(feature = #many),*))]),
    }
}

/// Puts `attr` (a `#[cfg(…)]`) on every item of `tokens`.
pub(crate) fn gate(tokens: TokenStream, attr: &TokenStream) -> TokenStream {
    if attr.is_empty() {
        return tokens;
    }
    let Ok(mut file) = syn::parse2::<syn::File>(tokens.clone()) else {
        // Unparsable output is reported by the render stage; leave it to fail there.
        return tokens;
    };
    for item in &mut file.items {
        // (`syn` is built without `clone-impls`: parse the attribute once per item.)
        let Ok(parsed) = syn::Attribute::parse_outer.parse2(attr.clone()) else {
            return tokens;
        };
        let attrs = match item {
            syn::Item::Struct(i) => &mut i.attrs,
            syn::Item::Enum(i) => &mut i.attrs,
            syn::Item::Impl(i) => &mut i.attrs,
            syn::Item::Type(i) => &mut i.attrs,
            syn::Item::Fn(i) => &mut i.attrs,
            syn::Item::Const(i) => &mut i.attrs,
            syn::Item::Static(i) => &mut i.attrs,
            syn::Item::Mod(i) => &mut i.attrs,
            syn::Item::Use(i) => &mut i.attrs,
            syn::Item::Trait(i) => &mut i.attrs,
            syn::Item::Union(i) => &mut i.attrs,
            syn::Item::Macro(i) => &mut i.attrs,
            _ => continue,
        };
        attrs.splice(0..0, parsed);
    }
    let items = &file.items;
    quote!(#(#items)*)
}

/// One API module of a generated crate or file.
#[derive(Debug, Clone)]
pub struct ModuleInfo {
    /// Module name (`vocode`), `None` for the crate root.
    pub name: Option<String>,
    /// The Cargo feature that enables it, if any.
    pub feature: Option<String>,
    /// `info.title` and `info.version` on one line, not escaped for any sink.
    pub title: String,
    /// The spec file, for docs.
    pub file: String,
    /// The API has a `webhooks` module.
    pub webhooks: bool,
    /// The Cargo features of its operations (one per tag), when it has them.
    pub tag_features: Vec<String>,
}

impl ModuleInfo {
    /// The module `name` (`None` for the crate root) holding `api`: enabled by a Cargo
    /// feature of the same name.
    pub fn of(api: &Api, name: Option<String>) -> Self {
        ModuleInfo {
            feature: name.clone(),
            name,
            title: crate::escape::one_line(&format!("{} {}", api.title, api.version)).into_owned(),
            file: api.file.clone(),
            webhooks: !api.webhooks.is_empty(),
            tag_features: api.tag_features(),
        }
    }
}

/// The crate's documentation, its `README.md` (`#![doc = include_str!("../README.md")]`,
/// so the README's examples are doctests). When parts of the crate are behind Cargo
/// `features`, the README is the documentation only with all of them on (the default): its
/// examples use every module; otherwise a line says so.
fn readme_doc(features: &[String]) -> TokenStream {
    if features.is_empty() {
        return quote!(#![doc = include_str!("../README.md")]);
    }
    let all = quote!(all(#(feature = #features),*));
    // Not `not(all(…))`: rustfmt and prettyplease lay that nesting out differently.
    let any_off = quote!(any(#(not(feature = #features)),*));
    let partial = "Built without some of its default Cargo features: the crate's documentation \
                   and examples (`README.md`) need all of them.";
    quote! {
        #![cfg_attr(#all, doc = include_str!("../README.md"))]
        #![cfg_attr(#any_off, doc = #partial)]
    }
}

/// `src/lib.rs` of a crate with one module per API, each behind its Cargo feature. The
/// crate's documentation is its `README.md` (from `templates/README.md.jinja`), so the
/// README's examples are doctests.
pub fn crate_root(modules: &[ModuleInfo]) -> TokenStream {
    let mods = modules.iter().filter_map(|m| {
        let name = ident(m.name.as_deref()?);
        let cfg = m.feature.as_ref().map(|f| quote!(#[cfg(feature = #f)]));
        Some(quote! {
            #cfg
            #[rustfmt::skip]
            pub mod #name;
        })
    });
    let features: Vec<String> = modules
        .iter()
        .flat_map(|m| m.feature.iter().chain(&m.tag_features).cloned())
        .collect();
    let doc = readme_doc(&features);
    quote! {
        #doc
        #![deny(missing_docs)]

        #[rustfmt::skip]
        pub mod runtime;

        pub use runtime::Error;

        #(#mods)*
    }
}

/// `mod.rs` of one API module (or `lib.rs` of a single-API crate when `root` is true).
///
/// A crate's root takes its documentation from the crate's `README.md`.
pub fn module_root(info: &ModuleInfo, root: bool) -> TokenStream {
    let doc = if root {
        readme_doc(&info.tag_features)
    } else {
        inner_doc_lines(&format!(
            "{}, generated from {}.\n\n[`types`] has one Rust type per schema; [`Client`] one async method per operation.",
            crate::escape::markdown_text(&info.title),
            crate::escape::code_span(&info.file)
        ))
    };
    // Braces keep rustfmt out of these macro bodies.
    let runtime = if root {
        quote! {
            #[rustfmt::skip]
            pub mod runtime;
        }
    } else {
        quote! { use crate::runtime; }
    };
    let deny = root.then(|| quote!(#![deny(missing_docs)]));
    let webhooks = info.webhooks.then(|| {
        quote! {
            #[rustfmt::skip]
            pub mod webhooks;
        }
    });
    quote! {
        #doc
        #deny

        #runtime

        #[rustfmt::skip]
        pub mod client;
        #[rustfmt::skip]
        pub mod types;
        #webhooks

        pub use client::*;
        pub use runtime::Error;
    }
}

/// One API module for `include!` (build scripts): types and client inline, with the
/// runtime (generated once for all APIs, see [`crate::RUNTIME_FILE`]) taken from the
/// enclosing module, where it must be in scope as `runtime`.
pub fn single_file(module: &Module) -> TokenStream {
    let types = &module.types;
    let client = &module.client;
    let webhooks = module
        .webhooks
        .as_ref()
        .map(|w| quote!(pub mod webhooks { #w }));
    quote! {
        pub use super::runtime;
        pub mod types {
            #types
        }
        pub mod client {
            #client
        }
        #webhooks
        pub use client::*;
        pub use runtime::Error;
    }
}
