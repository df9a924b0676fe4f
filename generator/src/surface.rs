//! The Rust surface of each operation: what its generated client method looks like, decided
//! once from the IR and read by both [`emit`](crate::emit) (which renders it as tokens) and
//! [`diff`](crate::diff) (which compares two of them).
//!
//! For each [`Operation`], [`OperationSurface::of`] computes:
//!
//! - the method name and its [`Form`]: positional (every parameter an argument, optional ones
//!   as `Option`), or a request builder (required parameters as arguments, optional ones as
//!   setters) for list operations and operations with [`BUILDER_OPTIONAL_PARAMS`] optional
//!   parameters or more;
//! - each parameter's [`ParamSurface`]: argument or setter (with the setter's name), and its
//!   Rust types as [`RustType`] values;
//! - the request body argument, the success (`Ok`) type, the error enum and the response enum
//!   (by status), each with its variants;
//! - the builder's type names and its `.stream()` over a list's pages ([`Pages`], with the
//!   parameters and properties of the IR's [`Pagination`] resolved);
//! - the [`Locals`] the generated method body binds (`client`, `request`, `response`, …),
//!   allocated from one namespace seeded with the argument names, so no parameter, whatever
//!   its name, can collide with a local (the way progenitor's `unique_ident_from` does).
//!
//! [`RustType`] is the one structured Rust type of the generator: emit renders it as tokens
//! with full paths (`emit::TypeTokens`), diff as short text (`Display`).

use crate::ir::*;
use crate::naming::Namespace;
use std::fmt;

/// A Rust type as the generated code spells it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RustType {
    /// A generated type of the `types` module (its Rust name).
    Named(String),
    /// A generated type of the `client` module (an operation's response or error enum).
    Local(String),
    /// A [`TypeId`] the IR does not define (a malformed IR: reported, never a panic).
    Unknown(usize),
    /// A primitive, standard-library, dependency or runtime type.
    Std(StdType),
    /// `Vec<T>`.
    Vec(Box<RustType>),
    /// `Option<T>`.
    Option(Box<RustType>),
    /// `Box<T>` (an edge that closes a cycle).
    Box(Box<RustType>),
    /// A map from `String` to `T` (the map type of the settings).
    Map(MapType, Box<RustType>),
    /// A shared reference: `&T`, or `&'a T` when `lifetime` (a builder's arguments).
    Ref {
        /// Carries the builder's lifetime `'a`.
        lifetime: bool,
        /// The referenced type.
        to: Box<RustType>,
    },
    /// A slice `[T]` (behind a [`RustType::Ref`]).
    Slice(Box<RustType>),
    /// `impl Into<T>` (an argument that converts).
    Into(Box<RustType>),
}

/// The fixed types a [`RustType`] can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum StdType {
    /// `()`.
    Unit,
    /// `String`.
    String,
    /// `str` (behind a reference).
    Str,
    /// `i32`.
    I32,
    /// `i64`.
    I64,
    /// `u32`.
    U32,
    /// `u64`.
    U64,
    /// `f64`.
    F64,
    /// `bool`.
    Bool,
    /// `uuid::Uuid`.
    Uuid,
    /// `chrono::DateTime<chrono::Utc>`.
    DateTime,
    /// `chrono::NaiveDate`.
    Date,
    /// `serde_json::Value`.
    Value,
    /// `serde_json::Map<String, serde_json::Value>`.
    JsonMap,
    /// `runtime::Base64Bytes`.
    Base64Bytes,
    /// `runtime::Bytes`.
    Bytes,
    /// `runtime::Multipart`.
    Multipart,
    /// `std::convert::Infallible` (the error type of an operation without error responses).
    Infallible,
}

impl RustType {
    /// The Rust type of a [`TypeRef`] (a value of it, as struct fields and bodies hold it).
    pub fn of(api: &Api, ty: &TypeRef) -> RustType {
        let named = |id: &TypeId| match api.types.get(id.0) {
            Some(def) => RustType::Named(def.name.rust.clone()),
            None => RustType::Unknown(id.0),
        };
        let std = RustType::Std;
        match ty {
            TypeRef::Named(id) => named(id),
            TypeRef::Boxed(id) => RustType::Box(Box::new(named(id))),
            TypeRef::String => std(StdType::String),
            TypeRef::Integer(IntKind::I32) => std(StdType::I32),
            TypeRef::Integer(IntKind::I64) => std(StdType::I64),
            TypeRef::Integer(IntKind::U32) => std(StdType::U32),
            TypeRef::Integer(IntKind::U64) => std(StdType::U64),
            TypeRef::Number => std(StdType::F64),
            TypeRef::Boolean => std(StdType::Bool),
            TypeRef::Uuid => std(StdType::Uuid),
            TypeRef::DateTime => std(StdType::DateTime),
            TypeRef::Date => std(StdType::Date),
            TypeRef::Base64 => std(StdType::Base64Bytes),
            TypeRef::Any => std(StdType::Value),
            TypeRef::JsonObject => std(StdType::JsonMap),
            TypeRef::Array(inner) => RustType::Vec(Box::new(Self::of(api, inner))),
            TypeRef::Map(inner) => {
                RustType::Map(api.settings.map_type, Box::new(Self::of(api, inner)))
            }
            TypeRef::Nullable(inner) => RustType::Option(Box::new(Self::of(api, inner))),
        }
    }

    /// `Option<self>`.
    pub fn optional(self) -> RustType {
        RustType::Option(Box::new(self))
    }

    /// `&self`, with the builder lifetime when `lifetime`.
    pub fn reference(self, lifetime: bool) -> RustType {
        RustType::Ref {
            lifetime,
            to: Box::new(self),
        }
    }
}

/// `name` as an identifier: raw (`r#type`) when it is a keyword, as [`crate::emit::ident`]
/// makes it.
pub(crate) fn push_ident(out: &mut String, name: &str) {
    if crate::naming::is_keyword(name) {
        out.push_str("r#");
    }
    out.push_str(name);
}

impl StdType {
    /// The short spelling (no module path) used in reports.
    fn text(self) -> &'static str {
        match self {
            StdType::Unit => "()",
            StdType::String => "String",
            StdType::Str => "str",
            StdType::I32 => "i32",
            StdType::I64 => "i64",
            StdType::U32 => "u32",
            StdType::U64 => "u64",
            StdType::F64 => "f64",
            StdType::Bool => "bool",
            StdType::Uuid => "Uuid",
            StdType::DateTime => "DateTime<Utc>",
            StdType::Date => "NaiveDate",
            StdType::Value => "Value",
            StdType::JsonMap => "Map<String, Value>",
            StdType::Base64Bytes => "Base64Bytes",
            StdType::Bytes => "Bytes",
            StdType::Multipart => "Multipart",
            StdType::Infallible => "Infallible",
        }
    }
}

impl fmt::Display for RustType {
    /// The type as users read it in a report: no module paths, no lifetimes
    /// (`Vec<Pet>`, `Option<&str>`, `DateTime<Utc>`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RustType::Named(name) | RustType::Local(name) => f.write_str(name),
            RustType::Unknown(id) => write!(f, "<unknown type #{id}>"),
            RustType::Std(std) => f.write_str(std.text()),
            RustType::Vec(inner) => write!(f, "Vec<{inner}>"),
            RustType::Option(inner) => write!(f, "Option<{inner}>"),
            RustType::Box(inner) => write!(f, "Box<{inner}>"),
            RustType::Map(MapType::BTreeMap, inner) => write!(f, "BTreeMap<String, {inner}>"),
            RustType::Map(MapType::HashMap, inner) => write!(f, "HashMap<String, {inner}>"),
            RustType::Ref { to, .. } => write!(f, "&{to}"),
            RustType::Slice(inner) => write!(f, "[{inner}]"),
            RustType::Into(inner) => write!(f, "impl Into<{inner}>"),
        }
    }
}

// ---------------------------------------------------------------------------------------
// Types.

/// How a struct field's type wraps the Rust type of its property.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Wrap {
    /// The type itself: a required property that is not nullable, or a flattened one.
    None,
    /// `Option<T>`: optional, or required and nullable, or optional and nullable in a type
    /// only read from responses (absent and `null` alike).
    Option,
    /// `Option<Option<T>>`: optional and nullable in a type that is sent (absent, `null`,
    /// a value; [`Field::tri_state`]).
    OptionOption,
}

impl Wrap {
    /// The wrap of field `f`, from its property's presence (`required`), nullability and
    /// direction (OpenAPI `readOnly`).
    pub(crate) fn of(f: &Field) -> Wrap {
        if f.flatten || (f.required && !f.nullable) {
            Wrap::None
        } else if f.tri_state() {
            Wrap::OptionOption
        } else {
            Wrap::Option
        }
    }

    /// `ty` wrapped.
    pub(crate) fn apply(self, ty: RustType) -> RustType {
        match self {
            Wrap::None => ty,
            Wrap::Option => ty.optional(),
            Wrap::OptionOption => ty.optional().optional(),
        }
    }
}

/// The Rust type of struct field `f`, wrapped as its property's presence says.
pub(crate) fn field_type(api: &Api, f: &Field) -> RustType {
    Wrap::of(f).apply(RustType::of(api, &f.ty))
}

/// True when `ty` is a one-value string enum (a `const`, or an `enum` of one value): a
/// value the spec fixes.
pub(crate) fn is_const_enum(api: &Api, ty: &TypeRef) -> bool {
    matches!(ty, TypeRef::Named(id) if matches!(api.resolve_kind(&api.types[id.0]), TypeKind::Enum(e) if e.variants.len() == 1))
}

/// How a struct's fields are set by users: constructor arguments (required, in spec order),
/// values the spec fixes (filled in), and chainable setters (with their method names).
pub(crate) struct StructSurface<'a> {
    /// The arguments of `new`, in spec order (none: the struct is `Default`).
    pub(crate) args: Vec<&'a Field>,
    /// Fields the spec fixes, filled in.
    pub(crate) fixed: Vec<&'a Field>,
    /// Field, setter name, and for a tri-state field the name of its `null` setter.
    pub(crate) setters: Vec<(&'a Field, String, Option<String>)>,
    /// Required fields whose spec `default` is filled in by `new` (or `Default`), each with
    /// its setter and the default: not arguments, so a spec that adds a required property
    /// with a default breaks no code.
    pub(crate) defaulted: Vec<(&'a Field, String, DefaultValue)>,
}

/// A property's `default` as a Rust value of the field's type (JSON Schema 2020-12 §9.2):
/// only defaults of strings, numbers, booleans and string enums are filled in.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum DefaultValue {
    /// A `String` field's default.
    Str(String),
    /// An integer field's default.
    Int(i64),
    /// An `f64` field's default.
    Float(f64),
    /// A `bool` field's default.
    Bool(bool),
    /// A string enum's variant (the enum's and the variant's Rust names).
    Variant(String, String),
}

impl DefaultValue {
    /// True when the value is its Rust type's own `Default` (`""`, `0`, `0.0`, `false`), so a
    /// derived `Default` fills it in.
    pub(crate) fn is_type_default(&self) -> bool {
        match self {
            DefaultValue::Str(s) => s.is_empty(),
            DefaultValue::Int(i) => *i == 0,
            DefaultValue::Float(x) => *x == 0.0 && x.is_sign_positive(),
            DefaultValue::Bool(b) => !b,
            DefaultValue::Variant(..) => false,
        }
    }

    /// The default of field `f` when it has one of a type that can be filled in.
    pub(crate) fn of(api: &Api, f: &Field) -> Option<DefaultValue> {
        let value = f.default.as_ref()?;
        match &f.ty {
            TypeRef::String => value.as_str().map(|s| DefaultValue::Str(s.to_string())),
            TypeRef::Integer(kind) => {
                let i = value.as_i64()?;
                let fits = match kind {
                    IntKind::I32 => i32::try_from(i).is_ok(),
                    IntKind::U32 => u32::try_from(i).is_ok(),
                    IntKind::U64 => i >= 0,
                    IntKind::I64 => true,
                };
                fits.then_some(DefaultValue::Int(i))
            }
            TypeRef::Number => value.as_f64().map(DefaultValue::Float),
            TypeRef::Boolean => value.as_bool().map(DefaultValue::Bool),
            TypeRef::Named(id) => {
                let def = api.types.get(id.0)?;
                let TypeKind::Enum(e) = &def.kind else {
                    return None;
                };
                let wire = value.as_str()?;
                let variant = e.variants.iter().find(|v| v.wire == wire)?;
                Some(DefaultValue::Variant(
                    def.name.rust.clone(),
                    variant.rust.clone(),
                ))
            }
            _ => None,
        }
    }
}

impl<'a> StructSurface<'a> {
    /// The surface of struct `s`: a field is fixed when the spec gives it one value, filled
    /// in when it is required with a `default` ([`DefaultValue`]), an argument when it is
    /// required and not nullable (or flattened), else a setter (with a `_null` setter when
    /// it can be sent as `null`).
    pub(crate) fn of(api: &Api, s: &'a Struct) -> Self {
        let mut names = crate::naming::Namespace::with_taken(["new".to_string()]);
        let mut plan = StructSurface {
            args: Vec::new(),
            fixed: Vec::new(),
            setters: Vec::new(),
            defaulted: Vec::new(),
        };
        for f in &s.fields {
            let default = (!f.flatten && Wrap::of(f) == Wrap::None)
                .then(|| DefaultValue::of(api, f))
                .flatten();
            if !f.flatten && is_const_enum(api, &f.ty) {
                plan.fixed.push(f);
            } else if let Some(default) = default {
                let setter = names.claim(&f.name.rust).0;
                plan.defaulted.push((f, setter, default));
            } else if Wrap::of(f) == Wrap::None {
                plan.args.push(f);
            } else {
                let setter = names.claim(&f.name.rust).0;
                plan.setters.push((f, setter, None));
            }
        }
        for (f, setter, null) in &mut plan.setters {
            if f.tri_state() || (f.required && f.nullable) {
                *null = Some(names.claim(&format!("{setter}_null")).0);
            }
        }
        plan
    }

    /// True when a derived `Default` is the struct's default: every default filled in is
    /// its type's own.
    pub(crate) fn derives_default(&self) -> bool {
        self.defaulted
            .iter()
            .all(|(_, _, value)| value.is_type_default())
    }

    /// True when `f` is an argument of the struct's `new`.
    pub(crate) fn is_argument(&self, f: &Field) -> bool {
        self.args.iter().any(|a| std::ptr::eq(*a, f))
    }
}

// ---------------------------------------------------------------------------------------
// Operations.

/// Operations with at least this many optional parameters get a request builder.
pub const BUILDER_OPTIONAL_PARAMS: usize = 3;

/// The methods every `runtime::Builder` has, which a parameter setter must not shadow.
pub const BUILDER_METHODS: &[&str] = &[
    "new",
    "params",
    "params_mut",
    "header",
    "query",
    "timeout",
    "retry",
    "options",
    "call",
    "raw",
    "send",
    "paginate",
    "stream",
    "into_future",
    "clone",
    "fmt",
];

/// How an operation's client method takes its parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// `client.op(required…, optional…)` returning a `runtime::Call`: every parameter is an
    /// argument, optional ones as `Option`.
    Positional,
    /// `client.op(required…).optional(…)` returning a `runtime::Builder`: only required
    /// parameters (and the body) are arguments; optional ones have setters.
    Builder,
}

impl Form {
    /// The form of an operation: [`Form::Builder`] for list operations and for those with
    /// [`BUILDER_OPTIONAL_PARAMS`] optional parameters or more, else [`Form::Positional`].
    pub fn of(op: &Operation) -> Form {
        let optional = op.params.iter().filter(|p| !p.required).count();
        if op.pagination.is_some() || optional >= BUILDER_OPTIONAL_PARAMS {
            Form::Builder
        } else {
            Form::Positional
        }
    }
}

/// How one parameter reaches the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Passing {
    /// A method argument (in argument order).
    Argument,
    /// A builder setter of this name (the parameter's name unless it would shadow a
    /// [`BUILDER_METHODS`] method, then with `_param` appended).
    Setter(String),
}

/// The Rust surface of one parameter.
#[derive(Debug, Clone)]
pub struct ParamSurface<'a> {
    /// The parameter (wire name, location, style, docs).
    pub param: &'a Param,
    /// Its Rust name: the argument, the builder field and the setter's argument.
    pub name: String,
    /// Argument or setter.
    pub passing: Passing,
    /// The value type (nullability is not expressed in arguments): what [`crate::diff`]
    /// shows, wrapped in `Option` when the parameter is optional.
    pub value: RustType,
    /// What the user passes: the argument type (`&str`, `Option<&Pet>`, `Kind`) or the
    /// setter's argument type (`impl Into<String>`, `Vec<i64>`).
    pub passed: RustType,
    /// The type of the builder's field (builder form only): the argument type for a
    /// required parameter, an owned `Option` for an optional one.
    pub field: RustType,
}

/// The Rust surface of a request body with content.
#[derive(Debug, Clone)]
pub struct BodySurface<'a> {
    /// The body.
    pub body: &'a Body,
    /// What the `body` argument takes (`&Pet`, `Option<&str>`, `impl Into<runtime::Bytes>`).
    pub passed: RustType,
    /// The type of the builder's `body` field.
    pub field: RustType,
}

/// A variant of an error or response enum: one documented status.
#[derive(Debug, Clone)]
pub struct StatusVariant<'a> {
    /// The response.
    pub response: &'a Response,
    /// The variant name (`NotFound`, `ClientError`, `Default`; see [`status_variant`]).
    pub name: String,
    /// What it holds: the JSON type, `runtime::Bytes` for other media types, nothing for
    /// an empty body.
    pub payload: Option<RustType>,
}

/// An enum with one variant per status: the error enum, or the response enum of an
/// operation whose success bodies differ by status.
#[derive(Debug, Clone)]
pub struct StatusEnum<'a> {
    /// Its name (`GetPetError`, `GetPetResponse`).
    pub name: String,
    /// Its variants, in status order.
    pub variants: Vec<StatusVariant<'a>>,
}

/// The names of a builder's types.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuilderNames {
    /// The builder (`ListCallsRequest`, a `runtime::Builder` alias).
    pub request: String,
    /// The struct of its parameters (`ListCallsParams`).
    pub params: String,
    /// Whether the method borrows its arguments (`<'a>` on the method).
    pub borrows: bool,
}

/// The local identifiers the generated method body binds, none equal to an argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Locals {
    /// The client (`self` in a positional method; the builder's field and local otherwise).
    pub client: String,
    /// The `runtime::Request` being built.
    pub request: String,
    /// The response, in the decoding closure.
    pub response: String,
    /// An optional parameter's value.
    pub value: String,
    /// A credential of the client.
    pub credential: String,
}

impl Locals {
    /// The locals of a body whose arguments are `args`: each the first of `client`,
    /// `client2`, … that no argument uses.
    pub fn allocate<'n>(args: impl IntoIterator<Item = &'n str>) -> Locals {
        let mut names = Namespace::with_taken(
            args.into_iter()
                .map(String::from)
                .chain(["self".to_string(), "body".to_string()]),
        );
        let mut claim = |wanted: &str| names.claim(wanted).0;
        Locals {
            client: claim("client"),
            request: claim("request"),
            response: claim("response"),
            value: claim("value"),
            credential: claim("credential"),
        }
    }
}

/// Everything about one operation's client method.
#[derive(Debug, Clone)]
pub struct OperationSurface<'a> {
    /// The operation.
    pub op: &'a Operation,
    /// The method name (`Client::{method}`).
    pub method: String,
    /// Positional or builder.
    pub form: Form,
    /// The base of the per-operation type names (`GetPet`).
    pub type_base: String,
    /// The parameters in argument order: path, then required, then optional (spec order
    /// within each).
    pub params: Vec<ParamSurface<'a>>,
    /// The `body` argument, when the operation has a body with content.
    pub body: Option<BodySurface<'a>>,
    /// The `Ok` type.
    pub success: RustType,
    /// The enum of success responses, when success bodies differ by status.
    pub responses: Option<StatusEnum<'a>>,
    /// The enum of documented error responses; `None` when there is none (the error type
    /// is then `Infallible`).
    pub errors: Option<StatusEnum<'a>>,
    /// The builder's type names (builder form only).
    pub builder: Option<BuilderNames>,
    /// `.stream()` over every page, for a list operation whose pagination resolves.
    pub stream: Option<Pages<'a>>,
    /// The method returning a `runtime::EventCall`, for an operation whose success can be
    /// a `text/event-stream`.
    pub events: Option<EventsSurface>,
    /// The locals of the method body.
    pub locals: Locals,
}

/// The streaming method of an operation with a `text/event-stream` success response. It
/// takes every parameter as an argument (the positional form) and returns a
/// `runtime::EventCall` of the item type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventsSurface {
    /// The method name: `{method}_stream`, or the operation's own method name when the
    /// operation only streams.
    pub method: String,
    /// The item type.
    pub item: RustType,
    /// The body's boolean property the method sets to `true` (`stream`).
    pub flag: Option<String>,
    /// The operation only streams: this is its only method.
    pub only: bool,
}

/// How a value is passed as an argument.
enum Pass {
    /// `&str`.
    Str,
    /// By value (small `Copy` types and enums of strings).
    Copy,
    /// By reference.
    Ref,
    /// A slice.
    Slice,
}

fn pass_of(api: &Api, ty: &TypeRef) -> Pass {
    match ty {
        TypeRef::String => Pass::Str,
        TypeRef::Integer(_)
        | TypeRef::Number
        | TypeRef::Boolean
        | TypeRef::Uuid
        | TypeRef::DateTime
        | TypeRef::Date => Pass::Copy,
        TypeRef::Named(id)
            if api
                .types
                .get(id.0)
                .is_some_and(|def| matches!(api.resolve_kind(def), TypeKind::Enum(_))) =>
        {
            Pass::Copy
        }
        TypeRef::Array(_) => Pass::Slice,
        TypeRef::Nullable(inner) => pass_of(api, inner),
        _ => Pass::Ref,
    }
}

/// The type without its outer nullability.
fn strip_nullable(ty: &TypeRef) -> &TypeRef {
    match ty {
        TypeRef::Nullable(inner) => inner,
        other => other,
    }
}

/// The argument type of a value of `ty` (nullability dropped), borrowing for `'a` when
/// `lifetime`.
fn argument_type(api: &Api, ty: &TypeRef, lifetime: bool) -> RustType {
    let ty = strip_nullable(ty);
    match (pass_of(api, ty), ty) {
        (Pass::Str, _) => RustType::Std(StdType::Str).reference(lifetime),
        (Pass::Copy, _) => RustType::of(api, ty),
        (Pass::Slice, TypeRef::Array(inner)) => {
            RustType::Slice(Box::new(RustType::of(api, inner))).reference(lifetime)
        }
        _ => RustType::of(api, ty).reference(lifetime),
    }
}

/// The variant name of a status, by its meaning: a code's reason phrase (RFC 9110 § 15, as
/// the `http` crate spells it: `404` → `NotFound`, `422` → `UnprocessableEntity`, `429` →
/// `TooManyRequests`, `200` → `Ok`), a range's class (`4XX` → `ClientError`, `5XX` →
/// `ServerError`, `2XX` → `Success`, `3XX` → `Redirection`, `1XX` → `Informational`),
/// `Default` for `default`; `Status{code}` (`Status{n}xx`) for a code (range) without one.
/// Each is distinct, so the variants of one enum never clash.
pub fn status_variant(status: StatusMatch) -> String {
    match status {
        StatusMatch::Code(c) => http::StatusCode::from_u16(c)
            .ok()
            .and_then(|s| s.canonical_reason())
            .map(|reason| crate::naming::variant_name(reason, ""))
            .filter(|name| !name.is_empty() && name.starts_with(|c: char| c.is_ascii_alphabetic()))
            .unwrap_or_else(|| format!("Status{c}")),
        StatusMatch::Range(1) => "Informational".into(),
        StatusMatch::Range(2) => "Success".into(),
        StatusMatch::Range(3) => "Redirection".into(),
        StatusMatch::Range(4) => "ClientError".into(),
        StatusMatch::Range(5) => "ServerError".into(),
        StatusMatch::Range(r) => format!("Status{r}xx"),
        StatusMatch::Default => "Default".into(),
    }
}

/// What a variant for a response with this body holds.
fn payload(api: &Api, kind: &BodyKind) -> Option<RustType> {
    match kind {
        BodyKind::Json(t) => Some(RustType::of(api, t)),
        BodyKind::Empty => None,
        BodyKind::Bytes | BodyKind::Form(_) | BodyKind::Text | BodyKind::Multipart(_) => {
            Some(RustType::Std(StdType::Bytes))
        }
    }
}

fn status_enum<'a>(api: &Api, name: String, responses: &[&'a Response]) -> StatusEnum<'a> {
    StatusEnum {
        name,
        variants: responses
            .iter()
            .map(|r| StatusVariant {
                response: r,
                name: status_variant(r.status),
                payload: payload(api, &r.kind),
            })
            .collect(),
    }
}

/// What makes two operations' error enums the same enum: each variant's name, status,
/// payload type and description, in order.
pub type ErrorsKey = Vec<(String, StatusMatch, Option<String>, Option<String>)>;

/// The key of an error enum (see [`ErrorsKey`]).
pub fn errors_key(e: &StatusEnum<'_>) -> ErrorsKey {
    e.variants
        .iter()
        .map(|v| {
            (
                v.name.clone(),
                v.response.status,
                v.payload.as_ref().map(ToString::to_string),
                v.response.description.clone(),
            )
        })
        .collect()
}

/// The error enum that the most operations document alike, when at least two do: emitted
/// once as `ApiError`, each of those operations' own error type (`GetPetError`) a `type`
/// alias of it, so a user handles the API's errors with one type and the crate compiles
/// one enum instead of one per operation. Ties go to the set whose first operation comes
/// first in the API's operation order, so the choice is deterministic.
#[derive(Debug, Clone)]
pub struct SharedErrors<'a> {
    /// The enum (variants of the first operation that has this set).
    pub errors: StatusEnum<'a>,
    /// Its key; an operation whose [`errors_key`] equals it uses the shared enum.
    pub key: ErrorsKey,
    /// How many operations share it.
    pub operations: usize,
    /// The error type name of the first of them (`GetPetError`), for docs.
    pub first: String,
    /// The features of those operations (features per tag); `None` when one of them has
    /// none, so the enum is always compiled.
    pub features: Option<std::collections::BTreeSet<String>>,
}

impl<'a> SharedErrors<'a> {
    /// The shared error enum of `api`, if two or more operations have the same errors.
    pub fn of(api: &'a Api) -> Option<Self> {
        // Each operation's key, computed once (`None`: no documented errors).
        let keys: Vec<Option<ErrorsKey>> = api
            .operations
            .iter()
            .map(|op| {
                let errors = op.errors();
                (!errors.is_empty()).then(|| errors_key(&status_enum(api, String::new(), &errors)))
            })
            .collect();
        let mut seen: std::collections::HashMap<&ErrorsKey, (usize, usize)> = Default::default();
        for (i, key) in keys.iter().enumerate() {
            if let Some(key) = key {
                seen.entry(key).or_insert((0, i)).0 += 1;
            }
        }
        let (key, (operations, first)) = seen
            .into_iter()
            .filter(|(_, (count, _))| *count >= 2)
            .max_by_key(|(_, (count, first))| (*count, std::cmp::Reverse(*first)))?;
        let mut features = Some(std::collections::BTreeSet::new());
        for (op, _) in api
            .operations
            .iter()
            .zip(&keys)
            .filter(|(_, k)| k.as_ref() == Some(key))
        {
            match (api.feature_of(op), features.as_mut()) {
                (Some(f), Some(set)) => {
                    set.insert(f);
                }
                _ => features = None,
            }
        }
        let key = key.clone();
        let taken: std::collections::HashSet<String> = api
            .operations
            .iter()
            .flat_map(|op| {
                let base = type_base(op);
                ["Error", "Response", "Request", "Params"].map(|s| format!("{base}{s}"))
            })
            .chain(["Client", "Server"].map(String::from))
            .collect();
        let name = std::iter::once("ApiError".to_string())
            .chain((2..).map(|n| format!("ApiError{n}")))
            .find(|n| !taken.contains(n))
            .unwrap_or_default();
        let errors = status_enum(api, name, &api.operations[first].errors());
        let first = type_base(&api.operations[first]);
        Some(SharedErrors {
            errors,
            key,
            operations,
            first: format!("{first}Error"),
            features,
        })
    }

    /// True when `e` (an operation's error enum) is this one.
    pub fn is(&self, e: &StatusEnum<'_>) -> bool {
        errors_key(e) == self.key
    }
}

/// The base of an operation's type names (`GetPet` for `GetPetError`, `GetPetRequest`, …).
fn type_base(op: &Operation) -> String {
    crate::naming::type_name(&op.name.rust, "Operation")
}

/// Path, then required, then optional parameters: the argument order of every method.
pub fn sorted_params(op: &Operation) -> Vec<&Param> {
    let mut params: Vec<&Param> = op.params.iter().collect();
    params.sort_by_key(|p| (p.location != ParamLocation::Path, !p.required));
    params
}

impl<'a> OperationSurface<'a> {
    /// The surface of `op`, an operation of `api`.
    pub fn of(api: &'a Api, op: &'a Operation) -> Self {
        Self::with_form(api, op, Form::of(op))
    }

    /// The surface of `op` in the given form (the streaming method is always positional).
    pub fn with_form(api: &'a Api, op: &'a Operation, form: Form) -> Self {
        let builder = form == Form::Builder;
        let type_base = type_base(op);
        let params = param_surfaces(api, op, form);
        let body = op.body.as_ref().and_then(|b| body_surface(api, b, builder));
        let (success, responses) = match op.success() {
            Success::Unit => (RustType::Std(StdType::Unit), None),
            Success::Json(t) => (RustType::of(api, &t), None),
            Success::OptionalJson(t) => (RustType::of(api, &t).optional(), None),
            Success::Bytes => (RustType::Std(StdType::Bytes), None),
            Success::Text => (RustType::Std(StdType::String), None),
            Success::ByStatus => {
                let name = format!("{type_base}Response");
                let e = status_enum(api, name.clone(), &op.successes());
                (RustType::Local(name), Some(e))
            }
        };
        let errors = op.errors();
        let errors =
            (!errors.is_empty()).then(|| status_enum(api, format!("{type_base}Error"), &errors));
        let borrows = params.iter().any(|p| {
            p.passing == Passing::Argument && !matches!(pass_of(api, &p.param.ty), Pass::Copy)
        }) || body
            .as_ref()
            .is_some_and(|b| !matches!(b.body.kind, BodyKind::Bytes));
        let builder_names = builder.then(|| BuilderNames {
            request: format!("{type_base}Request"),
            params: format!("{type_base}Params"),
            borrows,
        });
        let stream = if builder {
            Pages::resolve(api, op)
        } else {
            None
        };
        let locals = Locals::allocate(params.iter().map(|p| p.name.as_str()));
        let events = op.events.as_ref().map(|e| EventsSurface {
            method: e.method.clone().unwrap_or_else(|| op.name.rust.clone()),
            item: RustType::of(api, &e.item),
            flag: e.flag.clone(),
            only: e.method.is_none(),
        });
        OperationSurface {
            op,
            method: op.name.rust.clone(),
            form,
            type_base,
            params,
            body,
            success,
            responses,
            errors,
            builder: builder_names,
            stream,
            events,
            locals,
        }
    }

    /// The error type parameter of the method's `runtime::Error`.
    pub fn error_type(&self) -> RustType {
        match &self.errors {
            Some(e) => RustType::Local(e.name.clone()),
            None => RustType::Std(StdType::Infallible),
        }
    }

    /// The parameters passed as arguments, in order.
    pub fn arguments(&self) -> impl Iterator<Item = &ParamSurface<'a>> {
        self.params
            .iter()
            .filter(|p| p.passing == Passing::Argument)
    }

    /// The builder's setters (parameter, setter name), in order.
    pub fn setters(&self) -> impl Iterator<Item = (&ParamSurface<'a>, &str)> {
        self.params.iter().filter_map(|p| match &p.passing {
            Passing::Setter(name) => Some((p, name.as_str())),
            Passing::Argument => None,
        })
    }
}

fn param_surfaces<'a>(api: &Api, op: &'a Operation, form: Form) -> Vec<ParamSurface<'a>> {
    let builder = form == Form::Builder;
    let taken: Vec<&str> = op.params.iter().map(|p| p.name.rust.as_str()).collect();
    sorted_params(op)
        .into_iter()
        .map(|p| {
            let value = RustType::of(api, strip_nullable(&p.ty));
            let argument = argument_type(api, &p.ty, builder);
            let (passing, passed, field) = match (p.required, builder) {
                (true, _) => (Passing::Argument, argument.clone(), argument),
                (false, false) => (Passing::Argument, argument.clone().optional(), argument),
                (false, true) => {
                    let mut setter = p.name.rust.clone();
                    while BUILDER_METHODS.contains(&setter.as_str())
                        || (setter != p.name.rust && taken.contains(&setter.as_str()))
                    {
                        setter.push_str("_param");
                    }
                    let passed = match &value {
                        RustType::Std(StdType::String) => {
                            RustType::Into(Box::new(RustType::Std(StdType::String)))
                        }
                        other => other.clone(),
                    };
                    (Passing::Setter(setter), passed, value.clone().optional())
                }
            };
            ParamSurface {
                param: p,
                name: p.name.rust.clone(),
                passing,
                value,
                passed,
                field,
            }
        })
        .collect()
}

fn body_surface<'a>(api: &Api, body: &'a Body, lifetime: bool) -> Option<BodySurface<'a>> {
    let ty = match &body.kind {
        BodyKind::Json(t) | BodyKind::Form(t) => RustType::of(api, t).reference(lifetime),
        BodyKind::Multipart(_) => RustType::Std(StdType::Multipart).reference(lifetime),
        BodyKind::Text => RustType::Std(StdType::Str).reference(lifetime),
        BodyKind::Bytes => RustType::Std(StdType::Bytes),
        BodyKind::Empty => return None,
    };
    let field = if body.required { ty } else { ty.optional() };
    let passed = match (body.required, &body.kind) {
        (true, BodyKind::Bytes) => RustType::Into(Box::new(RustType::Std(StdType::Bytes))),
        _ => field.clone(),
    };
    Some(BodySurface {
        body,
        passed,
        field,
    })
}

// ---------------------------------------------------------------------------------------
// Pagination, resolved.

/// A list operation's pagination with its parameter and properties resolved: what
/// `.stream()` reads and sets.
#[derive(Debug, Clone)]
pub struct Pages<'a> {
    /// The item type.
    pub item: RustType,
    /// The property of the page holding the items; `None` when the page is the array.
    pub items: Option<&'a Field>,
    /// How the next page is requested.
    pub kind: PagesKind<'a>,
}

/// [`PageKind`] resolved.
#[derive(Debug, Clone)]
pub enum PagesKind<'a> {
    /// Numbered pages.
    Page {
        /// The page-number parameter.
        param: &'a Param,
        /// The first page number.
        first: i64,
        /// When the list ends.
        end: PagesEnd<'a>,
    },
    /// An opaque cursor.
    Cursor {
        /// The cursor parameter.
        param: &'a Param,
        /// The property with the next cursor, or an object property and its property.
        next: Vec<&'a Field>,
        /// A boolean property that ends the list when false.
        has_more: Option<&'a Field>,
    },
    /// A property of the last item.
    LastItem {
        /// The cursor parameter.
        param: &'a Param,
        /// The item's property sent as the cursor.
        item_field: &'a Field,
        /// The boolean property saying more pages follow.
        has_more: &'a Field,
    },
    /// The `Link` header.
    Link,
}

/// [`PageEnd`] resolved.
#[derive(Debug, Clone)]
pub enum PagesEnd<'a> {
    /// The boolean property is false.
    HasMore(&'a Field),
    /// The integer property's count was read.
    Total(&'a Field),
    /// An empty page.
    EmptyPage,
}

impl<'a> Pages<'a> {
    /// Reads `op.pagination`'s parameter and properties (resolved once, in `lower`) from
    /// the operation and the type space; `None` when there is none, or when a reference does
    /// not resolve, which only an `Api` edited after lowering can cause.
    pub fn resolve(api: &'a Api, op: &'a Operation) -> Option<Pages<'a>> {
        let pagination = op.pagination.as_ref()?;
        let field = |at: &FieldRef| api.field(*at);
        let kind = match &pagination.kind {
            PageKind::Page { param, first, end } => PagesKind::Page {
                param: op.param(*param)?,
                first: *first,
                end: match end {
                    PageEnd::HasMore(h) => PagesEnd::HasMore(field(h)?),
                    PageEnd::Total(t) => PagesEnd::Total(field(t)?),
                    PageEnd::EmptyPage => PagesEnd::EmptyPage,
                },
            },
            PageKind::Cursor {
                param,
                next,
                has_more,
            } => PagesKind::Cursor {
                param: op.param(*param)?,
                next: next.iter().map(field).collect::<Option<_>>()?,
                has_more: match has_more {
                    Some(h) => Some(field(h)?),
                    None => None,
                },
            },
            PageKind::LastItem {
                param,
                item_field,
                has_more,
            } => PagesKind::LastItem {
                param: op.param(*param)?,
                item_field: field(item_field)?,
                has_more: field(has_more)?,
            },
            PageKind::Link => PagesKind::Link,
        };
        Some(Pages {
            item: RustType::of(api, &pagination.item_type),
            items: match &pagination.items {
                Some(at) => Some(field(at)?),
                None => None,
            },
            kind,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::lower::lower_yaml_for_test as api;

    /// A spec with one operation `op` whose query parameters are `params` (YAML list items).
    fn spec(params: &str, response: &str) -> String {
        format!(
            "openapi: 3.0.3\ninfo: {{title: T, version: '1'}}\npaths:\n  /things/{{id}}:\n    get:\n      operationId: op\n      parameters:\n        - {{name: id, in: path, required: true, schema: {{type: string}}}}\n{params}      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema:\n{response}        '404':\n          description: missing\n"
        )
    }

    const ITEM: &str =
        "                type: object\n                properties: {x: {type: string}}\n";

    fn optional(names: &[&str]) -> String {
        names
            .iter()
            .map(|n| format!("        - {{name: {n}, in: query, schema: {{type: string}}}}\n"))
            .collect()
    }

    /// A spec whose operations (operationId, error statuses) are `ops`, each error with
    /// the body `Problem`.
    fn errors_spec(ops: &[(&str, &[u16])]) -> Api {
        let mut text = String::from("openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n");
        for (i, (id, statuses)) in ops.iter().enumerate() {
            text.push_str(&format!(
                "  /p{i}:\n    get:\n      operationId: {id}\n      responses:\n        '200': {{description: ok}}\n"
            ));
            for s in *statuses {
                text.push_str(&format!(
                    "        '{s}':\n          description: bad\n          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/Problem'}}\n"
                ));
            }
        }
        text.push_str("components:\n  schemas:\n    Problem: {type: object, properties: {m: {type: string}}}\n");
        api(&text)
    }

    #[test]
    fn the_error_set_most_operations_document_is_shared() {
        let a = errors_spec(&[
            ("one", &[404]),
            ("two", &[400, 404]),
            ("three", &[400, 404]),
            ("four", &[404]),
        ]);
        // Two sets used twice each: the one whose first operation comes first (operations
        // are in method-name order) wins.
        let shared = SharedErrors::of(&a).expect("a shared set");
        assert_eq!(shared.errors.name, "ApiError");
        assert_eq!((shared.operations, shared.first.as_str()), (2, "FourError"));
        let names: Vec<&str> = shared
            .errors
            .variants
            .iter()
            .map(|v| v.name.as_str())
            .collect();
        assert_eq!(names, ["NotFound"]);
        let errors = |i: usize| {
            let s = OperationSurface::of(&a, &a.operations[i]);
            shared.is(s.errors.as_ref().unwrap())
        };
        // In order: four, one, three, two.
        assert_eq!(
            (errors(0), errors(1), errors(2), errors(3)),
            (true, true, false, false)
        );

        let b = errors_spec(&[
            ("one", &[404]),
            ("two", &[400, 404]),
            ("three", &[400, 404]),
        ]);
        let shared = SharedErrors::of(&b).unwrap();
        assert_eq!(
            (shared.operations, shared.first.as_str()),
            (2, "ThreeError")
        );

        // No two alike: nothing is shared.
        assert!(SharedErrors::of(&errors_spec(&[("one", &[404]), ("two", &[400])])).is_none());
        // An operation named `api` has the error type `ApiError`: the shared enum is renamed.
        let c = errors_spec(&[("api", &[400]), ("two", &[404]), ("three", &[404])]);
        assert_eq!(SharedErrors::of(&c).unwrap().errors.name, "ApiError2");
    }

    #[test]
    fn two_optional_parameters_are_positional_and_three_make_a_builder() {
        let two = api(&spec(&optional(&["a", "b"]), ITEM));
        let s = OperationSurface::of(&two, &two.operations[0]);
        assert_eq!(s.form, Form::Positional);
        assert!(s.builder.is_none());
        assert_eq!(s.arguments().count(), 3);
        assert_eq!(s.params[1].passed.to_string(), "Option<&str>");

        let three = api(&spec(&optional(&["a", "b", "c"]), ITEM));
        let s = OperationSurface::of(&three, &three.operations[0]);
        assert_eq!(s.form, Form::Builder);
        assert_eq!(
            s.builder.as_ref().map(|b| b.request.as_str()),
            Some("OpRequest")
        );
        assert_eq!(s.arguments().count(), 1, "only the path parameter");
        let setters: Vec<&str> = s.setters().map(|(_, name)| name).collect();
        assert_eq!(setters, ["a", "b", "c"]);
        assert_eq!(s.params[1].passed.to_string(), "impl Into<String>");
        assert_eq!(s.params[1].field.to_string(), "Option<String>");
        assert_eq!(s.error_type().to_string(), "OpError");
    }

    #[test]
    fn a_list_is_a_builder_with_a_stream() {
        let page = "                type: object\n                required: [items, has_more]\n                properties:\n                  items: {type: array, items: {type: integer}}\n                  has_more: {type: boolean}\n";
        let list = api(&spec(
            "        - {name: page, in: query, schema: {type: integer}}\n",
            page,
        ));
        let s = OperationSurface::of(&list, &list.operations[0]);
        assert_eq!(s.form, Form::Builder);
        let pages = s.stream.as_ref().unwrap_or_else(|| panic!("no stream"));
        assert_eq!(pages.item.to_string(), "i64");
        assert!(matches!(
            pages.kind,
            PagesKind::Page {
                end: PagesEnd::HasMore(_),
                first: 1,
                ..
            }
        ));
    }

    /// The parameter and property wire names a resolved `.stream()` reads and sets.
    fn stream_names(pages: &Pages<'_>) -> Vec<String> {
        let mut names: Vec<String> = pages.items.iter().map(|f| f.name.wire.clone()).collect();
        match &pages.kind {
            PagesKind::Page { param, end, .. } => {
                names.push(param.name.wire.clone());
                if let PagesEnd::HasMore(f) | PagesEnd::Total(f) = end {
                    names.push(f.name.wire.clone());
                }
            }
            PagesKind::Cursor {
                param,
                next,
                has_more,
            } => {
                names.push(param.name.wire.clone());
                names.extend(next.iter().map(|f| f.name.wire.clone()));
                names.extend(has_more.iter().map(|f| f.name.wire.clone()));
            }
            PagesKind::LastItem {
                param,
                item_field,
                has_more,
            } => {
                names.push(param.name.wire.clone());
                names.push(item_field.name.wire.clone());
                names.push(has_more.name.wire.clone());
            }
            PagesKind::Link => names.push("Link".into()),
        }
        names
    }

    #[test]
    fn every_pagination_kind_resolves_to_its_parameter_and_properties() {
        let api = api(include_str!("../../tests/fixtures/client/pagination.yaml"));
        let streams: Vec<(String, Form, Vec<String>)> = api
            .operations
            .iter()
            .map(|op| {
                let s = OperationSurface::of(&api, op);
                let names = s.stream.as_ref().map(stream_names).unwrap_or_default();
                (op.name.wire.clone(), s.form, names)
            })
            .collect();
        let expected = [
            (
                "listByCursor",
                Form::Builder,
                &["data", "cursor", "next_cursor"][..],
            ),
            (
                "listByLastItem",
                Form::Builder,
                &["data", "starting_after", "id", "has_more"],
            ),
            ("listByLink", Form::Builder, &["Link"]),
            (
                "listByNestedCursor",
                Form::Builder,
                &["items", "cursor", "response_metadata", "next_cursor"],
            ),
            (
                "listByTotal",
                Form::Builder,
                &["results", "page_number", "total_count"],
            ),
            ("notAList", Form::Positional, &[]),
        ];
        let expected: Vec<(String, Form, Vec<String>)> = expected
            .iter()
            .map(|(op, form, names)| {
                let names = names.iter().map(|n| n.to_string()).collect();
                (op.to_string(), *form, names)
            })
            .collect();
        assert_eq!(streams, expected);
    }

    #[test]
    fn a_pagination_whose_references_do_not_resolve_has_no_stream() {
        let mut api = api(include_str!("../../tests/fixtures/client/pagination.yaml"));
        let i = api
            .operations
            .iter()
            .position(|op| op.name.wire == "listByTotal")
            .unwrap_or_else(|| panic!("no listByTotal"));
        assert!(Pages::resolve(&api, &api.operations[i]).is_some());
        // Only an `Api` edited after lowering can break a reference: dropping the parameter.
        api.operations[i].params.clear();
        assert!(Pages::resolve(&api, &api.operations[i]).is_none());
    }

    #[test]
    fn setters_never_shadow_builder_methods() {
        let api = api(&spec(&optional(&["query", "timeout", "stream", "x"]), ITEM));
        let s = OperationSurface::of(&api, &api.operations[0]);
        let setters: Vec<&str> = s.setters().map(|(_, name)| name).collect();
        assert_eq!(
            setters,
            ["query_param", "timeout_param", "stream_param", "x"]
        );
    }

    #[test]
    fn locals_avoid_every_argument_name() {
        let locals = Locals::allocate(["client", "request", "client2", "value"]);
        assert_eq!(
            locals,
            Locals {
                client: "client3".into(),
                request: "request2".into(),
                response: "response".into(),
                value: "value2".into(),
                credential: "credential".into(),
            }
        );
        // Parameters keep their names; the locals move out of their way.
        let api = api(&spec(&optional(&["client", "request", "response"]), ITEM));
        let s = OperationSurface::of(&api, &api.operations[0]);
        let names: Vec<&str> = s.params.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["id", "client", "request", "response"]);
        assert_eq!(
            (s.locals.client.as_str(), s.locals.request.as_str()),
            ("client2", "request2")
        );
        assert_eq!(s.locals.response, "response2");
    }

    #[test]
    fn a_type_reads_as_users_write_it() {
        let ty = RustType::Map(
            MapType::BTreeMap,
            Box::new(RustType::Vec(Box::new(RustType::Option(Box::new(
                RustType::Named("Pet".into()),
            ))))),
        );
        assert_eq!(ty.to_string(), "BTreeMap<String, Vec<Option<Pet>>>");
        let arg = RustType::Std(StdType::Str).reference(true);
        assert_eq!(arg.to_string(), "&str");
        assert_eq!(RustType::Unknown(7).to_string(), "<unknown type #7>");
    }
}
