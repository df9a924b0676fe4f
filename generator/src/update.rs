//! `oagen update`: fetch each spec's upstream `source`, say what changed in its API, write it,
//! regenerate, bump the crate version and record the change in `CHANGELOG.md`.
//!
//! For each `[[spec]]` of `oagen.toml` with a `source` (`https://…` or `file://…`, see
//! [`crate::manifest::SpecSection::source`]):
//!
//! 1. every source is fetched first, as a package manager would (see [`fetch`]: https only,
//!    no redirect to plain http, connect timeout 10 s, whole request [`UpdateOptions::timeout`],
//!    at most 64 MiB); a failure is [`Error::Fetch`] naming the source, and nothing is written;
//! 2. a source whose text equals the committed spec file is up to date; with `--check`, the
//!    run stops here (the CLI exits 1 when any source differs, or when the text's SHA-256
//!    is not the `sha256` pinned in `oagen.toml`, naming both hashes);
//! 3. the whole crate is generated in memory from the new texts with the spec's overlays, so a
//!    new spec that does not load, or an overlay that no longer applies cleanly, fails before
//!    anything is written (an action that now selects nothing is a warning, as in `sync`);
//! 4. each changed spec is diffed against the committed one ([`crate::diff`], both with the
//!    same overlays and selections);
//! 5. then it writes: the generated crate (atomically), the new spec files, the bumped
//!    `[crate] version` and each spec's `sha256` in `oagen.toml` (edited in place with
//!    `toml_edit`, comments kept), and a `## <version> (<date>)` entry at the top of
//!    `<crate>/CHANGELOG.md`. A source that did not change still gets its `sha256` written
//!    when it had none or another one.
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
#[non_exhaustive]
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
#[non_exhaustive]
pub struct Source {
    /// The module.
    pub module: String,
    /// The `source` it was fetched from.
    pub source: String,
    /// The spec file, relative to the manifest.
    pub path: PathBuf,
    /// False when the fetched text equals the committed spec.
    pub changed: bool,
    /// The SHA-256 of the fetched text (lowercase hex).
    pub sha256: String,
    /// The `sha256` pinned for this spec in `oagen.toml`, if any.
    pub pinned: Option<String>,
}

impl Source {
    /// True when `oagen.toml` pins a SHA-256 and the fetched text has another.
    pub fn pin_mismatch(&self) -> bool {
        self.pinned
            .as_deref()
            .is_some_and(|pin| !pin.eq_ignore_ascii_case(&self.sha256))
    }

    /// True when `oagen.toml` should be given this source's SHA-256.
    fn needs_pin(&self) -> bool {
        self.pinned.is_none() || self.pin_mismatch()
    }
}

/// What [`update`] found and did.
#[derive(Debug)]
#[non_exhaustive]
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

    /// The sources whose SHA-256 is not the one pinned in `oagen.toml`.
    pub fn pin_mismatches(&self) -> impl Iterator<Item = &Source> {
        self.sources.iter().filter(|s| s.pin_mismatch())
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
    let (sources, texts) = fetch_all(&manifest, &picked, root, options.timeout)?;
    let mut updated = Updated {
        sources,
        changes: Vec::new(),
        warnings: Vec::new(),
        version: (current.clone(), None),
        bump: Bump::None,
    };
    if options.check {
        return Ok(updated);
    }
    let pins: Vec<(usize, &str)> = picked
        .iter()
        .zip(&updated.sources)
        .filter(|(_, source)| source.needs_pin())
        .map(|(&(i, _), source)| (i, source.sha256.as_str()))
        .collect();
    if texts.is_empty() {
        if !pins.is_empty() {
            write_atomically(manifest_path, &edited_manifest(manifest_path, None, &pins)?)?;
        }
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
    let manifest_text = edited_manifest(manifest_path, Some(&next), &pins)?;

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

/// The spec text of a changed source: its `[[spec]]` index, the committed text (if the
/// file could be read) and the fetched one.
type Fetched = (usize, Option<String>, String);

/// Fetches the `picked` sources (`[[spec]]` index, source), comparing each with its committed
/// spec file: every source, and the texts of those that changed.
fn fetch_all(
    manifest: &Manifest,
    picked: &[(usize, &str)],
    root: &Path,
    timeout: Duration,
) -> Result<(Vec<Source>, Vec<Fetched>), Error> {
    let mut sources = Vec::new();
    let mut texts = Vec::new();
    for &(i, source) in picked {
        let spec = &manifest.specs[i];
        let new = fetch(source, root, timeout)?;
        let old = std::fs::read_to_string(root.join(&spec.path)).ok();
        let changed = old.as_deref() != Some(new.as_str());
        sources.push(Source {
            module: spec.module.clone(),
            source: source.to_string(),
            path: spec.path.clone(),
            changed,
            sha256: sha256_hex(new.as_bytes()),
            pinned: spec.sha256.clone(),
        });
        if changed {
            texts.push((i, old, new));
        }
    }
    Ok((sources, texts))
}

/// `oagen.toml` with `[crate] version = "<version>"` (when given) and `sha256 = "<hash>"`
/// in each `[[spec]]` listed in `pins` (by index), everything else (comments, order,
/// formatting) as it was.
fn edited_manifest(
    path: &Path,
    version: Option<&str>,
    pins: &[(usize, &str)],
) -> Result<String, Error> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let manifest_error = |message: String| Error::Manifest {
        path: path.display().to_string(),
        message,
    };
    let mut doc: toml_edit::DocumentMut =
        text.parse().map_err(|e| manifest_error(format!("{e}")))?;
    if let Some(version) = version {
        let krate = doc
            .get_mut("crate")
            .and_then(toml_edit::Item::as_table_mut)
            .ok_or_else(|| manifest_error("no [crate] table".into()))?;
        set_keeping_decor(krate, "version", version);
    }
    if !pins.is_empty() {
        let specs = doc
            .get_mut("spec")
            .and_then(toml_edit::Item::as_array_of_tables_mut)
            .ok_or_else(|| manifest_error("no [[spec]] tables".into()))?;
        for &(i, hash) in pins {
            let spec = specs
                .get_mut(i)
                .ok_or_else(|| manifest_error(format!("no [[spec]] number {}", i + 1)))?;
            set_keeping_decor(spec, "sha256", hash);
        }
    }
    Ok(doc.to_string())
}

/// Sets `key = "value"` in `table`, keeping the comment and spacing of an existing value.
fn set_keeping_decor(table: &mut toml_edit::Table, key: &str, value: &str) {
    match table.get_mut(key).and_then(toml_edit::Item::as_value_mut) {
        Some(old) => {
            let decor = old.decor().clone();
            *old = toml_edit::Value::from(value);
            *old.decor_mut() = decor;
        }
        None => {
            table.insert(key, toml_edit::value(value));
        }
    }
}

/// The SHA-256 of `bytes`, as lowercase hex.
fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
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

/// Fetches `source` as a package manager would: an `https://` URL (redirects followed, but
/// never to a plain `http://` URL; a status other than 2xx is an error), an `http://` URL
/// only when its host is a loopback address (`127.0.0.1`, `::1`, `localhost`; for tests,
/// and then no redirect is followed, since one could lead off the machine), or a
/// `file://` path, relative to `root` unless absolute. At most 64 MiB is read.
///
/// # Errors
/// [`Error::Fetch`] naming the source and what went wrong (scheme, a redirect refused,
/// connection, timeout, status, a body that is not UTF-8 or is larger than 64 MiB).
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
    let plain = match source.parse::<http::Uri>() {
        Ok(uri) if uri.scheme_str() == Some("https") => false,
        Ok(uri) if uri.scheme_str() == Some("http") && uri.host().is_some_and(is_loopback) => true,
        Ok(uri) if uri.scheme_str() == Some("http") => {
            return Err(fail(
                "plain http:// is refused (only a loopback host may be fetched without TLS): \
                 use the https:// URL"
                    .into(),
            ))
        }
        _ => {
            return Err(fail(
                "unsupported scheme: a source is an https:// or file:// URL".into(),
            ))
        }
    };
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_connect(Some(timeout.min(Duration::from_secs(10))))
        .timeout_global(Some(timeout))
        .user_agent(concat!("oagen/", env!("CARGO_PKG_VERSION")))
        .https_only(!plain)
        .max_redirects(if plain { 0 } else { 10 })
        .build()
        .into();
    let mut response = agent.get(source).call().map_err(|e| match e {
        ureq::Error::StatusCode(status) => fail(format!("the server answered HTTP {status}")),
        ureq::Error::Timeout(_) => fail(format!("timed out after {} s", timeout.as_secs_f32())),
        ureq::Error::RequireHttpsOnly(to) => fail(format!(
            "refused a redirect to the plain http:// URL {to}: sources are fetched over https only"
        )),
        other => fail(other.to_string()),
    })?;
    if !response.status().is_success() {
        let to = response
            .headers()
            .get("location")
            .and_then(|l| l.to_str().ok())
            .unwrap_or("nowhere");
        return Err(fail(format!(
            "the server answered HTTP {} (to {to}); an http:// source on a loopback host \
             follows no redirect",
            response.status()
        )));
    }
    response
        .body_mut()
        .with_config()
        .limit(MAX_SPEC_BYTES)
        .read_to_string()
        .map_err(|e| fail(format!("reading the body: {e}")))
}

/// True for a loopback host: `localhost`, `127.0.0.0/8`, `::1` (as written in a URL).
fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
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
        let text = edited_manifest(&path, Some("0.2.0"), &[]).unwrap();
        assert_eq!(
            text,
            "# top\n[crate]\nname = \"x\" # the name\npath = \"out\"\nversion = \"0.2.0\" # bumped\n"
        );
        std::fs::write(&path, "[crate]\nname = \"x\"\npath = \"out\"\n").unwrap();
        assert!(edited_manifest(&path, Some("0.1.1"), &[])
            .unwrap()
            .contains("version = \"0.1.1\""));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn unknown_schemes_and_missing_files_are_fetch_errors() {
        let root = Path::new(".");
        let err = fetch("ftp://x/spec.json", root, Duration::from_secs(1)).unwrap_err();
        assert!(err.to_string().contains("unsupported scheme"), "{err}");
        for refused in [
            "http://example.com/spec.json",
            "http://10.0.0.1/spec.json",
            "http://127.0.0.1.example.com/spec.json",
        ] {
            let err = fetch(refused, root, Duration::from_secs(1)).unwrap_err();
            assert!(
                err.to_string().contains("plain http:// is refused"),
                "{err}"
            );
        }
        let err = fetch("file://no/such/spec.json", root, Duration::from_secs(1)).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("fetching file://no/such/spec.json"),
            "{err}"
        );
    }

    #[test]
    fn loopback_hosts_are_recognised() {
        for host in ["127.0.0.1", "127.1.2.3", "[::1]", "localhost", "LOCALHOST"] {
            assert!(is_loopback(host), "{host}");
        }
        for host in ["10.0.0.1", "example.com", "[::2]", "localhost.example.com"] {
            assert!(!is_loopback(host), "{host}");
        }
    }

    #[test]
    fn pins_are_written_into_their_spec_keeping_comments() {
        let dir = std::env::temp_dir().join(format!("oagen-pin-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("oagen.toml");
        std::fs::write(
            &path,
            "[crate]\nname = \"x\"\npath = \"out\"\n\n[[spec]]\nmodule = \"a\"\npath = \"a.json\"\n\n[[spec]]\nmodule = \"b\" # second\npath = \"b.json\"\nsha256 = \"00\" # pinned\n",
        )
        .unwrap();
        let text = edited_manifest(&path, None, &[(1, "ab12")]).unwrap();
        assert_eq!(
            text,
            "[crate]\nname = \"x\"\npath = \"out\"\n\n[[spec]]\nmodule = \"a\"\npath = \"a.json\"\n\n[[spec]]\nmodule = \"b\" # second\npath = \"b.json\"\nsha256 = \"ab12\" # pinned\n"
        );
        let text = edited_manifest(&path, None, &[(0, "cd34")]).unwrap();
        assert!(
            text.contains("path = \"a.json\"\nsha256 = \"cd34\"\n"),
            "{text}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
