//! Generates the Bird Channels SDK from the repository's spec into `OUT_DIR` on every build
//! where the spec or its overlay changed (oagen prints `cargo:rerun-if-changed` for both).

fn main() -> Result<(), oagen::Error> {
    oagen::Config::new()
        // Extra derives for one schema, by its name in the spec.
        .derive("CallContact", &["Eq", "Hash"])
        // The application's own type for a schema.
        .extern_type("TagName", "crate::Tag")
        // HashMap instead of BTreeMap for `additionalProperties` maps.
        .map_type(oagen::MapType::HashMap)
        // Only the operations this application calls.
        .include_operations(&[oagen::Selector::OperationId("patchCall".into())])
        // Fixes to the vendor's spec (OpenAPI Overlay 1.0.0): declares the path parameters
        // Bird's template uses. Given before `compile`, it applies to the spec compiled.
        .overlay("../../specs/bird/overlay.yaml")
        .compile(&["../../specs/bird/patch-call.json"])
}
