//! The `# Examples` section of each client method's documentation: a short `no_run` program
//! that builds the client, passes the required arguments and uses the result. It is
//! compiled as a doctest of the generated crate, so it always shows the real call shape.
//!
//! A required argument is a literal where its type allows one: a string, number or boolean
//! (the spec's `example` when it has the right type), an enum's first value (or the
//! example's), a UUID or date parsed from text. A JSON request body is built with
//! `T::default()` or `T::new(…)` when every constructor argument can be (literals, or
//! structs built the same way, [`BUILD_DEPTH`] levels deep). Any other value is a parameter
//! of the hidden `async fn` around the example, so the example compiles without `todo!()`.
//! Optional positional arguments are `None`; a list's builder shows `.stream()`, a streaming
//! method its event loop.
//!
//! Only a generated crate has examples ([`crate::ir::Settings::doc_examples`]): a build
//! script's module is `include!`d at a path oagen does not know.

use super::{Scope, TypeTokens};
use crate::ir::*;
use crate::naming::Namespace;
use crate::surface::{EventsSurface, OperationSurface, RustType, StdType};
use proc_macro2::Literal;
use serde_json::Value;
use std::collections::BTreeMap;

/// A call in an example's source: `{callee}({args})`.
struct Call {
    /// The path called (`types::Body::new`).
    callee: String,
    /// Each argument's source.
    args: Vec<String>,
}

impl Call {
    /// `{callee}({args})` on one line.
    fn source(&self) -> String {
        format!("{}({})", self.callee, self.args.join(", "))
    }
}

/// `name` as a Rust identifier in source text (`r#type` for a keyword).
fn ident(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 2);
    crate::surface::push_ident(&mut out, name);
    out
}

/// How deep a request body's constructor arguments are built (`A::new(B::new("x"))`).
const BUILD_DEPTH: usize = 2;

/// Which method of the operation the example calls, and what it does with the result.
#[derive(Clone, Copy)]
pub(crate) enum Method<'s> {
    /// The plain method (for a list, its `.stream()`), printing the result.
    Plain,
    /// The method returning a stream of server-sent events.
    Events(&'s EventsSurface),
    /// The plain method, matching its result: the first documented error status by its
    /// typed body, then any server error through `is_server_error()`.
    Errors,
}

/// The `# Examples` section of the method's documentation, or `None` outside a generated
/// crate.
pub(super) fn section(api: &Api, s: &OperationSurface<'_>, method: Method<'_>) -> Option<String> {
    let code = code(api, s, method)?;
    Some(format!("# Examples\n\n```no_run\n{code}\n```"))
}

/// The code of every example a method of `api` may show ([`section`]): the plain method's
/// and, for an operation with an event stream, the streaming method's. The check after
/// rendering ([`crate::guard`]) accepts a runnable code block only when it is one of these.
pub(crate) fn all(api: &Api) -> Vec<String> {
    let mut out = Vec::new();
    for op in &api.operations {
        let s = OperationSurface::of(api, op);
        out.extend(code(api, &s, Method::Plain));
        if let Some(events) = &s.events {
            out.extend(code(api, &s, Method::Events(events)));
        }
    }
    out
}

/// The example's code, as a doctest writes it (the wrapper's lines hidden), or `None`
/// outside a generated crate.
pub(crate) fn code(api: &Api, s: &OperationSurface<'_>, method: Method<'_>) -> Option<String> {
    let module = api.settings.doc_examples.as_deref()?;
    let code = program(api, s, method)?;
    let crate_root = module.split("::").next().unwrap_or(module);
    let mut imports: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut import = |path: &str, name: &str| {
        imports
            .entry(path.to_string())
            .or_default()
            .push(name.to_string());
    };
    if code.contains(".next().await") {
        import("futures", "StreamExt");
    }
    if code.contains("runtime::") {
        import(crate_root, "runtime");
    }
    if code.contains("types::") {
        import(module, "types");
    }
    import(module, "Client");
    if let (Method::Errors, Some(errors)) = (method, &s.errors) {
        import(module, "Error");
        import(module, &errors.name);
    }
    let mut lines: Vec<String> = imports
        .iter()
        .map(|(path, names)| match names.as_slice() {
            [one] => format!("use {path}::{one};"),
            many => format!("use {path}::{{{}}};", many.join(", ")),
        })
        .collect();
    lines.extend(hide_wrapper(&code));
    Some(lines.join("\n"))
}

/// The call of an example, each piece as Rust source: the wrapper's parameters
/// (`name: Type`), the request body's local (`let body = …;`, name and value), the method
/// and its arguments, with the names it has used.
struct Prepared {
    names: Namespace,
    inputs: Vec<String>,
    setup: Option<(String, Call)>,
    method: String,
    args: Vec<String>,
}

impl Prepared {
    /// `client.method(args…)`.
    fn call(&self) -> String {
        format!("client.{}({})", self.method, self.args.join(", "))
    }
}

/// True when the example of the operation's plain method needs no parameter of the
/// hidden function: every argument is a literal.
pub(crate) fn self_contained(api: &Api, s: &OperationSurface<'_>) -> bool {
    prepare(api, s, Method::Plain).inputs.is_empty()
}

fn prepare(api: &Api, s: &OperationSurface<'_>, method: Method<'_>) -> Prepared {
    let mut names = Namespace::with_taken(["client".to_string(), "example".to_string()]);
    let mut inputs = Vec::new();
    let mut setup = None;
    let mut args = Vec::new();
    for p in s.arguments() {
        if !p.param.required {
            args.push("None".to_string());
            continue;
        }
        let placeholder = p.param.name.wire.replace('_', "-");
        match argument_literal(api, &p.param.ty, p.param.example.as_ref(), &placeholder) {
            Some(value) => args.push(value),
            None => {
                let name = ident(&names.claim(&p.name).0);
                let ty = without_lifetimes(&p.passed).tokens(Scope::Client);
                inputs.push(format!("{name}: {ty}"));
                args.push(name);
            }
        }
    }
    if let Some(b) = &s.body {
        let required = b.body.required;
        let wrap = |value: &str| {
            if required {
                value.to_string()
            } else {
                format!("Some({value})")
            }
        };
        match &b.body.kind {
            BodyKind::Json(ty) | BodyKind::Form(ty) => {
                let name = ident(&names.claim("body").0);
                match build(api, ty, BUILD_DEPTH) {
                    Some(value) => setup = Some((name.clone(), value)),
                    None => {
                        let ty = RustType::of(api, ty).tokens(Scope::Client);
                        inputs.push(format!("{name}: {ty}"));
                    }
                }
                args.push(wrap(&format!("&{name}")));
            }
            BodyKind::Multipart(_) => {
                let name = ident(&names.claim("form").0);
                inputs.push(format!("{name}: runtime::Multipart"));
                args.push(wrap(&format!("&{name}")));
            }
            BodyKind::Text => args.push(wrap("\"text\"")),
            BodyKind::Bytes if required => args.push("std::fs::read(\"body.bin\")?".into()),
            BodyKind::Bytes => args.push("Some(std::fs::read(\"body.bin\")?.into())".into()),
            BodyKind::Empty => {}
        }
    }
    let method = match method {
        Method::Plain | Method::Errors => ident(&s.method),
        Method::Events(events) => ident(&events.method),
    };
    Prepared {
        names,
        inputs,
        setup,
        method,
        args,
    }
}

/// The example as a formatted `async fn example(…) -> Result<…> { … }`, parsed and printed
/// by prettyplease.
fn program(api: &Api, s: &OperationSurface<'_>, method: Method<'_>) -> Option<String> {
    let mut prepared = prepare(api, s, method);
    let client = if crate::lower::credentials::credentials(api)
        .iter()
        .any(|c| !c.env.is_empty())
    {
        "Client::from_env()?"
    } else {
        "Client::new()"
    };
    let unit = s.success == RustType::Std(StdType::Unit);
    let call = prepared.call();
    let names = &mut prepared.names;
    let mut loop_over = |stream: String, item_type: &RustType| {
        let item = ident(&names.claim(&value_name(item_type)).0);
        let print = Literal::string(&format!("{{{item}:?}}"));
        format!(
            "let mut stream = {stream}; while let Some({item}) = stream.next().await {{ \
             let {item} = {item}?; println!({print}); }}"
        )
    };
    let use_result = match (method, &s.stream) {
        (Method::Events(events), _) => loop_over(format!("{call}.await?"), &events.item),
        (Method::Plain, Some(pages)) => loop_over(format!("{call}.stream()"), &pages.item),
        (Method::Plain, None) if unit => format!("{call}.await?;"),
        (Method::Plain, None) => {
            let result = ident(&names.claim(&value_name(&s.success)).0);
            let print = Literal::string(&format!("{{{result}:?}}"));
            format!("let {result} = {call}.await?; println!({print});")
        }
        (Method::Errors, _) => match_errors(s, names, &call)?,
    };
    let setup = prepared
        .setup
        .map(|(name, value)| format!("let {name} = {};", value.source()))
        .unwrap_or_default();
    let source = format!(
        "async fn example({}) -> Result<(), Box<dyn std::error::Error>> {{ \
         let client = {client}; {setup} {use_result} Ok(()) }}",
        prepared.inputs.join(", ")
    );
    let file: syn::File = syn::parse_str(&source).ok()?;
    Some(prettyplease::unparse(&file))
}

/// `match` on the call's result: the value, the first documented error status (by its
/// typed body), any other server error, anything else returned.
fn match_errors(s: &OperationSurface<'_>, names: &mut Namespace, call: &str) -> Option<String> {
    let errors = s.errors.as_ref()?;
    let first = errors.variants.first()?;
    let enum_name = ident(&errors.name);
    let variant = super::variant_ident(first);
    let error = ident(&names.claim("error").0);
    let status = match first.response.status {
        StatusMatch::Code(c) => format!("status {c}"),
        StatusMatch::Range(r) => format!("a {r}XX status"),
        StatusMatch::Default => "an error status".to_string(),
    };
    let typed = match &first.payload {
        Some(_) => {
            let print = Literal::string(&format!("{status}: {{{error}:?}}"));
            format!("Err(Error::Api {{ body: {enum_name}::{variant}({error}), .. }}) => eprintln!({print}),")
        }
        None => {
            let print = Literal::string(&status);
            format!("Err(Error::Api {{ body: {enum_name}::{variant}, .. }}) => eprintln!({print}),")
        }
    };
    let ok = if s.success == RustType::Std(StdType::Unit) {
        "Ok(()) => println!(\"done\"),".to_string()
    } else {
        let result = ident(&names.claim(&value_name(&s.success)).0);
        let print = Literal::string(&format!("{{{result}:?}}"));
        format!("Ok({result}) => println!({print}),")
    };
    let server = Literal::string(&format!("server error: {{{error}}}"));
    Some(format!(
        "match {call}.await {{ {ok} {typed} \
         Err({error}) if {error}.is_server_error() => eprintln!({server}), \
         Err({error}) => return Err({error}.into()), }}"
    ))
}

/// The example's lines: the wrapper's signature, `Ok(())` and closing brace hidden (`# `),
/// its body unindented.
fn hide_wrapper(code: &str) -> Vec<String> {
    let lines: Vec<&str> = code.lines().collect();
    // The signature ends at the first unindented line that opens the body.
    let body_start = lines
        .iter()
        .position(|l| !l.starts_with(' ') && l.ends_with('{'))
        .map_or(0, |i| i + 1);
    let body_end = lines.len().saturating_sub(2).max(body_start);
    let hidden = |l: &&str| format!("# {l}");
    lines[..body_start]
        .iter()
        .map(hidden)
        .chain(
            lines[body_start..body_end]
                .iter()
                .map(|l| l.strip_prefix("    ").unwrap_or(l).to_string()),
        )
        .chain(
            lines[body_end..]
                .iter()
                .map(|l| format!("# {}", l.trim_start())),
        )
        .collect()
}

/// A variable name for a value of `ty` (`Call` → `call`), `response` when the type says
/// nothing.
fn value_name(ty: &RustType) -> String {
    let name = match ty {
        RustType::Named(name) => {
            let name = crate::naming::snake_name(name, "response");
            // `AgentResponseModel` → `agent`.
            ["_response_model", "_model", "_response"]
                .iter()
                .find_map(|suffix| name.strip_suffix(suffix))
                .unwrap_or(&name)
                .to_string()
        }
        RustType::Option(inner) | RustType::Box(inner) => return value_name(inner),
        RustType::Vec(_) => "items".to_string(),
        RustType::Std(StdType::String) => "text".to_string(),
        RustType::Std(StdType::Bytes) => "bytes".to_string(),
        _ => "response".to_string(),
    };
    if crate::naming::is_keyword(&name) || matches!(name.as_str(), "self" | "super" | "crate") {
        "response".to_string()
    } else {
        name
    }
}

/// `ty` with every reference's lifetime dropped (`&'a str` → `&str`).
fn without_lifetimes(ty: &RustType) -> RustType {
    match ty {
        RustType::Ref { to, .. } => without_lifetimes(to).reference(false),
        RustType::Option(inner) => without_lifetimes(inner).optional(),
        RustType::Slice(inner) => RustType::Slice(Box::new(without_lifetimes(inner))),
        other => other.clone(),
    }
}

/// A literal for a method argument of type `ty` (the argument's concrete type: `&str`,
/// `i64`, `Uuid`, an enum), from the example when it has the right type, as Rust source.
fn argument_literal(
    api: &Api,
    ty: &TypeRef,
    example: Option<&Value>,
    placeholder: &str,
) -> Option<String> {
    let text = example.and_then(Value::as_str);
    Some(match ty {
        TypeRef::Nullable(inner) => return argument_literal(api, inner, example, placeholder),
        TypeRef::String => Literal::string(text.unwrap_or(placeholder)).to_string(),
        TypeRef::Integer(kind) => {
            let value = example
                .and_then(Value::as_i64)
                .filter(|v| fits(*kind, *v))
                .unwrap_or(1);
            Literal::i64_unsuffixed(value).to_string()
        }
        TypeRef::Number => {
            Literal::f64_unsuffixed(example.and_then(Value::as_f64).unwrap_or(1.0)).to_string()
        }
        TypeRef::Boolean => example.and_then(Value::as_bool).unwrap_or(true).to_string(),
        TypeRef::Uuid => {
            let text = text
                .filter(|t| is_uuid(t))
                .unwrap_or("3c90c3cc-0d44-4b50-8888-8dd25736052a");
            format!("{}.parse()?", Literal::string(text))
        }
        TypeRef::DateTime => "\"2024-01-01T00:00:00Z\".parse()?".to_string(),
        TypeRef::Date => "\"2024-01-01\".parse()?".to_string(),
        TypeRef::Named(_) => enum_value(api, ty, text)?,
        _ => return None,
    })
}

/// A value for a constructor argument (`impl Into<T>`, or for an array any iterable of
/// items): a literal whose type converts, or a struct built in turn.
fn constructor_literal(api: &Api, f: &Field, depth: usize) -> Option<String> {
    literal_into(api, &f.ty, &f.name.wire, depth)
}

fn literal_into(api: &Api, ty: &TypeRef, placeholder: &str, depth: usize) -> Option<String> {
    Some(match ty {
        TypeRef::String => Literal::string(placeholder).to_string(),
        // `1` is an `i32`, which converts into every signed type; unsigned ones need a suffix.
        TypeRef::Integer(IntKind::I32 | IntKind::I64) => "1".to_string(),
        TypeRef::Integer(IntKind::U32) => "1u32".to_string(),
        TypeRef::Integer(IntKind::U64) => "1u64".to_string(),
        TypeRef::Number => "1.0".to_string(),
        TypeRef::Boolean => "true".to_string(),
        TypeRef::Array(item) => format!("[{}]", literal_into(api, item, placeholder, depth)?),
        TypeRef::Named(_) | TypeRef::Boxed(_) => enum_value(api, ty, None)
            .or_else(|| Some(build(api, ty, depth.checked_sub(1)?)?.source()))?,
        _ => return None,
    })
}

/// `types::E::V` for a named enum: the variant of `wanted` (a wire value), else the first.
fn enum_value(api: &Api, ty: &TypeRef, wanted: Option<&str>) -> Option<String> {
    let def = named(api, ty)?;
    let TypeKind::Enum(e) = api.resolve_kind(def) else {
        return None;
    };
    let variant = wanted
        .and_then(|w| e.variants.iter().find(|v| v.wire == w))
        .or_else(|| e.variants.first())?;
    Some(format!(
        "types::{}::{}",
        ident(&def.name.rust),
        ident(&variant.rust)
    ))
}

/// A struct value built from literals: `types::T::default()` when nothing is required, else
/// `types::T::new(…)` when every argument can be written, `depth` levels of structs deep.
fn build(api: &Api, ty: &TypeRef, depth: usize) -> Option<Call> {
    let def = named(api, ty)?;
    let TypeKind::Struct(s) = api.resolve_kind(def) else {
        return None;
    };
    let name = ident(&def.name.rust);
    let plan = crate::surface::StructSurface::of(api, s);
    if plan.args.is_empty() {
        return Some(Call {
            callee: format!("types::{name}::default"),
            args: Vec::new(),
        });
    }
    let args = plan
        .args
        .iter()
        .map(|f| constructor_literal(api, f, depth))
        .collect::<Option<Vec<_>>>()?;
    Some(Call {
        callee: format!("types::{name}::new"),
        args,
    })
}

/// The generated type a reference names, unless the config replaced it with the
/// application's own type.
fn named<'a>(api: &'a Api, ty: &TypeRef) -> Option<&'a TypeDef> {
    let (TypeRef::Named(id) | TypeRef::Boxed(id)) = ty else {
        return None;
    };
    let def = api.types.get(id.0)?;
    (!api.settings.extern_types.contains_key(&def.name.wire)).then_some(def)
}

/// True when `v` is in range of the integer kind.
fn fits(kind: IntKind, v: i64) -> bool {
    match kind {
        IntKind::I32 => i32::try_from(v).is_ok(),
        IntKind::I64 => true,
        IntKind::U32 => u32::try_from(v).is_ok(),
        IntKind::U64 => v >= 0,
    }
}

/// True for the hyphenated UUID form (`8-4-4-4-12` hex digits).
fn is_uuid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12])
        && groups
            .iter()
            .all(|g| g.chars().all(|c| c.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lower::lower_yaml_for_test;

    /// The example of operation `id` (its streaming method when `events`) in a crate whose
    /// API module is `my_api`.
    fn example_of(spec: &str, id: &str, events: bool) -> Option<String> {
        let mut api = lower_yaml_for_test(spec);
        api.settings.doc_examples = Some("my_api".into());
        let op = api
            .operations
            .iter()
            .find(|op| op.name.wire == id)
            .unwrap_or_else(|| panic!("no {id}"));
        let s = OperationSurface::of(&api, op);
        let method = match (&s.events, events) {
            (Some(e), true) => Method::Events(e),
            _ => Method::Plain,
        };
        section(&api, &s, method)
    }

    const SPEC: &str = r#"
openapi: 3.1.0
info: {title: T, version: '1'}
components:
  securitySchemes:
    key: {type: http, scheme: bearer}
  schemas:
    Kind: {type: string, enum: [small, large]}
    Voice:
      type: object
      required: [voice_id, stability]
      properties:
        voice_id: {type: string}
        stability: {type: number}
    Agent:
      type: object
      required: [name, voice, kind, tags]
      properties:
        name: {type: string}
        voice: {$ref: '#/components/schemas/Voice'}
        kind: {$ref: '#/components/schemas/Kind'}
        tags: {type: array, items: {type: string}}
    Choice:
      oneOf:
        - $ref: '#/components/schemas/Voice'
        - {type: string}
    Page:
      type: object
      required: [items, has_more]
      properties:
        items: {type: array, items: {$ref: '#/components/schemas/Agent'}}
        has_more: {type: boolean}
security: [{key: []}]
paths:
  /agents/{agent_id}:
    get:
      operationId: getAgent
      parameters:
        - {name: agent_id, in: path, required: true, schema: {type: string, format: uuid}}
        - {name: kind, in: query, required: true, schema: {$ref: '#/components/schemas/Kind'}, example: large}
        - {name: limit, in: query, required: true, schema: {type: integer}, example: 20}
        - {name: since, in: query, required: true, schema: {type: string, format: date-time}}
        - {name: verbose, in: query, schema: {type: boolean}}
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Agent'}}}}
    delete:
      operationId: deleteAgent
      parameters:
        - {name: agent_id, in: path, required: true, schema: {type: string}, example: agent-7}
        - {name: ids, in: query, required: true, schema: {type: array, items: {type: string}}}
      responses:
        '204': {description: gone}
  /agents:
    post:
      operationId: createAgent
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: '#/components/schemas/Agent'}}}
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Agent'}}}}
    get:
      operationId: listAgents
      parameters:
        - {name: page, in: query, schema: {type: integer}}
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Page'}}}}
  /choices:
    post:
      operationId: choose
      requestBody:
        content: {application/json: {schema: {$ref: '#/components/schemas/Choice'}}}
      responses:
        '204': {description: ok}
"#;

    #[test]
    fn required_arguments_are_literals_from_their_type_or_example() {
        let text = example_of(SPEC, "getAgent", false).unwrap_or_default();
        assert_eq!(
            text,
            "# Examples\n\n```no_run\n\
             use my_api::{types, Client};\n\
             # async fn example() -> Result<(), Box<dyn std::error::Error>> {\n\
             let client = Client::from_env()?;\n\
             let agent = client\n    .get_agent(\n        \"3c90c3cc-0d44-4b50-8888-8dd25736052a\".parse()?,\n        \
             types::Kind::Large,\n        20,\n        \"2024-01-01T00:00:00Z\".parse()?,\n        None,\n    )\n    .await?;\n\
             println!(\"{agent:?}\");\n\
             # Ok(())\n# }\n```"
        );
    }

    #[test]
    fn a_value_without_a_literal_is_a_parameter_of_the_hidden_function() {
        let text = example_of(SPEC, "deleteAgent", false).unwrap_or_default();
        assert!(
            text.contains(
                "# async fn example(ids: &[String]) -> Result<(), Box<dyn std::error::Error>> {\n"
            ),
            "{text}"
        );
        // The spec's example; nothing to print for an empty body.
        assert!(
            text.contains("\nclient.delete_agent(\"agent-7\", ids).await?;\n"),
            "{text}"
        );
        let union = example_of(SPEC, "choose", false).unwrap_or_default();
        assert!(
            union.contains("# async fn example(body: types::Choice)"),
            "{union}"
        );
        assert!(
            union.contains("client.choose(Some(&body)).await?;"),
            "{union}"
        );
    }

    #[test]
    fn a_body_is_built_from_literals_through_nested_constructors() {
        let text = example_of(SPEC, "createAgent", false).unwrap_or_default();
        assert!(
            text.contains(
                "let body = types::Agent::new(\n    \"name\",\n    types::Voice::new(\"voice_id\", 1.0),\n    \
                 types::Kind::Small,\n    [\"tags\"],\n);\n"
            ),
            "{text}"
        );
        assert!(
            text.contains("let agent = client.create_agent(&body).await?;"),
            "{text}"
        );
    }

    #[test]
    fn a_list_shows_its_stream_and_an_event_stream_its_loop() {
        let text = example_of(SPEC, "listAgents", false).unwrap_or_default();
        assert!(
            text.contains("use futures::StreamExt;\nuse my_api::Client;\n"),
            "{text}"
        );
        assert!(text.contains("let mut stream = client.list_agents().stream();\nwhile let Some(agent) = stream.next().await {\n    let agent = agent?;\n"), "{text}");

        let streams = include_str!("../../../tests/fixtures/streams.yaml");
        let events = example_of(streams, "createResponse", true).unwrap_or_default();
        assert!(
            events.contains(
                "let mut stream = client.create_response_stream(&body).await?;\nwhile let Some("
            ),
            "{events}"
        );
    }

    #[test]
    fn a_build_script_module_has_no_example() {
        let api = lower_yaml_for_test(SPEC);
        assert_eq!(api.settings.doc_examples, None);
        let s = OperationSurface::of(&api, &api.operations[0]);
        assert_eq!(section(&api, &s, Method::Plain), None);
    }
}
