//! Stage 4, **render**: token streams → formatted files.
//!
//! Tokens are parsed into a `syn::File` and printed by `prettyplease` (pinned in
//! `Cargo.lock`), never by an installed `rustfmt`, so the output depends only on oagen's
//! version. Every file starts with an `@generated` header without version or timestamp.

use crate::diag::Error;
use proc_macro2::{Delimiter, Group, Span, TokenStream, TokenTree};

/// Formats `tokens` as a Rust file with `header` lines (each already starting with `//`).
///
/// The file is parsed and printed one top-level item at a time, and the body of a top-level
/// `impl` block (a client's hundreds of methods) one method at a time, so only one item's
/// `syn` tree exists at once and each item's tokens are freed once it is printed: peak
/// memory is bounded by the largest item, not the file. The text is the same as printing
/// the whole `syn::File` (prettyplease ends every item with a hard line break, so items
/// print independently); `print_impl` checks the one place that relies on more than that.
///
/// # Errors
/// [`Error::Internal`] when the tokens are not valid Rust: an oagen bug, reported with the
/// file it concerns.
pub fn rust_file(tokens: TokenStream, header: &str, item: &str) -> Result<String, Error> {
    let mut body = String::new();
    print_stream(tokens, &mut body).map_err(|e| internal(item, e))?;
    Ok(finish(header, &body))
}

/// Formats a Rust file made of `inner` (inner attributes) followed by `count` items, where
/// `item(i)` makes the tokens of the `i`-th: the same text as [`rust_file`] on all the tokens
/// in order, but each item's tokens are made, printed and freed in turn, on as many threads
/// as the machine has cores (up to 8), so neither the file's tokens nor its `syn` trees ever
/// exist at once. Items are printed in contiguous blocks and joined in order, so the output
/// does not depend on the number of threads.
///
/// # Errors
/// As [`rust_file`].
pub fn rust_file_items<F>(
    inner: TokenStream,
    count: usize,
    item: F,
    header: &str,
    name: &str,
) -> Result<String, Error>
where
    F: Fn(usize) -> TokenStream + Sync,
{
    let mut head = String::new();
    print_stream(inner, &mut head).map_err(|e| internal(name, e))?;
    let mut pieces = vec![ready(&head)];
    pieces.extend(crate::parallel::in_parallel(count, |i| {
        let mut text = String::new();
        print_stream(item(i), &mut text).map_err(|e| internal(name, e))?;
        Ok(ready(&text))
    })?);
    Ok(assemble(header, pieces))
}

/// Formats a Rust file that a client module is made of: `head` (ending with the `impl` block
/// that receives the operations' methods), then `middle`, then, for each of `count`
/// operations, the top-level items it needs; `part(i)` makes the `i`-th operation's tokens:
/// its associated items (methods) for that `impl` block and its top-level items. The text is
/// the same as [`rust_file`] on the whole file, but operations are made, printed and freed
/// in turn on as many threads as the machine has cores, as in [`rust_file_items`].
///
/// # Errors
/// As [`rust_file`], and [`Error::Internal`] when `head` does not end with a block.
pub fn rust_file_with_impl<F>(
    head: TokenStream,
    count: usize,
    part: F,
    middle: TokenStream,
    header: &str,
    name: &str,
) -> Result<String, Error>
where
    F: Fn(usize) -> (TokenStream, Option<TokenStream>) + Sync,
{
    let mut body = String::new();
    print_stream(head, &mut body).map_err(|e| internal(name, e))?;
    if !body.ends_with("}\n") {
        return Err(internal(
            name,
            syn::Error::new(Span::call_site(), "the head does not end with a block"),
        ));
    }
    body.truncate(body.len() - 2);
    let parts = crate::parallel::in_parallel(count, |i| {
        let (associated, items) = part(i);
        let (mut methods, mut text) = (String::new(), String::new());
        for chunk in Chunks::new(associated.into_iter().peekable(), ItemKind::ImplItem) {
            push_impl_item(chunk, &mut methods).map_err(|e| internal(name, e))?;
        }
        if let Some(items) = items {
            print_stream(items, &mut text).map_err(|e| internal(name, e))?;
        }
        Ok((ready(&methods), ready(&text)))
    })?;
    let mut tail = String::new();
    print_stream(middle, &mut tail).map_err(|e| internal(name, e))?;
    // The head and the closing brace of its block go around the methods, the middle and
    // the operations' items after it.
    let mut pieces = Vec::with_capacity(2 * parts.len() + 3);
    pieces.push(ready(&body));
    let mut items = Vec::with_capacity(parts.len());
    for (methods, text) in parts {
        pieces.push(methods);
        items.push(text);
    }
    pieces.push("}\n".to_string());
    pieces.push(ready(&tail));
    pieces.extend(items);
    Ok(assemble(header, pieces))
}

/// The language a template writes, which decides how a value is escaped when the template
/// prints it (`{{ value }}`): every string is escaped for that language unless the
/// template marks it `safe` (text oagen wrote, such as compiled examples).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Syntax {
    /// TOML: a string prints as a quoted TOML string ([`crate::escape::toml_string`]); the
    /// `key` filter prints a bare key when it can be one.
    Toml,
    /// Markdown: a string prints as text ([`crate::escape::markdown_text`]); the `code`
    /// filter prints a code span ([`crate::escape::code_span`]).
    Markdown,
}

/// Renders the minijinja template `source` (the file `templates/<name>.jinja`) with
/// `context`, ending the text with a line break. Printed strings are escaped for `syntax`.
///
/// # Errors
/// [`Error::Internal`] naming the template when it does not render (an oagen bug).
pub(crate) fn template(
    name: &str,
    source: &str,
    syntax: Syntax,
    context: minijinja::Value,
) -> Result<String, Error> {
    use minijinja::Value;
    let mut env = minijinja::Environment::new();
    env.set_formatter(move |out, state, value| {
        let escaped = match value.as_str() {
            Some(text) if !value.is_safe() => match syntax {
                Syntax::Toml => crate::escape::toml_string(text),
                Syntax::Markdown => crate::escape::markdown_text(text),
            },
            _ => return minijinja::escape_formatter(out, state, value),
        };
        out.write_str(&escaped).map_err(minijinja::Error::from)
    });
    env.add_filter("code", |text: &str| {
        Value::from_safe_string(crate::escape::code_span(text))
    });
    env.add_filter("key", |text: &str| {
        let bare = !text.is_empty()
            && text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        Value::from_safe_string(if bare {
            text.to_string()
        } else {
            crate::escape::toml_string(text)
        })
    });
    env.add_template(name, source)
        .and_then(|_| env.get_template(name))
        .and_then(|t| t.render(context))
        .map(|mut text| {
            if !text.ends_with('\n') {
                text.push('\n');
            }
            text
        })
        .map_err(|e| Error::Internal {
            item: format!("templates/{name}.jinja"),
            message: e.to_string(),
        })
}

/// An [`Error::Internal`] for tokens of file `item` that are not valid Rust.
fn internal(item: &str, e: syn::Error) -> Error {
    Error::Internal {
        item: item.to_string(),
        message: e.to_string(),
    }
}

/// Prints `tokens` (optional inner attributes, then items) onto `body`.
fn print_stream(tokens: TokenStream, body: &mut String) -> syn::Result<()> {
    let mut trees = tokens.into_iter().peekable();
    // One inner attribute at a time, each on its own line: prettyplease prints one whose
    // value is not a literal (`#![doc = include_str!(…)]`) without a line break after it.
    while is_inner_attr_start(&mut trees) {
        let attr: TokenStream = trees.by_ref().take(3).collect();
        let file: syn::File = syn::parse2(attr)?;
        body.push_str(prettyplease::unparse(&file).trim_end());
        body.push('\n');
    }
    for chunk in Chunks::new(trees, ItemKind::Item) {
        print_item(chunk?, body)?;
    }
    Ok(())
}

/// The file: `header`, a blank line, then `body` with blank lines between items and no
/// character a comment may not hold. A large body is cut at line breaks into pieces made
/// ready on several threads ([`ready`]), then joined by [`assemble`].
fn finish(header: &str, body: &str) -> String {
    const PIECE: usize = 256 * 1024;
    let mut starts = vec![0];
    while let Some(&start) = starts.last() {
        // A line break is one byte, so the cut after it is a character boundary.
        let rest = body.as_bytes().get(start + PIECE..).unwrap_or_default();
        let Some(cut) = rest.iter().position(|&b| b == b'\n') else {
            break;
        };
        starts.push(start + PIECE + cut + 1);
    }
    let piece = |i: usize| {
        let end = starts.get(i + 1).copied().unwrap_or(body.len());
        Ok::<_, std::convert::Infallible>(ready(&body[starts[i]..end]))
    };
    let Ok(pieces) = crate::parallel::in_parallel(starts.len(), piece);
    assemble(header, pieces)
}

/// A piece of a file's body (whole lines) made ready for [`assemble`]: blank lines between
/// its items ([`space_items`], as if nothing came before it) and no character a comment may
/// not hold ([`comments_safe`]).
fn ready(piece: &str) -> String {
    let mut out = String::with_capacity(piece.len() + piece.len() / 16);
    space_items(piece, &mut out);
    crate::escape::comment_text(out)
}

/// The file: `header`, a blank line, then the pieces in order (each [`ready`]), with the
/// blank line [`space_items`] puts between the last line of one and the first of the next:
/// the same text as making the whole body ready at once.
fn assemble(header: &str, pieces: Vec<String>) -> String {
    let len = pieces.iter().map(|p| p.len() + 1).sum::<usize>();
    let mut text = String::with_capacity(header.len() + 2 + len);
    text.push_str(&crate::escape::comment_text(header.to_string()));
    text.push_str("\n\n");
    let body = text.len();
    for piece in pieces {
        let Some(first) = piece.lines().next() else {
            continue;
        };
        if let Some(prev) = text[body..].lines().next_back() {
            if blank_between(prev, first) {
                text.push('\n');
            }
        }
        text.push_str(&piece);
    }
    text
}

/// True when the next tokens are `#` `!` `[…]`, an inner attribute.
fn is_inner_attr_start(
    trees: &mut std::iter::Peekable<proc_macro2::token_stream::IntoIter>,
) -> bool {
    let mut ahead = trees.clone();
    matches!(ahead.next(), Some(TokenTree::Punct(p)) if p.as_char() == '#')
        && matches!(ahead.next(), Some(TokenTree::Punct(p)) if p.as_char() == '!')
        && matches!(ahead.next(), Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Bracket)
}

/// Prints one top-level item (its tokens) onto `out`.
fn print_item(chunk: Chunk, out: &mut String) -> syn::Result<()> {
    match chunk {
        Chunk::Impl { header, body } => print_impl(header, body, out),
        Chunk::Item(item) => {
            out.push_str(&unparse_items(vec![*item]));
            Ok(())
        }
        Chunk::ImplItem(_) => Err(syn::Error::new(Span::call_site(), "misplaced impl item")),
    }
}

/// Prints an `impl` block from its header tokens (everything before the braces) and its
/// body, one associated item at a time. The block's first line(s) are taken from printing
/// the header with its first item, and each item's lines from printing it in an `impl X`
/// block; when the first item's lines are not the end of the header's printout (never seen,
/// but prettyplease promises nothing), or the body has inner attributes, the whole block is
/// printed as one.
fn print_impl(header: Vec<TokenTree>, body: TokenStream, out: &mut String) -> syn::Result<()> {
    let mut trees = body.clone().into_iter().peekable();
    let mut tokens: TokenStream = header.into_iter().collect();
    if is_inner_attr_start(&mut trees) {
        tokens.extend([TokenTree::Group(Group::new(Delimiter::Brace, body))]);
        out.push_str(&unparse_items(vec![syn::parse2(tokens)?]));
        return Ok(());
    }
    drop(body);
    tokens.extend([TokenTree::Group(Group::new(
        Delimiter::Brace,
        TokenStream::new(),
    ))]);
    let mut block: syn::ItemImpl = syn::parse2(tokens)?;
    let mut items = Chunks::new(trees, ItemKind::ImplItem);
    let Some(first) = items.next() else {
        out.push_str(&unparse_items(vec![syn::Item::Impl(block)]));
        return Ok(());
    };
    let (first_lines, first) = impl_item_lines(first?.impl_item()?)?;
    block.items.push(first);
    let mut file = file_of(vec![syn::Item::Impl(block)]);
    let printed = prettyplease::unparse(&file);
    let head = printed
        .strip_suffix("}\n")
        .and_then(|p| p.strip_suffix(first_lines.as_str()));
    let Some(head) = head else {
        let Some(syn::Item::Impl(mut block)) = file.items.pop() else {
            return Err(syn::Error::new(Span::call_site(), "impl block lost"));
        };
        for item in items {
            block.items.push(item?.impl_item()?);
        }
        out.push_str(&unparse_items(vec![syn::Item::Impl(block)]));
        return Ok(());
    };
    out.push_str(head);
    out.push_str(&first_lines);
    drop(file);
    for item in items {
        push_impl_item(item, out)?;
    }
    out.push_str("}\n");
    Ok(())
}

/// Prints an item of an `impl` body onto `out` at one level of indent.
fn push_impl_item(chunk: syn::Result<Chunk>, out: &mut String) -> syn::Result<()> {
    out.push_str(&impl_item_lines(chunk?.impl_item()?)?.0);
    Ok(())
}

/// The lines of `item` as printed inside an `impl` block (indented, without the braces).
/// Returns the item back, for a caller that still needs it.
fn impl_item_lines(item: syn::ImplItem) -> syn::Result<(String, syn::ImplItem)> {
    let mut block: syn::ItemImpl = syn::parse_quote!(impl X {});
    block.items.push(item);
    let mut file = file_of(vec![syn::Item::Impl(block)]);
    let text = prettyplease::unparse(&file);
    let lines = text
        .strip_prefix("impl X {\n")
        .and_then(|t| t.strip_suffix("}\n"))
        .map(str::to_string);
    let item = match file.items.pop() {
        Some(syn::Item::Impl(mut block)) => block.items.pop(),
        _ => None,
    };
    match (lines, item) {
        (Some(lines), Some(item)) => Ok((lines, item)),
        _ => Err(syn::Error::new(
            Span::call_site(),
            "unexpected impl item printout",
        )),
    }
}

/// A file of `items`, without inner attributes.
fn file_of(items: Vec<syn::Item>) -> syn::File {
    syn::File {
        shebang: None,
        frontmatter: None,
        attrs: Vec::new(),
        items,
    }
}

fn unparse_items(items: Vec<syn::Item>) -> String {
    prettyplease::unparse(&file_of(items))
}

/// What [`Chunks`] splits: top-level items or the items of an `impl` body.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ItemKind {
    Item,
    ImplItem,
}

impl ItemKind {
    /// `tokens` parsed as one item of this kind.
    fn parse(self, tokens: TokenStream) -> syn::Result<Chunk> {
        match self {
            ItemKind::Item => syn::parse2(tokens).map(|i| Chunk::Item(Box::new(i))),
            ItemKind::ImplItem => syn::parse2(tokens).map(|i| Chunk::ImplItem(Box::new(i))),
        }
    }
}

/// One parsed piece of a token stream.
enum Chunk {
    /// A top-level item other than an `impl` block with a body.
    Item(Box<syn::Item>),
    /// A top-level `impl` block, left as tokens: its header and its body.
    Impl {
        header: Vec<TokenTree>,
        body: TokenStream,
    },
    /// An item of an `impl` body.
    ImplItem(Box<syn::ImplItem>),
}

impl Chunk {
    fn impl_item(self) -> syn::Result<syn::ImplItem> {
        match self {
            Chunk::ImplItem(item) => Ok(*item),
            _ => Err(syn::Error::new(Span::call_site(), "expected an impl item")),
        }
    }
}

/// Splits a token stream into items without parsing it as a whole: tokens are gathered up
/// to a candidate end (a `;` or a `{…}` group at the top level) and the gathered tokens
/// end an item when they parse as one (so `use a::{b, c};` or `const X: T = T {…};` go on
/// past their braces). `use`, `const`, `static` and `type` items only end at a `;`.
struct Chunks {
    trees: std::iter::Peekable<proc_macro2::token_stream::IntoIter>,
    kind: ItemKind,
}

impl Chunks {
    fn new(
        trees: std::iter::Peekable<proc_macro2::token_stream::IntoIter>,
        kind: ItemKind,
    ) -> Self {
        Chunks { trees, kind }
    }
}

impl Iterator for Chunks {
    type Item = syn::Result<Chunk>;

    fn next(&mut self) -> Option<syn::Result<Chunk>> {
        let mut current: Vec<TokenTree> = Vec::new();
        for tree in self.trees.by_ref() {
            let candidate = match &tree {
                TokenTree::Punct(p) => p.as_char() == ';',
                TokenTree::Group(g) => g.delimiter() == Delimiter::Brace,
                _ => false,
            };
            current.push(tree);
            if !candidate {
                continue;
            }
            let keyword = leading_keyword(&current);
            let semicolon_only = matches!(keyword.as_deref(), Some("use" | "static" | "type"))
                || (keyword.as_deref() == Some("const") && !is_const_fn(&current));
            let is_brace = matches!(current.last(), Some(TokenTree::Group(_)));
            if semicolon_only && is_brace {
                continue;
            }
            if self.kind == ItemKind::Item && keyword.as_deref() == Some("impl") && is_brace {
                let Some(TokenTree::Group(group)) = current.pop() else {
                    unreachable!("checked above")
                };
                let body = group.stream();
                drop(group);
                return Some(Ok(Chunk::Impl {
                    header: current,
                    body,
                }));
            }
            let tokens: TokenStream = std::mem::take(&mut current).into_iter().collect();
            match self.kind.parse(tokens.clone()) {
                Ok(chunk) => return Some(Ok(chunk)),
                Err(_) => current = tokens.into_iter().collect(),
            }
        }
        if current.is_empty() {
            return None;
        }
        Some(self.kind.parse(current.into_iter().collect()))
    }
}

/// The keyword that says what an item is: its first identifier after outer attributes,
/// a visibility and `unsafe`/`async`/`default`/`extern "…"` qualifiers.
fn leading_keyword(tokens: &[TokenTree]) -> Option<String> {
    let mut i = 0;
    while i < tokens.len() {
        match &tokens[i] {
            TokenTree::Punct(p) if p.as_char() == '#' => i += 2,
            TokenTree::Ident(id) => {
                let word = id.to_string();
                match word.as_str() {
                    "pub" => {
                        i += 1;
                        if matches!(tokens.get(i), Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Parenthesis)
                        {
                            i += 1;
                        }
                    }
                    "unsafe" | "async" | "default" | "extern" => i += 1,
                    _ => return Some(word),
                }
            }
            TokenTree::Literal(_) => i += 1,
            _ => return None,
        }
    }
    None
}

/// True for `const fn` (and `const unsafe fn`…), whose item ends at its body.
fn is_const_fn(tokens: &[TokenTree]) -> bool {
    tokens
        .iter()
        .skip_while(|t| !matches!(t, TokenTree::Ident(id) if id == "const"))
        .nth(1)
        .is_some_and(|t| matches!(t, TokenTree::Ident(id) if id == "fn" || id == "unsafe" || id == "async" || id == "extern"))
}

/// Puts a blank line between consecutive items (prettyplease prints them back to back),
/// and after the module's inner doc and attributes, as a person would write them. Lines
/// are only inserted, never changed; string literals in generated code never span lines,
/// so this cannot alter a value.
fn space_items(text: &str, out: &mut String) {
    let bytes = text.as_bytes();
    if memchr::memchr(b'\r', bytes).is_some() {
        // `lines` drops the CR of a CRLF: kept for such rare text.
        return space_lines(text, out);
    }
    // The text is copied in runs between the blank lines put in, not line by line.
    let mut ends = memchr::memchr_iter(b'\n', bytes);
    let (mut prev, mut start, mut copied) = (None, 0, 0);
    while start < bytes.len() {
        let end = ends.next().unwrap_or(bytes.len());
        let line = &text[start..end];
        if prev.is_some_and(|p| blank_between(p, line)) {
            out.push_str(&text[copied..start]);
            out.push('\n');
            copied = start;
        }
        prev = Some(line);
        start = end + 1;
    }
    out.push_str(&text[copied..]);
    if !text.is_empty() && !text.ends_with('\n') {
        out.push('\n');
    }
}

/// [`space_items`] line by line: each line of `text` (as `str::lines` splits it) and a line
/// break, after a blank line where [`blank_between`] says so.
fn space_lines(text: &str, out: &mut String) {
    let mut prev = None;
    for line in text.lines() {
        if prev.is_some_and(|p| blank_between(p, line)) {
            out.push('\n');
        }
        out.push_str(line);
        out.push('\n');
        prev = Some(line);
    }
}

/// True when [`space_items`] puts a blank line between lines `p` and `line`: `line` starts
/// an item, after a block or statement at its indent or after the module's inner doc.
fn blank_between(p: &str, line: &str) -> bool {
    // Printed code is indented with spaces: they are skipped as bytes (`trim_start` decodes
    // characters, a cost paid on every line of every file).
    let cur = &line[line.bytes().take_while(|&b| b == b' ').count()..];
    let cur = if cur.starts_with(char::is_whitespace) {
        cur.trim_start()
    } else {
        cur
    };
    // (Cheap tests first: this runs on every line of every file. Neither changes the
    // answer: no item starts with another byte, and after a comment line other than the
    // inner doc the rule inserts nothing.)
    if !cur
        .as_bytes()
        .first()
        .is_some_and(|b| b"/#pifacmestu".contains(b))
    {
        return false;
    }
    let p_start = &p[p.bytes().take_while(|&b| b == b' ').count()..];
    if p_start.starts_with("//") && !p_start.starts_with("//!") {
        return false;
    }
    blank_line_rule(p, line, cur)
}

/// The rule of [`blank_between`], `cur` being `line` without its indentation.
fn blank_line_rule(p: &str, line: &str, cur: &str) -> bool {
    const ITEM_STARTS: [&str; 13] = [
        "///", "#[", "pub ", "impl", "fn ", "async fn", "const ", "mod ", "enum ", "struct ",
        "type ", "use ", "unsafe ",
    ];
    if !ITEM_STARTS.iter().any(|s| cur.starts_with(s)) {
        return false;
    }
    let indent = |s: &str| s.len() - s.trim_start().len();
    let p_trim = p.trim();
    let is_comment = p_trim.starts_with("//");
    let after_block = !is_comment && p_trim.ends_with('}') && indent(p) == indent(line);
    let after_statement = !is_comment
        && p_trim.ends_with(';')
        && indent(p) == indent(line)
        && !(p_trim.starts_with("use ") && cur.starts_with("use "))
        && !p_trim.starts_with("#![");
    let inner = |s: &str| s.starts_with("//!") || s.starts_with("#![");
    let after_inner_doc = inner(p_trim) && !inner(cur);
    after_block || after_statement || after_inner_doc
}

/// The `// @generated` header of a file made from `source`.
pub fn header(source: &str, command: &str) -> String {
    format!(
        "// @generated by oagen from {}. Do not edit: run `{}`.",
        crate::escape::one_line(source),
        crate::escape::one_line(command)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    /// The pre-streaming render: one `syn::File` for the whole stream.
    fn whole_file(tokens: TokenStream) -> String {
        let file: syn::File = syn::parse2(tokens).unwrap();
        let mut text = String::from("// h\n\n");
        space_items(&prettyplease::unparse(&file), &mut text);
        text
    }

    #[test]
    fn blank_between_decides_as_the_plain_rule() {
        // The rule without the early exits.
        let plain = |p: &str, line: &str| blank_line_rule(p, line, line.trim_start());
        let lines = [
            "",
            "}",
            "    }",
            "};",
            "use a;",
            "use b::{c, d};",
            "//! Doc.",
            "#![allow(x)]",
            "/// Doc.",
            "    /// Doc.",
            "// note",
            "    // note }",
            "\t/// Doc.",
            "\t}",
            "pub struct A;",
            "    pub fn f() {}",
            "impl A {",
            "fn g() {",
            "async fn h() {}",
            "const C: u8 = 1;",
            "mod m;",
            "enum E {}",
            "struct S;",
            "type T = u8;",
            "unsafe impl Send for A {}",
            "#[derive(Debug)]",
            "    #[serde(x)]",
            "let x = 1;",
            "    x: u8,",
            "\u{a0}pub fn f() {}",
            "//!",
            "///",
        ];
        for p in lines {
            for line in lines {
                assert_eq!(
                    blank_between(p, line),
                    plain(p, line),
                    "{p:?} then {line:?}"
                );
            }
        }
    }

    #[test]
    fn space_items_puts_blank_lines_where_a_line_by_line_pass_does() {
        let line_by_line = |text: &str| {
            let mut out = String::new();
            space_lines(text, &mut out);
            out
        };
        let code = "//! Doc.\nuse a;\nuse b;\nstruct A;\nimpl A {\n    fn f() {}\n    fn g() {}\n}\n\npub fn h() {}\n";
        for text in [
            "",
            "\n",
            "\n\n",
            "struct A;",
            "struct A;\nstruct B;",
            "struct A;\nstruct B;\n",
            "fn a() {}\n\nfn b() {}",
            code,
            code.trim_end(),
            "struct A;\r\nstruct B;\r\n",
            "struct A;\nstruct B;\r",
        ] {
            let mut out = String::new();
            space_items(text, &mut out);
            assert_eq!(out, line_by_line(text), "{text:?}");
        }
    }

    #[test]
    fn item_by_item_prints_as_the_whole_file() {
        let tokens = quote! {
            #![allow(clippy::all)]
            #![doc = "inner"]
            use super::{runtime, types};
            /// A struct.
            #[derive(Debug)]
            pub struct A { pub x: u8 }
            pub struct B(pub u8);
            pub const DEFAULT: A = A { x: 1 };
            pub static NAMES: &[&str] = &["a", "b"];
            pub type C = std::collections::BTreeMap<String, A>;
            impl A {}
            impl<'de> serde::Deserialize<'de> for B where B: Sized {
                fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                    u8::deserialize(d).map(B)
                }
            }
            impl A {
                #![allow(dead_code)]
                fn a(&self) -> u8 { self.x }
            }
            impl A {
                /// Builds one.
                pub const fn new(x: u8) -> Self { A { x } }
                const N: usize = 3;
                type T = u8;
                pub fn get(&self) -> u8 { match self.x { 0 => 1, n => n } }
            }
            pub mod m { pub fn f() {} impl super::A { fn g() {} } }
            pub const fn h() -> u8 { 0 }
            pub enum E { X { a: u8 }, Y }
        };
        assert_eq!(
            rust_file(tokens.clone(), "// h", "t.rs").unwrap(),
            whole_file(tokens)
        );
    }

    /// Resource bound: an `impl` block of many methods is split into one parse
    /// per method, so the largest `syn` tree alive is one method's, not the block's (the
    /// 45 MB `client.rs` of Microsoft Graph is one `impl Client`).
    #[test]
    fn an_impl_block_is_parsed_method_by_method() {
        let methods = (0..200).map(|i| {
            let name = quote::format_ident!("op_{i}");
            quote!(pub async fn #name(&self, id: &str) -> Result<(), Error> { let _ = id; Ok(()) })
        });
        let body: TokenStream = quote!(#(#methods)*);
        let chunks: Vec<Chunk> =
            Chunks::new(body.clone().into_iter().peekable(), ItemKind::ImplItem)
                .collect::<syn::Result<_>>()
                .unwrap();
        assert_eq!(chunks.len(), 200);
        assert!(chunks.iter().all(|c| matches!(c, Chunk::ImplItem(_))));
        let file = quote!(pub struct Client; impl Client { #body });
        let top: Vec<Chunk> = Chunks::new(file.clone().into_iter().peekable(), ItemKind::Item)
            .collect::<syn::Result<_>>()
            .unwrap();
        assert!(matches!(
            top.as_slice(),
            [Chunk::Item(_), Chunk::Impl { .. }]
        ));
        assert_eq!(
            rust_file(file.clone(), "// h", "t.rs").unwrap(),
            whole_file(file)
        );
    }

    #[test]
    fn invalid_tokens_are_an_internal_error_naming_the_file() {
        let err = rust_file(quote!(pub struct ;), "// h", "src/x.rs").unwrap_err();
        assert!(err.to_string().contains("src/x.rs"), "{err}");
    }

    #[test]
    fn items_made_on_several_threads_print_as_the_whole_file() {
        let item = |i: usize| {
            let name = quote::format_ident!("T{i}");
            quote! {
                /// A type.
                #[derive(Debug)]
                pub struct #name { pub x: u8 }
                impl #name {
                    /// Sets `x`.
                    pub fn x(mut self, x: u8) -> Self { self.x = x; self }
                }
            }
        };
        let inner = quote!(#![doc = "inner"]);
        let all: Vec<TokenStream> = (0..301).map(item).collect();
        let whole = rust_file(quote!(#inner #(#all)*), "// h", "x.rs").unwrap();
        let items = rust_file_items(inner, 301, item, "// h", "x.rs").unwrap();
        assert_eq!(whole, items);
        assert!(items.contains("pub struct T300 {"));
        let err = rust_file_items(
            TokenStream::new(),
            40,
            |i| {
                if i == 33 {
                    quote!(pub struct ;)
                } else {
                    item(i)
                }
            },
            "// h",
            "src/y.rs",
        )
        .unwrap_err();
        assert!(err.to_string().contains("src/y.rs"), "{err}");
    }

    #[test]
    fn operations_made_on_several_threads_print_as_the_whole_client() {
        let head = quote! {
            #![doc = "client"]
            use super::runtime;
            pub struct Client;
            impl Client {
                /// The first server.
                pub const BASE: &'static str = "https://x";
            }
        };
        let part = |i: usize| {
            let method = quote::format_ident!("op_{i}");
            let error = quote::format_ident!("Op{i}Error");
            let item =
                (i % 3 != 0).then(|| quote!(#[derive(Debug)] pub enum #error { NotFound(String) }));
            (
                quote!(/// An operation.
                    pub async fn #method(&self, id: &str) -> Result<(), #error> { let _ = id; Ok(()) }),
                item,
            )
        };
        let middle = quote!(
            pub enum Server {
                Default,
            }
        );
        let (methods, items): (Vec<_>, Vec<_>) = (0..150).map(part).unzip();
        let whole = quote! {
            #![doc = "client"]
            use super::runtime;
            pub struct Client;
            impl Client {
                /// The first server.
                pub const BASE: &'static str = "https://x";
                #(#methods)*
            }
            #middle
            #(#items)*
        };
        let expected = rust_file(whole, "// h", "client.rs").unwrap();
        let parts = rust_file_with_impl(head, 150, part, middle, "// h", "client.rs").unwrap();
        assert_eq!(expected, parts);
        assert!(parts.contains("pub async fn op_149("));
        assert!(parts.contains("pub enum Op149Error"));
    }
}
