//! Selection passes over a lowered API, as [`Config`] configures them: which operations
//! are generated ([`Selector`]s in `include_operations`/`exclude_operations`), and which
//! are paginated (`disable_pagination`/`force_pagination`).

use crate::diag::{Diagnostic, Origin};
use crate::{ir, lower, Config};

/// Picks operations by what the spec calls them (never by generated Rust names).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selector {
    /// An `operationId`.
    OperationId(String),
    /// A tag in the operation's `tags`.
    Tag(String),
    /// A path template as written in the spec (`/calls/{id}`); a trailing `*` matches every
    /// path that starts with the rest (`/calls/*`).
    Path(String),
}

impl Selector {
    fn matches(&self, op: &ir::Operation) -> bool {
        match self {
            Selector::OperationId(id) => op.name.wire == *id,
            Selector::Tag(tag) => op.tags.contains(tag),
            Selector::Path(p) => match p.strip_suffix('*') {
                Some(prefix) => op.path.raw.starts_with(prefix),
                None => op.path.raw == *p,
            },
        }
    }
}

impl std::fmt::Display for Selector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Selector::OperationId(id) => write!(f, "operationId `{id}`"),
            Selector::Tag(t) => write!(f, "tag `{t}`"),
            Selector::Path(p) => write!(f, "path `{p}`"),
        }
    }
}

/// Applies the include/exclude selectors to one API; a selector that matches no
/// operation, and a derive or extern type that names no schema, is a warning.
pub(crate) fn select_operations(
    config: &Config,
    api: &mut ir::Api,
    warnings: &mut Vec<Diagnostic>,
    errors: &mut Vec<Diagnostic>,
) {
    let origin = || Origin::new(api.file.clone(), "");
    for op in &mut api.operations {
        if config.no_pagination.iter().any(|s| s.matches(op)) {
            op.pagination = None;
        }
    }
    let mut forced = Vec::new();
    for (i, op) in api.operations.iter().enumerate() {
        if let Some((_, rule)) = config.forced_pagination.iter().find(|(s, _)| s.matches(op)) {
            match lower::pagination::apply_rule(api, op, rule) {
                Ok(p) => forced.push((i, p)),
                Err(message) => errors.push(Diagnostic::error(
                    op.origin.clone(),
                    format!(
                        "cannot paginate `{}` as configured: {message}",
                        op.name.wire
                    ),
                )),
            }
        }
    }
    for (i, p) in forced {
        api.operations[i].pagination = Some(p);
    }
    let forced_selectors = config.forced_pagination.iter().map(|(s, _)| s);
    for selector in config
        .include
        .iter()
        .chain(&config.exclude)
        .chain(&config.no_pagination)
        .chain(forced_selectors)
    {
        if !api.operations.iter().any(|op| selector.matches(op)) {
            warnings.push(Diagnostic::warning(
                origin(),
                format!("the selector {selector} matches no operation"),
            ));
        }
    }
    let names: std::collections::BTreeSet<&str> =
        api.types.iter().map(|t| t.name.wire.as_str()).collect();
    let configured = config
        .settings
        .derives
        .keys()
        .chain(config.settings.extern_types.keys());
    for schema in configured.filter(|s| *s != "*" && !names.contains(s.as_str())) {
        warnings.push(Diagnostic::warning(
            origin(),
            format!("the configuration names schema `{schema}`, which this spec does not have"),
        ));
    }
    let keep: Vec<bool> = api
        .operations
        .iter()
        .map(|op| {
            (config.include.is_empty() || config.include.iter().any(|s| s.matches(op)))
                && !config.exclude.iter().any(|s| s.matches(op))
        })
        .collect();
    let mut keep = keep.into_iter();
    api.operations.retain(|_| keep.next().unwrap_or(true));
}
