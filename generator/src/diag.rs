//! Diagnostics: every problem oagen reports, with the file and JSON pointer it comes from.
//!
//! A stage collects all of its diagnostics and stops at its boundary, so a user sees every
//! problem of a spec at once. [`Error`]'s `Debug` prints the same report as `Display`, so
//! `fn main() -> Result<(), oagen::Error>` in a build script shows readable text.

use std::fmt;

/// How bad a [`Diagnostic`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Severity {
    /// Generation went on; the output is usable but may be less precise than the spec.
    Warning,
    /// Generation cannot produce correct output.
    Error,
}

/// Where a spec construct sits: the file it was read from and its JSON pointer (RFC 6901).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub struct Origin {
    /// The spec file, as given to the generator (relative paths stay relative).
    pub file: String,
    /// JSON pointer of the node inside the document, e.g. `/components/schemas/Call`.
    pub pointer: String,
}

impl Origin {
    /// An origin in `file` at `pointer`.
    pub fn new(file: impl Into<String>, pointer: impl Into<String>) -> Self {
        Origin {
            file: file.into(),
            pointer: pointer.into(),
        }
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}#{}", self.file, self.pointer)
    }
}

/// One reported problem.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub struct Diagnostic {
    /// Warning or error.
    pub severity: Severity,
    /// Where the offending node is.
    pub origin: Origin,
    /// One line saying what is wrong.
    pub message: String,
    /// What the user can do about it, if anything.
    pub hint: Option<String>,
}

impl Diagnostic {
    /// A warning at `origin`.
    pub fn warning(origin: Origin, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            origin,
            message: message.into(),
            hint: None,
        }
    }

    /// An error at `origin`.
    pub fn error(origin: Origin, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            origin,
            message: message.into(),
            hint: None,
        }
    }

    /// The same diagnostic with a hint.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        write!(
            f,
            "{level}: {}\n  --> {}",
            visible(&self.message),
            visible(&self.origin.to_string())
        )?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  = hint: {}", visible(hint))?;
        }
        Ok(())
    }
}

/// `text` with every control character (a spec's names can hold any: a terminal escape,
/// a carriage return that hides the rest of the line) and Unicode line break written as an
/// escape (`\u{1b}`), so a diagnostic shows the name as it is and stays on its lines.
fn visible(text: &str) -> std::borrow::Cow<'_, str> {
    let hidden = |c: char| c.is_control() || matches!(c, '\u{2028}' | '\u{2029}');
    if !text.contains(hidden) {
        return std::borrow::Cow::Borrowed(text);
    }
    text.chars()
        .map(|c| {
            if hidden(c) {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect::<String>()
        .into()
}

/// Why generation failed.
#[derive(thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The spec has problems that prevent generation; every one found is listed.
    #[error("{}", render_list(.0))]
    Spec(Vec<Diagnostic>),
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory.
        path: String,
        /// The operating-system error.
        #[source]
        source: std::io::Error,
    },
    /// The `oagen.toml` manifest is invalid.
    #[error("{path}: {message}")]
    Manifest {
        /// The manifest path.
        path: String,
        /// What is wrong with it.
        message: String,
    },
    /// The crate name (`--name`, [`crate::Config::crate_name`]) is not a valid Cargo package
    /// name.
    #[error("invalid crate name `{name}`: {reason}")]
    CrateName {
        /// The name given.
        name: String,
        /// Which rule it breaks.
        reason: String,
    },
    /// `oagen update` could not fetch a spec's `source`.
    #[error("fetching {source_url}: {message}")]
    Fetch {
        /// The URL (or `file://` path) in `oagen.toml`.
        source_url: String,
        /// What went wrong (connection, timeout, HTTP status, …).
        message: String,
    },
    /// A bug in oagen: generated tokens did not parse as Rust. Please report it.
    #[error("internal error: generated code for {item} is not valid Rust ({message}); please report this as an oagen bug")]
    Internal {
        /// The file or item being rendered.
        item: String,
        /// The parser's message.
        message: String,
    },
    /// A bug in oagen: the check after rendering found a code block in generated docs that
    /// oagen did not write (spec text must never become a doctest). Please report it.
    #[error("internal error: {item}: {message}; no spec text may open a code block, please report this as an oagen bug")]
    UnsafeOutput {
        /// The file and line (`src/types.rs:12`).
        item: String,
        /// What was found there.
        message: String,
    },
    /// `--check`: the committed output differs from what the generator produces.
    #[error("{}", render_stale(.files, .command))]
    Stale {
        /// The files that are missing, changed or no longer produced.
        files: Vec<String>,
        /// The command that regenerates them.
        command: String,
    },
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl Error {
    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl AsRef<std::path::Path>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.as_ref().display().to_string(),
            source,
        }
    }
}

fn render_list(diags: &[Diagnostic]) -> String {
    let errors = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let mut out = String::new();
    for d in diags {
        out.push_str(&d.to_string());
        out.push('\n');
    }
    out.push_str(&format!(
        "{errors} error{} found",
        if errors == 1 { "" } else { "s" }
    ));
    out
}

fn render_stale(files: &[String], command: &str) -> String {
    let mut out = String::from("generated output is out of date:\n");
    for f in files {
        out.push_str("  ");
        out.push_str(f);
        out.push('\n');
    }
    out.push_str(&format!("run `{command}` to regenerate"));
    out
}

/// `--strict`: every warning becomes an error.
pub fn strict(warnings: Vec<Diagnostic>) -> Error {
    Error::Spec(
        warnings
            .into_iter()
            .map(|mut d| {
                d.severity = Severity::Error;
                d
            })
            .collect(),
    )
}

/// Collects diagnostics during a stage.
#[derive(Debug, Default)]
pub(crate) struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// Records a diagnostic.
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    /// Records a warning.
    pub fn warn(&mut self, origin: Origin, message: impl Into<String>) {
        self.push(Diagnostic::warning(origin, message));
    }

    /// Records an error.
    pub fn error(&mut self, origin: Origin, message: impl Into<String>) {
        self.push(Diagnostic::error(origin, message));
    }

    /// True when an error was recorded.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    /// Ends the stage: `Err` with every diagnostic if any is an error, else the warnings.
    pub fn finish(mut self) -> Result<Vec<Diagnostic>, Error> {
        self.items.sort();
        self.items.dedup();
        if self.has_errors() {
            Err(Error::Spec(self.items))
        } else {
            Ok(self.items)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_in_names_are_shown_escaped() {
        let d = Diagnostic::warning(
            Origin::new("spec.yaml", "/components/schemas/A\u{1b}[2J"),
            "property `a\rb\u{2028}c` is odd",
        );
        let text = d.to_string();
        assert!(text.contains("`a\\u{d}b\\u{2028}c`"), "{text}");
        assert!(text.contains("A\\u{1b}[2J"), "{text}");
        assert_eq!(text.lines().count(), 2, "{text}");
    }
}
