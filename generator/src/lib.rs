//! # oagen — OpenAPI 3.0/3.1 → idiomatic async Rust SDKs
//!
//! An engine library with thin front ends: the `oagen` CLI, build scripts, the snapshot
//! tests and the freshness check all call [`Config::generate`], so they cannot disagree.
//!
//! The pipeline, one module per stage, each with its own data type:
//!
//! 1. [`load`]: spec text → [`load::Document`] (raw JSON kept, nothing lost);
//! 2. [`lower`]: document → [`ir::Api`] (named types and operations, with origins);
//! 3. [`emit`]: IR → token streams (the only stage using `quote`);
//! 4. [`render`]: tokens → formatted files with an `@generated` header.
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

pub mod diag;
pub mod diff;
pub mod emit;
pub mod ir;
pub mod load;
pub mod lower;
pub mod manifest;
pub mod naming;
pub mod render;
pub mod surface;
pub mod sync;

pub use diag::{Diagnostic, Error, Origin, Severity};
pub use ir::{MapType, PaginationRule};

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

/// The runtime module copied into every generated crate.
const RUNTIME: &str = include_str!("../../templates/runtime.rs");
/// The `Cargo.toml` template of a generated crate.
const CARGO_TEMPLATE: &str = include_str!("../../templates/Cargo.toml.jinja");

/// How generated code is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Layout {
    /// A crate: `Cargo.toml` and `src/` with a module per spec (or the spec at the root
    /// when it has no module name).
    #[default]
    Crate,
    /// One self-contained `<module>.rs` per spec, for `include!` from a build script's
    /// `OUT_DIR`.
    SingleFile,
}

/// What to generate. Setters take `&mut self` and return `&mut Self` (as in prost-build).
#[derive(Debug, Clone)]
pub struct Config {
    root: PathBuf,
    specs: Vec<(Option<String>, PathBuf)>,
    crate_name: Option<String>,
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
            crate_name: None,
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
    /// `Deserialize`, `Debug`, `Clone` and `PartialEq`.
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
    /// (documented in [`lower::pagination`]) do not recognise them or recognise them
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
    /// self-contained `<module>.rs` in [`Config::out_dir`] (default `OUT_DIR`), for
    /// `include!`. The module name is the file stem in snake_case
    /// (`specs/patch-call.json` → `patch_call.rs`).
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
        for (_, spec) in &self.specs {
            println!("cargo:rerun-if-changed={}", self.root.join(spec).display());
        }
        let generated = self.generate()?;
        for warning in &generated.warnings {
            println!("cargo:warning={}", warning.to_string().replace('\n', " "));
        }
        if let Some(manifest) = std::env::var_os("CARGO_MANIFEST_DIR") {
            check_dependencies(&Path::new(&manifest).join("Cargo.toml"), &generated)?;
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
        self.specs.push((None, path.as_ref().to_path_buf()));
        self
    }

    /// Adds a spec generated as module `name` (also the name of its Cargo feature).
    pub fn module(&mut self, name: &str, path: impl AsRef<Path>) -> &mut Self {
        self.specs
            .push((Some(name.to_string()), path.as_ref().to_path_buf()));
        self
    }

    /// The Cargo package name of the generated crate.
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
    /// [`Error::Io`] when a spec cannot be read, [`Error::Internal`] for an oagen bug.
    pub fn generate(&self) -> Result<Generated, Error> {
        let mut warnings = Vec::new();
        let mut errors = Vec::new();
        let mut apis = Vec::new();
        let multi = self.specs.iter().any(|(m, _)| m.is_some()) || self.specs.len() > 1;
        for (i, (module, path)) in self.specs.iter().enumerate() {
            let display = path.to_string_lossy().replace('\\', "/");
            let result = load::load_file(&self.root.join(path), &display)
                .and_then(|doc| lower::lower(&doc).map(|(api, w)| (doc, api, w)));
            match result {
                Ok((doc, mut api, w)) => {
                    warnings.extend(w);
                    api.settings = self.settings.clone();
                    api.settings.tag_features = self.features_per_tag.then(|| {
                        module_name(module, multi, i).map_or_else(String::new, |m| format!("{m}-"))
                    });
                    self.select_operations(&doc.raw, &mut api, &mut warnings, &mut errors);
                    apis.push((module.clone(), api));
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

        let mut files = BTreeMap::new();
        let runtime_header = render::header("templates/runtime.rs", &self.command);
        let runtime_text = format!("{runtime_header}\n\n{RUNTIME}");
        let mut infos = Vec::new();
        let mut features: Vec<CargoFeature> = Vec::new();
        for (i, ((module, api), (_, path))) in apis.iter().zip(&self.specs).enumerate() {
            let name = module_name(module, multi, i);
            let info = emit::ModuleInfo {
                name: name.clone(),
                feature: name.clone(),
                title: format!("{} {}", api.title.replace('\n', " "), api.version),
                file: api.file.clone(),
            };
            let header = render::header(&api.file, &self.command);
            let module = emit::emit(api);
            match self.layout {
                Layout::SingleFile => {
                    let runtime = syn::parse_file(RUNTIME).map_err(|e| Error::Internal {
                        item: "templates/runtime.rs".into(),
                        message: e.to_string(),
                    })?;
                    let file_name = format!("{}.rs", name.as_deref().unwrap_or("api"));
                    let text = render::rust_file(
                        emit::single_file(&runtime, &module),
                        &header,
                        &file_name,
                    )?;
                    files.insert(PathBuf::from(file_name), text);
                }
                Layout::Crate => {
                    let dir = match &name {
                        Some(n) => PathBuf::from("src").join(n),
                        None => PathBuf::from("src"),
                    };
                    let root_file = if name.is_some() { "mod.rs" } else { "lib.rs" };
                    for (file, tokens) in [
                        (root_file, emit::module_root(&info, name.is_none())),
                        ("types.rs", module.types),
                        ("client.rs", module.client),
                    ] {
                        let path = dir.join(file);
                        let text = render::rust_file(tokens, &header, &path.to_string_lossy())?;
                        files.insert(path, text);
                    }
                }
            }
            if self.layout == Layout::Crate {
                let source = self.root.join(path);
                let text = std::fs::read_to_string(&source).map_err(|e| Error::io(&source, e))?;
                files.insert(spec_copy_path(name.as_deref(), path), text);
            }
            features.extend(info.feature.iter().map(|f| CargoFeature {
                name: f.clone(),
                requires: Vec::new(),
            }));
            features.extend(api.tag_features().into_iter().map(|f| CargoFeature {
                name: f,
                requires: info.feature.iter().cloned().collect(),
            }));
            infos.push(info);
        }
        if self.layout == Layout::Crate {
            files.insert(PathBuf::from("src/runtime.rs"), runtime_text);
            let description = self.description.clone().unwrap_or_else(|| {
                let titles: Vec<&str> = infos.iter().map(|i| i.title.as_str()).collect();
                format!("Typed async client for {}", titles.join(", "))
            });
            if multi {
                let header = render::header("oagen.toml", &self.command);
                let tokens = emit::crate_root(&description, &infos);
                files.insert(
                    PathBuf::from("src/lib.rs"),
                    render::rust_file(tokens, &header, "src/lib.rs")?,
                );
            }
            let crate_name = self.crate_name.clone().unwrap_or_else(|| {
                apis.first()
                    .map(|(_, a)| heck::ToKebabCase::to_kebab_case(a.title.as_str()))
                    .filter(|n| !n.is_empty())
                    .unwrap_or_else(|| "api-client".to_string())
            });
            let cargo = cargo_toml(
                &crate_name,
                &description,
                &features,
                self.standalone,
                &render::header("templates/Cargo.toml.jinja", &self.command).replacen("//", "#", 1),
            )?;
            files.insert(PathBuf::from("Cargo.toml"), cargo);
        }
        Ok(Generated { files, warnings })
    }
}

/// The module of the `i`th spec: its configured name, or `api{i}` in a crate with several.
fn module_name(module: &Option<String>, multi: bool, i: usize) -> Option<String> {
    module.clone().or_else(|| multi.then(|| format!("api{i}")))
}

/// Where a generated crate keeps the copy of the spec it was generated from:
/// `specs/<module>.<extension of the spec>`.
pub fn spec_copy_path(module: Option<&str>, spec: &Path) -> PathBuf {
    let ext = spec.extension().and_then(|e| e.to_str()).unwrap_or("json");
    PathBuf::from("specs").join(format!("{}.{ext}", module.unwrap_or("api")))
}

/// Files in an output directory that oagen keeps but does not generate.
const PRESERVED: &[&str] = &["CHANGELOG.md"];

impl Config {
    /// Applies the include/exclude selectors to one API; a selector that matches no
    /// operation, and a derive or extern type that names no schema, is a warning.
    fn select_operations(
        &self,
        raw: &serde_json::Value,
        api: &mut ir::Api,
        warnings: &mut Vec<Diagnostic>,
        errors: &mut Vec<Diagnostic>,
    ) {
        let origin = || Origin::new(api.file.clone(), "");
        for op in &mut api.operations {
            if self.no_pagination.iter().any(|s| s.matches(op)) {
                op.pagination = None;
            }
        }
        let mut forced = Vec::new();
        for (i, op) in api.operations.iter().enumerate() {
            if let Some((_, rule)) = self.forced_pagination.iter().find(|(s, _)| s.matches(op)) {
                match lower::pagination::apply_rule(api, raw, op, rule) {
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
        let forced_selectors = self.forced_pagination.iter().map(|(s, _)| s);
        for selector in self
            .include
            .iter()
            .chain(&self.exclude)
            .chain(&self.no_pagination)
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
        let configured = self
            .settings
            .derives
            .keys()
            .chain(self.settings.extern_types.keys());
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
                (self.include.is_empty() || self.include.iter().any(|s| s.matches(op)))
                    && !self.exclude.iter().any(|s| s.matches(op))
            })
            .collect();
        let mut keep = keep.into_iter();
        api.operations.retain(|_| keep.next().unwrap_or(true));
    }
}

/// The crates generated code may use: the `[dependencies]` of the generated crates'
/// `Cargo.toml` template (`templates/Cargo.toml.jinja`), so the two never disagree. A crate
/// that `include!`s generated code must list those the code uses; [`Config::compile`]
/// checks its `Cargo.toml` and names what is missing.
pub fn runtime_dependencies() -> Vec<String> {
    let Ok(text) = cargo_toml("x", "x", &[], false, "") else {
        return Vec::new();
    };
    toml::from_str::<toml::Table>(&text)
        .ok()
        .and_then(|t| {
            t.get("dependencies")
                .and_then(toml::Value::as_table)
                .cloned()
        })
        .map(|deps| deps.keys().cloned().collect())
        .unwrap_or_default()
}

/// True when `code` refers to crate `name` by path (`name::…` not preceded by an
/// identifier character, so `my_tokio::` does not count).
fn uses_crate(code: &str, name: &str) -> bool {
    let needle = format!("{name}::");
    code.match_indices(&needle).any(|(i, _)| {
        !code[..i]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_')
    })
}

/// Fails, naming the crates, when the build script's crate does not list what the generated
/// code needs.
fn check_dependencies(manifest: &Path, generated: &Generated) -> Result<(), Error> {
    let Ok(text) = std::fs::read_to_string(manifest) else {
        return Ok(());
    };
    let Ok(parsed) = toml::from_str::<toml::Table>(&text) else {
        return Ok(());
    };
    let deps = parsed.get("dependencies").and_then(toml::Value::as_table);
    let code: String = generated.files.values().map(String::as_str).collect();
    let needed: Vec<String> = runtime_dependencies()
        .into_iter()
        .filter(|name| uses_crate(&code, name))
        .collect();
    let missing: Vec<String> = needed
        .into_iter()
        .filter(|name| deps.is_none_or(|d| !d.contains_key(name)))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    Err(Error::Manifest {
        path: manifest.display().to_string(),
        message: format!(
            "the generated code needs these crates under [dependencies]: {}",
            missing.join(", ")
        ),
    })
}

/// A feature of the generated `Cargo.toml`.
#[derive(Debug, Clone, serde::Serialize)]
struct CargoFeature {
    name: String,
    requires: Vec<String>,
}

fn cargo_toml(
    name: &str,
    description: &str,
    features: &[CargoFeature],
    standalone: bool,
    header: &str,
) -> Result<String, Error> {
    let mut env = minijinja::Environment::new();
    env.add_template("Cargo.toml", CARGO_TEMPLATE)
        .and_then(|_| env.get_template("Cargo.toml"))
        .and_then(|t| {
            t.render(minijinja::context! {
                header => header,
                name => name,
                description => description,
                features => features,
                standalone => standalone,
            })
        })
        .map(|mut text| {
            if !text.ends_with('\n') {
                text.push('\n');
            }
            text
        })
        .map_err(|e| Error::Internal {
            item: "templates/Cargo.toml.jinja".into(),
            message: e.to_string(),
        })
}

/// Rendered files, in memory, keyed by path relative to the output directory.
#[derive(Debug, Clone)]
pub struct Generated {
    /// Relative path → file contents.
    pub files: BTreeMap<PathBuf, String>,
    /// Warnings from every stage, each with file and JSON pointer.
    pub warnings: Vec<Diagnostic>,
}

impl Generated {
    /// The files under `dir` that differ from the generated ones: missing, changed, or no
    /// longer generated. Empty when `dir` is up to date.
    pub fn stale_files(&self, dir: &Path) -> Vec<String> {
        let mut stale = Vec::new();
        for (path, text) in &self.files {
            match std::fs::read_to_string(dir.join(path)) {
                Ok(existing) if existing == *text => {}
                Ok(_) => stale.push(format!("{} (changed)", dir.join(path).display())),
                Err(_) => stale.push(format!("{} (missing)", dir.join(path).display())),
            }
        }
        for extra in list_files(dir) {
            let preserved = PRESERVED.iter().any(|p| extra == Path::new(p));
            if !self.files.contains_key(&extra) && !preserved {
                stale.push(format!(
                    "{} (no longer generated)",
                    dir.join(&extra).display()
                ));
            }
        }
        stale
    }

    /// Like [`Generated::stale_files`], as an [`Error::Stale`] naming `command`.
    ///
    /// # Errors
    /// [`Error::Stale`] when any file is out of date.
    pub fn check(&self, dir: &Path, command: &str) -> Result<(), Error> {
        let files = self.stale_files(dir);
        if files.is_empty() {
            Ok(())
        } else {
            Err(Error::Stale {
                files,
                command: command.to_string(),
            })
        }
    }

    /// Writes the files into `dir` (created if needed), rewriting only those whose content
    /// changed, so Cargo sees no change when there is none. Other files in `dir` are left
    /// alone (a build script's `OUT_DIR` is shared).
    ///
    /// # Errors
    /// [`Error::Io`] naming the path that could not be written.
    pub fn write_changed(&self, dir: impl AsRef<Path>) -> Result<(), Error> {
        let dir = dir.as_ref();
        for (path, text) in &self.files {
            let target = dir.join(path);
            if std::fs::read_to_string(&target).ok().as_deref() == Some(text.as_str()) {
                continue;
            }
            if let Some(p) = target.parent() {
                std::fs::create_dir_all(p).map_err(|e| Error::io(p, e))?;
            }
            // Write beside and rename, so an interrupted build never leaves half a file.
            let tmp = target.with_extension("rs.oagen-tmp");
            std::fs::write(&tmp, text).map_err(|e| Error::io(&tmp, e))?;
            std::fs::rename(&tmp, &target).map_err(|e| Error::io(&target, e))?;
        }
        Ok(())
    }

    /// Replaces `dir` with the generated files, atomically: everything is written to a
    /// sibling temporary directory first and renamed into place, so a failure leaves the
    /// previous output untouched. Does nothing when `dir` is already up to date.
    ///
    /// # Errors
    /// [`Error::Io`] naming the path that could not be written.
    pub fn write(&self, dir: impl AsRef<Path>) -> Result<(), Error> {
        let dir = dir.as_ref();
        if dir.exists() && self.stale_files(dir).is_empty() {
            return Ok(());
        }
        let parent = dir
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        let base = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "out".into());
        let tmp = parent.join(format!(".{base}.oagen-new-{}", std::process::id()));
        let old = parent.join(format!(".{base}.oagen-old-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&tmp);
        let result = (|| {
            for (path, text) in &self.files {
                let target = tmp.join(path);
                if let Some(p) = target.parent() {
                    std::fs::create_dir_all(p).map_err(|e| Error::io(p, e))?;
                }
                std::fs::write(&target, text).map_err(|e| Error::io(&target, e))?;
            }
            for keep in PRESERVED {
                let (from, to) = (dir.join(keep), tmp.join(keep));
                if from.is_file() && !self.files.contains_key(Path::new(keep)) {
                    std::fs::copy(&from, &to).map_err(|e| Error::io(&to, e))?;
                }
            }
            if dir.exists() {
                std::fs::rename(dir, &old).map_err(|e| Error::io(dir, e))?;
            }
            if let Err(e) = std::fs::rename(&tmp, dir) {
                let _ = std::fs::rename(&old, dir);
                return Err(Error::io(dir, e));
            }
            let _ = std::fs::remove_dir_all(&old);
            Ok(())
        })();
        if result.is_err() {
            let _ = std::fs::remove_dir_all(&tmp);
        }
        result
    }
}

/// Files below `dir` (relative paths), skipping `target/` and hidden entries.
fn list_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![PathBuf::new()];
    while let Some(rel) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(dir.join(&rel)) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') || (rel.as_os_str().is_empty() && name == "target") {
                continue;
            }
            let path = rel.join(&name);
            match entry.file_type() {
                Ok(t) if t.is_dir() => stack.push(path),
                Ok(_) => out.push(path),
                Err(_) => {}
            }
        }
    }
    out.sort();
    out
}
