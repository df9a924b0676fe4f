//! OpenAPI 3.2 documents are read (and validated against the OpenAPI Initiative's 3.2
//! schema), and a response without `description` (required before 3.2, missing from many
//! real specs) is a warning, not an error.

use std::path::{Path, PathBuf};

/// Writes `text` as `name` under `target/oagen-versions` and lowers it.
fn lower(name: &str, text: &str) -> Result<oagen::Lowered, oagen::Error> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/oagen-versions");
    std::fs::create_dir_all(&dir).unwrap();
    let path: PathBuf = dir.join(name);
    std::fs::write(&path, text).unwrap();
    oagen::Config::new().spec(&path).lower_configured()
}

fn spec(version: &str) -> String {
    format!(
        "openapi: {version}\n\
         info: {{title: Pets, version: '1'}}\n\
         paths:\n  /pets:\n    get:\n      operationId: listPets\n      responses:\n        \
         '200':\n          content:\n            application/json:\n              schema: \
         {{type: array, items: {{type: string}}}}\n"
    )
}

#[test]
fn a_3_2_document_is_read_and_its_response_needs_no_description() {
    let lowered = lower("pets-3.2.yaml", &spec("3.2.0")).expect("3.2 is read");
    assert_eq!(lowered.specs[0].api.operations.len(), 1);
    assert!(
        lowered.warnings.is_empty(),
        "description is optional in 3.2: {:?}",
        lowered.warnings
    );
}

#[test]
fn a_missing_response_description_before_3_2_is_a_warning_at_its_pointer() {
    for version in ["3.0.3", "3.1.0"] {
        let lowered = lower(&format!("pets-{version}.yaml"), &spec(version))
            .unwrap_or_else(|e| panic!("{version}: {e}"));
        assert_eq!(lowered.specs[0].api.operations.len(), 1);
        let warning = lowered
            .warnings
            .iter()
            .map(ToString::to_string)
            .find(|w| w.contains("description"))
            .unwrap_or_else(|| panic!("{version}: {:?}", lowered.warnings));
        assert!(
            warning.contains("/paths/~1pets/get/responses/200"),
            "{warning}"
        );
    }
}

#[test]
fn a_3_2_document_is_validated_against_the_3_2_schema() {
    let text = spec("3.2.0").replace("version: '1'}", "version: '1', bogus: 1}");
    let lowered = lower("pets-3.2-invalid.yaml", &text).expect("a warning, not an error");
    assert!(
        lowered
            .warnings
            .iter()
            .any(|w| w.to_string().contains("not valid OpenAPI 3.2")),
        "{:?}",
        lowered.warnings
    );
}

/// Pydantic writes `#/$defs/X` inside a component whose own `$defs` holds `X` (Mistral's
/// spec): strictly `#` is the document root, but the meaning is clear, so it resolves in the
/// nearest enclosing schema, with a warning naming the reference.
#[test]
fn a_defs_reference_resolves_in_the_enclosing_schema_with_a_warning() {
    let text = "openapi: 3.1.0\n\
        info: {title: Audio, version: '1'}\n\
        paths: {}\n\
        components:\n  schemas:\n    Stream:\n      type: object\n      \
        $defs:\n        Delta: {type: object, properties: {audio: {type: string}}}\n      \
        properties:\n        delta: {$ref: '#/$defs/Delta'}\n";
    let lowered = lower("defs.yaml", text).expect("the reference resolves");
    let warning = lowered
        .warnings
        .iter()
        .map(ToString::to_string)
        .find(|w| w.contains("#/$defs/Delta"))
        .unwrap_or_else(|| panic!("{:?}", lowered.warnings));
    assert!(
        warning.contains("#/components/schemas/Stream/$defs/Delta")
            && warning.contains("/components/schemas/Stream/properties/delta"),
        "{warning}"
    );
    let api = &lowered.specs[0].api;
    assert!(
        api.types.iter().any(|t| t.name.rust.contains("Delta")),
        "{:?}",
        api.types.iter().map(|t| &t.name.rust).collect::<Vec<_>>()
    );
}

/// A keyword written one level too deep (`properties: {required: [...]}`) is not a
/// property: a warning at its pointer, and generation goes on without it.
#[test]
fn a_keyword_in_the_wrong_place_is_skipped_with_a_warning() {
    let text = "openapi: 3.0.3\n\
        info: {title: t, version: '1'}\n\
        paths: {}\n\
        components:\n  schemas:\n    A:\n      type: object\n      properties:\n        \
        name: {type: string}\n        required: [name]\n";
    let lowered = lower("misplaced.yaml", text).expect("a warning, not an error");
    let warning = lowered
        .warnings
        .iter()
        .map(ToString::to_string)
        .find(|w| w.contains("not a schema"))
        .unwrap_or_else(|| panic!("{:?}", lowered.warnings));
    assert!(
        warning.contains("/components/schemas/A/properties/required"),
        "{warning}"
    );
    let api = &lowered.specs[0].api;
    let a = api.types.iter().find(|t| t.name.rust == "A").unwrap();
    let oagen::ir::TypeKind::Struct(s) = &a.kind else {
        panic!("{:?}", a.kind)
    };
    let names: Vec<&str> = s.fields.iter().map(|f| f.name.wire.as_str()).collect();
    assert_eq!(names, ["name"]);
}
