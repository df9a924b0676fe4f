//! [`Selector`]: how a [`Config`](crate::Config) names operations for the selection pass of
//! the pipeline (`pipeline::select_operations`): which operations are generated
//! (`include_operations`/`exclude_operations`) and which are paginated
//! (`disable_pagination`/`force_pagination`).

use crate::ir;

/// Picks operations by what the spec calls them (never by generated Rust names).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
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
    pub(crate) fn matches(&self, op: &ir::Operation) -> bool {
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
