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

#[test]
fn header_and_cookie_names_that_cannot_be_sent_are_left_out_with_a_warning() {
    let yaml = r#"openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /things:
    get:
      operationId: listThings
      security: [{badHeader: []}, {goodHeader: []}, {badCookie: []}]
      parameters:
        - {name: "X Trace", in: header, schema: {type: string}}
        - {name: "X-Request-Id", in: header, schema: {type: string}}
        - {name: "a;b", in: cookie, schema: {type: string}}
        - {name: theme, in: cookie, schema: {type: string}}
        - {name: "q;x", in: query, schema: {type: string}}
      responses: {'204': {description: ok}}
components:
  securitySchemes:
    badHeader: {type: apiKey, in: header, name: "Api:Key"}
    goodHeader: {type: apiKey, in: header, name: X-Api-Key}
    badCookie: {type: apiKey, in: cookie, name: "sess=1"}
"#;
    let doc = oagen::load::load_str(yaml, oagen::load::Format::Yaml, "t.yaml").unwrap();
    let (api, warnings) = oagen::lower::lower(&doc).unwrap();
    let text = warnings
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n");
    for (message, pointer) in [
        (
            "`X Trace` is not an HTTP header name; the parameter is left out",
            "t.yaml#/paths/~1things/get/parameters/0/name",
        ),
        (
            "`a;b` is not a cookie name; the parameter is left out",
            "t.yaml#/paths/~1things/get/parameters/2/name",
        ),
        (
            "`Api:Key` is not an HTTP header name; the scheme is not supported",
            "t.yaml#/components/securitySchemes/badHeader/name",
        ),
        (
            "`sess=1` is not a cookie name",
            "t.yaml#/components/securitySchemes/badCookie/name",
        ),
    ] {
        assert!(
            text.contains(message) && text.contains(pointer),
            "{message} at {pointer}:\n{text}"
        );
    }
    assert_eq!(warnings.len(), 4, "{text}");
    let names: Vec<&str> = api.operations[0]
        .params
        .iter()
        .map(|p| p.name.wire.as_str())
        .collect();
    assert_eq!(names, ["X-Request-Id", "theme", "q;x"]);
    let kinds: Vec<String> = api
        .security_schemes
        .iter()
        .map(|s| format!("{}: {:?}", s.name.wire, s.kind))
        .collect();
    assert_eq!(
        kinds,
        [
            "badHeader: Unsupported",
            "goodHeader: ApiKeyHeader { name: \"X-Api-Key\" }",
            "badCookie: Unsupported"
        ]
    );
}
