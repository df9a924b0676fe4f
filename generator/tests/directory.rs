//! Regression fixtures from the run over every spec of the public APIs.guru directory:
//! each reproduces one failure class in a small spec.

use oagen::ir::{Api, TypeKind, TypeRef};
use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/directory")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Lowers a YAML spec on another thread; fails if that takes more than `limit` (a lowering
/// that is exponential in the spec never finishes).
fn lower_within(yaml: String, limit: Duration) -> (Api, Vec<String>) {
    let (send, receive) = mpsc::channel();
    std::thread::spawn(move || {
        let doc = oagen::load::load_str(&yaml, oagen::load::Format::Yaml, "t.yaml").unwrap();
        let (api, warnings) = oagen::lower::lower(&doc).unwrap();
        let warnings = warnings.iter().map(ToString::to_string).collect();
        let _ = send.send((api, warnings));
    });
    receive
        .recv_timeout(limit)
        .unwrap_or_else(|_| panic!("lowering did not finish within {limit:?}"))
}

fn type_named<'a>(api: &'a Api, rust: &str) -> &'a oagen::ir::TypeDef {
    api.types
        .iter()
        .find(|t| t.name.rust == rust)
        .unwrap_or_else(|| panic!("no type {rust}"))
}

fn field_type(api: &Api, ty: &str, field: &str) -> TypeRef {
    let TypeKind::Struct(s) = &type_named(api, ty).kind else {
        panic!("{ty} is not a struct");
    };
    let f = s.fields.iter().find(|f| f.name.wire == field);
    f.unwrap_or_else(|| panic!("{ty} has no field {field}"))
        .ty
        .clone()
}

/// Recursive structures through `allOf` and `$ref`s to inline schemas lower in bounded time
/// to a handful of types; an annotation-only `allOf` branch adds no type.
#[test]
fn recursive_all_of_stays_small() {
    let (api, warnings) = lower_within(fixture("recursive-all-of.yaml"), Duration::from_secs(20));
    assert!(
        api.types.len() <= 8,
        "{} types: {:?}",
        api.types.len(),
        names(&api)
    );
    // `allOf: [{$ref: Node}, {description}]` is a `Node`.
    let node = api
        .types
        .iter()
        .position(|t| t.name.rust == "Node")
        .unwrap();
    assert!(
        matches!(field_type(&api, "Node", "left"), TypeRef::Named(id) | TypeRef::Boxed(id) if id.0 == node)
    );
    // `right` merges `Node` with `weight`: one struct, which contains itself.
    let right = field_type(&api, "Node", "right");
    let (TypeRef::Named(right) | TypeRef::Boxed(right)) = right else {
        panic!("right is {right:?}");
    };
    let right_name = api.types[right.0].name.rust.clone();
    let inner = field_type(&api, &right_name, "right");
    assert!(
        matches!(inner, TypeRef::Named(id) | TypeRef::Boxed(id) if id == right),
        "{inner:?}"
    );
    // The `allOf` cycle between `Loop` and `LoopBack` is reported, not followed forever.
    let text = warnings.join("\n");
    assert!(text.contains("allOf leads back to this schema"), "{text}");
}

/// A chain of components whose properties are `allOf: [{$ref: next}, {description}]` (twice
/// each): the type count is linear in the chain, not 2^length.
#[test]
fn all_of_fan_out_is_linear() {
    let length = 16;
    let mut yaml = String::from(
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n",
    );
    for i in 0..length {
        yaml.push_str(&format!(
            "    S{i}:\n      type: object\n      properties:\n"
        ));
        if i + 1 < length {
            for p in ["a", "b"] {
                yaml.push_str(&format!(
                    "        {p}:\n          allOf:\n            - $ref: '#/components/schemas/S{}'\n            - properties: {{extra_{p}: {{type: string}}}}\n",
                    i + 1
                ));
            }
        } else {
            yaml.push_str("        leaf: {type: string}\n");
        }
    }
    let (api, _) = lower_within(yaml, Duration::from_secs(20));
    assert!(
        api.types.len() <= 4 * length,
        "{} types for a chain of {length}",
        api.types.len()
    );
}

fn names(api: &Api) -> Vec<&str> {
    api.types.iter().map(|t| t.name.rust.as_str()).collect()
}

/// Names oagen derives from method and path never clash; a repeated declared operationId is
/// a warning naming both pointers, and the operation is renamed by its tag.
#[test]
fn derived_and_duplicate_operation_names_are_unique() {
    let (api, warnings) = lower_within(fixture("derived-names.yaml"), Duration::from_secs(20));
    let mut wire: Vec<&str> = api
        .operations
        .iter()
        .map(|o| o.name.wire.as_str())
        .collect();
    wire.sort_unstable();
    assert_eq!(
        wire,
        [
            "get_aliases_v2_trackingId",
            "get_aliases_v2_trackingId_2",
            "get_jobs",
            "get_jobs_2",
            "get_jobs_3",
            "list",
            "models_list"
        ]
    );
    let text = warnings.join("\n");
    assert!(
        text.contains("duplicate operationId `list` (also at /paths/~1voices/get); this operation is named `models_list`"),
        "{text}"
    );
    assert!(
        text.contains("t.yaml#/paths/~1models/get/operationId"),
        "{text}"
    );
}

fn generate(name: &str) -> oagen::Generated {
    oagen::Config::new()
        .root(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/directory"))
        .spec(name)
        .generate()
        .unwrap_or_else(|e| panic!("{name}: {e:?}"))
}

/// A `$ref` in `callbacks` loads (callbacks generate nothing).
#[test]
fn callbacks_may_be_references() {
    let g = generate("callbacks-ref.yaml");
    assert!(g.files[Path::new("src/client.rs")].contains("pub fn subscribe("));
}

/// An `x-` key of the Paths Object is a specification extension, not a path item.
#[test]
fn a_paths_extension_is_not_a_path() {
    let g = generate("paths-extension.yaml");
    let client = &g.files[Path::new("src/client.rs")];
    assert!(client.contains("pub fn list_groups(&self)"), "{client}");
    assert!(!client.contains("codegen"));
}

/// YAML integers outside 64 bits load, as floats.
#[test]
fn yaml_integers_beyond_64_bits_load_as_floats() {
    let doc = oagen::load::load_str(
        &fixture("big-integers.yaml"),
        oagen::load::Format::Yaml,
        "t.yaml",
    )
    .unwrap();
    let seed = &doc.raw["components"]["schemas"]["Seed"];
    assert_eq!(seed["minimum"].as_f64(), Some(-9223372036854776000.0));
    assert!(seed["minimum"].as_i64().is_none());
    assert_eq!(seed["maximum"].as_f64(), Some(18446744073709551616.0));
}

/// No spec text puts a line break or control character where rustc rejects it: every
/// generated Rust file parses, and holds no CR, U+2028/2029 or control character but
/// newline and tab.
#[test]
fn control_characters_in_spec_text_cannot_break_the_code() {
    let g = generate("control-characters.json");
    for (path, text) in &g.files {
        if path.extension().is_some_and(|e| e == "rs") {
            if let Some(c) = text.chars().find(|c| {
                (c.is_control() && *c != '\n' && *c != '\t')
                    || matches!(c, '\u{2028}' | '\u{2029}' | '\u{85}')
            }) {
                panic!("{}: holds {c:?}", path.display());
            }
            syn::parse_file(text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        }
    }
    let types = &g.files[Path::new("src/types.rs")];
    assert!(types.contains("/// An order."), "{types}");
    assert!(types.contains("/// Second line."), "{types}");
}

/// A client whose only generated type is an inline form body imports the types module.
#[test]
fn a_form_body_without_component_schemas_imports_its_type() {
    let g = generate("form-body-only.yaml");
    let client = &g.files[Path::new("src/client.rs")];
    assert!(
        client.contains("types::PostBarcodeDecodeRequest"),
        "{client}"
    );
    assert!(client.contains("use super::types;"), "{client}");
}

/// Lowers fixture `name` through the configured pipeline, as `oagen check` does: the warnings.
fn check_warnings(name: &str, strict: bool) -> Result<Vec<String>, String> {
    oagen::Config::new()
        .root(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/directory"))
        .spec(name)
        .strict(strict)
        .lower_configured()
        .map(|l| l.warnings.iter().map(ToString::to_string).collect())
        .map_err(|e| e.to_string())
}
/// A spec that violates the OpenAPI 3.0 schema is reported, one warning per offending node,
/// with the file and the JSON pointer; the `oneOf` of "Schema or Reference" is reported by its
/// specific cause (a type error inside the Schema alternative), not by the `oneOf` itself.
#[test]
fn schema_violations_are_warnings_with_pointers() {
    let warnings = check_warnings("invalid-schema.yaml", false).unwrap();
    let text = warnings.join("\n");
    assert!(
        text.contains(
            "not valid OpenAPI 3.0: expected object, found string\n  --> invalid-schema.yaml#/components/schemas/Thing/properties"
        ),
        "{text}"
    );
    assert!(
        text.contains("invalid-schema.yaml#/components/schemas/Fine/properties/id/type"),
        "{text}"
    );
    assert!(
        text.contains("invalid-schema.yaml#/paths/~1things/get/parameters/0/schema/required"),
        "{text}"
    );
    assert!(!text.contains("oneOf"), "{text}");
    let per_node: std::collections::BTreeSet<&str> =
        text.lines().filter(|l| l.contains("-->")).collect();
    assert_eq!(
        per_node.len(),
        text.lines().filter(|l| l.contains("-->")).count()
    );
    // Under --strict the violations are errors.
    let err = check_warnings("invalid-schema.yaml", true).unwrap_err();
    assert!(
        err.contains("error: not valid OpenAPI 3.0: expected object, found string"),
        "{err}"
    );
}

/// A document whose skeleton does not load is refused with the schema validation's warnings,
/// which name the exact node (the skeleton's parser only knows the `paths` it failed in).
#[test]
fn a_skeleton_error_comes_with_the_validation_pointer() {
    let err = check_warnings("content-not-a-map.yaml", false).unwrap_err();
    assert!(
        err.contains("does not match the OpenAPI 3 object model"),
        "{err}"
    );
    assert!(
        err.contains("warning: not valid OpenAPI 3.0: expected object, found string\n  --> content-not-a-map.yaml#/paths/~1things/get/responses/200/content"),
        "{err}"
    );
}

/// A response without `description` generates: the validation's warning names it.
#[test]
fn a_missing_response_description_is_a_warning() {
    let warnings = check_warnings("missing-description.yaml", false).unwrap();
    assert!(
        warnings.iter().any(|w| w.contains("warning: not valid OpenAPI 3.0: \"description\" is a required property\n  --> missing-description.yaml#/paths/~1things/get/responses/200")),
        "{warnings:?}"
    );
}

/// The same in 3.1, where every Schema Object is checked against the OpenAPI 3.1 dialect
/// (JSON Schema 2020-12, resolved offline); a valid 3.1 document gives no warning.
#[test]
fn openapi_3_1_schemas_are_validated_against_the_dialect() {
    let spec = |properties: &str| {
        format!(
            r#"{{"openapi":"3.1.0","info":{{"title":"t","version":"1"}},"paths":{{}},
               "components":{{"schemas":{{"A":{{"type":["object","null"],"properties":{properties},
               "if":{{"const":1}},"then":{{}}}}}}}}}}"#
        )
    };
    let validate = |text: String| {
        let raw = oagen::load::parse_str(&text, oagen::load::Format::Json, "a.json").unwrap();
        oagen::validate::validate(&raw, "a.json")
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
    };
    let text = validate(spec(r#""nope""#)).join("\n");
    assert!(
        text.contains("not valid OpenAPI 3.1: expected object, found string\n  --> a.json#/components/schemas/A/properties"),
        "{text}"
    );
    let warnings = validate(spec(r#"{"b":{"type":"string"}}"#));
    assert!(warnings.is_empty(), "{warnings:?}");
}
