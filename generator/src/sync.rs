//! `oagen sync`: regenerate the crate that `oagen.toml` describes, say what changed in each
//! spec's API, and optionally record it in the crate's `CHANGELOG.md`.
//!
//! The generated crate keeps a verbatim copy of every spec it was generated from
//! (`specs/<module>.<ext>`), so a later sync can diff the committed copy against the new spec
//! without asking git. `CHANGELOG.md` is the one file in the output directory that oagen
//! does not generate: it survives every rewrite and is ignored by `--check`.

use crate::diag::{Diagnostic, Error};
use crate::diff::{self, Report};
use crate::manifest::Manifest;
use crate::Generated;
use std::path::{Path, PathBuf};

/// The command that regenerates a manifest's crate (named in headers and stale reports).
pub const SYNC_COMMAND: &str = "cargo run --release -p oagen -- sync";

/// What [`sync`] should do.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct SyncOptions {
    /// Write nothing; fail with [`Error::Stale`] when the crate is out of date.
    pub check: bool,
    /// Add a dated entry to `CHANGELOG.md` for each spec whose API changed.
    pub changelog: bool,
    /// The date for the changelog entry (`YYYY-MM-DD`); today (UTC) when `None`.
    pub date: Option<String>,
}

/// The API change of one spec since the committed copy.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SpecChange {
    /// The module (`vocode`).
    pub module: String,
    /// The diff between the committed copy and the new spec.
    pub report: Report,
}

/// What [`sync`] did.
#[derive(Debug)]
#[non_exhaustive]
pub struct Synced {
    /// The output directory.
    pub out: PathBuf,
    /// The files generated.
    pub generated: Generated,
    /// One entry per spec whose API changed since the committed copy.
    pub changes: Vec<SpecChange>,
    /// Warnings about the diff itself (e.g. a committed copy that no longer loads).
    pub notes: Vec<Diagnostic>,
}

/// Regenerates the crate described by the manifest at `manifest_path`.
///
/// # Errors
/// What [`crate::Config::generate`] returns; [`Error::Stale`] with `check` when the crate is
/// out of date; [`Error::Io`] when writing fails (the previous output is left untouched).
pub fn sync(manifest_path: &Path, options: &SyncOptions) -> Result<Synced, Error> {
    let manifest = Manifest::read(manifest_path)?;
    let root = manifest_root(manifest_path);
    let config = manifest.config(root);
    let out = root.join(&manifest.krate.path);
    let lowered = config.lower_configured()?;
    let (changes, notes) = api_changes(&config, &lowered, &out);
    let generated = config.render(lowered)?;
    if options.check {
        generated.check(&out, SYNC_COMMAND)?;
    } else {
        generated.write(&out)?;
        if options.changelog && !changes.is_empty() {
            let date = options.date.clone().unwrap_or_else(today);
            prepend_changelog(&out.join("CHANGELOG.md"), &date, &changes)?;
        }
    }
    Ok(Synced {
        out,
        generated,
        changes,
        notes,
    })
}

/// The directory a manifest's paths are relative to.
pub(crate) fn manifest_root(manifest_path: &Path) -> &Path {
    manifest_path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// The API change of each spec whose committed copy in `out` differs from the spec now:
/// both sides lowered by [`crate::Config::lower_configured`]'s rules (overlays, selections),
/// so the diff is about the SDK actually generated. A committed copy that no longer loads
/// is a note.
pub(crate) fn api_changes(
    config: &crate::Config,
    lowered: &crate::Lowered,
    out: &Path,
) -> (Vec<SpecChange>, Vec<Diagnostic>) {
    let mut changes = Vec::new();
    let mut notes = Vec::new();
    for (i, spec) in lowered.specs.iter().enumerate() {
        let Some(module) = &spec.module else {
            continue;
        };
        let copy = out.join(crate::spec_copy_path(Some(module), &spec.path));
        let Ok(old_text) = std::fs::read_to_string(&copy) else {
            continue;
        };
        if old_text == spec.text {
            continue;
        }
        let old_name = format!("{} (committed copy)", spec.path.display());
        match config.lower_source(i, &old_text, &old_name) {
            Ok((old, _)) => changes.push(SpecChange {
                module: module.clone(),
                report: diff::diff(&old, &spec.api),
            }),
            Err(_) => notes.push(Diagnostic::warning(
                crate::Origin::new(copy.display().to_string(), ""),
                "the committed copy of this spec no longer loads; no API diff for it",
            )),
        }
    }
    (changes, notes)
}

/// A short summary of a spec's API change: counts, the bump, and the breaking changes.
pub fn summary(change: &SpecChange) -> String {
    let report = &change.report;
    let breaking = report.breaking().count();
    let mut out = format!(
        "{}: {} API change{} ({} breaking); suggested version bump: {}",
        change.module,
        report.changes.len(),
        if report.changes.len() == 1 { "" } else { "s" },
        breaking,
        report.bump
    );
    for c in report.breaking() {
        out.push_str(&format!("\n  breaking: {c}"));
    }
    out
}

/// Inserts a dated entry below the title of `path` (creating the file if needed).
fn prepend_changelog(path: &Path, date: &str, changes: &[SpecChange]) -> Result<(), Error> {
    let text = with_changelog_entry(
        &std::fs::read_to_string(path).unwrap_or_default(),
        date,
        changes,
    );
    std::fs::write(path, text).map_err(|e| Error::io(path, e))
}

/// `existing` (a `CHANGELOG.md`, possibly empty) with an entry headed `## {heading}` for
/// `changes` inserted below its `# Changelog` title, newest first.
pub(crate) fn with_changelog_entry(
    existing: &str,
    heading: &str,
    changes: &[SpecChange],
) -> String {
    let (title, rest) = match existing.strip_prefix("# Changelog\n") {
        Some(rest) => ("# Changelog\n", rest.trim_start_matches('\n')),
        None => ("# Changelog\n", existing),
    };
    let mut entry = format!("## {heading}\n");
    for change in changes {
        let r = &change.report;
        entry.push_str(&format!(
            "\n### `{}` ({}): {} change{}, suggested bump {}\n\n",
            change.module,
            r.new.file,
            r.changes.len(),
            if r.changes.len() == 1 { "" } else { "s" },
            r.bump
        ));
        for c in &r.changes {
            let mark = if c.breaking { "**breaking** " } else { "" };
            let line = c
                .to_string()
                .lines()
                .next()
                .unwrap_or_default()
                .trim()
                .to_string();
            entry.push_str(&format!("- {mark}{line}\n"));
        }
    }
    let text = format!("{title}\n{entry}\n{rest}");
    text.trim_end().to_string() + "\n"
}

/// Today's date in UTC, `YYYY-MM-DD`.
pub(crate) fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    civil_date((secs / 86_400) as i64)
}

/// Days since 1970-01-01 → `YYYY-MM-DD` (proleptic Gregorian calendar).
fn civil_date(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::civil_date;

    #[test]
    fn dates_are_gregorian() {
        assert_eq!(civil_date(0), "1970-01-01");
        assert_eq!(civil_date(19_783), "2024-03-01");
        assert_eq!(civil_date(20_413), "2025-11-21");
    }
}
