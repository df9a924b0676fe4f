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
//!
//! Whole items go the same way: `emit::text` writes the most frequent items as formatted
//! text, and [`item`] records it and returns a placeholder item (`__oagen_item!(N);`, which
//! prettyplease prints on a line of its own at the start of the line), which [`fill`]
//! replaces with the text. Outside [`collect`] there is no item table and [`item`] returns
//! `None`: emit makes tokens instead. [`without_items`] turns the item table off for
//! tokens that are transformed after they are made (a type behind a `#[cfg]` gate, whose
//! items each receive the attribute).

use std::cell::RefCell;

/// Starts a placeholder: a control character no doc line holds (`emit` turns them into
/// spaces), followed by the line's index in decimal.
const OPEN: char = '\u{1}';
/// Ends a placeholder.
const CLOSE: char = '\u{2}';

/// The macro name of an item placeholder.
pub(crate) const ITEM: &str = "__oagen_item";

thread_local! {
    static TABLE: RefCell<Option<Vec<String>>> = const { RefCell::new(None) };
    static ITEMS: RefCell<Option<Vec<String>>> = const { RefCell::new(None) };
}

/// What [`collect`] recorded: doc lines and item texts, by index.
#[derive(Debug, Default)]
pub(crate) struct Table {
    lines: Vec<String>,
    items: Vec<String>,
}

/// Runs `make` with a table of doc lines and items active on this thread and returns its
/// value with the lines [`line`] and the items [`item`] recorded meanwhile, for [`fill`].
/// Tables active before are set aside and restored afterwards.
pub(crate) fn collect<T>(make: impl FnOnce() -> T) -> (T, Table) {
    let outer = TABLE.with(|t| t.borrow_mut().replace(Vec::new()));
    let outer_items = ITEMS.with(|t| t.borrow_mut().replace(Vec::new()));
    let value = make();
    let lines = TABLE.with(|t| std::mem::replace(&mut *t.borrow_mut(), outer));
    let items = ITEMS.with(|t| std::mem::replace(&mut *t.borrow_mut(), outer_items));
    let table = Table {
        lines: lines.unwrap_or_default(),
        items: items.unwrap_or_default(),
    };
    (value, table)
}

impl Table {
    /// How many items were recorded.
    #[cfg(test)]
    pub(crate) fn item_count(&self) -> usize {
        self.items.len()
    }
}

/// Runs `make` with no item table active (doc lines are still collected).
pub(crate) fn without_items<T>(make: impl FnOnce() -> T) -> T {
    let outer = ITEMS.with(|t| t.borrow_mut().take());
    let value = make();
    ITEMS.with(|t| *t.borrow_mut() = outer);
    value
}

/// True when [`item`] records items on this thread.
pub(crate) fn items_active() -> bool {
    ITEMS.with(|t| t.borrow().is_some())
}

/// A placeholder item for `text` (top-level items as prettyplease prints them, each line
/// ending with a line break) when an item table is active on this thread, else `None`.
pub(crate) fn item(text: String) -> Option<proc_macro2::TokenStream> {
    ITEMS.with(|t| {
        let mut table = t.borrow_mut();
        let table = table.as_mut()?;
        let index = proc_macro2::Literal::usize_unsuffixed(table.len());
        table.push(text);
        let name = proc_macro2::Ident::new(ITEM, proc_macro2::Span::call_site());
        Some(quote::quote!(#name!(#index);))
    })
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

/// `printed` with every item placeholder replaced by its text and every doc placeholder by
/// its line, from `table` (as [`collect`] returned it). A doc placeholder whose index is not
/// in the table is left as it is (the render's comment check then turns its control
/// characters into spaces); so is an item placeholder (which then fails to compile).
pub(crate) fn fill(printed: String, table: &Table) -> String {
    fill_lines(fill_items(printed, &table.items), &table.lines)
}

/// `printed` with each line that is an item placeholder (at any indent: a method inside an
/// `impl` block is one) replaced by its text, which carries its own indent.
fn fill_items(printed: String, items: &[String]) -> String {
    if items.is_empty() {
        return printed;
    }
    let extra: usize = items.iter().map(String::len).sum();
    let mut out = String::with_capacity(printed.len() + extra);
    for line in printed.split_inclusive('\n') {
        let text = line
            .trim_start_matches(' ')
            .strip_prefix(ITEM)
            .and_then(|rest| rest.strip_prefix("!("))
            .and_then(|rest| rest.strip_suffix(");\n"))
            .and_then(|index| index.parse::<usize>().ok())
            .and_then(|index| items.get(index));
        out.push_str(text.map_or(line, String::as_str));
    }
    out
}

/// `printed` with every doc placeholder replaced by its line from `lines`.
fn fill_lines(printed: String, lines: &[String]) -> String {
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
        assert_eq!(lines.lines, [" first", ""]);
        let printed = format!("///{a}\n    ///{b}\n///{c}\n");
        assert_eq!(fill(printed, &lines), "/// first\n    ///\n////not plain\n");
    }

    #[test]
    fn without_a_table_a_line_is_itself_and_tables_nest() {
        assert_eq!(line(" x".to_string()), " x");
        let ((inner, outer), lines) = collect(|| {
            let (inner, inner_lines) = collect(|| line(" inner".to_string()));
            assert_eq!(inner_lines.lines, [" inner"]);
            (inner, line(" outer".to_string()))
        });
        assert_eq!(lines.lines, [" outer"]);
        assert_eq!(fill(outer, &lines), " outer");
        assert_eq!(fill(inner.clone(), &Table::default()), inner);
    }

    #[test]
    fn items_come_back_where_their_placeholders_were_printed() {
        assert!(item("struct A;\n".to_string()).is_none());
        let ((a, b, off), table) = collect(|| {
            let a = item("struct A;\n".to_string());
            let off = without_items(|| (items_active(), item(String::new())));
            (a, item("struct B;\n".to_string()), off)
        });
        assert!(!off.0 && off.1.is_none());
        let (a, b) = (a.unwrap().to_string(), b.unwrap().to_string());
        assert_eq!(a.replace(' ', ""), "__oagen_item!(0);");
        assert_eq!(b.replace(' ', ""), "__oagen_item!(1);");
        let printed = "struct Z;\n__oagen_item!(1);\n    __oagen_item!(0);\n__oagen_item!(2);\n";
        assert_eq!(
            fill(printed.to_string(), &table),
            "struct Z;\nstruct B;\nstruct A;\n__oagen_item!(2);\n"
        );
    }
}
