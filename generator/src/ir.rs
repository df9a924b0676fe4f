//! The intermediate representation between [`lower`](crate::lower) and [`emit`](crate::emit).
//!
//! Plain nouns, no Rust syntax: a type space of named definitions referenced by [`TypeId`],
//! and the operations of one API. Every item keeps its [`Origin`] (file + JSON pointer) and
//! every name keeps both spellings ([`Name::wire`] from the spec, [`Name::rust`] for the output).

pub use crate::diag::Origin;
use serde_json::Value;

/// A name with its two spellings.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub struct Name {
    /// The spelling in the spec (property name, enum value, schema name, operationId).
    pub wire: String,
    /// The Rust identifier chosen for it (without any `r#` prefix).
    pub rust: String,
}

impl Name {
    /// A name whose Rust spelling is still to be chosen by the naming pass.
    pub fn wire(wire: impl Into<String>) -> Self {
        Name {
            wire: wire.into(),
            rust: String::new(),
        }
    }
}

/// Documentation carried to the generated item.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct Docs {
    /// `title`, when it says more than the name.
    pub title: Option<String>,
    /// `description` (CommonMark in the spec).
    pub description: Option<String>,
    /// Extra lines oagen adds: the spec construct and the rule that decided the Rust shape.
    pub notes: Vec<String>,
}

/// One API: the result of lowering one spec.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Api {
    /// The spec file the API came from.
    pub file: String,
    /// `info.title`.
    pub title: String,
    /// `info.version`.
    pub version: String,
    /// `info.description`.
    pub description: Option<String>,
    /// `servers`, in spec order.
    pub servers: Vec<Server>,
    /// The type space; a [`TypeId`] indexes it.
    pub types: Vec<TypeDef>,
    /// Operations, in a stable order (sorted by Rust name).
    pub operations: Vec<Operation>,
    /// `components/securitySchemes`.
    pub security_schemes: Vec<SecurityScheme>,
    /// The requests the API sends to its users: OpenAPI 3.1 top-level `webhooks`, then
    /// operation `callbacks`, in spec order.
    pub webhooks: Vec<Webhook>,
    /// How the API signs its [`Api::webhooks`] deliveries: the spec's `x-oagen-webhooks`
    /// extension, or the configuration's choice ([`crate::Config::webhook_scheme`]), which
    /// wins.
    pub webhook_scheme: WebhookScheme,
    /// Choices the user made in [`crate::Config`] (not from the spec); lowering leaves the
    /// defaults.
    pub settings: Settings,
}

/// A `servers` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Server {
    /// `wire` = the `x-fern-server-name` or `description` it is named after; `rust` = the
    /// variant name in the generated `Server` enum.
    pub name: Name,
    /// The URL template (`https://{region}.example.com`).
    pub url: String,
    /// `description`.
    pub description: Option<String>,
    /// `variables`, in spec order.
    pub variables: Vec<ServerVariable>,
    /// The URL template, parsed: text, and `{name}`s naming a declared variable (a brace
    /// naming none is text).
    pub template: Vec<UrlPart>,
}

/// A piece of a [`Server`] URL template.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum UrlPart {
    /// Text as written (braces included where they name no variable).
    Literal(String),
    /// `{name}`: the value of the variable at this index of [`Server::variables`].
    Variable(usize),
}

impl Server {
    /// The URL with every variable at its default.
    pub fn default_url(&self) -> String {
        self.variables.iter().fold(self.url.clone(), |url, v| {
            url.replace(&format!("{{{}}}", v.name.wire), &v.default)
        })
    }

    /// Parses `url` into [`UrlPart`]s: a `{name}` naming one of `variables` is a variable,
    /// any other brace is text.
    pub(crate) fn parse_template(url: &str, variables: &[ServerVariable]) -> Vec<UrlPart> {
        let mut parts = Vec::new();
        let mut text = String::new();
        let mut rest = url;
        while let Some(start) = rest.find('{') {
            text.push_str(&rest[..start]);
            let after = &rest[start + 1..];
            let var = after.find('}').and_then(|end| {
                let i = variables.iter().position(|v| v.name.wire == after[..end])?;
                Some((i, end))
            });
            match var {
                Some((i, end)) => {
                    if !text.is_empty() {
                        parts.push(UrlPart::Literal(std::mem::take(&mut text)));
                    }
                    parts.push(UrlPart::Variable(i));
                    rest = &after[end + 1..];
                }
                None => {
                    text.push('{');
                    rest = after;
                }
            }
        }
        text.push_str(rest);
        if !text.is_empty() {
            parts.push(UrlPart::Literal(text));
        }
        parts
    }
}

/// A server URL variable.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ServerVariable {
    /// Wire name (in the template) and field name.
    pub name: Name,
    /// `default`.
    pub default: String,
    /// `enum`: the allowed values, if restricted.
    pub values: Vec<String>,
    /// `description`.
    pub description: Option<String>,
}

/// Output choices that come from the [`crate::Config`], not from the spec.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Settings {
    /// The Rust map type for `additionalProperties` maps.
    pub map_type: MapType,
    /// Extra `#[derive]`s: schema name (or `*` for every type) → derive paths.
    pub derives: std::collections::BTreeMap<String, Vec<String>>,
    /// Schemas replaced by the user's own types: schema name → Rust path.
    pub extern_types: std::collections::BTreeMap<String, String>,
    /// Cargo features per tag: `Some(prefix)` puts each operation behind the feature
    /// `<prefix><kebab-case first tag>` (see [`Api::feature_of`]).
    pub tag_features: Option<String>,
    /// Types that only go one way implement only the serde trait they need, the other behind
    /// the generated crate's `full-serde` Cargo feature ([`SerdeImpls`]). On for the crate
    /// layout; a build script's module has no feature of its own, so there every type
    /// implements both.
    pub serde_feature: bool,
    /// The path users name the API module by (`voice_apis::vocode`, or the crate name for
    /// a crate with one API at its root): each client method's documentation gets a
    /// `no_run` example that uses it, compiled as a doctest. `None` for a build script's
    /// module ([`crate::Layout::SingleFile`]), which is `include!`d at a path of the user's
    /// crate oagen cannot know: an example there could not compile, so none is written.
    pub doc_examples: Option<String>,
}

/// Which Cargo features a generated item needs (see [`Api::type_gates`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Gate {
    /// Compiled whatever features are on.
    Always,
    /// Compiled when any of these features is on.
    Any(std::collections::BTreeSet<String>),
}

/// Which map type stands for JSON objects with `additionalProperties`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum MapType {
    /// `std::collections::BTreeMap`: deterministic order (the default).
    #[default]
    BTreeMap,
    /// `std::collections::HashMap`.
    HashMap,
}

impl Api {
    /// The field a [`FieldRef`] names; `None` only for a reference into another API.
    pub fn field(&self, field: FieldRef) -> Option<&Field> {
        match &self.types.get(field.owner.0)?.kind {
            TypeKind::Struct(s) => s.fields.get(field.index),
            _ => None,
        }
    }

    /// The struct a type stands for (through aliases and boxes), with its id, if it is one.
    pub fn struct_of(&self, ty: &TypeRef) -> Option<(TypeId, &Struct)> {
        let mut ty = ty;
        for _ in 0..=self.types.len() {
            let (TypeRef::Named(id) | TypeRef::Boxed(id)) = ty else {
                return None;
            };
            match &self.types.get(id.0)?.kind {
                TypeKind::Alias(next) => ty = next,
                TypeKind::Struct(s) => return Some((*id, s)),
                _ => return None,
            }
        }
        None
    }

    /// The shape a type stands for: its own kind, or, for an alias of another named type
    /// (`A: {$ref: B}`, or a copy merged with an identical inline schema), the kind at the
    /// end of the alias chain.
    pub fn resolve_kind<'a>(&'a self, def: &'a TypeDef) -> &'a TypeKind {
        let mut kind = &def.kind;
        for _ in 0..self.types.len() {
            match kind {
                TypeKind::Alias(TypeRef::Named(id) | TypeRef::Boxed(id)) => {
                    match self.types.get(id.0) {
                        Some(next) => kind = &next.kind,
                        None => break,
                    }
                }
                _ => break,
            }
        }
        kind
    }
}

/// How operations use a type, transitively through fields, variants, items and aliases.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Usage {
    /// Reachable from a parameter or a request body: users build it.
    pub input: bool,
    /// Reachable from a response body: users read it.
    pub output: bool,
}

impl Api {
    /// The Cargo feature an operation is behind when features per tag are on: the prefix,
    /// then `tag-` and the kebab-case first tag, or for an operation without tags `path-`
    /// and the first literal path segment that is not a version (`/v1/customers/{id}` →
    /// `path-customers`); ASCII letters, digits and `-` only. `None` (always compiled)
    /// when features per tag are off or there is no such tag or segment.
    pub fn feature_of(&self, op: &Operation) -> Option<String> {
        let prefix = self.settings.tag_features.as_ref()?;
        let kebab = |text: &str| -> Option<String> {
            let k: String = heck::ToKebabCase::to_kebab_case(text)
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
                .collect();
            let k = k.trim_matches('-');
            (!k.is_empty()).then(|| k.to_string())
        };
        if let Some(tag) = op.tags.first() {
            return kebab(tag).map(|k| format!("{prefix}tag-{k}"));
        }
        let is_version = |s: &str| {
            s.eq_ignore_ascii_case("api")
                || s.strip_prefix(['v', 'V']).is_some_and(|rest| {
                    !rest.is_empty() && rest.chars().all(|c| c.is_ascii_digit() || c == '.')
                })
        };
        op.path
            .segments
            .iter()
            .find_map(|parts| match parts.as_slice() {
                [PathPart::Literal(text)] if !is_version(text) => kebab(text),
                _ => None,
            })
            .map(|k| format!("{prefix}path-{k}"))
    }

    /// The feature of the schemas no operation needs, when features per tag are on:
    /// `<prefix>other-schemas`.
    fn other_schemas_feature(&self) -> String {
        format!(
            "{}other-schemas",
            self.settings.tag_features.as_deref().unwrap_or_default()
        )
    }

    /// Every feature of [`Api::feature_of`], and the one of the schemas no operation needs
    /// if there are any, sorted.
    pub fn tag_features(&self) -> Vec<String> {
        let mut set: std::collections::BTreeSet<String> = self
            .operations
            .iter()
            .filter_map(|op| self.feature_of(op))
            .collect();
        for gate in self.type_gates() {
            if let Gate::Any(features) = gate {
                set.extend(features);
            }
        }
        set.into_iter().collect()
    }

    /// The [`Gate`] of every type, indexed like [`Api::types`]: the features of the
    /// operations that reach it (through parameters, bodies, responses and then fields,
    /// variants and aliases), or `<prefix>other-schemas` for what no operation reaches;
    /// [`Gate::Always`] when an operation without a feature reaches it, or features per
    /// tag are off.
    pub fn type_gates(&self) -> Vec<Gate> {
        let mut gates = vec![Gate::Always; self.types.len()];
        if self.settings.tag_features.is_none() {
            return gates;
        }
        let mut seeds: std::collections::BTreeMap<Option<String>, Vec<TypeId>> =
            std::collections::BTreeMap::new();
        for op in &self.operations {
            let ids = seeds.entry(self.feature_of(op)).or_default();
            for t in op.input_types().chain(op.output_types()) {
                t.named_ids(ids);
            }
        }
        // Always compiled: what an operation without a feature needs.
        let always = self.reachable(seeds.remove(&None).unwrap_or_default());
        let mut features: Vec<std::collections::BTreeSet<String>> =
            vec![Default::default(); self.types.len()];
        let mark = |features: &mut [std::collections::BTreeSet<String>],
                    ids: Vec<TypeId>,
                    feature: &String| {
            for (i, hit) in self.reachable(ids).into_iter().enumerate() {
                if hit {
                    features[i].insert(feature.clone());
                }
            }
        };
        for (feature, ids) in seeds {
            if let Some(feature) = feature {
                mark(&mut features, ids, &feature);
            }
        }
        // Schemas no operation needs (webhook payloads, shared definitions) are behind a
        // feature of their own, with everything they refer to.
        let unused: Vec<TypeId> = (0..self.types.len())
            .filter(|&i| features[i].is_empty() && !always[i])
            .map(TypeId)
            .collect();
        if !unused.is_empty() {
            mark(&mut features, unused, &self.other_schemas_feature());
        }
        for (i, gate) in gates.iter_mut().enumerate() {
            if !always[i] {
                *gate = Gate::Any(std::mem::take(&mut features[i]));
            }
        }
        gates
    }

    /// The [`Usage`] of every type, indexed like [`Api::types`].
    pub fn usage(&self) -> Vec<Usage> {
        let mut inputs = Vec::new();
        let mut outputs = Vec::new();
        for op in &self.operations {
            for t in op.input_types() {
                t.named_ids(&mut inputs);
            }
            for t in op.output_types() {
                t.named_ids(&mut outputs);
            }
        }
        // A webhook's payload is read (by the user's server) like a response.
        for hook in &self.webhooks {
            hook.payload.named_ids(&mut outputs);
        }
        let mut usage = vec![Usage::default(); self.types.len()];
        for (u, hit) in usage.iter_mut().zip(self.reachable(inputs)) {
            u.input = hit;
        }
        for (u, hit) in usage.iter_mut().zip(self.reachable(outputs)) {
            u.output = hit;
        }
        usage
    }

    /// Which types the `seeds` reach through fields, variants and aliases (themselves
    /// included), indexed like [`Api::types`].
    pub fn reachable(&self, seeds: Vec<TypeId>) -> Vec<bool> {
        let mut seen = vec![false; self.types.len()];
        let mut stack = seeds;
        while let Some(id) = stack.pop() {
            let Some(def) = self.types.get(id.0) else {
                continue;
            };
            if std::mem::replace(&mut seen[id.0], true) {
                continue;
            }
            for t in def.kind.children() {
                t.named_ids(&mut stack);
            }
        }
        seen
    }
}

impl TypeKind {
    /// The type references this definition holds (fields, variants, alias target).
    pub fn children(&self) -> Vec<&TypeRef> {
        match self {
            TypeKind::Struct(s) => s
                .fields
                .iter()
                .map(|f| &f.ty)
                .chain(s.additional.as_ref())
                .collect(),
            TypeKind::Tagged(u) => u.variants.iter().map(|v| &v.ty).collect(),
            TypeKind::Adjacent(u) => u
                .variants
                .iter()
                .filter_map(|v| v.content.as_ref())
                .collect(),
            TypeKind::Untagged(u) => u.variants.iter().map(|v| &v.ty).collect(),
            TypeKind::Alias(t) => vec![t],
            TypeKind::Enum(_) | TypeKind::Pending => Vec::new(),
        }
    }

    /// The same references as [`TypeKind::children`], in the same order, to change them.
    pub fn children_mut(&mut self) -> Vec<&mut TypeRef> {
        match self {
            TypeKind::Struct(s) => s
                .fields
                .iter_mut()
                .map(|f| &mut f.ty)
                .chain(s.additional.as_mut())
                .collect(),
            TypeKind::Tagged(u) => u.variants.iter_mut().map(|v| &mut v.ty).collect(),
            TypeKind::Adjacent(u) => u
                .variants
                .iter_mut()
                .filter_map(|v| v.content.as_mut())
                .collect(),
            TypeKind::Untagged(u) => u.variants.iter_mut().map(|v| &mut v.ty).collect(),
            TypeKind::Alias(t) => vec![t],
            TypeKind::Enum(_) | TypeKind::Pending => Vec::new(),
        }
    }
}

impl TypeRef {
    /// Appends the named types this reference mentions (through arrays, maps, nullability).
    pub fn named_ids(&self, out: &mut Vec<TypeId>) {
        match self {
            TypeRef::Named(id) | TypeRef::Boxed(id) => out.push(*id),
            TypeRef::Array(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => {
                inner.named_ids(out)
            }
            _ => {}
        }
    }
}

/// Index of a [`TypeDef`] in [`Api::types`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub struct TypeId(pub usize);

/// A named type definition.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct TypeDef {
    /// `wire` is the schema name (components) or the synthesized path-based name (inline).
    pub name: Name,
    /// The schema this type was made from.
    pub origin: Origin,
    /// Documentation.
    pub docs: Docs,
    /// The shape.
    pub kind: TypeKind,
    /// Which serde traits it implements without the generated crate's `full-serde` feature
    /// (set by lowering's usage pass; both until then).
    pub serde: SerdeImpls,
}

/// Which of `serde::Serialize` and `serde::Deserialize` a type implements by default.
///
/// A type is serialized when users send it (reachable from a parameter or a request body) and
/// deserialized when users read it (reachable from a response body, an event stream or a
/// webhook payload); a type that no operation reaches gets both. Types reachable from a union
/// that is told apart by re-serializing its candidates (untagged, or tagged with an optional
/// tag) also serialize. Each set is closed under containment, so a derive never needs a trait
/// its fields lack. The generated crate's `full-serde` feature gives every type both, for
/// users who store responses or mock a server. Halves the serde code the compiler checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct SerdeImpls {
    /// Implements `Serialize` by default.
    pub serialize: bool,
    /// Implements `Deserialize` by default.
    pub deserialize: bool,
}

impl Default for SerdeImpls {
    fn default() -> Self {
        SerdeImpls {
            serialize: true,
            deserialize: true,
        }
    }
}

/// The shape of a named type.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum TypeKind {
    /// A JSON object with known properties.
    Struct(Struct),
    /// A string enumeration (`enum` / `const`).
    Enum(Enum),
    /// `oneOf`/`anyOf` whose branches are told apart by one property's value (internally tagged).
    Tagged(TaggedUnion),
    /// A property pair `{tag, content}` whose content schema depends on the tag's value
    /// (adjacently tagged); used as a flattened field of a [`Struct`].
    Adjacent(AdjacentUnion),
    /// `oneOf`/`anyOf` without a tag: the first branch that fits wins.
    Untagged(UntaggedUnion),
    /// Another name for a type (`pub type X = …`).
    Alias(TypeRef),
    /// Placeholder while lowering; never reaches emit.
    Pending,
}

/// An object schema.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct Struct {
    /// Declared properties, in spec order.
    pub fields: Vec<Field>,
    /// `additionalProperties: false`: unknown properties are rejected.
    pub closed: bool,
    /// Typed `additionalProperties`: the remaining properties, as a map.
    pub additional: Option<TypeRef>,
    /// How the struct was derived when it is not a plain object schema (e.g. merged from
    /// overlapping `anyOf` branches), for its documentation.
    pub rule: Option<String>,
    /// Whether requests and/or responses reach it (set by lowering's usage pass).
    pub usage: Usage,
}

impl Struct {
    /// Rejects unknown properties: `additionalProperties: false` on a type only sent in
    /// requests. A type read from responses ignores them whatever the spec says, so a
    /// property the API adds later does not break a deployed client.
    pub fn strict(&self) -> bool {
        self.closed && !self.usage.output
    }

    /// Only read, never sent: its optional nullable properties are a plain `Option<T>`
    /// (absent and `null` both read as `None`), since a reader cannot act on the difference.
    /// A type no operation reaches counts as sent (tri-state).
    pub fn read_only(&self) -> bool {
        self.usage.output && !self.usage.input
    }
}

/// One property of a [`Struct`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Field {
    /// Property name and field name.
    pub name: Name,
    /// The value type (without the optional/nullable wrapping).
    pub ty: TypeRef,
    /// Listed in `required` (and not made omittable by an `Undefined` branch).
    pub required: bool,
    /// `null` is a valid value.
    pub nullable: bool,
    /// The property's `default`, if any.
    pub default: Option<Value>,
    /// Flattened into the parent (adjacently tagged pair).
    pub flatten: bool,
    /// Omittable through FastAPI's `Undefined` sentinel, whose own value is `{}`: an empty
    /// object that the value type does not accept is read as absent.
    pub undefined: bool,
    /// Its struct is only read from responses ([`Struct::read_only`], set by lowering's usage
    /// pass): optional and nullable is a plain `Option<T>`, not `Option<Option<T>>`.
    pub read_only: bool,
    /// Documentation.
    pub docs: Docs,
    /// The property schema.
    pub origin: Origin,
}

impl Field {
    /// Optional, nullable and sent in requests: `Option<Option<T>>`, where `Some(None)` sends
    /// `null` and `None` leaves the property out.
    pub fn tri_state(&self) -> bool {
        !self.required && self.nullable && !self.read_only && !self.flatten
    }
}

/// A string enumeration.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Enum {
    /// One variant per value; `wire` is the JSON string.
    pub variants: Vec<Name>,
    /// Forward-compatible: read from responses, so a value added to the API later is kept
    /// (in an `Unknown` variant users cannot construct) instead of failing, and the Rust
    /// enum is `#[non_exhaustive]`.
    pub open: bool,
}

/// An internally tagged union.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct TaggedUnion {
    /// The tag property (wire name), e.g. `type`.
    pub tag: String,
    /// Variants; `name.wire` is the tag value.
    pub variants: Vec<TaggedVariant>,
    /// Forward-compatible, as [`Enum::open`]: an unknown tag keeps the raw JSON.
    pub open: bool,
}

/// A variant of a [`TaggedUnion`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct TaggedVariant {
    /// `wire` = the tag value; `rust` = the variant name.
    pub name: Name,
    /// The branch type (a struct that may itself hold the tag property).
    pub ty: TypeRef,
    /// The branch struct declares no field for the tag: strip it before deserializing.
    pub strip_tag: bool,
    /// The branch does not require the tag (inferred from `const`/`default`, no
    /// `discriminator`): an object without it is matched by shape against such variants, and
    /// serializing writes the tag only when the value itself has none.
    pub tag_optional: bool,
}

/// An adjacently tagged pair of properties.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct AdjacentUnion {
    /// The tag property (wire name), e.g. `command`.
    pub tag: String,
    /// The content property (wire name), e.g. `options`.
    pub content: String,
    /// The content may be `null` (treated like absent).
    pub content_nullable: bool,
    /// The parent object is closed: keys other than the struct's own are rejected.
    pub closed: bool,
    /// Variants; `name.wire` is the tag value.
    pub variants: Vec<AdjacentVariant>,
}

/// A variant of an [`AdjacentUnion`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct AdjacentVariant {
    /// `wire` = the tag value.
    pub name: Name,
    /// The content type, `None` when the tag takes no content.
    pub content: Option<TypeRef>,
    /// The content schema requires at least one property, so the content must be present.
    pub content_required: bool,
}

/// An untagged union.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct UntaggedUnion {
    /// Variants, most specific first; `name.wire` is empty.
    pub variants: Vec<UntaggedVariant>,
}

/// A variant of an [`UntaggedUnion`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct UntaggedVariant {
    /// The variant name (`rust`); `wire` names the branch for docs.
    pub name: Name,
    /// The branch type.
    pub ty: TypeRef,
}

/// A use of a type.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum TypeRef {
    /// A named definition.
    Named(TypeId),
    /// The same, boxed to break a cycle.
    Boxed(TypeId),
    /// `string`.
    String,
    /// `integer` with its width.
    Integer(IntKind),
    /// `number`.
    Number,
    /// `boolean`.
    Boolean,
    /// `string` + `format: uuid`.
    Uuid,
    /// `string` + `format: date-time` (RFC 3339).
    DateTime,
    /// `string` + `format: date` (RFC 3339 full-date).
    Date,
    /// `string` + `format: byte`: bytes, base64-encoded in JSON.
    Base64,
    /// Any JSON value (no type constraint oagen can express).
    Any,
    /// `type: object` with no declared properties: a JSON map.
    JsonObject,
    /// `type: array`.
    Array(Box<TypeRef>),
    /// `additionalProperties: T` with no properties: a map from string to T.
    Map(Box<TypeRef>),
    /// `T` or `null` where no field can carry nullability (array items, map values).
    Nullable(Box<TypeRef>),
}

/// Integer widths (`format` of `type: integer`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum IntKind {
    /// `int32`.
    I32,
    /// `int64` or no format.
    I64,
    /// `uint32`.
    U32,
    /// `uint64`.
    U64,
}

/// An HTTP operation.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Operation {
    /// `wire` = operationId (or synthesized from method + path); `rust` = method name.
    pub name: Name,
    /// The HTTP method.
    pub method: Method,
    /// The operation's `tags`, as written.
    pub tags: Vec<String>,
    /// The path template.
    pub path: PathTemplate,
    /// Parameters: path ones in template order, then the others in spec order.
    pub params: Vec<Param>,
    /// The request body.
    pub body: Option<Body>,
    /// Responses, in status order.
    pub responses: Vec<Response>,
    /// Security schemes (indexes into [`Api::security_schemes`]) whose credentials are sent.
    pub security: Vec<usize>,
    /// Recognised (or configured) as a paginated list operation (see [`Pagination`]).
    pub pagination: Option<Pagination>,
    /// A success response that can be a `text/event-stream` (see [`Events`]).
    pub events: Option<Events>,
    /// Wire name of the header parameter carrying an idempotency key (`Idempotency-Key`,
    /// any case): the client sends a fresh key unless the caller sets one, the same on
    /// every retry, and retries the call whatever its method.
    pub idempotency_key: Option<String>,
    /// Documentation (`summary`, `description`).
    pub docs: Docs,
    /// The operation object.
    pub origin: Origin,
}

/// The server-sent events (`text/event-stream`, WHATWG HTML § 9.2) an operation's success
/// response can be: each event's `data` is JSON of the item type.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Events {
    /// The item type: the media type's `schema`, or OpenAPI 3.2's `itemSchema`.
    pub item: TypeRef,
    /// The Rust name of the separate streaming method (`create_chat_completion_stream`)
    /// when the response has another form too; `None` when the operation only streams
    /// (its own method returns the stream).
    pub method: Option<String>,
    /// Wire name of the request body's boolean property that asks for the stream
    /// (`stream`), which the streaming method sets to `true`.
    pub flag: Option<String>,
}

/// A request the API sends to its users' servers: an entry of the top-level `webhooks`
/// (OpenAPI 3.1 § 4.8.1) or of an operation's `callbacks` (§ 4.8.10), with a JSON body.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Webhook {
    /// `wire` = the `webhooks` key (or callback name); `rust` = the event enum's variant.
    pub name: Name,
    /// The payload (the request body's JSON schema).
    pub payload: TypeRef,
    /// The property and constant value that identify this event in a payload (a
    /// discriminator, or a `type`-like property with one allowed value), when it has one.
    pub tag: Option<(String, String)>,
    /// Documentation (`summary`, `description`).
    pub docs: Docs,
    /// The path item's operation.
    pub origin: Origin,
}

/// How an API signs the webhook deliveries it sends, which decides the `verify` of its
/// generated `webhooks` module.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum WebhookScheme {
    /// None declared: the module parses deliveries and has no `verify`.
    #[default]
    None,
    /// [Standard Webhooks](https://www.standardwebhooks.com/): `webhook-id`,
    /// `webhook-timestamp` and `webhook-signature: v1,<base64>` headers, HMAC-SHA256 over
    /// `{id}.{timestamp}.{body}` with a `whsec_…` secret.
    StandardWebhooks,
    /// Stripe's: `Stripe-Signature: t=<unix seconds>,v1=<hex>`, HMAC-SHA256 over
    /// `{t}.{body}`.
    Stripe,
    /// GitHub's: `X-Hub-Signature-256: sha256=<hex>`, HMAC-SHA256 over the body.
    GitHub,
    /// A header whose value is a secret shared with the sender (AssemblyAI's: the caller
    /// chooses its name and value when asking for the webhook), compared in constant time.
    SharedSecret {
        /// The header's name, when the API fixes it (lowercase, a valid header name);
        /// `None` when the caller chooses it.
        header: Option<String>,
    },
}

impl WebhookScheme {
    /// The scheme's name, as `x-oagen-webhooks` and `oagen.toml` spell it.
    pub fn name(&self) -> &'static str {
        match self {
            WebhookScheme::None => "none",
            WebhookScheme::StandardWebhooks => "standard-webhooks",
            WebhookScheme::Stripe => "stripe",
            WebhookScheme::GitHub => "github",
            WebhookScheme::SharedSecret { .. } => "shared-secret",
        }
    }

    /// The scheme named `name` (as [`WebhookScheme::name`] spells it; a shared-secret
    /// header without a fixed name), or `None` for an unknown name.
    pub fn from_name(name: &str) -> Option<WebhookScheme> {
        Some(match name {
            "none" => WebhookScheme::None,
            "standard-webhooks" => WebhookScheme::StandardWebhooks,
            "stripe" => WebhookScheme::Stripe,
            "github" => WebhookScheme::GitHub,
            "shared-secret" => WebhookScheme::SharedSecret { header: None },
            _ => return None,
        })
    }

    /// Every scheme name, for diagnostics.
    pub const NAMES: &'static [&'static str] = &[
        "none",
        "standard-webhooks",
        "stripe",
        "github",
        "shared-secret",
    ];
}

/// An HTTP method of an operation (the fixed fields of a Path Item Object).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Method {
    /// `get`.
    Get,
    /// `put`.
    Put,
    /// `post`.
    Post,
    /// `delete`.
    Delete,
    /// `options`.
    Options,
    /// `head`.
    Head,
    /// `patch`.
    Patch,
    /// `trace`.
    Trace,
}

impl Method {
    /// The method a Path Item field names (`get`, `post`, …; any case); `None` for any
    /// other text.
    pub fn parse(text: &str) -> Option<Method> {
        Some(match text.to_ascii_lowercase().as_str() {
            "get" => Method::Get,
            "put" => Method::Put,
            "post" => Method::Post,
            "delete" => Method::Delete,
            "options" => Method::Options,
            "head" => Method::Head,
            "patch" => Method::Patch,
            "trace" => Method::Trace,
            _ => return None,
        })
    }

    /// The upper-case name, as sent on the wire and as `reqwest::Method`'s constants are
    /// named (`GET`).
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Delete => "DELETE",
            Method::Options => "OPTIONS",
            Method::Head => "HEAD",
            Method::Patch => "PATCH",
            Method::Trace => "TRACE",
        }
    }
}

impl std::fmt::Display for Method {
    /// The upper-case name (`GET`).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A list operation whose client method gets a `.stream()` of items that fetches page after
/// page (see [`PageKind`] for the ways of reaching the next page). Recognised by
/// `lower::pagination` (the detection rules are documented there), or forced through
/// [`PaginationRule`].
///
/// Resolved once, when it is recognised: it names the operation's parameters by
/// [`ParamId`] and the page's and items' properties by [`FieldRef`], so later stages never
/// look a wire name up again (a lookup that could fail and silently drop `.stream()`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Pagination {
    /// How the next page is requested and when the list ends.
    pub kind: PageKind,
    /// The array property of the page holding its items; `None` when the success body is
    /// the array itself.
    pub items: Option<FieldRef>,
    /// The page type (the success body).
    pub page_type: TypeRef,
    /// The item type.
    pub item_type: TypeRef,
}

/// An operation's parameter: its index in [`Operation::params`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub struct ParamId(pub usize);

/// A property of a struct type: the struct (the end of any alias chain) and the index of the
/// field in its [`Struct::fields`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub struct FieldRef {
    /// The struct type.
    pub owner: TypeId,
    /// The field's index.
    pub index: usize,
}

/// How the next page of a [`Pagination`] is requested.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PageKind {
    /// An integer query parameter numbers the pages, from the parameter's `default` (else
    /// `minimum`, else 1); each page asks for the next number.
    Page {
        /// The page-number parameter.
        param: ParamId,
        /// The first page number.
        first: i64,
        /// When the list ends (besides an empty page).
        end: PageEnd,
    },
    /// A string query parameter carries an opaque cursor that the previous page returned.
    Cursor {
        /// The cursor parameter.
        param: ParamId,
        /// The path to the next cursor in the page: one property, or an object property and
        /// its property (`response_metadata.next_cursor`). Absent, `null` or empty ends the
        /// list.
        next: Vec<FieldRef>,
        /// A boolean property of the page that, when false, ends the list.
        has_more: Option<FieldRef>,
    },
    /// A query parameter takes a property of the last item read (`starting_after` with the
    /// last item's `id`, as in Stripe's lists); a boolean property says more follow.
    LastItem {
        /// The cursor parameter.
        param: ParamId,
        /// The item property sent as the cursor.
        item_field: FieldRef,
        /// The boolean property of the page saying more pages follow.
        has_more: FieldRef,
    },
    /// The response's `Link` header (RFC 8288) gives the URL of the next page (`rel="next"`),
    /// as in GitHub's lists; it is followed only on the base URL's origin.
    Link,
}

/// When a page-numbered list ends.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PageEnd {
    /// After the page whose boolean property is false.
    HasMore(FieldRef),
    /// Once as many items as the integer property says have been read.
    Total(FieldRef),
    /// At the first empty page.
    EmptyPage,
}

/// Pagination forced on an operation through the configuration, naming the parameters and
/// properties involved (wire names) when the detection rules do not recognise it. Exactly
/// one of `page`, `cursor` and `link` must be set.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct PaginationRule {
    /// An integer query parameter numbering the pages ([`PageKind::Page`]).
    pub page: Option<String>,
    /// A string query parameter carrying a cursor ([`PageKind::Cursor`], or
    /// [`PageKind::LastItem`] with `cursor_from_last`).
    pub cursor: Option<String>,
    /// Follow the `Link` header ([`PageKind::Link`]).
    #[serde(default)]
    pub link: bool,
    /// The array property holding the items; unset when the body is the array.
    pub items: Option<String>,
    /// A boolean property saying more pages follow.
    pub has_more: Option<String>,
    /// An integer property giving the number of items in the whole list.
    pub total: Option<String>,
    /// Where the next cursor is: a property, or `object.property`.
    pub next: Option<String>,
    /// The item property sent as the cursor (`id` for `starting_after`).
    pub cursor_from_last: Option<String>,
}

impl PaginationRule {
    /// Pages numbered by the query parameter `param`.
    pub fn page(param: &str) -> Self {
        PaginationRule {
            page: Some(param.to_string()),
            ..Self::default()
        }
    }

    /// Pages reached through the cursor query parameter `param`.
    pub fn cursor(param: &str) -> Self {
        PaginationRule {
            cursor: Some(param.to_string()),
            ..Self::default()
        }
    }

    /// Pages reached through the `Link` header.
    pub fn link() -> Self {
        PaginationRule {
            link: true,
            ..Self::default()
        }
    }

    /// The array property holding the items.
    pub fn items(mut self, property: &str) -> Self {
        self.items = Some(property.to_string());
        self
    }

    /// The boolean property saying more pages follow.
    pub fn has_more(mut self, property: &str) -> Self {
        self.has_more = Some(property.to_string());
        self
    }

    /// The integer property giving the size of the whole list.
    pub fn total(mut self, property: &str) -> Self {
        self.total = Some(property.to_string());
        self
    }

    /// Where the next cursor is: `property` or `object.property`.
    pub fn next(mut self, path: &str) -> Self {
        self.next = Some(path.to_string());
        self
    }

    /// The item property sent as the cursor.
    pub fn cursor_from_last(mut self, property: &str) -> Self {
        self.cursor_from_last = Some(property.to_string());
        self
    }
}

/// A path template such as `/calls/{callId}`, split at `/`.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct PathTemplate {
    /// The template as written.
    pub raw: String,
    /// One entry per path segment.
    pub segments: Vec<Vec<PathPart>>,
}

/// A piece of a path segment.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PathPart {
    /// Text sent as written.
    Literal(String),
    /// `{name}`: the value of a path parameter, percent-encoded as part of one segment. The
    /// path parameters come first in [`Operation::params`], one per name in template order,
    /// so the id of the first name is 0.
    Param(ParamId),
}

/// Where a parameter goes (`in`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum ParamLocation {
    /// Path template variable.
    Path,
    /// Query string.
    Query,
    /// Request header.
    Header,
    /// Cookie.
    Cookie,
}

/// A parameter's `style` (OpenAPI 3.x "Style Values"): how an array or object value is
/// serialized.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum ParamStyle {
    /// `matrix` (path; RFC 6570 `{;name}`).
    Matrix,
    /// `label` (path; RFC 6570 `{.name}`).
    Label,
    /// `simple` (path and headers: comma-separated).
    Simple,
    /// `form` (query and cookies: `name=a&name=b`, or `name=a,b` without `explode`).
    Form,
    /// `spaceDelimited` (query arrays: `a%20b`).
    SpaceDelimited,
    /// `pipeDelimited` (query arrays: `a|b`).
    PipeDelimited,
    /// `deepObject` (query objects: `name[key]=value`).
    DeepObject,
}

impl ParamStyle {
    /// The style named `text` as the spec spells it; `None` for any other text.
    pub fn parse(text: &str) -> Option<ParamStyle> {
        Some(match text {
            "matrix" => ParamStyle::Matrix,
            "label" => ParamStyle::Label,
            "simple" => ParamStyle::Simple,
            "form" => ParamStyle::Form,
            "spaceDelimited" => ParamStyle::SpaceDelimited,
            "pipeDelimited" => ParamStyle::PipeDelimited,
            "deepObject" => ParamStyle::DeepObject,
            _ => return None,
        })
    }
}

/// An operation parameter.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Param {
    /// Wire name and argument name.
    pub name: Name,
    /// Location.
    pub location: ParamLocation,
    /// Value type.
    pub ty: TypeRef,
    /// Must be given.
    pub required: bool,
    /// `style`, if given (the default depends on the location: `form` in the query and
    /// cookies, `simple` in the path and headers).
    pub style: Option<ParamStyle>,
    /// `explode` as written, if given (the default depends on the style).
    pub explode: Option<bool>,
    /// The schema's `default`, as written (through `$ref`s).
    pub default: Option<Value>,
    /// The schema's `minimum`, as written (through `$ref`s).
    pub minimum: Option<serde_json::Number>,
    /// An example value: the parameter's `example` or first `examples` entry, else its
    /// schema's `example` or first `examples` item (documentation examples use it).
    pub example: Option<Value>,
    /// Documentation.
    pub docs: Docs,
    /// The parameter object (or the path template, for an undeclared path parameter).
    pub origin: Origin,
}

/// How a body is encoded.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum BodyKind {
    /// `application/json` (or `+json`), typed.
    Json(TypeRef),
    /// Anything else: raw bytes with the given media type.
    Bytes,
    /// `application/x-www-form-urlencoded` request body, typed; nested objects are sent in
    /// bracket notation (`card[number]=…`).
    Form(TypeRef),
    /// A `text/*` body (except `text/event-stream`): a string. A success response of this
    /// kind is read as text.
    Text,
    /// A `multipart/form-data` request body: the fields its schema lists (built by the
    /// caller as a `runtime::Multipart`).
    Multipart(Vec<FormField>),
    /// No content.
    Empty,
}

/// A field of a `multipart/form-data` body, for documentation.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FormField {
    /// The property name.
    pub name: String,
    /// A file part (`format: binary` or `base64`), not a text field.
    pub file: bool,
    /// Listed in `required`.
    pub required: bool,
}

/// A request body.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Body {
    /// The media type sent.
    pub content_type: String,
    /// Encoding and type.
    pub kind: BodyKind,
    /// `requestBody.required`.
    pub required: bool,
}

/// Which statuses a response covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum StatusMatch {
    /// One status code.
    Code(u16),
    /// `1XX`…`5XX`: the hundreds digit.
    Range(u16),
    /// `default`.
    Default,
}

impl StatusMatch {
    /// A 2XX status or the `2XX` range.
    pub fn is_success(self) -> bool {
        match self {
            StatusMatch::Code(c) => (200..300).contains(&c),
            StatusMatch::Range(r) => r == 2,
            StatusMatch::Default => false,
        }
    }
}

/// What an operation's client method returns on success.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Success {
    /// No body (`()`).
    Unit,
    /// One JSON type.
    Json(TypeRef),
    /// One JSON type, or no body for some statuses (`Option<T>`).
    OptionalJson(TypeRef),
    /// Raw bytes (a non-JSON media type among the successes).
    Bytes,
    /// Text: every success with a body is `text/*` (Prometheus metrics, CSV, …), read as a
    /// `String` (UTF-8, invalid sequences replaced).
    Text,
    /// Different bodies for different success statuses: an enum with a variant per status.
    ByStatus,
}

impl Operation {
    /// The parameter a [`ParamId`] names.
    pub fn param(&self, id: ParamId) -> Option<&Param> {
        self.params.get(id.0)
    }

    /// The types it sends: parameters and a JSON or form body.
    pub fn input_types(&self) -> impl Iterator<Item = &TypeRef> {
        let body = match &self.body {
            Some(Body {
                kind: BodyKind::Json(t) | BodyKind::Form(t),
                ..
            }) => Some(t),
            _ => None,
        };
        self.params.iter().map(|p| &p.ty).chain(body)
    }

    /// The types it receives: JSON response bodies and event-stream items.
    pub fn output_types(&self) -> impl Iterator<Item = &TypeRef> {
        self.responses.iter().flat_map(|r| {
            let body = match &r.kind {
                BodyKind::Json(t) => Some(t),
                _ => None,
            };
            body.into_iter().chain(r.events.as_ref())
        })
    }

    /// The responses that are successes: the 2XX ones, or `default` when there is none.
    pub fn successes(&self) -> Vec<&Response> {
        let has_2xx = self.responses.iter().any(|r| r.status.is_success());
        self.responses
            .iter()
            .filter(|r| r.status.is_success() || (!has_2xx && r.status == StatusMatch::Default))
            .collect()
    }

    /// The documented responses that are errors (everything but [`Operation::successes`]).
    pub fn errors(&self) -> Vec<&Response> {
        let successes = self.successes();
        self.responses
            .iter()
            .filter(|r| !successes.iter().any(|s| s.status == r.status))
            .collect()
    }

    /// The success type of the client method.
    pub fn success(&self) -> Success {
        let successes = self.successes();
        let any_bytes = successes
            .iter()
            .any(|r| r.kind != BodyKind::Empty && !matches!(r.kind, BodyKind::Json(_)));
        let any_empty = successes.iter().any(|r| r.kind == BodyKind::Empty);
        let all_text = successes
            .iter()
            .all(|r| matches!(r.kind, BodyKind::Text | BodyKind::Empty));
        let mut json: Vec<&TypeRef> = successes
            .iter()
            .filter_map(|r| match &r.kind {
                BodyKind::Json(t) => Some(t),
                _ => None,
            })
            .collect();
        json.sort();
        json.dedup();
        match (json.as_slice(), any_bytes) {
            ([], true) if all_text => Success::Text,
            ([], true) => Success::Bytes,
            ([], false) => Success::Unit,
            ([t], false) if any_empty => Success::OptionalJson((*t).clone()),
            ([t], false) => Success::Json((*t).clone()),
            _ => Success::ByStatus,
        }
    }
}

/// A documented response.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Response {
    /// Status or status range.
    pub status: StatusMatch,
    /// The body.
    pub kind: BodyKind,
    /// `description`.
    pub description: Option<String>,
    /// The names of the headers it declares (`headers`), as written.
    pub headers: Vec<String>,
    /// The item type of a `text/event-stream` media type of this response.
    pub events: Option<TypeRef>,
}

/// A security scheme (`components/securitySchemes`).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SecurityScheme {
    /// `wire` = scheme name; `rust` = snake_case base for the client's setter.
    pub name: Name,
    /// How the credential is sent.
    pub kind: SecurityKind,
    /// `description`.
    pub description: Option<String>,
}

/// How a credential is sent.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SecurityKind {
    /// `Authorization: <scheme> <credential>` (`type: http`; `bearer` is spelled `Bearer`).
    Http {
        /// The scheme word as sent, e.g. `Bearer` or `AccessKey`.
        scheme: String,
    },
    /// `type: apiKey` in a header.
    ApiKeyHeader {
        /// Header name.
        name: String,
    },
    /// `type: apiKey` in the query string.
    ApiKeyQuery {
        /// Parameter name.
        name: String,
    },
    /// `type: http`, `scheme: basic`: `Authorization: Basic base64(user:password)`.
    HttpBasic,
    /// `type: apiKey` in a cookie.
    ApiKeyCookie {
        /// Cookie name.
        name: String,
    },
    /// `type: oauth2` (or `openIdConnect`): `Authorization: Bearer <token>` with tokens from
    /// a token provider; `client_credentials` flows get a built-in provider.
    OAuth2 {
        /// The client-credentials flow's `tokenUrl`, if the spec has that flow.
        token_url: Option<String>,
        /// The flow's scopes.
        scopes: Vec<String>,
    },
    /// Not supported: nothing is sent.
    Unsupported,
}
