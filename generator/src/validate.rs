//! Validation of a loaded spec against the official OpenAPI JSON Schemas.
//!
//! The schemas are the OpenAPI Initiative's own, vendored under `generator/schemas/` (their
//! source and commit are in `generator/schemas/README.md`): the 3.0 schema for `openapi:
//! 3.0.x`, and for `3.1.x` the "schema-base" schema, which also checks every Schema Object
//! against the OpenAPI 3.1 dialect (JSON Schema 2020-12 plus the OAS base vocabulary). The
//! validator is the `jsonschema` crate, offline: the 2020-12 meta-schemas ship with it, and
//! the OAS dialect and vocabulary schemas are registered from the vendored files.
//!
//! Violations are warnings (errors under `--strict`) with the file and the JSON pointer of
//! the offending node. A failed `oneOf`/`anyOf` (the 3.0 schema's "a Schema or a Reference")
//! is reported by its most specific cause, the alternative whose failure is deepest in the
//! document, and at most one violation is reported per node; after [`MAX_REPORTED`]
//! violations the rest are counted in one last warning.

use crate::diag::{Diagnostic, Origin};
use jsonschema::error::ValidationErrorKind;
use jsonschema::{Registry, ValidationError, Validator};
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// The most violations reported for one spec; the rest are summed up in one more warning.
pub const MAX_REPORTED: usize = 20;

const V30: &str = include_str!("../schemas/v3.0/schema.yaml");
const V31_SCHEMA: &str = include_str!("../schemas/v3.1/schema.yaml");
const V31_BASE: &str = include_str!("../schemas/v3.1/schema-base.yaml");
const V31_DIALECT: &str = include_str!("../schemas/v3.1/dialect.yaml");
const V31_META: &str = include_str!("../schemas/v3.1/meta.yaml");
const V32_SCHEMA: &str = include_str!("../schemas/v3.2/schema.yaml");
const V32_BASE: &str = include_str!("../schemas/v3.2/schema-base.yaml");
const V32_DIALECT: &str = include_str!("../schemas/v3.2/dialect.yaml");
const V32_META: &str = include_str!("../schemas/v3.2/meta.yaml");

/// Validates the parsed spec `raw` (read from `file`) against the OpenAPI schema of its
/// `openapi` version: the violations, as warnings naming the file and the JSON pointer, at
/// most one per node, sorted by pointer. A document of another version (or none) gives no
/// diagnostic: [`crate::load::build`] refuses it with its own.
pub fn validate(raw: &Value, file: &str) -> Vec<Diagnostic> {
    let version = raw.get("openapi").and_then(Value::as_str).unwrap_or("");
    let (validator, short_version) = if version.starts_with("3.0") {
        (v30(), "3.0")
    } else if version.starts_with("3.1") {
        (v31(), "3.1")
    } else if version.starts_with("3.2") {
        (v32(), "3.2")
    } else {
        return Vec::new();
    };
    let mut by_pointer: BTreeMap<String, String> = BTreeMap::new();
    for error in validator.iter_errors(raw) {
        for leaf in most_specific(&error) {
            by_pointer
                .entry(leaf.instance_path().as_str().to_string())
                .or_insert_with(|| message(leaf));
        }
    }
    let total = by_pointer.len();
    let mut out: Vec<Diagnostic> = by_pointer
        .into_iter()
        .take(MAX_REPORTED)
        .map(|(pointer, message)| {
            Diagnostic::warning(
                Origin::new(file, pointer),
                format!("not valid OpenAPI {short_version}: {message}"),
            )
        })
        .collect();
    if total > MAX_REPORTED {
        out.push(Diagnostic::warning(
            Origin::new(file, ""),
            format!(
                "{} more places are not valid OpenAPI {short_version} (the first {MAX_REPORTED} \
                 are reported)",
                total - MAX_REPORTED
            ),
        ));
    }
    out
}

fn yaml(text: &str) -> Value {
    serde_yaml::from_str(text).expect("a vendored OpenAPI schema is valid YAML")
}

fn v30() -> &'static Validator {
    static VALIDATOR: OnceLock<Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        jsonschema::options()
            .offline()
            .should_validate_formats(false)
            .build(&yaml(V30))
            .expect("the vendored OpenAPI 3.0 schema compiles")
    })
}

fn v31() -> &'static Validator {
    static VALIDATOR: OnceLock<Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| with_dialect(V31_BASE, [V31_SCHEMA, V31_DIALECT, V31_META]))
}

fn v32() -> &'static Validator {
    static VALIDATOR: OnceLock<Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| with_dialect(V32_BASE, [V32_SCHEMA, V32_DIALECT, V32_META]))
}

/// The validator of a "schema-base" schema (3.1 and later): the document schema, the
/// OpenAPI dialect and its vocabulary meta-schema resolved offline by their `$id`s.
fn with_dialect(base: &str, resources: [&str; 3]) -> Validator {
    let mut registry = Registry::new();
    for text in resources {
        let schema = yaml(text);
        let id = schema["$id"]
            .as_str()
            .expect("a vendored OpenAPI schema has an $id")
            .to_string();
        registry = registry
            .add(id, schema)
            .expect("a vendored OpenAPI schema is a JSON Schema");
    }
    let registry = registry
        .prepare()
        .expect("the vendored OpenAPI schemas resolve");
    jsonschema::options()
        .offline()
        .should_validate_formats(false)
        .with_registry(&registry)
        .build(&yaml(base))
        .expect("the vendored OpenAPI schema compiles")
}

/// The leaves that explain `error`: itself, or for a failed `oneOf`/`anyOf` the leaves of
/// its most relevant alternative (see [`relevance`]).
fn most_specific<'e, 'a>(error: &'e ValidationError<'a>) -> Vec<&'e ValidationError<'a>> {
    let context = match error.kind() {
        ValidationErrorKind::OneOfNotValid { context } | ValidationErrorKind::AnyOf { context } => {
            context
        }
        _ => return vec![error],
    };
    let depth = error.instance_path().as_str().len();
    context
        .iter()
        .rev()
        .map(|branch| {
            branch
                .iter()
                .flat_map(|e| most_specific(e))
                .collect::<Vec<&ValidationError<'a>>>()
        })
        .filter(|leaves| !leaves.is_empty())
        .max_by_key(|leaves| relevance(leaves, depth))
        .unwrap_or_else(|| vec![error])
}

/// How well a failed alternative explains a `oneOf`/`anyOf` at instance depth `depth`:
/// deeper failures first (the document meant that alternative and went wrong inside it);
/// then any alternative but a Reference Object one that fails only for want of `$ref` (the
/// node is not a reference, so "a Reference or an X" is about the X); then alternatives that
/// do not fail on a discriminating keyword (`required`, `type`, `const`, `enum`) at the node
/// itself; then fewer failures; then the first alternative listed.
fn relevance(leaves: &[&ValidationError<'_>], depth: usize) -> (usize, bool, bool, isize) {
    let deepest = leaves
        .iter()
        .map(|e| e.instance_path().as_str().len())
        .max()
        .unwrap_or(0);
    let not_a_reference = leaves.iter().all(
        |e| matches!(e.kind(), ValidationErrorKind::Required { property } if property == "$ref"),
    );
    let discriminated = leaves.iter().any(|e| {
        e.instance_path().as_str().len() == depth
            && matches!(
                e.kind(),
                ValidationErrorKind::Required { .. }
                    | ValidationErrorKind::Type { .. }
                    | ValidationErrorKind::Constant { .. }
                    | ValidationErrorKind::Enum { .. }
            )
    });
    (
        deepest,
        !not_a_reference,
        !discriminated,
        -(leaves.len() as isize),
    )
}

/// A one-line message: for a type mismatch the expected and the found JSON type (not the
/// value, which may be a whole object); otherwise the validator's message, shortened.
fn message(error: &ValidationError<'_>) -> String {
    if let ValidationErrorKind::Type { kind } = error.kind() {
        let expected = match kind {
            jsonschema::error::TypeKind::Single(t) => t.to_string(),
            jsonschema::error::TypeKind::Multiple(ts) => ts
                .iter()
                .map(|t| t.to_string())
                .collect::<Vec<_>>()
                .join(" or "),
        };
        return format!("expected {expected}, found {}", json_type(error.instance()));
    }
    let text = error.to_string();
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() > 160 {
        let short: String = text.chars().take(157).collect();
        format!("{short}…")
    } else {
        text
    }
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}
