//! The report of a diff: [`Change`]s, the [`Bump`] they call for, and their text.

use crate::ir::*;
use serde::Serialize;
use std::fmt;

/// Whether something appeared, disappeared or changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
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
#[non_exhaustive]
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
#[non_exhaustive]
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
#[non_exhaustive]
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
#[non_exhaustive]
pub struct SpecInfo {
    /// The spec file, as given to the loader.
    pub file: String,
    /// `info.title`.
    pub title: String,
    /// `info.version`.
    pub version: String,
}

impl SpecInfo {
    pub(super) fn of(api: &Api) -> Self {
        SpecInfo {
            file: api.file.clone(),
            title: api.title.clone(),
            version: api.version.clone(),
        }
    }
}

/// The result of [`diff`](super::diff()): every change, sorted, and the bump they call for.
///
/// `Display` writes the text report (breaking changes first); `Serialize` gives the JSON one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
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

impl Change {
    pub(super) fn new(kind: ChangeKind, item: Item) -> Self {
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

    pub(super) fn op(mut self, op: &Operation) -> Self {
        self.operation = Some(op.name.wire.clone());
        self.method = Some(op.name.rust.clone());
        self
    }

    pub(super) fn ty(mut self, def: &TypeDef) -> Self {
        self.schema = Some(def.name.wire.clone());
        self.type_name = Some(def.name.rust.clone());
        self
    }

    pub(super) fn name(mut self, wire: impl Into<String>) -> Self {
        self.name = Some(wire.into());
        self
    }

    pub(super) fn rust(mut self, rust: impl Into<String>) -> Self {
        self.rust_name = Some(rust.into());
        self
    }

    pub(super) fn shapes(mut self, old: Option<String>, new: Option<String>) -> Self {
        self.old = old;
        self.new = new;
        self
    }

    pub(super) fn breaking(mut self, breaking: bool, reason: impl Into<String>) -> Self {
        self.breaking = breaking;
        self.reason = reason.into();
        self
    }

    #[allow(clippy::type_complexity)]
    pub(super) fn sort_key(
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
    pub(super) fn subject(&self) -> String {
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
