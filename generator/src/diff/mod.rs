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

mod operations;
mod report;
mod types;

pub use report::{Bump, Change, ChangeKind, Item, Report, SpecInfo};

use crate::ir::*;
use std::collections::BTreeMap;

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
mod tests;
