//! # oagen — OpenAPI 3.0/3.1 → idiomatic async Rust SDKs
//!
//! An engine library with thin front ends: the `oagen` CLI, build scripts, the snapshot
//! tests and the freshness check all call [`Config::generate`], so they cannot disagree.
//!
//! The pipeline, one module per stage, each with its own data type:
//!
//! 1. [`load`]: spec text → JSON value ([`load::parse_str`]), changed by the spec's
//!    [`overlay`]s, → [`load::Document`] ([`load::build`]; raw JSON kept, nothing lost),
//!    checked against the official OpenAPI JSON Schema ([`validate`]: warnings);
//! 2. [`lower`]: document → [`ir::Api`] (named types and operations, with origins);
//! 3. `emit`: IR → token streams (the only stage using `quote`; every item is tokens);
//! 4. `render`: tokens → files printed by prettyplease with an `@generated` header, then
//!    checked: no spec text opened a code block in the docs (`guard`; every spec string
//!    reached them through `escape`, one function per sink).
//!
//! `pipeline` chains them; [`Config`] (in `config`) says what to generate.
//! [`Config::lower_configured`] runs stages 1–2 with the configured passes (selections,
//! pagination overrides, settings) for every front end; [`Config::render`] runs 3–4.
//!
//! # The public API
//!
//! - [`Config`] and what it returns or reports: [`Generated`], [`Lowered`], [`Error`],
//!   [`Diagnostic`], [`Selector`], [`PaginationRule`], [`MapType`], [`Layout`]; [`compile`]
//!   for a build script; [`runtime_dependencies`], [`spec_copy_path`], [`RUNTIME_FILE`].
//! - [`ir`], the lowered API ([`ir::Api`], from [`Config::lower_configured`]), which [`diff`]
//!   compares: data, every type `#[non_exhaustive]`.
//! - The CLI's commands: [`sync`], `update` (feature `cli`), [`manifest`], [`schema_map`],
//!   [`overlay`], and [`diag`] for diagnostics.
//!
//! Every public struct and enum is `#[non_exhaustive]`, so oagen can add a field or a variant
//! in a minor release. The stage modules (`load`, `lower`, `validate`, `emit`, `render`) are
//! `#[doc(hidden)]` and not part of the API: only the stage benchmark
//! (`benches/stages.rs`) and oagen's own tests drive the stages one by one.
//!
//! Beside the pipeline, [`diff`] compares two lowered APIs (two versions of a spec): what
//! changed in the generated SDK, what breaks its users, and the version bump it calls for.
//!
//! ```no_run
//! let generated = oagen::Config::new()
//!     .module("bird", "specs/bird/patch-call.json")
//!     .crate_name("bird-sdk")
//!     .generate()?;
//! generated.write("generated")?;
//! # Ok::<(), oagen::Error>(())
//! ```

mod cargo;
mod config;
pub mod diag;
pub mod diff;
#[doc(hidden)]
pub mod emit;
mod escape;
mod guard;
pub mod ir;
mod json_split;
#[doc(hidden)]
pub mod load;
#[doc(hidden)]
pub mod lower;
pub mod manifest;
pub(crate) mod naming;
mod output;
pub mod overlay;
mod parallel;
mod pipeline;
mod readme;
#[doc(hidden)]
pub mod render;
mod runtime;
pub mod schema_map;
mod select;
pub(crate) mod surface;
pub mod sync;
#[cfg(test)]
mod testing;
#[cfg(feature = "cli")]
pub mod update;
#[doc(hidden)]
pub mod validate;

pub use cargo::runtime_dependencies;
pub use config::Config;
pub use diag::{Diagnostic, Error, Origin, Severity};
pub use ir::{MapType, PaginationRule, WebhookScheme};
pub use output::Generated;
pub use overlay::Overlay;
pub use pipeline::{spec_copy_path, Layout, Lowered, LoweredSpec, RUNTIME_FILE};
pub use select::Selector;

/// Generates the SDK for one spec into `OUT_DIR` from a build script: the one-line form of
/// [`Config::compile`]. The module file is named after the spec
/// (`specs/patch-call.json` → `patch_call.rs`).
///
/// ```no_run
/// // build.rs
/// fn main() -> Result<(), oagen::Error> {
///     oagen::compile("specs/bird/patch-call.json")
/// }
/// ```
///
/// # Errors
/// As [`Config::compile`].
pub fn compile(spec: impl AsRef<std::path::Path>) -> Result<(), Error> {
    Config::new().compile(&[spec])
}
