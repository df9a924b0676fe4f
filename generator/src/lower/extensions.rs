//! Naming and type extensions: what a spec (or an overlay on it) says the SDK should call
//! things, read from `x-` keywords at each IR item's origin.
//!
//! | keyword | on | sets |
//! |---|---|---|
//! | `x-oagen-name` | operation, schema, property schema, parameter | method, type, field or argument name |
//! | `x-fern-sdk-method-name` | operation | method name (Fern's) |
//! | `x-speakeasy-name-override` | operation, schema, property schema, parameter | as `x-oagen-name` (Speakeasy's) |
//! | `x-enum-varnames`, `x-enumNames` | string `enum` schema | variant names, one per value, in order |
//! | `x-oagen-variant-names` | string `enum` schema | variant names by value (`{"in-progress": "Running"}`) |
//! | `x-oagen-type` | schema | an existing Rust type used instead (`"crate::money::Amount"`) |
//! | `x-rust-type` | schema | the same, in typify's form (`{crate, version, path}`) |
//! | `x-oagen-webhooks` | document root | how webhook deliveries are signed ([`webhook_scheme`]) |
//!
//! A type keyword's value must be a type path ([`type_path`]); anything else is an error.
//!
//! Precedence: `x-oagen-*` first, then the other generators' keywords in the order listed,
//! then oagen's own rules. A name may be written in any case: Rust's convention is applied
//! (`snake_case` methods, fields and arguments; `UpperCamelCase` types and variants), so
//! `x-oagen-name: updateAction` names the method `update_action`. A name that would clash
//! with another in the same namespace is still made unique (a numeric suffix), with a
//! warning naming the extension's JSON pointer; a value that is not a string is a warning.
//! A configured [`crate::Config::extern_type`] wins over `x-oagen-type`.

use crate::diag::{Diagnostic, Diagnostics, Origin};
use crate::ir::{Api, TypeKind, WebhookScheme};
use crate::naming::{self, Namespace};
use serde_json::Value;
use std::collections::BTreeMap;

/// The keywords naming an operation's method, in precedence order.
const METHOD_NAME: &[&str] = &[
    "x-oagen-name",
    "x-fern-sdk-method-name",
    "x-speakeasy-name-override",
];
/// The keywords naming a type, field or argument, in precedence order.
const NAME: &[&str] = &["x-oagen-name", "x-speakeasy-name-override"];

/// The keywords renaming a string enum's variants.
const VARIANT_NAMES: &[&str] = &["x-oagen-variant-names", "x-enum-varnames", "x-enumNames"];
/// The keywords replacing a schema by a Rust type.
const TYPE: &[&str] = &["x-oagen-type", "x-rust-type"];

/// Which kinds of this module's keywords a document holds anywhere, found in one walk of
/// it: most documents hold none, and then nothing is looked up per item.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Present {
    /// A naming keyword ([`NAME`], [`METHOD_NAME`]).
    pub names: bool,
    /// A variant naming keyword ([`VARIANT_NAMES`]).
    pub variants: bool,
    /// A type keyword ([`TYPE`]).
    pub types: bool,
}

/// The [`Present`] keywords of `raw`, as object keys at any depth.
pub(super) fn present(raw: &Value) -> Present {
    let mut found = Present::default();
    let mut stack = vec![raw];
    while let Some(node) = stack.pop() {
        match node {
            Value::Object(map) => {
                for (key, value) in map {
                    if key.starts_with("x-") {
                        let key = key.as_str();
                        found.names |= NAME.contains(&key) || METHOD_NAME.contains(&key);
                        found.variants |= VARIANT_NAMES.contains(&key);
                        found.types |= TYPE.contains(&key);
                    }
                    if matches!(value, Value::Object(_) | Value::Array(_)) {
                        stack.push(value);
                    }
                }
            }
            Value::Array(items) => stack.extend(
                items
                    .iter()
                    .filter(|v| matches!(v, Value::Object(_) | Value::Array(_))),
            ),
            _ => {}
        }
    }
    found
}

/// Names asked for by extensions, indexed like the IR items they name.
#[derive(Debug, Default)]
pub(super) struct Overrides {
    /// By type index.
    pub types: BTreeMap<usize, Requested>,
    /// By (type index, field index).
    pub fields: BTreeMap<(usize, usize), Requested>,
    /// By operation index.
    pub operations: BTreeMap<usize, Requested>,
    /// By (operation index, parameter index).
    pub params: BTreeMap<(usize, usize), Requested>,
}

/// A name an extension asks for, and where it is written.
#[derive(Debug, Clone)]
pub(super) struct Requested {
    /// The name as written.
    pub name: String,
    /// The keyword's place: the item's origin plus `/<keyword>`.
    pub origin: Origin,
}

impl Requested {
    /// Warns when the namespace had to rename the requested name (`rust` is what it got).
    pub fn check(&self, wanted: &str, rust: &str, diags: &mut Diagnostics) {
        if wanted != rust {
            diags.warn(
                self.origin.clone(),
                format!(
                    "the name `{}` clashes with another in the same scope; named `{rust}`",
                    self.name
                ),
            );
        }
    }
}

/// The first string among `keywords` on the node at `origin`; a non-string value warns.
fn requested(
    raw: &Value,
    origin: &Origin,
    keywords: &[&str],
    diags: &mut Diagnostics,
) -> Option<Requested> {
    let node = crate::load::lookup(raw, &origin.pointer)?.as_object()?;
    for keyword in keywords {
        let Some(value) = node.get(*keyword) else {
            continue;
        };
        let at = Origin::new(origin.file.clone(), format!("{}/{keyword}", origin.pointer));
        match value.as_str().map(str::trim) {
            Some(name) if !name.is_empty() => {
                return Some(Requested {
                    name: name.to_string(),
                    origin: at,
                })
            }
            _ => diags.warn(
                at,
                format!("`{keyword}` must be a non-empty string; ignored"),
            ),
        }
    }
    None
}

/// Reads every naming extension of the API's items from the raw document.
pub(super) fn read(api: &Api, raw: &Value, diags: &mut Diagnostics) -> Overrides {
    let mut overrides = Overrides::default();
    for (i, def) in api.types.iter().enumerate() {
        if let Some(r) = requested(raw, &def.origin, NAME, diags) {
            overrides.types.insert(i, r);
        }
        if let TypeKind::Struct(s) = &def.kind {
            for (j, f) in s.fields.iter().enumerate() {
                if let Some(r) = requested(raw, &f.origin, NAME, diags) {
                    overrides.fields.insert((i, j), r);
                }
            }
        }
    }
    for (i, op) in api.operations.iter().enumerate() {
        if let Some(r) = requested(raw, &op.origin, METHOD_NAME, diags) {
            overrides.operations.insert(i, r);
        }
        for (j, p) in op.params.iter().enumerate() {
            if let Some(r) = requested(raw, &p.origin, NAME, diags) {
                overrides.params.insert((i, j), r);
            }
        }
    }
    overrides
}

/// Renames enum variants as `x-oagen-variant-names`, `x-enum-varnames` or `x-enumNames` on
/// the enum's schema say, keeping the variants of one enum distinct.
pub(super) fn name_variants(api: &mut Api, raw: &Value, diags: &mut Diagnostics) {
    for def in &mut api.types {
        let TypeKind::Enum(e) = &mut def.kind else {
            continue;
        };
        let Some(node) = crate::load::lookup(raw, &def.origin.pointer).and_then(Value::as_object)
        else {
            continue;
        };
        let values: Vec<Option<Value>> = node
            .get("enum")
            .and_then(Value::as_array)
            .map(|values| values.iter().map(|v| Some(v.clone())).collect())
            .unwrap_or_default();
        let by_value = node.get("x-oagen-variant-names").and_then(Value::as_object);
        let listed = ["x-enum-varnames", "x-enumNames"].iter().find_map(|k| {
            node.get(*k)
                .and_then(Value::as_array)
                .map(|names| (*k, names))
        });
        if by_value.is_none() && listed.is_none() {
            continue;
        }
        let wanted_for = |wire: &str| -> Option<String> {
            if let Some(name) = by_value.and_then(|m| m.get(wire)).and_then(Value::as_str) {
                return Some(name.to_string());
            }
            let (_, names) = listed?;
            let index = values
                .iter()
                .position(|v| v.as_ref().and_then(Value::as_str) == Some(wire))?;
            names.get(index)?.as_str().map(str::to_string)
        };
        let mut namespace = Namespace::default();
        for variant in &mut e.variants {
            let wanted = wanted_for(&variant.wire)
                .map(|w| naming::variant_name(&w, "Empty"))
                .unwrap_or_else(|| variant.rust.clone());
            let (rust, renamed) = namespace.claim(&wanted);
            if renamed {
                diags.warn(
                    def.origin.clone(),
                    format!(
                        "variant name `{wanted}` for `{}` is taken in this enum; named `{rust}`",
                        variant.wire
                    ),
                );
            }
            variant.rust = rust;
        }
    }
}

/// Schemas replaced by existing Rust types through `x-oagen-type` or `x-rust-type`: type
/// wire name → Rust path. A value that is not a type path ([`type_path`]) is an error at
/// the keyword's JSON pointer.
pub(super) fn extern_types(
    api: &Api,
    raw: &Value,
    diags: &mut Diagnostics,
) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for def in &api.types {
        let Some(node) = crate::load::lookup(raw, &def.origin.pointer).and_then(Value::as_object)
        else {
            continue;
        };
        let (keyword, path) = match (node.get("x-oagen-type"), node.get("x-rust-type")) {
            (Some(v), _) => ("x-oagen-type", v.as_str()),
            (None, Some(v)) => ("x-rust-type", v.get("path").and_then(Value::as_str)),
            (None, None) => continue,
        };
        let at = Origin::new(
            def.origin.file.clone(),
            format!("{}/{keyword}", def.origin.pointer),
        );
        let checked = path
            .ok_or_else(|| "the value is not a string".to_string())
            .and_then(|path| type_path(path).map(|()| path));
        match checked {
            Ok(path) => {
                out.insert(def.name.wire.clone(), path.to_string());
            }
            Err(reason) => diags.push(
                Diagnostic::error(at, format!("`{keyword}` is not a Rust type path: {reason}"))
                    .with_hint(TYPE_PATH_HINT),
            ),
        }
    }
    out
}

/// The webhook signature scheme the document declares with `x-oagen-webhooks` at its root:
/// a scheme name (`standard-webhooks`, `stripe`, `github`, `shared-secret`, `none`), or an
/// object `{scheme: <name>, header: <name>}` where `header` fixes a shared-secret header's
/// name. Without the keyword, [`WebhookScheme::None`]. An unknown name or a value of
/// another shape is a warning at the keyword's JSON pointer (and no scheme); a header that
/// is not a valid HTTP header name is a warning at `…/header` (and the caller chooses it).
pub(super) fn webhook_scheme(raw: &Value, file: &str, diags: &mut Diagnostics) -> WebhookScheme {
    const KEYWORD: &str = "x-oagen-webhooks";
    let Some(value) = raw.get(KEYWORD) else {
        return WebhookScheme::None;
    };
    let at = |pointer: String| Origin::new(file, pointer);
    let (name, name_at, header) = match value {
        Value::String(name) => (name.as_str(), format!("/{KEYWORD}"), None),
        Value::Object(map) => (
            map.get("scheme")
                .and_then(Value::as_str)
                .unwrap_or_default(),
            format!("/{KEYWORD}/scheme"),
            map.get("header"),
        ),
        _ => {
            diags.warn(
                at(format!("/{KEYWORD}")),
                format!("`{KEYWORD}` must be a scheme name or an object with `scheme`; ignored"),
            );
            return WebhookScheme::None;
        }
    };
    let Some(mut scheme) = WebhookScheme::from_name(name) else {
        diags.warn(
            at(name_at),
            format!(
                "unknown webhook signature scheme `{}` (one of: {}); no `verify` is generated",
                crate::escape::one_line(name),
                WebhookScheme::NAMES.join(", ")
            ),
        );
        return WebhookScheme::None;
    };
    if let Some(header) = header {
        let header_at = at(format!("/{KEYWORD}/header"));
        match (&mut scheme, header.as_str()) {
            (WebhookScheme::SharedSecret { header: fixed }, Some(name)) if is_header_name(name) => {
                *fixed = Some(name.to_ascii_lowercase());
            }
            (WebhookScheme::SharedSecret { .. }, _) => diags.warn(
                header_at,
                "`header` is not a valid HTTP header name; the caller chooses the header",
            ),
            _ => diags.warn(
                header_at,
                format!("`header` applies only to `shared-secret`, not `{name}`; ignored"),
            ),
        }
    }
    scheme
}

/// Whether `name` is an HTTP header name (RFC 9110 `token`), at most 128 bytes.
pub(crate) fn is_header_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 128
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// What a type override may be, for diagnostics.
pub(crate) const TYPE_PATH_HINT: &str = "write a path with optional generic type arguments, \
     e.g. `chrono::NaiveTime`, `my_crate::Id<u64>` or `Vec<my::T>`";

/// The longest type override read, in bytes.
const MAX_TYPE_PATH_LEN: usize = 512;
/// The deepest nesting of generic arguments in a type override.
const MAX_TYPE_PATH_DEPTH: usize = 16;

/// Parses a type override (`x-oagen-type`, `x-rust-type`'s `path`,
/// [`crate::Config::extern_type`]): a type path, optionally with a leading `::`, whose
/// generic arguments are lifetimes or type paths again (`chrono::NaiveTime`,
/// `my_crate::Id<u64>`, `std::collections::HashMap<String, u8>`). Anything else the Rust
/// type grammar allows (arrays and their length expressions, tuples, references, `impl` and
/// `dyn` bounds, macros such as `include!`, const generic arguments, associated types,
/// `fn` pointers, qualified paths `<T as Trait>::X`) is refused: spec text must never become
/// an expression or an item in the generated code.
///
/// # Errors
/// Why the text is not such a path.
pub(crate) fn type_path(text: &str) -> Result<(), String> {
    if text.len() > MAX_TYPE_PATH_LEN {
        return Err(format!("longer than {MAX_TYPE_PATH_LEN} bytes"));
    }
    let mut depth = 0usize;
    for c in text.chars() {
        match c {
            '<' | '(' | '[' | '{' => depth += 1,
            '>' | ')' | ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        if depth > MAX_TYPE_PATH_DEPTH {
            return Err(format!(
                "generic arguments nested deeper than {MAX_TYPE_PATH_DEPTH}"
            ));
        }
    }
    let ty =
        syn::parse_str::<syn::Type>(text).map_err(|e| format!("`{text}` does not parse ({e})"))?;
    check_type(&ty)
}

/// [`type_path`]'s allow-list over a parsed type.
fn check_type(ty: &syn::Type) -> Result<(), String> {
    let syn::Type::Path(syn::TypePath { attrs, qself, path }) = ty else {
        return Err(format!("{} is not allowed", type_kind(ty)));
    };
    if !attrs.is_empty() {
        return Err("an attribute is not allowed".into());
    }
    if qself.is_some() {
        return Err("a qualified path (`<T as Trait>::X`) is not allowed".into());
    }
    for segment in &path.segments {
        match &segment.arguments {
            syn::PathArguments::None => {}
            syn::PathArguments::AngleBracketed(args) => {
                for arg in &args.args {
                    match arg {
                        syn::GenericArgument::Type(ty) => check_type(ty)?,
                        syn::GenericArgument::Lifetime(_) => {}
                        syn::GenericArgument::Const(_) => {
                            return Err("a const generic argument is not allowed".into())
                        }
                        _ => {
                            return Err(
                                "only types and lifetimes are allowed as generic arguments".into()
                            )
                        }
                    }
                }
            }
            syn::PathArguments::Parenthesized(_) => {
                return Err("`Fn(…)` arguments are not allowed".into())
            }
        }
    }
    Ok(())
}

/// What kind of (refused) type `ty` is, for a diagnostic.
fn type_kind(ty: &syn::Type) -> &'static str {
    match ty {
        syn::Type::Array(_) => "an array type",
        syn::Type::Slice(_) => "a slice type",
        syn::Type::Tuple(_) => "a tuple type",
        syn::Type::Reference(_) => "a reference",
        syn::Type::Ptr(_) => "a raw pointer",
        syn::Type::FnPtr(_) => "a `fn` pointer",
        syn::Type::ImplTrait(_) => "an `impl` type",
        syn::Type::TraitObject(_) => "a `dyn` type",
        syn::Type::Macro(_) => "a macro",
        syn::Type::Never(_) => "`!`",
        syn::Type::Infer(_) => "`_`",
        syn::Type::Group(_) | syn::Type::Paren(_) => "a parenthesized type",
        _ => "this kind of type",
    }
}

#[cfg(test)]
mod tests {
    use super::{type_path, webhook_scheme};
    use crate::diag::Diagnostics;
    use crate::ir::WebhookScheme;

    /// The scheme `x-oagen-webhooks: <value>` declares, and each warning's pointer and text.
    fn scheme_of(value: serde_json::Value) -> (WebhookScheme, Vec<(String, String)>) {
        let raw = serde_json::json!({ "openapi": "3.1.0", "x-oagen-webhooks": value });
        let mut diags = Diagnostics::default();
        let scheme = webhook_scheme(&raw, "api.yaml", &mut diags);
        let warnings = diags.finish().unwrap();
        let warnings = warnings
            .into_iter()
            .map(|d| (d.origin.pointer, d.message))
            .collect();
        (scheme, warnings)
    }

    #[test]
    fn webhook_schemes_are_read_by_name_or_object() {
        use serde_json::json;
        assert_eq!(scheme_of(json!("stripe")), (WebhookScheme::Stripe, vec![]));
        assert_eq!(
            scheme_of(json!({"scheme": "github"})),
            (WebhookScheme::GitHub, vec![])
        );
        assert_eq!(
            scheme_of(json!({"scheme": "shared-secret", "header": "X-Webhook-Token"})),
            (
                WebhookScheme::SharedSecret {
                    header: Some("x-webhook-token".into())
                },
                vec![]
            )
        );
        let raw = serde_json::json!({ "openapi": "3.1.0" });
        let mut diags = Diagnostics::default();
        assert_eq!(webhook_scheme(&raw, "a", &mut diags), WebhookScheme::None);
    }

    #[test]
    fn bad_webhook_schemes_and_headers_warn_at_their_pointer() {
        use serde_json::json;
        let (scheme, warnings) = scheme_of(json!("hmac"));
        assert_eq!(scheme, WebhookScheme::None);
        assert_eq!(warnings[0].0, "/x-oagen-webhooks");
        assert!(warnings[0]
            .1
            .contains("unknown webhook signature scheme `hmac`"));
        let (_, warnings) = scheme_of(json!({"scheme": "nope"}));
        assert_eq!(warnings[0].0, "/x-oagen-webhooks/scheme");
        let (scheme, warnings) =
            scheme_of(json!({"scheme": "shared-secret", "header": "bad header\r\nx: y"}));
        assert_eq!(scheme, WebhookScheme::SharedSecret { header: None });
        assert_eq!(warnings[0].0, "/x-oagen-webhooks/header");
        let (scheme, warnings) = scheme_of(json!({"scheme": "github", "header": "x-sig"}));
        assert_eq!(scheme, WebhookScheme::GitHub);
        assert_eq!(warnings[0].0, "/x-oagen-webhooks/header");
        let (_, warnings) = scheme_of(json!(3));
        assert_eq!(warnings[0].0, "/x-oagen-webhooks");
    }

    #[test]
    fn type_paths_with_generic_type_arguments_are_allowed() {
        for ok in [
            "chrono::NaiveTime",
            "::chrono::NaiveTime",
            "crate::money::Amount",
            "my_crate::Id<u64>",
            "Vec<my::T>",
            "Option<std::collections::HashMap<String, u8>>",
            "std::borrow::Cow<'static, str>",
            "r#type::Id",
        ] {
            assert!(type_path(ok).is_ok(), "{ok}: {:?}", type_path(ok).err());
        }
    }

    #[test]
    fn anything_else_is_refused_with_its_reason() {
        for (bad, reason) in [
            ("[u8; { static X: u8 = 0; 4 }]", "an array type"),
            ("[u8; 4]", "an array type"),
            ("Vec<[u8; { 1 }]>", "an array type"),
            ("include!(\"/etc/passwd\")", "a macro"),
            ("impl Iterator<Item = u8>", "an `impl` type"),
            ("Box<dyn std::any::Any>", "a `dyn` type"),
            ("dyn Fn() -> u8", "a `dyn` type"),
            ("Foo<{ 1 + 1 }>", "const generic"),
            ("Foo<3>", "const generic"),
            ("fn() -> u8", "a `fn` pointer"),
            ("<T as Trait>::X", "qualified path"),
            ("(u8, String)", "a tuple type"),
            ("&'static str", "a reference"),
            ("*const u8", "a raw pointer"),
            ("Fn(u8)", "does not parse"),
            ("Iterator<Item = u8>", "only types and lifetimes"),
            ("a b", "does not parse"),
            ("u8; fn main() {}", "does not parse"),
        ] {
            let err = type_path(bad).expect_err(bad);
            assert!(err.contains(reason), "{bad}: {err}");
        }
        let deep = format!("{}u8{}", "Vec<".repeat(10_000), ">".repeat(10_000));
        assert!(type_path(&deep).unwrap_err().contains("longer than"));
        let nested = format!("{}u8{}", "V<".repeat(20), ">".repeat(20));
        assert!(type_path(&nested).unwrap_err().contains("nested deeper"));
    }
}
