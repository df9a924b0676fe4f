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

/// The errors of lowering `yaml`, as text.
fn errors(yaml: &str) -> String {
    let doc = oagen::load::load_str(yaml, oagen::load::Format::Yaml, "t.yaml").unwrap();
    oagen::lower::lower(&doc).unwrap_err().to_string()
}

#[test]
fn type_overrides_that_are_not_type_paths_are_errors_with_their_pointer() {
    let spec = |extension: &str| {
        format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths: {{}}\ncomponents:\n  schemas:\n    A:\n      type: string\n      {extension}\n"
        )
    };
    let err = errors(&spec(
        r#"x-oagen-type: "[u8; { #[used] static X: u8 = 0; 1 }]""#,
    ));
    assert!(
        err.contains("error: `x-oagen-type` is not a Rust type path: an array type")
            && err.contains("t.yaml#/components/schemas/A/x-oagen-type"),
        "{err}"
    );
    let err = errors(&spec(
        r#"x-rust-type: {crate: x, version: '1', path: 'include!("/etc/hostname")'}"#,
    ));
    assert!(
        err.contains("`x-rust-type` is not a Rust type path: a macro")
            && err.contains("t.yaml#/components/schemas/A/x-rust-type"),
        "{err}"
    );
    for bad in [
        "impl Sized",
        "Box<dyn Fn()>",
        "Foo<{ 1 }>",
        "<T as Trait>::X",
        "fn()",
    ] {
        let err = errors(&spec(&format!("x-oagen-type: '{bad}'")));
        assert!(err.contains("is not a Rust type path"), "{bad}: {err}");
    }
    assert!(warnings(&spec(
        "x-oagen-type: 'std::collections::HashMap<String, u8>'"
    ))
    .is_empty());
}
