//! The pipeline: load → lower → emit → render, in memory (writing is [`crate::Generated`]'s).
//! [`lower_configured`] runs the front half for every spec (parse, overlays, validation,
//! lowering, the configured passes), [`render`] the back half (emit, render, the runtime,
//! `Cargo.toml` and README, and the check that no spec text became a doctest).

use crate::cargo::{check_crate_name, default_crate_name};
use crate::diag::{self, Diagnostic, Error, Origin};
use crate::naming::{module_name_error, MODULE_NAME_HINT};
use crate::{
    cargo, emit, guard, ir, load, lower, overlay, readme, render, runtime, validate, Generated,
    Selector,
};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// How generated code is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Layout {
    /// A crate: `Cargo.toml` and `src/` with a module per spec (or the spec at the root
    /// when it has no module name).
    #[default]
    Crate,
    /// One `<module>.rs` per spec and one [`RUNTIME_FILE`](crate::RUNTIME_FILE) shared by all of them, for
    /// `include!` from a build script's `OUT_DIR`: the runtime file declares
    /// `pub mod runtime`, and each spec's file expects it in its parent module (as
    /// `super::runtime`).
    SingleFile,
}

/// What the pipeline generates: everything a [`Config`](crate::Config) sets, read by each
/// stage.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    pub(crate) root: PathBuf,
    pub(crate) specs: Vec<SpecEntry>,
    /// Overlays given before any spec: they attach to the next spec added.
    pub(crate) pending_overlays: Vec<PathBuf>,
    /// A webhook scheme given before any spec: it goes to the next spec added.
    pub(crate) pending_webhook_scheme: Option<ir::WebhookScheme>,
    pub(crate) crate_name: Option<String>,
    pub(crate) crate_version: Option<String>,
    pub(crate) description: Option<String>,
    pub(crate) command: String,
    pub(crate) layout: Layout,
    pub(crate) standalone: bool,
    pub(crate) out_dir: Option<PathBuf>,
    pub(crate) settings: ir::Settings,
    pub(crate) include: Vec<Selector>,
    pub(crate) exclude: Vec<Selector>,
    pub(crate) no_pagination: Vec<Selector>,
    pub(crate) forced_pagination: Vec<(Selector, ir::PaginationRule)>,
    pub(crate) strict: bool,
    pub(crate) features_per_tag: bool,
}

/// One spec of a [`Config`]: where it is and which overlays apply to it.
#[derive(Debug, Clone)]
pub(crate) struct SpecEntry {
    pub(crate) module: Option<String>,
    pub(crate) path: PathBuf,
    pub(crate) overlays: Vec<PathBuf>,
    /// The webhook signature scheme configured for it (wins over `x-oagen-webhooks`).
    pub(crate) webhook_scheme: Option<ir::WebhookScheme>,
    /// The spec's text, when given instead of the file's (see `Config::spec_text`).
    pub(crate) text: Option<String>,
}

/// [`Config::generate`](crate::Config::generate).
pub(crate) fn generate(config: &Plan) -> Result<Generated, Error> {
    let lowered = lower_configured(config)?;
    render(config, lowered)
}

/// [`Config::lower_configured`](crate::Config::lower_configured).
pub(crate) fn lower_configured(config: &Plan) -> Result<Lowered, Error> {
    if let Some(spec) = config
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
    for spec in &config.specs {
        if let Some(reason) = spec.module.as_deref().and_then(module_name_error) {
            return Err(Error::Spec(vec![Diagnostic::error(
                Origin::new(display_path(&spec.path), ""),
                format!("the module name for this spec {reason}"),
            )
            .with_hint(MODULE_NAME_HINT)]));
        }
    }
    if let Some(overlay) = config.pending_overlays.first() {
        return Err(Error::Manifest {
            path: overlay.display().to_string(),
            message: "an overlay was given, but no spec to apply it to".into(),
        });
    }
    let mut warnings = Vec::new();
    let mut errors = Vec::new();
    let mut specs = Vec::new();
    for i in 0..config.specs.len() {
        let spec = &config.specs[i];
        let display = display_path(&spec.path);
        let text = match &spec.text {
            Some(text) => text.clone(),
            None => {
                let file = config.root.join(&spec.path);
                std::fs::read_to_string(&file).map_err(|e| Error::io(&file, e))?
            }
        };
        match lower_source(config, i, &text, &display) {
            Ok((api, w)) => {
                warnings.extend(w);
                specs.push(LoweredSpec {
                    module: module_name(&spec.module, multi(config), i),
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
    if config.strict && !warnings.is_empty() {
        return Err(diag::strict(warnings));
    }
    Ok(Lowered { specs, warnings })
}

/// [`Config::lower_source`](crate::Config::lower_source).
pub(crate) fn lower_source(
    config: &Plan,
    index: usize,
    text: &str,
    display: &str,
) -> Result<(ir::Api, Vec<Diagnostic>), Error> {
    let spec = &config.specs[index];
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
        match overlay::Overlay::load(&config.root.join(path), &display_path(path)) {
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
    api.settings = config.settings.clone();
    for (schema, path) in declared {
        api.settings.extern_types.entry(schema).or_insert(path);
    }
    for (schema, path) in &config.settings.extern_types {
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
    if let Some(scheme) = &spec.webhook_scheme {
        api.webhook_scheme = scheme.clone();
    }
    api.settings.serde_feature = config.layout == Layout::Crate;
    api.settings.tag_features = config.features_per_tag.then(|| {
        module_name(&spec.module, multi(config), index)
            .map_or_else(String::new, |m| format!("{m}-"))
    });
    select_operations(config, &mut api, &mut warnings, &mut errors);
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
fn multi(config: &Plan) -> bool {
    config.specs.iter().any(|s| s.module.is_some()) || config.specs.len() > 1
}

/// [`Config::render`](crate::Config::render).
pub(crate) fn render(config: &Plan, lowered: Lowered) -> Result<Generated, Error> {
    let Lowered {
        mut specs,
        warnings,
    } = lowered;
    let multi = multi(config);
    let crate_name = config.crate_name.clone().unwrap_or_else(|| {
        specs
            .first()
            .map(|s| default_crate_name(&s.api.title))
            .unwrap_or_else(|| "api-client".to_string())
    });
    if config.layout == Layout::Crate {
        check_crate_name(&crate_name)?;
    }
    if config.layout == Layout::Crate {
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
            let header = render::header(&api.file, &config.command);
            match config.layout {
                Layout::SingleFile => {
                    let module = emit::emit(api);
                    let file_name = format!("{}.rs", name.as_deref().unwrap_or("api"));
                    let text = render::rust_file(emit::single_file(&module), &header, &file_name)?;
                    files.insert(PathBuf::from(file_name), text);
                }
                Layout::Crate => module_files(api, &info, &header, &mut files)?,
            }
            if config.layout == Layout::Crate {
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
        let runtime_parts = add_runtime(config, &mut files)?;
        if config.layout == Layout::Crate {
            let description = config.description.clone().unwrap_or_else(|| {
                let titles: Vec<&str> = infos.iter().map(|i| i.title.as_str()).collect();
                format!("Typed async client for {}", titles.join(", "))
            });
            if multi {
                let header = render::header("oagen.toml", &config.command);
                let tokens = emit::crate_root(&infos);
                files.insert(
                    PathBuf::from("src/lib.rs"),
                    render::rust_file(tokens, &header, "src/lib.rs")?,
                );
            }
            let cargo = cargo::cargo_toml(
                &crate_name,
                config.crate_version.as_deref().unwrap_or("0.1.0"),
                &description,
                &features,
                config.standalone,
                &render::header("templates/Cargo.toml.jinja", &config.command)
                    .replacen("//", "#", 1),
                &runtime_parts,
            )?;
            files.insert(PathBuf::from("Cargo.toml"), cargo);
            let header = render::header("templates/README.md.jinja", &config.command);
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

/// Adds the runtime the generated API modules in `files` use: one for all of them,
/// `src/runtime/` in a crate, `runtime.rs` (for `include!`) in single-file layout.
///
/// # Errors
/// [`Error::Internal`] when a runtime template does not parse (an oagen bug).
fn add_runtime(
    config: &Plan,
    files: &mut BTreeMap<PathBuf, String>,
) -> Result<Vec<&'static str>, Error> {
    let code = files
        .iter()
        .filter(|(path, _)| path.extension().is_some_and(|e| e == "rs"))
        .map(|(_, text)| text.as_str());
    let parts = runtime::select(code)?;
    match config.layout {
        Layout::Crate => {
            files.extend(runtime::crate_files(&parts, |template| {
                render::header(template, &config.command)
            }));
        }
        Layout::SingleFile => {
            let header = render::header("templates/runtime/", &config.command);
            let tokens = runtime::single_file_tokens(&parts)?;
            let text = render::rust_file(tokens, &header, RUNTIME_FILE)?;
            files.insert(PathBuf::from(RUNTIME_FILE), text);
        }
    }
    Ok(parts.iter().map(|p| p.name()).collect())
}

/// What [`Config::lower_configured`](crate::Config::lower_configured) returns: each spec
/// lowered, and every warning.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Lowered {
    /// The specs, in the order configured.
    pub specs: Vec<LoweredSpec>,
    /// Every warning of every spec and overlay, sorted per spec.
    pub warnings: Vec<Diagnostic>,
}

/// One lowered spec.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct LoweredSpec {
    /// Its module: the configured name, `api{i}` in a crate with several specs, or `None`
    /// for a single spec generated at the crate root.
    pub module: Option<String>,
    /// The spec file, as configured (relative to [`Config::root`](crate::Config::root)).
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

/// Where a generated crate keeps the copy of the spec it was generated from:
/// `specs/<module>.<extension of the spec>`.
pub fn spec_copy_path(module: Option<&str>, spec: &Path) -> PathBuf {
    let ext = spec.extension().and_then(|e| e.to_str()).unwrap_or("json");
    PathBuf::from("specs").join(format!("{}.{ext}", module.unwrap_or("api")))
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

/// Applies the include/exclude selectors to one API; a selector that matches no
/// operation, and a derive or extern type that names no schema, is a warning.
fn select_operations(
    config: &Plan,
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
