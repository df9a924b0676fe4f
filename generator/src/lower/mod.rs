//! Stage 2, **lower**: [`Document`] → [`Api`] (the IR). The only module that knows
//! `openapiv3`.
//!
//! Runs as a visible list of passes:
//! 1. `lower_components` — every component schema becomes a named type (rules in `lower/schema.rs`);
//! 2. `lower_operations` — paths, parameters, bodies, responses, security;
//! 3. `names::prefer_names` — better names for inline types when unique (shared copies named
//!    by what their places agree on, no stutter; rules in `lower/names.rs`), then
//!    `assign_names` — Rust names, unique per namespace, claimed in a deterministic order;
//! 4. `break_cycles` — boxes the fields that make a type contain itself;
//! 5. `pagination::detect_all` — recognises paginated list operations (rules in
//!    `lower/pagination.rs`).

pub(crate) mod credentials;
mod events;
mod extensions;
mod names;
pub(crate) mod pagination;
mod schema;

pub(crate) use extensions::{type_path, TYPE_PATH_HINT};

use crate::diag::{Diagnostic, Diagnostics, Error, Origin};
use crate::ir::*;
use crate::load::{escape_pointer, Document, Member};
use crate::naming::{self, Namespace};
use openapiv3::ReferenceOr;
use rustc_hash::FxHashMap;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// State shared by the lowering passes.
pub(crate) struct Lowering<'a> {
    file: &'a str,
    raw: &'a Value,
    types: Vec<TypeDef>,
    /// Component schema pointer → its type.
    components: BTreeMap<String, TypeId>,
    /// Structural keys of composite component schemas → type (inline copies use it).
    structural: FxHashMap<Vec<u8>, TypeId>,
    /// Structural keys of inline composite schemas → every type made from such a copy.
    duplicates: FxHashMap<Vec<u8>, Vec<TypeId>>,
    /// Pointers of FastAPI `Undefined` sentinel schemas.
    sentinels: BTreeSet<String>,
    /// Inline schemas by JSON pointer: each is lowered once, however many paths reach it.
    inline: FxHashMap<String, schema::InlineUse>,
    /// Object schemas merged from `allOf`, by the pointer of the schema that has the `allOf`.
    merged: std::cell::RefCell<FxHashMap<String, Option<std::rc::Rc<schema::Merged>>>>,
    /// The pointer and node of the parent of the last schema checked to be the document's
    /// node (see `Lowering::is_document_node`).
    last_parent: (String, Option<&'a Value>),
    /// `$ref`s to parameters, request bodies and responses already read: see
    /// [`Lowering::resolve_node`].
    resolved: RefMemo<'a>,
    diags: Diagnostics,
}

impl<'a> Lowering<'a> {
    fn new_type(&mut self, name: Name, origin: Origin, docs: Docs) -> TypeId {
        let id = TypeId(self.types.len());
        self.types.push(TypeDef {
            name,
            origin,
            docs,
            kind: TypeKind::Pending,
            serde: SerdeImpls::default(),
        });
        id
    }
}

/// Lowers a loaded document. Returns the API and the warnings.
///
/// # Errors
/// [`Error::Spec`] with every error found (dangling `$ref`, path parameter missing from its
/// template, duplicate operationId, …) together with the warnings.
pub fn lower(doc: &Document) -> Result<(Api, Vec<Diagnostic>), Error> {
    lower_with(&doc.file, &doc.raw, || Some(&doc.skeleton))
        .unwrap_or_else(|| unreachable!("the document's skeleton is given"))
}

/// [`lower`] of the document `raw` (of `file`) whose skeleton (see [`Document::skeleton`])
/// `skeleton` gives. It is asked for only once the component schemas are lowered, so it
/// can be read on another thread meanwhile; when it gives none (the skeleton could not be
/// read, an error its reader reports), lowering stops and returns `None`.
pub(crate) fn lower_with<'s>(
    file: &str,
    raw: &Value,
    skeleton: impl FnOnce() -> Option<&'s openapiv3::OpenAPI>,
) -> Option<Result<(Api, Vec<Diagnostic>), Error>> {
    let mut l = Lowering {
        file,
        raw,
        types: Vec::new(),
        components: BTreeMap::new(),
        structural: FxHashMap::default(),
        duplicates: FxHashMap::default(),
        sentinels: BTreeSet::new(),
        inline: FxHashMap::default(),
        merged: Default::default(),
        last_parent: Default::default(),
        resolved: RefMemo::default(),
        diags: Diagnostics::default(),
    };
    l.lower_components();
    let skeleton = skeleton()?;
    let security_schemes = l.lower_security_schemes(skeleton);
    let operations = l.lower_operations(skeleton, &security_schemes);
    let webhooks = l.lower_webhooks();
    let mut api = Api {
        file: file.to_string(),
        title: skeleton.info.title.clone(),
        version: skeleton.info.version.clone(),
        description: skeleton.info.description.clone(),
        servers: lower_servers(&skeleton.servers),
        types: l.types,
        operations,
        security_schemes,
        webhooks,
        webhook_scheme: extensions::webhook_scheme(raw, file, &mut l.diags),
        settings: Settings::default(),
    };
    let mut diags = l.diags;
    for (key, text) in [("title", &api.title), ("version", &api.version)] {
        if text.chars().any(char::is_control) {
            diags.warn(
                Origin::new(file, format!("/info/{key}")),
                format!(
                    "`info.{key}` holds control characters or line breaks; they are written as \
                     spaces wherever it appears (Cargo.toml, README, docs)"
                ),
            );
        }
    }
    let groups = merge_duplicates(&mut api, l.duplicates);
    open_response_types(&mut api);
    let present = extensions::present(raw);
    let overrides = if present.names {
        extensions::read(&api, raw, &mut diags)
    } else {
        extensions::Overrides::default()
    };
    names::prefer_names(&mut api, raw, &groups, &overrides);
    assign_names(&mut api, &overrides, &mut diags);
    if present.variants {
        extensions::name_variants(&mut api, raw, &mut diags);
    }
    events::resolve_operations(&mut api);
    if present.types {
        api.settings.extern_types = extensions::extern_types(&api, raw, &mut diags);
    }
    check_alias_cycles(&mut api, &mut diags);
    break_cycles(&mut api);
    pagination::detect_all(&mut api);
    Some(diags.finish().map(|warnings| (api, warnings)))
}

/// How `oagen check` describes an operation recognised (or configured) as a paginated list:
/// its parameter, items and end (`None` when it is not one).
pub fn describe_pagination(api: &Api, op: &Operation) -> Option<String> {
    Some(pagination::describe(api, op, op.pagination.as_ref()?))
}

/// Lowers a YAML spec for a unit test; panics (in the test) on any error.
#[cfg(test)]
pub(crate) fn lower_yaml_for_test(text: &str) -> Api {
    let doc = crate::load::load_str(text, crate::load::Format::Yaml, "x.yaml")
        .unwrap_or_else(|e| panic!("{e}"));
    lower(&doc).unwrap_or_else(|e| panic!("{e}")).0
}

impl<'a> Lowering<'a> {
    /// Follows a `$ref` (to components or anywhere else in the document, through chains of
    /// references) and reads the object it reaches as a `T`: the object, its pointer and
    /// the document's node there. Schemas inside it are blanked first: they are read from
    /// the raw document by pointer, never through `openapiv3`.
    fn resolve_node<T: Resolvable<'a>>(
        &mut self,
        reference: &str,
        at: &str,
        what: &str,
    ) -> Option<Found<'a, T>> {
        // A shared parameter or response is referenced by thousands of operations (Microsoft
        // Graph): it is read once, and shared, not copied, by each use. A failure is not
        // kept, so each use reports it.
        if let Some(done) = T::memo(&mut self.resolved).get(reference) {
            return Some(done.clone());
        }
        let (item, pointer) = self.resolve_uncached::<T>(reference, at, what)?;
        let node = crate::load::lookup(self.raw, &pointer);
        let found = Found {
            item: std::rc::Rc::new(item),
            pointer,
            node,
        };
        T::memo(&mut self.resolved).insert(reference.to_string(), found.clone());
        Some(found)
    }

    /// [`Lowering::resolve_node`]'s reading, without its memo.
    fn resolve_uncached<T: serde::de::DeserializeOwned>(
        &mut self,
        reference: &str,
        at: &str,
        what: &str,
    ) -> Option<(T, String)> {
        let mut current = reference.to_string();
        for _ in 0..32 {
            let Some(pointer) = crate::load::ref_pointer(&current) else {
                self.diags.error(
                    Origin::new(self.file, at),
                    format!("external reference `{current}` is not supported"),
                );
                return None;
            };
            let Some(node) = crate::load::lookup(self.raw, &pointer) else {
                self.diags.error(
                    Origin::new(self.file, at),
                    format!("`$ref: {reference}` points at no {what}"),
                );
                return None;
            };
            if let Some(next) = node.member("$ref").and_then(Value::as_str) {
                current = next.to_string();
                continue;
            }
            return match serde_json::from_value(crate::load::blanked_clone(node)) {
                Ok(item) => Some((item, pointer)),
                Err(e) => {
                    self.diags.error(
                        Origin::new(self.file, pointer),
                        format!("not a valid {what}: {e}"),
                    );
                    None
                }
            };
        }
        self.diags.error(
            Origin::new(self.file, at),
            format!("`$ref: {reference}` is part of a reference cycle"),
        );
        None
    }

    fn lower_security_schemes(&mut self, api: &openapiv3::OpenAPI) -> Vec<SecurityScheme> {
        let mut out = Vec::new();
        let Some(components) = &api.components else {
            return out;
        };
        for (name, scheme) in &components.security_schemes {
            let origin = Origin::new(
                self.file,
                format!("/components/securitySchemes/{}", escape_pointer(name)),
            );
            let ReferenceOr::Item(scheme) = scheme else {
                self.diags.warn(
                    origin,
                    "referenced security schemes are not supported; ignored",
                );
                continue;
            };
            let (kind, description) = match scheme {
                openapiv3::SecurityScheme::HTTP {
                    scheme,
                    description,
                    ..
                } => {
                    let kind = match scheme.to_ascii_lowercase().as_str() {
                        "bearer" => SecurityKind::Http {
                            scheme: "Bearer".to_string(),
                        },
                        "basic" => SecurityKind::HttpBasic,
                        _ => SecurityKind::Http {
                            scheme: scheme.clone(),
                        },
                    };
                    (kind, description.clone())
                }
                openapiv3::SecurityScheme::APIKey {
                    location,
                    name,
                    description,
                    ..
                } => {
                    let (kind, place) = match location {
                        openapiv3::APIKeyLocation::Header => (
                            SecurityKind::ApiKeyHeader { name: name.clone() },
                            ParamLocation::Header,
                        ),
                        openapiv3::APIKeyLocation::Query => (
                            SecurityKind::ApiKeyQuery { name: name.clone() },
                            ParamLocation::Query,
                        ),
                        openapiv3::APIKeyLocation::Cookie => (
                            SecurityKind::ApiKeyCookie { name: name.clone() },
                            ParamLocation::Cookie,
                        ),
                    };
                    match wire_name_error(place, name) {
                        None => (kind, description.clone()),
                        Some(reason) => {
                            let at = Origin::new(self.file, [&origin.pointer, "/name"].concat());
                            self.diags.warn(
                                at,
                                format!("{reason}; the scheme is not supported, nothing is sent"),
                            );
                            (SecurityKind::Unsupported, description.clone())
                        }
                    }
                }
                openapiv3::SecurityScheme::OAuth2 {
                    flows, description, ..
                } => {
                    let (token_url, scopes) = match &flows.client_credentials {
                        Some(flow) => (
                            Some(flow.token_url.clone()),
                            flow.scopes.keys().cloned().collect(),
                        ),
                        None => (None, Vec::new()),
                    };
                    (
                        SecurityKind::OAuth2 { token_url, scopes },
                        description.clone(),
                    )
                }
                openapiv3::SecurityScheme::OpenIDConnect { description, .. } => (
                    SecurityKind::OAuth2 {
                        token_url: None,
                        scopes: Vec::new(),
                    },
                    description.clone(),
                ),
            };
            out.push(SecurityScheme {
                name: Name {
                    wire: name.clone(),
                    rust: naming::snake_name(name, "credential"),
                },
                kind,
                description,
            });
        }
        out
    }

    fn lower_operations(
        &mut self,
        api: &openapiv3::OpenAPI,
        schemes: &[SecurityScheme],
    ) -> Vec<Operation> {
        let mut ops = Vec::new();
        let raw = self.raw;
        let paths = match raw.member("paths") {
            None => None,
            Some(Value::Object(paths)) => Some(paths),
            Some(_) => {
                self.diags.error(
                    Origin::new(self.file, "/paths"),
                    "`paths` is not an object (OpenAPI 3.x, Paths Object)",
                );
                None
            }
        };
        // `x-` keys of the Paths Object are specification extensions, not paths (OpenAPI
        // 3.x, Paths Object: "This object MAY be extended with Specification Extensions").
        let items = || {
            paths
                .into_iter()
                .flatten()
                .filter(|(path, _)| !path.starts_with("x-"))
        };
        let mut names = OperationNames::new(items().map(|(_, item)| item));
        // Each path item is read into the `openapiv3` model just before it is lowered, on a
        // thread of its own: reading the next items overlaps lowering this one.
        let file = self.file;
        let read = items().map(|(path, node)| {
            let path_pointer = ["/paths/", &escape_pointer(path)].concat();
            // Boxed: a path item is kilobytes, moved through the queue and out of it.
            let item = crate::load::path_item(node, file, &path_pointer).map(Box::new);
            (path, node, path_pointer, item)
        });
        crate::parallel::pipelined(read, |(path, path_node, path_pointer, item)| {
            let item = match item {
                Ok(item) => item,
                Err(Error::Spec(diags)) => {
                    diags.into_iter().for_each(|d| self.diags.push(d));
                    return;
                }
                Err(other) => {
                    self.diags
                        .error(Origin::new(self.file, path_pointer), other.to_string());
                    return;
                }
            };
            let ReferenceOr::Item(item) = &*item else {
                self.diags.warn(
                    Origin::new(self.file, path_pointer),
                    "path item `$ref`s are not supported; path skipped",
                );
                return;
            };
            for (method_name, op) in item.iter() {
                let op_pointer = [&path_pointer, "/", method_name].concat();
                let Some(method) = Method::parse(method_name) else {
                    self.diags.warn(
                        Origin::new(self.file, op_pointer),
                        format!("`{method_name}` is not an HTTP method of a path item; skipped"),
                    );
                    continue;
                };
                let wire_id = match names.claim(op, method_name, path, &op_pointer) {
                    Ok(id) => id,
                    Err((id, declared, previous)) => {
                        self.diags.push(
                            Diagnostic::warning(
                                Origin::new(self.file, format!("{op_pointer}/operationId")),
                                format!(
                                    "duplicate operationId `{declared}` (also at {previous}); this operation is named `{id}`"
                                ),
                            )
                            .with_hint("operationIds must be unique within a document (OpenAPI 3.x, Operation Object)"),
                        );
                        id
                    }
                };
                let hint = naming::camel_part(&wire_id, "Operation");
                let origin = Origin::new(self.file, op_pointer.clone());
                let (template, template_params) = parse_template(path);
                // The operation's node: what lowering reads below it is found from here,
                // not by a pointer walked from the root through the (long) path's key.
                let op_node = path_node.member(method_name);
                let params = self.lower_params(
                    Level {
                        params: &item.parameters,
                        pointer: &path_pointer,
                        node: Some(path_node),
                    },
                    Level {
                        params: &op.parameters,
                        pointer: &op_pointer,
                        node: op_node,
                    },
                    &template_params,
                    &hint,
                );
                let body = op.request_body.as_ref().and_then(|b| {
                    let node = op_node.and_then(|op| op.member("requestBody"));
                    let pointer = [&op_pointer, "/requestBody"].concat();
                    self.lower_request_body(b, &pointer, node, &hint)
                });
                let responses = self.lower_responses(&op.responses, &op_pointer, op_node, &hint);
                let requirements = op.security.as_ref().or(api.security.as_ref());
                let mut security = Vec::new();
                for requirement in requirements.into_iter().flatten() {
                    for name in requirement.keys() {
                        match schemes.iter().position(|s| &s.name.wire == name) {
                            Some(i) if !security.contains(&i) => security.push(i),
                            Some(_) => {}
                            None => self.diags.warn(
                                origin.clone(),
                                format!("security requirement names unknown scheme `{name}`"),
                            ),
                        }
                    }
                }
                ops.push(Operation {
                    pagination: None,
                    events: None,
                    idempotency_key: None,
                    name: Name::wire(wire_id),
                    method,
                    tags: op.tags.clone(),
                    path: template,
                    params,
                    body,
                    responses,
                    security,
                    docs: Docs {
                        title: op.summary.clone(),
                        description: op.description.clone(),
                        notes: Vec::new(),
                    },
                    origin,
                });
            }
        });
        ops
    }

    fn lower_params(
        &mut self,
        path_level: Level,
        op_level: Level,
        template_params: &[String],
        hint: &str,
    ) -> Vec<Param> {
        let op_pointer = op_level.pointer;
        // (location, name) → (parameter data, pointer, node); operation level overrides path
        // level.
        type Declared<'n> = (
            (ParamLocation, String),
            Held<'n, openapiv3::Parameter>,
            String,
            Option<&'n Value>,
        );
        let mut declared: Vec<Declared> = Vec::new();
        for level in [path_level, op_level] {
            let base = level.pointer;
            let nodes = level
                .node
                .and_then(|n| n.member("parameters"))
                .and_then(Value::as_array);
            for (i, p) in level.params.iter().enumerate() {
                let at = [base, "/parameters/", &i.to_string()].concat();
                let (param, pointer, node) = match p {
                    ReferenceOr::Item(param) => {
                        (Held::Inline(param), at, nodes.and_then(|n| n.get(i)))
                    }
                    ReferenceOr::Reference { reference } => {
                        match self.resolve_node(reference, &at, "parameter") {
                            Some(found) => (Held::Shared(found.item), found.pointer, found.node),
                            None => continue,
                        }
                    }
                };
                let (location, data) = param_data(&param);
                let key = (location, data.name.clone());
                declared.retain(|(k, _, _, _)| *k != key);
                declared.push((key, param, pointer, node));
            }
        }

        let mut params = Vec::new();
        // Path parameters in template order; undeclared ones are inferred as strings.
        for name in template_params {
            let found = declared
                .iter()
                .position(|((loc, n), _, _, _)| *loc == ParamLocation::Path && n == name);
            match found {
                Some(i) => {
                    let (_, param, pointer, node) = declared.remove(i);
                    params.push(self.param(&param, (&pointer, node), hint, true));
                }
                None => {
                    self.diags.push(
                        Diagnostic::warning(
                            Origin::new(self.file, op_pointer),
                            format!(
                                "path parameter `{name}` appears in the path template but is not declared; sent as a string"
                            ),
                        )
                        .with_hint("declare it under `parameters` with `in: path`"),
                    );
                    params.push(Param {
                        name: Name::wire(name.clone()),
                        location: ParamLocation::Path,
                        ty: TypeRef::String,
                        required: true,
                        style: None,
                        explode: None,
                        default: None,
                        minimum: None,
                        example: None,
                        docs: Docs {
                            notes: vec![
                                "Not declared in the spec; inferred from the path template.".into(),
                            ],
                            ..Docs::default()
                        },
                        origin: Origin::new(self.file, op_pointer),
                    });
                }
            }
        }
        for ((location, name), param, pointer, node) in declared {
            if location == ParamLocation::Path {
                self.diags.error(
                    Origin::new(self.file, pointer),
                    format!("path parameter `{name}` has no place in the path template"),
                );
                continue;
            }
            if let Some(reason) = wire_name_error(location, &name) {
                self.diags.warn(
                    Origin::new(self.file, [&pointer, "/name"].concat()),
                    format!("{reason}; the parameter is left out"),
                );
                continue;
            }
            params.push(self.param(&param, (&pointer, node), hint, false));
        }
        params
    }

    /// The parameter `param`, declared at `at` (its pointer and the document's node there).
    fn param(
        &mut self,
        param: &openapiv3::Parameter,
        at: (&str, Option<&Value>),
        hint: &str,
        force_required: bool,
    ) -> Param {
        let raw = self.raw;
        let (pointer, node) = at;
        debug_assert!(crate::load::is_node_at(raw, pointer, node), "{pointer}");
        let (location, data) = param_data(param);
        let (schema_pointer, schema_node) = match &data.format {
            openapiv3::ParameterSchemaOrContent::Schema(_) => (
                [pointer, "/schema"].concat(),
                node.and_then(|p| p.member("schema")),
            ),
            openapiv3::ParameterSchemaOrContent::Content(content) => {
                let mt = content.keys().next().cloned().unwrap_or_default();
                let schema = node
                    .and_then(|p| p.member("content"))
                    .and_then(|c| c.get(&mt))
                    .and_then(|m| m.member("schema"));
                (
                    format!("{pointer}/content/{}/schema", escape_pointer(&mt)),
                    schema,
                )
            }
        };
        let ty = match schema_node {
            Some(schema) => {
                let param_hint = [hint, &naming::camel_part(&data.name, "Param")].concat();
                self.lower_use(schema, &schema_pointer, &param_hint).ty
            }
            None => TypeRef::String,
        };
        let schema = schema_node
            .and_then(|s| crate::load::follow_refs(raw, s, &schema_pointer))
            .map(|(s, _)| s);
        Param {
            name: Name::wire(data.name.clone()),
            location,
            ty,
            required: data.required || force_required,
            style: node
                .and_then(|p| p.member("style"))
                .and_then(Value::as_str)
                .and_then(ParamStyle::parse),
            explode: node
                .and_then(|p| p.member("explode"))
                .and_then(Value::as_bool),
            default: schema.and_then(|s| s.member("default")).cloned(),
            minimum: schema.and_then(|s| match s.member("minimum") {
                Some(Value::Number(n)) => Some(n.clone()),
                _ => None,
            }),
            example: node
                .and_then(example_of)
                .or_else(|| schema.and_then(example_of)),
            docs: Docs {
                description: data.description.clone(),
                ..Docs::default()
            },
            origin: Origin::new(self.file, pointer),
        }
    }

    /// The request body `body`, at `pointer` (`node`, the document's node there).
    fn lower_request_body(
        &mut self,
        body: &ReferenceOr<openapiv3::RequestBody>,
        pointer: &str,
        node: Option<&Value>,
        hint: &str,
    ) -> Option<Body> {
        let (body, pointer, node) = match body {
            ReferenceOr::Item(b) => (Held::Inline(b), pointer.to_string(), node),
            ReferenceOr::Reference { reference } => {
                let found = self.resolve_node(reference, pointer, "request body")?;
                (Held::Shared(found.item), found.pointer, found.node)
            }
        };
        let (content_type, mut kind) = self.lower_content(
            body.content.keys(),
            (&pointer, node),
            &[hint, "Request"].concat(),
        );
        let media = content_type
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        if kind == BodyKind::Bytes && media == "application/x-www-form-urlencoded" {
            let schema_pointer =
                format!("{pointer}/content/{}/schema", escape_pointer(&content_type));
            let raw = self.raw;
            if let Some(schema) = crate::load::lookup(raw, &schema_pointer) {
                let shape = self.lower_use(schema, &schema_pointer, &format!("{hint}Request"));
                kind = BodyKind::Form(shape.ty);
            }
        } else if kind == BodyKind::Bytes && is_text(&media) {
            kind = BodyKind::Text;
        } else if kind == BodyKind::Bytes && media == "multipart/form-data" {
            let schema_pointer =
                format!("{pointer}/content/{}/schema", escape_pointer(&content_type));
            let raw = self.raw;
            let fields = crate::load::lookup(raw, &schema_pointer)
                .and_then(|schema| self.resolve_object(schema, &schema_pointer).0)
                .map(|object| form_fields(object.schema()))
                .unwrap_or_default();
            kind = BodyKind::Multipart(fields);
        }
        // A nullable request schema: not sending the body is how a client says `null`.
        if let BodyKind::Json(TypeRef::Nullable(inner)) = kind {
            kind = BodyKind::Json(*inner);
        }
        Some(Body {
            content_type,
            kind,
            required: body.required,
        })
    }

    /// Picks the media type (JSON first) and lowers its schema; `at` is the pointer of the
    /// object holding `content` and the document's node there.
    fn lower_content<'k>(
        &mut self,
        media_types: impl Iterator<Item = &'k String> + Clone,
        at: (&str, Option<&Value>),
        hint: &str,
    ) -> (String, BodyKind) {
        let (pointer, node) = at;
        let json = media_types.clone().find(|mt| is_json(mt));
        let Some(mt) = json.or_else(|| media_types.clone().next()) else {
            return (String::new(), BodyKind::Empty);
        };
        if !is_json(mt) {
            return (mt.clone(), BodyKind::Bytes);
        }
        let schema_pointer = [pointer, "/content/", &escape_pointer(mt), "/schema"].concat();
        let schema = node
            .and_then(|n| n.member("content"))
            .and_then(|c| c.member(mt))
            .and_then(|m| m.member("schema"));
        debug_assert!(
            crate::load::is_node_at(self.raw, &schema_pointer, schema),
            "{schema_pointer}"
        );
        if is_wildcard(mt) && schema.is_none_or(is_opaque) {
            // `*/*` with nothing that says JSON: any bytes, sent as octet-stream.
            return ("application/octet-stream".into(), BodyKind::Bytes);
        }
        let ty = match schema {
            Some(schema) => self.lower_use(schema, &schema_pointer, hint).into_type(),
            None => TypeRef::Any,
        };
        (mt.clone(), BodyKind::Json(ty))
    }

    /// The operation's responses; `op_node` is the document's node at `op_pointer`.
    fn lower_responses(
        &mut self,
        responses: &openapiv3::Responses,
        op_pointer: &str,
        op_node: Option<&Value>,
        hint: &str,
    ) -> Vec<Response> {
        let nodes = op_node.and_then(|op| op.member("responses"));
        let mut entries: Vec<(StatusMatch, String, &ReferenceOr<openapiv3::Response>)> = Vec::new();
        for (code, response) in &responses.responses {
            let (status, key) = match code {
                openapiv3::StatusCode::Code(c) => (StatusMatch::Code(*c), c.to_string()),
                openapiv3::StatusCode::Range(r) => (StatusMatch::Range(*r), format!("{r}XX")),
            };
            entries.push((status, key, response));
        }
        if let Some(default) = &responses.default {
            entries.push((StatusMatch::Default, "default".to_string(), default));
        }
        let mut out = Vec::new();
        for (status, key, response) in entries {
            let pointer = [op_pointer, "/responses/", &key].concat();
            let (response, pointer, node) = match response {
                ReferenceOr::Item(r) => {
                    let node = nodes.and_then(|n| n.member(&key));
                    (Held::Inline(r), pointer, node)
                }
                ReferenceOr::Reference { reference } => {
                    match self.resolve_node(reference, &pointer, "response") {
                        Some(found) => (Held::Shared(found.item), found.pointer, found.node),
                        None => continue,
                    }
                }
            };
            let hint = match status {
                StatusMatch::Code(c) if (200..300).contains(&c) => [hint, "Response"].concat(),
                StatusMatch::Code(_) => [hint, "Status", &key].concat(),
                StatusMatch::Range(r) => format!("{hint}Status{r}xx"),
                StatusMatch::Default => [hint, "Default"].concat(),
            };
            let events = self.lower_events(&response.content, &pointer, &hint);
            let media_types = response
                .content
                .keys()
                .filter(|media_type| !events::is_event_stream(media_type));
            let (media, mut kind) = self.lower_content(media_types, (&pointer, node), &hint);
            if kind == BodyKind::Bytes && is_text(&media) {
                kind = BodyKind::Text;
            }
            out.push(Response {
                status,
                kind,
                events,
                description: Some(response.description.clone()).filter(|d| !d.trim().is_empty()),
                headers: response.headers.keys().cloned().collect(),
            });
        }
        out.sort_by_key(|r| r.status);
        out
    }
}

/// The parameters declared at one level (a path item's or an operation's), where they are
/// and the document's node there.
struct Level<'p> {
    params: &'p [ReferenceOr<openapiv3::Parameter>],
    pointer: &'p str,
    node: Option<&'p Value>,
}

/// What a `$ref` to a parameter, request body or response reached (see
/// [`Lowering::resolve_node`]): the object, shared by every reference to it, its pointer and
/// the document's node there.
struct Found<'a, T> {
    item: std::rc::Rc<T>,
    pointer: String,
    node: Option<&'a Value>,
}

impl<T> Clone for Found<'_, T> {
    fn clone(&self) -> Self {
        Found {
            item: self.item.clone(),
            pointer: self.pointer.clone(),
            node: self.node,
        }
    }
}

/// The `$ref`s already followed, by reference, one map per kind of object.
#[derive(Default)]
struct RefMemo<'a> {
    parameters: FxHashMap<String, Found<'a, openapiv3::Parameter>>,
    bodies: FxHashMap<String, Found<'a, openapiv3::RequestBody>>,
    responses: FxHashMap<String, Found<'a, openapiv3::Response>>,
}

/// An object model type that a `$ref` can reach in an operation, and its memo.
trait Resolvable<'a>: serde::de::DeserializeOwned + Sized {
    fn memo<'m>(resolved: &'m mut RefMemo<'a>) -> &'m mut FxHashMap<String, Found<'a, Self>>;
}

impl<'a> Resolvable<'a> for openapiv3::Parameter {
    fn memo<'m>(resolved: &'m mut RefMemo<'a>) -> &'m mut FxHashMap<String, Found<'a, Self>> {
        &mut resolved.parameters
    }
}

impl<'a> Resolvable<'a> for openapiv3::RequestBody {
    fn memo<'m>(resolved: &'m mut RefMemo<'a>) -> &'m mut FxHashMap<String, Found<'a, Self>> {
        &mut resolved.bodies
    }
}

impl<'a> Resolvable<'a> for openapiv3::Response {
    fn memo<'m>(resolved: &'m mut RefMemo<'a>) -> &'m mut FxHashMap<String, Found<'a, Self>> {
        &mut resolved.responses
    }
}

/// A parameter, request body or response as an operation uses it: written in place, or
/// shared through a `$ref`.
enum Held<'p, T> {
    Inline(&'p T),
    Shared(std::rc::Rc<T>),
}

impl<T> std::ops::Deref for Held<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        match self {
            Held::Inline(item) => item,
            Held::Shared(item) => item,
        }
    }
}

/// A parameter's location and data (OpenAPI 3.x, Parameter Object: `in`).
/// Why `name` cannot be sent as a header or cookie name, or `None` when it can (or is
/// neither). A header name is an RFC 9110 token, checked by the `http` crate the runtime
/// uses (which takes `X-Api-Key` as `x-api-key`); a cookie name is an RFC 6265 token (the
/// same characters).
fn wire_name_error(location: ParamLocation, name: &str) -> Option<String> {
    let ok = match location {
        ParamLocation::Header => http::HeaderName::from_bytes(name.as_bytes()).is_ok(),
        ParamLocation::Cookie => {
            !name.is_empty()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
        }
        ParamLocation::Path | ParamLocation::Query => true,
    };
    let what = if location == ParamLocation::Header {
        "an HTTP header name"
    } else {
        "a cookie name"
    };
    (!ok).then(|| format!("`{}` is not {what}", name.escape_debug()))
}

fn param_data(param: &openapiv3::Parameter) -> (ParamLocation, &openapiv3::ParameterData) {
    match param {
        openapiv3::Parameter::Path { parameter_data, .. } => (ParamLocation::Path, parameter_data),
        openapiv3::Parameter::Query { parameter_data, .. } => {
            (ParamLocation::Query, parameter_data)
        }
        openapiv3::Parameter::Header { parameter_data, .. } => {
            (ParamLocation::Header, parameter_data)
        }
        openapiv3::Parameter::Cookie { parameter_data, .. } => {
            (ParamLocation::Cookie, parameter_data)
        }
    }
}

/// `servers` entries, each named for a variant of the generated `Server` enum: the
/// `x-fern-server-name` extension, else the description, else the words of its URL
/// ([`url_label`]), else `Server{n}`; unique.
fn lower_servers(servers: &[openapiv3::Server]) -> Vec<Server> {
    let mut names = Namespace::default();
    servers
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let label = s
                .extensions
                .get("x-fern-server-name")
                .and_then(Value::as_str)
                .map(str::to_string)
                .or_else(|| s.description.clone())
                .or_else(|| url_label(&s.url))
                .unwrap_or_else(|| format!("Server{i}"));
            let rust = names
                .claim(&naming::variant_name(&label, &format!("Server{i}")))
                .0;
            let mut fields = Namespace::default();
            let variables = s
                .variables
                .iter()
                .flatten()
                .map(|(name, v)| ServerVariable {
                    name: Name {
                        wire: name.clone(),
                        rust: fields.claim(&naming::snake_name(name, "variable")).0,
                    },
                    default: v.default.clone(),
                    values: v.enumeration.clone(),
                    description: v.description.clone(),
                })
                .collect::<Vec<_>>();
            Server {
                name: Name { wire: label, rust },
                url: s.url.clone(),
                description: s.description.clone(),
                template: Server::parse_template(&s.url, &variables),
                variables,
            }
        })
        .collect()
}

/// The words of a server URL without its scheme and a leading `www.`, for a name:
/// `https://eu.api.example.com/v2` → `eu api example com v2`, `{endpoint}` → `endpoint`;
/// `None` when it has no word (`/`).
fn url_label(url: &str) -> Option<String> {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let rest = rest.strip_prefix("www.").unwrap_or(rest);
    let words: Vec<&str> = rest
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

/// The fields of a `multipart/form-data` object schema: `format: binary`/`base64` strings
/// (or arrays of them) are files.
/// The example of a parameter or schema object: `example`, else the first `examples` entry
/// (a parameter's map of Example Objects, by key order, or a 3.1 schema's array).
fn example_of(object: &Value) -> Option<Value> {
    if let Some(example) = object.member("example") {
        return Some(example.clone());
    }
    match object.member("examples")? {
        Value::Array(items) => items.first().cloned(),
        Value::Object(entries) => entries.values().find_map(|e| e.member("value").cloned()),
        _ => None,
    }
}

fn form_fields(object: &serde_json::Map<String, Value>) -> Vec<FormField> {
    let required: Vec<&str> = object
        .member("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let is_file = |schema: &Value| {
        matches!(
            schema.member("format").and_then(Value::as_str),
            Some("binary" | "base64")
        ) || schema.member("contentMediaType").is_some()
    };
    object
        .member("properties")
        .and_then(Value::as_object)
        .map(|props| {
            props
                .iter()
                .map(|(name, schema)| FormField {
                    name: name.clone(),
                    file: is_file(schema) || schema.member("items").is_some_and(is_file),
                    required: required.contains(&name.as_str()),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// A `text/*` media type read as a string: not `text/event-stream` (a stream of events,
/// not one text) and not `text/json` (JSON).
fn is_text(media_type: &str) -> bool {
    let media = media_type.split(';').next().unwrap_or_default().trim();
    let media = media.to_ascii_lowercase();
    media.starts_with("text/") && media != "text/event-stream" && media != "text/json"
}

/// `*/*` (or `application/*`): the media type says nothing about the body.
fn is_wildcard(media_type: &str) -> bool {
    let mt = media_type.split(';').next().unwrap_or_default().trim();
    mt == "*/*" || mt.eq_ignore_ascii_case("application/*")
}

/// A schema that describes no JSON structure: `{}` (anything), or a `binary` string (raw
/// bytes, OpenAPI 3.0 § 4.7.14's file upload and download).
fn is_opaque(schema: &Value) -> bool {
    let Some(obj) = schema.as_object() else {
        return true;
    };
    let annotation =
        |k: &String| matches!(k.as_str(), "description" | "title" | "example" | "examples");
    obj.keys().all(annotation)
        || (obj.member("type").and_then(Value::as_str) == Some("string")
            && obj.member("format").and_then(Value::as_str) == Some("binary"))
        || obj.member("contentMediaType").is_some()
}

/// `application/json`, `application/problem+json`, `*/*` or `application/*` with a JSON
/// schema (without one, or with a binary one, a wildcard is bytes: `is_opaque`), …
fn is_json(media_type: &str) -> bool {
    let mt = media_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    mt == "application/json" || mt.ends_with("+json") || is_wildcard(&mt) || mt == "text/json"
}

/// `get /users/{id}/posts` → `get_users_id_posts`.
/// The wire names of operations, unique in the document: declared `operationId`s as written,
/// except a repeated one; names oagen derives from method and path, made unique.
struct OperationNames {
    /// Every declared `operationId` (a derived name never takes one).
    declared: BTreeSet<String>,
    /// Name → pointer of the operation that has it.
    claimed: BTreeMap<String, String>,
}

impl OperationNames {
    /// The names of the operations of these path items (raw JSON; a path item `$ref`, which
    /// is not lowered, declares none).
    fn new<'v>(items: impl Iterator<Item = &'v Value>) -> Self {
        let declared = items
            .filter(|item| item.member("$ref").is_none())
            .filter_map(Value::as_object)
            .flat_map(|item| {
                item.iter()
                    .filter(|(key, _)| Method::parse(key).is_some())
                    .filter_map(|(_, op)| op.member("operationId")?.as_str())
            })
            .map(String::from)
            .collect();
        OperationNames {
            declared,
            claimed: BTreeMap::new(),
        }
    }

    /// Claims the operation's name (operations in document order). A derived name that is
    /// taken gets a number (`get_jobs`, `get_jobs_2`). A repeated declared `operationId` is
    /// disambiguated by the operation's first tag (`billing_list`), else its path
    /// (`list_get_v2_things`), else a number: `Err((name, declared id, pointer of the first
    /// operation declaring it))`, for a warning.
    fn claim(
        &mut self,
        op: &openapiv3::Operation,
        method: &str,
        path: &str,
        pointer: &str,
    ) -> Result<String, (String, String, String)> {
        let Some(declared) = &op.operation_id else {
            let base = synthesized_operation_id(method, path);
            let id = self.first_free(std::iter::empty(), &base);
            self.claimed.insert(id.clone(), pointer.to_string());
            return Ok(id);
        };
        let Some(previous) = self.claimed.get(declared).cloned() else {
            self.claimed.insert(declared.clone(), pointer.to_string());
            return Ok(declared.clone());
        };
        let by_tag = op.tags.first().map(|tag| format!("{tag}_{declared}"));
        let by_path = format!("{declared}_{}", synthesized_operation_id(method, path));
        let id = self.first_free(by_tag.into_iter().chain([by_path]), declared);
        self.claimed.insert(id.clone(), pointer.to_string());
        Err((id, declared.clone(), previous))
    }

    /// The first candidate that is free, else `base`, else `base_2`, `base_3`, … (first free).
    fn first_free(&self, candidates: impl Iterator<Item = String>, base: &str) -> String {
        let free = |c: &String| !self.claimed.contains_key(c) && !self.declared.contains(c);
        if let Some(c) = candidates
            .chain(std::iter::once(base.to_string()))
            .find(|c| free(c))
        {
            return c;
        }
        let mut n = 2;
        loop {
            let c = format!("{base}_{n}");
            if free(&c) {
                return c;
            }
            n += 1;
        }
    }
}

fn synthesized_operation_id(method: &str, path: &str) -> String {
    let mut id = method.to_string();
    for word in path
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        id.push('_');
        id.push_str(word);
    }
    id
}

/// Splits a path template into segments of literal text and `{param}` references.
fn parse_template(path: &str) -> (PathTemplate, Vec<String>) {
    let mut segments = Vec::new();
    let mut params = Vec::new();
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        let mut parts = Vec::new();
        let mut rest = segment;
        while let Some(start) = rest.find('{') {
            let Some(len) = rest[start..].find('}') else {
                break;
            };
            if start > 0 {
                parts.push(PathPart::Literal(rest[..start].to_string()));
            }
            let name = rest[start + 1..start + len].to_string();
            let id = match params.iter().position(|p| *p == name) {
                Some(i) => i,
                None => {
                    params.push(name);
                    params.len() - 1
                }
            };
            parts.push(PathPart::Param(ParamId(id)));
            rest = &rest[start + len + 1..];
        }
        if !rest.is_empty() {
            parts.push(PathPart::Literal(rest.to_string()));
        }
        segments.push(parts);
    }
    (
        PathTemplate {
            raw: path.to_string(),
            segments,
        },
        params,
    )
}

/// Pass 2b: inline schemas that are copies of each other (same JSON, annotations aside)
/// share one definition. Every copy keeps its own name, so no name depends on which copies
/// exist or in which order the spec lists them: the copy with the smallest name (then
/// pointer) holds the definition and the others become aliases of it. Returns each group,
/// the holder first (the sorted order of the rest).
fn merge_duplicates(api: &mut Api, groups: FxHashMap<Vec<u8>, Vec<TypeId>>) -> Vec<Vec<TypeId>> {
    let mut merged = Vec::new();
    // In the order of each group's first type, whatever the keys and their hashes.
    let mut groups: Vec<Vec<TypeId>> = groups.into_values().filter(|ids| ids.len() > 1).collect();
    groups.sort_unstable_by_key(|ids| ids[0]);
    for mut ids in groups {
        ids.sort_by_cached_key(|id| {
            let t = &api.types[id.0];
            (t.name.rust.clone(), t.origin.pointer.clone())
        });
        let rep = ids[0];
        for id in &ids[1..] {
            let def = &mut api.types[id.0];
            def.kind = TypeKind::Alias(TypeRef::Named(rep));
            def.docs
                .notes
                .push("The same schema appears elsewhere in the spec; the types are one.".into());
        }
        merged.push(ids);
    }
    merged
}

/// The [`SerdeImpls`] of every type from its [`Usage`]: see there.
fn serde_impls(api: &Api, usage: &[Usage]) -> Vec<SerdeImpls> {
    let unused = |u: &Usage| !u.input && !u.output;
    let seeds = |keep: &dyn Fn(usize, &Usage) -> bool| -> Vec<TypeId> {
        usage
            .iter()
            .enumerate()
            .filter(|(i, u)| keep(*i, u))
            .map(|(i, _)| TypeId(i))
            .collect()
    };
    // Chosen by re-serializing each candidate (`runtime::untagged::choose`).
    let chooses = |i: usize| match &api.types[i].kind {
        TypeKind::Untagged(_) => true,
        TypeKind::Tagged(t) => t.variants.iter().any(|v| v.tag_optional),
        _ => false,
    };
    let serialize = api.reachable(seeds(&|i, u| {
        u.input || unused(u) || (u.output && chooses(i))
    }));
    let deserialize = api.reachable(seeds(&|_, u| u.output || unused(u)));
    serialize
        .into_iter()
        .zip(deserialize)
        .map(|(serialize, deserialize)| SerdeImpls {
            serialize,
            deserialize,
        })
        .collect()
}

/// Pass 2c: forward compatibility, from one reachability computation over the operations.
/// String enums and tagged unions that responses can contain are opened (a one-value enum,
/// a property the spec fixes, too, unless it tells union variants apart: [`union_tags`]): a value or tag the API adds later is kept, not rejected, so a deployed client
/// keeps working; structs record their [`Usage`], so that those read from responses ignore
/// unknown properties ([`Struct::strict`]) and those only read drop the tri-state
/// ([`Struct::read_only`]). Types only sent in requests stay closed.
fn open_response_types(api: &mut Api) {
    let usage = api.usage();
    let serde = serde_impls(api, &usage);
    for (def, serde) in api.types.iter_mut().zip(serde) {
        def.serde = serde;
    }
    let tags = union_tags(api);
    for (index, (def, usage)) in api.types.iter_mut().zip(usage).enumerate() {
        if let TypeKind::Struct(s) = &mut def.kind {
            s.usage = usage;
            let read_only = s.read_only();
            for f in &mut s.fields {
                f.read_only = read_only;
            }
        }
        if !usage.output {
            continue;
        }
        match &mut def.kind {
            TypeKind::Enum(e) if e.variants.len() > 1 || !tags.contains(&index) => e.open = true,
            TypeKind::Tagged(u) => u.open = true,
            TypeKind::Adjacent(u) => u.closed = false,
            _ => {}
        }
    }
}

/// The one-value string enums that tell union variants apart: the tag property of a tagged
/// union's variants and of a webhook's payload, and a property that two or more variants
/// of an untagged union fix. These stay closed so that a variant is chosen by its value.
fn union_tags(api: &Api) -> std::collections::HashSet<usize> {
    let one_value = |ty: &TypeRef| match ty {
        TypeRef::Named(id) => match api.types.get(id.0).map(|d| api.resolve_kind(d)) {
            Some(TypeKind::Enum(e)) if e.variants.len() == 1 => Some(id.0),
            _ => None,
        },
        _ => None,
    };
    let fields = |ty: &TypeRef| -> Vec<(String, usize)> {
        let def = match ty {
            TypeRef::Named(id) | TypeRef::Boxed(id) => api.types.get(id.0),
            _ => None,
        };
        match def.map(|d| api.resolve_kind(d)) {
            Some(TypeKind::Struct(s)) => s
                .fields
                .iter()
                .filter_map(|f| Some((f.name.wire.clone(), one_value(&f.ty)?)))
                .collect(),
            _ => Vec::new(),
        }
    };
    let mut tags = std::collections::HashSet::new();
    for def in &api.types {
        match &def.kind {
            TypeKind::Tagged(u) => {
                for v in &u.variants {
                    tags.extend(
                        fields(&v.ty)
                            .into_iter()
                            .filter(|(w, _)| *w == u.tag)
                            .map(|(_, id)| id),
                    );
                }
            }
            TypeKind::Untagged(u) => {
                let mut by_name: BTreeMap<String, Vec<usize>> = BTreeMap::new();
                for v in &u.variants {
                    for (wire, id) in fields(&v.ty) {
                        by_name.entry(wire).or_default().push(id);
                    }
                }
                for ids in by_name.into_values().filter(|ids| ids.len() > 1) {
                    tags.extend(ids);
                }
            }
            _ => {}
        }
    }
    // A webhook's tag property picks its event the same way.
    for hook in &api.webhooks {
        if let Some((property, _)) = &hook.tag {
            let fixed = fields(&hook.payload).into_iter();
            tags.extend(fixed.filter(|(w, _)| w == property).map(|(_, id)| id));
        }
    }
    tags
}

/// Pass 3: Rust names. Types are claimed component-first, each group sorted by wanted name
/// then pointer, so adding or reordering unrelated schemas never renames a type.
fn assign_names(api: &mut Api, overrides: &extensions::Overrides, diags: &mut Diagnostics) {
    let mut order: Vec<usize> = (0..api.types.len()).collect();
    let is_component = |t: &TypeDef| {
        t.origin.pointer.starts_with("/components/schemas/")
            && t.origin.pointer.matches('/').count() == 3
    };
    let inline: Vec<bool> = api.types.iter().map(|t| !is_component(t)).collect();
    order.sort_by(|&a, &b| {
        let (ta, tb) = (&api.types[a], &api.types[b]);
        (inline[a], &ta.name.rust, &ta.origin.pointer).cmp(&(
            inline[b],
            &tb.name.rust,
            &tb.origin.pointer,
        ))
    });
    let mut types = Namespace::default();
    for i in order {
        let requested = overrides.types.get(&i);
        let wanted = naming::type_name(
            requested.map_or(&api.types[i].name.rust, |r| &r.name),
            "Type",
        );
        let (rust, renamed) = types.claim(&wanted);
        if let Some(r) = requested {
            r.check(&wanted, &rust, diags);
        } else if renamed && is_component(&api.types[i]) {
            diags.warn(
                api.types[i].origin.clone(),
                format!(
                    "schema `{}` would be named `{wanted}` like another; named `{rust}`",
                    api.types[i].name.wire
                ),
            );
        }
        api.types[i].name.rust = rust;
    }
    for (i, ty) in api.types.iter_mut().enumerate() {
        match &mut ty.kind {
            TypeKind::Struct(s) => {
                let mut fields = Namespace::with_taken(["additional_properties".to_string()]);
                for (j, f) in s.fields.iter_mut().enumerate() {
                    let requested = overrides.fields.get(&(i, j));
                    let wanted =
                        naming::snake_name(requested.map_or(&f.name.wire, |r| &r.name), "field");
                    f.name.rust = fields.claim(&wanted).0;
                    if let Some(r) = requested {
                        r.check(&wanted, &f.name.rust, diags);
                    }
                }
            }
            TypeKind::Enum(_)
            | TypeKind::Tagged(_)
            | TypeKind::Adjacent(_)
            | TypeKind::Untagged(_)
            | TypeKind::Alias(_)
            | TypeKind::Pending => {}
        }
    }
    let mut methods = Namespace::with_taken(
        [
            "new",
            "with_base_url",
            "with_user_agent",
            "with_server",
            "from_env",
            "from_env_prefixed",
            "with_http_client",
            "with_timeout",
            "with_connect_timeout",
            "with_retry",
            "with_max_response_bytes",
            "base_url",
            "http_client",
            "transport",
            "for_server",
            "default",
            "clone",
            "fmt",
        ]
        .map(String::from),
    );
    // Credential fields of the client, and their `with_*` setters.
    let mut fields = Namespace::with_taken(["base_url", "http", "transport"].map(String::from));
    for scheme in &mut api.security_schemes {
        let (field, _) = fields.claim(&naming::snake_name(&scheme.name.wire, "credential"));
        scheme.name.rust = field;
    }
    for (scheme, credential) in api
        .security_schemes
        .iter()
        .zip(credentials::credentials(api))
    {
        methods.claim(&credential.setter);
        if matches!(
            scheme.kind,
            SecurityKind::OAuth2 {
                token_url: Some(_),
                ..
            }
        ) {
            methods.claim(&format!("{}_client_credentials", credential.setter));
        }
    }
    let mut order = wanted_method_names(api, overrides);
    // By key, compared in place (a key function would copy two strings per comparison).
    order.sort_by(|(derived_a, wanted_a, a), (derived_b, wanted_b, b)| {
        let (a, b) = (&api.operations[*a], &api.operations[*b]);
        (derived_a, wanted_a, &a.path.raw, a.method.as_str()).cmp(&(
            derived_b,
            wanted_b,
            &b.path.raw,
            b.method.as_str(),
        ))
    });
    for (_, wanted, i) in order {
        let op = &mut api.operations[i];
        op.name.rust = methods.claim(&wanted).0;
        if let Some(r) = overrides.operations.get(&i) {
            r.check(&wanted, &op.name.rust, diags);
        }
        // Argument names: `body` is the request body's argument and `self` the receiver;
        // the method body's locals are chosen around these names (`surface::Locals`).
        let mut args = Namespace::with_taken(["body", "self"].map(String::from));
        for (j, p) in op.params.iter_mut().enumerate() {
            let requested = overrides.params.get(&(i, j));
            let wanted = naming::snake_name(requested.map_or(&p.name.wire, |r| &r.name), "param");
            p.name.rust = args.claim(&wanted).0;
            if let Some(r) = requested {
                r.check(&wanted, &p.name.rust, diags);
            }
        }
    }
    api.operations.sort_by(|a, b| a.name.rust.cmp(&b.name.rust));
}

/// The method name each operation asks for, with whether it is derived (not requested by
/// an extension), and its index. Names the spec asks for (extensions) are claimed before
/// derived ones. An operationId a web framework generated (FastAPI, NestJS) gives its plain
/// name when that name is unambiguous: no other operation would get it.
fn wanted_method_names(api: &Api, overrides: &extensions::Overrides) -> Vec<(bool, String, usize)> {
    let raw: Vec<String> = api
        .operations
        .iter()
        .map(|op| naming::snake_name(&op.name.wire, "operation"))
        .collect();
    let plain: Vec<Option<String>> = api
        .operations
        .iter()
        .map(|op| {
            naming::framework_operation_name(&op.name.wire, op.method.as_str(), &op.path.raw)
                .map(|name| naming::snake_name(&name, "operation"))
        })
        .collect();
    let unambiguous = |i: usize, name: &String| {
        (0..raw.len())
            .filter(|&j| j != i)
            .all(|j| plain[j].as_ref() != Some(name) && &raw[j] != name)
    };
    api.operations
        .iter()
        .enumerate()
        .map(|(i, _)| {
            let wanted = match (overrides.operations.get(&i), &plain[i]) {
                (Some(r), _) => naming::snake_name(&r.name, "operation"),
                (None, Some(name)) if unambiguous(i, name) => name.clone(),
                (None, _) => raw[i].clone(),
            };
            (!overrides.operations.contains_key(&i), wanted, i)
        })
        .collect()
}

/// Pass 3b: schemas that are only references to each other (`A: {$ref: B}`,
/// `B: {$ref: A}`) describe no value at all; that is an error naming each schema of the
/// cycle (the types become `serde_json::Value` so later stages can go on).
fn check_alias_cycles(api: &mut Api, diags: &mut Diagnostics) {
    let target = |kind: &TypeKind| match kind {
        TypeKind::Alias(TypeRef::Named(id) | TypeRef::Boxed(id)) => Some(*id),
        _ => None,
    };
    let mut in_cycle = BTreeSet::new();
    for start in 0..api.types.len() {
        let mut seen = BTreeSet::new();
        let mut at = TypeId(start);
        while let Some(next) = target(&api.types[at.0].kind) {
            if !seen.insert(at) {
                break;
            }
            if next.0 == start {
                in_cycle.insert(start);
                break;
            }
            at = next;
        }
    }
    for i in in_cycle {
        let def = &mut api.types[i];
        diags.push(
            Diagnostic::error(
                def.origin.clone(),
                format!(
                    "schema `{}` is a chain of references that leads back to itself",
                    def.name.wire
                ),
            )
            .with_hint("one of the schemas in the cycle must describe a value"),
        );
        def.kind = TypeKind::Alias(TypeRef::Any);
    }
}

/// Pass 4: finds cycles of by-value containment (struct fields, union variants, aliases) and
/// boxes one edge per cycle. Arrays and maps already allocate, so they break cycles.
fn break_cycles(api: &mut Api) {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Active,
        Done,
    }
    fn direct(ty: &TypeRef) -> Option<TypeId> {
        match ty {
            TypeRef::Named(id) => Some(*id),
            TypeRef::Nullable(inner) => direct(inner),
            _ => None,
        }
    }
    fn boxed(ty: &mut TypeRef) {
        match ty {
            TypeRef::Named(id) => *ty = TypeRef::Boxed(*id),
            TypeRef::Nullable(inner) => boxed(inner),
            _ => {}
        }
    }
    let n = api.types.len();
    let mut marks = vec![Mark::New; n];
    let mut to_box: Vec<(usize, usize)> = Vec::new();
    let edges: Vec<Vec<Option<TypeId>>> = api
        .types
        .iter_mut()
        .map(|t| {
            t.kind
                .children_mut()
                .into_iter()
                .map(|ty| direct(ty))
                .collect()
        })
        .collect();
    for root in 0..n {
        if marks[root] != Mark::New {
            continue;
        }
        // Iterative DFS: (type, next slot index).
        let mut stack = vec![(root, 0usize)];
        marks[root] = Mark::Active;
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            let targets = &edges[node];
            if *next >= targets.len() {
                marks[node] = Mark::Done;
                stack.pop();
                continue;
            }
            let slot = *next;
            *next += 1;
            if let Some(target) = targets[slot] {
                match marks[target.0] {
                    Mark::Active => to_box.push((node, slot)),
                    Mark::New => {
                        marks[target.0] = Mark::Active;
                        stack.push((target.0, 0));
                    }
                    Mark::Done => {}
                }
            }
        }
    }
    for (node, slot) in to_box {
        if let Some(ty) = api.types[node].kind.children_mut().into_iter().nth(slot) {
            boxed(ty);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn servers_without_a_name_are_named_by_their_url() {
        let servers: Vec<openapiv3::Server> = serde_json::from_value(serde_json::json!([
            {"url": "https://www.example.com/v1"},
            {"url": "{endpoint}", "variables": {"endpoint": {"default": "https://x"}}},
            {"url": "/"},
            {"url": "https://example.com/v1", "description": "Staging"},
            {"url": "https://example.com/v1"}
        ]))
        .unwrap();
        let names: Vec<String> = lower_servers(&servers)
            .into_iter()
            .map(|s| s.name.rust)
            .collect();
        assert_eq!(
            names,
            [
                "ExampleComV1",
                "Endpoint",
                "Server2",
                "Staging",
                "ExampleComV1_2"
            ]
        );
    }

    #[test]
    fn templates_split_into_literals_and_params() {
        let (t, params) = parse_template("/files/{name}.json/{id}/{name}");
        assert_eq!(params, ["name", "id"]);
        assert_eq!(
            t.segments[1],
            [
                PathPart::Param(ParamId(0)),
                PathPart::Literal(".json".into())
            ]
        );
        assert_eq!(t.segments[2], [PathPart::Param(ParamId(1))]);
        assert_eq!(
            t.segments[3],
            [PathPart::Param(ParamId(0))],
            "a name repeated"
        );
    }

    #[test]
    fn server_templates_split_into_text_and_declared_variables() {
        let var = |name: &str| ServerVariable {
            name: Name::wire(name),
            default: String::new(),
            values: Vec::new(),
            description: None,
        };
        let parts = Server::parse_template(
            "https://{region}.x.com/{v}/{{port}}",
            &[var("port"), var("region")],
        );
        assert_eq!(
            parts,
            [
                UrlPart::Literal("https://".into()),
                UrlPart::Variable(1),
                UrlPart::Literal(".x.com/{v}/{".into()),
                UrlPart::Variable(0),
                UrlPart::Literal("}".into()),
            ]
        );
    }

    fn lower_yaml(text: &str) -> Result<(Api, Vec<Diagnostic>), Error> {
        let doc = crate::load::load_str(text, crate::load::Format::Yaml, "t.yaml")?;
        lower(&doc)
    }

    #[test]
    fn a_path_item_off_the_object_model_is_an_error_at_its_pointer() {
        // Path items are read one at a time while lowering (not with the skeleton): a bad
        // one is still an error naming the offending node, beside the others' diagnostics.
        let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses: 5\n  /b:\n    get:\n      operationId: b\n      responses: {'200': {description: ok}}\n";
        let Err(Error::Spec(diags)) = lower_yaml(text) else {
            panic!("a bad path item must fail");
        };
        assert!(
            diags
                .iter()
                .any(|d| d.severity == crate::diag::Severity::Error
                    && d.origin.pointer == "/paths/~1a/get/responses"
                    && d.message.contains("OpenAPI 3 object model")),
            "{diags:?}"
        );
        let Err(Error::Spec(diags)) =
            lower_yaml("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: 5\n")
        else {
            panic!("`paths: 5` must fail");
        };
        assert!(
            diags.iter().any(|d| d.origin.pointer == "/paths"),
            "{diags:?}"
        );
    }

    const HEAD: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n";

    #[test]
    fn all_of_cycles_terminate() {
        let spec = format!(
            "{HEAD}components:\n  schemas:\n    A:\n      allOf: [{{$ref: '#/components/schemas/A'}}, {{properties: {{x: {{type: string}}}}}}]\n"
        );
        let (api, _) = lower_yaml(&spec).unwrap();
        assert!(matches!(api.types[0].kind, TypeKind::Struct(_)));
    }

    #[test]
    fn a_ref_to_itself_is_an_error_naming_the_schema() {
        let spec =
            format!("{HEAD}components:\n  schemas:\n    A: {{$ref: '#/components/schemas/A'}}\n");
        let err = lower_yaml(&spec).unwrap_err().to_string();
        assert!(err.contains("t.yaml#/components/schemas/A"), "{err}");
        assert!(err.contains("refers to itself"), "{err}");
    }

    #[test]
    fn the_undefined_sentinel_makes_a_property_optional() {
        let spec = format!(
            "{HEAD}components:\n  schemas:\n    Undefined: {{type: object, properties: {{}}}}\n    P:\n      type: object\n      required: [a]\n      properties:\n        a: {{anyOf: [{{type: string}}, {{$ref: '#/components/schemas/Undefined'}}]}}\n"
        );
        let (api, _) = lower_yaml(&spec).unwrap();
        let p = api.types.iter().find(|t| t.name.wire == "P").unwrap();
        let TypeKind::Struct(s) = &p.kind else {
            panic!("P is a struct")
        };
        assert_eq!(s.fields[0].ty, TypeRef::String);
        assert!(!s.fields[0].required);
        assert!(api.types.iter().any(|t| t.name.wire == "Undefined"));
    }

    #[test]
    fn operation_ids_are_synthesized_from_method_and_path() {
        assert_eq!(
            synthesized_operation_id("get", "/users/{id}/posts"),
            "get_users_id_posts"
        );
    }
}
