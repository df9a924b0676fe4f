//! Types compared: kinds, struct fields, enum values and union variants.

use super::{pair, Change, ChangeKind, Cx, Item};
use crate::ir::*;
use crate::surface::RustType;

/// A type use as the SDK spells it (without module paths): the text rendering of
/// [`RustType`], the structured type emit renders as tokens.
pub(super) fn render(api: &Api, ty: &TypeRef) -> String {
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

impl Cx<'_> {
    // --- Types ---------------------------------------------------------------------------

    pub(super) fn types(&mut self) {
        let (old, new) = (self.old, self.new);
        let pairs = pair(
            old.types.iter().map(|(name, i)| (*name, i)),
            new.types.iter().map(|(name, i)| (*name, i)),
        );
        for (o, n) in pairs {
            let old_def = o.and_then(|&i| old.api.types.get(i).map(|d| (i, d)));
            let new_def = n.and_then(|&i| new.api.types.get(i).map(|d| (i, d)));
            match (old_def, new_def) {
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

    pub(super) fn type_pair(&mut self, a: &TypeDef, b: &TypeDef, usage: Usage) {
        let (old_api, new_api) = (self.old.api, self.new.api);
        let ty = &b.name.rust;
        let kind_change = |cx: &mut Self, breaking: bool, why: String| {
            cx.push(
                Change::new(ChangeKind::Changed, Item::Type)
                    .ty(b)
                    .shapes(
                        Some(kind_text(old_api, &a.kind)),
                        Some(kind_text(new_api, &b.kind)),
                    )
                    .breaking(breaking, why),
            );
        };
        // Aliases of named types (merged copies, `A: {$ref: B}`) are compared by what they
        // stand for: turning a definition into an alias of an identical one changes nothing.
        match (old_api.resolve_kind(a), new_api.resolve_kind(b)) {
            (TypeKind::Struct(was), TypeKind::Struct(now)) => self.structs(b, was, now, usage),
            (TypeKind::Enum(was), TypeKind::Enum(now)) => self.enums(b, was, now, usage),
            (TypeKind::Tagged(was), TypeKind::Tagged(now)) => {
                if was.tag != now.tag {
                    kind_change(
                        self,
                        false,
                        "the SDK reads and writes the new tag property; code compiles unchanged"
                            .into(),
                    );
                }
                let (old_kind, new_kind) = (old_api.resolve_kind(a), new_api.resolve_kind(b));
                self.variants(
                    b,
                    members(old_api, ty, old_kind),
                    members(new_api, ty, new_kind),
                    usage,
                    now.open,
                );
            }
            (TypeKind::Adjacent(was), TypeKind::Adjacent(now)) => {
                if (&was.tag, &was.content) != (&now.tag, &now.content) {
                    kind_change(
                        self,
                        false,
                        "the SDK reads and writes the new properties; code compiles unchanged"
                            .into(),
                    );
                }
                let (old_kind, new_kind) = (old_api.resolve_kind(a), new_api.resolve_kind(b));
                self.variants(
                    b,
                    members(old_api, ty, old_kind),
                    members(new_api, ty, new_kind),
                    usage,
                    false,
                );
            }
            (TypeKind::Untagged(_), TypeKind::Untagged(_)) => {
                let (old_kind, new_kind) = (old_api.resolve_kind(a), new_api.resolve_kind(b));
                self.variants(
                    b,
                    members(old_api, ty, old_kind),
                    members(new_api, ty, new_kind),
                    usage,
                    false,
                );
            }
            (TypeKind::Alias(was), TypeKind::Alias(now)) => {
                if render(old_api, was) != render(new_api, now) {
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

    pub(super) fn structs(&mut self, def: &TypeDef, was: &Struct, now: &Struct, usage: Usage) {
        let (old_api, new_api) = (self.old.api, self.new.api);
        let ty = &def.name.rust;
        if was.strict() != now.strict() {
            let why = if now.strict() {
                "unknown properties are now rejected when deserializing; code compiles unchanged"
            } else {
                "unknown properties are now accepted when deserializing; code compiles unchanged"
            };
            self.push(
                Change::new(ChangeKind::Changed, Item::Type)
                    .ty(def)
                    .shapes(
                        Some(format!("closed: {}", was.strict())),
                        Some(format!("closed: {}", now.strict())),
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
            was.fields.iter().map(|f| (f.name.wire.as_str(), f)),
            now.fields.iter().map(|f| (f.name.wire.as_str(), f)),
        );
        for (a, b) in pairs {
            match (a, b) {
                (None, Some(f)) => {
                    let argument = crate::surface::StructSurface::of(new_api, now).is_argument(f);
                    let (breaking, why) = added_why(&f.name.rust, argument);
                    self.push(
                        Change::new(ChangeKind::Added, Item::Field)
                            .ty(def)
                            .name(&f.name.wire)
                            .rust(&f.name.rust)
                            .shapes(None, Some(field_shape(new_api, f)))
                            .breaking(breaking, why),
                    );
                }
                (Some(f), None) => self.push(
                    Change::new(ChangeKind::Removed, Item::Field)
                        .ty(def)
                        .name(&f.name.wire)
                        .rust(&f.name.rust)
                        .shapes(Some(field_shape(old_api, f)), None)
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
        match (extra(old_api, was), extra(new_api, now)) {
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

    pub(super) fn field(&mut self, def: &TypeDef, a: &Field, b: &Field) {
        let (old_api, new_api) = (self.old.api, self.new.api);
        let ty = &def.name.rust;
        let change = || {
            Change::new(ChangeKind::Changed, Item::Field)
                .ty(def)
                .name(&b.name.wire)
                .rust(&b.name.rust)
        };
        let (at, bt) = (field_type(old_api, a), field_type(new_api, b));
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
                    .shapes(Some(field_shape(old_api, a)), Some(field_shape(new_api, b)))
                    .breaking(true, why),
            );
        } else if (a.required, a.nullable) != (b.required, b.nullable) {
            self.push(
                change()
                    .shapes(Some(field_shape(old_api, a)), Some(field_shape(new_api, b)))
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

    pub(super) fn enums(&mut self, def: &TypeDef, was: &Enum, now: &Enum, usage: Usage) {
        let ty = &def.name.rust;
        let side = usage.match_note();
        let open = now.open;
        let pairs = pair(
            was.variants.iter().map(|v| (v.wire.as_str(), v)),
            now.variants.iter().map(|v| (v.wire.as_str(), v)),
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
    pub(super) fn variants(
        &mut self,
        def: &TypeDef,
        was: Vec<Member>,
        now: Vec<Member>,
        usage: Usage,
        open: bool,
    ) {
        let ty = &def.name.rust;
        let side = usage.match_note();
        let pairs = pair(
            was.iter().map(|v| (v.key.as_str(), v)),
            now.iter().map(|v| (v.key.as_str(), v)),
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
pub(super) struct Member {
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
