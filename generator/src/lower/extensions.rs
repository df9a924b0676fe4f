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
//!
//! Precedence: `x-oagen-*` first, then the other generators' keywords in the order listed,
//! then oagen's own rules. A name may be written in any case: Rust's convention is applied
//! (`snake_case` methods, fields and arguments; `UpperCamelCase` types and variants), so
//! `x-oagen-name: updateAction` names the method `update_action`. A name that would clash
//! with another in the same namespace is still made unique (a numeric suffix), with a
//! warning naming the extension's JSON pointer; a value that is not a string is a warning.
//! A configured [`crate::Config::extern_type`] wins over `x-oagen-type`.

use crate::diag::{Diagnostics, Origin};
use crate::ir::{Api, TypeKind};
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
/// wire name → Rust path. A path that does not parse as a Rust type is a warning.
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
        match path.filter(|p| syn::parse_str::<syn::Type>(p).is_ok()) {
            Some(path) => {
                out.insert(def.name.wire.clone(), path.to_string());
            }
            None => diags.warn(
                at,
                format!("`{keyword}` must name a Rust type path (`crate::module::Type`); ignored"),
            ),
        }
    }
    out
}
