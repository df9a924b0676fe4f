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
use crate::{load, lower, Generated};
use std::path::{Path, PathBuf};

/// The command that regenerates a manifest's crate (named in headers and stale reports).
pub const SYNC_COMMAND: &str = "cargo run --release -p oagen -- sync";

/// What [`sync`] should do.
#[derive(Debug, Clone, Default)]
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
pub struct SpecChange {
    /// The module (`vocode`).
    pub module: String,
    /// The diff between the committed copy and the new spec.
    pub report: Report,
}

/// What [`sync`] did.
#[derive(Debug)]
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
    let root = manifest_path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let generated = manifest.config(root).generate()?;
    let out = root.join(&manifest.krate.path);

    let mut changes = Vec::new();
    let mut notes = Vec::new();
    for spec in &manifest.specs {
        let copy = crate::spec_copy_path(Some(&spec.module), &spec.path);
        let (Ok(old_text), Some(new_text)) = (
            std::fs::read_to_string(out.join(&copy)),
            generated.files.get(&copy),
        ) else {
            continue;
        };
        if old_text == *new_text {
            continue;
        }
        let Some(format) = load::Format::from_path(&copy) else {
            continue;
        };
        let old_name = format!("{} (committed copy)", spec.path.display());
        let new_name = spec.path.to_string_lossy().replace('\\', "/");
        let old = load::load_str(&old_text, format, &old_name).and_then(|d| lower::lower(&d));
        let new = load::load_str(new_text, format, &new_name).and_then(|d| lower::lower(&d));
        match (old, new) {
            (Ok((old, _)), Ok((new, _))) => changes.push(SpecChange {
                module: spec.module.clone(),
                report: diff::diff(&old, &new),
            }),
            _ => notes.push(Diagnostic::warning(
                crate::Origin::new(out.join(&copy).display().to_string(), ""),
                "the committed copy of this spec no longer loads; no API diff for it",
            )),
        }
    }

    if options.check {
        generated.check(&out, SYNC_COMMAND)?;
    } else {
        generated.write(&out)?;
        if options.changelog && !changes.is_empty() {
            let date = options.date.clone().unwrap_or_else(today);
            append_changelog(&out.join("CHANGELOG.md"), &date, &changes)?;
        }
    }
    Ok(Synced {
        out,
        generated,
        changes,
        notes,
    })
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
fn append_changelog(path: &Path, date: &str, changes: &[SpecChange]) -> Result<(), Error> {
    let existing = std::fs::read_to_string(path).unwrap_or_default();
    let (title, rest) = match existing.strip_prefix("# Changelog\n") {
        Some(rest) => ("# Changelog\n", rest.trim_start_matches('\n')),
        None => ("# Changelog\n", existing.as_str()),
    };
    let mut entry = format!("## {date}\n");
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
    std::fs::write(path, text.trim_end().to_string() + "\n").map_err(|e| Error::io(path, e))
}

/// Today's date in UTC, `YYYY-MM-DD`.
fn today() -> String {
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
