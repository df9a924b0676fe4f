//! Writing generated files: atomically into a directory of their own
//! ([`Generated::write`]), only what changed into a shared one ([`Generated::write_changed`],
//! a build script's `OUT_DIR`), and comparing with what is there ([`Generated::stale_files`]).

use crate::diag::{Diagnostic, Error};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Files in an output directory that oagen keeps but does not generate.
const PRESERVED: &[&str] = &["CHANGELOG.md"];

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

    /// Writes every file below `dir` (which need not exist), the largest on a thread of
    /// its own: a big API's two modules are tens of megabytes each (Microsoft Graph beta:
    /// 89 and 66 MB), and copying them into the page cache one after the other was a
    /// serial tenth of a second or more at the end of a run.
    fn write_files(&self, dir: &Path) -> Result<(), Error> {
        let write = |path: &Path, text: &str| {
            let target = dir.join(path);
            if let Some(p) = target.parent() {
                std::fs::create_dir_all(p).map_err(|e| Error::io(p, e))?;
            }
            std::fs::write(&target, text).map_err(|e| Error::io(&target, e))
        };
        let largest = self.files.iter().max_by_key(|(_, text)| text.len());
        std::thread::scope(|scope| {
            let big = largest.map(|(path, text)| scope.spawn(move || write(path, text)));
            for (path, text) in &self.files {
                if largest.is_some_and(|(p, _)| p == path) {
                    continue;
                }
                write(path, text)?;
            }
            match big {
                Some(handle) => handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
                None => Ok(()),
            }
        })
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
            self.write_files(&tmp)?;
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
