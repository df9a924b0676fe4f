//! The runtime of generated crates (`templates/runtime/`): its modules, which of them a
//! crate needs, and how they are written out in each [`Layout`](crate::Layout).
//!
//! The runtime is hand-written Rust, one file per concern. The *core* modules (errors,
//! request building and encoding, credentials, transport and retries, calls and responses)
//! are in every crate. Each *optional* module (multipart bodies, the OAuth2
//! client-credentials flow, pagination, base64 bytes, forward-compatible enum values, and
//! the serde helpers of generated types) is written only when the generated code uses it.
//!
//! Generated code names every runtime item by path (`runtime::Multipart`,
//! `super::runtime::tagged::split`), so what it uses is read off the generated text: an
//! optional module is included when the code names one of its public items. The decision
//! therefore follows emit exactly, for every spec construct that needs runtime support,
//! including ones added later, and several specs of one crate or one build script share
//! one runtime holding the union of what they use.

use crate::diag::Error;
use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;
use std::collections::BTreeSet;
use std::path::PathBuf;

/// How generated code reaches a runtime module's items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Exposure {
    /// A private module whose public items are re-exported at the runtime's root
    /// (`runtime::Call`).
    Flat,
    /// A public module, named in paths (`runtime::tagged::split`).
    Module,
}

/// One file of `templates/runtime/`.
#[derive(Debug)]
pub(crate) struct Part {
    /// The module name (and file stem).
    name: &'static str,
    /// The file's text.
    source: &'static str,
    /// In every crate (`true`), or only when the generated code uses it.
    core: bool,
    exposure: Exposure,
}

macro_rules! part {
    ($name:literal, $core:expr, $exposure:ident) => {
        Part {
            name: $name,
            source: include_str!(concat!("../../templates/runtime/", $name, ".rs")),
            core: $core,
            exposure: Exposure::$exposure,
        }
    };
}

/// Every runtime module, in the order they are declared.
const PARTS: &[Part] = &[
    part!("error", true, Flat),
    part!("encoding", true, Flat),
    part!("request", true, Flat),
    part!("auth", true, Flat),
    part!("retry", true, Flat),
    part!("interceptor", true, Module),
    part!("transport", true, Flat),
    part!("response", true, Flat),
    part!("call", true, Flat),
    part!("pagination", false, Flat),
    part!("multipart", false, Flat),
    part!("oauth2", false, Flat),
    part!("base64_bytes", false, Flat),
    part!("unknown", false, Flat),
    part!("double_option", false, Module),
    part!("undefined", false, Module),
    part!("de", false, Module),
    part!("ser", false, Module),
    part!("tagged", false, Module),
    part!("untagged", false, Module),
    part!("adjacent", false, Module),
    part!("sse", false, Flat),
    part!("webhooks", false, Module),
];

/// `templates/runtime/mod.rs`: the root's documentation, attributes and re-exports; the
/// module declarations are added after it.
const ROOT: &str = include_str!("../../templates/runtime/mod.rs");

/// The template path of a runtime file, for `@generated` headers.
fn template_path(file: &str) -> String {
    format!("templates/runtime/{file}")
}

/// The runtime modules that generated code `code` needs: every core module, and each
/// optional one whose items the code names as `runtime::<item>`.
///
/// # Errors
/// [`Error::Internal`] when a runtime template does not parse (an oagen bug).
pub(crate) fn select<'a>(
    code: impl IntoIterator<Item = &'a str>,
) -> Result<Vec<&'static Part>, Error> {
    let named = named_items(code);
    let mut parts = Vec::new();
    for part in PARTS {
        let used = part.core
            || part
                .provides()?
                .iter()
                .any(|item| named.contains(item.as_str()));
        if used {
            parts.push(part);
        }
    }
    Ok(parts)
}

/// Every identifier that follows `runtime::` in `code`.
fn named_items<'a>(code: impl IntoIterator<Item = &'a str>) -> BTreeSet<&'a str> {
    let mut named = BTreeSet::new();
    for text in code {
        for i in memchr::memmem::find_iter(text.as_bytes(), b"runtime::") {
            let inside_name = text[..i]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphanumeric() || c == '_');
            if inside_name {
                continue;
            }
            let rest = &text[i + "runtime::".len()..];
            let end = rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            if end > 0 {
                named.insert(&rest[..end]);
            }
        }
    }
    named
}

impl Part {
    /// The module name (and file stem).
    pub(crate) fn name(&self) -> &'static str {
        self.name
    }

    /// The names generated code can use this module by: its public items for a flat
    /// module, its own name for a public one.
    fn provides(&self) -> Result<Vec<String>, Error> {
        if self.exposure == Exposure::Module {
            return Ok(vec![self.name.to_string()]);
        }
        let file = self.parse()?;
        let public = |vis: &syn::Visibility| matches!(vis, syn::Visibility::Public(_));
        Ok(file
            .items
            .iter()
            .filter_map(|item| match item {
                syn::Item::Struct(i) if public(&i.vis) => Some(i.ident.to_string()),
                syn::Item::Enum(i) if public(&i.vis) => Some(i.ident.to_string()),
                syn::Item::Fn(i) if public(&i.vis) => Some(i.sig.ident.to_string()),
                syn::Item::Type(i) if public(&i.vis) => Some(i.ident.to_string()),
                syn::Item::Trait(i) if public(&i.vis) => Some(i.ident.to_string()),
                syn::Item::Const(i) if public(&i.vis) => Some(i.ident.to_string()),
                syn::Item::Mod(i) if public(&i.vis) => Some(i.ident.to_string()),
                _ => None,
            })
            .collect())
    }

    fn parse(&self) -> Result<syn::File, Error> {
        syn::parse_file(self.source).map_err(|e| Error::Internal {
            item: template_path(&format!("{}.rs", self.name)),
            message: e.to_string(),
        })
    }

    /// The declaration in the runtime's root: `mod x; pub use x::*;` or `pub mod x;`.
    fn declaration(&self) -> String {
        match self.exposure {
            Exposure::Flat => format!("mod {0};\npub use {0}::*;\n", self.name),
            Exposure::Module => format!("pub mod {};\n", self.name),
        }
    }

    /// The first paragraph of the module's `//!` documentation, as one list item of the
    /// root's documentation (public modules are linked by name).
    fn summary(&self) -> String {
        let lines: Vec<&str> = self
            .source
            .lines()
            .map_while(|l| l.strip_prefix("//!"))
            .map(str::trim)
            .take_while(|l| !l.is_empty())
            .collect();
        let mut out = String::from("//! -");
        if self.exposure == Exposure::Module {
            out.push_str(&format!(" [`{}`]:", self.name));
        }
        for (i, line) in lines.iter().enumerate() {
            if i > 0 {
                out.push_str("\n//!  ");
            }
            out.push(' ');
            // After `[`name`]:` a sentence continues in lower case.
            let mut chars = line.chars();
            match chars.next() {
                Some(c) if i == 0 && self.exposure == Exposure::Module => {
                    out.extend(c.to_lowercase());
                    out.push_str(chars.as_str());
                }
                _ => out.push_str(line),
            }
        }
        out.push('\n');
        out
    }
}

/// The runtime root (`mod.rs`) without module declarations: the template's documentation
/// followed by a list of the modules this crate has, then the rest of the template.
fn root_text(parts: &[&Part]) -> String {
    let docs_end = ROOT
        .lines()
        .take_while(|l| l.starts_with("//!"))
        .map(|l| l.len() + 1)
        .sum::<usize>();
    let (docs, rest) = ROOT.split_at(docs_end.min(ROOT.len()));
    let mut text = String::from(docs);
    text.push_str("//!\n//! What it has:\n//!\n");
    for part in parts {
        text.push_str(&part.summary());
    }
    text.push_str(rest);
    text
}

/// The crate layout's files: `src/runtime/mod.rs` and one `src/runtime/<module>.rs` per
/// module, each with the `@generated` header `header(template path)`.
pub(crate) fn crate_files(
    parts: &[&Part],
    header: impl Fn(&str) -> String,
) -> Vec<(PathBuf, String)> {
    let dir = PathBuf::from("src/runtime");
    let mut root = format!(
        "{}\n\n{}\n",
        header(&template_path("mod.rs")),
        root_text(parts)
    );
    for part in parts {
        root.push_str(&part.declaration());
    }
    let mut files = vec![(dir.join("mod.rs"), root)];
    for part in parts {
        let file = format!("{}.rs", part.name);
        let text = format!("{}\n\n{}", header(&template_path(&file)), part.source);
        files.push((dir.join(file), text));
    }
    files
}

/// The single-file layout's runtime: `pub mod runtime { … }` with every module inline, for
/// `include!` beside the API modules that use it.
///
/// # Errors
/// [`Error::Internal`] when a runtime template does not parse (an oagen bug).
pub(crate) fn single_file_tokens(parts: &[&Part]) -> Result<TokenStream, Error> {
    let root: syn::File = syn::parse_file(&root_text(parts)).map_err(|e| Error::Internal {
        item: template_path("mod.rs"),
        message: e.to_string(),
    })?;
    let root_attrs = &root.attrs;
    let root_items = &root.items;
    let mut modules = Vec::new();
    for part in parts {
        let file = part.parse()?;
        let name = Ident::new(part.name, Span::call_site());
        let attrs = &file.attrs;
        let items = &file.items;
        modules.push(match part.exposure {
            Exposure::Flat => quote! {
                mod #name {
                    #(#attrs)*
                    #(#items)*
                }
                pub use #name::*;
            },
            Exposure::Module => quote! {
                pub mod #name {
                    #(#attrs)*
                    #(#items)*
                }
            },
        });
    }
    Ok(quote! {
        pub mod runtime {
            #(#root_attrs)*
            #(#root_items)*
            #(#modules)*
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_parses_and_optional_modules_provide_names() {
        for part in PARTS {
            let provides = part.provides().expect("parses");
            assert!(
                part.core || !provides.is_empty(),
                "{} provides nothing to select it by",
                part.name
            );
            assert!(
                !part.summary().trim_start_matches("//! -").trim().is_empty(),
                "{} has no summary",
                part.name
            );
        }
    }

    #[test]
    fn optional_modules_are_selected_by_the_items_code_names() {
        let names = |code: &str| -> Vec<&str> {
            select([code])
                .expect("parses")
                .iter()
                .filter(|p| !p.core)
                .map(|p| p.name)
                .collect()
        };
        assert!(names("fn f() -> runtime::Call<'_, (), ()> {}").is_empty());
        assert_eq!(names("body: &runtime::Multipart"), ["multipart"]);
        assert_eq!(
            names(r#"#[serde(with = "super::runtime::double_option")] x: runtime::Items<T>"#),
            ["pagination", "double_option"]
        );
        assert_eq!(
            names("runtime::ClientCredentials::new(a, b, c)"),
            ["oauth2"]
        );
        // Neither `my_runtime::Multipart` nor `Multipartx` is the runtime's `Multipart`.
        assert!(names("my_runtime::Multipart runtime::Multipartx").is_empty());
    }

    #[test]
    fn the_root_declares_and_documents_each_selected_module() {
        let parts = select(["runtime::tagged::split"]).expect("parses");
        let files = crate_files(&parts, |t| format!("// from {t}"));
        let (path, root) = &files[0];
        assert_eq!(path, &PathBuf::from("src/runtime/mod.rs"));
        assert!(root.starts_with("// from templates/runtime/mod.rs\n\n//! Runtime support"));
        assert!(root.contains("mod call;\npub use call::*;\n"));
        assert!(root.contains("pub mod tagged;\n"));
        assert!(root.contains("//! - [`tagged`]: internally tagged unions"));
        assert!(!root.contains("multipart"));
        assert_eq!(files.len(), parts.len() + 1);
        let tokens = single_file_tokens(&parts).expect("parses").to_string();
        assert!(tokens.starts_with("pub mod runtime {"));
        assert!(tokens.contains("pub mod tagged {"));
        assert!(!tokens.contains("mod multipart"));
    }
}
