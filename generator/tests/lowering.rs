//! Lowering diagnostics on small inline specs: the messages name the file and the JSON
//! pointers involved.

fn warnings(yaml: &str) -> Vec<String> {
    let doc = oagen::load::load_str(yaml, oagen::load::Format::Yaml, "t.yaml").unwrap();
    let (_, warnings) = oagen::lower::lower(&doc).unwrap();
    warnings.iter().map(ToString::to_string).collect()
}

#[test]
fn conflicting_all_of_branches_are_reported_with_both_pointers() {
    let w = warnings(
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    Base:\n      properties:\n        id: {type: string}\n    Child:\n      allOf:\n        - $ref: '#/components/schemas/Base'\n        - properties:\n            id: {type: integer}\n",
    );
    let text = w.join("\n");
    assert!(
        text.contains("allOf branches contradict each other on property `id`"),
        "{text}"
    );
    assert!(
        text.contains("t.yaml#/components/schemas/Child/allOf/1/properties/id"),
        "{text}"
    );
    assert!(
        text.contains("/components/schemas/Base/properties/id"),
        "{text}"
    );
}
