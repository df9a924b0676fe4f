//! The `types` module: one Rust type per named IR type.

use super::{doc_attrs, doc_lines, ident, rust_type, Scope, TypeTokens};
use crate::escape::code_span;
use crate::ir::*;
use crate::surface::{DefaultValue, StructSurface, Wrap};
use proc_macro2::TokenStream;
use quote::quote;

pub(super) fn emit_types(api: &Api) -> TokenStream {
    let items = TypeItems::new(api);
    let inner = items.inner();
    let all = (0..items.len()).map(|i| items.item(i));
    quote! {
        #inner
        #(#all)*
    }
}

/// The contents of `types.rs` one type at a time, so that a caller can make, print and free
/// each type's tokens in turn (and on several threads): the module's inner doc attribute,
/// then each type of the API, in Rust-name order, behind its feature gate.
/// [`crate::emit::emit`]'s `types` is their concatenation.
pub struct TypeItems<'a> {
    api: &'a Api,
    order: Vec<(&'a TypeDef, Gate)>,
}

impl<'a> TypeItems<'a> {
    /// The types of `api` in output order.
    pub fn new(api: &'a Api) -> Self {
        let mut order: Vec<(&TypeDef, Gate)> = api.types.iter().zip(api.type_gates()).collect();
        order.sort_by(|a, b| a.0.name.rust.cmp(&b.0.name.rust));
        TypeItems { api, order }
    }

    /// The module's inner doc attribute.
    pub fn inner(&self) -> TokenStream {
        let doc = format!(
            " Types for the schemas of {}.",
            crate::escape::markdown_text(&format!("{} {}", self.api.title, self.api.version))
        );
        // A field's type is the spec's nesting (`Option<BTreeMap<String, Vec<Vec<…>>>>`), not a
        // choice an alias would make clearer.
        quote! {
            #![doc = #doc]
            #![allow(clippy::type_complexity)]
        }
    }

    /// How many types there are.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// True when the API has no types.
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// The items of the `i`-th type (its definition and impls), gated as its uses require.
    pub fn item(&self, i: usize) -> TokenStream {
        let (def, gate) = &self.order[i];
        match gate {
            Gate::Always => emit_type(self.api, def),
            Gate::Any(features) => super::gate(emit_type(self.api, def), &super::cfg_any(features)),
        }
    }
}

fn origin_note(def: &TypeDef) -> String {
    format!(
        "Source: {} in {}.",
        code_span(&def.origin.pointer),
        code_span(&def.origin.file)
    )
}

/// The serde derives of a type: the traits it implements by default (`Serialize, Deserialize`
/// entries for its `#[derive(…)]` list), and a `cfg_attr` deriving the others only with the
/// generated crate's `full-serde` feature ([`SerdeImpls`]).
/// A trait whose `derive_…` is false has a hand-written impl and is left out.
fn serde_derives(
    serde: SerdeImpls,
    derive_serialize: bool,
    derive_deserialize: bool,
) -> (TokenStream, TokenStream) {
    let ser = quote!(::serde::Serialize);
    let de = quote!(::serde::Deserialize);
    let derived = derive_serialize
        .then_some((serde.serialize, ser))
        .into_iter()
        .chain(derive_deserialize.then_some((serde.deserialize, de)));
    let (on, off): (Vec<_>, Vec<_>) = derived.partition(|(by_default, _)| *by_default);
    let on = on.into_iter().map(|(_, t)| t);
    let off: Vec<TokenStream> = off.into_iter().map(|(_, t)| t).collect();
    let feature =
        (!off.is_empty()).then(|| quote!(#[cfg_attr(feature = "full-serde", derive(#(#off),*))]));
    (quote!(#(#on,)*), quote!(#feature))
}

/// Nothing for an impl of a serde trait the type implements by default, else
/// `#[cfg(feature = "full-serde")]` ([`SerdeImpls`]).
fn serde_gate(by_default: bool) -> TokenStream {
    if by_default {
        quote!()
    } else {
        quote!(#[cfg(feature = "full-serde")])
    }
}

/// `#[derive(…)]` for the extra derives the settings give this type (by schema name or `*`).
fn extra_derives(api: &Api, def: &TypeDef) -> TokenStream {
    let paths: Vec<syn::Path> = ["*", def.name.wire.as_str()]
        .iter()
        .filter_map(|key| api.settings.derives.get(*key))
        .flatten()
        .filter_map(|d| syn::parse_str(d).ok())
        .collect();
    if paths.is_empty() {
        quote!()
    } else {
        quote!(#[derive(#(#paths),*)])
    }
}

fn emit_type(api: &Api, def: &TypeDef) -> TokenStream {
    let name = ident(&def.name.rust);
    if let Some(path) = api.settings.extern_types.get(&def.name.wire) {
        if let Ok(path) = syn::parse_str::<syn::Type>(path) {
            let doc = doc_lines(&format!(
                "Schema {}, replaced by the application's own type (`extern_type` in the oagen config).",
                code_span(&def.name.wire)
            ));
            return quote! { #doc pub type #name = #path; };
        }
    }
    let derives = extra_derives(api, def);
    // Derives the settings add (`schemars::JsonSchema`…) may read the fields' `#[serde]`
    // attributes, which only a serde derive keeps.
    let serde_attrs = !derives.is_empty();
    let mut docs = def.docs.clone();
    let rule = match &def.kind {
        TypeKind::Struct(s) if s.rule.is_some() => s.rule.clone(),
        TypeKind::Struct(s) if s.strict() => Some("Closed object (`additionalProperties: false`), only sent in requests: unknown properties are rejected.".to_string()),
        TypeKind::Struct(s) if s.closed => Some("Closed object (`additionalProperties: false`), but read from responses: unknown properties are ignored, so a property the API adds later does not break this client.".to_string()),
        TypeKind::Tagged(u) => Some(format!(
            "Internally tagged union: the {} property names the variant; a payload whose tag names a variant it does not fit is rejected.{}",
            code_span(&u.tag),
            if u.variants.iter().any(|v| v.tag_optional) {
                " Variants whose schema does not require the tag may omit it: such a payload is matched by shape, and written back without it."
            } else {
                ""
            }
        )),
        TypeKind::Untagged(_) => Some(
            "Untagged union (`oneOf`/`anyOf` without a tag): deserializes as the variant that reproduces the most of the JSON (the first that reproduces all of it, most specific first); a variant holding an open enum's `Unknown` catch-all only when no other fits."
                .to_string(),
        ),
        _ => None,
    };
    docs.notes.extend(rule);
    docs.notes.push(origin_note(def));
    let aliased = match &def.kind {
        TypeKind::Alias(ty) => Some(crate::surface::RustType::of(api, ty)),
        TypeKind::Pending => Some(crate::surface::RustType::Std(
            crate::surface::StdType::Value,
        )),
        _ => None,
    };
    if let Some(ty) = aliased {
        return {
            let doc = doc_attrs(&docs);
            let ty = ty.tokens(Scope::Types);
            quote! { #doc pub type #name = #ty; }
        };
    }
    let doc = doc_attrs(&docs);
    let doc = quote!(#doc #derives);
    let serde = if api.settings.serde_feature {
        def.serde
    } else {
        SerdeImpls::default()
    };
    match &def.kind {
        TypeKind::Struct(s) => emit_struct(api, &name, s, doc, (serde, serde_attrs)),
        TypeKind::Enum(e) => emit_enum(&name, e, doc, serde),
        TypeKind::Tagged(u) => emit_tagged(api, &name, u, doc, serde),
        TypeKind::Adjacent(u) => emit_adjacent(api, &name, u, doc, serde),
        TypeKind::Untagged(u) => emit_untagged(api, &name, u, doc, serde),
        TypeKind::Alias(_) | TypeKind::Pending => unreachable!("aliases returned above"),
    }
}

/// A struct; `serde` is the serde impls it has by default and whether its fields keep
/// their `#[serde]` attributes (a derive from the settings may read them).
fn emit_struct(
    api: &Api,
    name: &proc_macro2::Ident,
    s: &Struct,
    doc: TokenStream,
    (serde, serde_attrs): (SerdeImpls, bool),
) -> TokenStream {
    let has_flatten = s.fields.iter().any(|f| f.flatten) || s.additional.is_some();
    // Read by `runtime::de` and written by `runtime::ser` instead of derives, unless serde's
    // flatten or a field's own `deserialize_with` is needed.
    let compact = !has_flatten && !s.fields.iter().any(|f| f.undefined);
    let by_default = serde;
    // Written out only where it is on by default: behind `full-serde` the derive costs
    // nothing unless asked for, and its one line is shorter.
    let compact_ser = compact && !serde_attrs && by_default.serialize;
    let (serde, full_serde) = serde_derives(by_default, !compact_ser, !compact);
    // Field attributes need a serde derive in force.
    let attrs_gated = compact && !by_default.serialize;
    let deny =
        (s.strict() && !has_flatten && !compact).then(|| quote!(#[serde(deny_unknown_fields)]));
    let plan = StructSurface::of(api, s);
    let default = (plan.args.is_empty() && plan.derives_default()).then(|| quote!(Default,));
    let fields = s.fields.iter().map(|f| {
        let field = emit_field(api, f);
        if compact_ser {
            strip_serde_attrs(field)
        } else if attrs_gated {
            gate_serde_attrs(field)
        } else {
            field
        }
    });
    let additional = s.additional.as_ref().map(|ty| {
        let ty = rust_type(api, ty, Scope::Types);
        let map = super::map_path(api);
        quote! {
            /// Properties not declared in the schema (`additionalProperties`).
            #[serde(flatten)]
            pub additional_properties: #map<String, #ty>,
        }
    });
    let definition = quote! {
            #doc
            #[derive(Debug, Clone, PartialEq, #default #serde)]
            #full_serde
            #[non_exhaustive]
            #deny
            pub struct #name {
                #(#fields)*
                #additional
            }
    };
    let compact_de =
        compact.then(|| compact_deserialize(api, name, s, serde_gate(by_default.deserialize)));
    let compact_ser = compact_ser.then(|| compact_serialize(name, s));
    let constructors =
        if plan.args.is_empty() && plan.setters.is_empty() && plan.defaulted.is_empty() {
            quote!()
        } else {
            emit_constructors(api, name, s, &plan)
        };
    quote! {
        #definition
        #compact_ser
        #compact_de
        #constructors
    }
}

/// `tokens` without its `#[serde(…)]` attributes: the fields of a struct whose serde impls
/// are all written out ([`compact_serialize`], [`compact_deserialize`]).
fn strip_serde_attrs(tokens: TokenStream) -> TokenStream {
    rewrite_serde_attrs(tokens, |_| quote!())
}

/// `tokens` with each `#[serde(…)]` attribute replaced by `rewrite(#[…])` of its bracketed
/// contents (nothing removes it).
fn rewrite_serde_attrs(
    tokens: TokenStream,
    rewrite: impl Fn(TokenStream) -> TokenStream,
) -> TokenStream {
    use proc_macro2::{Delimiter, TokenTree};
    let mut out: Vec<TokenTree> = Vec::new();
    for tree in tokens {
        match tree {
            TokenTree::Group(g)
                if g.delimiter() == Delimiter::Bracket
                    && matches!(out.last(), Some(TokenTree::Punct(p)) if p.as_char() == '#')
                    && matches!(g.stream().into_iter().next(), Some(TokenTree::Ident(i)) if i == "serde") =>
            {
                out.pop();
                out.extend(rewrite(g.stream()));
            }
            other => out.push(other),
        }
    }
    out.into_iter().collect()
}

/// `Serialize` of a struct without flattened fields through `runtime::ser::Object`: one
/// `required` or `optional` call per property (an optional one that is `None` is left out,
/// `Some(None)` of a tri-state one is a `null`). Writes the same JSON as serde's derive with
/// the field attributes [`emit_field`] gives.
fn compact_serialize(name: &proc_macro2::Ident, s: &Struct) -> TokenStream {
    let type_name = name.to_string();
    let writes = s.fields.iter().map(|f| {
        let field = ident(&f.name.rust);
        let wire = &f.name.wire;
        if f.required {
            quote!(f.required(#wire, &self.#field)?;)
        } else {
            quote!(f.optional(#wire, &self.#field)?;)
        }
    });
    // Short names keep each signature and call on one line (prettyplease's margin).
    let fields = if s.fields.is_empty() {
        quote!(_)
    } else {
        quote!(f)
    };
    quote! {
        impl ::serde::Serialize for #name {
            fn serialize<__S: ::serde::Serializer>(&self, s: __S) -> Result<__S::Ok, __S::Error> {
                super::runtime::ser::object(self, s)
            }
        }

        impl super::runtime::ser::Object for #name {
            const NAME: &'static str = #type_name;

            fn fields<__F: super::runtime::ser::Fields>(&self, #fields: &mut __F) -> Result<(), __F::Error> {
                #(#writes)*
                Ok(())
            }
        }
    }
}

/// `#[cfg_attr(feature = "full-serde", serde(…))]` for each `#[serde(…)]` in `tokens`: the
/// field attributes of a struct that derives no serde trait without that feature.
fn gate_serde_attrs(tokens: TokenStream) -> TokenStream {
    rewrite_serde_attrs(
        tokens,
        |inner| quote!(#[cfg_attr(feature = "full-serde", #inner)]),
    )
}

/// True when a field's name is only underscores and digits (properties `200`, `+1`): a
/// local or parameter of that name (its slot in the written-out `Deserialize`, its argument
/// of `new`) is what clippy's `just_underscores_and_digits` flags, so those functions allow it.
pub(super) fn digits_only(f: &Field) -> bool {
    f.name.rust.bytes().all(|b| b == b'_' || b.is_ascii_digit())
}

/// [`digits_only`] for any field of `s`.
pub(super) fn slot_names_lint(s: &Struct) -> bool {
    s.fields.iter().any(digits_only)
}

/// How a property is read by [`compact_deserialize`]: its slot holds the field's own type
/// (`Option` fields, `null` read as `None`), or `Some` of it once seen (required fields and
/// tri-state ones, where a `null` is `Some(None)`).
pub(super) fn slot_wraps(f: &Field) -> bool {
    (f.required && !f.nullable) || f.tri_state()
}

/// `Deserialize` of a struct without flattened fields through `runtime::de::Object`: one
/// loop over the object's keys, a `match` arm per property (skipping unknown ones, or
/// rejecting them for a closed request type), then the struct, with a missing required
/// property a `missing field` error. Accepts the same JSON as serde's derive. Each slot is
/// declared with its type (`Option<T>`, `Option<Option<T>>` for a tri-state field): left to
/// inference, every `next_value()` in the loop stays an open obligation until the struct
/// literal at the end, which makes large crates check markedly slower
/// (`tests/bench/README.md`).
fn compact_deserialize(
    api: &Api,
    name: &proc_macro2::Ident,
    s: &Struct,
    gate: TokenStream,
) -> TokenStream {
    let expecting = format!("struct {name}");
    let slots = s.fields.iter().map(|f| {
        let slot = ident(&f.name.rust);
        let ty = rust_type(api, &f.ty, Scope::Types);
        if f.tri_state() {
            quote!(let mut #slot: Option<Option<#ty>> = None;)
        } else {
            quote!(let mut #slot: Option<#ty> = None;)
        }
    });
    let arms: Vec<TokenStream> = s
        .fields
        .iter()
        .map(|f| {
            let slot = ident(&f.name.rust);
            let wire = &f.name.wire;
            if slot_wraps(f) {
                quote!(#wire => #slot = Some(__map.next_value()?),)
            } else {
                quote!(#wire => #slot = __map.next_value()?,)
            }
        })
        .collect();
    let inits = s.fields.iter().map(|f| {
        let slot = ident(&f.name.rust);
        let wire = &f.name.wire;
        if f.required && !f.nullable {
            quote!(#slot: super::runtime::de::required::<_, __A::Error>(#slot, #wire)?,)
        } else {
            quote!(#slot,)
        }
    });
    let wires = s.fields.iter().map(|f| &f.name.wire);
    let strict = s.strict();
    let body = match (arms.is_empty(), strict) {
        (true, false) => quote! {
            while __map.next_key::<::serde::de::IgnoredAny>()?.is_some() {
                super::runtime::de::skip(&mut __map)?;
            }
        },
        (true, true) => quote! {
            if let Some(__key) = __map.next_key::<super::runtime::de::Key>()? {
                return Err(super::runtime::de::unknown(__key.as_str(), &[]));
            }
        },
        (false, strict) => {
            let fallback = if strict {
                quote! {
                    other => {
                        const FIELDS: &[&str] = &[#(#wires),*];
                        return Err(super::runtime::de::unknown(other, FIELDS));
                    }
                }
            } else {
                quote!(_ => super::runtime::de::skip(&mut __map)?,)
            };
            quote! {
                #(#slots)*
                while let Some(__key) = __map.next_key::<super::runtime::de::Key>()? {
                    match __key.as_str() {
                        #(#arms)*
                        #fallback
                    }
                }
            }
        }
    };
    let allow = slot_names_lint(s).then(|| quote!(#[allow(clippy::just_underscores_and_digits)]));
    quote! {
        #gate
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<__D: ::serde::Deserializer<'de>>(deserializer: __D) -> Result<Self, __D::Error> {
                super::runtime::de::object(deserializer)
            }
        }

        #gate
        impl super::runtime::de::Object for #name {
            const EXPECTING: &'static str = #expecting;

            #allow
            fn read<'de, __A: ::serde::de::MapAccess<'de>>(mut __map: __A) -> Result<Self, __A::Error> {
                #body
                Ok(Self { #(#inits)* })
            }
        }
    }
}

/// `pub fn {setter}(mut self, value: …) -> Self` setting field `f` to `wrap` of the converted
/// value, documented by `doc`.
fn setter_method(
    api: &Api,
    f: &Field,
    setter: &str,
    doc: &str,
    wrap: impl Fn(TokenStream) -> TokenStream,
) -> TokenStream {
    let field = ident(&f.name.rust);
    let method = ident(setter);
    let value = ident("value");
    let (ty, conv) = into_arg(api, &f.ty, &value);
    let set = wrap(conv);
    let doc = doc_lines(doc);
    // A setter named like a std operator's method (`add`) has that method's shape:
    // clippy's `should_implement_trait`, though it only sets a property of that name.
    let allow = TRAIT_METHODS
        .contains(&setter)
        .then(|| quote!(#[allow(clippy::should_implement_trait)]));
    quote! {
        #doc
        #allow
        pub fn #method(mut self, #value: #ty) -> Self {
            self.#field = #set;
            self
        }
    }
}

/// The Rust value of a property's default./// The Rust value of a property's default.
fn default_tokens(value: &DefaultValue) -> TokenStream {
    match value {
        DefaultValue::Str(s) => quote!(#s.to_string()),
        DefaultValue::Int(i) => {
            let i = proc_macro2::Literal::i64_unsuffixed(*i);
            quote!(#i)
        }
        DefaultValue::Float(x) => {
            let x = proc_macro2::Literal::f64_unsuffixed(*x);
            quote!(#x)
        }
        DefaultValue::Bool(b) => quote!(#b),
        DefaultValue::Variant(ty, variant) => {
            let (ty, variant) = (ident(ty), ident(variant));
            quote!(#ty::#variant)
        }
    }
}

/// The argument type and conversion of a value for `ty`: arrays take any iterable of items
/// convertible to the item type, maps any iterable of (key, value) pairs, other values
/// anything `Into` the type.
fn into_arg(api: &Api, ty: &TypeRef, value: &proc_macro2::Ident) -> (TokenStream, TokenStream) {
    match ty {
        TypeRef::Array(item) => {
            let item = rust_type(api, item, Scope::Types);
            (
                quote!(impl IntoIterator<Item = impl Into<#item>>),
                quote!(#value.into_iter().map(Into::into).collect()),
            )
        }
        TypeRef::Map(item) => {
            let item = rust_type(api, item, Scope::Types);
            (
                quote!(impl IntoIterator<Item = (impl Into<String>, impl Into<#item>)>),
                quote!(#value.into_iter().map(|(k, v)| (k.into(), v.into())).collect()),
            )
        }
        _ => {
            let ty = rust_type(api, ty, Scope::Types);
            (quote!(impl Into<#ty>), quote!(#value.into()))
        }
    }
}

/// `new(required…)` (when the struct has required fields; otherwise it is `Default`) and
/// one chainable setter per optional field, in one `impl` block.
fn emit_constructors(
    api: &Api,
    name: &proc_macro2::Ident,
    s: &Struct,
    plan: &StructSurface<'_>,
) -> TokenStream {
    let inits: Vec<TokenStream> = s
        .fields
        .iter()
        .map(|f| {
            let field = ident(&f.name.rust);
            let default = plan.defaulted.iter().find(|(d, ..)| std::ptr::eq(*d, f));
            if let Some((_, _, value)) = default {
                let value = default_tokens(value);
                quote!(#field: #value,)
            } else if plan.is_argument(f) {
                let (_, value) = into_arg(api, &f.ty, &field);
                quote!(#field: #value,)
            } else if plan.fixed.iter().any(|a| std::ptr::eq(*a, f)) && f.required {
                quote!(#field: Default::default(),)
            } else {
                quote!(#field: None,)
            }
        })
        .chain(
            s.additional
                .is_some()
                .then(|| quote!(additional_properties: Default::default(),)),
        )
        .collect();
    // With nothing required but defaults, `Default` fills them in (a derive would not).
    let default_impl = (plan.args.is_empty() && !plan.derives_default()).then(|| {
        quote! {
            impl Default for #name {
                fn default() -> Self {
                    Self { #(#inits)* }
                }
            }
        }
    });
    let new = (!plan.args.is_empty()).then(|| {
        let params = plan.args.iter().map(|f| {
            let field = ident(&f.name.rust);
            let (ty, _) = into_arg(api, &f.ty, &field);
            quote!(#field: #ty)
        });
        let doc = doc_lines(&new_doc(&name.to_string(), plan));
        let allow = (plan.args.len() > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
        let digits = plan
            .args
            .iter()
            .any(|f| digits_only(f))
            .then(|| quote!(#[allow(clippy::just_underscores_and_digits)]));
        quote! {
            #doc
            #allow
            #digits
            pub fn new(#(#params),*) -> Self {
                Self { #(#inits)* }
            }
        }
    });
    let setters = plan.setters.iter().map(|(f, setter, null)| {
        let field = ident(&f.name.rust);
        let wire = code_span(&f.name.wire);
        let wrap = |conv: TokenStream| {
            if f.tri_state() {
                quote!(Some(Some(#conv)))
            } else {
                quote!(Some(#conv))
            }
        };
        let set = setter_method(api, f, setter, &format!("Sets {wire}."), wrap);
        let null = null.as_ref().map(|n| {
            let n = ident(n);
            let doc = doc_lines(&format!("Sends {wire} as an explicit `null`."));
            let none = if f.tri_state() {
                quote!(Some(None))
            } else {
                quote!(None)
            };
            quote! {
                #doc
                pub fn #n(mut self) -> Self {
                    self.#field = #none;
                    self
                }
            }
        });
        quote!(#set #null)
    });
    let defaulted = plan.defaulted.iter().map(|(f, setter, _)| {
        let doc = format!(
            "Sets {} (its default is filled in otherwise).",
            code_span(&f.name.wire)
        );
        setter_method(api, f, setter, &doc, |conv| conv)
    });
    let setters: Vec<TokenStream> = setters.chain(defaulted).collect();
    if new.is_none() && setters.is_empty() {
        return quote!(#default_impl);
    }
    quote! {
        #default_impl
        impl #name {
            #new
            #(#setters)*
        }
    }
}

/// The doc of a struct's `new`.
pub(super) fn new_doc(name: &str, plan: &StructSurface<'_>) -> String {
    let list = plan
        .args
        .iter()
        .map(|f| code_span(&f.name.wire))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "A `{name}` with its required properties ({list}, in spec order); optional ones are \
         left out (set them with the setters) and values the spec fixes are filled in."
    )
}

/// The std operator methods that take `self` and one operand and return `Self`, the shape
/// of a setter: clippy's `should_implement_trait` takes a setter so named for a missed
/// trait impl.
pub(super) const TRAIT_METHODS: [&str; 10] = [
    "add", "bitand", "bitor", "bitxor", "div", "mul", "rem", "shl", "shr", "sub",
];

/// A field; one of a struct only read from responses ([`Field::read_only`]) is a plain
/// `Option<T>` when optional and nullable (absent and `null` both `None`).
fn emit_field(api: &Api, f: &Field) -> TokenStream {
    let name = ident(&f.name.rust);
    let ty = crate::surface::field_type(api, f).tokens(Scope::Types);
    let rename = (f.name.wire != f.name.rust && !f.flatten).then(|| {
        let wire = &f.name.wire;
        quote!(#[serde(rename = #wire)])
    });
    let docs = field_docs(f);
    let attrs = if f.flatten {
        quote!(#[serde(flatten)])
    } else {
        match (f.required, f.nullable) {
            (true, false) => quote!(),
            (true, true) => quote!(#[serde(default)]),
            (false, false) if f.undefined => {
                quote!(#[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "super::runtime::undefined::deserialize")])
            }
            (false, false) => quote!(#[serde(default, skip_serializing_if = "Option::is_none")]),
            (false, true) if f.read_only => {
                let de = f.undefined.then(|| {
                    quote!(, deserialize_with = "super::runtime::undefined::deserialize_or_null")
                });
                quote!(#[serde(default, skip_serializing_if = "Option::is_none" #de)])
            }
            (false, true) => {
                let with = if f.undefined {
                    quote!(
                        serialize_with = "super::runtime::double_option::serialize",
                        deserialize_with = "super::runtime::undefined::deserialize_nullable"
                    )
                } else {
                    quote!(with = "super::runtime::double_option")
                };
                quote!(#[serde(default, skip_serializing_if = "Option::is_none", #with)])
            }
        }
    };
    let doc = super::doc_attrs(&docs);
    quote! {
        #doc
        #rename
        #attrs
        pub #name: #ty,
    }
}

/// A field's documentation: the property's, then oagen's notes on presence, nullability
/// and default.
fn field_docs(f: &Field) -> Docs {
    let mut docs = f.docs.clone();
    let wire = code_span(&f.name.wire);
    docs.notes.push(if f.flatten {
        format!("The {wire} property and its companion, flattened into this object.")
    } else if f.required {
        format!("JSON property {wire} (required).")
    } else {
        format!("JSON property {wire} (optional).")
    });
    let wrap = Wrap::of(f);
    let note = match (f.flatten, f.required, f.nullable) {
        (true, ..) | (_, _, false) => None,
        (false, true, true) => Some("Required; may be `null`."),
        (false, false, true) if wrap == Wrap::Option => Some(
            "Optional and nullable, only read from responses: absent and `null` are both `None`.",
        ),
        (false, false, true) => Some(
            "Optional and nullable: `None` leaves the property out, `Some(None)` sends `null`.",
        ),
    };
    docs.notes.extend(note.map(String::from));
    if let Some(default) = &f.default {
        docs.notes.push(format!(
            "Default when absent: {}.",
            code_span(&default.to_string())
        ));
    }
    docs
}

/// The name of the catch-all variant of an open enum or union: `Unknown`, unless a value
/// already has that name.
fn catch_all(mut taken: impl FnMut(&str) -> bool) -> proc_macro2::Ident {
    let name = ["Unknown", "Unrecognized", "OtherValue", "UnknownValue"]
        .into_iter()
        .find(|n| !taken(n))
        .unwrap_or("UnknownVariantValue");
    ident(name)
}

pub(super) const UNKNOWN_DOC: &str = "A value this version of the SDK does not know (the API added it later), kept as \
                           received and serialized back unchanged. Only deserialization creates it.";

fn emit_enum(
    name: &proc_macro2::Ident,
    e: &Enum,
    doc: TokenStream,
    serde: SerdeImpls,
) -> TokenStream {
    let unknown = e
        .open
        .then(|| catch_all(|n| e.variants.iter().any(|v| v.rust == n)));
    let impls = string_enum_impls(name, e, unknown.as_ref(), serde);
    let definition = enum_definition(name, e, doc, unknown.as_ref());
    quote! {
        #definition
        #impls
    }
}

/// A string enum's definition: a variant per value (its doc the value), and `unknown`, an
/// open enum's catch-all.
fn enum_definition(
    name: &proc_macro2::Ident,
    e: &Enum,
    doc: TokenStream,
    unknown: Option<&proc_macro2::Ident>,
) -> TokenStream {
    let single = e.variants.len() == 1;
    if let Some(unknown) = unknown {
        // A value the spec fixes (one known value) is filled in by constructors: `Default`.
        let derive_default = single.then(|| quote!(Default,));
        let variants = e.variants.iter().map(|v| {
            let ident = ident(&v.rust);
            let vdoc = doc_lines(&code_span(&v.wire));
            let default = single.then(|| quote!(#[default]));
            quote!(#vdoc #default #ident,)
        });
        let unknown_doc = doc_lines(UNKNOWN_DOC);
        return quote! {
            #doc
            #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, #derive_default)]
            #[non_exhaustive]
            pub enum #name {
                #(#variants)*
                #unknown_doc
                #unknown(super::runtime::UnknownValue),
            }
        };
    }
    let derive_default = single.then(|| quote!(Default,));
    let variants = e.variants.iter().map(|v| {
        let ident = ident(&v.rust);
        let wire = &v.wire;
        let vdoc = doc_lines(&code_span(wire));
        let default = single.then(|| quote!(#[default]));
        quote! {
            #vdoc
            #default
            #ident,
        }
    });
    quote! {
        #doc
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, #derive_default)]
        pub enum #name {
            #(#variants)*
        }
    }
}

/// The impls of a string enum: `as_str`, `Display`, and `Serialize`/`Deserialize` as a JSON
/// string. A closed enum rejects a value it does not list (`unknown_variant`); an open one
/// (`unknown` names its catch-all variant) keeps it in the catch-all.
fn string_enum_impls(
    name: &proc_macro2::Ident,
    e: &Enum,
    unknown: Option<&proc_macro2::Ident>,
    serde: SerdeImpls,
) -> TokenStream {
    let arms = e.variants.iter().map(|v| {
        let ident = ident(&v.rust);
        let wire = &v.wire;
        quote!(Self::#ident => #wire,)
    });
    let display = quote! {
        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
    let ser_gate = serde_gate(serde.serialize);
    let de_gate = serde_gate(serde.deserialize);
    if let Some(unknown) = unknown {
        let de_arms = e.variants.iter().map(|v| {
            let ident = ident(&v.rust);
            let wire = &v.wire;
            quote!(#wire => Self::#ident,)
        });
        return quote! {
            impl #name {
                /// The value as it appears in JSON.
                pub fn as_str(&self) -> &str {
                    match self {
                        #(#arms)*
                        Self::#unknown(value) => value.as_str(),
                    }
                }
            }

            #display

            #ser_gate
            impl ::serde::Serialize for #name {
                fn serialize<__S: ::serde::Serializer>(&self, s: __S) -> Result<__S::Ok, __S::Error> {
                    match self {
                        Self::#unknown(value) => ::serde::Serialize::serialize(value, s),
                        known => s.serialize_str(known.as_str()),
                    }
                }
            }

            #de_gate
            impl<'de> ::serde::Deserialize<'de> for #name {
                fn deserialize<__D: ::serde::Deserializer<'de>>(d: __D) -> Result<Self, __D::Error> {
                    let value = <String as ::serde::Deserialize>::deserialize(d)?;
                    let known = match value.as_str() {
                        #(#de_arms)*
                        _ => return super::runtime::UnknownValue::read(value).map(Self::#unknown),
                    };
                    Ok(known)
                }
            }
        };
    }
    let de_arms = e.variants.iter().map(|v| {
        let ident = ident(&v.rust);
        let wire = &v.wire;
        quote!(#wire => Ok(Self::#ident),)
    });
    let wires = e.variants.iter().map(|v| &v.wire);
    quote! {
        #ser_gate
        impl ::serde::Serialize for #name {
            fn serialize<__S: ::serde::Serializer>(&self, s: __S) -> Result<__S::Ok, __S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        #de_gate
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<__D: ::serde::Deserializer<'de>>(d: __D) -> Result<Self, __D::Error> {
                let value = <super::runtime::de::Key as ::serde::Deserialize>::deserialize(d)?;
                match value.as_str() {
                    #(#de_arms)*
                    other => {
                        const VARIANTS: &[&str] = &[#(#wires),*];
                        Err(<__D::Error as ::serde::de::Error>::unknown_variant(other, VARIANTS))
                    }
                }
            }
        }

        impl #name {
            /// The value as it appears in JSON.
            pub fn as_str(&self) -> &'static str {
                match self {
                    #(#arms)*
                }
            }
        }

        #display
    }
}

fn emit_tagged(
    api: &Api,
    name: &proc_macro2::Ident,
    u: &TaggedUnion,
    doc: TokenStream,
    serde: SerdeImpls,
) -> TokenStream {
    let tag = &u.tag;
    let variants = u.variants.iter().map(|v| {
        let ident = ident(&v.name.rust);
        let ty = rust_type(api, &v.ty, Scope::Types);
        let vdoc = doc_lines(&format!("{}: {}.", code_span(tag), code_span(&v.name.wire)));
        quote!(#vdoc #ident(#ty),)
    });
    let de_arms = u.variants.iter().map(|v| {
        let ident = ident(&v.name.rust);
        let wire = &v.name.wire;
        let strip = v.strip_tag;
        quote!(#wire => fields.read(#strip).map(Self::#ident),)
    });
    let ser_arms = u.variants.iter().map(|v| {
        let ident = ident(&v.name.rust);
        let wire = &v.name.wire;
        if v.tag_optional {
            // The variant's own (optional) tag field says whether the tag is written.
            quote!(Self::#ident(inner) => ::serde::Serialize::serialize(inner, serializer),)
        } else {
            quote!(Self::#ident(inner) => super::runtime::tagged::serialize(serializer, #tag, #wire, inner),)
        }
    });
    let by_shape: Vec<(&Name, &TypeRef)> = u
        .variants
        .iter()
        .filter(|v| v.tag_optional)
        .map(|v| (&v.name, &v.ty))
        .collect();
    let de_gate = serde_gate(serde.deserialize);
    let (untagged_fn, union) = if by_shape.is_empty() {
        (quote!(), quote!())
    } else {
        // Without the tag, the variants that may omit it are matched by shape.
        let union = union_impl(api, &name.to_string(), by_shape.into_iter());
        (
            quote! {
                fn untagged<__E: ::serde::de::Error>(value: ::serde_json::Value) -> Result<Self, __E> {
                    super::runtime::untagged::choose_value(&value)
                }
            },
            quote!(#de_gate impl super::runtime::untagged::Union for #name { #union }),
        )
    };
    let expected: Vec<&str> = u.variants.iter().map(|v| v.name.wire.as_str()).collect();
    let (open_variant, fallback) = if u.open {
        let unknown = catch_all(|n| u.variants.iter().any(|v| v.name.rust == n));
        let vdoc = doc_lines(&format!(
            "A {} this version of the SDK does not know (the API added it later), with the whole \
             object as received; serialized back unchanged. Only deserialization creates it.",
            code_span(tag)
        ));
        (
            Some((
                quote!(#vdoc #unknown(super::runtime::UnknownVariant),),
                quote!(Self::#unknown(inner) => ::serde::Serialize::serialize(inner, serializer),),
            )),
            quote! {
                other => fields
                    .unknown()
                    .and_then(|value| super::runtime::UnknownVariant::read(other, value))
                    .map(Self::#unknown),
            },
        )
    } else {
        (None, unknown_tag_arm(&expected, quote!(__A::Error)))
    };
    let enum_tokens = tag_dispatched_enum(
        name,
        doc,
        variants,
        ser_arms,
        quote!(super::runtime::tagged::deserialize(deserializer)),
        open_variant,
        serde,
    );
    let froms = variant_froms(api, name, u.variants.iter().map(|v| (&v.name, &v.ty)));
    quote! {
        #enum_tokens

        #de_gate
        impl super::runtime::tagged::Tagged for #name {
            const TAG: &'static str = #tag;

            fn variant<'de, __A: ::serde::de::MapAccess<'de>>(
                tag: &str,
                fields: super::runtime::tagged::Fields<__A>,
            ) -> Result<Self, __A::Error> {
                match tag {
                    #(#de_arms)*
                    #fallback
                }
            }

            #untagged_fn
        }

        #union
        #froms
    }
}

/// `From<T>` for each variant type `T` of a union that no other variant shares (after
/// following aliases), so a value converts into the union with `.into()` (and setters taking
/// `impl Into<Union>` take the variant's value directly). A boxed variant converts from the
/// unboxed type. A union with a `From<String>` has `From<&str>` too.
fn variant_froms<'a>(
    api: &Api,
    name: &proc_macro2::Ident,
    variants: impl Iterator<Item = (&'a Name, &'a TypeRef)>,
) -> TokenStream {
    let resolve = |ty: &TypeRef| -> TypeRef {
        let mut ty = ty.clone();
        for _ in 0..api.types.len() {
            match &ty {
                TypeRef::Named(id) | TypeRef::Boxed(id)
                    if !api
                        .settings
                        .extern_types
                        .contains_key(&api.types[id.0].name.wire) =>
                {
                    match &api.types[id.0].kind {
                        TypeKind::Alias(next) => ty = next.clone(),
                        _ => break,
                    }
                }
                _ => break,
            }
        }
        match ty {
            TypeRef::Boxed(id) => TypeRef::Named(id),
            other => other,
        }
    };
    // Each variant's own type, then (one level down) the variant types of a variant that is
    // itself a union: `Outer::V(Inner::from(value))`.
    struct Source<'a> {
        variant: &'a Name,
        ty: TypeRef,
        inner: Option<proc_macro2::Ident>,
        key: String,
    }
    let key = |ty: &TypeRef| rust_type(api, &resolve(ty), Scope::Types).to_string();
    let variants: Vec<(&Name, &TypeRef)> = variants.collect();
    let mut sources: Vec<Source> = Vec::new();
    for (n, ty) in &variants {
        sources.push(Source {
            variant: n,
            ty: (*ty).clone(),
            inner: None,
            key: key(ty),
        });
    }
    for (n, ty) in &variants {
        let TypeRef::Named(id) = resolve(ty) else {
            continue;
        };
        let inner: Vec<&TypeRef> = match &api.types[id.0].kind {
            TypeKind::Tagged(u) => u.variants.iter().map(|v| &v.ty).collect(),
            TypeKind::Untagged(u) => u.variants.iter().map(|v| &v.ty).collect(),
            _ => continue,
        };
        let inner_name = ident(&api.types[id.0].name.rust);
        let inner_keys: Vec<String> = inner.iter().map(|t| key(t)).collect();
        for t in inner {
            let k = key(t);
            if inner_keys.iter().filter(|o| **o == k).count() != 1 {
                continue; // the inner union has no `From` for it either
            }
            sources.push(Source {
                variant: n,
                ty: t.clone(),
                inner: Some(inner_name.clone()),
                key: key(t),
            });
        }
    }
    let own = name.to_string();
    let impls = sources.iter().filter(|s| {
        let rivals = sources
            .iter()
            .filter(|o| o.key == s.key && (s.inner.is_some() || o.inner.is_none()))
            .count();
        rivals == 1 && s.key != own
    });
    // A union that converts from `String` converts from `&str` too (`"gpt-4o".into()`).
    let from_str = impls
        .clone()
        .any(|s| matches!(s.ty, TypeRef::String))
        .then(|| {
            quote! {
                impl From<&str> for #name {
                    fn from(value: &str) -> Self {
                        Self::from(value.to_string())
                    }
                }
            }
        });
    let impls = impls.map(|s| {
        let variant = ident(&s.variant.rust);
        let (from, boxed) = from_source(&s.ty, s.inner.is_some());
        let from = rust_type(api, &from, Scope::Types);
        let value = if boxed {
            quote!(Box::new(value))
        } else {
            quote!(value)
        };
        let wrap = match &s.inner {
            Some(inner) => quote!(Self::#variant(#inner::from(#value))),
            None => quote!(Self::#variant(#value)),
        };
        quote! {
            impl From<#from> for #name {
                fn from(value: #from) -> Self {
                    #wrap
                }
            }
        }
    });
    quote!(#(#impls)* #from_str)
}

/// The type a `From` impl of [`variant_froms`] converts from, and whether the variant boxes
/// the value: a boxed variant converts from the type itself, boxed unless an `inner` union's
/// own `From` takes it.
fn from_source(ty: &TypeRef, inner: bool) -> (TypeRef, bool) {
    match ty {
        TypeRef::Boxed(id) => (TypeRef::Named(*id), !inner),
        ty => (ty.clone(), false),
    }
}

/// The match arm for a tag no variant has: an `unknown_variant` error (of type `error`)
/// listing `expected`.
fn unknown_tag_arm(expected: &[&str], error: TokenStream) -> TokenStream {
    quote! {
        other => {
            const VARIANTS: &[&str] = &[#(#expected),*];
            Err(<#error as ::serde::de::Error>::unknown_variant(other, VARIANTS))
        }
    }
}

/// An enum whose serde impls dispatch on a tag (internally or adjacently tagged):
/// `ser_arms` write each variant, `deserialize` is the body of its `Deserialize`, and `open`
/// the catch-all variant of a forward-compatible union with its serialization arm.
fn tag_dispatched_enum(
    name: &proc_macro2::Ident,
    doc: TokenStream,
    variants: impl Iterator<Item = TokenStream>,
    ser_arms: impl Iterator<Item = TokenStream>,
    deserialize: TokenStream,
    open: Option<(TokenStream, TokenStream)>,
    serde: SerdeImpls,
) -> TokenStream {
    let ser_gate = serde_gate(serde.serialize);
    let de_gate = serde_gate(serde.deserialize);
    let (non_exhaustive, extra_variant, extra_ser) = match open {
        Some((variant, ser_arm)) => (quote!(#[non_exhaustive]), variant, ser_arm),
        None => (quote!(), quote!(), quote!()),
    };
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq)]
        #[allow(clippy::large_enum_variant)]
        #non_exhaustive
        pub enum #name {
            #(#variants)*
            #extra_variant
        }

        #ser_gate
        impl ::serde::Serialize for #name {
            fn serialize<__S: ::serde::Serializer>(&self, serializer: __S) -> Result<__S::Ok, __S::Error> {
                match self {
                    #(#ser_arms)*
                    #extra_ser
                }
            }
        }

        #de_gate
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<__D: ::serde::Deserializer<'de>>(deserializer: __D) -> Result<Self, __D::Error> {
                #deserialize
            }
        }
    }
}

fn emit_adjacent(
    api: &Api,
    name: &proc_macro2::Ident,
    u: &AdjacentUnion,
    doc: TokenStream,
    serde: SerdeImpls,
) -> TokenStream {
    let tag = &u.tag;
    let content = &u.content;
    let (tag_doc, content_doc) = (code_span(tag), code_span(content));
    let closed = u.closed;
    let variants = u.variants.iter().map(|v| {
        let ident = ident(&v.name.rust);
        let wire = code_span(&v.name.wire);
        let (tag, content) = (&tag_doc, &content_doc);
        match &v.content {
            None => {
                let vdoc = doc_lines(&format!("{tag}: {wire}, without {content}."));
                quote!(#vdoc #ident,)
            }
            Some(ty) if v.content_required => {
                let ty = rust_type(api, ty, Scope::Types);
                let vdoc = doc_lines(&format!("{tag}: {wire}, with its required {content}."));
                quote!(#vdoc #ident(#ty),)
            }
            Some(ty) => {
                let ty = rust_type(api, ty, Scope::Types);
                let vdoc = doc_lines(&format!(
                    "{tag}: {wire}; {content} may be omitted (`None`)."
                ));
                quote!(#vdoc #ident(Option<#ty>),)
            }
        }
    });
    let de_arms = u.variants.iter().map(|v| {
        let ident = ident(&v.name.rust);
        let wire = &v.name.wire;
        match &v.content {
            None => quote!(#wire => super::runtime::adjacent::none(body, #content).map(|()| Self::#ident),),
            Some(_) if v.content_required => {
                quote!(#wire => super::runtime::adjacent::required(body, #content).map(Self::#ident),)
            }
            Some(_) => quote!(#wire => super::runtime::adjacent::optional(body).map(Self::#ident),),
        }
    });
    let ser_arms = u.variants.iter().map(|v| {
        let ident = ident(&v.name.rust);
        let wire = &v.name.wire;
        match &v.content {
            None => quote!(Self::#ident => super::runtime::adjacent::serialize::<_, ()>(serializer, #tag, #wire, #content, None),),
            Some(_) if v.content_required => {
                quote!(Self::#ident(body) => super::runtime::adjacent::serialize(serializer, #tag, #wire, #content, Some(body)),)
            }
            Some(_) => quote!(Self::#ident(body) => super::runtime::adjacent::serialize(serializer, #tag, #wire, #content, body.as_ref()),),
        }
    });
    let expected: Vec<&str> = u.variants.iter().map(|v| v.name.wire.as_str()).collect();
    let fallback = unknown_tag_arm(&expected, quote!(__D::Error));
    let deserialize = quote! {
        let (tag, body) = super::runtime::adjacent::split(deserializer, #tag, #content, #closed)?;
        match tag.as_str() {
            #(#de_arms)*
            #fallback
        }
    };
    tag_dispatched_enum(name, doc, variants, ser_arms, deserialize, None, serde)
}

fn emit_untagged(
    api: &Api,
    name: &proc_macro2::Ident,
    u: &UntaggedUnion,
    doc: TokenStream,
    serde: SerdeImpls,
) -> TokenStream {
    let definition = untagged_definition(api, name, u, doc);
    let deserialize = untagged_deserialize(api, name, u, serde);
    let froms = variant_froms(api, name, u.variants.iter().map(|v| (&v.name, &v.ty)));
    quote! {
        #definition
        #deserialize
        #froms
    }
}

/// An untagged union's definition: a tuple variant per branch, serialized untagged.
fn untagged_definition(
    api: &Api,
    name: &proc_macro2::Ident,
    u: &UntaggedUnion,
    doc: TokenStream,
) -> TokenStream {
    let variants = u.variants.iter().map(|v| {
        let ident = ident(&v.name.rust);
        let ty = rust_type(api, &v.ty, Scope::Types);
        let vdoc = doc_lines(&format!("The branch at {}.", code_span(&v.name.wire)));
        quote!(#vdoc #ident(#ty),)
    });
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, ::serde::Serialize)]
        #[serde(untagged)]
        #[allow(clippy::large_enum_variant)]
        pub enum #name {
            #(#variants)*
        }
    }
}

/// An untagged union's `Deserialize` (`runtime::untagged::deserialize`) and the facts it
/// reads from [`union_impl`]. It always serializes (deserializing may compare re-serialized
/// candidates: lowering's `serde_impls`), but deserializes only by default when responses
/// hold it.
fn untagged_deserialize(
    api: &Api,
    name: &proc_macro2::Ident,
    u: &UntaggedUnion,
    serde: SerdeImpls,
) -> TokenStream {
    let de_gate = serde_gate(serde.deserialize);
    let union = union_impl(
        api,
        &name.to_string(),
        u.variants.iter().map(|v| (&v.name, &v.ty)),
    );
    quote! {
        #de_gate
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<__D: ::serde::Deserializer<'de>>(deserializer: __D) -> Result<Self, __D::Error> {
                super::runtime::untagged::deserialize(deserializer)
            }
        }

        #de_gate
        impl super::runtime::untagged::Union for #name {
            #union
        }
    }
}

/// The body of a `runtime::untagged::Union` impl choosing among `variants`: the variant that
/// reproduces the most of the JSON, earlier first on ties, catch-alls (an open enum's
/// `Unknown`) only when nothing does as well without them. Each variant's name and the JSON
/// kinds its type may accept ([`json_kinds`]) are constants, so the runtime skips the
/// variants that cannot take a value and reads it straight into the only one that can.
fn union_impl<'a>(
    api: &Api,
    type_name: &str,
    variants: impl Iterator<Item = (&'a Name, &'a TypeRef)>,
) -> TokenStream {
    let (facts, arms): (Vec<TokenStream>, Vec<TokenStream>) = variants
        .enumerate()
        .map(|(i, (n, ty))| {
            let ident = ident(&n.rust);
            let label = &n.rust;
            let kinds = proc_macro2::Literal::u8_unsuffixed(json_kinds(api, ty, &mut Vec::new()));
            let i = proc_macro2::Literal::usize_unsuffixed(i);
            (
                quote!((#label, #kinds),),
                quote!(#i => ::serde::Deserialize::deserialize(deserializer).map(Self::#ident),),
            )
        })
        .unzip();
    quote! {
        const NAME: &'static str = #type_name;
        const VARIANTS: &'static [(&'static str, u8)] = &[#(#facts)*];

        fn read<'de, __D: ::serde::Deserializer<'de>>(index: usize, deserializer: __D) -> Result<Self, __D::Error> {
            match index {
                #(#arms)*
                _ => unreachable!("a union reads only its own variants"),
            }
        }
    }
}

/// The JSON kinds (`runtime::untagged::kind` bits: null 1, boolean 2, number 4, string 8,
/// array 16, object 32) a value of `ty` may be read from. Errs on the side of more kinds:
/// a type it cannot see through (an application's `extern_type`, a cycle) takes any.
fn json_kinds(api: &Api, ty: &TypeRef, seen: &mut Vec<usize>) -> u8 {
    const NULL: u8 = 1;
    const BOOL: u8 = 2;
    const NUMBER: u8 = 4;
    const STRING: u8 = 8;
    const ARRAY: u8 = 16;
    const OBJECT: u8 = 32;
    const ANY: u8 = 63;
    match ty {
        TypeRef::String | TypeRef::Uuid | TypeRef::DateTime | TypeRef::Date | TypeRef::Base64 => {
            STRING
        }
        TypeRef::Integer(_) | TypeRef::Number => NUMBER,
        TypeRef::Boolean => BOOL,
        TypeRef::Any => ANY,
        TypeRef::JsonObject | TypeRef::Map(_) => OBJECT,
        TypeRef::Array(_) => ARRAY,
        TypeRef::Nullable(inner) => NULL | json_kinds(api, inner, seen),
        TypeRef::Named(id) | TypeRef::Boxed(id) => {
            let def = &api.types[id.0];
            if seen.contains(&id.0) || api.settings.extern_types.contains_key(&def.name.wire) {
                return ANY;
            }
            seen.push(id.0);
            let kinds = match &def.kind {
                // A derived `Deserialize` also reads a struct from an array of its fields.
                TypeKind::Struct(_) => OBJECT | ARRAY,
                TypeKind::Enum(_) => STRING,
                TypeKind::Tagged(_) | TypeKind::Adjacent(_) => OBJECT,
                TypeKind::Untagged(u) => u
                    .variants
                    .iter()
                    .fold(0, |k, v| k | json_kinds(api, &v.ty, seen)),
                TypeKind::Alias(next) => json_kinds(api, next, seen),
                TypeKind::Pending => ANY,
            };
            seen.pop();
            kinds
        }
    }
}
