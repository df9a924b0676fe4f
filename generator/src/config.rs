//! [`Config`]: what to generate (specs, overlays, layout, selections, settings), set with
//! prost-build-style setters; [`Config::generate`] runs [`crate::pipeline`].

use crate::diag::{Diagnostic, Error};
use crate::pipeline::{Plan, SpecEntry};
use crate::{cargo, escape, ir, naming, Generated, Layout, Lowered, Selector};
use std::path::{Path, PathBuf};

/// What to generate. Setters take `&mut self` and return `&mut Self` (as in prost-build).
#[derive(Debug, Clone)]
pub struct Config {
    plan: Plan,
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
            plan: Plan {
                root: PathBuf::from("."),
                specs: Vec::new(),
                pending_overlays: Vec::new(),
                pending_webhook_scheme: None,
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
            },
        }
    }

    /// Treats every warning (a construct typed less precisely than the spec says, an
    /// undeclared path parameter, a selector that matches nothing) as an error.
    pub fn strict(&mut self, strict: bool) -> &mut Self {
        self.plan.strict = strict;
        self
    }

    /// Where [`Config::compile`] writes (default: the `OUT_DIR` Cargo gives a build script).
    pub fn out_dir(&mut self, dir: impl AsRef<Path>) -> &mut Self {
        self.plan.out_dir = Some(dir.as_ref().to_path_buf());
        self
    }

    /// Adds `#[derive(…)]`s to the type of schema `schema` (its name under
    /// `components/schemas`), or to every generated type with `"*"`. Each derive is a Rust
    /// path, e.g. `"Eq"` or `"schemars::JsonSchema"`.
    pub fn derive(&mut self, schema: &str, derives: &[&str]) -> &mut Self {
        self.plan
            .settings
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
        self.plan
            .settings
            .extern_types
            .insert(schema.to_string(), rust_path.to_string());
        self
    }

    /// The Rust map type for objects with `additionalProperties` (default `BTreeMap`).
    pub fn map_type(&mut self, map_type: ir::MapType) -> &mut Self {
        self.plan.settings.map_type = map_type;
        self
    }

    /// Generates only the operations one of these selectors picks (all when none is given).
    pub fn include_operations(&mut self, selectors: &[Selector]) -> &mut Self {
        self.plan.include.extend_from_slice(selectors);
        self
    }

    /// Generates no `…_stream` pagination method for these operations, even when they match
    /// the pagination rule (documented on [`ir::Pagination`]).
    pub fn disable_pagination(&mut self, selectors: &[Selector]) -> &mut Self {
        self.plan.no_pagination.extend_from_slice(selectors);
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
            self.plan.forced_pagination.push((s.clone(), rule.clone()));
        }
        self
    }

    /// Leaves out the operations one of these selectors picks.
    pub fn exclude_operations(&mut self, selectors: &[Selector]) -> &mut Self {
        self.plan.exclude.extend_from_slice(selectors);
        self
    }

    /// The build-script entry point (as in prost-build): generates each spec as one
    /// `<module>.rs` in [`Config::out_dir`] (default `OUT_DIR`), and the runtime they share
    /// as [`RUNTIME_FILE`](crate::RUNTIME_FILE), for `include!` ([`Layout::SingleFile`]). The module name is the
    /// file stem in snake_case (`specs/patch-call.json` → `patch_call.rs`).
    ///
    /// For Cargo it prints `cargo:rerun-if-changed` for every spec read, each warning as a
    /// `cargo:warning`, and rewrites only files whose content changed, so an unchanged spec
    /// causes no rebuild. It checks that the crate's `Cargo.toml` lists the crates the
    /// generated code needs (see [`runtime_dependencies`](crate::runtime_dependencies)).
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
        let out = match &self.plan.out_dir {
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
        for spec in &self.plan.specs {
            for file in std::iter::once(&spec.path).chain(&spec.overlays) {
                println!(
                    "cargo:rerun-if-changed={}",
                    self.plan.root.join(file).display()
                );
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
        self.plan.root = root.as_ref().to_path_buf();
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
        self.plan.specs.push(SpecEntry {
            module,
            path: path.to_path_buf(),
            overlays: std::mem::take(&mut self.plan.pending_overlays),
            webhook_scheme: self.plan.pending_webhook_scheme.take(),
            text: None,
        });
        self
    }

    /// Applies the overlay at `path` (an [OpenAPI Overlay 1.0.0] document, relative to
    /// [`Config::root`]) to the last spec added, after the overlays given before it; see
    /// [`overlay`](crate::overlay) for what an overlay can do. Called before any spec is added, the overlay
    /// goes to the next spec added, so `Config::new().overlay("fix.yaml").compile(&["api.json"])`
    /// works. [`Config::compile`] prints `cargo:rerun-if-changed` for overlays too.
    ///
    /// [OpenAPI Overlay 1.0.0]: https://spec.openapis.org/overlay/v1.0.0.html
    pub fn overlay(&mut self, path: impl AsRef<Path>) -> &mut Self {
        let path = path.as_ref().to_path_buf();
        match self.plan.specs.last_mut() {
            Some(spec) => spec.overlays.push(path),
            None => self.plan.pending_overlays.push(path),
        }
        self
    }

    /// How the last spec added signs its webhook deliveries, which decides the `verify` of
    /// its `webhooks` module; wins over the spec's `x-oagen-webhooks` extension (see the
    /// README, "Webhooks"). Called before any spec is added, it applies to the next spec
    /// added, as [`Config::overlay`] does.
    pub fn webhook_scheme(&mut self, scheme: ir::WebhookScheme) -> &mut Self {
        match self.plan.specs.last_mut() {
            Some(spec) => spec.webhook_scheme = Some(scheme),
            None => self.plan.pending_webhook_scheme = Some(scheme),
        }
        self
    }

    /// Generates spec `index` (in the order added) from `text` instead of its file, e.g. a
    /// new version fetched by `oagen update` before anything is written. Its file name
    /// still names it in diagnostics and chooses the format.
    #[cfg_attr(not(feature = "cli"), allow(dead_code))]
    pub(crate) fn spec_text(&mut self, index: usize, text: String) -> &mut Self {
        if let Some(spec) = self.plan.specs.get_mut(index) {
            spec.text = Some(text);
        }
        self
    }

    /// The version of the generated crate (its `Cargo.toml`; default `0.1.0`).
    pub fn crate_version(&mut self, version: &str) -> &mut Self {
        self.plan.crate_version = Some(version.to_string());
        self
    }

    /// The Cargo package name of the generated crate.
    ///
    /// Checked when generating: ASCII letters, digits, `-` and `_`, not starting with a
    /// digit (else [`Error::CrateName`]).
    pub fn crate_name(&mut self, name: &str) -> &mut Self {
        self.plan.crate_name = Some(name.to_string());
        self
    }

    /// The package description of the generated crate.
    pub fn description(&mut self, text: &str) -> &mut Self {
        self.plan.description = Some(text.to_string());
        self
    }

    /// The command named in the `@generated` header as the way to regenerate.
    pub fn regenerate_command(&mut self, command: &str) -> &mut Self {
        self.plan.command = command.to_string();
        self
    }

    /// Crate or single-file layout.
    pub fn layout(&mut self, layout: Layout) -> &mut Self {
        self.plan.layout = layout;
        self
    }

    /// Gives the generated `Cargo.toml` an empty `[workspace]` table, so the crate builds
    /// on its own wherever it is written.
    pub fn standalone(&mut self, standalone: bool) -> &mut Self {
        self.plan.standalone = standalone;
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
        self.plan.features_per_tag = on;
        self
    }

    /// Runs the pipeline and returns the rendered files in memory.
    ///
    /// # Errors
    /// [`Error::Spec`] with every error of every spec (each with file and JSON pointer),
    /// [`Error::Io`] when a spec or overlay cannot be read, [`Error::Internal`] for an oagen
    /// bug.
    pub fn generate(&self) -> Result<Generated, Error> {
        crate::pipeline::generate(&self.plan)
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
        crate::pipeline::lower_configured(&self.plan)
    }

    /// The back half of the pipeline: emits and renders what [`Config::lower_configured`]
    /// returned.
    ///
    /// # Errors
    /// [`Error::Internal`] for an oagen bug (generated tokens that do not parse).
    pub fn render(&self, lowered: Lowered) -> Result<Generated, Error> {
        crate::pipeline::render(&self.plan, lowered)
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
        crate::pipeline::lower_source(&self.plan, index, text, display)
    }
}
