//! `oagen update`: fetch each spec's upstream `source`, say what changed in its API, write it,
//! regenerate, bump the crate version and record the change in `CHANGELOG.md`.
//!
//! For each `[[spec]]` of `oagen.toml` with a `source` (`https://…`, `http://…` or
//! `file://…`, see [`crate::manifest::SpecSection::source`]):
//!
//! 1. every source is fetched first (connect timeout 10 s, whole request [`UpdateOptions::timeout`],
//!    at most 64 MiB); a failure is [`Error::Fetch`] naming the source, and nothing is written;
//! 2. a source whose text equals the committed spec file is up to date; with `--check`, the
//!    run stops here (the CLI exits 1 when any source differs);
//! 3. the whole crate is generated in memory from the new texts with the spec's overlays, so a
//!    new spec that does not load, or an overlay that no longer applies cleanly, fails before
//!    anything is written (an action that now selects nothing is a warning, as in `sync`);
//! 4. each changed spec is diffed against the committed one ([`crate::diff`], both with the
//!    same overlays and selections);
//! 5. then it writes: the generated crate (atomically), the new spec files, the bumped
//!    `[crate] version` in `oagen.toml` (edited in place with `toml_edit`, comments kept), and
//!    a `## <version> (<date>)` entry at the top of `<crate>/CHANGELOG.md`.
//!
//! **The version rule** ([`crate::diff::Bump::next_version`], Cargo's semver): the largest bump
//! any changed spec's diff calls for, at least `patch` (the spec changed, so the generated
//! docs may have): a breaking change bumps the major version (`1.4.2` → `2.0.0`), an addition
//! the minor (`1.4.2` → `1.5.0`), anything else the patch (`1.4.2` → `1.4.3`). Before 1.0 the
//! digits shift right: a breaking change bumps `y` of `0.y.z` (`0.3.1` → `0.4.0`), anything else
//! `z` (`0.3.1` → `0.3.2`); for `0.0.z` every change bumps `z`. Without a `version` key the
//! crate is at `0.1.0`.

use crate::diag::{Diagnostic, Error};
use crate::diff::{self, Bump};
use crate::manifest::Manifest;
use crate::sync::{self, SpecChange};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// What [`update`] should do.
#[derive(Debug, Clone)]
pub struct UpdateOptions {
    /// The modules to update (`vocode`); all that have a `source` when empty.
    pub modules: Vec<String>,
    /// Fetch and compare only: write nothing.
    pub check: bool,
    /// The date of the CHANGELOG entry (`YYYY-MM-DD`); today (UTC) when `None`.
    pub date: Option<String>,
    /// The longest a fetch may take, connection included (default 60 s).
    pub timeout: Duration,
}

impl Default for UpdateOptions {
    fn default() -> Self {
        UpdateOptions {
            modules: Vec::new(),
            check: false,
            date: None,
            timeout: Duration::from_secs(60),
        }
    }
}

/// One spec whose source was fetched.
#[derive(Debug, Clone)]
pub struct Source {
    /// The module.
    pub module: String,
    /// The `source` it was fetched from.
    pub source: String,
    /// The spec file, relative to the manifest.
    pub path: PathBuf,
    /// False when the fetched text equals the committed spec.
    pub changed: bool,
}

/// What [`update`] found and did.
#[derive(Debug)]
pub struct Updated {
    /// Every source fetched.
    pub sources: Vec<Source>,
    /// The API diff of each changed spec against the committed one.
    pub changes: Vec<SpecChange>,
    /// Warnings of the regeneration (e.g. an overlay action that no longer selects anything)
    /// and notes (a committed spec that no longer loads, so it has no diff).
    pub warnings: Vec<Diagnostic>,
    /// The crate version before, and after when something was written.
    pub version: (String, Option<String>),
    /// The bump applied (`None` when nothing changed or with `check`).
    pub bump: Bump,
}

impl Updated {
    /// True when some source differs from its committed spec.
    pub fn any_changed(&self) -> bool {
        self.sources.iter().any(|s| s.changed)
    }
}

/// Runs `oagen update` for the manifest at `manifest_path`.
///
/// # Errors
/// [`Error::Manifest`] for a module that is unknown or has no `source`, for a manifest with
/// no source at all, or a `[crate] version` that is not `MAJOR.MINOR.PATCH`; [`Error::Fetch`]
/// when a source cannot be fetched; what [`crate::Config::generate`] returns for a new spec
/// that does not generate; [`Error::Io`] when writing fails. Nothing is written unless every
/// source was fetched and the crate generated.
pub fn update(manifest_path: &Path, options: &UpdateOptions) -> Result<Updated, Error> {
    let manifest = Manifest::read(manifest_path)?;
    let root = sync::manifest_root(manifest_path);
    let manifest_error = |message: String| Error::Manifest {
        path: manifest_path.display().to_string(),
        message,
    };
    for module in &options.modules {
        match manifest.specs.iter().find(|s| &s.module == module) {
            None => return Err(manifest_error(format!("no [[spec]] has module `{module}`"))),
            Some(s) if s.source.is_none() => {
                return Err(manifest_error(format!(
                    "the [[spec]] `{module}` has no `source` to update from"
                )))
            }
            Some(_) => {}
        }
    }
    let picked: Vec<(usize, &str)> = manifest
        .specs
        .iter()
        .enumerate()
        .filter(|(_, s)| options.modules.is_empty() || options.modules.contains(&s.module))
        .filter_map(|(i, s)| Some((i, s.source.as_deref()?)))
        .collect();
    if picked.is_empty() {
        return Err(manifest_error(
            "no [[spec]] has a `source` (an https:// or file:// URL) to update from".into(),
        ));
    }
    let current = manifest
        .krate
        .version
        .clone()
        .unwrap_or_else(|| "0.1.0".into());

    // 1–2. Fetch everything before anything else.
    let mut sources = Vec::new();
    let mut texts = Vec::new();
    for &(i, source) in &picked {
        let spec = &manifest.specs[i];
        let new = fetch(source, root, options.timeout)?;
        let old = std::fs::read_to_string(root.join(&spec.path)).ok();
        let changed = old.as_deref() != Some(new.as_str());
        sources.push(Source {
            module: spec.module.clone(),
            source: source.to_string(),
            path: spec.path.clone(),
            changed,
        });
        if changed {
            texts.push((i, old, new));
        }
    }
    let mut updated = Updated {
        sources,
        changes: Vec::new(),
        warnings: Vec::new(),
        version: (current.clone(), None),
        bump: Bump::None,
    };
    if options.check || texts.is_empty() {
        return Ok(updated);
    }

    // 3. Generate in memory from the new texts.
    let mut config = manifest.config(root);
    for (i, _, new) in &texts {
        config.spec_text(*i, new.clone());
    }
    let lowered = config.lower_configured()?;
    updated.warnings.extend(lowered.warnings.iter().cloned());

    // 4. Diff each changed spec against the committed one.
    for (i, old, _) in &texts {
        let spec = &manifest.specs[*i];
        let Some(new) = lowered.specs.get(*i) else {
            continue;
        };
        let name = format!("{} (committed)", spec.path.display());
        match old
            .as_deref()
            .map(|old| config.lower_source(*i, old, &name))
        {
            Some(Ok((old, _))) => updated.changes.push(SpecChange {
                module: spec.module.clone(),
                report: diff::diff(&old, &new.api),
            }),
            other => {
                if other.is_some() {
                    updated.warnings.push(Diagnostic::warning(
                        crate::Origin::new(spec.path.display().to_string(), ""),
                        "the committed spec does not load; no API diff for it (bumped as patch)",
                    ));
                }
                // No diff, but the CHANGELOG still names the spec.
                updated.changes.push(SpecChange {
                    module: spec.module.clone(),
                    report: diff::diff(&new.api, &new.api),
                });
            }
        }
    }
    let bump = updated
        .changes
        .iter()
        .map(|c| c.report.bump)
        .fold(Bump::Patch, Bump::max);
    let next = bump.next_version(&current).ok_or_else(|| {
        manifest_error(format!(
            "[crate] version `{current}` is not MAJOR.MINOR.PATCH, so it cannot be bumped"
        ))
    })?;
    config.crate_version(&next);
    let generated = config.render(lowered)?;
    let manifest_text = bumped_manifest(manifest_path, &next)?;

    // 5. Write.
    let out = root.join(&manifest.krate.path);
    generated.write(&out)?;
    for (i, _, new) in &texts {
        write_atomically(&root.join(&manifest.specs[*i].path), new)?;
    }
    write_atomically(manifest_path, &manifest_text)?;
    let changelog = out.join("CHANGELOG.md");
    let date = options.date.clone().unwrap_or_else(sync::today);
    let existing = std::fs::read_to_string(&changelog).unwrap_or_default();
    let heading = format!("{next} ({date})");
    let text = sync::with_changelog_entry(&existing, &heading, &updated.changes);
    write_atomically(&changelog, &text)?;
    updated.version.1 = Some(next);
    updated.bump = bump;
    Ok(updated)
}

/// `oagen.toml` with `[crate] version = "<version>"`, everything else (comments, order,
/// formatting) as it was.
fn bumped_manifest(path: &Path, version: &str) -> Result<String, Error> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let mut doc: toml_edit::DocumentMut = text.parse().map_err(|e| Error::Manifest {
        path: path.display().to_string(),
        message: format!("{e}"),
    })?;
    let krate = doc
        .get_mut("crate")
        .and_then(toml_edit::Item::as_table_mut)
        .ok_or_else(|| Error::Manifest {
            path: path.display().to_string(),
            message: "no [crate] table".into(),
        })?;
    match krate
        .get_mut("version")
        .and_then(toml_edit::Item::as_value_mut)
    {
        Some(value) => {
            let decor = value.decor().clone();
            *value = toml_edit::Value::from(version);
            *value.decor_mut() = decor;
        }
        None => {
            krate.insert("version", toml_edit::value(version));
        }
    }
    Ok(doc.to_string())
}

/// Writes `text` to a temporary file beside `path`, then renames it into place.
fn write_atomically(path: &Path, text: &str) -> Result<(), Error> {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
    let temp = path.with_file_name(format!(".{}.oagen-tmp", name.unwrap_or_default()));
    std::fs::write(&temp, text).map_err(|e| Error::io(&temp, e))?;
    std::fs::rename(&temp, path).map_err(|e| {
        let _ = std::fs::remove_file(&temp);
        Error::io(path, e)
    })
}

/// The largest spec `fetch` reads.
const MAX_SPEC_BYTES: u64 = 64 << 20;

/// Fetches `source`: an `http(s)://` URL (redirects followed, a status other than 2xx is an
/// error) or a `file://` path, relative to `root` unless absolute.
///
/// # Errors
/// [`Error::Fetch`] naming the source and what went wrong (scheme, connection, timeout,
/// status, a body that is not UTF-8 or is larger than 64 MiB).
pub fn fetch(source: &str, root: &Path, timeout: Duration) -> Result<String, Error> {
    let fail = |message: String| Error::Fetch {
        source_url: source.to_string(),
        message,
    };
    if let Some(path) = source.strip_prefix("file://") {
        let path = root.join(path);
        let mut text = String::new();
        std::fs::File::open(&path)
            .and_then(|f| f.take(MAX_SPEC_BYTES).read_to_string(&mut text))
            .map_err(|e| fail(format!("{}: {e}", path.display())))?;
        return Ok(text);
    }
    if !(source.starts_with("https://") || source.starts_with("http://")) {
        return Err(fail(
            "unsupported scheme: a source is an https://, http:// or file:// URL".into(),
        ));
    }
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_connect(Some(timeout.min(Duration::from_secs(10))))
        .timeout_global(Some(timeout))
        .user_agent(concat!("oagen/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let mut response = agent.get(source).call().map_err(|e| match e {
        ureq::Error::StatusCode(status) => fail(format!("the server answered HTTP {status}")),
        ureq::Error::Timeout(_) => fail(format!("timed out after {} s", timeout.as_secs_f32())),
        other => fail(other.to_string()),
    })?;
    response
        .body_mut()
        .with_config()
        .limit(MAX_SPEC_BYTES)
        .read_to_string()
        .map_err(|e| fail(format!("reading the body: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_manifest_keeps_its_comments_when_the_version_changes() {
        let dir = std::env::temp_dir().join(format!("oagen-bump-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("oagen.toml");
        std::fs::write(
            &path,
            "# top\n[crate]\nname = \"x\" # the name\npath = \"out\"\nversion = \"0.1.0\" # bumped\n",
        )
        .unwrap();
        let text = bumped_manifest(&path, "0.2.0").unwrap();
        assert_eq!(
            text,
            "# top\n[crate]\nname = \"x\" # the name\npath = \"out\"\nversion = \"0.2.0\" # bumped\n"
        );
        std::fs::write(&path, "[crate]\nname = \"x\"\npath = \"out\"\n").unwrap();
        assert!(bumped_manifest(&path, "0.1.1")
            .unwrap()
            .contains("version = \"0.1.1\""));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn unknown_schemes_and_missing_files_are_fetch_errors() {
        let root = Path::new(".");
        let err = fetch("ftp://x/spec.json", root, Duration::from_secs(1)).unwrap_err();
        assert!(err.to_string().contains("unsupported scheme"), "{err}");
        let err = fetch("file://no/such/spec.json", root, Duration::from_secs(1)).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("fetching file://no/such/spec.json"),
            "{err}"
        );
    }
}
