//! Doc lines carried beside the tokens instead of inside them.
//!
//! Documentation is about a third of the generated text (Stripe: 37% of the bytes). Written
//! into `#[doc = "…"]` literals, every line would be escaped by `quote`, copied and
//! unescaped by `syn` and copied again by `prettyplease`, only to come out as `///` plus the
//! line. While [`collect`] runs on a thread, [`line`] records each doc line in a table and
//! returns a short placeholder for the literal instead; [`fill`] then puts the recorded
//! lines back into the printed text. The result is the same text: prettyplease prints a
//! one-line doc attribute that does not start with `/` as `///` (or `//!`) followed by the
//! literal's value without trailing spaces, and a doc comment always ends its line, so
//! its length never changes how anything around it is laid out.
//!
//! Outside [`collect`] (a whole file's tokens, tests looking at tokens), [`line`] returns
//! the line itself, so tokens are always valid Rust with or without a table.

use std::cell::RefCell;

/// Starts a placeholder: a control character no doc line holds (`emit` turns them into
/// spaces), followed by the line's index in decimal.
const OPEN: char = '\u{1}';
/// Ends a placeholder.
const CLOSE: char = '\u{2}';

thread_local! {
    static TABLE: RefCell<Option<Vec<String>>> = const { RefCell::new(None) };
}

/// Runs `make` with a table of doc lines active on this thread and returns its value with
/// the lines [`line`] recorded meanwhile, for [`fill`]. A table active before is set aside
/// and restored afterwards.
pub(crate) fn collect<T>(make: impl FnOnce() -> T) -> (T, Vec<String>) {
    let outer = TABLE.with(|t| t.borrow_mut().replace(Vec::new()));
    let value = make();
    let lines = TABLE.with(|t| std::mem::replace(&mut *t.borrow_mut(), outer));
    (value, lines.unwrap_or_default())
}

/// The value for the literal of a `#[doc]` (or `#![doc]`) attribute holding `text`, one line
/// that is empty or starts with a space: a placeholder when [`collect`] is running on this
/// thread and `text` can be put back by [`fill`] unchanged, else `text` itself.
pub(crate) fn line(text: String) -> String {
    let plain =
        (text.is_empty() || text.starts_with(' ')) && !text.contains(['\n', '\r', OPEN, CLOSE]);
    if !plain {
        return text;
    }
    TABLE.with(|t| match t.borrow_mut().as_mut() {
        Some(table) => {
            let index = table.len();
            // prettyplease trims trailing spaces from a one-line doc comment.
            let kept = text.trim_end_matches(' ').len();
            let mut text = text;
            text.truncate(kept);
            table.push(text);
            format!("{OPEN}{index}{CLOSE}")
        }
        None => text,
    })
}

/// `printed` with every placeholder replaced by its line from `lines` (as [`collect`]
/// returned them). A placeholder whose index is not in `lines` is left as it is (the
/// render's comment check then turns its control characters into spaces).
pub(crate) fn fill(printed: String, lines: &[String]) -> String {
    if lines.is_empty() || !printed.contains(OPEN) {
        return printed;
    }
    let extra: usize = lines.iter().map(String::len).sum();
    let mut out = String::with_capacity(printed.len() + extra);
    let mut rest = printed.as_str();
    while let Some(start) = rest.find(OPEN) {
        out.push_str(&rest[..start]);
        let after = &rest[start + OPEN.len_utf8()..];
        let found = after.find(CLOSE).and_then(|end| {
            let index: usize = after[..end].parse().ok()?;
            Some((lines.get(index)?, end))
        });
        match found {
            Some((line, end)) => {
                out.push_str(line);
                rest = &after[end + CLOSE.len_utf8()..];
            }
            None => {
                out.push(OPEN);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_come_back_where_their_placeholders_were_printed() {
        let ((a, b, c), lines) = collect(|| {
            (
                line(" first  ".to_string()),
                line(String::new()),
                line("/not plain".to_string()),
            )
        });
        assert_eq!(c, "/not plain");
        assert_eq!(lines, [" first", ""]);
        let printed = format!("///{a}\n    ///{b}\n///{c}\n");
        assert_eq!(fill(printed, &lines), "/// first\n    ///\n////not plain\n");
    }

    #[test]
    fn without_a_table_a_line_is_itself_and_tables_nest() {
        assert_eq!(line(" x".to_string()), " x");
        let ((inner, outer), lines) = collect(|| {
            let (inner, inner_lines) = collect(|| line(" inner".to_string()));
            assert_eq!(inner_lines, [" inner"]);
            (inner, line(" outer".to_string()))
        });
        assert_eq!(lines, [" outer"]);
        assert_eq!(fill(outer, &lines), " outer");
        assert_eq!(fill(inner.clone(), &[]), inner);
    }
}
