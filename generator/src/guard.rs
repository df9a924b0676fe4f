//! The check after rendering that no spec text became a doctest: every code block in the
//! doc comments and Markdown files of the generated output is either marked `text` (shown,
//! never compiled: the spec's own code samples, see [`crate::escape::doc_prose`]) or one
//! of the examples oagen wrote itself, listed while emitting ([`crate::emit::example::all`],
//! [`crate::readme::examples`]). Anything else is an oagen bug, reported as
//! [`Error::UnsafeOutput`] before a file is written.
//!
//! Doc comments are read as rustdoc reads them: consecutive `///` (or `//!`) lines are one
//! Markdown document, unindented by their common leading whitespace, parsed with
//! pulldown-cmark (rustdoc's parser). A doc attribute that is not a `///` or `//!` line
//! (`#[doc = "…"]`, `/** … */`) cannot be read this way and is refused too, except the
//! crate root's `include_str!` of its README, which is checked as Markdown.

use crate::diag::Error;
use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag, TagEnd};
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

/// Checks every `.rs` and `.md` file of `files` (the runtime's files excepted: they are
/// oagen's templates, no spec text reaches them).
///
/// # Errors
/// [`Error::UnsafeOutput`] naming the file and line of the first code block that is not marked
/// `text` and not in `examples`, or of a doc attribute this check cannot read.
pub(crate) fn check_code_blocks(
    files: &BTreeMap<PathBuf, String>,
    examples: &HashSet<&str>,
) -> Result<(), Error> {
    for (path, text) in files {
        if is_runtime(path) {
            continue;
        }
        match path.extension().and_then(|e| e.to_str()) {
            Some("md") => check_markdown(text, examples)
                .map_err(|(line, what)| internal(path, line, &what))?,
            Some("rs") => {
                check_rust(text, examples).map_err(|(line, what)| internal(path, line, &what))?
            }
            _ => {}
        }
    }
    Ok(())
}

/// True for the files of the runtime: `src/runtime/…` in a crate, [`crate::RUNTIME_FILE`]
/// in single-file layout.
fn is_runtime(path: &Path) -> bool {
    path.starts_with("src/runtime") || path == Path::new(crate::RUNTIME_FILE)
}

fn internal(path: &Path, line: usize, what: &str) -> Error {
    Error::UnsafeOutput {
        item: format!("{}:{line}", path.display()),
        message: what.to_string(),
    }
}

/// The doc comments of a rendered Rust file, each checked as Markdown.
fn check_rust(text: &str, examples: &HashSet<&str>) -> Result<(), (usize, String)> {
    // The lines of the doc comment being read: its style, first line and text.
    let mut block: Option<(&str, usize, Vec<&str>)> = None;
    let mut lines = text.lines().enumerate().peekable();
    while let Some((n, line)) = lines.next() {
        let trimmed = line.trim_start();
        let style = ["///", "//!"]
            .into_iter()
            .find(|s| trimmed.starts_with(s) && !trimmed.starts_with("////"));
        if let Some(style) = style {
            let (_, _, doc) = block.get_or_insert((style, n + 1, Vec::new()));
            doc.push(&trimmed[style.len()..]);
        } else if is_doc_attribute(trimmed) {
            let shown: String = crate::escape::one_line(trimmed).chars().take(80).collect();
            return Err((
                n + 1,
                format!("a doc attribute that is not a `///` or `//!` line: {shown}"),
            ));
        }
        let ends = match lines.peek() {
            None => true,
            Some((_, next)) => !next.trim_start().starts_with(style.unwrap_or("\u{0}")),
        };
        if ends {
            if let Some((_, first, doc)) = block.take() {
                check_markdown(&unindent(&doc), examples)
                    .map_err(|(l, what)| (first + l - 1, what))?;
            }
        }
    }
    Ok(())
}

/// True for a line that documents an item other than by `///`/`//!` (the README's
/// `include_str!` and a constant `cfg_attr` note excepted).
fn is_doc_attribute(line: &str) -> bool {
    let attribute = ["#[doc", "#![doc"].iter().any(|start| {
        line.strip_prefix(start)
            .is_some_and(|rest| rest.trim_start().starts_with('='))
    });
    let string = attribute && !line.contains("include_str!(");
    string || line.starts_with("/**") || line.starts_with("/*!")
}

/// Doc lines as rustdoc joins them: one text, without the indentation every non-blank
/// line shares.
fn unindent(lines: &[&str]) -> String {
    let indent = lines
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    lines
        .iter()
        .map(|l| l.get(indent..).unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every code block of `markdown` is marked `text` or is one of `examples`; otherwise the
/// line (from 1) where it starts and what it is.
fn check_markdown(markdown: &str, examples: &HashSet<&str>) -> Result<(), (usize, String)> {
    let mut open: Option<(usize, Option<String>, String)> = None;
    for (event, range) in Parser::new(markdown).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                let line = markdown[..range.start].matches('\n').count() + 1;
                let info = match kind {
                    CodeBlockKind::Fenced(info) => Some(info.to_string()),
                    CodeBlockKind::Indented => None,
                };
                open = Some((line, info, String::new()));
            }
            Event::Text(text) => {
                if let Some((_, _, code)) = &mut open {
                    code.push_str(&text);
                }
            }
            Event::End(TagEnd::CodeBlock) => {
                let Some((line, info, code)) = open.take() else {
                    continue;
                };
                let shown = info.as_deref() == Some("text");
                if !shown && !examples.contains(code.trim_end_matches('\n')) {
                    let first: String =
                        code.lines().next().unwrap_or("").chars().take(60).collect();
                    let what = match info {
                        Some(info) => format!(
                            "a code block (```{info}) oagen did not write, starting {first:?}"
                        ),
                        None => format!("an indented code block, starting {first:?}"),
                    };
                    return Err((line, what));
                }
            }
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(path: &str, text: &str, examples: &[&str]) -> Result<(), Error> {
        let files = BTreeMap::from([(PathBuf::from(path), text.to_string())]);
        check_code_blocks(&files, &examples.iter().copied().collect())
    }

    #[test]
    fn text_blocks_and_listed_examples_pass() {
        let rust = "/// Docs.\n///\n/// ```text\n/// anything\n/// ```\n///\n/// ```no_run\n/// let x = 1;\n/// ```\nfn f() {}\n";
        check("src/a.rs", rust, &["let x = 1;"]).unwrap();
        check(
            "README.md",
            "# A\n\n```rust,no_run\nlet x = 1;\n```\n",
            &["let x = 1;"],
        )
        .unwrap();
    }

    #[test]
    fn any_other_code_block_is_an_internal_error() {
        let cases = [
            (
                "src/a.rs",
                "/// Docs.\n///\n/// ```\n/// panic!()\n/// ```\nfn f() {}\n",
            ),
            (
                "src/a.rs",
                "fn f() {}\n    /// Docs.\n    ///\n    ///     panic!()\n    fn g() {}\n",
            ),
            (
                "src/a.rs",
                "/// - ```\n///   panic!()\n///   ```\nfn f() {}\n",
            ),
            ("src/a.rs", "/// > ~~~rust\n/// > panic!()\nfn f() {}\n"),
            ("src/a.rs", "#[doc = \"```\"]\nfn f() {}\n"),
            ("src/a.rs", "#[doc(hidden)]\n#![doc = \"x\"]\nfn f() {}\n"),
            ("README.md", "Intro\n\n    panic!()\n"),
            (
                "src/a.rs",
                "/// ```no_run\n/// let x = 2;\n/// ```\nfn f() {}\n",
            ),
        ];
        for (path, text) in cases {
            let err = check(path, text, &["let x = 1;"]).unwrap_err();
            assert!(matches!(err, Error::UnsafeOutput { .. }), "{text:?}: {err}");
        }
    }

    #[test]
    fn the_error_names_the_file_and_line() {
        let text = "fn f() {}\n\n/// Docs.\n///\n///     panic!()\nfn g() {}\n";
        let err = check("src/a.rs", text, &[]).unwrap_err();
        assert!(err.to_string().contains("src/a.rs:5"), "{err}");
    }

    #[test]
    fn the_runtime_is_not_read() {
        check(
            "src/runtime/a.rs",
            "/// ```\n/// x\n/// ```\nfn f() {}\n",
            &[],
        )
        .unwrap();
    }
}
