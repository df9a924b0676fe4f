//! Each rule of the diff on a small spec and its edited copy.

use super::*;

const BASE: &str = r##"openapi: 3.0.3
info: {title: Pets, version: '1'}
servers: [{url: 'https://pets.example'}]
paths:
  /pets:
    post:
      operationId: create_pet
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/NewPet'}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Pet'}
  /pets/{id}:
    get:
      operationId: get_pet
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Pet'}
components:
  schemas:
    NewPet:
      type: object
      required: [name]
      properties:
        name: {type: string}
        kind: {$ref: '#/components/schemas/Kind'}
    Pet:
      type: object
      required: [id, name]
      properties:
        id: {type: string}
        name: {type: string}
        status: {$ref: '#/components/schemas/Status'}
        tag: {type: string, default: none}
    Kind: {type: string, enum: [cat, dog]}
    Status: {type: string, enum: [available, sold]}
    Event:
      type: object
      properties:
        at: {type: string}
"##;

fn api(text: &str) -> Api {
    let doc = crate::load::load_str(text, crate::load::Format::Yaml, "x.yaml")
        .unwrap_or_else(|e| panic!("{e}"));
    crate::lower::lower(&doc)
        .unwrap_or_else(|e| panic!("{e}"))
        .0
}

/// `BASE` with each `(from, to)` replaced (each `from` must occur).
fn edit(edits: &[(&str, &str)]) -> String {
    let mut text = BASE.to_string();
    for (from, to) in edits {
        assert!(text.contains(from), "`{from}` not in the spec");
        text = text.replacen(from, to, 1);
    }
    text
}

fn report(edits: &[(&str, &str)]) -> Report {
    diff(&api(BASE), &api(&edit(edits)))
}

/// The one change of `item` named `name`.
fn only<'a>(r: &'a Report, item: Item, name: Option<&str>) -> &'a Change {
    let found: Vec<&Change> = r
        .changes
        .iter()
        .filter(|c| c.item == item && c.name.as_deref() == name)
        .collect();
    assert_eq!(found.len(), 1, "{item:?} {name:?} in\n{r}");
    found[0]
}

#[test]
fn the_same_spec_has_no_changes() {
    let r = diff(&api(BASE), &api(BASE));
    assert!(r.changes.is_empty(), "{r}");
    assert_eq!(r.bump, Bump::None);
    assert!(r.to_string().contains("No API changes"));
}

#[test]
fn a_removed_operation_breaks() {
    let r = report(&[
        (
            "operationId: get_pet",
            "operationId: fetch_pet\n      deprecated: true",
        ),
        ("get:", "put:"),
    ]);
    let removed = r
        .changes
        .iter()
        .find(|c| c.kind == ChangeKind::Removed && c.item == Item::Operation)
        .unwrap_or_else(|| panic!("{r}"));
    assert_eq!(removed.operation.as_deref(), Some("get_pet"));
    assert!(removed.breaking);
    let added = r
        .changes
        .iter()
        .find(|c| c.kind == ChangeKind::Added && c.item == Item::Operation)
        .unwrap_or_else(|| panic!("{r}"));
    assert_eq!(added.operation.as_deref(), Some("fetch_pet"));
    assert!(!added.breaking);
    assert_eq!(r.bump, Bump::Major);
}

#[test]
fn a_new_operation_is_a_minor_change() {
    let r = report(&[(
            "components:",
            "  /pets/{id}/photo:\n    delete:\n      operationId: delete_photo\n      parameters:\n        - {name: id, in: path, required: true, schema: {type: string}}\n      responses:\n        '204': {description: gone}\ncomponents:",
        )]);
    let c = only(&r, Item::Operation, None);
    assert_eq!((c.kind, c.breaking), (ChangeKind::Added, false));
    assert_eq!(c.operation.as_deref(), Some("delete_photo"));
    assert_eq!(c.new.as_deref(), Some("DELETE /pets/{id}/photo"));
    assert_eq!(r.changes.len(), 1, "{r}");
    assert_eq!(r.bump, Bump::Minor);
}

#[test]
fn an_operation_with_a_new_operation_id_at_the_same_endpoint_is_renamed() {
    let r = report(&[("operationId: get_pet", "operationId: read_pet")]);
    let c = only(&r, Item::Operation, None);
    assert_eq!(c.kind, ChangeKind::Changed);
    assert_eq!(c.operation.as_deref(), Some("read_pet"));
    assert_eq!(c.old.as_deref(), Some("operationId `get_pet`"));
    assert!(c.breaking, "{r}");
    assert!(c
        .reason
        .contains("`Client::get_pet` is now `Client::read_pet`"));
}

#[test]
fn a_new_path_for_the_same_operation_does_not_break() {
    let r = report(&[("/pets/{id}:", "/v2/pets/{id}:")]);
    let c = only(&r, Item::Operation, None);
    assert_eq!(c.kind, ChangeKind::Changed);
    assert!(!c.breaking);
    assert_eq!(c.new.as_deref(), Some("GET /v2/pets/{id}"));
    assert_eq!(r.bump, Bump::Patch);
}

#[test]
fn any_new_parameter_breaks_because_arguments_are_positional() {
    for required in ["true", "false"] {
        let param = format!(
                "- {{name: id, in: path, required: true, schema: {{type: string}}}}\n        - {{name: fields, in: query, required: {required}, schema: {{type: string}}}}"
            );
        let r = report(&[(
            "- {name: id, in: path, required: true, schema: {type: string}}",
            &param,
        )]);
        let c = only(&r, Item::Parameter, Some("fields"));
        assert_eq!(c.kind, ChangeKind::Added);
        assert_eq!(c.operation.as_deref(), Some("get_pet"));
        assert!(c.breaking, "required: {required}: {r}");
        assert_eq!(r.bump, Bump::Major);
    }
}

/// A spec with one list operation `list_pets`: `params` are its query parameters (YAML
/// list items) and `page` the properties of its response beside `items`.
fn list_spec(params: &str, page: &str) -> String {
    format!(
            "openapi: 3.0.3\ninfo: {{title: Pets, version: '1'}}\npaths:\n  /pets:\n    get:\n      operationId: list_pets\n      parameters:\n{params}      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema:\n                type: object\n                required: [items]\n                properties:\n                  items: {{type: array, items: {{type: string}}}}\n{page}"
        )
}

const PAGE: &str = "        - {name: page, in: query, schema: {type: integer}}\n";
const HAS_MORE: &str = "                  has_more: {type: boolean}\n";
const REQUIRED_HAS_MORE: &str = "                required: [items, has_more]\n";

fn list_report(old: (&str, &str), new: (&str, &str)) -> Report {
    let spec = |(params, page): (&str, &str)| {
        let text = list_spec(params, page);
        // A required `has_more` makes the operation a page-numbered list.
        if page.contains("has_more") {
            text.replace("                required: [items]\n", REQUIRED_HAS_MORE)
        } else {
            text
        }
    };
    diff(&api(&spec(old)), &api(&spec(new)))
}

/// The changes of `item` that are about the operation itself, by their new shape.
fn operation_change<'a>(r: &'a Report, new_shape: &str) -> &'a Change {
    r.changes
        .iter()
        .find(|c| {
            c.item == Item::Operation && c.new.as_deref().is_some_and(|n| n.contains(new_shape))
        })
        .unwrap_or_else(|| panic!("no operation change to `{new_shape}` in\n{r}"))
}

#[test]
fn a_method_turning_into_a_builder_breaks_and_its_new_stream_does_not() {
    // The response gains `has_more`: the operation becomes a list, so a builder.
    let r = list_report((PAGE, ""), (PAGE, HAS_MORE));
    let form = operation_change(&r, "request builder `ListPetsRequest`");
    assert!(form.breaking, "{r}");
    assert_eq!(
        form.old.as_deref(),
        Some("positional arguments, returns `runtime::Call`")
    );
    assert!(
        form.reason.contains("now returns a request builder"),
        "{}",
        form.reason
    );
    let stream = operation_change(&r, "ListPetsRequest::stream()");
    assert!(!stream.breaking, "{r}");
    assert_eq!(stream.old.as_deref(), Some("no `.stream()`"));
    // The page parameter is now set with a setter, which the report says.
    let page = only(&r, Item::Parameter, Some("page"));
    assert!(page.breaking);
    assert!(
        page.reason.contains("ListPetsRequest::page"),
        "{}",
        page.reason
    );
    assert_eq!(r.bump, Bump::Major);
}

#[test]
fn an_event_stream_added_is_not_breaking_and_removed_is() {
    let json = r#"{"application/json": {"schema": {"type": "string"}}}"#;
    let both = r#"{"application/json": {"schema": {"type": "string"}}, "text/event-stream": {"schema": {"type": "integer"}}}"#;
    let spec = |content: &str| {
        format!(
            r#"{{"openapi": "3.0.0", "info": {{"title": "t", "version": "1"}}, "paths": {{"/x": {{"post": {{"operationId": "make", "responses": {{"200": {{"description": "ok", "content": {content}}}}}}}}}}}}}"#
        )
    };
    let find = |r: &Report| {
        let found: Vec<bool> = r
            .changes
            .iter()
            .filter(|c| {
                c.old
                    .iter()
                    .chain(&c.new)
                    .any(|t| t.contains("make_stream"))
            })
            .map(|c| c.breaking)
            .collect();
        assert_eq!(found.len(), 1, "{r}");
        found[0]
    };
    assert!(!find(&diff(&api(&spec(json)), &api(&spec(both)))));
    assert!(find(&diff(&api(&spec(both)), &api(&spec(json)))));
}

#[test]
fn a_builder_losing_its_stream_breaks() {
    // Three optional parameters keep the builder; without `has_more` it is no list.
    let params = format!(
            "{PAGE}        - {{name: a, in: query, schema: {{type: string}}}}\n        - {{name: b, in: query, schema: {{type: string}}}}\n"
        );
    let r = list_report((&params, HAS_MORE), (&params, ""));
    let c = operation_change(&r, "no `.stream()`");
    assert!(c.breaking, "{r}");
    assert_eq!(
        c.old.as_deref(),
        Some("`ListPetsRequest::stream()` of String")
    );
    assert!(
        !r.changes
            .iter()
            .any(|c| c.reason.contains("request builder")),
        "the form does not change: {r}"
    );
}

#[test]
fn a_new_optional_parameter_is_a_setter_of_a_builder_and_breaks_nothing() {
    let new_param = format!("{PAGE}        - {{name: q, in: query, schema: {{type: string}}}}\n");
    let r = list_report((PAGE, HAS_MORE), (&new_param, HAS_MORE));
    let c = only(&r, Item::Parameter, Some("q"));
    assert_eq!((c.kind, c.breaking), (ChangeKind::Added, false), "{r}");
    assert!(c.reason.contains("ListPetsRequest::q"), "{}", c.reason);
    assert_eq!(
        c.new.as_deref(),
        Some("Option<String> (optional, in query, setter `.q(…)`)")
    );
    assert_eq!(r.bump, Bump::Minor);
    // The same parameter made required is a new argument: breaking.
    let required = format!(
        "{PAGE}        - {{name: q, in: query, required: true, schema: {{type: string}}}}\n"
    );
    let r = list_report((&new_param, HAS_MORE), (&required, HAS_MORE));
    let c = only(&r, Item::Parameter, Some("q"));
    assert_eq!((c.kind, c.breaking), (ChangeKind::Changed, true), "{r}");
    assert!(c.reason.contains("now an argument"), "{}", c.reason);
}

#[test]
fn an_operation_gaining_its_first_error_changes_its_error_type() {
    let r = report(&[(
            "              schema: {$ref: '#/components/schemas/Pet'}\ncomponents:",
            "              schema: {$ref: '#/components/schemas/Pet'}\n        '404': {description: missing}\ncomponents:",
        )]);
    let c = operation_change(&r, "runtime::Error<GetPetError>");
    assert!(c.breaking, "{r}");
    assert_eq!(c.old.as_deref(), Some("runtime::Error<Infallible>"));
    let missing = only(&r, Item::Response, Some("404"));
    assert!(missing.breaking);
}

#[test]
fn a_parameter_type_change_breaks() {
    let r = report(&[(
        "{name: id, in: path, required: true, schema: {type: string}}",
        "{name: id, in: path, required: true, schema: {type: integer, format: int32}}",
    )]);
    let c = only(&r, Item::Parameter, Some("id"));
    assert_eq!(c.kind, ChangeKind::Changed);
    assert_eq!(c.old.as_deref(), Some("String (required, in path)"));
    assert_eq!(c.new.as_deref(), Some("i32 (required, in path)"));
    assert!(c.breaking);
}

#[test]
fn a_new_required_field_in_a_request_type_breaks() {
    let r = report(&[
        ("required: [name]", "required: [name, age]"),
        (
            "kind: {$ref: '#/components/schemas/Kind'}",
            "kind: {$ref: '#/components/schemas/Kind'}\n        age: {type: integer}",
        ),
    ]);
    let c = only(&r, Item::Field, Some("age"));
    assert_eq!(c.kind, ChangeKind::Added);
    assert_eq!(c.type_name.as_deref(), Some("NewPet"));
    assert_eq!(c.new.as_deref(), Some("i64 (required)"));
    assert!(c.breaking);
    assert!(c.reason.contains("sent in requests"), "{}", c.reason);
    assert!(
        c.reason.contains("NewPet::new` now takes `age`"),
        "{}",
        c.reason
    );
}

#[test]
fn a_new_optional_field_in_a_request_type_is_a_new_setter() {
    let r = report(&[(
        "kind: {$ref: '#/components/schemas/Kind'}",
        "kind: {$ref: '#/components/schemas/Kind'}\n        age: {type: integer}",
    )]);
    let c = only(&r, Item::Field, Some("age"));
    assert_eq!(c.new.as_deref(), Some("Option<i64> (optional)"));
    assert!(!c.breaking, "structs are #[non_exhaustive]: {}", c.reason);
    assert!(c.reason.contains("non_exhaustive"), "{}", c.reason);
}

/// Response types have `new(required…)` too (tests and mocks build them): a new required
/// field changes it, as cargo-semver-checks says (`method_parameter_count_changed`); a new
/// optional field is only a new setter.
#[test]
fn a_new_required_field_in_a_response_type_breaks_its_constructor_an_optional_one_does_not() {
    let r = report(&[
            ("required: [id, name]", "required: [id, name, owner]"),
            (
                "tag: {type: string, default: none}",
                "tag: {type: string, default: none}\n        owner: {type: string}\n        color: {type: string}",
            ),
        ]);
    let owner = only(&r, Item::Field, Some("owner"));
    assert_eq!(
        (owner.kind, owner.breaking),
        (ChangeKind::Added, true),
        "{r}"
    );
    assert!(
        owner.reason.contains("only appears in responses"),
        "{}",
        owner.reason
    );
    assert!(
        owner.reason.contains("::new` now takes `owner`"),
        "{}",
        owner.reason
    );
    let color = only(&r, Item::Field, Some("color"));
    assert_eq!(
        (color.kind, color.breaking),
        (ChangeKind::Added, false),
        "{r}"
    );
    assert!(color.reason.contains("breaks no code"), "{}", color.reason);
    assert_eq!(r.bump, Bump::Major);
}

#[test]
fn a_new_optional_field_in_a_type_no_operation_uses_does_not_break() {
    let r = report(&[(
        "at: {type: string}",
        "at: {type: string}\n        by: {type: string}",
    )]);
    let c = only(&r, Item::Field, Some("by"));
    assert!(!c.breaking, "{r}");
    assert!(c.reason.contains("used by no operation"), "{}", c.reason);
}

#[test]
fn a_removed_response_field_breaks() {
    let r = report(&[(
        "        status: {$ref: '#/components/schemas/Status'}\n",
        "",
    )]);
    let c = only(&r, Item::Field, Some("status"));
    assert_eq!((c.kind, c.breaking), (ChangeKind::Removed, true));
    assert_eq!(c.type_name.as_deref(), Some("Pet"));
}

#[test]
fn a_field_type_or_nullability_change_breaks() {
    let r = report(&[
        ("id: {type: string}", "id: {type: string, format: uuid}"),
        (
            "name: {type: string}\n        status",
            "name: {type: string, nullable: true}\n        status",
        ),
    ]);
    let id = only(&r, Item::Field, Some("id"));
    assert_eq!(id.old.as_deref(), Some("String (required)"));
    assert_eq!(id.new.as_deref(), Some("Uuid (required)"));
    assert!(id.breaking);
    let name = only(&r, Item::Field, Some("name"));
    assert_eq!(name.type_name.as_deref(), Some("Pet"));
    assert_eq!(
        name.new.as_deref(),
        Some("Option<String> (required, nullable)")
    );
    assert!(name.breaking);
}

#[test]
fn a_new_default_does_not_break() {
    let r = report(&[("default: none", "default: unknown")]);
    let c = only(&r, Item::Field, Some("tag"));
    assert_eq!(c.kind, ChangeKind::Changed);
    assert!(!c.breaking);
    assert_eq!(c.new.as_deref(), Some("default \"unknown\""));
    assert_eq!(r.bump, Bump::Patch);
}

#[test]
fn new_and_removed_values_of_a_request_enum_break() {
    // `Kind` is only sent (in `NewPet`): a closed, exhaustive enum.
    let r = report(&[("enum: [cat, dog]", "enum: [cat, bird]")]);
    let bird = only(&r, Item::EnumValue, Some("bird"));
    assert_eq!((bird.kind, bird.breaking), (ChangeKind::Added, true));
    assert_eq!(bird.new.as_deref(), Some("Kind::Bird"));
    assert!(bird.reason.contains("exhaustive"));
    let dog = only(&r, Item::EnumValue, Some("dog"));
    assert_eq!((dog.kind, dog.breaking), (ChangeKind::Removed, true));
    assert_eq!(dog.type_name.as_deref(), Some("Kind"));
}

#[test]
fn a_new_value_of_a_response_enum_does_not_break() {
    // `Status` is read from responses: forward-compatible and `#[non_exhaustive]`.
    let r = report(&[(
        "enum: [available, sold]",
        "enum: [available, sold, pending]",
    )]);
    let pending = only(&r, Item::EnumValue, Some("pending"));
    assert_eq!((pending.kind, pending.breaking), (ChangeKind::Added, false));
    assert!(
        pending.reason.contains("non_exhaustive"),
        "{}",
        pending.reason
    );
    assert_eq!(r.bump, Bump::Minor);
}

#[test]
fn a_new_union_variant_breaks() {
    let union = "    Shape:\n      oneOf:\n        - {$ref: '#/components/schemas/Circle'}\n        - {$ref: '#/components/schemas/Square'}\n      discriminator: {propertyName: kind}\n    Circle:\n      type: object\n      required: [kind]\n      properties:\n        kind: {type: string, enum: [circle]}\n        r: {type: number}\n    Square:\n      type: object\n      required: [kind]\n      properties:\n        kind: {type: string, enum: [square]}\n        side: {type: number}\n    Event:";
    let shape_field = "at: {type: string}\n        shape: {$ref: '#/components/schemas/Shape'}";
    let old = edit(&[("    Event:", union), ("at: {type: string}", shape_field)]);
    let wider = union.replace(
            "        - {$ref: '#/components/schemas/Square'}\n",
            "        - {$ref: '#/components/schemas/Square'}\n        - {$ref: '#/components/schemas/Dot'}\n",
        ) .replace(
            "    Event:",
            "    Dot:\n      type: object\n      required: [kind]\n      properties:\n        kind: {type: string, enum: [dot]}\n    Event:",
        );
    let new = edit(&[("    Event:", &wider), ("at: {type: string}", shape_field)]);
    let r = diff(&api(&old), &api(&new));
    let c = only(&r, Item::UnionVariant, Some("dot"));
    assert_eq!((c.kind, c.breaking), (ChangeKind::Added, true), "{r}");
    assert_eq!(c.type_name.as_deref(), Some("Shape"));
    assert!(r
        .changes
        .iter()
        .any(|c| c.item == Item::Type && c.type_name.as_deref() == Some("Dot") && !c.breaking));
}

#[test]
fn a_new_response_type_breaks_and_a_new_error_status_breaks() {
    let r = report(&[(
            "      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/Pet'}\ncomponents:",
            "      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {type: array, items: {$ref: '#/components/schemas/Pet'}}\n        '404': {description: missing}\ncomponents:",
        )]);
    let ok = only(&r, Item::Response, Some("200"));
    assert_eq!(ok.kind, ChangeKind::Changed);
    assert!(ok.breaking);
    assert!(
        ok.reason.contains("now returns Vec<Pet> instead of Pet"),
        "{}",
        ok.reason
    );
    let missing = only(&r, Item::Response, Some("404"));
    assert_eq!((missing.kind, missing.breaking), (ChangeKind::Added, true));
    assert!(
        missing.reason.contains("GetPetError::NotFound"),
        "{}",
        missing.reason
    );
}

#[test]
fn another_success_status_with_the_same_type_does_not_break() {
    let r = report(&[(
            "      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/Pet'}\n  /pets/{id}:",
            "      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/Pet'}\n        '201':\n          description: created\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/Pet'}\n  /pets/{id}:",
        )]);
    let c = only(&r, Item::Response, Some("201"));
    assert_eq!((c.kind, c.breaking), (ChangeKind::Added, false), "{r}");
    assert!(c.reason.contains("still returns Pet"));
}

#[test]
fn request_body_changes_break() {
    let optional = report(&[(
        "required: true\n        content",
        "required: false\n        content",
    )]);
    let c = only(&optional, Item::RequestBody, None);
    assert_eq!(c.kind, ChangeKind::Changed);
    assert!(c.breaking);
    assert!(c.reason.contains("Option<&T>"), "{}", c.reason);

    let retyped = report(&[(
        "schema: {$ref: '#/components/schemas/NewPet'}",
        "schema: {$ref: '#/components/schemas/Pet'}",
    )]);
    let c = only(&retyped, Item::RequestBody, None);
    assert_eq!(
        c.old.as_deref(),
        Some("NewPet (required, application/json)")
    );
    assert_eq!(c.new.as_deref(), Some("Pet (required, application/json)"));
    assert!(c.breaking);
}

#[test]
fn removed_types_break_and_new_types_do_not() {
    let r = report(&[(
        "    Event:\n      type: object\n      properties:\n        at: {type: string}\n",
        "    Notice:\n      type: object\n      properties:\n        at: {type: string}\n",
    )]);
    let event = r
        .changes
        .iter()
        .find(|c| c.type_name.as_deref() == Some("Event"))
        .unwrap_or_else(|| panic!("{r}"));
    assert_eq!(
        (event.kind, event.item, event.breaking),
        (ChangeKind::Removed, Item::Type, true)
    );
    let notice = r
        .changes
        .iter()
        .find(|c| c.type_name.as_deref() == Some("Notice"))
        .unwrap_or_else(|| panic!("{r}"));
    assert_eq!(
        (notice.kind, notice.item, notice.breaking),
        (ChangeKind::Added, Item::Type, false)
    );
    assert_eq!(notice.new.as_deref(), Some("struct"));
}

#[test]
fn a_type_changing_kind_breaks() {
    let r = report(&[(
        "    Event:\n      type: object\n      properties:\n        at: {type: string}\n",
        "    Event: {type: string, enum: [a]}\n",
    )]);
    let c = only(&r, Item::Type, None);
    assert_eq!((c.kind, c.breaking), (ChangeKind::Changed, true));
    assert_eq!(
        (c.old.as_deref(), c.new.as_deref()),
        (Some("struct"), Some("enum"))
    );
}

#[test]
fn changes_are_sorted_and_reports_deterministic() {
    let edits: &[(&str, &str)] = &[
        (
            "enum: [available, sold]",
            "enum: [sold, available, pending, lost]",
        ),
        ("id: {type: string}", "id: {type: integer}"),
        ("operationId: create_pet", "operationId: add_pet"),
        (
            "servers: [{url: 'https://pets.example'}]",
            "servers: [{url: 'https://pets.example/v2'}]",
        ),
    ];
    let a = report(edits);
    let b = report(edits);
    assert_eq!(a, b);
    let keys: Vec<_> = a.changes.iter().map(Change::sort_key).collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    assert_eq!(a.changes[0].item, Item::Server, "{a}");
    assert_eq!(a.to_string(), b.to_string());
}

#[test]
fn the_text_report_names_the_bump_and_the_pre_1_0_rule() {
    let r = report(&[("enum: [cat, dog]", "enum: [cat, dog, pending]")]);
    let text = r.to_string();
    assert!(
        text.contains("1 changes: 1 breaking, 0 not breaking."),
        "{text}"
    );
    assert!(
        text.contains("Suggested version bump: major (a pre-1.0 crate, 0.y.z, bumps y instead)."),
        "{text}"
    );
    assert!(
        text.contains(
            "Breaking changes (1):\n  - added enum value `pending` of `Kind`: Kind::Pending\n    "
        ),
        "{text}"
    );
}

#[test]
fn the_json_report_has_kind_item_names_and_bump() {
    let r = report(&[("enum: [cat, dog]", "enum: [cat, dog, pending]")]);
    let json = serde_json::to_value(&r).unwrap_or_default();
    assert_eq!(json["bump"], "major");
    let change = &json["changes"][0];
    assert_eq!(change["kind"], "added");
    assert_eq!(change["item"], "enum_value");
    assert_eq!(change["type"], "Kind");
    assert_eq!(change["schema"], "Kind");
    assert_eq!(change["name"], "pending");
    assert_eq!(change["breaking"], true);
    assert!(change.get("operation").is_none());
}

#[test]
fn next_versions_follow_cargo_semver() {
    assert_eq!(Bump::Major.next_version("1.2.3").as_deref(), Some("2.0.0"));
    assert_eq!(Bump::Minor.next_version("1.2.3").as_deref(), Some("1.3.0"));
    assert_eq!(Bump::Patch.next_version("1.2.3").as_deref(), Some("1.2.4"));
    assert_eq!(Bump::None.next_version("1.2.3").as_deref(), Some("1.2.3"));
    assert_eq!(Bump::Major.next_version("0.4.1").as_deref(), Some("0.5.0"));
    assert_eq!(Bump::Minor.next_version("0.4.1").as_deref(), Some("0.4.2"));
    assert_eq!(Bump::Major.next_version("0.0.7").as_deref(), Some("0.0.8"));
    assert_eq!(
        Bump::Minor.next_version("1.0.0-rc.1").as_deref(),
        Some("1.1.0")
    );
    assert_eq!(Bump::Major.next_version("one").as_deref(), None);
    assert_eq!(Bump::Major.next_version("1.2").as_deref(), None);
    assert_eq!(Bump::Major.next_version(&format!("{}.0.0", u64::MAX)), None);
}

#[test]
fn a_malformed_ir_does_not_panic() {
    let mut broken = api(BASE);
    for def in &mut broken.types {
        if let TypeKind::Struct(s) = &mut def.kind {
            for f in &mut s.fields {
                f.ty = TypeRef::Array(Box::new(TypeRef::Named(TypeId(9999))));
            }
        }
    }
    broken.operations[0].security = vec![42];
    let r = diff(&api(BASE), &broken);
    assert!(r.is_breaking());
    assert!(r.to_string().contains("<unknown type #9999>"));
    let _ = diff(&broken, &broken);
}
