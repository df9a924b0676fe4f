//! The Rust spelling of a [`RustType`] as tokens, written from the `types` or the `client`
//! module.

use crate::ir::MapType;
use crate::surface::{RustType, StdType};
use proc_macro2::TokenStream;
use quote::quote;

/// Where a type is written from: inside the `types` module (`Foo`) or from the `client`
/// module (`types::Foo`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Inside `types`.
    Types,
    /// Inside `client`.
    Client,
}

/// A type's tokens (see [`TypeTokens::tokens`]).
pub(crate) trait TypeTokens {
    /// The type as tokens, with absolute paths, written from `scope`.
    fn tokens(&self, scope: Scope) -> TokenStream;
}

impl TypeTokens for RustType {
    fn tokens(&self, scope: Scope) -> TokenStream {
        match self {
            RustType::Named(name) => {
                let name = super::ident(name);
                match scope {
                    Scope::Types => quote!(#name),
                    Scope::Client => quote!(types::#name),
                }
            }
            RustType::Local(name) => {
                let name = super::ident(name);
                quote!(#name)
            }
            RustType::Unknown(id) => {
                let message = format!("oagen: the IR names an unknown type #{id}");
                quote!(compile_error!(#message))
            }
            RustType::Std(std) => std_tokens(*std, scope),
            RustType::Vec(inner) => {
                let inner = inner.tokens(scope);
                quote!(Vec<#inner>)
            }
            RustType::Option(inner) => {
                let inner = inner.tokens(scope);
                quote!(Option<#inner>)
            }
            RustType::Box(inner) => {
                let inner = inner.tokens(scope);
                quote!(Box<#inner>)
            }
            RustType::Map(map, inner) => {
                let inner = inner.tokens(scope);
                let map = map_tokens(*map);
                quote!(#map<String, #inner>)
            }
            RustType::Ref { lifetime, to } => {
                let to = to.tokens(scope);
                let lifetime = lifetime.then(|| quote!('a));
                quote!(&#lifetime #to)
            }
            RustType::Slice(inner) => {
                let inner = inner.tokens(scope);
                quote!([#inner])
            }
            RustType::Into(inner) => {
                let inner = inner.tokens(scope);
                quote!(impl Into<#inner>)
            }
        }
    }
}

/// The path of a map type.
pub(crate) fn map_tokens(map: MapType) -> TokenStream {
    match map {
        MapType::BTreeMap => quote!(::std::collections::BTreeMap),
        MapType::HashMap => quote!(::std::collections::HashMap),
    }
}

/// The tokens of a std or runtime type.
fn std_tokens(std: StdType, scope: Scope) -> TokenStream {
    match std {
        StdType::Unit => quote!(()),
        StdType::String => quote!(String),
        StdType::Str => quote!(str),
        StdType::I32 => quote!(i32),
        StdType::I64 => quote!(i64),
        StdType::U32 => quote!(u32),
        StdType::U64 => quote!(u64),
        StdType::F64 => quote!(f64),
        StdType::Bool => quote!(bool),
        StdType::Uuid => quote!(::uuid::Uuid),
        StdType::DateTime => quote!(::chrono::DateTime<::chrono::Utc>),
        StdType::Date => quote!(::chrono::NaiveDate),
        StdType::Value => quote!(::serde_json::Value),
        StdType::JsonMap => quote!(::serde_json::Map<String, ::serde_json::Value>),
        StdType::Base64Bytes => match scope {
            Scope::Types => quote!(super::runtime::Base64Bytes),
            Scope::Client => quote!(runtime::Base64Bytes),
        },
        StdType::Bytes => quote!(runtime::Bytes),
        StdType::Multipart => quote!(runtime::Multipart),
        StdType::Infallible => quote!(::std::convert::Infallible),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_are_spelled_with_absolute_paths_from_their_scope() {
        let ty = RustType::Map(
            MapType::BTreeMap,
            Box::new(RustType::Vec(Box::new(RustType::Option(Box::new(
                RustType::Named("Pet".into()),
            ))))),
        );
        assert_eq!(
            ty.tokens(Scope::Client).to_string(),
            ":: std :: collections :: BTreeMap < String , Vec < Option < types :: Pet > > >"
        );
        let arg = RustType::Std(StdType::Str).reference(true);
        assert_eq!(arg.tokens(Scope::Client).to_string(), "& 'a str");
        assert_eq!(
            RustType::Std(StdType::DateTime)
                .tokens(Scope::Types)
                .to_string(),
            ":: chrono :: DateTime < :: chrono :: Utc >"
        );
    }
}
