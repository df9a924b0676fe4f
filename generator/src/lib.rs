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
//! 3. `emit`: IR → token streams (the only stage using `quote`);
//! 4. `render`: tokens → formatted files with an `@generated` header.
//!
//! [`Config::lower_configured`] runs stages 1–2 with the configured passes (selections,
//! pagination overrides, settings) for every front end; [`Config::render`] runs 3–4.
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

// The public API (as small as prost-build's, so the pipeline can change without a semver
// break): `Config` and what it returns or reports (`Generated`, `Error`, `Diagnostic`,
// `Selector`, `PaginationRule`, `MapType`, `Layout`); `load`, `lower` and `ir` for callers
// that read a spec without generating (the CLI's `check`, `schemas` and `diff`, and the
// tests); `diff`, `sync`, `manifest` and `schema_map` for the CLI's commands; `diag` for
// diagnostics. `emit` and `render` are `#[doc(hidden)]`: only the stage benchmark
// (`benches/stages.rs`) and the fuzz test time or drive them one by one. The rest is
// private to the crate.
mod cargo;
pub mod diag;
pub mod diff;
#[doc(hidden)]
pub mod emit;
mod escape;
mod guard;
pub mod ir;
mod json_split;
pub mod load;
pub mod lower;
pub mod manifest;
pub(crate) mod naming;
mod output;
pub mod overlay;
mod pipeline;
mod readme;
#[doc(hidden)]
pub mod render;
mod runtime;
pub mod schema_map;
mod select;
pub(crate) mod surface;
pub mod sync;
#[cfg(feature = "cli")]
pub mod update;
pub mod validate;

pub use cargo::runtime_dependencies;
pub use diag::{Diagnostic, Error, Origin, Severity};
pub use ir::{MapType, PaginationRule};
pub use output::Generated;
pub use overlay::Overlay;
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
pub fn compile(spec: impl AsRef<Path>) -> Result<(), Error> {
    Config::new().compile(&[spec])
}

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// How generated code is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Layout {
    /// A crate: `Cargo.toml` and `src/` with a module per spec (or the spec at the root
    /// when it has no module name).
    #[default]
    Crate,
    /// One `<module>.rs` per spec and one [`RUNTIME_FILE`] shared by all of them, for
    /// `include!` from a build script's `OUT_DIR`: the runtime file declares
    /// `pub mod runtime`, and each spec's file expects it in its parent module (as
    /// `super::runtime`).
    SingleFile,
}

/// What to generate. Setters take `&mut self` and return `&mut Self` (as in prost-build).
#[derive(Debug, Clone)]
pub struct Config {
    root: PathBuf,
    specs: Vec<SpecEntry>,
    /// Overlays given before any spec: they attach to the next spec added.
    pending_overlays: Vec<PathBuf>,
    crate_name: Option<String>,
    crate_version: Option<String>,
    description: Option<String>,
    command: String,
    layout: Layout,
    standalone: bool,
    out_dir: Option<PathBuf>,
    settings: ir::Settings,
    include: Vec<Selector>,
    exclude: Vec<Selector>,
    no_pagination: Vec<Selector>,
    forced_pagination: Vec<(Selector, ir::PaginationRule)>,
    strict: bool,
    features_per_tag: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config::new()
    }
}

impl Config {
    /// An empty configuration: crate layout, paths relative to the current directory.
    pub fn new() -> Self {
        Config {
            root: PathBuf::from("."),
            specs: Vec::new(),
            pending_overlays: Vec::new(),
            crate_name: None,
            crate_version: None,
            description: None,
            command: "cargo run --release -p oagen -- sync".to_string(),
            layout: Layout::Crate,
            standalone: false,
            out_dir: None,
            settings: ir::Settings::default(),
            include: Vec::new(),
            exclude: Vec::new(),
            no_pagination: Vec::new(),
            forced_pagination: Vec::new(),
            strict: false,
            features_per_tag: false,
        }
    }

    /// Treats every warning (a construct typed less precisely than the spec says, an
    /// undeclared path parameter, a selector that matches nothing) as an error.
    pub fn strict(&mut self, strict: bool) -> &mut Self {
        self.strict = strict;
        self
    }

    /// Where [`Config::compile`] writes (default: the `OUT_DIR` Cargo gives a build script).
    pub fn out_dir(&mut self, dir: impl AsRef<Path>) -> &mut Self {
        self.out_dir = Some(dir.as_ref().to_path_buf());
        self
    }

    /// Adds `#[derive(…)]`s to the type of schema `schema` (its name under
    /// `components/schemas`), or to every generated type with `"*"`. Each derive is a Rust
    /// path, e.g. `"Eq"` or `"schemars::JsonSchema"`.
    pub fn derive(&mut self, schema: &str, derives: &[&str]) -> &mut Self {
        self.settings
            .derives
            .entry(schema.to_string())
            .or_default()
            .extend(derives.iter().map(|d| d.to_string()));
        self
    }

    /// Uses the application's own type for schema `schema`: the generated code refers to
    /// `rust_path` (e.g. `"crate::money::Amount"`), which must implement `Serialize`,
    /// `Deserialize`, `Debug`, `Clone` and `PartialEq`. `rust_path` must be a type path,
    /// with generic type arguments if any (`my_crate::Id<u64>`); anything else (arrays,
    /// references, macros, `impl`/`dyn` types) is an error when generating.
    pub fn extern_type(&mut self, schema: &str, rust_path: &str) -> &mut Self {
        self.settings
            .extern_types
            .insert(schema.to_string(), rust_path.to_string());
        self
    }

    /// The Rust map type for objects with `additionalProperties` (default `BTreeMap`).
    pub fn map_type(&mut self, map_type: ir::MapType) -> &mut Self {
        self.settings.map_type = map_type;
        self
    }

    /// Generates only the operations one of these selectors picks (all when none is given).
    pub fn include_operations(&mut self, selectors: &[Selector]) -> &mut Self {
        self.include.extend_from_slice(selectors);
        self
    }

    /// Generates no `…_stream` pagination method for these operations, even when they match
    /// the pagination rule (documented on [`ir::Pagination`]).
    pub fn disable_pagination(&mut self, selectors: &[Selector]) -> &mut Self {
        self.no_pagination.extend_from_slice(selectors);
        self
    }

    /// Makes these operations paginated lists as `rule` describes, when the detection rules
    /// (documented in the README, "Pagination") do not recognise them or recognise them
    /// differently. A rule naming a parameter or property the operation does not have is
    /// an error (with the operation's JSON pointer).
    pub fn force_pagination(
        &mut self,
        selectors: &[Selector],
        rule: ir::PaginationRule,
    ) -> &mut Self {
        for s in selectors {
            self.forced_pagination.push((s.clone(), rule.clone()));
        }
        self
    }

    /// Leaves out the operations one of these selectors picks.
    pub fn exclude_operations(&mut self, selectors: &[Selector]) -> &mut Self {
        self.exclude.extend_from_slice(selectors);
        self
    }

    /// The build-script entry point (as in prost-build): generates each spec as one
    /// `<module>.rs` in [`Config::out_dir`] (default `OUT_DIR`), and the runtime they share
    /// as [`RUNTIME_FILE`], for `include!` ([`Layout::SingleFile`]). The module name is the
    /// file stem in snake_case (`specs/patch-call.json` → `patch_call.rs`).
    ///
    /// For Cargo it prints `cargo:rerun-if-changed` for every spec read, each warning as a
    /// `cargo:warning`, and rewrites only files whose content changed, so an unchanged spec
    /// causes no rebuild. It checks that the crate's `Cargo.toml` lists the crates the
    /// generated code needs (see [`runtime_dependencies`]).
    ///
    /// # Errors
    /// What [`Config::generate`] returns; [`Error::Manifest`] naming the missing
    /// dependencies; [`Error::Io`] when `OUT_DIR` is unset or not writable.
    pub fn compile(&mut self, specs: &[impl AsRef<Path>]) -> Result<(), Error> {
        for spec in specs {
            let path = spec.as_ref();
            let module = path
                .file_stem()
                .map(|s| naming::snake_name(&s.to_string_lossy(), "api"))
                .unwrap_or_else(|| "api".into());
            self.module(&module, path);
        }
        self.layout(Layout::SingleFile);
        let out = match &self.out_dir {
            Some(dir) => dir.clone(),
            None => std::env::var_os("OUT_DIR").map(PathBuf::from).ok_or_else(|| {
                Error::io(
                    "OUT_DIR",
                    std::io::Error::new(
                        std::io::ErrorKind::NotFound,
                        "OUT_DIR is not set: call compile from a build script, or set Config::out_dir",
                    ),
                )
            })?,
        };
        for spec in &self.specs {
            for file in std::iter::once(&spec.path).chain(&spec.overlays) {
                println!("cargo:rerun-if-changed={}", self.root.join(file).display());
            }
        }
        let generated = self.generate()?;
        for warning in &generated.warnings {
            // One line: a line break in spec text would start another `cargo:` directive.
            println!("cargo:warning={}", escape::one_line(&warning.to_string()));
        }
        if let Some(manifest) = std::env::var_os("CARGO_MANIFEST_DIR") {
            cargo::check_dependencies(&Path::new(&manifest).join("Cargo.toml"), &generated)?;
        }
        generated.write_changed(&out)
    }

    /// The directory spec paths are relative to (shown relative to it in headers).
    pub fn root(&mut self, root: impl AsRef<Path>) -> &mut Self {
        self.root = root.as_ref().to_path_buf();
        self
    }

    /// Adds a spec generated at the crate root (for a single-API crate).
    pub fn spec(&mut self, path: impl AsRef<Path>) -> &mut Self {
        self.push_spec(None, path.as_ref())
    }

    /// Adds a spec generated as module `name` (also the name of its Cargo feature): ASCII
    /// letters, digits and `_`, not starting with a digit; anything else is an error when
    /// generating.
    pub fn module(&mut self, name: &str, path: impl AsRef<Path>) -> &mut Self {
        self.push_spec(Some(name.to_string()), path.as_ref())
    }

    fn push_spec(&mut self, module: Option<String>, path: &Path) -> &mut Self {
        self.specs.push(SpecEntry {
            module,
            path: path.to_path_buf(),
            overlays: std::mem::take(&mut self.pending_overlays),
            text: None,
        });
        self
    }

    /// Applies the overlay at `path` (an [OpenAPI Overlay 1.0.0] document, relative to
    /// [`Config::root`]) to the last spec added, after the overlays given before it; see
    /// [`overlay`] for what an overlay can do. Called before any spec is added, the overlay
    /// goes to the next spec added, so `Config::new().overlay("fix.yaml").compile(&["api.json"])`
    /// works. [`Config::compile`] prints `cargo:rerun-if-changed` for overlays too.
    ///
    /// [OpenAPI Overlay 1.0.0]: https://spec.openapis.org/overlay/v1.0.0.html
    pub fn overlay(&mut self, path: impl AsRef<Path>) -> &mut Self {
        let path = path.as_ref().to_path_buf();
        match self.specs.last_mut() {
            Some(spec) => spec.overlays.push(path),
            None => self.pending_overlays.push(path),
        }
        self
    }

    /// Generates spec `index` (in the order added) from `text` instead of its file, e.g. a
    /// new version fetched by `oagen update` before anything is written. Its file name
    /// still names it in diagnostics and chooses the format.
    #[cfg_attr(not(feature = "cli"), allow(dead_code))]
    pub(crate) fn spec_text(&mut self, index: usize, text: String) -> &mut Self {
        if let Some(spec) = self.specs.get_mut(index) {
            spec.text = Some(text);
        }
        self
    }

    /// The version of the generated crate (its `Cargo.toml`; default `0.1.0`).
    pub fn crate_version(&mut self, version: &str) -> &mut Self {
        self.crate_version = Some(version.to_string());
        self
    }

    /// The Cargo package name of the generated crate.
    ///
    /// Checked when generating: ASCII letters, digits, `-` and `_`, not starting with a
    /// digit (else [`Error::CrateName`]).
    pub fn crate_name(&mut self, name: &str) -> &mut Self {
        self.crate_name = Some(name.to_string());
        self
    }

    /// The package description of the generated crate.
    pub fn description(&mut self, text: &str) -> &mut Self {
        self.description = Some(text.to_string());
        self
    }

    /// The command named in the `@generated` header as the way to regenerate.
    pub fn regenerate_command(&mut self, command: &str) -> &mut Self {
        self.command = command.to_string();
        self
    }

    /// Crate or single-file layout.
    pub fn layout(&mut self, layout: Layout) -> &mut Self {
        self.layout = layout;
        self
    }

    /// Gives the generated `Cargo.toml` an empty `[workspace]` table, so the crate builds
    /// on its own wherever it is written.
    pub fn standalone(&mut self, standalone: bool) -> &mut Self {
        self.standalone = standalone;
        self
    }

    /// Puts each operation behind a Cargo feature named after its first tag (or, without
    /// tags, its first path segment), and each type behind the features of the operations
    /// that use it, so that a user compiles only what they call. Features are
    /// `tag-<kebab-case tag>` or `path-<segment>` (see [`ir::Api::feature_of`]), prefixed
    /// with `<module>-` in a crate with several modules (each then requires its module's
    /// feature); all are on by default. Schemas no operation needs (webhook payloads) are
    /// behind `other-schemas`; types an operation without a feature needs are always
    /// compiled.
    pub fn features_per_tag(&mut self, on: bool) -> &mut Self {
        self.features_per_tag = on;
        self
    }

    /// Runs the pipeline and returns the rendered files in memory.
    ///
    /// # Errors
    /// [`Error::Spec`] with every error of every spec (each with file and JSON pointer),
    /// [`Error::Io`] when a spec or overlay cannot be read, [`Error::Internal`] for an oagen
    /// bug.
    pub fn generate(&self) -> Result<Generated, Error> {
        let lowered = self.lower_configured()?;
        self.render(lowered)
    }

    /// The front half of the pipeline, shared by [`Config::generate`], `oagen sync`, `check`
    /// and `diff`: each spec is read, parsed, overlaid (its overlays in order), built into a
    /// document, lowered, and given the configured settings, features and selections
    /// (`include_operations`, pagination overrides, extern types merged with the spec's
    /// `x-oagen-type`, the configuration's winning).
    ///
    /// Warnings include an overlay action that selects nothing (naming the overlay file and
    /// `#/actions/<index>`), and every diagnostic about a node an overlay changed names the
    /// overlay action in its hint.
    ///
    /// # Errors
    /// As [`Config::generate`]; under [`Config::strict`], every warning is an error.
    pub fn lower_configured(&self) -> Result<Lowered, Error> {
        if let Some(spec) = self
            .specs
            .iter()
            .find(|s| s.module.as_deref() == Some("runtime"))
        {
            return Err(Error::Manifest {
                path: spec.path.display().to_string(),
                message: "the module name `runtime` is the generated runtime's; choose another \
                          (for `compile`, rename the spec file)"
                    .into(),
            });
        }
        for spec in &self.specs {
            if let Some(reason) = spec.module.as_deref().and_then(module_name_error) {
                return Err(Error::Spec(vec![Diagnostic::error(
                    Origin::new(display_path(&spec.path), ""),
                    format!("the module name for this spec {reason}"),
                )
                .with_hint(MODULE_NAME_HINT)]));
            }
        }
        if let Some(overlay) = self.pending_overlays.first() {
            return Err(Error::Manifest {
                path: overlay.display().to_string(),
                message: "an overlay was given, but no spec to apply it to".into(),
            });
        }
        let mut warnings = Vec::new();
        let mut errors = Vec::new();
        let mut specs = Vec::new();
        for i in 0..self.specs.len() {
            let spec = &self.specs[i];
            let display = display_path(&spec.path);
            let text = match &spec.text {
                Some(text) => text.clone(),
                None => {
                    let file = self.root.join(&spec.path);
                    std::fs::read_to_string(&file).map_err(|e| Error::io(&file, e))?
                }
            };
            match self.lower_source(i, &text, &display) {
                Ok((api, w)) => {
                    warnings.extend(w);
                    specs.push(LoweredSpec {
                        module: module_name(&spec.module, self.multi(), i),
                        path: spec.path.clone(),
                        api,
                        text,
                    });
                }
                Err(Error::Spec(diags)) => errors.extend(diags),
                Err(other) => return Err(other),
            }
        }
        if !errors.is_empty() {
            errors.extend(warnings);
            errors.sort();
            return Err(Error::Spec(errors));
        }
        if self.strict && !warnings.is_empty() {
            return Err(diag::strict(warnings));
        }
        Ok(Lowered { specs, warnings })
    }

    /// Lowers `text` as spec `index` of this configuration (its overlays, settings and
    /// selections), named `display` in diagnostics: one spec of
    /// [`Config::lower_configured`], also used to lower an older version of the same spec
    /// for a diff. Errors and warnings are returned together in `Err` (strictness is the
    /// caller's).
    pub(crate) fn lower_source(
        &self,
        index: usize,
        text: &str,
        display: &str,
    ) -> Result<(ir::Api, Vec<Diagnostic>), Error> {
        let spec = &self.specs[index];
        let format = load::Format::from_path(&spec.path).ok_or_else(|| {
            Error::Spec(vec![Diagnostic::error(
                Origin::new(display, ""),
                "unknown spec file extension",
            )
            .with_hint("name the file *.json, *.yaml or *.yml")])
        })?;
        let mut raw = load::parse_str(text, format, display)?;
        let mut warnings = Vec::new();
        let mut changes = Vec::new();
        let mut errors = Vec::new();
        for path in &spec.overlays {
            match overlay::Overlay::load(&self.root.join(path), &display_path(path)) {
                Ok(o) => {
                    let (c, w) = o.apply(&mut raw);
                    changes.extend(c);
                    warnings.extend(w);
                }
                Err(Error::Spec(diags)) => errors.extend(diags),
                Err(other) => return Err(other),
            }
        }
        if !errors.is_empty() {
            return Err(Error::Spec(errors));
        }
        let annotated = |mut diags: Vec<Diagnostic>| {
            overlay::annotate(&mut diags, display, &changes);
            diags
        };
        // The skeleton, validation and lowering all only read the document: the skeleton
        // is read on one thread and the document validated on another while the
        // component schemas are lowered (lowering waits for the skeleton after them).
        let skeleton = std::sync::OnceLock::new();
        let (validated, lowered, skeleton) = std::thread::scope(|scope| {
            let read = || load::read_skeleton(&raw, display);
            let validate = || validate::validate(&raw, display);
            let reading = std::thread::Builder::new().spawn_scoped(scope, read);
            let validation = std::thread::Builder::new().spawn_scoped(scope, validate);
            let lowered = lower::lower_with(display, &raw, || {
                skeleton
                    .get_or_init(|| match reading {
                        Ok(handle) => handle
                            .join()
                            .unwrap_or_else(|e| std::panic::resume_unwind(e)),
                        Err(_) => read(),
                    })
                    .as_ref()
                    .ok()
                    .map(|(skeleton, _)| skeleton)
            });
            let validated = match validation {
                Ok(handle) => handle
                    .join()
                    .unwrap_or_else(|e| std::panic::resume_unwind(e)),
                Err(_) => validate(),
            };
            (validated, lowered, skeleton.into_inner())
        });
        let lowered = match (lowered, skeleton) {
            (Some(lowered), skeleton) => {
                drop_in_background(skeleton);
                lowered
            }
            (None, Some(Err(Error::Spec(mut diags)))) => {
                diags.extend(warnings);
                diags.extend(validated);
                return Err(Error::Spec(annotated(diags)));
            }
            (None, Some(Err(other))) => return Err(other),
            (None, _) => unreachable!("lowering stops only when the skeleton failed"),
        };
        warnings.extend(validated);
        let (mut api, w) = match lowered {
            Ok(lowered) => lowered,
            Err(Error::Spec(diags)) => {
                warnings.extend(diags);
                return Err(Error::Spec(annotated(warnings)));
            }
            Err(other) => return Err(other),
        };
        warnings.extend(w);
        drop_in_background(raw);
        // Extern types the spec declares (`x-oagen-type`); the config's win.
        let declared = std::mem::take(&mut api.settings.extern_types);
        api.settings = self.settings.clone();
        for (schema, path) in declared {
            api.settings.extern_types.entry(schema).or_insert(path);
        }
        for (schema, path) in &self.settings.extern_types {
            if let Err(reason) = lower::type_path(path) {
                let pointer = api
                    .types
                    .iter()
                    .find(|t| &t.name.wire == schema)
                    .map_or_else(String::new, |t| t.origin.pointer.clone());
                errors.push(
                    Diagnostic::error(
                        Origin::new(display, pointer),
                        format!(
                            "`Config::extern_type` for schema `{schema}` is not a Rust type path: {reason}"
                        ),
                    )
                    .with_hint(lower::TYPE_PATH_HINT),
                );
            }
        }
        api.settings.serde_feature = self.layout == Layout::Crate;
        api.settings.tag_features = self.features_per_tag.then(|| {
            module_name(&spec.module, self.multi(), index)
                .map_or_else(String::new, |m| format!("{m}-"))
        });
        self.select_operations(&mut api, &mut warnings, &mut errors);
        let warnings = annotated(warnings);
        if errors.is_empty() {
            Ok((api, warnings))
        } else {
            errors.extend(warnings);
            errors.sort();
            Err(Error::Spec(annotated(errors)))
        }
    }

    /// True when the crate has modules (a named spec, or several specs).
    fn multi(&self) -> bool {
        self.specs.iter().any(|s| s.module.is_some()) || self.specs.len() > 1
    }

    /// The back half of the pipeline: emits and renders what [`Config::lower_configured`]
    /// returned.
    ///
    /// # Errors
    /// [`Error::Internal`] for an oagen bug (generated tokens that do not parse).
    pub fn render(&self, lowered: Lowered) -> Result<Generated, Error> {
        let Lowered {
            mut specs,
            warnings,
        } = lowered;
        let multi = self.multi();
        let crate_name = self.crate_name.clone().unwrap_or_else(|| {
            specs
                .first()
                .map(|s| default_crate_name(&s.api.title))
                .unwrap_or_else(|| "api-client".to_string())
        });
        if self.layout == Layout::Crate {
            check_crate_name(&crate_name)?;
        }
        if self.layout == Layout::Crate {
            let root = crate_name.replace('-', "_");
            for spec in &mut specs {
                spec.api.settings.doc_examples = Some(match &spec.module {
                    Some(module) => format!("{root}::{module}"),
                    None => root.clone(),
                });
            }
        }
        // Each spec's text goes into the crate as it is: moved there, not copied (a large
        // spec's text is megabytes).
        let mut texts: Vec<String> = specs
            .iter_mut()
            .map(|s| std::mem::take(&mut s.text))
            .collect();
        // The README's module sections (the operation surfaces again) and the examples the
        // check after rendering accepts are made beside emit.
        let module_readmes = || -> (Vec<readme::ModuleReadme>, Vec<String>) {
            let readmes = specs
                .iter()
                .filter_map(|s| readme::module(&s.api, s.module.as_deref()))
                .collect();
            let examples = specs
                .iter()
                .flat_map(|s| emit::example::all(&s.api))
                .collect();
            (readmes, examples)
        };
        std::thread::scope(|scope| {
            let readmes = std::thread::Builder::new().spawn_scoped(scope, module_readmes);
            let mut files = BTreeMap::new();
            let mut infos = Vec::new();
            let mut features: Vec<cargo::CargoFeature> = Vec::new();
            for (spec, text) in specs.iter().zip(&mut texts) {
                let (api, name) = (&spec.api, spec.module.clone());
                let info = emit::ModuleInfo::of(api, name.clone());
                let header = render::header(&api.file, &self.command);
                match self.layout {
                    Layout::SingleFile => {
                        let module = emit::emit(api);
                        let file_name = format!("{}.rs", name.as_deref().unwrap_or("api"));
                        let text =
                            render::rust_file(emit::single_file(&module), &header, &file_name)?;
                        files.insert(PathBuf::from(file_name), text);
                    }
                    Layout::Crate => module_files(api, &info, &header, &mut files)?,
                }
                if self.layout == Layout::Crate {
                    files.insert(
                        spec_copy_path(name.as_deref(), &spec.path),
                        std::mem::take(text),
                    );
                }
                features.extend(info.feature.iter().map(|f| cargo::CargoFeature {
                    name: f.clone(),
                    requires: Vec::new(),
                }));
                features.extend(api.tag_features().into_iter().map(|f| cargo::CargoFeature {
                    name: f,
                    requires: info.feature.iter().cloned().collect(),
                }));
                infos.push(info);
            }
            let (readmes, examples) = match readmes {
                Ok(job) => job.join().unwrap_or_else(|e| std::panic::resume_unwind(e)),
                Err(_) => module_readmes(),
            };
            let runtime_parts = self.add_runtime(&mut files)?;
            if self.layout == Layout::Crate {
                let description = self.description.clone().unwrap_or_else(|| {
                    let titles: Vec<&str> = infos.iter().map(|i| i.title.as_str()).collect();
                    format!("Typed async client for {}", titles.join(", "))
                });
                if multi {
                    let header = render::header("oagen.toml", &self.command);
                    let tokens = emit::crate_root(&infos);
                    files.insert(
                        PathBuf::from("src/lib.rs"),
                        render::rust_file(tokens, &header, "src/lib.rs")?,
                    );
                }
                let cargo = cargo::cargo_toml(
                    &crate_name,
                    self.crate_version.as_deref().unwrap_or("0.1.0"),
                    &description,
                    &features,
                    self.standalone,
                    &render::header("templates/Cargo.toml.jinja", &self.command)
                        .replacen("//", "#", 1),
                    &runtime_parts,
                )?;
                files.insert(PathBuf::from("Cargo.toml"), cargo);
                let header = render::header("templates/README.md.jinja", &self.command);
                let header = format!("<!-- {} -->", header.trim_start_matches("// ").trim_end());
                files.insert(
                    PathBuf::from("README.md"),
                    readme::readme(&crate_name, &description, &readmes, &header)?,
                );
            }
            let examples: std::collections::HashSet<&str> = examples
                .iter()
                .map(String::as_str)
                .chain(readmes.iter().flat_map(readme::examples))
                .collect();
            guard::check_code_blocks(&files, &examples)?;
            Ok(Generated { files, warnings })
        })
    }
}

impl Config {
    /// Adds the runtime the generated API modules in `files` use: one for all of them,
    /// `src/runtime/` in a crate, `runtime.rs` (for `include!`) in single-file layout.
    ///
    /// # Errors
    /// [`Error::Internal`] when a runtime template does not parse (an oagen bug).
    fn add_runtime(
        &self,
        files: &mut BTreeMap<PathBuf, String>,
    ) -> Result<Vec<&'static str>, Error> {
        let code = files
            .iter()
            .filter(|(path, _)| path.extension().is_some_and(|e| e == "rs"))
            .map(|(_, text)| text.as_str());
        let parts = runtime::select(code)?;
        match self.layout {
            Layout::Crate => {
                files.extend(runtime::crate_files(&parts, |template| {
                    render::header(template, &self.command)
                }));
            }
            Layout::SingleFile => {
                let header = render::header("templates/runtime/", &self.command);
                let tokens = runtime::single_file_tokens(&parts)?;
                let text = render::rust_file(tokens, &header, RUNTIME_FILE)?;
                files.insert(PathBuf::from(RUNTIME_FILE), text);
            }
        }
        Ok(parts.iter().map(|p| p.name()).collect())
    }
}

/// One spec of a [`Config`]: where it is and which overlays apply to it.
#[derive(Debug, Clone)]
struct SpecEntry {
    module: Option<String>,
    path: PathBuf,
    overlays: Vec<PathBuf>,
    /// The spec's text, when given instead of the file's (see `Config::spec_text`).
    text: Option<String>,
}

/// What [`Config::lower_configured`] returns: each spec lowered, and every warning.
#[derive(Debug, Clone)]
pub struct Lowered {
    /// The specs, in the order configured.
    pub specs: Vec<LoweredSpec>,
    /// Every warning of every spec and overlay, sorted per spec.
    pub warnings: Vec<Diagnostic>,
}

/// One lowered spec.
#[derive(Debug, Clone)]
pub struct LoweredSpec {
    /// Its module: the configured name, `api{i}` in a crate with several specs, or `None`
    /// for a single spec generated at the crate root.
    pub module: Option<String>,
    /// The spec file, as configured (relative to [`Config::root`]).
    pub path: PathBuf,
    /// The IR, after the configured passes.
    pub api: ir::Api,
    /// The spec's text as read (before overlays): the crate keeps a verbatim copy.
    pub text: String,
}

/// The files of one API module in a crate (`types.rs`, `client.rs`, the module root and
/// `webhooks.rs`), under `src/` or `src/{module}/`, rendered into `files`.
///
/// # Errors
/// [`Error::Internal`] for an oagen bug (generated tokens that do not parse).
fn module_files(
    api: &ir::Api,
    info: &emit::ModuleInfo,
    header: &str,
    files: &mut BTreeMap<PathBuf, String>,
) -> Result<(), Error> {
    let name = &info.name;
    let dir = match name {
        Some(n) => PathBuf::from("src").join(n),
        None => PathBuf::from("src"),
    };
    let root_file = if name.is_some() { "mod.rs" } else { "lib.rs" };
    let types = emit::TypeItems::new(api);
    let path = dir.join("types.rs");
    let text = render::rust_file_items(
        types.inner(),
        types.len(),
        |i| types.item(i),
        header,
        &path.to_string_lossy(),
    )?;
    files.insert(path, text);
    let client = emit::ClientItems::new(api);
    let path = dir.join("client.rs");
    let text = render::rust_file_with_impl(
        client.head(),
        client.len(),
        |i| client.operation(i),
        client.servers(),
        header,
        &path.to_string_lossy(),
    )?;
    files.insert(path, text);
    let webhooks = emit::emit_webhooks(api).map(|w| ("webhooks.rs", w));
    for (file, tokens) in [(root_file, emit::module_root(info, name.is_none()))]
        .into_iter()
        .chain(webhooks)
    {
        let path = dir.join(file);
        let text = render::rust_file(tokens, header, &path.to_string_lossy())?;
        files.insert(path, text);
    }
    Ok(())
}

/// A path as diagnostics name it (forward slashes).
fn display_path(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// The runtime's file in single-file layout, `include!`d beside the API modules.
pub const RUNTIME_FILE: &str = "runtime.rs";

/// The module of the `i`th spec: its configured name, or `api{i}` in a crate with several.
fn module_name(module: &Option<String>, multi: bool, i: usize) -> Option<String> {
    module.clone().or_else(|| multi.then(|| format!("api{i}")))
}

/// What a module name may be, for diagnostics.
pub(crate) const MODULE_NAME_HINT: &str =
    "a module name is ASCII letters, digits and `_`, not starting with a digit, e.g. `billing_v2`";

/// Why `name` cannot name a spec's module (a Rust module, a Cargo feature and a file
/// name), or `None` when it can: ASCII letters, digits and `_`, not starting with a
/// digit, and not `_`, `self`, `Self`, `super` or `crate` (which cannot be written as raw
/// identifiers; other keywords are written as `r#type`).
pub(crate) fn module_name_error(name: &str) -> Option<String> {
    let valid = name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !valid {
        return Some(format!(
            "`{}` is not a Rust identifier",
            name.escape_debug()
        ));
    }
    if matches!(name, "_" | "self" | "Self" | "super" | "crate") {
        return Some(format!("`{name}` is reserved in Rust paths"));
    }
    None
}

/// Where a generated crate keeps the copy of the spec it was generated from:
/// `specs/<module>.<extension of the spec>`.
pub fn spec_copy_path(module: Option<&str>, spec: &Path) -> PathBuf {
    let ext = spec.extension().and_then(|e| e.to_str()).unwrap_or("json");
    PathBuf::from("specs").join(format!("{}.{ext}", module.unwrap_or("api")))
}

/// The crate name made from a spec's title: kebab case, ASCII letters and digits only,
/// `api-` in front of a leading digit (`2GIS API` → `api-2gis-api`), `api-client` when
/// nothing is left.
fn default_crate_name(title: &str) -> String {
    let kebab = heck::ToKebabCase::to_kebab_case(title);
    let mut name = String::with_capacity(kebab.len());
    for c in kebab.chars() {
        if c.is_ascii_alphanumeric() {
            name.push(c);
        } else if !name.is_empty() && !name.ends_with('-') {
            name.push('-');
        }
    }
    let name = name.trim_end_matches('-');
    if name.is_empty() {
        "api-client".to_string()
    } else if name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("api-{name}")
    } else {
        name.to_string()
    }
}

/// Frees `value` on a thread of its own, which the caller does not wait for: a large
/// document's tree takes a while to free (Microsoft Graph's, 20 MB of JSON: 0.1 s) while
/// emit and render need none of it. Where no thread can be started, it is freed here.
fn drop_in_background<T: Send + 'static>(value: T) {
    // On an error the closure, and `value` with it, is dropped at once.
    let _ = std::thread::Builder::new()
        .name("oagen-free".into())
        .spawn(move || drop(value));
}

/// [`Error::CrateName`] unless `name` is a Cargo package name crates.io accepts: ASCII
/// letters, digits, `-` and `_`, starting with a letter or `_` (Cargo's rule, narrowed to
/// ASCII as crates.io narrows it).
fn check_crate_name(name: &str) -> Result<(), Error> {
    let reason = if name.is_empty() {
        Some("it is empty".to_string())
    } else if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
    {
        Some(format!(
            "`{c}` is not allowed (ASCII letters, digits, `-` and `_` are)"
        ))
    } else if name.starts_with(|c: char| c.is_ascii_digit()) {
        Some("it starts with a digit".to_string())
    } else {
        None
    };
    match reason {
        Some(reason) => Err(Error::CrateName {
            name: name.to_string(),
            reason,
        }),
        None => Ok(()),
    }
}

/// Helpers shared by unit tests.
#[cfg(test)]
pub(crate) mod testing {
    /// Every string of up to `max_len` characters over `alphabet`, the empty one first, then
    /// by length: the inputs of the exhaustive comparisons of fast paths with the rules they
    /// stand for.
    pub(crate) fn strings_over(alphabet: &[char], max_len: usize) -> Vec<String> {
        let mut last = vec![String::new()];
        let mut all = last.clone();
        for _ in 0..max_len {
            last = last
                .iter()
                .flat_map(|s| alphabet.iter().map(move |c| format!("{s}{c}")))
                .collect();
            all.extend(last.iter().cloned());
        }
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crate_names_from_titles_are_valid() {
        for (title, name) in [
            ("Stripe API", "stripe-api"),
            ("2GIS API", "api-2gis-api"),
            ("Über Dienste (v2)", "ber-dienste-v2"),
            ("中文", "api-client"),
        ] {
            assert_eq!(default_crate_name(title), name);
            assert!(check_crate_name(name).is_ok(), "{name}");
        }
    }

    #[test]
    fn crate_names_follow_cargo_rules() {
        for ok in ["stripe", "bird-sdk", "voice_apis", "_x", "api-2gis"] {
            assert!(check_crate_name(ok).is_ok(), "{ok}");
        }
        for (bad, why) in [
            ("stripe.com", "`.` is not allowed"),
            ("2gis", "starts with a digit"),
            ("", "empty"),
            ("a b", "` ` is not allowed"),
        ] {
            let err = check_crate_name(bad).unwrap_err().to_string();
            assert!(err.contains(why) && err.contains(bad), "{err}");
        }
    }
}
