//! Schemas → the type space.
//!
//! Reads the raw JSON of each schema (OpenAPI 3.0 Schema Object and JSON Schema 2020-12 as
//! used by OpenAPI 3.1), so nothing `openapiv3` drops is lost. The rules, each documented on
//! the items they produce:
//!
//! - **nullability** in every spelling: `nullable: true` (3.0), `type: [T, "null"]` and a
//!   `{"type": "null"}` branch of `anyOf`/`oneOf` (3.1);
//! - **FastAPI's `Undefined` sentinel**: a branch referring to a component schema named
//!   `Undefined` that is an object without properties means "may be omitted";
//! - **tagged unions**: `oneOf`/`anyOf` whose object branches each fix one property to a
//!   known value — an explicit `discriminator` (with or without `mapping`), or inferred from
//!   `const`, a single-value `enum` or a `default` (also through `allOf: [$ref]`);
//! - **adjacently tagged pairs**: a property whose `oneOf` branches carry `if`/`const`
//!   conditions on a sibling property (JSON Schema 2020-12 §10.2.2);
//! - **untagged unions** otherwise, most specific branch first;
//! - `allOf` of one schema is that schema; of several, one merged struct;
//! - inline schemas equal to a component schema reuse the component's type.

use super::Lowering;
use crate::diag::Origin;
use crate::ir::*;
use crate::load::{escape_pointer, unescape_pointer, Member};
use crate::naming;
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::rc::Rc;

/// What a schema use lowers to.
#[derive(Debug, Clone)]
pub(crate) struct Shape {
    /// The type, without nullability.
    pub ty: TypeRef,
    /// `null` is allowed.
    pub nullable: bool,
    /// A FastAPI `Undefined` branch: the property may be omitted.
    pub omittable: bool,
}

impl Shape {
    /// The type where nothing else can carry the nullability (array items, map values, a
    /// body): [`TypeRef::Nullable`] around it when `null` is allowed.
    pub(crate) fn into_type(self) -> TypeRef {
        if self.nullable {
            TypeRef::Nullable(Box::new(self.ty))
        } else {
            self.ty
        }
    }

    fn of(ty: TypeRef) -> Self {
        Shape {
            ty,
            nullable: false,
            omittable: false,
        }
    }
}

/// The state of an inline schema (by pointer) in [`Lowering::use_at_depth`].
pub(crate) enum InlineUse {
    /// Being lowered; the type id a recursive use reserved for it, if any.
    InProgress(Option<TypeId>),
    /// Lowered to this shape.
    Done(Shape),
}

/// An `allOf` merged into one object schema (see [`Lowering::merge_all_of`]).
pub(crate) struct Merged {
    /// The object schema: the properties, `required` and closedness of every branch and of
    /// the schema itself.
    pub schema: Map<String, Value>,
    /// Property name → the JSON pointer of the definition used, where the document writes it
    /// (so the property is lowered from there, once, not from a copy per path to it).
    pub origins: BTreeMap<String, String>,
    /// (pointer, message) for what could not be merged cleanly.
    pub conflicts: Vec<(String, String)>,
}

/// An object schema that `$ref`s and `allOf`s resolved to
/// ([`Lowering::resolve_with_origins`]), with where each of its properties is written.
pub(super) enum Resolved<'s> {
    /// An object of the document (or one made for the occasion) and its properties' origins.
    Object(Cow<'s, Map<String, Value>>, BTreeMap<String, String>),
    /// The merge of an `allOf`, shared with the memo.
    Merged(Rc<Merged>),
}

impl Resolved<'_> {
    pub(super) fn schema(&self) -> &Map<String, Value> {
        match self {
            Resolved::Object(schema, _) => schema,
            Resolved::Merged(merged) => &merged.schema,
        }
    }

    fn origins(&self) -> &BTreeMap<String, String> {
        match self {
            Resolved::Object(_, origins) => origins,
            Resolved::Merged(merged) => &merged.origins,
        }
    }
}

/// How [`Lowering::classify`] deduplicates a schema against a structurally equal one
/// lowered before it.
enum Dedup<'k> {
    /// A component schema being defined: never against itself.
    Definition,
    /// A use, with its [`structural_key`].
    Use(Option<&'k [u8]>),
}

/// Either a reference to an existing type or a new definition to name.
enum Lowered {
    Ref(Shape),
    Def {
        kind: TypeKind,
        nullable: bool,
        omittable: bool,
    },
}

const MAX_DEPTH: usize = 64;

/// The warning for an `allOf` that reaches the schema it belongs to.
const ALL_OF_CYCLE: &str = "allOf leads back to this schema; the cycle is not merged";

impl<'a> Lowering<'a> {
    /// Registers every component schema (so `$ref`s resolve in any order), then lowers them.
    pub(crate) fn lower_components(&mut self) {
        let Some(schemas) =
            crate::load::lookup(self.raw, "/components/schemas").and_then(Value::as_object)
        else {
            return;
        };
        let raw = self.raw;
        let mut pending = Vec::new();
        for (name, schema) in schemas {
            let pointer = format!("/components/schemas/{}", escape_pointer(name));
            let mut docs = docs_of(schema, Some(name));
            if is_undefined_sentinel(name, schema) {
                // Still one type per component schema, but a use of it is not a value.
                self.sentinels.insert(pointer.clone());
                docs.notes.push(
                    "FastAPI's `Undefined` sentinel: a property whose `anyOf` includes it may be \
                     omitted, so oagen makes that property optional and never uses this type."
                        .into(),
                );
            }
            let id = self.new_type(
                Name {
                    wire: name.clone(),
                    rust: naming::type_name(name, "Schema"),
                },
                Origin::new(self.file, pointer.clone()),
                docs,
            );
            self.components.insert(pointer.clone(), id);
            if let Some(key) = structural_key(schema) {
                self.structural.entry(key).or_insert(id);
            }
            pending.push((id, pointer));
        }
        for (id, pointer) in pending {
            let schema = crate::load::lookup(raw, &pointer).expect("registered from the document");
            let hint = self.types[id.0].name.rust.clone();
            let kind = match self.classify(schema, &pointer, &hint, 0, Dedup::Definition) {
                Lowered::Def { kind, .. } => kind,
                Lowered::Ref(shape) => {
                    if shape.ty == TypeRef::Named(id) {
                        self.diags.error(
                            Origin::new(self.file, pointer.clone()),
                            "schema refers to itself with no indirection",
                        );
                        TypeKind::Alias(TypeRef::Any)
                    } else {
                        TypeKind::Alias(shape.ty)
                    }
                }
            };
            self.types[id.0].kind = kind;
        }
    }

    /// Lowers a use of the schema at `pointer`; inline objects, enums and unions become new
    /// named types whose names start from `hint`. `schema` is the node the document holds at
    /// `pointer` (the caller looked it up), so it is not looked up again.
    pub(crate) fn lower_use(&mut self, schema: &Value, pointer: &str, hint: &str) -> Shape {
        debug_assert!(
            crate::load::is_node_at(self.raw, pointer, Some(schema)),
            "lower_use of a schema that is not the document's node at {pointer}"
        );
        self.use_in_document(schema, pointer, hint, 0)
    }

    /// Lowers a use of a schema. A schema written in the document (`schema` is the value at
    /// `pointer`) is lowered once and its shape reused, so the work is linear in the spec
    /// however many `$ref`/`allOf` paths reach it; a path that reaches it again while it is
    /// being lowered (a recursive inline schema) gets its type id, reserved then.
    fn use_at_depth(&mut self, schema: &Value, pointer: &str, hint: &str, depth: usize) -> Shape {
        let in_document = self.is_document_node(pointer, schema);
        if !in_document {
            return self.define_use(schema, pointer, hint, depth, None);
        }
        self.use_in_document(schema, pointer, hint, depth)
    }

    /// Whether `schema` is the document's node at `pointer` (see [`crate::load::is_node_at`]).
    /// Consecutive checks are mostly of siblings (an object's properties, a union's
    /// branches), so the node of the last pointer's parent is kept and a sibling is found
    /// from it, not by walking the pointer from the root again.
    fn is_document_node(&mut self, pointer: &str, schema: &Value) -> bool {
        let Some((parent, token)) = pointer.rsplit_once('/') else {
            return crate::load::is_node_at(self.raw, pointer, Some(schema));
        };
        let (at, node) = &mut self.last_parent;
        let parent_node = match node {
            Some(node) if at == parent => Some(*node),
            _ => {
                // The buffer is reused: a miss does not allocate once it is long enough.
                at.clear();
                at.push_str(parent);
                *node = crate::load::lookup(self.raw, parent);
                *node
            }
        };
        let found = parent_node.and_then(|node| crate::load::child(node, token));
        debug_assert_eq!(
            found.map(std::ptr::from_ref),
            crate::load::lookup(self.raw, pointer).map(std::ptr::from_ref),
            "{pointer}"
        );
        found.is_some_and(|node| std::ptr::eq(node, schema))
    }

    /// [`Lowering::use_at_depth`] of a schema known to be the document's node at `pointer`.
    fn use_in_document(
        &mut self,
        schema: &Value,
        pointer: &str,
        hint: &str,
        depth: usize,
    ) -> Shape {
        match self.inline.get(pointer) {
            Some(InlineUse::Done(shape)) => return shape.clone(),
            Some(InlineUse::InProgress(Some(id))) => return Shape::of(TypeRef::Named(*id)),
            Some(InlineUse::InProgress(None)) => {
                let id = self.new_type(
                    Name {
                        wire: hint.to_string(),
                        rust: hint.to_string(),
                    },
                    Origin::new(self.file, pointer),
                    docs_of(schema, None),
                );
                self.inline
                    .insert(pointer.to_string(), InlineUse::InProgress(Some(id)));
                return Shape::of(TypeRef::Named(id));
            }
            None => {}
        }
        self.inline
            .insert(pointer.to_string(), InlineUse::InProgress(None));
        let shape = self.define_use(schema, pointer, hint, depth, Some(pointer));
        self.inline
            .insert(pointer.to_string(), InlineUse::Done(shape.clone()));
        shape
    }

    /// Classifies a schema use and defines the new type it needs, if any (in the id reserved
    /// for `memo`'s pointer when a recursive use reserved one).
    fn define_use(
        &mut self,
        schema: &Value,
        pointer: &str,
        hint: &str,
        depth: usize,
        memo: Option<&str>,
    ) -> Shape {
        // The structural key is computed once: to look the schema up, then to note it.
        let key = structural_key(schema);
        let lowered = self.classify(schema, pointer, hint, depth, Dedup::Use(key.as_deref()));
        let reserved = match memo.and_then(|p| self.inline.get(p)) {
            Some(InlineUse::InProgress(reserved)) => *reserved,
            _ => None,
        };
        match lowered {
            Lowered::Ref(shape) => {
                if let Some(id) = reserved {
                    self.types[id.0].kind = TypeKind::Alias(shape.ty.clone());
                }
                shape
            }
            Lowered::Def {
                kind,
                nullable,
                omittable,
            } => {
                let id = reserved.unwrap_or_else(|| {
                    self.new_type(
                        Name {
                            wire: hint.to_string(),
                            rust: hint.to_string(),
                        },
                        Origin::new(self.file, pointer),
                        docs_of(schema, None),
                    )
                });
                self.types[id.0].kind = kind;
                if let Some(key) = key {
                    self.duplicates.entry(key).or_default().push(id);
                }
                Shape {
                    ty: TypeRef::Named(id),
                    nullable,
                    omittable,
                }
            }
        }
    }

    fn origin(&self, pointer: &str) -> Origin {
        Origin::new(self.file, pointer)
    }

    /// Decides what the schema is, deduplicating it as `dedup` says.
    fn classify(
        &mut self,
        schema: &Value,
        pointer: &str,
        hint: &str,
        depth: usize,
        dedup: Dedup,
    ) -> Lowered {
        if depth > MAX_DEPTH {
            self.diags.warn(
                self.origin(pointer),
                format!("schema nested deeper than {MAX_DEPTH} levels; typed as any JSON value"),
            );
            return Lowered::Ref(Shape::of(TypeRef::Any));
        }
        let obj = match schema {
            Value::Object(obj) => obj,
            Value::Bool(true) => return Lowered::Ref(Shape::of(TypeRef::Any)),
            Value::Bool(false) => {
                self.diags.warn(
                    self.origin(pointer),
                    "schema `false` accepts nothing; typed as any JSON value",
                );
                return Lowered::Ref(Shape::of(TypeRef::Any));
            }
            _ => {
                self.diags.warn(
                    self.origin(pointer),
                    "a schema must be an object or a boolean; typed as any JSON value",
                );
                return Lowered::Ref(Shape::of(TypeRef::Any));
            }
        };
        let own_nullable = is_nullable(obj);

        if let Some(reference) = obj.member("$ref").and_then(Value::as_str) {
            let mut shape = self.lower_ref(reference, pointer, hint, depth);
            shape.nullable |= own_nullable;
            return Lowered::Ref(shape);
        }

        if let Dedup::Use(Some(key)) = dedup {
            if let Some(&id) = self.structural.get(key) {
                return Lowered::Ref(Shape {
                    ty: TypeRef::Named(id),
                    nullable: own_nullable || self.component_nullable(id),
                    omittable: false,
                });
            }
        }

        for key in ["oneOf", "anyOf"] {
            if let Some(branches) = obj.member(key).and_then(Value::as_array) {
                return self.lower_union(obj, key, branches, pointer, hint, depth, own_nullable);
            }
        }

        if let Some(all_of) = obj.member("allOf").and_then(Value::as_array) {
            return self.lower_all_of(obj, all_of, pointer, hint, depth, own_nullable);
        }

        if let Some(values) = obj.member("enum").and_then(Value::as_array) {
            return self.lower_enum(obj, values, pointer, own_nullable);
        }
        if let Some(value) = obj.member("const") {
            return self.lower_enum(obj, std::slice::from_ref(value), pointer, own_nullable);
        }

        let types: Vec<&str> = type_names(obj)
            .into_iter()
            .filter(|t| *t != "null")
            .collect();
        let nullable = own_nullable;
        match types.as_slice() {
            [] => {
                if obj.contains_key("properties") || obj.member("additionalProperties").is_some() {
                    self.lower_object(obj, pointer, hint, depth, nullable, None)
                } else if obj.contains_key("items") {
                    self.lower_array(obj, pointer, hint, depth, nullable)
                } else {
                    Lowered::Ref(Shape {
                        ty: TypeRef::Any,
                        nullable,
                        omittable: false,
                    })
                }
            }
            ["object"] => self.lower_object(obj, pointer, hint, depth, nullable, None),
            ["array"] => self.lower_array(obj, pointer, hint, depth, nullable),
            [scalar] => Lowered::Ref(Shape {
                ty: self.scalar(scalar, obj, pointer),
                nullable,
                omittable: false,
            }),
            many => {
                // `type: [string, integer]`: an untagged union of the listed types.
                let mut variants = Vec::new();
                let mut names = naming::Namespace::default();
                for t in many.iter() {
                    let ty = match *t {
                        "object" => TypeRef::JsonObject,
                        "array" => TypeRef::Array(Box::new(TypeRef::Any)),
                        other => self.scalar(other, obj, pointer),
                    };
                    let (rust, _) = names.claim(&self.variant_name_for(&ty, "Value"));
                    variants.push(UntaggedVariant {
                        name: Name {
                            wire: (*t).to_string(),
                            rust,
                        },
                        ty,
                    });
                }
                sort_untagged(&mut variants, self);
                Lowered::Def {
                    kind: TypeKind::Untagged(UntaggedUnion { variants }),
                    nullable,
                    omittable: false,
                }
            }
        }
    }

    fn lower_ref(&mut self, reference: &str, pointer: &str, hint: &str, depth: usize) -> Shape {
        let Some(target) = reference.strip_prefix('#') else {
            self.diags.push(
                crate::diag::Diagnostic::warning(
                    self.origin(pointer),
                    format!(
                        "external reference `{reference}` is not supported; typed as any JSON value"
                    ),
                )
                .with_hint("bundle the spec into one file first"),
            );
            return Shape::of(TypeRef::Any);
        };
        let target = percent_decode(target);
        if self.sentinels.contains(&target) {
            return Shape {
                ty: TypeRef::Any,
                nullable: false,
                omittable: true,
            };
        }
        if let Some(&id) = self.components.get(&target) {
            return Shape {
                ty: TypeRef::Named(id),
                nullable: self.component_nullable(id),
                omittable: false,
            };
        }
        let raw = self.raw;
        match crate::load::lookup(raw, &target) {
            Some(value) => self.use_at_depth(value, &target, hint, depth + 1),
            None if target.starts_with("/$defs/") || target.starts_with("/definitions/") => {
                let Some(found) = enclosing_defs(raw, pointer, &target) else {
                    self.diags.error(
                        self.origin(pointer),
                        format!("`$ref: {reference}` points at nothing"),
                    );
                    return Shape::of(TypeRef::Any);
                };
                self.diags.push(
                    crate::diag::Diagnostic::warning(
                        self.origin(pointer),
                        format!(
                            "`$ref: {reference}` points at nothing at the document root; read \
                             as `#{found}`, in the nearest enclosing schema that defines it"
                        ),
                    )
                    .with_hint("`#` is the document root: write the reference from it"),
                );
                let value = crate::load::lookup(raw, &found).unwrap_or(&Value::Null);
                self.use_at_depth(value, &found, hint, depth + 1)
            }
            None => {
                self.diags.error(
                    self.origin(pointer),
                    format!("`$ref: {reference}` points at nothing"),
                );
                Shape::of(TypeRef::Any)
            }
        }
    }

    /// True when the component schema itself allows `null` (so every use is nullable).
    fn component_nullable(&self, id: TypeId) -> bool {
        let pointer = &self.types[id.0].origin.pointer;
        crate::load::lookup(self.raw, pointer)
            .and_then(Value::as_object)
            .is_some_and(|obj| {
                is_nullable(obj)
                    || ["anyOf", "oneOf"].iter().any(|k| {
                        obj.member(k)
                            .and_then(Value::as_array)
                            .is_some_and(|bs| bs.iter().any(is_null_schema))
                    })
            })
    }

    fn lower_all_of(
        &mut self,
        obj: &Map<String, Value>,
        all_of: &[Value],
        pointer: &str,
        hint: &str,
        depth: usize,
        nullable: bool,
    ) -> Lowered {
        let own_shape = obj.contains_key("properties")
            || obj.contains_key("oneOf")
            || obj.contains_key("anyOf");
        // Branches that only annotate (`allOf: [{$ref}, {description}]`, common in generated
        // specs) add no constraint; a `nullable: true` among them makes the use nullable.
        let nullable = nullable
            || all_of
                .iter()
                .any(|b| is_annotation_only(b) && b.as_object().is_some_and(is_nullable));
        let shaped: Vec<usize> = (0..all_of.len())
            .filter(|&i| !is_annotation_only(&all_of[i]))
            .collect();
        if !own_shape {
            match shaped.as_slice() {
                [i] => {
                    let inner = format!("{pointer}/allOf/{i}");
                    let mut shape = self.use_at_depth(&all_of[*i], &inner, hint, depth + 1);
                    shape.nullable |= nullable;
                    return Lowered::Ref(shape);
                }
                [] => {
                    // Only annotations: the schema's own keywords say what it is.
                    let mut own = obj.clone();
                    own.remove("allOf");
                    let own = Value::Object(own);
                    let key = structural_key(&own);
                    let dedup = Dedup::Use(key.as_deref());
                    let lowered = self.classify(&own, pointer, hint, depth + 1, dedup);
                    return match lowered {
                        Lowered::Ref(mut shape) => {
                            shape.nullable |= nullable;
                            Lowered::Ref(shape)
                        }
                        Lowered::Def {
                            kind, omittable, ..
                        } => Lowered::Def {
                            kind,
                            nullable,
                            omittable,
                        },
                    };
                }
                _ => {}
            }
        }
        // Several schemas: one struct with the properties of all of them.
        let merged = self.merge_all_of(obj, all_of, pointer, depth);
        for (at, message) in &merged.conflicts {
            self.diags.warn(self.origin(at), message.clone());
        }
        let mut schema = merged.schema.clone();
        schema.insert("type".into(), "object".into());
        self.lower_object(
            &schema,
            pointer,
            hint,
            depth,
            nullable,
            Some(&merged.origins),
        )
    }

    /// Merges the schema's own properties and those of its `allOf` branches (resolved, and
    /// merged recursively) into one object schema, noting where each property is written.
    /// On a conflict the later branch wins. Each merge is computed once per pointer; a
    /// branch that leads back to a schema being merged (an `allOf` cycle) is reported and
    /// skipped.
    fn merge_all_of(
        &self,
        own: &Map<String, Value>,
        all_of: &[Value],
        pointer: &str,
        depth: usize,
    ) -> Rc<Merged> {
        let memo = crate::load::lookup(self.raw, pointer).and_then(Value::as_object);
        let memo = memo.is_some_and(|at| std::ptr::eq(at, own));
        if memo {
            if let Some(done) = self.merged.borrow().get(pointer) {
                return done.clone().unwrap_or_else(|| {
                    Rc::new(Merged {
                        schema: Map::new(),
                        origins: BTreeMap::new(),
                        conflicts: vec![(pointer.to_string(), ALL_OF_CYCLE.into())],
                    })
                });
            }
            self.merged.borrow_mut().insert(pointer.to_string(), None);
        }
        let merged = Rc::new(self.merge_branches(own, all_of, pointer, depth));
        if memo {
            self.merged
                .borrow_mut()
                .insert(pointer.to_string(), Some(merged.clone()));
        }
        merged
    }

    fn merge_branches(
        &self,
        own: &Map<String, Value>,
        all_of: &[Value],
        pointer: &str,
        depth: usize,
    ) -> Merged {
        let mut properties = Map::new();
        let mut origins = BTreeMap::<String, String>::new();
        let mut required: Vec<Value> = Vec::new();
        let mut closed = false;
        let mut conflicts = Vec::new();
        // The schema's own keywords are a source like its branches; of it only `properties`,
        // `required` and `additionalProperties` are read, so its `allOf` can stay (no copy).
        let own_origins = property_origins(own, pointer);
        let mut sources = Vec::new();
        for (i, branch) in all_of.iter().enumerate() {
            if is_annotation_only(branch) {
                continue;
            }
            let at = format!("{pointer}/allOf/{i}");
            let (resolved, found_at, inner) = self.resolve_with_origins(branch, &at, depth + 1);
            conflicts.extend(inner);
            sources.push((resolved, found_at));
        }
        sources.push((
            Some(Resolved::Object(Cow::Borrowed(own), own_origins)),
            pointer.to_string(),
        ));
        for (resolved, at) in sources {
            let Some(resolved) = resolved else {
                conflicts.push((
                    at,
                    "allOf branch is not an object schema; its constraints are not typed".into(),
                ));
                continue;
            };
            let (resolved, branch_origins) = (resolved.schema(), resolved.origins());
            let props = resolved.member("properties").and_then(Value::as_object);
            for (name, prop) in props.into_iter().flatten() {
                let here = branch_origins
                    .get(name)
                    .cloned()
                    .unwrap_or_else(|| format!("{at}/properties/{}", escape_pointer(name)));
                // allOf is an intersection: a property defined again is both definitions.
                match properties.get(name).filter(|previous| *previous != prop) {
                    None => {}
                    Some(previous) => match self.intersect(previous, prop) {
                        Intersection::First => continue,
                        Intersection::Second => {}
                        Intersection::Merged(both) => {
                            origins.remove(name);
                            properties.insert(name.clone(), both);
                            continue;
                        }
                        Intersection::Contradiction => {
                            let earlier = origins.get(name).cloned().unwrap_or_default();
                            conflicts.push((
                                here.clone(),
                                format!(
                                    "allOf branches contradict each other on property `{name}` (also defined at {earlier}); this later definition is used"
                                ),
                            ));
                        }
                    },
                }
                origins.insert(name.clone(), here);
                properties.insert(name.clone(), prop.clone());
            }
            let reqs = resolved.member("required").and_then(Value::as_array);
            for r in reqs.into_iter().flatten() {
                if !required.contains(r) {
                    required.push(r.clone());
                }
            }
            closed |= resolved.member("additionalProperties") == Some(&Value::Bool(false));
        }
        let mut merged = own.clone();
        merged.remove("allOf");
        merged.insert("properties".into(), Value::Object(properties));
        merged.insert("required".into(), Value::Array(required));
        if closed {
            merged.insert("additionalProperties".into(), false.into());
        }
        Merged {
            schema: merged,
            origins,
            conflicts,
        }
    }

    /// Two definitions of one property in the branches of an `allOf` (JSON Schema: both
    /// apply). Objects merge recursively (`allOf` of both); a definition whose every
    /// constraint the other also states is the other (`string` and an `enum` of strings are
    /// the enum); other scalars of one type merge their keywords (`enum`s intersect, `null`
    /// only when both allow it). Different types are a contradiction.
    fn intersect(&self, a: &Value, b: &Value) -> Intersection {
        let resolve = |v: &'_ Value| {
            crate::load::follow_refs(self.raw, v, "").and_then(|(t, _)| t.as_object().cloned())
        };
        let (Some(oa), Some(ob)) = (resolve(a), resolve(b)) else {
            return Intersection::Contradiction;
        };
        let objectish = |o: &Map<String, Value>| is_object_schema(o) || o.contains_key("allOf");
        if objectish(&oa) && objectish(&ob) {
            return Intersection::Merged(serde_json::json!({ "allOf": [a, b] }));
        }
        if states_all_of(&ob, &oa) {
            return Intersection::Second;
        }
        if states_all_of(&oa, &ob) {
            return Intersection::First;
        }
        let types = |o: &Map<String, Value>| -> Vec<String> {
            let mut t: Vec<String> = type_names(o)
                .into_iter()
                .filter(|t| *t != "null")
                .map(str::to_string)
                .collect();
            t.sort();
            t
        };
        let (ta, tb) = (types(&oa), types(&ob));
        if objectish(&oa) || objectish(&ob) || (!ta.is_empty() && !tb.is_empty() && ta != tb) {
            return Intersection::Contradiction;
        }
        let mut merged = oa.clone();
        for (k, v) in &ob {
            match (
                k.as_str(),
                merged.member("enum").and_then(Value::as_array),
                v.as_array(),
            ) {
                ("enum", Some(mine), Some(theirs)) => {
                    let both: Vec<Value> = mine
                        .iter()
                        .filter(|x| theirs.contains(x))
                        .cloned()
                        .collect();
                    if both.is_empty() {
                        return Intersection::Contradiction;
                    }
                    merged.insert("enum".into(), Value::Array(both));
                }
                _ => {
                    merged.insert(k.clone(), v.clone());
                }
            }
        }
        if !(is_nullable(&oa) && is_nullable(&ob)) {
            merged.remove("nullable");
            let non_null = if ta.is_empty() { tb } else { ta };
            match non_null.as_slice() {
                [] => {
                    merged.remove("type");
                }
                [one] => {
                    merged.insert("type".into(), one.clone().into());
                }
                _ => {
                    merged.insert("type".into(), non_null.into());
                }
            }
        }
        Intersection::Merged(Value::Object(merged))
    }

    /// Follows `$ref`s and single-branch `allOf`s to an object schema, merging multi-branch
    /// `allOf`s. Returns the object and the pointer it was found at.
    pub(super) fn resolve_object<'s>(
        &self,
        schema: &'s Value,
        pointer: &str,
    ) -> (Option<Resolved<'s>>, String)
    where
        'a: 's,
    {
        let (resolved, at, _) = self.resolve_at(schema, pointer, 0, false);
        (resolved, at)
    }

    /// [`Self::resolve_object`], with where each property is written and the cycles met.
    /// The object is borrowed from the document or shared with the `allOf` memo, not
    /// copied: Microsoft Graph's types are long `allOf` chains, merged branch by branch.
    fn resolve_with_origins<'s>(
        &self,
        schema: &'s Value,
        pointer: &str,
        depth: usize,
    ) -> (Option<Resolved<'s>>, String, Vec<(String, String)>)
    where
        'a: 's,
    {
        self.resolve_at(schema, pointer, depth, true)
    }

    /// [`Self::resolve_with_origins`]; a document object's property origins are left empty
    /// unless `with_origins` (a merge's are always there).
    fn resolve_at<'s>(
        &self,
        schema: &'s Value,
        pointer: &str,
        depth: usize,
        with_origins: bool,
    ) -> (Option<Resolved<'s>>, String, Vec<(String, String)>)
    where
        'a: 's,
    {
        if depth >= MAX_DEPTH {
            return (None, pointer.to_string(), Vec::new());
        }
        let Some((target, at)) = crate::load::follow_refs(self.raw, schema, pointer) else {
            return (None, pointer.to_string(), Vec::new());
        };
        let Some(obj) = target.as_object() else {
            return (None, at, Vec::new());
        };
        match obj.member("allOf").and_then(Value::as_array) {
            Some(all_of) => {
                let merged = self.merge_all_of(obj, all_of, &at, depth + 1);
                let cycles = merged
                    .conflicts
                    .iter()
                    .filter(|(_, m)| m == ALL_OF_CYCLE)
                    .cloned()
                    .collect();
                (Some(Resolved::Merged(merged)), at, cycles)
            }
            None => {
                let origins = if with_origins {
                    property_origins(obj, &at)
                } else {
                    BTreeMap::new()
                };
                (
                    Some(Resolved::Object(Cow::Borrowed(obj), origins)),
                    at,
                    Vec::new(),
                )
            }
        }
    }

    /// `oneOf`/`anyOf`: nullable and `Undefined` branches set flags; one branch left is that
    /// branch; then a tagged union, one struct for overlapping objects, or an untagged union.
    /// The schema's own `properties`/`required`/`allOf` beside the union apply to every branch
    /// (JSON Schema applies all of a schema's keywords at once), so each branch is lowered as
    /// `allOf: [branch, own part]` and none of them is lost.
    #[allow(clippy::too_many_arguments)]
    fn lower_union(
        &mut self,
        obj: &Map<String, Value>,
        key: &str,
        branches: &[Value],
        pointer: &str,
        hint: &str,
        depth: usize,
        nullable: bool,
    ) -> Lowered {
        let mut nullable = nullable;
        let mut omittable = false;
        let distributed = self.distribute_own_part(obj, branches, pointer);
        let lowered = distributed.as_deref().unwrap_or(branches);
        let mut kept: Vec<(usize, &Value)> = Vec::new();
        for (i, branch) in branches.iter().enumerate() {
            if is_null_schema(branch) {
                nullable = true;
            } else if self.is_sentinel_ref(branch) {
                omittable = true;
            } else {
                kept.push((i, &lowered[i]));
            }
        }
        match kept.as_slice() {
            [] => {
                return Lowered::Ref(Shape {
                    ty: TypeRef::Any,
                    nullable,
                    omittable,
                })
            }
            [(i, branch)] => {
                let inner = format!("{pointer}/{key}/{i}");
                let mut shape = self.use_at_depth(branch, &inner, hint, depth + 1);
                shape.nullable |= nullable;
                shape.omittable |= omittable;
                return Lowered::Ref(shape);
            }
            _ => {}
        }
        let kind = if let Some(union) = self.tagged_union(obj, key, &kept, pointer, hint, depth) {
            TypeKind::Tagged(union)
        } else if let Some(s) = self.overlapping_struct(key, &kept, pointer, hint, depth) {
            TypeKind::Struct(s)
        } else {
            let originals = distributed.is_some().then_some(branches);
            self.untagged_union(key, &kept, originals, pointer, hint, depth)
        };
        Lowered::Def {
            kind,
            nullable,
            omittable,
        }
    }

    /// A union schema's own object part (`properties`, `required`, `additionalProperties`,
    /// `allOf` beside `oneOf`/`anyOf`), distributed into every branch as
    /// `allOf: [branch, own part]`: an instance must match both, so each branch's type gets the
    /// common properties too. `None` when the schema has no such part. The own part is a
    /// `$ref` to the union schema itself when it is written in the document (merging reads
    /// only its object keywords, and each property is then lowered once, from where it is
    /// written); otherwise a copy. The caller reads null and `Undefined` branches from the
    /// branches as written.
    fn distribute_own_part(
        &self,
        obj: &Map<String, Value>,
        branches: &[Value],
        pointer: &str,
    ) -> Option<Vec<Value>> {
        let non_empty = |k: &str| match obj.member(k) {
            Some(Value::Object(m)) => !m.is_empty(),
            Some(Value::Array(a)) => !a.is_empty(),
            _ => false,
        };
        if !["properties", "required", "allOf"]
            .iter()
            .any(|k| non_empty(k))
        {
            return None;
        }
        let mut copy = Map::new();
        for k in ["properties", "required", "additionalProperties", "allOf"] {
            if let Some(v) = obj.member(k) {
                copy.insert(k.to_string(), v.clone());
            }
        }
        let copy = Value::Object(copy);
        let in_document = crate::load::lookup(self.raw, pointer)
            .and_then(Value::as_object)
            .is_some_and(|at| std::ptr::eq(at, obj));
        let reference = serde_json::json!({ "$ref": format!("#{}", pointer.replace('%', "%25")) });
        Some(
            branches
                .iter()
                .map(|b| {
                    // A branch that constrains nothing would leave the reference alone in the
                    // `allOf`, which would stand for the union itself.
                    let own = if in_document && !is_annotation_only(b) {
                        &reference
                    } else {
                        &copy
                    };
                    serde_json::json!({ "allOf": [b, own] })
                })
                .collect(),
        )
    }

    /// Overlapping object branches (see [`Self::overlapping_objects`]) as one struct.
    fn overlapping_struct(
        &mut self,
        key: &str,
        kept: &[(usize, &Value)],
        pointer: &str,
        hint: &str,
        depth: usize,
    ) -> Option<Struct> {
        let merged = self.overlapping_objects(key, kept, pointer)?;
        let Lowered::Def {
            kind: TypeKind::Struct(mut s),
            ..
        } = self.lower_object(&merged, pointer, hint, depth, false, None)
        else {
            return None;
        };
        s.rule = Some(format!(
            "`{key}` of object schemas that overlap (no branch has a required property the \
             others lack, and shared properties agree): one struct with the properties of \
             every branch, so no property of a payload is lost; a property is required \
             only when every branch requires it."
        ));
        Some(s)
    }

    /// The untagged union of the branches. `originals` are the branches as written when
    /// `kept` holds them with the schema's own part distributed into each (for names).
    fn untagged_union(
        &mut self,
        key: &str,
        kept: &[(usize, &Value)],
        originals: Option<&[Value]>,
        pointer: &str,
        hint: &str,
        depth: usize,
    ) -> TypeKind {
        let mut variants = Vec::new();
        let mut names = naming::Namespace::default();
        for &(i, branch) in kept {
            let inner = format!("{pointer}/{key}/{i}");
            // An inline branch that becomes a type of its own is named after its parent and
            // its title or shape; other branches are named after their type (a distributed
            // `$ref` branch after the schema it names).
            let original = originals.map_or(branch, |o| &o[i]);
            let inline = inline_branch_name(original);
            let filler = inline.as_ref().is_some_and(|(_, filler)| *filler);
            let own_name = inline
                .map(|(n, _)| n)
                .or_else(|| originals.and_then(|_| self.ref_type_name(original)))
                .map(|n| names.claim(&n).0);
            let branch_hint = match &own_name {
                Some(n) => format!("{hint}{n}"),
                None => format!("{hint}Variant{i}"),
            };
            let shape = self.use_at_depth(branch, &inner, &branch_hint, depth + 1);
            let ty = shape.into_type();
            // A word for the branch's shape (`Union`) says nothing: when the branch is a
            // copy of a component schema (one type), the variant is named after it.
            let component = match &ty {
                TypeRef::Named(id) | TypeRef::Boxed(id) if filler => self
                    .components
                    .values()
                    .any(|c| c == id)
                    .then(|| self.types[id.0].name.rust.clone()),
                _ => None,
            };
            let rust = match (component, own_name) {
                (Some(n), _) => names.claim(&n).0,
                (None, Some(n)) => n,
                (None, None) => {
                    names
                        .claim(&self.variant_name_for(&ty, &format!("Variant{i}")))
                        .0
                }
            };
            variants.push(UntaggedVariant {
                name: Name { wire: inner, rust },
                ty,
            });
        }
        sort_untagged(&mut variants, self);
        TypeKind::Untagged(UntaggedUnion { variants })
    }

    /// The Rust name of the component schema a `$ref` branch names.
    fn ref_type_name(&self, branch: &Value) -> Option<String> {
        let target = crate::load::ref_pointer(branch.member("$ref")?.as_str()?)?;
        let id = self.components.get(&target)?;
        Some(self.types[id.0].name.rust.clone())
    }

    /// For `oneOf`/`anyOf` branches that are all object schemas which cannot be told apart
    /// (some pair has no required property of one missing from the other) and agree on
    /// every property they share: the merged object schema. `None` otherwise.
    fn overlapping_objects(
        &self,
        key: &str,
        branches: &[(usize, &Value)],
        pointer: &str,
    ) -> Option<Map<String, Value>> {
        let resolved: Vec<Resolved> = branches
            .iter()
            .map(|(i, b)| self.resolve_object(b, &format!("{pointer}/{key}/{i}")).0)
            .collect::<Option<_>>()?;
        let resolved: Vec<&Map<String, Value>> = resolved.iter().map(Resolved::schema).collect();
        if resolved.iter().any(|r| !is_object_schema(r)) {
            return None;
        }
        let props = |r: &Map<String, Value>| {
            r.member("properties")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default()
        };
        let required = |r: &Map<String, Value>| -> Vec<String> {
            r.member("required")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default()
        };
        let tells_apart = |a: &Map<String, Value>, b: &Map<String, Value>| {
            let (pa, pb) = (props(a), props(b));
            required(a).iter().any(|k| !pb.contains_key(k))
                || required(b).iter().any(|k| !pa.contains_key(k))
        };
        let all_distinct = resolved
            .iter()
            .enumerate()
            .all(|(i, a)| resolved.iter().skip(i + 1).all(|b| tells_apart(a, b)));
        if all_distinct {
            return None;
        }
        let mut merged_props = Map::new();
        for r in &resolved {
            for (name, schema) in props(r) {
                match merged_props.get(&name) {
                    Some(existing) if *existing != schema => return None,
                    Some(_) => {}
                    None => {
                        merged_props.insert(name, schema);
                    }
                }
            }
        }
        let mut required_everywhere = required(resolved[0]);
        required_everywhere.retain(|k| resolved.iter().all(|r| required(r).contains(k)));
        let mut merged = Map::new();
        merged.insert("type".into(), "object".into());
        merged.insert("properties".into(), Value::Object(merged_props));
        merged.insert(
            "required".into(),
            Value::Array(required_everywhere.into_iter().map(Value::String).collect()),
        );
        Some(merged)
    }

    fn is_sentinel_ref(&self, schema: &Value) -> bool {
        schema
            .member("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix('#'))
            .is_some_and(|t| self.sentinels.contains(&percent_decode(t)))
    }

    /// A descriptive variant name for an untagged branch.
    fn variant_name_for(&self, ty: &TypeRef, fallback: &str) -> String {
        match ty {
            TypeRef::Named(id) | TypeRef::Boxed(id) => self.types[id.0].name.rust.clone(),
            TypeRef::String => "String".into(),
            TypeRef::Integer(_) => "Integer".into(),
            TypeRef::Number => "Number".into(),
            TypeRef::Boolean => "Boolean".into(),
            TypeRef::Uuid => "Uuid".into(),
            TypeRef::DateTime => "DateTime".into(),
            TypeRef::Date => "Date".into(),
            TypeRef::Base64 => "Bytes".into(),
            TypeRef::Any => fallback.into(),
            TypeRef::JsonObject | TypeRef::Map(_) => "Object".into(),
            TypeRef::Array(inner) => format!("{}List", self.variant_name_for(inner, "Value")),
            TypeRef::Nullable(inner) => self.variant_name_for(inner, fallback),
        }
    }

    /// Recognizes an internally tagged union (see the module docs).
    fn tagged_union(
        &mut self,
        obj: &Map<String, Value>,
        key: &str,
        branches: &[(usize, &Value)],
        pointer: &str,
        hint: &str,
        depth: usize,
    ) -> Option<TaggedUnion> {
        let discriminator = obj.member("discriminator").and_then(Value::as_object);
        let resolved: Vec<Resolved> = branches
            .iter()
            .map(|(i, b)| self.resolve_object(b, &format!("{pointer}/{key}/{i}")).0)
            .collect::<Option<Vec<_>>>()?;
        let resolved: Vec<&Map<String, Value>> = resolved.iter().map(Resolved::schema).collect();
        if resolved.iter().any(|r| !is_object_schema(r)) {
            return None;
        }
        let (tag, values) = match discriminator {
            Some(d) => discriminator_values(d, branches, &resolved)?,
            None => inferred_tag(&resolved)?,
        };
        let flat: Vec<String> = values.iter().flatten().cloned().collect();
        if !all_distinct(&flat) {
            self.diags.warn(
                self.origin(pointer),
                format!("branches share a `{tag}` value; the union is untagged"),
            );
            return None;
        }

        let mut variant_names = strip_common_words(&flat).into_iter();
        let mut names = naming::Namespace::default();
        let mut variants = Vec::new();
        for (((i, branch), res), values) in branches.iter().zip(&resolved).zip(&values) {
            let required = required_names(res);
            let declared = res
                .member("properties")
                .and_then(Value::as_object)
                .is_some_and(|p| p.contains_key(&tag))
                || required.contains(&tag.as_str());
            // Without a discriminator, a branch that does not require its tag may omit it:
            // such an object is matched by shape, and keeps its (absent) tag on the way out.
            // A tag fixed by a `default` is written as that default (the existing behaviour
            // requests rely on), so only `const`/one-value `enum` tags may be omitted.
            let tag_optional = discriminator.is_none()
                && !required.contains(&tag.as_str())
                && known_value(res, &tag).is_some_and(|(_, hard)| hard);
            let mut ty = None;
            for value in values {
                let (rust, _) = names.claim(&variant_names.next().unwrap_or_default());
                let inner = format!("{pointer}/{key}/{i}");
                let ty = ty
                    .get_or_insert_with(|| {
                        self.use_at_depth(branch, &inner, &format!("{hint}{rust}"), depth + 1)
                            .ty
                    })
                    .clone();
                variants.push(TaggedVariant {
                    name: Name {
                        wire: value.clone(),
                        rust,
                    },
                    ty,
                    strip_tag: !declared,
                    tag_optional,
                });
            }
        }
        Some(TaggedUnion {
            tag,
            variants,
            open: false,
        })
    }

    fn lower_enum(
        &mut self,
        obj: &Map<String, Value>,
        values: &[Value],
        pointer: &str,
        nullable: bool,
    ) -> Lowered {
        let nullable = nullable || values.iter().any(Value::is_null);
        let non_null: Vec<&Value> = values.iter().filter(|v| !v.is_null()).collect();
        if non_null.is_empty() {
            return Lowered::Ref(Shape {
                ty: TypeRef::Any,
                nullable: true,
                omittable: false,
            });
        }
        if let Some(strings) = non_null
            .iter()
            .map(|v| v.as_str())
            .collect::<Option<Vec<_>>>()
        {
            let mut names = naming::Namespace::default();
            let mut variants = Vec::new();
            let mut seen = std::collections::BTreeSet::new();
            for s in strings {
                if !seen.insert(s) {
                    continue;
                }
                let (rust, renamed) = names.claim(&naming::variant_name(s, "Empty"));
                if renamed {
                    self.diags.warn(
                        self.origin(pointer),
                        format!("enum value `{s}` renamed to `{rust}` to avoid a name clash"),
                    );
                }
                variants.push(Name {
                    wire: s.to_string(),
                    rust,
                });
            }
            return Lowered::Def {
                kind: TypeKind::Enum(Enum {
                    variants,
                    open: false,
                }),
                nullable,
                omittable: false,
            };
        }
        // Numbers, booleans or mixed values: the underlying JSON type.
        let types: Vec<&str> = type_names(obj)
            .into_iter()
            .filter(|t| *t != "null")
            .collect();
        let ty = match types.as_slice() {
            [t] if *t != "object" && *t != "array" => self.scalar(t, obj, pointer),
            _ => {
                let kinds: std::collections::BTreeSet<&str> =
                    non_null.iter().map(|v| json_kind(v)).collect();
                match kinds.into_iter().collect::<Vec<_>>().as_slice() {
                    ["integer"] => TypeRef::Integer(IntKind::I64),
                    ["integer", "number"] | ["number"] => TypeRef::Number,
                    ["boolean"] => TypeRef::Boolean,
                    _ => {
                        self.diags.warn(
                            self.origin(pointer),
                            "enum mixes JSON types; typed as any JSON value",
                        );
                        TypeRef::Any
                    }
                }
            }
        };
        Lowered::Ref(Shape {
            ty,
            nullable,
            omittable: false,
        })
    }

    fn scalar(&mut self, ty: &str, obj: &Map<String, Value>, pointer: &str) -> TypeRef {
        let format = obj.member("format").and_then(Value::as_str).unwrap_or("");
        match ty {
            "string" => match format {
                "uuid" => TypeRef::Uuid,
                "date-time" => TypeRef::DateTime,
                "date" => TypeRef::Date,
                "byte" => TypeRef::Base64,
                _ => TypeRef::String,
            },
            "integer" => TypeRef::Integer(match format {
                "int32" | "int16" | "int8" => IntKind::I32,
                "uint32" | "uint16" | "uint8" => IntKind::U32,
                "uint64" | "uint" => IntKind::U64,
                _ => IntKind::I64,
            }),
            "number" => TypeRef::Number,
            "boolean" => TypeRef::Boolean,
            "object" => TypeRef::JsonObject,
            "array" => TypeRef::Array(Box::new(TypeRef::Any)),
            other => {
                self.diags.warn(
                    self.origin(pointer),
                    format!("unknown type `{other}`; typed as any JSON value"),
                );
                TypeRef::Any
            }
        }
    }

    fn lower_array(
        &mut self,
        obj: &Map<String, Value>,
        pointer: &str,
        hint: &str,
        depth: usize,
        nullable: bool,
    ) -> Lowered {
        let item = match obj.member("items") {
            Some(items) if items.is_object() || items.is_boolean() => self
                .use_at_depth(
                    items,
                    &format!("{pointer}/items"),
                    &format!("{hint}Item"),
                    depth + 1,
                )
                .into_type(),
            _ => TypeRef::Any,
        };
        Lowered::Ref(Shape {
            ty: TypeRef::Array(Box::new(item)),
            nullable,
            omittable: false,
        })
    }

    /// An object schema: a map (no `properties`) or a struct with one field per property,
    /// per adjacently tagged pair, and per `required` name `properties` does not describe.
    /// `origins` (for an `allOf` merged into `obj`) says where the document writes each
    /// property: a property is lowered from there, not from its copy.
    fn lower_object(
        &mut self,
        obj: &Map<String, Value>,
        pointer: &str,
        hint: &str,
        depth: usize,
        nullable: bool,
        origins: Option<&BTreeMap<String, String>>,
    ) -> Lowered {
        let additional = obj.member("additionalProperties");
        let closed = additional == Some(&Value::Bool(false));
        let typed_additional = match additional {
            Some(Value::Object(schema)) if !schema.is_empty() => additional,
            _ => None,
        };
        // `additionalProperties: true` (or `{}`) written out beside declared properties: the
        // other properties are kept in a map rather than ignored.
        let any_additional = matches!(additional, Some(Value::Bool(true)))
            || matches!(additional, Some(Value::Object(o)) if o.is_empty());
        let required = required_names(obj);
        // Without `properties`, a map keeps every property (the required ones included).
        if !obj.contains_key("properties") && !closed {
            let ty = match typed_additional {
                Some(schema) => {
                    TypeRef::Map(Box::new(self.additional_type(schema, pointer, hint, depth)))
                }
                None => TypeRef::JsonObject,
            };
            return Lowered::Ref(Shape {
                ty,
                nullable,
                omittable: false,
            });
        }
        let empty = Map::new();
        let properties = obj
            .member("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let mut fields =
            self.object_fields(properties, origins, &required, closed, pointer, hint, depth);
        // A `required` name `properties` does not describe still has a value: any JSON.
        let mut seen = std::collections::BTreeSet::new();
        for name in required {
            if properties.contains_key(name) || !seen.insert(name) {
                continue;
            }
            fields.push(Field {
                name: Name::wire(name.to_string()),
                ty: TypeRef::Any,
                required: true,
                nullable: false,
                default: None,
                flatten: false,
                undefined: false,
                read_only: false,
                docs: Docs {
                    notes: vec![
                        "Listed in `required` but not described in `properties`: any JSON value."
                            .into(),
                    ],
                    ..Docs::default()
                },
                origin: Origin::new(self.file, format!("{pointer}/required")),
            });
        }
        let additional = match typed_additional {
            Some(schema) => Some(self.additional_type(schema, pointer, hint, depth)),
            None => any_additional.then_some(TypeRef::Any),
        };
        Lowered::Def {
            kind: TypeKind::Struct(Struct {
                fields,
                closed,
                additional,
                rule: None,
                usage: Usage::default(),
            }),
            nullable,
            omittable: false,
        }
    }

    /// The value type of a typed `additionalProperties`.
    fn additional_type(
        &mut self,
        schema: &Value,
        pointer: &str,
        hint: &str,
        depth: usize,
    ) -> TypeRef {
        self.use_at_depth(
            schema,
            &format!("{pointer}/additionalProperties"),
            &format!("{hint}Value"),
            depth + 1,
        )
        .into_type()
    }

    /// One field per declared property, in spec order; an adjacently tagged pair (a content
    /// property whose branches are conditioned on a sibling tag) is one flattened field.
    #[allow(clippy::too_many_arguments)]
    fn object_fields(
        &mut self,
        properties: &Map<String, Value>,
        origins: Option<&BTreeMap<String, String>>,
        required: &[&str],
        closed: bool,
        pointer: &str,
        hint: &str,
        depth: usize,
    ) -> Vec<Field> {
        let adjacent = adjacent_pairs(properties, pointer);
        let paired: Vec<&str> = adjacent
            .iter()
            .flat_map(|(t, c, _)| [t.as_str(), c.as_str()])
            .collect();
        let mut fields = Vec::new();
        let raw = self.raw;
        for (name, prop) in properties {
            let written = origins
                .and_then(|o| o.get(name))
                .and_then(|at| crate::load::lookup(raw, at).map(|p| (p, at.clone())));
            let (prop, prop_pointer) = written.unwrap_or_else(|| {
                (
                    prop,
                    format!("{pointer}/properties/{}", escape_pointer(name)),
                )
            });
            if !prop.is_object() && !prop.is_boolean() {
                // `properties: {required: [...]}`: a keyword of the object written one level
                // too deep is no property of its instances.
                self.diags.warn(
                    self.origin(&prop_pointer),
                    format!(
                        "property {} is not a schema (a keyword in the wrong place?); skipped",
                        crate::escape::code_span(name)
                    ),
                );
                continue;
            }
            if let Some((tag, content, branches)) = adjacent.iter().find(|(t, _, _)| t == name) {
                let union = self.adjacent_union(
                    properties,
                    tag,
                    content,
                    branches,
                    closed,
                    &prop_pointer,
                    hint,
                    depth,
                );
                let wire = format!("{hint}{}", naming::camel_part(tag, "Tag"));
                let id = self.new_type(
                    Name {
                        wire: wire.clone(),
                        rust: wire,
                    },
                    Origin::new(self.file, prop_pointer.clone()),
                    Docs {
                        notes: vec![format!(
                            "Adjacently tagged: {tag} names the variant and {content} holds its options. \
                             Read from the `if`/`const` conditions on {content}'s `oneOf` branches \
                             (JSON Schema 2020-12 §10.2.2).",
                            tag = crate::escape::code_span(tag),
                            content = crate::escape::code_span(content),
                        )],
                        ..docs_of(prop, None)
                    },
                );
                self.types[id.0].kind = TypeKind::Adjacent(union);
                fields.push(Field {
                    name: Name::wire(tag.clone()),
                    ty: TypeRef::Named(id),
                    required: true,
                    nullable: false,
                    default: None,
                    flatten: true,
                    undefined: false,
                    read_only: false,
                    docs: docs_of(prop, None),
                    origin: Origin::new(self.file, prop_pointer),
                });
            } else if !paired.contains(&name.as_str()) {
                let required = required.contains(&name.as_str());
                fields.push(self.property_field(name, prop, required, prop_pointer, hint, depth));
            }
        }
        fields
    }

    /// The field of one declared property.
    fn property_field(
        &mut self,
        name: &str,
        prop: &Value,
        required: bool,
        prop_pointer: String,
        hint: &str,
        depth: usize,
    ) -> Field {
        let field_hint = format!("{hint}{}", naming::camel_part(name, "Field"));
        let shape = self.use_at_depth(prop, &prop_pointer, &field_hint, depth + 1);
        let default = prop.member("default").cloned();
        let mut docs = docs_of(prop, None);
        let mut required = required && !shape.omittable;
        // OpenAPI 3.0 §4.7.25.3: a required `readOnly` property is required in responses
        // only, a required `writeOnly` one in requests only. One Rust type serves both
        // directions, so such a property is optional; requests leave a read-only one out.
        for (keyword, note) in [
            (
                "readOnly",
                "Read-only: the server sets it; requests leave it out (`None`).",
            ),
            (
                "writeOnly",
                "Write-only: sent in requests; responses leave it out (`None`).",
            ),
        ] {
            if prop.member(keyword) == Some(&Value::Bool(true)) {
                required = false;
                docs.notes.push(note.into());
            }
        }
        Field {
            name: Name::wire(name.to_string()),
            ty: shape.ty,
            required,
            nullable: shape.nullable,
            default,
            flatten: false,
            undefined: shape.omittable,
            read_only: false,
            docs,
            origin: Origin::new(self.file, prop_pointer),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn adjacent_union(
        &mut self,
        properties: &Map<String, Value>,
        tag: &str,
        content: &str,
        branches: &[Branch],
        closed: bool,
        tag_pointer: &str,
        hint: &str,
        depth: usize,
    ) -> AdjacentUnion {
        // Tag values: the tag property's enum (in its order), then any extra branch values.
        let mut values: Vec<String> = Vec::new();
        if let Some(tag_schema) = properties.get(tag) {
            values.extend(self.resolve_enum(tag_schema, tag_pointer));
        }
        for b in branches {
            if !values.contains(&b.value) {
                values.push(b.value.clone());
            }
        }
        let content_schema = &properties[content];
        let content_nullable = content_schema.as_object().is_some_and(is_nullable);
        let mut names = naming::Namespace::default();
        let mut variants = Vec::new();
        for value in values {
            let (rust, _) = names.claim(&naming::variant_name(&value, "Empty"));
            let (content_ty, content_required) = match branches.iter().find(|b| b.value == value) {
                Some(Branch {
                    schema,
                    pointer: at,
                    ..
                }) => {
                    let shape = self.use_at_depth(schema, at, &format!("{hint}{rust}"), depth + 1);
                    let (resolved, _) = self.resolve_object(schema, at);
                    let required = resolved
                        .as_ref()
                        .and_then(|r| r.schema().member("required"))
                        .and_then(Value::as_array)
                        .is_some_and(|r| !r.is_empty());
                    (Some(shape.ty), required)
                }
                None => (None, false),
            };
            variants.push(AdjacentVariant {
                name: Name { wire: value, rust },
                content: content_ty,
                content_required,
            });
        }
        AdjacentUnion {
            tag: tag.to_string(),
            content: content.to_string(),
            content_nullable,
            closed,
            variants,
        }
    }

    /// The string values of an enum schema (following `$ref`s).
    fn resolve_enum(&self, schema: &Value, pointer: &str) -> Vec<String> {
        crate::load::follow_refs(self.raw, schema, pointer)
            .and_then(|(target, _)| target.member("enum").and_then(Value::as_array))
            .map(|vs| {
                vs.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// The variant name of an inline union branch that will become a named type: its `title`,
/// the value of a one-value `enum` or a `const` (`"default"` → `Default`), or else a word for
/// its shape (`Enum`, `Union`, `Object`: `true` in the pair, a filler to replace when the
/// branch turns out to be a component's type). `None` for references and scalars (named
/// after their type).
fn inline_branch_name(branch: &Value) -> Option<(String, bool)> {
    let obj = branch.as_object()?;
    if obj.contains_key("$ref") || !is_composite(branch) {
        return None;
    }
    if let Some(title) = obj.member("title").and_then(Value::as_str) {
        let name = naming::camel_part(title, "");
        if !name.is_empty() {
            return Some((name, false));
        }
    }
    let single = match (
        obj.member("const"),
        obj.member("enum").and_then(Value::as_array),
    ) {
        (Some(Value::String(v)), _) => Some(v.as_str()),
        (_, Some(values)) if values.len() == 1 => values[0].as_str(),
        _ => None,
    };
    if let Some(name) = single.map(|v| naming::camel_part(v, "")) {
        if !name.is_empty() {
            return Some((name, false));
        }
    }
    Some((
        if obj.contains_key("enum") {
            "Enum"
        } else if ["oneOf", "anyOf"].iter().any(|k| obj.contains_key(*k)) {
            "Union"
        } else {
            "Object"
        }
        .to_string(),
        true,
    ))
}

/// The adjacently tagged pairs among an object's properties: (tag property, content
/// property, the content's conditional branches with absolute pointers).
fn adjacent_pairs(
    properties: &Map<String, Value>,
    pointer: &str,
) -> Vec<(String, String, Vec<Branch>)> {
    let mut adjacent = Vec::new();
    for (name, prop) in properties {
        if let Some((tag, branches)) = conditional_branches(prop, properties) {
            let content_pointer = format!("{pointer}/properties/{}", escape_pointer(name));
            let key = if prop.member("oneOf").is_some() {
                "oneOf"
            } else {
                "anyOf"
            };
            let branches = branches
                .into_iter()
                .map(|mut b| {
                    b.pointer = format!("{content_pointer}/{key}/{}", b.pointer);
                    b
                })
                .collect();
            adjacent.push((tag, name.clone(), branches));
        }
    }
    adjacent
}

/// One conditional branch of an adjacently tagged content property.
struct Branch {
    /// The tag value the branch's condition requires.
    value: String,
    /// The content schema: the branch without its condition.
    schema: Value,
    /// Its JSON pointer (the branch index until the caller makes it absolute).
    pointer: String,
}

/// For a property whose `oneOf`/`anyOf` branches each carry a condition on one sibling
/// property (`if: {properties: {tag: {const: v}}}`, or `properties: {tag: {const: v}}` beside
/// the `$ref` when `if` is `null`), returns the tag property and the branches.
fn conditional_branches(
    prop: &Value,
    siblings: &Map<String, Value>,
) -> Option<(String, Vec<Branch>)> {
    let branches = prop
        .member("oneOf")
        .or_else(|| prop.member("anyOf"))
        .and_then(Value::as_array)?;
    let mut tag: Option<String> = None;
    let mut out = Vec::new();
    for (i, branch) in branches.iter().enumerate() {
        let obj = branch.as_object()?;
        let condition = match obj.member("if") {
            Some(Value::Object(cond)) => cond.member("properties").and_then(Value::as_object),
            _ => obj.member("properties").and_then(Value::as_object),
        }?;
        if condition.len() != 1 {
            return None;
        }
        let (name, cond) = condition.iter().next()?;
        if !siblings.contains_key(name) {
            return None;
        }
        let value = cond
            .member("const")
            .or_else(|| {
                cond.member("enum")
                    .and_then(Value::as_array)
                    .filter(|a| a.len() == 1)
                    .and_then(|a| a.first())
            })?
            .as_str()?
            .to_string();
        if tag.get_or_insert_with(|| name.clone()) != name {
            return None;
        }
        let mut content = obj.clone();
        content.remove("if");
        if !matches!(obj.member("if"), Some(Value::Object(_))) {
            content.remove("properties");
        }
        out.push(Branch {
            value,
            schema: Value::Object(content),
            pointer: i.to_string(),
        });
    }
    let tag = tag?;
    let values: Vec<String> = out.iter().map(|b| b.value.clone()).collect();
    all_distinct(&values).then_some((tag, out))
}

/// The tag property of an explicit `discriminator` and, per branch, its values: every
/// `mapping` key naming the branch's `$ref` (several keys may name one schema, and each keeps
/// its value), else the value the branch fixes, else the schema's name (OpenAPI 3.1 §4.8.25).
fn discriminator_values(
    d: &Map<String, Value>,
    branches: &[(usize, &Value)],
    resolved: &[&Map<String, Value>],
) -> Option<(String, Vec<Vec<String>>)> {
    let tag = d.member("propertyName")?.as_str()?.to_string();
    let mapping = d.member("mapping").and_then(Value::as_object);
    let mut values = Vec::new();
    for ((_, branch), res) in branches.iter().zip(resolved) {
        let reference = branch_ref(branch);
        let from_mapping: Vec<String> = match (mapping, reference) {
            (Some(m), Some(r)) => m
                .iter()
                .filter(|(_, target)| target.as_str() == Some(r))
                .map(|(k, _)| k.clone())
                .collect(),
            _ => Vec::new(),
        };
        if !from_mapping.is_empty() {
            values.push(from_mapping);
            continue;
        }
        let value = known_value(res, &tag).map(|(v, _)| v).or_else(|| {
            reference
                .and_then(|r| r.rsplit('/').next())
                .map(unescape_pointer)
        })?;
        values.push(vec![value]);
    }
    Some((tag, values))
}

/// Without a discriminator: the property every branch fixes to a distinct value (`const`,
/// one-value `enum`, `default`), preferring hard constraints over defaults.
fn inferred_tag(resolved: &[&Map<String, Value>]) -> Option<(String, Vec<Vec<String>>)> {
    let candidates = resolved[0]
        .member("properties")
        .and_then(Value::as_object)?;
    let mut best: Option<(usize, String, Vec<String>)> = None;
    for name in candidates.keys() {
        let mut values = Vec::new();
        let mut weak = 0;
        for res in resolved {
            match known_value(res, name) {
                Some((v, strength)) => {
                    values.push(v);
                    weak += usize::from(!strength);
                }
                None => break,
            }
        }
        if values.len() != resolved.len() || !all_distinct(&values) {
            continue;
        }
        if best.as_ref().is_none_or(|(w, _, _)| weak < *w) {
            best = Some((weak, name.clone(), values));
        }
    }
    let (_, tag, values) = best?;
    Some((tag, values.into_iter().map(|v| vec![v]).collect()))
}

/// The `$ref` a union branch names: its own, or that of the first `allOf` member (a branch
/// refining a schema, or one the union's own part was distributed into).
fn branch_ref(branch: &Value) -> Option<&str> {
    branch.member("$ref").and_then(Value::as_str).or_else(|| {
        branch
            .member("allOf")?
            .as_array()?
            .first()?
            .member("$ref")?
            .as_str()
    })
}

/// The names in an object schema's `required`.
fn required_names(obj: &Map<String, Value>) -> Vec<&str> {
    obj.member("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// The value a branch fixes for `property`, and whether it is a hard constraint
/// (`const`/single `enum`) rather than a `default`.
fn known_value(branch: &Map<String, Value>, property: &str) -> Option<(String, bool)> {
    let prop = branch.member("properties")?.get(property)?.as_object()?;
    if let Some(v) = prop.member("const").and_then(Value::as_str) {
        return Some((v.to_string(), true));
    }
    if let Some([v]) = prop
        .member("enum")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
    {
        return v.as_str().map(|s| (s.to_string(), true));
    }
    prop.member("default")
        .and_then(Value::as_str)
        .map(|s| (s.to_string(), false))
}

fn all_distinct(values: &[String]) -> bool {
    let set: std::collections::BTreeSet<&String> = values.iter().collect();
    set.len() == values.len()
}

/// Variant names from tag values, with the words every value shares at the start or end
/// removed (`action_dtmf`, `action_transfer_call` → `Dtmf`, `TransferCall`).
fn strip_common_words(values: &[String]) -> Vec<String> {
    let words: Vec<Vec<String>> = values.iter().map(|v| naming::words(v)).collect();
    let full = || {
        values
            .iter()
            .map(|v| naming::variant_name(v, "Empty"))
            .collect()
    };
    if words.len() < 2 || words.iter().any(Vec::is_empty) {
        return full();
    }
    let min = words.iter().map(Vec::len).min().unwrap_or(0);
    let prefix = (0..min)
        .take_while(|&i| words.iter().all(|w| w[i] == words[0][i]))
        .count();
    let suffix = (0..min - prefix)
        .take_while(|&i| {
            words
                .iter()
                .all(|w| w[w.len() - 1 - i] == words[0][words[0].len() - 1 - i])
        })
        .count();
    let stripped: Vec<String> = words
        .iter()
        .map(|w| naming::variant_name(&w[prefix..w.len() - suffix].join("_"), ""))
        .collect();
    if stripped.iter().any(String::is_empty) || !all_distinct(&stripped) {
        return full();
    }
    stripped
}

/// Orders untagged variants most specific first, so no branch swallows another: scalars
/// before formatted strings before plain strings, then arrays, then objects with more
/// required properties, then maps and any value.
fn sort_untagged(variants: &mut [UntaggedVariant], lowering: &Lowering<'_>) {
    let rank = |ty: &TypeRef| -> (u8, std::cmp::Reverse<usize>) {
        let base = match ty {
            TypeRef::Nullable(inner) => {
                return (
                    rank_plain(inner, lowering).0 + 20,
                    rank_plain(inner, lowering).1,
                )
            }
            other => other,
        };
        rank_plain(base, lowering)
    };
    variants.sort_by_key(|v| rank(&v.ty));
}

fn rank_plain(ty: &TypeRef, lowering: &Lowering<'_>) -> (u8, std::cmp::Reverse<usize>) {
    use std::cmp::Reverse;
    match ty {
        TypeRef::Boolean => (0, Reverse(0)),
        TypeRef::Integer(_) => (1, Reverse(0)),
        TypeRef::Number => (2, Reverse(0)),
        TypeRef::Uuid | TypeRef::DateTime | TypeRef::Date | TypeRef::Base64 => (3, Reverse(0)),
        TypeRef::String => (5, Reverse(0)),
        TypeRef::Array(_) => (6, Reverse(0)),
        TypeRef::Named(id) | TypeRef::Boxed(id) => match &lowering.types[id.0].kind {
            TypeKind::Enum(_) => (4, Reverse(0)),
            TypeKind::Struct(s) => {
                let required = s.fields.iter().filter(|f| f.required).count();
                (7 + u8::from(!s.closed && required == 0), Reverse(required))
            }
            _ => (7, Reverse(0)),
        },
        TypeRef::Map(_) | TypeRef::JsonObject => (9, Reverse(0)),
        TypeRef::Any => (10, Reverse(0)),
        TypeRef::Nullable(inner) => rank_plain(inner, lowering),
    }
}

/// What two definitions of one property in an `allOf` amount to ([`Lowering::intersect`]).
enum Intersection {
    /// The first one (it states every constraint of the second).
    First,
    /// The second one.
    Second,
    /// A schema for both.
    Merged(Value),
    /// No value satisfies both (different types).
    Contradiction,
}

/// `narrow` states every constraint of `wide` (annotations aside) with the same value.
fn states_all_of(narrow: &Map<String, Value>, wide: &Map<String, Value>) -> bool {
    wide.iter()
        .filter(|(k, _)| !is_annotation(k))
        .all(|(k, v)| narrow.get(k) == Some(v))
}

/// Where each property of an object schema at `pointer` is written.
fn property_origins(obj: &Map<String, Value>, pointer: &str) -> BTreeMap<String, String> {
    obj.member("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(name, _)| {
            let at = format!("{pointer}/properties/{}", escape_pointer(name));
            (name.clone(), at)
        })
        .collect()
}

/// A schema that only annotates (description, title, examples, `nullable`, `readOnly`,
/// extensions, …) and constrains nothing: as an `allOf` branch it adds no type.
fn is_annotation_only(schema: &Value) -> bool {
    match schema {
        Value::Bool(true) => true,
        Value::Object(obj) => obj.keys().all(|k| is_annotation(k)),
        _ => false,
    }
}

/// A keyword that annotates and constrains nothing (or an extension, `x-…`).
fn is_annotation(keyword: &str) -> bool {
    const ANNOTATIONS: [&str; 12] = [
        "description",
        "title",
        "example",
        "examples",
        "default",
        "deprecated",
        "readOnly",
        "writeOnly",
        "nullable",
        "externalDocs",
        "xml",
        "$comment",
    ];
    ANNOTATIONS.contains(&keyword) || keyword.starts_with("x-")
}

fn is_object_schema(obj: &Map<String, Value>) -> bool {
    obj.contains_key("properties") || type_names(obj).contains(&"object")
}

/// `type` as a list (3.0 string or 3.1 array).
pub(crate) fn type_names(obj: &Map<String, Value>) -> Vec<&str> {
    match obj.member("type") {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// `nullable: true` (3.0) or `"null"` among the types (3.1).
pub(crate) fn is_nullable(obj: &Map<String, Value>) -> bool {
    obj.member("nullable") == Some(&Value::Bool(true)) || type_names(obj).contains(&"null")
}

/// `{"type": "null"}` or `{"enum": [null]}` / `{"const": null}`.
fn is_null_schema(schema: &Value) -> bool {
    let Some(obj) = schema.as_object() else {
        return false;
    };
    let types = type_names(obj);
    (!types.is_empty() && types.iter().all(|t| *t == "null"))
        || obj.member("const") == Some(&Value::Null)
        || obj
            .member("enum")
            .and_then(Value::as_array)
            .is_some_and(|e| e.len() == 1 && e[0].is_null())
}

/// FastAPI's `Undefined`: a component named `Undefined` that is an object with no properties.
fn is_undefined_sentinel(name: &str, schema: &Value) -> bool {
    name == "Undefined"
        && schema
            .member("properties")
            .is_none_or(|p| p.as_object().is_some_and(Map::is_empty))
        && schema.member("type").is_none_or(|t| t == "object")
        && schema.member("allOf").is_none()
        && schema.member("anyOf").is_none()
        && schema.member("oneOf").is_none()
}

/// Schemas that become their own named type (worth deduplicating).
fn is_composite(schema: &Value) -> bool {
    ["properties", "oneOf", "anyOf", "allOf", "enum"]
        .iter()
        .any(|k| schema.member(k).is_some())
}

/// What structurally equal schemas share, for deduplication: the [`canonical`] encoding of
/// a composite schema ([`is_composite`]); `None` for any other.
fn structural_key(schema: &Value) -> Option<Vec<u8>> {
    is_composite(schema).then(|| canonical(schema))
}

/// The schema without the annotations that do not change its shape, encoded so that two
/// schemas have the same encoding exactly when their compact JSON is the same (what
/// deduplication compares), without JSON's escaping: see [`encode`].
fn canonical(schema: &Value) -> Vec<u8> {
    const ANNOTATIONS: [&str; 5] = ["title", "description", "example", "examples", "default"];
    let mut out = Vec::with_capacity(256);
    let Value::Object(obj) = schema else {
        encode(schema, &mut out);
        return out;
    };
    let kept = obj
        .iter()
        .filter(|(k, _)| !ANNOTATIONS.contains(&k.as_str()));
    encode_members(kept, &mut out);
    out
}

/// Appends a self-delimiting encoding of `value`: one byte for `null`, `true` and `false`, a
/// number's JSON text between `#` and `;`, a string as [`encode_str`], an array's items and
/// an object's members (in order) between brackets. Each encoding ends where it says, so a
/// sequence of them is read back one way only: equal encodings are equal JSON.
fn encode(value: &Value, out: &mut Vec<u8>) {
    match value {
        Value::Null => out.push(b'n'),
        Value::Bool(b) => out.push(if *b { b't' } else { b'f' }),
        Value::Number(n) => {
            out.push(b'#');
            out.extend_from_slice(n.to_string().as_bytes());
            out.push(b';');
        }
        Value::String(s) => encode_str(s, out),
        Value::Array(items) => {
            out.push(b'[');
            items.iter().for_each(|item| encode(item, out));
            out.push(b']');
        }
        Value::Object(members) => encode_members(members, out),
    }
}

/// An object's members, in order, between braces (see [`encode`]).
fn encode_members<'v>(
    members: impl IntoIterator<Item = (&'v String, &'v Value)>,
    out: &mut Vec<u8>,
) {
    out.push(b'{');
    for (key, value) in members {
        encode_str(key, out);
        encode(value, out);
    }
    out.push(b'}');
}

/// A string as `"`, its length in bytes (LEB128: seven bits a byte, low bits first, the
/// high bit set on every byte but the last), then its bytes.
fn encode_str(s: &str, out: &mut Vec<u8>) {
    out.push(b'"');
    let mut len = s.len();
    while len >= 0x80 {
        out.push((len & 0x7f) as u8 | 0x80);
        len >>= 7;
    }
    out.push(len as u8);
    out.extend_from_slice(s.as_bytes());
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_f64() => "number",
        Value::Number(_) => "integer",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Decodes `%XX` escapes in a URI fragment (`$ref` values are URI references).
fn percent_decode(fragment: &str) -> String {
    crate::load::ref_pointer(&format!("#{fragment}")).unwrap_or_default()
}

/// Docs for a schema: its description, and its title when that says more than the name.
pub(crate) fn docs_of(schema: &Value, name: Option<&str>) -> Docs {
    let description = schema
        .member("description")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(str::to_string);
    let title = schema
        .member("title")
        .and_then(Value::as_str)
        .filter(|t| {
            // (The cheap conditions first: most schemas have a description or no name.)
            description.is_none() && name.is_some_and(|n| naming::words(n) != naming::words(t))
        })
        .map(str::to_string);
    Docs {
        title,
        description,
        notes: constraint_notes(schema),
    }
}

/// Validation keywords and examples of a schema, as documentation lines (oagen does not
/// enforce them; the server does).
fn constraint_notes(schema: &Value) -> Vec<String> {
    let Some(obj) = schema.as_object() else {
        return Vec::new();
    };
    let mut parts = Vec::new();
    let num = |k: &str| {
        obj.member(k)
            .filter(|v| v.is_number())
            .map(Value::to_string)
    };
    let bounds = |lo: Option<String>, hi: Option<String>, what: &str| match (lo, hi) {
        (Some(lo), Some(hi)) => Some(format!("{lo} ≤ {what} ≤ {hi}")),
        (Some(lo), None) => Some(format!("{what} ≥ {lo}")),
        (None, Some(hi)) => Some(format!("{what} ≤ {hi}")),
        (None, None) => None,
    };
    parts.extend(bounds(num("minLength"), num("maxLength"), "length"));
    parts.extend(bounds(num("minItems"), num("maxItems"), "items"));
    parts.extend(bounds(num("minimum"), num("maximum"), "value"));
    if let Some(v) = num("exclusiveMinimum") {
        parts.push(format!("value > {v}"));
    }
    if let Some(v) = num("exclusiveMaximum") {
        parts.push(format!("value < {v}"));
    }
    if let Some(v) = num("multipleOf") {
        parts.push(format!("a multiple of {v}"));
    }
    if obj.member("uniqueItems") == Some(&Value::Bool(true)) {
        parts.push("unique items".into());
    }
    if let Some(p) = obj.member("pattern").and_then(Value::as_str) {
        parts.push(format!("pattern {}", crate::escape::code_span(p)));
    }
    if let Some(f) = obj.member("format").and_then(Value::as_str) {
        parts.push(format!("format {}", crate::escape::code_span(f)));
    }
    let mut notes = Vec::new();
    if !parts.is_empty() {
        notes.push(format!("Constraints: {}.", parts.join("; ")));
    }
    let example = obj.member("example").or_else(|| {
        obj.member("examples")
            .and_then(Value::as_array)
            .and_then(|a| a.first())
    });
    if let Some(example) = example {
        let mut text = example.to_string();
        if text.len() > 200 {
            let cut = (0..=200)
                .rev()
                .find(|&i| text.is_char_boundary(i))
                .unwrap_or(0);
            text.truncate(cut);
            text.push('…');
        }
        notes.push(format!("Example: {}.", crate::escape::code_span(&text)));
    }
    notes
}

/// The pointer of `target` (`/$defs/X` or `/definitions/X`, from a `$ref` that finds nothing
/// at the document root) in the nearest schema enclosing `at` (the referring node's pointer)
/// that has it: what generators that emit `#/$defs/X` inside a component mean (Pydantic's).
fn enclosing_defs(raw: &Value, at: &str, target: &str) -> Option<String> {
    let mut prefix = at;
    while !prefix.is_empty() {
        let candidate = [prefix, target].concat();
        if crate::load::lookup(raw, &candidate).is_some() {
            return Some(candidate);
        }
        prefix = &prefix[..prefix.rfind('/')?];
    }
    None
}

#[cfg(test)]
mod tests {
    //! The classification rules, one small spec each: what kind of type a construct becomes.
    use crate::ir::*;

    /// Two schemas have the same structural key exactly when their compact JSON (without
    /// top-level annotations) is the same: checked on every pair of a set of schemas built
    /// to meet where a weaker encoding would (strings that run into each other, numbers of
    /// equal value and different text, keys in another order, a long string's length).
    #[test]
    fn structural_keys_are_equal_exactly_when_the_json_is() {
        let long = "x".repeat(300);
        let texts = [
            r#"{"properties": {"a": {"enum": ["b", "c"]}}}"#,
            r#"{"properties": {"a": {"enum": ["bc"]}}}"#,
            r#"{"properties": {"ab": {"enum": [""]}}}"#,
            r#"{"properties": {"a": {"enum": [1]}}}"#,
            r#"{"properties": {"a": {"enum": [1.0]}}}"#,
            r#"{"properties": {"a": {"enum": [null, true]}}}"#,
            r#"{"properties": {"a": {"enum": [[], {}]}}}"#,
            r#"{"properties": {"a": {"enum": [{}, []]}}}"#,
            r#"{"properties": {"a": {}, "b": {}}}"#,
            r#"{"properties": {"b": {}, "a": {}}}"#,
            r#"{"properties": {"a": {}}, "description": "d"}"#,
            r#"{"properties": {"a": {"description": "d"}}}"#,
        ];
        let mut values: Vec<serde_json::Value> = texts
            .iter()
            .map(|t| serde_json::from_str(t).unwrap())
            .collect();
        values.push(serde_json::json!({"enum": [long.clone()]}));
        values.push(serde_json::json!({"enum": [format!("{long}y")]}));
        let json = |v: &serde_json::Value| {
            let mut v = v.clone();
            if let Some(obj) = v.as_object_mut() {
                obj.retain(|k, _| k != "description");
            }
            v.to_string()
        };
        for a in &values {
            for b in &values {
                let same_key = super::structural_key(a) == super::structural_key(b);
                assert_eq!(same_key, json(a) == json(b), "{a} and {b}");
            }
        }
    }

    /// Lowers `schemas` (YAML under `components/schemas`) and returns the types by wire name.
    fn lower(schemas: &str) -> (Vec<TypeDef>, Vec<String>) {
        let text = format!(
            "openapi: 3.1.0\ninfo: {{title: t, version: '1'}}\npaths: {{}}\ncomponents:\n  schemas:\n{schemas}"
        );
        let doc = crate::load::load_str(&text, crate::load::Format::Yaml, "t.yaml").unwrap();
        let (api, diags) = crate::lower::lower(&doc).unwrap();
        (api.types, diags.iter().map(|d| d.to_string()).collect())
    }

    fn kind<'a>(types: &'a [TypeDef], wire: &str) -> &'a TypeKind {
        &types.iter().find(|t| t.name.wire == wire).unwrap().kind
    }

    fn struct_fields(types: &[TypeDef], ty: &TypeRef) -> Vec<String> {
        let TypeRef::Named(id) = ty else {
            panic!("not a named type: {ty:?}")
        };
        match &types[id.0].kind {
            TypeKind::Struct(s) => s.fields.iter().map(|f| f.name.wire.clone()).collect(),
            other => panic!("not a struct: {other:?}"),
        }
    }

    /// An inline copy of a component schema is that component, wherever its annotations sit
    /// among its keys: dropping `description` must not move another key (serde_json's
    /// `Map::remove` swaps the last key into the removed one's place).
    #[test]
    fn an_inline_copy_with_a_description_first_is_the_component() {
        let (types, _) = lower(
            "    Fn: {type: object, required: [name], properties: {name: {type: string}}}\n    Choice:\n      type: object\n      properties:\n        function: {description: which, type: object, required: [name], properties: {name: {type: string}}}\n",
        );
        let TypeKind::Struct(choice) = kind(&types, "Choice") else {
            panic!("Choice is not a struct")
        };
        let TypeRef::Named(id) = &choice.fields[0].ty else {
            panic!("function is not a named type")
        };
        assert_eq!(types[id.0].name.wire, "Fn");
    }

    const BRANCHES: &str = "    A: {type: object, required: [t], properties: {t: {const: a}, x: {type: string}}}\n    B: {type: object, required: [t], properties: {t: {const: b}, y: {type: string}}}\n";

    #[test]
    fn own_properties_beside_one_of_go_into_every_variant() {
        let (types, _) = lower(&format!(
            "    U:\n      properties: {{id: {{type: string}}}}\n      required: [id]\n      oneOf: [{{$ref: '#/components/schemas/A'}}, {{$ref: '#/components/schemas/B'}}]\n{BRANCHES}"
        ));
        let TypeKind::Tagged(u) = kind(&types, "U") else {
            panic!("not tagged")
        };
        for v in &u.variants {
            assert!(struct_fields(&types, &v.ty).contains(&"id".to_string()));
        }
    }

    #[test]
    fn several_mapping_values_for_one_schema_each_get_a_variant() {
        let (types, _) = lower(&format!(
            "    U:\n      oneOf: [{{$ref: '#/components/schemas/A'}}, {{$ref: '#/components/schemas/B'}}]\n      discriminator: {{propertyName: t, mapping: {{a: '#/components/schemas/A', a2: '#/components/schemas/A', b: '#/components/schemas/B'}}}}\n{BRANCHES}"
        ));
        let TypeKind::Tagged(u) = kind(&types, "U") else {
            panic!("not tagged")
        };
        let wires: Vec<&str> = u.variants.iter().map(|v| v.name.wire.as_str()).collect();
        assert_eq!(wires, ["a", "a2", "b"]);
        assert_eq!(u.variants[0].ty, u.variants[1].ty);
    }

    #[test]
    fn an_inferred_tag_is_optional_only_where_a_branch_does_not_require_it() {
        let (types, _) = lower(
            "    U:\n      oneOf:\n        - {type: object, properties: {t: {const: a}}}\n        - {type: object, required: [t], properties: {t: {const: b}}}\n",
        );
        let TypeKind::Tagged(u) = kind(&types, "U") else {
            panic!("not tagged")
        };
        let optional: Vec<bool> = u.variants.iter().map(|v| v.tag_optional).collect();
        assert_eq!(optional, [true, false]);
    }

    #[test]
    fn a_required_name_without_a_property_is_an_any_field() {
        let (types, _) =
            lower("    S: {type: object, required: [kind], properties: {x: {type: string}}}\n");
        let TypeKind::Struct(s) = kind(&types, "S") else {
            panic!("not a struct")
        };
        let kind_field = s.fields.iter().find(|f| f.name.wire == "kind").unwrap();
        assert!(kind_field.required && kind_field.ty == TypeRef::Any);
    }

    #[test]
    fn all_of_intersects_properties_and_warns_only_on_contradictions() {
        let (types, diags) = lower(
            "    S:\n      allOf:\n        - {properties: {o: {type: object, properties: {a: {type: string}}}, s: {type: string}, n: {type: string}}}\n        - {properties: {o: {type: object, properties: {b: {type: string}}}, s: {type: string, enum: [x, y]}, n: {type: integer}}}\n",
        );
        let TypeKind::Struct(s) = kind(&types, "S") else {
            panic!("not a struct")
        };
        let o = s.fields.iter().find(|f| f.name.wire == "o").unwrap();
        assert_eq!(struct_fields(&types, &o.ty), ["a", "b"]);
        let st = s.fields.iter().find(|f| f.name.wire == "s").unwrap();
        assert!(
            matches!(&st.ty, TypeRef::Named(id) if matches!(types[id.0].kind, TypeKind::Enum(_)))
        );
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert!(
            diags[0].contains("contradict") && diags[0].contains("`n`"),
            "{diags:?}"
        );
    }

    #[test]
    fn overlapping_open_objects_become_one_struct() {
        let (types, _) = lower(
            "    U:\n      anyOf:\n        - {type: object, properties: {a: {type: string}}}\n        - {type: object, properties: {b: {type: string}}}\n",
        );
        assert!(matches!(kind(&types, "U"), TypeKind::Struct(s) if s.fields.len() == 2));
    }
}
