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
pub mod sync;

pub use diag::{Diagnostic, Error, Origin, Severity};

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
        }
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

    /// Runs the pipeline and returns the rendered files in memory.
    ///
    /// # Errors
    /// [`Error::Spec`] with every error of every spec (each with file and JSON pointer),
    /// [`Error::Io`] when a spec cannot be read, [`Error::Internal`] for an oagen bug.
    pub fn generate(&self) -> Result<Generated, Error> {
        let mut warnings = Vec::new();
        let mut errors = Vec::new();
        let mut apis = Vec::new();
        for (module, path) in &self.specs {
            let display = path.to_string_lossy().replace('\\', "/");
            let result =
                load::load_file(&self.root.join(path), &display).and_then(|doc| lower::lower(&doc));
            match result {
                Ok((api, w)) => {
                    warnings.extend(w);
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

        let mut files = BTreeMap::new();
        let runtime_header = render::header("templates/runtime.rs", &self.command);
        let runtime_text = format!("{runtime_header}\n\n{RUNTIME}");
        let multi = apis.iter().any(|(m, _)| m.is_some()) || apis.len() > 1;
        let mut infos = Vec::new();
        for (i, ((module, api), (_, path))) in apis.iter().zip(&self.specs).enumerate() {
            let name = module.clone().or_else(|| multi.then(|| format!("api{i}")));
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
            let features: Vec<String> = infos.iter().filter_map(|i| i.feature.clone()).collect();
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

/// Where a generated crate keeps the copy of the spec it was generated from:
/// `specs/<module>.<extension of the spec>`.
pub fn spec_copy_path(module: Option<&str>, spec: &Path) -> PathBuf {
    let ext = spec.extension().and_then(|e| e.to_str()).unwrap_or("json");
    PathBuf::from("specs").join(format!("{}.{ext}", module.unwrap_or("api")))
}

/// Files in an output directory that oagen keeps but does not generate.
const PRESERVED: &[&str] = &["CHANGELOG.md"];

fn cargo_toml(
    name: &str,
    description: &str,
    features: &[String],
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
