//! API diff: what changed between two versions of a spec, judged by a user of the
//! generated Rust SDK.
//!
//! [`diff`] compares two lowered [`Api`]s (the IR, so both specs went through the same
//! rules as generation) and returns a [`Report`]: one [`Change`] per operation, parameter,
//! request body, response, type, field, enum value or union variant that was added, removed
//! or changed, each classified as breaking or not, and the [`Bump`] to give the crate.
//!
//! # Matching
//!
//! Operations are matched by operationId ([`Name::wire`]); an operation left over on both
//! sides with the same method and path is the same operation renamed. Types are matched by
//! their Rust name ([`TypeDef::name`]`.rust`, what users write), parameters by location and
//! wire name, fields by property name, enum values by their JSON string, tagged union variants
//! by tag value, untagged union variants by Rust name, responses by status.
//!
//! # What breaks
//!
//! "Breaking" means code written against the SDK generated from the old spec may stop
//! compiling, or a `match` stops being exhaustive. It depends on what users do with each
//! item of the generated SDK:
//!
//! - **Operations** are `Client` methods. A removed or renamed operation is breaking; a new
//!   one is not. A changed method or path is not breaking: calls compile unchanged and the SDK
//!   follows the server.
//! - **Parameters** are positional arguments, optional ones as `Option<T>`. So *any* added or
//!   removed parameter, a change between required and optional, a change of type or of
//!   argument order is breaking.
//! - **Request bodies** are the `body` argument (`&T`, or `Option<&T>` when optional): a body
//!   added or removed, a change of type or of requiredness is breaking; a new media type of
//!   the same kind is not.
//! - **Responses** decide the method's `Ok` type (from the 2XX responses, or `default` when
//!   there is none) and its error enum (`{Method}Error`, one variant per other documented
//!   status). A response change is
//!   breaking when the `Ok` type changes, or when an error variant is added (exhaustive
//!   `match`es must handle it), removed, or holds another type.
//! - **Types**: removing a type or changing its kind (struct, enum, union, alias) is breaking;
//!   a new type is not.
//! - **Fields**: generated structs are `#[non_exhaustive]`, built with `T::new(required…)`
//!   (or `Default` when nothing is required) and one setter per optional field, so no user
//!   code names every field. A new *required* field (not `null`able, not fixed by the spec) is
//!   a new argument of `new` and breaks code that builds the struct; a new optional one is a
//!   new setter and breaks nothing. That holds on both sides of the wire: a type reachable
//!   from a request body or parameter (an **input**, decided from the *old* spec, which the
//!   code that may break was written against) is built by users, and a type reachable only
//!   from responses (an **output**) is mostly read, but has the same `new`, which tests and
//!   mocks call (cargo-semver-checks reports the same change as
//!   `method_parameter_count_changed`; `tests/semver/run.sh` compares the two verdicts). A
//!   type no operation uses is treated as an input. A removed
//!   field, a field renamed in Rust or whose Rust type changes (between `T`, `Option<T>` and
//!   `Option<Option<T>>`: an output type has no `Option<Option<T>>`, so there a nullability
//!   change alone keeps the type) is breaking on either side. A change of requiredness that
//!   keeps the Rust type, of `default`, or of `additionalProperties: false` is not.
//! - **Enum values and union variants**: generated enums are exhaustive (none is
//!   `#[non_exhaustive]` or has a catch-all variant), so a new value or variant breaks every
//!   exhaustive `match`, on input and output types alike. A removed one, or a variant that
//!   holds another type, is breaking too.
//! - **Security schemes** are `Client::with_*` setters: a removed one is breaking, a new one
//!   not. The default base URL (first server) changing is not breaking.
//!
//! Documentation changes are not reported.
//!
//! # Version bump
//!
//! [`Bump::Major`] if anything breaks, [`Bump::Minor`] if anything was added, [`Bump::Patch`]
//! for other changes, [`Bump::None`] when the specs describe the same SDK. Cargo's rules for
//! a pre-1.0 crate (`0.y.z`) shift this by one place; [`Bump::next_version`] applies them.

use crate::ir::*;
use crate::surface::{OperationSurface, ParamSurface, Passing, RustType};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// Whether something appeared, disappeared or changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// Only in the new spec.
    Added,
    /// Only in the old spec.
    Removed,
    /// In both, different.
    Changed,
}

/// What kind of API item a [`Change`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Item {
    /// The default server URL (`servers[0]`).
    Server,
    /// A security scheme (`components/securitySchemes`): a `Client::with_*` setter.
    SecurityScheme,
    /// An operation: a `Client` method.
    Operation,
    /// A parameter of an operation: a method argument.
    Parameter,
    /// The request body of an operation: the `body` argument.
    RequestBody,
    /// A response of an operation: the `Ok` type or an error variant.
    Response,
    /// A named type.
    Type,
    /// A property of an object type: a struct field.
    Field,
    /// A value of a string enumeration.
    EnumValue,
    /// A variant of a tagged, adjacently tagged or untagged union.
    UnionVariant,
}

/// One difference between two specs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// Added, removed or changed.
    pub kind: ChangeKind,
    /// The kind of item.
    pub item: Item,
    /// The operationId (wire) of the operation concerned, for operation, parameter, request
    /// body and response changes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    /// The `Client` method of that operation (Rust).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// The schema name (wire) of the type concerned, for type, field, enum value and variant
    /// changes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    /// The Rust name of that type.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_name: Option<String>,
    /// The wire name of the member: parameter or property name, enum value, tag value,
    /// response status, security scheme name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The Rust name of the member: argument, field or variant.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rust_name: Option<String>,
    /// The old shape, in Rust terms (absent when added).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<String>,
    /// The new shape, in Rust terms (absent when removed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<String>,
    /// Code written against the old SDK may stop compiling (or a `match` is no longer
    /// exhaustive).
    pub breaking: bool,
    /// Why it is, or is not, breaking; one line.
    pub reason: String,
}

/// The semantic-version bump a set of changes calls for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Bump {
    /// No API change.
    None,
    /// Changes that neither break nor add anything.
    Patch,
    /// Additions, nothing breaking.
    Minor,
    /// At least one breaking change.
    Major,
}

impl Bump {
    /// The version after `current` (`MAJOR.MINOR.PATCH`, pre-release and build metadata
    /// dropped) under Cargo's semver rules: for `0.y.z` a breaking change bumps `y` and
    /// anything else bumps `z`; for `0.0.z` every change bumps `z`. `None` when `current`
    /// is not such a version.
    pub fn next_version(self, current: &str) -> Option<String> {
        let core = current.trim().split(['-', '+']).next().unwrap_or_default();
        let parts: Vec<u64> = core
            .split('.')
            .map(|p| p.parse::<u64>().ok())
            .collect::<Option<_>>()?;
        let [x, y, z] = parts[..] else {
            return None;
        };
        let (x, y, z) = match (self, x, y) {
            (Bump::None, ..) => (x, y, z),
            (_, 0, 0) => (0, 0, z.checked_add(1)?),
            (Bump::Major, 0, _) => (0, y.checked_add(1)?, 0),
            (Bump::Minor | Bump::Patch, 0, _) => (0, y, z.checked_add(1)?),
            (Bump::Major, ..) => (x.checked_add(1)?, 0, 0),
            (Bump::Minor, ..) => (x, y.checked_add(1)?, 0),
            (Bump::Patch, ..) => (x, y, z.checked_add(1)?),
        };
        Some(format!("{x}.{y}.{z}"))
    }

    fn word(self) -> &'static str {
        match self {
            Bump::None => "none",
            Bump::Patch => "patch",
            Bump::Minor => "minor",
            Bump::Major => "major",
        }
    }
}

impl fmt::Display for Bump {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.word())
    }
}

/// Which spec a side of the report came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SpecInfo {
    /// The spec file, as given to the loader.
    pub file: String,
    /// `info.title`.
    pub title: String,
    /// `info.version`.
    pub version: String,
}

impl SpecInfo {
    fn of(api: &Api) -> Self {
        SpecInfo {
            file: api.file.clone(),
            title: api.title.clone(),
            version: api.version.clone(),
        }
    }
}

/// The result of [`diff`]: every change, sorted, and the bump they call for.
///
/// `Display` writes the text report (breaking changes first); `Serialize` gives the JSON one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// The old spec.
    pub old: SpecInfo,
    /// The new spec.
    pub new: SpecInfo,
    /// The suggested version bump.
    pub bump: Bump,
    /// Every change, in a deterministic order: API-level items, then operations by
    /// operationId, then types by Rust name; within each, the item before its members.
    pub changes: Vec<Change>,
}

impl Report {
    /// The breaking changes.
    pub fn breaking(&self) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(|c| c.breaking)
    }

    /// True when at least one change is breaking.
    pub fn is_breaking(&self) -> bool {
        self.changes.iter().any(|c| c.breaking)
    }
}

/// Compares two APIs. Pure and deterministic; never panics, whatever the IR holds.
pub fn diff(old: &Api, new: &Api) -> Report {
    let old_side = Side::new(old);
    let new_side = Side::new(new);
    let mut cx = Cx {
        old: &old_side,
        new: &new_side,
        out: Vec::new(),
    };
    cx.api_level();
    cx.operations();
    cx.types();
    let mut changes = cx.out;
    changes.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    changes.dedup();
    let bump = if changes.iter().any(|c| c.breaking) {
        Bump::Major
    } else if changes.iter().any(|c| c.kind == ChangeKind::Added) {
        Bump::Minor
    } else if changes.is_empty() {
        Bump::None
    } else {
        Bump::Patch
    };
    Report {
        old: SpecInfo::of(old),
        new: SpecInfo::of(new),
        bump,
        changes,
    }
}

impl Change {
    fn new(kind: ChangeKind, item: Item) -> Self {
        Change {
            kind,
            item,
            operation: None,
            method: None,
            schema: None,
            type_name: None,
            name: None,
            rust_name: None,
            old: None,
            new: None,
            breaking: false,
            reason: String::new(),
        }
    }

    fn op(mut self, op: &Operation) -> Self {
        self.operation = Some(op.name.wire.clone());
        self.method = Some(op.name.rust.clone());
        self
    }

    fn ty(mut self, def: &TypeDef) -> Self {
        self.schema = Some(def.name.wire.clone());
        self.type_name = Some(def.name.rust.clone());
        self
    }

    fn name(mut self, wire: impl Into<String>) -> Self {
        self.name = Some(wire.into());
        self
    }

    fn rust(mut self, rust: impl Into<String>) -> Self {
        self.rust_name = Some(rust.into());
        self
    }

    fn shapes(mut self, old: Option<String>, new: Option<String>) -> Self {
        self.old = old;
        self.new = new;
        self
    }

    fn breaking(mut self, breaking: bool, reason: impl Into<String>) -> Self {
        self.breaking = breaking;
        self.reason = reason.into();
        self
    }

    #[allow(clippy::type_complexity)]
    fn sort_key(
        &self,
    ) -> (
        u8,
        &str,
        Item,
        &str,
        ChangeKind,
        Option<&str>,
        Option<&str>,
        &str,
    ) {
        let (rank, owner) = match (&self.operation, &self.type_name) {
            (Some(op), _) => (1, op.as_str()),
            (None, Some(ty)) => (2, ty.as_str()),
            (None, None) => (0, ""),
        };
        (
            rank,
            owner,
            self.item,
            self.name.as_deref().unwrap_or_default(),
            self.kind,
            self.old.as_deref(),
            self.new.as_deref(),
            &self.reason,
        )
    }

    /// What the change is about, e.g. ``field `Agent.prompt` ``.
    fn subject(&self) -> String {
        let op = self.operation.as_deref().unwrap_or("?");
        let ty = self.type_name.as_deref().unwrap_or("?");
        let name = self.name.as_deref().unwrap_or("?");
        let rust_aside = match (&self.rust_name, &self.name) {
            (Some(rust), Some(wire)) if rust != wire => format!(" (Rust `{rust}`)"),
            _ => String::new(),
        };
        match self.item {
            Item::Server => "default server URL".to_string(),
            Item::SecurityScheme => format!("security scheme `{name}`"),
            Item::Operation => {
                let method = match &self.method {
                    Some(m) if m != op => format!(" (`Client::{m}`)"),
                    _ => String::new(),
                };
                format!("operation `{op}`{method}")
            }
            Item::Parameter => format!("parameter `{name}`{rust_aside} of `{op}`"),
            Item::RequestBody => format!("request body of `{op}`"),
            Item::Response => format!("response {name} of `{op}`"),
            Item::Type => match &self.schema {
                Some(schema) if schema != ty => format!("type `{ty}` (schema `{schema}`)"),
                _ => format!("type `{ty}`"),
            },
            Item::Field => format!("field `{ty}.{name}`{rust_aside}"),
            Item::EnumValue => format!("enum value `{name}` of `{ty}`"),
            Item::UnionVariant => format!("variant `{name}` of `{ty}`"),
        }
    }
}

impl fmt::Display for Change {
    /// The change on one line (verb, subject, old → new shape), the reason on the next.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let verb = match self.kind {
            ChangeKind::Added => "added",
            ChangeKind::Removed => "removed",
            ChangeKind::Changed => "changed",
        };
        write!(f, "{verb} {}", self.subject())?;
        match (&self.old, &self.new) {
            (Some(old), Some(new)) => write!(f, ": {old} → {new}")?,
            (Some(one), None) | (None, Some(one)) => write!(f, ": {one}")?,
            (None, None) => {}
        }
        write!(f, "\n    {}", self.reason)
    }
}

impl fmt::Display for Report {
    /// The text report: header, summary and bump, breaking changes, other changes.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let side =
            |s: &SpecInfo| format!("{} {} ({})", s.title.replace('\n', " "), s.version, s.file);
        writeln!(f, "API diff: {} → {}", side(&self.old), side(&self.new))?;
        let breaking: Vec<&Change> = self.breaking().collect();
        let other: Vec<&Change> = self.changes.iter().filter(|c| !c.breaking).collect();
        if self.changes.is_empty() {
            writeln!(f, "No API changes: the generated SDK is the same.")?;
        } else {
            writeln!(
                f,
                "{} changes: {} breaking, {} not breaking.",
                self.changes.len(),
                breaking.len(),
                other.len()
            )?;
        }
        let pre_1_0 = match self.bump {
            Bump::None => "",
            Bump::Major => " (a pre-1.0 crate, 0.y.z, bumps y instead)",
            Bump::Minor | Bump::Patch => " (a pre-1.0 crate, 0.y.z, bumps z)",
        };
        writeln!(f, "Suggested version bump: {}{pre_1_0}.", self.bump)?;
        for (title, list) in [("Breaking changes", breaking), ("Other changes", other)] {
            if list.is_empty() {
                continue;
            }
            writeln!(f, "\n{title} ({}):", list.len())?;
            for change in list {
                writeln!(f, "  - {change}")?;
            }
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------
// Rendering the IR in Rust terms.

/// A type use as the SDK spells it (without module paths): the text rendering of
/// [`RustType`], the structured type emit renders as tokens.
fn render(api: &Api, ty: &TypeRef) -> String {
    RustType::of(api, ty).to_string()
}

/// The Rust type of a struct field (with its `Option` wrapping), as users read it.
fn field_type(api: &Api, f: &Field) -> String {
    crate::surface::field_type(api, f).to_string()
}

fn field_shape(api: &Api, f: &Field) -> String {
    let how = if f.flatten {
        "flattened"
    } else {
        match (f.required, f.nullable) {
            (true, false) => "required",
            (true, true) => "required, nullable",
            (false, false) => "optional",
            (false, true) => "optional, nullable",
        }
    };
    format!("{} ({how})", field_type(api, f))
}

fn location(l: ParamLocation) -> &'static str {
    match l {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query",
        ParamLocation::Header => "header",
        ParamLocation::Cookie => "cookie",
    }
}

/// The value type of a parameter, in `Option` when it is optional (nullability is not
/// expressed in arguments).
fn param_type(p: &ParamSurface<'_>) -> String {
    if p.param.required {
        p.value.to_string()
    } else {
        p.value.clone().optional().to_string()
    }
}

/// The parameter as a user of the method sees it: its type, whether it is required, where
/// it is sent, and the setter when the builder has one.
fn param_shape(p: &ParamSurface<'_>) -> String {
    let req = if p.param.required {
        "required"
    } else {
        "optional"
    };
    let setter = match &p.passing {
        Passing::Setter(name) => format!(", setter `.{name}(…)`"),
        Passing::Argument => String::new(),
    };
    format!(
        "{} ({req}, in {}{setter})",
        param_type(p),
        location(p.param.location)
    )
}

fn body_type(api: &Api, kind: &BodyKind) -> String {
    match kind {
        BodyKind::Json(t) => render(api, t),
        BodyKind::Form(t) => format!("form {}", render(api, t)),
        BodyKind::Text => "text".into(),
        BodyKind::Multipart(_) => "multipart form".into(),
        BodyKind::Bytes => "bytes".into(),
        BodyKind::Empty => "no content".into(),
    }
}

fn body_shape(api: &Api, b: &Body) -> String {
    let req = if b.required { "required" } else { "optional" };
    match &b.kind {
        BodyKind::Empty => format!("no content ({req})"),
        kind => format!("{} ({req}, {})", body_type(api, kind), b.content_type),
    }
}

fn status_text(s: StatusMatch) -> String {
    match s {
        StatusMatch::Code(c) => c.to_string(),
        StatusMatch::Range(r) => format!("{r}XX"),
        StatusMatch::Default => "default".into(),
    }
}

fn kind_text(api: &Api, kind: &TypeKind) -> String {
    match kind {
        TypeKind::Struct(_) => "struct".into(),
        TypeKind::Enum(_) => "enum".into(),
        TypeKind::Tagged(u) => format!("union tagged by `{}`", u.tag),
        TypeKind::Adjacent(u) => format!("union of `{}` and `{}`", u.tag, u.content),
        TypeKind::Untagged(_) => "untagged union".into(),
        TypeKind::Alias(t) => format!("alias of {}", render(api, t)),
        TypeKind::Pending => "alias of Value".into(),
    }
}

// ---------------------------------------------------------------------------------------
// One side of the comparison.

/// Why a new enum value or union variant breaks users' code, or why it does not.
fn added_variant_reason(ty: &str, variant: &str, side: &str, open: bool) -> String {
    if open {
        format!("`{ty}` is `#[non_exhaustive]` (it is read from responses): `match`es on it already have a wildcard arm")
    } else {
        format!("`{ty}` is an exhaustive enum: `match`es on it{side} must handle `{ty}::{variant}`")
    }
}

/// How [`Usage`] reads in a report.
trait UsageText {
    fn built(self) -> bool;
    fn match_note(self) -> &'static str;
    fn describe(self, ty: &str) -> String;
}

impl UsageText for Usage {
    /// Users build values of this type (an input, or used by no operation).
    fn built(self) -> bool {
        self.input || !self.output
    }

    /// Qualifies "`match`es on it" for types users rarely match on.
    fn match_note(self) -> &'static str {
        match (self.input, self.output) {
            (_, true) => "",
            (true, false) => " (even on this input-only type)",
            (false, false) => " (even on this type no operation uses)",
        }
    }

    fn describe(self, ty: &str) -> String {
        match (self.input, self.output) {
            (true, true) => format!("`{ty}` is sent in requests and read from responses"),
            (true, false) => format!("`{ty}` is sent in requests, so users build it"),
            (false, true) => format!("`{ty}` only appears in responses, so users only read it"),
            (false, false) => format!("`{ty}` is used by no operation, so users may build it"),
        }
    }
}

/// The success type and error variants of an operation, as the client method has them.
struct Outcome {
    /// The `Ok` type.
    ok: String,
    /// Error status → what its variant holds.
    errors: BTreeMap<StatusMatch, Option<RustType>>,
    /// The statuses that are successes.
    successes: BTreeSet<StatusMatch>,
}

impl Outcome {
    fn of(s: &OperationSurface<'_>) -> Outcome {
        let ok = match &s.responses {
            Some(e) => format!("{} (one variant per status)", e.name),
            None => s.success.to_string(),
        };
        let errors = s
            .errors
            .iter()
            .flat_map(|e| &e.variants)
            .map(|v| (v.response.status, v.payload.clone()))
            .collect();
        Outcome {
            ok,
            errors,
            successes: s.op.successes().iter().map(|r| r.status).collect(),
        }
    }
}

struct Side<'a> {
    api: &'a Api,
    /// Rust name → index into `api.types`.
    types: BTreeMap<&'a str, usize>,
    usage: Vec<Usage>,
}

impl<'a> Side<'a> {
    fn new(api: &'a Api) -> Self {
        let types = api
            .types
            .iter()
            .enumerate()
            .map(|(i, t)| (t.name.rust.as_str(), i))
            .collect();
        let usage = api.usage();
        Side { api, types, usage }
    }
}

// ---------------------------------------------------------------------------------------
// The comparison.

struct Cx<'a> {
    old: &'a Side<'a>,
    new: &'a Side<'a>,
    out: Vec<Change>,
}

/// Pairs up two lists by key: (old, new) for each key in either, in key order.
fn pair<'a, K: Ord, T>(
    old: impl IntoIterator<Item = (K, &'a T)>,
    new: impl IntoIterator<Item = (K, &'a T)>,
) -> Vec<(Option<&'a T>, Option<&'a T>)> {
    let mut map: BTreeMap<K, (Option<&'a T>, Option<&'a T>)> = BTreeMap::new();
    for (k, v) in old {
        map.entry(k).or_default().0.get_or_insert(v);
    }
    for (k, v) in new {
        map.entry(k).or_default().1.get_or_insert(v);
    }
    map.into_values().collect()
}

impl Cx<'_> {
    fn push(&mut self, change: Change) {
        self.out.push(change);
    }

    // --- API level -----------------------------------------------------------------------

    fn api_level(&mut self) {
        let (old, new) = (self.old.api, self.new.api);
        let (old_url, new_url) = (
            old.servers.first().map(Server::default_url),
            new.servers.first().map(Server::default_url),
        );
        if old_url != new_url {
            let kind = match (&old_url, &new_url) {
                (None, Some(_)) => ChangeKind::Added,
                (Some(_), None) => ChangeKind::Removed,
                _ => ChangeKind::Changed,
            };
            self.push(
                Change::new(kind, Item::Server)
                    .shapes(old_url.clone(), new_url.clone())
                    .breaking(
                        false,
                        "`Client::new` uses the new default base URL; `with_base_url` still overrides it",
                    ),
            );
        }
        let pairs = pair(
            old.security_schemes
                .iter()
                .map(|s| (s.name.wire.as_str(), s)),
            new.security_schemes
                .iter()
                .map(|s| (s.name.wire.as_str(), s)),
        );
        for (o, n) in pairs {
            match (o, n) {
                (None, Some(n)) => self.push(
                    Change::new(ChangeKind::Added, Item::SecurityScheme)
                        .name(&n.name.wire)
                        .rust(&n.name.rust)
                        .shapes(None, Some(format!("Client::with_{}", n.name.rust)))
                        .breaking(
                            false,
                            "a new credential setter; existing code is unaffected",
                        ),
                ),
                (Some(o), None) => self.push(
                    Change::new(ChangeKind::Removed, Item::SecurityScheme)
                        .name(&o.name.wire)
                        .rust(&o.name.rust)
                        .shapes(Some(format!("Client::with_{}", o.name.rust)), None)
                        .breaking(
                            true,
                            format!("`Client::with_{}` no longer exists", o.name.rust),
                        ),
                ),
                (Some(o), Some(n)) => {
                    if o.name.rust != n.name.rust {
                        self.push(
                            Change::new(ChangeKind::Changed, Item::SecurityScheme)
                                .name(&n.name.wire)
                                .rust(&n.name.rust)
                                .shapes(
                                    Some(format!("Client::with_{}", o.name.rust)),
                                    Some(format!("Client::with_{}", n.name.rust)),
                                )
                                .breaking(true, "the credential setter is renamed"),
                        );
                    } else if o.kind != n.kind {
                        self.push(
                            Change::new(ChangeKind::Changed, Item::SecurityScheme)
                                .name(&n.name.wire)
                                .rust(&n.name.rust)
                                .shapes(Some(scheme_text(&o.kind)), Some(scheme_text(&n.kind)))
                                .breaking(
                                    false,
                                    "the SDK sends the credential the new way; calls compile unchanged",
                                ),
                        );
                    }
                }
                (None, None) => {}
            }
        }
    }

    // --- Operations ----------------------------------------------------------------------

    fn operations(&mut self) {
        let (old, new) = (self.old.api, self.new.api);
        let mut pairs = pair(
            old.operations.iter().map(|o| (o.name.wire.as_str(), o)),
            new.operations.iter().map(|o| (o.name.wire.as_str(), o)),
        );
        // An operation left over on both sides with the same method and path was renamed.
        let endpoint = |op: &Operation| (op.method, op.path.raw.clone());
        for i in 0..pairs.len() {
            let (Some(o), None) = pairs[i] else {
                continue;
            };
            let found = pairs
                .iter()
                .position(|p| matches!(p, (None, Some(n)) if endpoint(n) == endpoint(o)));
            if let Some(j) = found {
                pairs[i].1 = pairs[j].1.take();
            }
        }
        for (o, n) in pairs {
            match (o, n) {
                (None, Some(n)) => self.push(
                    Change::new(ChangeKind::Added, Item::Operation)
                        .op(n)
                        .shapes(None, Some(format!("{} {}", n.method, n.path.raw)))
                        .breaking(false, format!("new method `Client::{}`", n.name.rust)),
                ),
                (Some(o), None) => self.push(
                    Change::new(ChangeKind::Removed, Item::Operation)
                        .op(o)
                        .shapes(Some(format!("{} {}", o.method, o.path.raw)), None)
                        .breaking(true, format!("`Client::{}` no longer exists", o.name.rust)),
                ),
                (Some(o), Some(n)) => self.operation(o, n),
                (None, None) => {}
            }
        }
    }

    fn operation(&mut self, o: &Operation, n: &Operation) {
        let (oa, na) = (self.old.api, self.new.api);
        if o.name.wire != n.name.wire {
            let breaking = o.name.rust != n.name.rust;
            let reason = if breaking {
                format!(
                    "same {} {}, new operationId: `Client::{}` is now `Client::{}`",
                    n.method, n.path.raw, o.name.rust, n.name.rust
                )
            } else {
                format!(
                    "same {} {}, new operationId; the method keeps its name",
                    n.method, n.path.raw
                )
            };
            self.push(
                Change::new(ChangeKind::Changed, Item::Operation)
                    .op(n)
                    .shapes(
                        Some(format!("operationId `{}`", o.name.wire)),
                        Some(format!("operationId `{}`", n.name.wire)),
                    )
                    .breaking(breaking, reason),
            );
        } else if o.name.rust != n.name.rust {
            self.push(
                Change::new(ChangeKind::Changed, Item::Operation)
                    .op(n)
                    .shapes(
                        Some(format!("Client::{}", o.name.rust)),
                        Some(format!("Client::{}", n.name.rust)),
                    )
                    .breaking(true, "the client method is renamed"),
            );
        }
        if o.method != n.method || o.path.raw != n.path.raw {
            self.push(
                Change::new(ChangeKind::Changed, Item::Operation)
                    .op(n)
                    .shapes(
                        Some(format!("{} {}", o.method, o.path.raw)),
                        Some(format!("{} {}", n.method, n.path.raw)),
                    )
                    .breaking(
                        false,
                        "the SDK sends the request to the new endpoint; calls compile unchanged",
                    ),
            );
        }
        let schemes = |api: &Api, op: &Operation| -> Vec<String> {
            let mut v: Vec<String> = op
                .security
                .iter()
                .filter_map(|&i| api.security_schemes.get(i))
                .map(|s| s.name.wire.clone())
                .collect();
            v.sort();
            v
        };
        let (old_schemes, new_schemes) = (schemes(oa, o), schemes(na, n));
        if old_schemes != new_schemes {
            let text = |v: &[String]| {
                if v.is_empty() {
                    "no credentials".to_string()
                } else {
                    format!("credentials: {}", v.join(", "))
                }
            };
            self.push(
                Change::new(ChangeKind::Changed, Item::Operation)
                    .op(n)
                    .shapes(Some(text(&old_schemes)), Some(text(&new_schemes)))
                    .breaking(
                        false,
                        "the SDK sends the credentials the client has; calls compile unchanged",
                    ),
            );
        }
        let (os, ns) = (OperationSurface::of(oa, o), OperationSurface::of(na, n));
        self.form(&os, &ns);
        self.events(&os, &ns);
        self.params(&os, &ns);
        self.body(o, n);
        self.responses(&os, &ns);
    }

    /// The method's form (positional or builder), its `.stream()` and its error type.
    fn form(&mut self, o: &OperationSurface<'_>, n: &OperationSurface<'_>) {
        let method = &n.method;
        let change = || Change::new(ChangeKind::Changed, Item::Operation).op(n.op);
        let form_text = |s: &OperationSurface<'_>| match &s.builder {
            Some(b) => format!("request builder `{}`", b.request),
            None => "positional arguments, returns `runtime::Call`".to_string(),
        };
        if o.form != n.form {
            let why = match (&o.builder, &n.builder) {
                (None, Some(b)) => format!(
                    "`Client::{method}` now returns a request builder (`{}`): optional parameters are set with its methods instead of passed as `Option` arguments",
                    b.request
                ),
                (Some(b), _) => format!(
                    "`Client::{method}` now takes every parameter as an argument and returns a `runtime::Call`: `{}` and its setters are gone",
                    b.request
                ),
                (None, None) => "the method's form changes".to_string(),
            };
            self.push(
                change()
                    .shapes(Some(form_text(o)), Some(form_text(n)))
                    .breaking(true, why),
            );
        }
        let stream_text = |s: &OperationSurface<'_>| match (&s.builder, &s.stream) {
            (Some(b), Some(pages)) => format!("`{}::stream()` of {}", b.request, pages.item),
            _ => "no `.stream()`".to_string(),
        };
        let (old_stream, new_stream) = (stream_text(o), stream_text(n));
        if old_stream != new_stream {
            let (breaking, why) = match (&o.stream, &n.stream) {
                (None, Some(_)) => (
                    false,
                    "a new `.stream()` walks every page; existing code is unaffected".to_string(),
                ),
                (Some(_), None) => (
                    true,
                    format!("`Client::{method}` no longer has `.stream()`"),
                ),
                _ => (
                    true,
                    "`.stream()` yields another item type or belongs to another builder"
                        .to_string(),
                ),
            };
            self.push(
                change()
                    .shapes(Some(old_stream), Some(new_stream))
                    .breaking(breaking, why),
            );
        }
        let (old_error, new_error) = (o.error_type().to_string(), n.error_type().to_string());
        if old_error != new_error {
            self.push(
                change()
                    .shapes(
                        Some(format!("runtime::Error<{old_error}>")),
                        Some(format!("runtime::Error<{new_error}>")),
                    )
                    .breaking(
                        true,
                        format!(
                            "`Client::{method}` fails with `runtime::Error<{new_error}>` instead of `runtime::Error<{old_error}>`: code naming or matching the error type must change"
                        ),
                    ),
            );
        }
    }

    /// The streaming method of a `text/event-stream` response: gaining one is an addition;
    /// losing it, a new item type, or the plain method becoming the stream break callers.
    fn events(&mut self, o: &OperationSurface<'_>, n: &OperationSurface<'_>) {
        let text = |s: &OperationSurface<'_>| match &s.events {
            Some(e) if e.only => format!(
                "`Client::{}` returns an event stream of {}",
                e.method, e.item
            ),
            Some(e) => format!("`Client::{}` streams events of {}", e.method, e.item),
            None => "no event stream".to_string(),
        };
        let (old, new) = (text(o), text(n));
        if old == new {
            return;
        }
        let (breaking, why) = match (&o.events, &n.events) {
            (None, Some(e)) if !e.only => (
                false,
                format!("a new `Client::{}` streams the response; existing code is unaffected", e.method),
            ),
            (Some(e), None) => (true, format!("`Client::{}` no longer streams", e.method)),
            _ => (
                true,
                format!(
                    "`Client::{}`'s stream changes: another item type or method, or the method itself now returns a stream (or no longer does)",
                    n.method
                ),
            ),
        };
        self.push(
            Change::new(ChangeKind::Changed, Item::Operation)
                .op(n.op)
                .shapes(Some(old), Some(new))
                .breaking(breaking, why),
        );
    }

    /// Parameters, judged by how the method takes them: a new or changed argument breaks
    /// calls, a new builder setter does not.
    fn params(&mut self, o: &OperationSurface<'_>, n: &OperationSurface<'_>) {
        let key = |p: &ParamSurface<'_>| (p.param.location, p.param.name.wire.clone());
        let pairs = pair(
            o.params.iter().map(|p| (key(p), p)),
            n.params.iter().map(|p| (key(p), p)),
        );
        let method = &n.method;
        let request = |s: &OperationSurface<'_>| {
            s.builder
                .as_ref()
                .map(|b| b.request.clone())
                .unwrap_or_default()
        };
        let mut arguments_changed = false;
        for (a, b) in pairs {
            let (kind, p) = match (a, b) {
                (None, Some(p)) => (ChangeKind::Added, p),
                (Some(p), None) => (ChangeKind::Removed, p),
                (Some(a), Some(b)) => {
                    arguments_changed |= self.param_pair(o, n, a, b);
                    continue;
                }
                (None, None) => continue,
            };
            let (breaking, why) = match (kind, &p.passing) {
                (ChangeKind::Added, Passing::Setter(setter)) => (
                    false,
                    format!(
                        "a new setter `{}::{setter}`; calls that do not set it compile unchanged",
                        request(n)
                    ),
                ),
                (ChangeKind::Added, Passing::Argument) if p.param.required => (
                    true,
                    format!("`Client::{method}` takes a new argument `{}`", p.name),
                ),
                (ChangeKind::Added, Passing::Argument) => (
                    true,
                    format!(
                        "`Client::{method}` takes a new argument `{}` (optional parameters of a positional method are `Option` arguments)",
                        p.name
                    ),
                ),
                (_, Passing::Setter(setter)) => (
                    true,
                    format!("`{}::{setter}` no longer exists", request(o)),
                ),
                (_, Passing::Argument) => (
                    true,
                    format!(
                        "`Client::{method}` no longer takes the argument `{}`",
                        p.name
                    ),
                ),
            };
            arguments_changed |= p.passing == Passing::Argument;
            let shape = Some(param_shape(p));
            let (old, new) = match kind {
                ChangeKind::Added => (None, shape),
                _ => (shape, None),
            };
            self.push(
                Change::new(kind, Item::Parameter)
                    .op(n.op)
                    .name(&p.param.name.wire)
                    .rust(&p.name)
                    .shapes(old, new)
                    .breaking(breaking, why),
            );
        }
        if !arguments_changed {
            // Same arguments: their order is path, then required, then optional, spec order.
            let order = |s: &OperationSurface<'_>| {
                s.arguments().map(|p| p.name.clone()).collect::<Vec<_>>()
            };
            let (oo, no) = (order(o), order(n));
            if oo != no {
                self.push(
                    Change::new(ChangeKind::Changed, Item::Operation)
                        .op(n.op)
                        .shapes(
                            Some(format!("arguments ({})", oo.join(", "))),
                            Some(format!("arguments ({})", no.join(", "))),
                        )
                        .breaking(
                            true,
                            format!("the arguments of `Client::{method}` are reordered"),
                        ),
                );
            }
        }
    }

    /// A parameter in both versions; true when the method's arguments change.
    fn param_pair(
        &mut self,
        o: &OperationSurface<'_>,
        n: &OperationSurface<'_>,
        a: &ParamSurface<'_>,
        b: &ParamSurface<'_>,
    ) -> bool {
        let (at, bt) = (param_type(a), param_type(b));
        let request = n.builder.as_ref().map(|b| b.request.as_str()).unwrap_or("");
        let old_request = o.builder.as_ref().map(|b| b.request.as_str()).unwrap_or("");
        let name = &b.name;
        let (arguments, why) = match (&a.passing, &b.passing) {
            (Passing::Argument, Passing::Argument) if at == bt => return false,
            (Passing::Argument, Passing::Argument) if a.param.required != b.param.required => (
                true,
                format!(
                    "the argument `{name}` is now {} ({bt} instead of {at})",
                    if b.param.required {
                        "required"
                    } else {
                        "optional"
                    }
                ),
            ),
            (Passing::Argument, Passing::Argument) => {
                (true, format!("the argument `{name}` has a new type"))
            }
            (Passing::Setter(x), Passing::Setter(y)) if at == bt && x == y => return false,
            (Passing::Setter(_), Passing::Setter(y)) if at == bt => {
                (false, format!("the setter is renamed `{request}::{y}`"))
            }
            (Passing::Setter(_), Passing::Setter(y)) => (
                false,
                format!("the setter `{request}::{y}` takes a new type ({bt} instead of {at})"),
            ),
            (Passing::Argument, Passing::Setter(y)) => (
                true,
                format!("`{name}` is no longer an argument: it is set with `{request}::{y}`"),
            ),
            (Passing::Setter(x), Passing::Argument) => (
                true,
                format!("`{old_request}::{x}` no longer exists: `{name}` is now an argument"),
            ),
        };
        self.push(
            Change::new(ChangeKind::Changed, Item::Parameter)
                .op(n.op)
                .name(&b.param.name.wire)
                .rust(&b.name)
                .shapes(Some(param_shape(a)), Some(param_shape(b)))
                .breaking(true, why),
        );
        arguments
    }

    fn body(&mut self, o: &Operation, n: &Operation) {
        let (oa, na) = (self.old.api, self.new.api);
        // A body without content is no argument.
        let arg = |b: &Option<Body>| b.as_ref().filter(|b| b.kind != BodyKind::Empty).cloned();
        let (ob, nb) = (arg(&o.body), arg(&n.body));
        let method = &n.name.rust;
        match (&ob, &nb) {
            (None, Some(b)) => self.push(
                Change::new(ChangeKind::Added, Item::RequestBody)
                    .op(n)
                    .shapes(None, Some(body_shape(na, b)))
                    .breaking(
                        true,
                        format!("`Client::{method}` takes a new `body` argument"),
                    ),
            ),
            (Some(b), None) => self.push(
                Change::new(ChangeKind::Removed, Item::RequestBody)
                    .op(n)
                    .shapes(Some(body_shape(oa, b)), None)
                    .breaking(
                        true,
                        format!("`Client::{method}` no longer takes a `body` argument"),
                    ),
            ),
            (Some(a), Some(b)) => {
                let (at, bt) = (body_type(oa, &a.kind), body_type(na, &b.kind));
                let (breaking, why) = if at != bt {
                    (
                        true,
                        format!("the `body` argument is now {bt} instead of {at}"),
                    )
                } else if a.required != b.required {
                    (
                        true,
                        format!(
                            "the `body` argument is now {}",
                            if b.required {
                                "required (`&T` instead of `Option<&T>`)"
                            } else {
                                "optional (`Option<&T>` instead of `&T`)"
                            }
                        ),
                    )
                } else if a.content_type != b.content_type {
                    (
                        false,
                        "the SDK sends the new media type; calls compile unchanged".to_string(),
                    )
                } else {
                    return;
                };
                self.push(
                    Change::new(ChangeKind::Changed, Item::RequestBody)
                        .op(n)
                        .shapes(Some(body_shape(oa, a)), Some(body_shape(na, b)))
                        .breaking(breaking, why),
                );
            }
            (None, None) => {}
        }
    }

    fn responses(&mut self, o: &OperationSurface<'_>, n: &OperationSurface<'_>) {
        let (oa, na) = (self.old.api, self.new.api);
        let (oo, no) = (Outcome::of(o), Outcome::of(n));
        let method = &n.method;
        let pairs = pair(
            o.op.responses.iter().map(|r| (r.status, r)),
            n.op.responses.iter().map(|r| (r.status, r)),
        );
        let (oe, ne) = (
            format!("{}Error", o.type_base),
            format!("{}Error", n.type_base),
        );
        for (or, nr) in pairs {
            let Some(status) = or.or(nr).map(|r| r.status) else {
                continue;
            };
            let kind = match (or, nr) {
                (None, Some(_)) => ChangeKind::Added,
                (Some(_), None) => ChangeKind::Removed,
                (Some(a), Some(b)) => {
                    let same = body_type(oa, &a.kind) == body_type(na, &b.kind)
                        && oo.successes.contains(&status) == no.successes.contains(&status);
                    if same {
                        continue;
                    }
                    ChangeKind::Changed
                }
                (None, None) => continue,
            };
            let shape = |api: &Api, r: Option<&Response>| {
                r.map(|r| format!("{}: {}", status_text(status), body_type(api, &r.kind)))
            };
            let success_side = oo.successes.contains(&status) || no.successes.contains(&status);
            let (old_err, new_err) = (oo.errors.get(&status), no.errors.get(&status));
            let variant = crate::surface::status_variant(status);
            let (breaking, why) = if success_side && oo.ok != no.ok {
                (
                    true,
                    format!(
                        "`Client::{method}` now returns {} instead of {}",
                        no.ok, oo.ok
                    ),
                )
            } else if old_err != new_err {
                match (old_err, new_err) {
                    (None, Some(_)) => (
                        true,
                        format!(
                            "new variant `{ne}::{variant}`: exhaustive `match`es on the error must handle it"
                        ),
                    ),
                    (Some(_), None) => (true, format!("`{oe}::{variant}` no longer exists")),
                    (_, payload) => (
                        true,
                        format!(
                            "`{ne}::{variant}` now holds {}",
                            match payload {
                                Some(Some(t)) => t.to_string(),
                                _ => "nothing".to_string(),
                            }
                        ),
                    ),
                }
            } else {
                (false, format!("`Client::{method}` still returns {}", no.ok))
            };
            self.push(
                Change::new(kind, Item::Response)
                    .op(n.op)
                    .name(status_text(status))
                    .shapes(shape(oa, or), shape(na, nr))
                    .breaking(breaking, why),
            );
        }
    }

    // --- Types ---------------------------------------------------------------------------

    fn types(&mut self) {
        let (old, new) = (self.old, self.new);
        let pairs = pair(
            old.types.iter().map(|(name, i)| (*name, i)),
            new.types.iter().map(|(name, i)| (*name, i)),
        );
        for (o, n) in pairs {
            let od = o.and_then(|&i| old.api.types.get(i).map(|d| (i, d)));
            let nd = n.and_then(|&i| new.api.types.get(i).map(|d| (i, d)));
            match (od, nd) {
                (None, Some((_, d))) => self.push(
                    Change::new(ChangeKind::Added, Item::Type)
                        .ty(d)
                        .shapes(None, Some(kind_text(new.api, &d.kind)))
                        .breaking(false, "a new type; existing code is unaffected"),
                ),
                (Some((_, d)), None) => self.push(
                    Change::new(ChangeKind::Removed, Item::Type)
                        .ty(d)
                        .shapes(Some(kind_text(old.api, &d.kind)), None)
                        .breaking(true, format!("`{}` no longer exists", d.name.rust)),
                ),
                (Some((i, a)), Some((_, b))) => {
                    let usage = old.usage.get(i).copied().unwrap_or_default();
                    self.type_pair(a, b, usage);
                }
                (None, None) => {}
            }
        }
    }

    fn type_pair(&mut self, a: &TypeDef, b: &TypeDef, usage: Usage) {
        let (oa, na) = (self.old.api, self.new.api);
        let ty = &b.name.rust;
        let kind_change = |cx: &mut Self, breaking: bool, why: String| {
            cx.push(
                Change::new(ChangeKind::Changed, Item::Type)
                    .ty(b)
                    .shapes(Some(kind_text(oa, &a.kind)), Some(kind_text(na, &b.kind)))
                    .breaking(breaking, why),
            );
        };
        // Aliases of named types (merged copies, `A: {$ref: B}`) are compared by what they
        // stand for: turning a definition into an alias of an identical one changes nothing.
        match (oa.resolve_kind(a), na.resolve_kind(b)) {
            (TypeKind::Struct(x), TypeKind::Struct(y)) => self.structs(b, x, y, usage),
            (TypeKind::Enum(x), TypeKind::Enum(y)) => self.enums(b, x, y, usage),
            (TypeKind::Tagged(x), TypeKind::Tagged(y)) => {
                if x.tag != y.tag {
                    kind_change(
                        self,
                        false,
                        "the SDK reads and writes the new tag property; code compiles unchanged"
                            .into(),
                    );
                }
                let (ok, nk) = (oa.resolve_kind(a), na.resolve_kind(b));
                self.variants(b, members(oa, ty, ok), members(na, ty, nk), usage, y.open);
            }
            (TypeKind::Adjacent(x), TypeKind::Adjacent(y)) => {
                if (&x.tag, &x.content) != (&y.tag, &y.content) {
                    kind_change(
                        self,
                        false,
                        "the SDK reads and writes the new properties; code compiles unchanged"
                            .into(),
                    );
                }
                let (ok, nk) = (oa.resolve_kind(a), na.resolve_kind(b));
                self.variants(b, members(oa, ty, ok), members(na, ty, nk), usage, false);
            }
            (TypeKind::Untagged(_), TypeKind::Untagged(_)) => {
                let (ok, nk) = (oa.resolve_kind(a), na.resolve_kind(b));
                self.variants(b, members(oa, ty, ok), members(na, ty, nk), usage, false);
            }
            (TypeKind::Alias(x), TypeKind::Alias(y)) => {
                if render(oa, x) != render(na, y) {
                    kind_change(self, true, format!("`{ty}` names another type"));
                }
            }
            (TypeKind::Pending, TypeKind::Pending) => {}
            _ => kind_change(
                self,
                true,
                format!("`{ty}` is a different kind of type: code using it must change"),
            ),
        }
    }

    fn structs(&mut self, def: &TypeDef, x: &Struct, y: &Struct, usage: Usage) {
        let (oa, na) = (self.old.api, self.new.api);
        let ty = &def.name.rust;
        if x.strict() != y.strict() {
            let why = if y.strict() {
                "unknown properties are now rejected when deserializing; code compiles unchanged"
            } else {
                "unknown properties are now accepted when deserializing; code compiles unchanged"
            };
            self.push(
                Change::new(ChangeKind::Changed, Item::Type)
                    .ty(def)
                    .shapes(
                        Some(format!("closed: {}", x.strict())),
                        Some(format!("closed: {}", y.strict())),
                    )
                    .breaking(false, why),
            );
        }
        // Structs are `#[non_exhaustive]` and built with `new(required…)` (or `Default`) and
        // setters: a new optional field (or one the spec fixes) is a new setter; a new argument
        // of `new` breaks code that builds the type. Response types have `new` too (tests and
        // mocks build them), so there it breaks that code, as cargo-semver-checks agrees
        // (`method_parameter_count_changed`, `tests/semver/run.sh`).
        let added_why = |field: &str, argument: bool| {
            let new_takes = format!(
                "`{ty}::new` now takes `{field}` (and a type without required fields loses `Default`)"
            );
            match (usage.built(), argument) {
                (true, true) => (true, format!("{}: {new_takes}", usage.describe(ty))),
                (false, true) => (
                    true,
                    format!(
                        "{}, but code that builds one (a test double) breaks: {new_takes}",
                        usage.describe(ty)
                    ),
                ),
                (true, false) => (
                    false,
                    format!(
                        "{}; structs are `#[non_exhaustive]`, so a new optional field is only a new setter",
                        usage.describe(ty)
                    ),
                ),
                (false, false) => (
                    false,
                    format!("{}; a new optional field breaks no code", usage.describe(ty)),
                ),
            }
        };
        let pairs = pair(
            x.fields.iter().map(|f| (f.name.wire.as_str(), f)),
            y.fields.iter().map(|f| (f.name.wire.as_str(), f)),
        );
        for (a, b) in pairs {
            match (a, b) {
                (None, Some(f)) => {
                    let argument = crate::surface::StructSurface::of(na, y).is_argument(f);
                    let (breaking, why) = added_why(&f.name.rust, argument);
                    self.push(
                        Change::new(ChangeKind::Added, Item::Field)
                            .ty(def)
                            .name(&f.name.wire)
                            .rust(&f.name.rust)
                            .shapes(None, Some(field_shape(na, f)))
                            .breaking(breaking, why),
                    );
                }
                (Some(f), None) => self.push(
                    Change::new(ChangeKind::Removed, Item::Field)
                        .ty(def)
                        .name(&f.name.wire)
                        .rust(&f.name.rust)
                        .shapes(Some(field_shape(oa, f)), None)
                        .breaking(true, format!("`{ty}.{}` no longer exists", f.name.rust)),
                ),
                (Some(a), Some(b)) => self.field(def, a, b),
                (None, None) => {}
            }
        }
        let extra = |api: &Api, s: &Struct| {
            s.additional.as_ref().map(|t| {
                RustType::Map(api.settings.map_type, Box::new(RustType::of(api, t))).to_string()
            })
        };
        match (extra(oa, x), extra(na, y)) {
            (None, Some(t)) => {
                let (breaking, why) = added_why("additional_properties", false);
                self.push(
                    Change::new(ChangeKind::Added, Item::Field)
                        .ty(def)
                        .name("additionalProperties")
                        .rust("additional_properties")
                        .shapes(None, Some(t))
                        .breaking(breaking, why),
                );
            }
            (Some(t), None) => self.push(
                Change::new(ChangeKind::Removed, Item::Field)
                    .ty(def)
                    .name("additionalProperties")
                    .rust("additional_properties")
                    .shapes(Some(t), None)
                    .breaking(
                        true,
                        format!("`{ty}.additional_properties` no longer exists"),
                    ),
            ),
            (Some(a), Some(b)) if a != b => self.push(
                Change::new(ChangeKind::Changed, Item::Field)
                    .ty(def)
                    .name("additionalProperties")
                    .rust("additional_properties")
                    .shapes(Some(a), Some(b))
                    .breaking(true, format!("`{ty}.additional_properties` has a new type")),
            ),
            _ => {}
        }
    }

    fn field(&mut self, def: &TypeDef, a: &Field, b: &Field) {
        let (oa, na) = (self.old.api, self.new.api);
        let ty = &def.name.rust;
        let change = || {
            Change::new(ChangeKind::Changed, Item::Field)
                .ty(def)
                .name(&b.name.wire)
                .rust(&b.name.rust)
        };
        let (at, bt) = (field_type(oa, a), field_type(na, b));
        if a.name.rust != b.name.rust {
            self.push(
                change()
                    .shapes(
                        Some(format!("{ty}.{}", a.name.rust)),
                        Some(format!("{ty}.{}", b.name.rust)),
                    )
                    .breaking(true, "the Rust field is renamed"),
            );
        }
        if at != bt || a.flatten != b.flatten {
            let why = if (a.required, a.nullable) != (b.required, b.nullable) {
                format!(
                    "the field's Rust type changes with its requiredness or nullability ({at} → {bt})"
                )
            } else {
                format!("the field's Rust type changes ({at} → {bt})")
            };
            self.push(
                change()
                    .shapes(Some(field_shape(oa, a)), Some(field_shape(na, b)))
                    .breaking(true, why),
            );
        } else if (a.required, a.nullable) != (b.required, b.nullable) {
            self.push(
                change()
                    .shapes(Some(field_shape(oa, a)), Some(field_shape(na, b)))
                    .breaking(
                        false,
                        format!(
                            "the Rust type stays {bt}; only what is sent when it is `None` changes"
                        ),
                    ),
            );
        }
        if a.default != b.default {
            let text = |d: &Option<serde_json::Value>| {
                d.as_ref()
                    .map(|v| format!("default {v}"))
                    .unwrap_or_else(|| "no default".into())
            };
            self.push(
                change()
                    .shapes(Some(text(&a.default)), Some(text(&b.default)))
                    .breaking(
                        false,
                        "the server's value when the field is left out changes; code compiles unchanged",
                    ),
            );
        }
    }

    fn enums(&mut self, def: &TypeDef, x: &Enum, y: &Enum, usage: Usage) {
        let ty = &def.name.rust;
        let side = usage.match_note();
        let open = y.open;
        let pairs = pair(
            x.variants.iter().map(|v| (v.wire.as_str(), v)),
            y.variants.iter().map(|v| (v.wire.as_str(), v)),
        );
        for (a, b) in pairs {
            let change = |kind, v: &Name| {
                Change::new(kind, Item::EnumValue)
                    .ty(def)
                    .name(&v.wire)
                    .rust(&v.rust)
            };
            match (a, b) {
                (None, Some(v)) => self.push(
                    change(ChangeKind::Added, v)
                        .shapes(None, Some(format!("{ty}::{}", v.rust)))
                        .breaking(!open, added_variant_reason(ty, &v.rust, side, open)),
                ),
                (Some(v), None) => self.push(
                    change(ChangeKind::Removed, v)
                        .shapes(Some(format!("{ty}::{}", v.rust)), None)
                        .breaking(true, format!("`{ty}::{}` no longer exists", v.rust)),
                ),
                (Some(a), Some(b)) if a.rust != b.rust => self.push(
                    change(ChangeKind::Changed, b)
                        .shapes(
                            Some(format!("{ty}::{}", a.rust)),
                            Some(format!("{ty}::{}", b.rust)),
                        )
                        .breaking(true, "the Rust variant is renamed"),
                ),
                _ => {}
            }
        }
    }

    /// Union variants, matched by [`Member::key`].
    fn variants(
        &mut self,
        def: &TypeDef,
        x: Vec<Member>,
        y: Vec<Member>,
        usage: Usage,
        open: bool,
    ) {
        let ty = &def.name.rust;
        let side = usage.match_note();
        let pairs = pair(
            x.iter().map(|v| (v.key.as_str(), v)),
            y.iter().map(|v| (v.key.as_str(), v)),
        );
        for (a, b) in pairs {
            let change = |kind, v: &Member| {
                Change::new(kind, Item::UnionVariant)
                    .ty(def)
                    .name(&v.key)
                    .rust(&v.rust)
            };
            match (a, b) {
                (None, Some(v)) => self.push(
                    change(ChangeKind::Added, v)
                        .shapes(None, Some(v.shape.clone()))
                        .breaking(!open, added_variant_reason(ty, &v.rust, side, open)),
                ),
                (Some(v), None) => self.push(
                    change(ChangeKind::Removed, v)
                        .shapes(Some(v.shape.clone()), None)
                        .breaking(true, format!("`{ty}::{}` no longer exists", v.rust)),
                ),
                (Some(a), Some(b)) if a.shape != b.shape => self.push(
                    change(ChangeKind::Changed, b)
                        .shapes(Some(a.shape.clone()), Some(b.shape.clone()))
                        .breaking(
                            true,
                            if a.rust != b.rust {
                                "the Rust variant is renamed".to_string()
                            } else {
                                format!("`{ty}::{}` holds another type", b.rust)
                            },
                        ),
                ),
                _ => {}
            }
        }
    }
}

/// A variant of a union as the report shows it.
struct Member {
    /// What matches it across versions: the tag value (tagged and adjacently tagged
    /// unions) or the Rust name (untagged ones).
    key: String,
    /// The Rust variant name.
    rust: String,
    /// `Shape::Circle(Circle)`, `Command::Hangup`, `Command::Say(Option<Say>)`.
    shape: String,
}

/// The variants of the union `ty` of kind `kind` (none for other kinds).
fn members(api: &Api, ty: &str, kind: &TypeKind) -> Vec<Member> {
    let member = |key: &str, rust: &str, payload: Option<String>| Member {
        key: key.to_string(),
        rust: rust.to_string(),
        shape: match payload {
            Some(t) => format!("{ty}::{rust}({t})"),
            None => format!("{ty}::{rust}"),
        },
    };
    match kind {
        TypeKind::Tagged(u) => u
            .variants
            .iter()
            .map(|v| member(&v.name.wire, &v.name.rust, Some(render(api, &v.ty))))
            .collect(),
        TypeKind::Adjacent(u) => u
            .variants
            .iter()
            .map(|v| {
                let payload = v.content.as_ref().map(|t| {
                    let t = RustType::of(api, t);
                    if v.content_required { t } else { t.optional() }.to_string()
                });
                member(&v.name.wire, &v.name.rust, payload)
            })
            .collect(),
        TypeKind::Untagged(u) => u
            .variants
            .iter()
            .map(|v| member(&v.name.rust, &v.name.rust, Some(render(api, &v.ty))))
            .collect(),
        _ => Vec::new(),
    }
}

fn scheme_text(kind: &SecurityKind) -> String {
    match kind {
        SecurityKind::Http { scheme } => format!("Authorization: {scheme}"),
        SecurityKind::ApiKeyHeader { name } => format!("header {name}"),
        SecurityKind::ApiKeyQuery { name } => format!("query parameter {name}"),
        SecurityKind::HttpBasic => "Authorization: Basic".into(),
        SecurityKind::ApiKeyCookie { name } => format!("cookie {name}"),
        SecurityKind::OAuth2 { token_url, .. } => match token_url {
            Some(url) => format!("OAuth2 client credentials ({url})"),
            None => "OAuth2".into(),
        },
        SecurityKind::Unsupported => "unsupported".into(),
    }
}

#[cfg(test)]
mod tests {
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
        let new_param =
            format!("{PAGE}        - {{name: q, in: query, schema: {{type: string}}}}\n");
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
            text.contains(
                "Suggested version bump: major (a pre-1.0 crate, 0.y.z, bumps y instead)."
            ),
            "{text}"
        );
        assert!(text.contains("Breaking changes (1):\n  - added enum value `pending` of `Kind`: Kind::Pending\n    "), "{text}");
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
}
