//! The most frequent items written directly as formatted text (issue 17: generation speed).
//!
//! A struct's definition, written-out serde impls, constructor and setters, a string enum's
//! impls and type aliases are most of a large API's `types.rs`, and positional client
//! methods most of `client.rs`; every line of them would otherwise be built as tokens,
//! parsed by `syn` and printed by prettyplease. Their shape is fixed, so they are written
//! here as prettyplease prints them, and handed to render as a placeholder item
//! ([`crate::doc_table::item`], a method's inside `impl Client`) whose text is put back into
//! the printed file.
//!
//! The text must be what prettyplease would print, byte for byte. The writers follow
//! prettyplease's rules for the few constructs they write (a line stays whole within the
//! [`MARGIN`]; a parameter list or array that does not fit puts one element per line; a
//! struct literal does so once its fields are wider than [`STRUCT_FIELDS`]; an `impl`
//! header that does not fit breaks before `for`; a list is measured up to the next break
//! opportunity at its own level or an outer one, so a signature's parameters break when the
//! whole signature does not fit; a method call breaks before `.method` first), and give up
//! (return `None`, and the caller makes tokens instead) wherever they would need more: a
//! statement wider than the margin, a string literal that needs an escape. Lines without a
//! break opportunity (a `const`, an inherent `impl` header, a path or a literal alone on
//! its line) and the fixed serde method signatures are written as prettyplease prints
//! them, whatever their width. The unit test `text_items_print_as_their_tokens` checks the
//! writers against prettyplease on every shipped spec and fixture (and runs over the
//! public directory found the two paths byte-identical, `tests/directory/results.md`).

use super::types::{Construction, Wrap};
use crate::escape::code_span;
use crate::ir::*;
use crate::surface::{push_ident, RustType, Scope};

/// prettyplease's margin: a line with a break opportunity is kept whole while it is at most
/// this wide (`MARGIN` in prettyplease's source).
const MARGIN: usize = 89;

/// Widest field list of a struct literal that prettyplease keeps on one line.
const STRUCT_FIELDS: usize = 26;

/// The width of `items` joined by `, `.
fn joined_len(items: &[String]) -> usize {
    items.iter().map(|i| i.len() + 2).sum::<usize>() - 2 * usize::from(!items.is_empty())
}

/// Text being written, and whether every line is known to print as written.
struct Text {
    out: String,
    fits: bool,
}

impl Text {
    fn new() -> Self {
        Text {
            out: String::with_capacity(1024),
            fits: true,
        }
    }

    /// A line at `indent` (levels of four spaces) made of `parts`, no wider than the
    /// [`MARGIN`] (else the writer gives up: prettyplease would break it somewhere).
    fn line(&mut self, indent: usize, parts: &[&str]) {
        let start = self.out.len();
        self.fixed(indent, parts);
        // (A part may hold lines of its own, already indented.)
        if self.out[start..].lines().any(|line| line.len() > MARGIN) {
            self.fits = false;
        }
    }

    /// `impl {trait_} for {ty} {`, broken before `for` when wider than the margin.
    fn impl_header(&mut self, trait_: &str, ty: &str) {
        if "impl".len() + trait_.len() + " for ".len() + ty.len() + " {".len() <= MARGIN {
            self.fixed(0, &["impl", trait_, " for ", ty, " {"]);
        } else {
            self.line(0, &["impl", trait_]);
            // A type name without generic arguments has no break opportunity.
            if ty.contains('<') {
                self.line(0, &["for ", ty, " {"]);
            } else {
                self.fixed(0, &["for ", ty, " {"]);
            }
        }
    }

    /// A line whose layout is known whatever its width.
    fn fixed(&mut self, indent: usize, parts: &[&str]) {
        for _ in 0..indent {
            self.out.push_str("    ");
        }
        for part in parts {
            self.out.push_str(part);
        }
        self.out.push('\n');
    }

    /// `///` doc comments for `text`, as `emit::doc_lines` makes them and prettyplease
    /// prints them (a doc comment is a line of its own, whatever its width).
    fn doc(&mut self, indent: usize, text: &str) {
        super::each_doc_string(text, |line| {
            self.fixed(indent, &["///", line.trim_end_matches(' ')]);
        });
    }

    /// `head` + `items` joined by `, ` + `tail` on one line when short, else `head`, each
    /// item on its own line one level deeper with a trailing comma, and `tail` (prettyplease's
    /// layout of a parameter list or an array that does not fit).
    fn list(&mut self, indent: usize, (head, tail): (&str, &str), items: &[String]) {
        let one_line = 4 * indent + head.len() + tail.len() + joined_len(items);
        if one_line <= MARGIN {
            self.fixed(indent, &[head, &items.join(", "), tail]);
        } else {
            self.broken(indent, (head, tail), items);
        }
    }

    /// A struct literal `Self { items }` after `prefix` and before `suffix`: prettyplease
    /// keeps it on one line only while its fields take at most [`STRUCT_FIELDS`] columns
    /// (its `expr_struct` ends the box with a maximum width of 34, `Self { ` and a space
    /// included), and otherwise puts each field on a line of its own.
    fn struct_literal(&mut self, indent: usize, (prefix, suffix): (&str, &str), items: &[String]) {
        let (head, tail) = (format!("{prefix}Self {{ "), format!(" }}{suffix}"));
        if joined_len(items) > STRUCT_FIELDS {
            self.fixed(indent, &[head.trim_end()]);
            for (i, item) in items.iter().enumerate() {
                self.field_init(indent + 1, item, i + 1 == items.len());
            }
            self.line(indent, &[tail.trim_start()]);
        } else {
            self.line(indent, &[&head, &items.join(", "), &tail]);
        }
    }

    /// A field of a broken struct literal (`field: value`) with its comma, the last
    /// field's not measured (see [`Text::broken`]): on one line when it fits, else a value
    /// that is a chain of two method calls or more on a plain name is broken before each
    /// `.`, one level deeper, as prettyplease breaks it (`labels: labels` /
    /// `.into_iter()` / `.map(Into::into)` / `.collect(),`); any other value too wide is
    /// left to the tokens.
    fn field_init(&mut self, indent: usize, item: &str, last: bool) {
        let (start, fitted) = (self.out.len(), self.fits);
        self.element(indent, item, last);
        if self.fits || !fitted {
            return;
        }
        self.out.truncate(start);
        let Some((head, calls)) = method_chain(item) else {
            self.fits = false;
            return;
        };
        self.fits = true;
        self.line(indent, &[head]);
        for (i, call) in calls.iter().enumerate() {
            let comma = if i + 1 == calls.len() { "," } else { "" };
            self.line(indent + 1, &[call, comma]);
        }
    }

    /// A parameter list: as [`Text::list`], but a parameter too wide for its line has its
    /// type's generic arguments broken (see [`Text::generic`]).
    fn params(&mut self, indent: usize, (head, tail): (&str, &str), params: &[String]) {
        let one_line = 4 * indent + head.len() + tail.len() + joined_len(params);
        if one_line <= MARGIN {
            self.fixed(indent, &[head, &params.join(", "), tail]);
            return;
        }
        self.fixed(indent, &[head.trim_end()]);
        self.elements(indent + 1, params);
        self.line(indent, &[tail.trim_start()]);
    }

    /// The elements of a broken list at `indent`, each with its comma (the last one's not
    /// measured, see [`Text::broken`]) and broken in turn when too wide ([`Text::generic`]).
    fn elements<S: AsRef<str>>(&mut self, indent: usize, items: &[S]) {
        for (i, item) in items.iter().enumerate() {
            let last = i + 1 == items.len();
            self.generic(indent, item.as_ref(), ",", usize::from(!last));
        }
    }

    /// `text` (a type, or a parameter or binding ending in one) and `suffix` at `indent`,
    /// of which `measured` columns of the suffix count (a list's last comma does not): on
    /// one line when it fits or has no break opportunity (no generic arguments), else as
    /// prettyplease breaks generic arguments: `…<`, each argument one level deeper with a
    /// comma (broken in turn when too wide), then `>` and the suffix. A tuple or function
    /// type among them, or a slice or array of anything but a plain path, is left to the
    /// tokens.
    fn generic(&mut self, indent: usize, text: &str, suffix: &str, measured: usize) {
        let open = text.find('<');
        if 4 * indent + text.len() + measured <= MARGIN || open.is_none() {
            self.fixed(indent, &[text, suffix]);
            return;
        }
        let open = open.unwrap_or_default();
        let Some(inner) = text[open + 1..].strip_suffix('>') else {
            self.fits = false;
            return;
        };
        let args = top_level_args(inner);
        // A slice of a plain path (`&[types::Item]`) has no break opportunity; other
        // tuples, arrays and function types are left to the tokens.
        if inner.contains('(')
            || args
                .iter()
                .any(|a| a.contains('[') && (a.contains('<') || a.contains(',')))
        {
            self.fits = false;
            return;
        }
        self.fixed(indent, &[&text[..=open]]);
        self.elements(indent + 1, &args);
        self.fixed(indent, &[">", suffix]);
    }

    /// `head`, each item on its own line one level deeper with a trailing comma, `tail`.
    /// The last item is measured without its comma, as prettyplease measures it (there the
    /// comma belongs to the line break that closes the list); the others with it.
    fn broken(&mut self, indent: usize, (head, tail): (&str, &str), items: &[String]) {
        self.fixed(indent, &[head.trim_end()]);
        for (i, item) in items.iter().enumerate() {
            self.element(indent + 1, item, i + 1 == items.len());
        }
        self.line(indent, &[tail.trim_start()]);
    }

    /// One item of a broken list with its comma, measured with it unless `last` (see
    /// [`Text::broken`]).
    fn element(&mut self, indent: usize, item: &str, last: bool) {
        if last {
            self.line(indent, &[item]);
            self.out.pop();
            self.out.push_str(",\n");
        } else {
            self.line(indent, &[item, ","]);
        }
    }

    /// `{head}{argument}{tail}` (a statement ending in a call with one argument, `head`
    /// ending in its `(`): on one line when it fits, else the argument on a line of its own
    /// one level deeper, as prettyplease breaks a call's argument list.
    fn call_statement(&mut self, indent: usize, head: &str, argument: &str, tail: &str) {
        if 4 * indent + head.len() + argument.len() + tail.len() <= MARGIN {
            self.fixed(indent, &[head, argument, tail]);
        } else if 4 * indent + head.len() > MARGIN {
            // prettyplease breaks the head itself first (`self` / `.field = Some(`).
            self.fits = false;
        } else {
            self.broken(indent, (head, tail), &[argument.to_string()]);
        }
    }

    /// `impl<'de> ::serde::Deserialize<'de> for {name}` (behind `full-serde` unless the type
    /// implements it `by_default`) up to the `{` that opens `deserialize`'s body.
    fn deserialize_head(&mut self, name: &str, by_default: bool) {
        self.serde_gate(by_default);
        self.impl_header("<'de> ::serde::Deserialize<'de>", name);
        self.fixed(1, &["fn deserialize<__D: ::serde::Deserializer<'de>>("]);
        self.fixed(2, &["deserializer: __D,"]);
        self.fixed(1, &[") -> Result<Self, __D::Error> {"]);
    }

    /// `#[cfg(feature = "full-serde")]` before an impl of a serde trait the type does not
    /// implement by default (as `types::serde_gate` makes it).
    fn serde_gate(&mut self, by_default: bool) {
        if !by_default {
            self.fixed(0, &["#[cfg(feature = \"full-serde\")]"]);
        }
    }

    fn finish(self) -> Option<String> {
        self.fits.then_some(self.out)
    }
}

/// A struct literal's field `name: receiver.a(…).b(…)…` split into `name: receiver` and its
/// method calls (each from its `.`), when the receiver is a plain name and there are two
/// calls or more; `None` for anything else.
fn method_chain(item: &str) -> Option<(&str, Vec<&str>)> {
    if item.contains('\n') {
        return None;
    }
    let (field, value) = item.split_once(": ")?;
    let mut depth = 0usize;
    let mut cuts = Vec::new();
    for (i, b) in value.bytes().enumerate() {
        match b {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth = depth.checked_sub(1)?,
            b'.' if depth == 0 => cuts.push(i),
            b'"' | b'\'' => return None,
            _ => {}
        }
    }
    let receiver = &value[..*cuts.first()?];
    if cuts.len() < 2 || depth != 0 || !plain(receiver) {
        return None;
    }
    let calls = cuts
        .iter()
        .zip(cuts.iter().skip(1).chain([&value.len()]))
        .map(|(&from, &to)| &value[from..to])
        .collect::<Vec<_>>();
    let is_call = |call: &&str| {
        call.ends_with(')')
            && call
                .strip_prefix('.')
                .and_then(|c| c.split_once('('))
                .is_some_and(|(name, _)| plain(name))
    };
    if !calls.iter().all(is_call) {
        return None;
    }
    Some((&item[..field.len() + 2 + receiver.len()], calls))
}

/// `inner` (generic arguments) split at its top-level commas.
fn top_level_args(inner: &str) -> Vec<&str> {
    let mut args = Vec::new();
    let (mut depth, mut start) = (0usize, 0);
    for (i, c) in inner.char_indices() {
        match c {
            '<' => depth += 1,
            '>' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                args.push(inner[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    args.push(inner[start..].trim());
    args
}

/// `"text"`, the literal `quote` makes of a string that needs no escape; `None` when it
/// does (then only tokens are sure to print it right).
fn lit(text: &str) -> Option<String> {
    text.bytes()
        .all(|b| (0x20..0x7F).contains(&b) && b != b'"' && b != b'\\')
        .then(|| format!("\"{text}\""))
}

/// An identifier as `emit::ident` makes it (raw for a keyword).
pub(super) fn ident(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 2);
    push_ident(&mut out, name);
    out
}

/// What a doc example does with the call's result.
pub(super) enum Outcome<'a> {
    /// `….await?;`: the method returns nothing.
    Discard,
    /// `let {name} = ….await?;`, then printed.
    Print(&'a str),
    /// `let mut stream = ….stream();`, then each item (named so) printed in a `while let`.
    Stream(&'a str),
}

/// A doc example's program (`emit::example`'s most frequent shapes) as prettyplease prints
/// it: no parameters, `let client = {client};`, optionally `let {name} = {value};` (the
/// request body), then the call `client.{method}({args})` used as `outcome` says. The call
/// is a method chain: whole when it fits, else `client` and each of `.{method}(…)` and
/// `.await?` (or `.stream()`) on a line of their own (prettyplease breaks a chain at every
/// dot or none), the arguments one per line when they do not fit either; a `println!` too
/// wide has its argument on a line of its own. `None` where another layout could apply: a
/// line too wide, an array among broken arguments (an array alone is laid out as a block).
pub(super) fn example(
    client: &str,
    setup: Option<(&str, &Call)>,
    outcome: Outcome<'_>,
    method: &str,
    args: &[String],
) -> Option<String> {
    let mut t = Text::new();
    t.fixed(
        0,
        &["async fn example() -> Result<(), Box<dyn std::error::Error>> {"],
    );
    t.line(1, &["let client = ", client, ";"]);
    if let Some((name, value)) = setup {
        let head = format!("let {name} = ");
        example_value(&mut t, &head, value);
    }
    let (binding, end) = match outcome {
        Outcome::Discard => (String::new(), ".await?;"),
        Outcome::Print(r) => (format!("let {r} = "), ".await?;"),
        Outcome::Stream(_) => ("let mut stream = ".to_string(), ".stream();"),
    };
    let call = format!("{method}({})", args.join(", "));
    if 4 + binding.len() + "client.".len() + call.len() + end.len() <= MARGIN {
        t.fixed(1, &[&binding, "client.", &call, end]);
    } else {
        let open = format!(".{method}(");
        let whole = 8 + open.len() + joined_len(args) + ")".len() <= MARGIN;
        // `.{method}(` past the margin keeps its line, and its arguments are broken (an
        // empty list is left to the tokens).
        let too_wide = 8 + open.len() + 1 > MARGIN && args.is_empty();
        if too_wide || (!whole && args.iter().any(|a| a.contains('['))) {
            return None;
        }
        // `let {name} = client` has no break opportunity: whole, however wide.
        t.fixed(1, &[&binding, "client"]);
        t.list(2, (&open, ")"), args);
        t.fixed(2, &[end]);
    }
    match outcome {
        Outcome::Discard => {}
        Outcome::Print(result) => {
            let format = ["\"{", result, ":?}\""];
            if 4 + "println!(".len() + format.concat().len() + ");".len() <= MARGIN {
                t.fixed(1, &["println!(", &format.concat(), ");"]);
            } else {
                // The macro's one argument on a line of its own.
                t.fixed(1, &["println!("]);
                t.fixed(2, &format);
                t.fixed(1, &[");"]);
            }
        }
        Outcome::Stream(item) => {
            t.line(1, &["while let Some(", item, ") = stream.next().await {"]);
            t.line(2, &["let ", item, " = ", item, "?;"]);
            t.line(2, &["println!(\"{", item, ":?}\");"]);
            t.fixed(1, &["}"]);
        }
    }
    t.fixed(1, &["Ok(())"]);
    t.fixed(0, &["}"]);
    t.finish()
}

/// A function call in Rust source, its arguments kept apart for the layout.
pub(super) struct Call {
    /// The path called (`types::Body::new`).
    pub callee: String,
    /// Each argument's source.
    pub args: Vec<String>,
}

impl Call {
    /// `{callee}({args})` on one line.
    pub(super) fn source(&self) -> String {
        format!("{}({})", self.callee, self.args.join(", "))
    }
}

/// `{head}{value};` for a body built by `emit::example`: whole when it fits or has no
/// arguments, else the call's arguments one per line (each whole); the writer gives up for
/// an array among the arguments.
fn example_value(t: &mut Text, head: &str, value: &Call) {
    let source = value.source();
    if 4 + head.len() + source.len() + ";".len() <= MARGIN || value.args.is_empty() {
        // (A call without arguments has no break opportunity: whole, however wide.)
        t.fixed(1, &[head, &source, ";"]);
    } else if value.args.iter().any(|a| a.contains('[')) {
        t.fits = false;
    } else {
        t.broken(1, (&format!("{head}{}(", value.callee), ");"), &value.args);
    }
}

/// The head of a `Serialize::serialize` method, as prettyplease breaks it (one parameter a
/// line: with the hygienic generic `__S` it is wider than the margin).
fn serialize_head(t: &mut Text) {
    t.fixed(1, &["fn serialize<__S: ::serde::Serializer>("]);
    t.fixed(2, &["&self,"]);
    t.fixed(2, &["s: __S,"]);
    t.fixed(1, &[") -> Result<__S::Ok, __S::Error> {"]);
}

/// [`super::types::compact_serialize`] as text.
pub(super) fn serialize(name: &str, s: &Struct) -> Option<String> {
    let mut t = Text::new();
    t.impl_header(" ::serde::Serialize", name);
    serialize_head(&mut t);
    t.fixed(2, &["super::runtime::ser::object(self, s)"]);
    t.fixed(1, &["}"]);
    t.fixed(0, &["}"]);
    t.impl_header(" super::runtime::ser::Object", name);
    t.fixed(1, &["const NAME: &'static str = \"", name, "\";"]);
    let param = if s.fields.is_empty() { "_" } else { "f" };
    t.fixed(1, &["fn fields<__F: super::runtime::ser::Fields>("]);
    t.fixed(2, &["&self,"]);
    t.fixed(2, &[param, ": &mut __F,"]);
    t.fixed(1, &[") -> Result<(), __F::Error> {"]);
    for f in &s.fields {
        let call = if f.required {
            "f.required("
        } else {
            "f.optional("
        };
        let wire = lit(&f.name.wire)?;
        // A receiver as short as `f` stays on the line of its method: when too wide, only
        // the arguments break.
        t.list(
            2,
            (call, ")?;"),
            &[wire, format!("&self.{}", ident(&f.name.rust))],
        );
    }
    t.fixed(2, &["Ok(())"]);
    t.fixed(1, &["}"]);
    t.fixed(0, &["}"]);
    t.finish()
}

/// [`super::types::compact_deserialize`] as text; both impls are behind the `full-serde`
/// feature unless the type implements `Deserialize` `by_default`.
pub(super) fn deserialize(api: &Api, name: &str, s: &Struct, by_default: bool) -> Option<String> {
    let mut t = Text::new();
    t.deserialize_head(name, by_default);
    t.fixed(2, &["super::runtime::de::object(deserializer)"]);
    t.fixed(1, &["}"]);
    t.fixed(0, &["}"]);
    t.serde_gate(by_default);
    t.impl_header(" super::runtime::de::Object", name);
    t.fixed(
        1,
        &["const EXPECTING: &'static str = \"struct ", name, "\";"],
    );
    if super::types::slot_names_lint(s) {
        t.fixed(1, &["#[allow(clippy::just_underscores_and_digits)]"]);
    }
    t.fixed(1, &["fn read<'de, __A: ::serde::de::MapAccess<'de>>("]);
    t.fixed(2, &["mut __map: __A,"]);
    t.fixed(1, &[") -> Result<Self, __A::Error> {"]);
    let strict = s.strict();
    match (s.fields.is_empty(), strict) {
        (true, false) => {
            t.fixed(
                2,
                &["while __map.next_key::<::serde::de::IgnoredAny>()?.is_some() {"],
            );
            t.fixed(3, &["super::runtime::de::skip(&mut __map)?;"]);
            t.fixed(2, &["}"]);
        }
        (true, true) => {
            t.fixed(
                2,
                &["if let Some(__key) = __map.next_key::<super::runtime::de::Key>()? {"],
            );
            t.fixed(
                3,
                &["return Err(super::runtime::de::unknown(__key.as_str(), &[]));"],
            );
            t.fixed(2, &["}"]);
        }
        (false, strict) => {
            let mut wires = Vec::with_capacity(s.fields.len());
            for f in &s.fields {
                wires.push(lit(&f.name.wire)?);
                let ty = RustType::of(api, &f.ty).source(Scope::Types)?;
                let binding = if f.tri_state() {
                    format!("let mut {}: Option<Option<{ty}>>", ident(&f.name.rust))
                } else {
                    format!("let mut {}: Option<{ty}>", ident(&f.name.rust))
                };
                // prettyplease measures the type up to the next break opportunity, the
                // `neverbreak` after ` = `: `None;` may pass the margin.
                t.generic(2, &binding, " = None;", " = ".len());
            }
            t.fixed(
                2,
                &["while let Some(__key) = __map.next_key::<super::runtime::de::Key>()? {"],
            );
            t.fixed(3, &["match __key.as_str() {"]);
            for (f, wire) in s.fields.iter().zip(&wires) {
                let slot = ident(&f.name.rust);
                let value = if super::types::slot_wraps(f) {
                    format!("{slot} = Some(__map.next_value()?)")
                } else {
                    format!("{slot} = __map.next_value()?")
                };
                arm_statement(&mut t, 4, wire, &value);
            }
            if strict {
                t.fixed(4, &["other => {"]);
                t.list(5, ("const FIELDS: &[&str] = &[", "];"), &wires);
                t.fixed(
                    5,
                    &["return Err(super::runtime::de::unknown(other, FIELDS));"],
                );
                t.fixed(4, &["}"]);
            } else {
                t.fixed(4, &["_ => super::runtime::de::skip(&mut __map)?,"]);
            }
            t.fixed(3, &["}"]);
            t.fixed(2, &["}"]);
        }
    }
    let mut inits = Vec::with_capacity(s.fields.len());
    for (i, f) in s.fields.iter().enumerate() {
        let slot = ident(&f.name.rust);
        // The last field's comma is not measured (see `Text::broken`).
        let comma = usize::from(i + 1 < s.fields.len());
        if f.required && !f.nullable {
            let wire = lit(&f.name.wire)?;
            let call =
                format!("{slot}: super::runtime::de::required::<_, __A::Error>({slot}, {wire})?");
            // At 12 columns of indent, wider than the margin,
            // prettyplease breaks the turbofish (`required::<` / `_,` / `__A::Error,` /
            // `>(slot, "wire")?,`).
            if 12 + call.len() + comma > MARGIN {
                let last = format!("            >({slot}, {wire})?");
                if last.len() + 1 > MARGIN {
                    return None;
                }
                inits.push(format!(
                    "{slot}: super::runtime::de::required::<\n                _,\n                __A::Error,\n{last}"
                ));
            } else {
                inits.push(call);
            }
        } else {
            inits.push(slot);
        }
    }
    if inits.is_empty() {
        t.fixed(2, &["Ok(Self {})"]);
    } else {
        t.struct_literal(2, ("Ok(", ")"), &inits);
    }
    t.fixed(1, &["}"]);
    t.fixed(0, &["}"]);
    t.finish()
}

/// The definition of a struct whose serde impls are all written out (its fields carry no
/// attributes), or, when `gated`, of one whose `Serialize` is derived behind the
/// `full-serde` feature (its fields' `#[serde]` attributes behind it too): documentation,
/// derives, `#[non_exhaustive]`, fields with their docs.
pub(super) fn struct_definition(
    api: &Api,
    (name, docs): (&str, &Docs),
    s: &Struct,
    (default, gated): (bool, bool),
) -> Option<String> {
    let mut t = Text::new();
    t.doc(0, &super::doc_text(docs));
    if default {
        t.fixed(0, &["#[derive(Debug, Clone, PartialEq, Default)]"]);
    } else {
        t.fixed(0, &["#[derive(Debug, Clone, PartialEq)]"]);
    }
    if gated {
        t.fixed(
            0,
            &["#[cfg_attr(feature = \"full-serde\", derive(::serde::Serialize))]"],
        );
    }
    t.fixed(0, &["#[non_exhaustive]"]);
    if s.fields.is_empty() {
        t.fixed(0, &["pub struct ", name, " {}"]);
        return t.finish();
    }
    t.fixed(0, &["pub struct ", name, " {"]);
    for f in &s.fields {
        let (docs, wrap) = super::types::field_shape(f);
        let base = RustType::of(api, &f.ty).source(Scope::Types)?;
        t.doc(1, &super::doc_text(&docs));
        if gated {
            if f.name.wire != f.name.rust {
                gated_serde(&mut t, &format!("rename = {}", lit(&f.name.wire)?));
            }
            match (f.required, f.nullable, f.read_only) {
                (true, false, _) => {}
                (true, true, _) => gated_serde(&mut t, "default"),
                (false, false, _) | (false, true, true) => {
                    gated_serde(&mut t, "default, skip_serializing_if = \"Option::is_none\"")
                }
                // A tri-state field's `with`: tokens.
                (false, true, false) => return None,
            }
        }
        let field = ident(&f.name.rust);
        match wrap {
            Wrap::None => t.generic(1, &format!("pub {field}: {base}"), ",", 1),
            Wrap::Option => option_field(&mut t, &field, &base),
            Wrap::OptionOption => option_field(&mut t, &field, &format!("Option<{base}>")),
        }
    }
    t.fixed(0, &["}"]);
    t.finish()
}

/// `#[cfg_attr(feature = "full-serde", serde({args}))]` on a field, as prettyplease prints
/// it: on one line when it fits, else its two arguments on lines of their own (no trailing
/// comma in an attribute).
fn gated_serde(t: &mut Text, args: &str) {
    const HEAD: &str = "#[cfg_attr(feature = \"full-serde\", serde(";
    if 4 + HEAD.len() + args.len() + "))]".len() <= MARGIN {
        t.fixed(1, &[HEAD, args, "))]"]);
    } else {
        t.fixed(1, &["#[cfg_attr("]);
        t.fixed(2, &["feature = \"full-serde\","]);
        t.line(2, &["serde(", args, ")"]);
        t.fixed(1, &[")]"]);
    }
}

/// `pub {field}: Option<{ty}>,`; when too wide, prettyplease puts the generic argument on a
/// line of its own, broken in turn when it is too wide and has arguments of its own
/// ([`Text::generic`]).
fn option_field(t: &mut Text, field: &str, ty: &str) {
    t.generic(1, &format!("pub {field}: Option<{ty}>"), ",", 1);
}

/// `pub type {name} = {ty};` after its documentation: one line whatever its width when the
/// type has no generic arguments (no break opportunity), else only when it fits.
pub(super) fn alias(name: &str, doc: &str, ty: &str) -> Option<String> {
    let mut t = Text::new();
    let name = &ident(name);
    t.doc(0, doc);
    if ty.contains('<') {
        t.line(0, &["pub type ", name, " = ", ty, ";"]);
    } else {
        t.fixed(0, &["pub type ", name, " = ", ty, ";"]);
    }
    t.finish()
}

/// One statement of a client method's body (see [`client_method`]).
pub(super) enum Stmt {
    /// `{receiver}.{method}({args});`
    Call {
        receiver: String,
        method: &'static str,
        args: Vec<String>,
    },
    /// `if let {binding} {` the statement `}`.
    IfLet(String, Box<Stmt>),
}

impl Stmt {
    /// `request.{method}({args});` on the method's request.
    pub(super) fn call(request: &str, method: &'static str, args: Vec<String>) -> Self {
        Stmt::Call {
            receiver: request.to_string(),
            method,
            args,
        }
    }

    /// The statement as Rust source (for the token path).
    pub(super) fn source(&self) -> String {
        match self {
            Stmt::Call {
                receiver,
                method,
                args,
            } => format!("{receiver}.{method}({});", args.join(", ")),
            Stmt::IfLet(binding, inner) => format!("if let {binding} {{ {} }}", inner.source()),
        }
    }

    /// A method call statement as prettyplease prints it: whole when it fits, else the
    /// receiver on a line of its own and `.method(…)` one level deeper, its arguments one
    /// per line when they do not fit either.
    fn write(&self, t: &mut Text, indent: usize) {
        match self {
            Stmt::Call {
                receiver,
                method,
                args,
            } => {
                let one_line = receiver.len() + 1 + method.len() + 1 + joined_len(args) + 2;
                if 4 * indent + one_line <= MARGIN {
                    t.fixed(
                        indent,
                        &[receiver, ".", method, "(", &args.join(", "), ");"],
                    );
                } else {
                    t.line(indent, &[receiver]);
                    t.list(indent + 1, (&format!(".{method}("), ");"), args);
                }
            }
            Stmt::IfLet(binding, inner) => {
                t.line(indent, &["if let ", binding, " {"]);
                inner.write(t, indent + 1);
                t.fixed(indent, &["}"]);
            }
        }
    }
}

/// One segment of a request's path, as the `&str` expressions it is made of: a literal or
/// a parameter alone, or several (`microsoft.graph.f(period='{period}')`) joined with
/// `concat`.
pub(super) struct Segment(pub Vec<String>);

impl Segment {
    /// The segment's expression as Rust source.
    pub(super) fn source(&self) -> String {
        match self.0.as_slice() {
            [single] => single.clone(),
            many => format!("&[{}].concat()", many.join(", ")),
        }
    }

    /// The segment as an element of the broken `&[…]` of segments at `indent` (the last
    /// one's comma not measured, see [`Text::broken`]): whole when it fits, else a
    /// `concat` as prettyplease breaks a method call on an array: the array (broken in
    /// turn when too wide, a literal whole whatever its width), then `.concat()` one level
    /// deeper.
    fn write(&self, t: &mut Text, indent: usize, source: &str, last: bool) {
        let whole = 4 * indent + source.len() + usize::from(!last) <= MARGIN;
        if whole || (self.0.len() == 1 && source.starts_with('"')) {
            t.fixed(indent, &[source, ","]);
            return;
        }
        if self.0.len() == 1 {
            t.fits = false;
            return;
        }
        let array = format!("&[{}]", self.0.join(", "));
        if 4 * indent + array.len() <= MARGIN {
            t.fixed(indent, &[&array]);
        } else {
            t.fixed(indent, &["&["]);
            for (i, piece) in self.0.iter().enumerate() {
                let comma = usize::from(i + 1 < self.0.len());
                if piece.starts_with('"') || 4 * (indent + 1) + piece.len() + comma <= MARGIN {
                    t.fixed(indent + 1, &[piece, ","]);
                } else {
                    t.fits = false;
                }
            }
            t.fixed(indent, &["]"]);
        }
        t.fixed(indent + 1, &[".concat(),"]);
    }
}

/// How a request is made: a client method that takes every parameter as an argument
/// (`Form::Positional`, `pub fn {name}(&self, …)`), or the `call` of a builder's parameters
/// (`Form::Builder`), which takes its fields apart first.
pub(super) enum Head<'a> {
    Method {
        /// The documentation's text.
        doc: &'a str,
        name: &'a str,
        /// `name: Type` per argument (`&self` not included).
        args: Vec<String>,
    },
    BuilderCall {
        /// The parameters struct, and its fields in order (the client's first).
        params: &'a str,
        fields: Vec<String>,
    },
}

/// A method that sends one request, as `client::emit_plain_operation` (positional) and
/// `client::emit_builder` (the builder's `call`) make its tokens: the pieces below, already
/// spelled as Rust.
pub(super) struct ClientMethod<'a> {
    pub head: Head<'a>,
    /// The client's expression: `self`, or the builder's client field.
    pub client: &'a str,
    /// The `Call`'s success and error types.
    pub ok: String,
    pub err: String,
    /// The request's local name, and whether statements change it.
    pub request: &'a str,
    pub mutable: bool,
    /// `GET`, …
    pub http_method: &'a str,
    /// The path template, and each path segment.
    pub template: &'a str,
    pub segments: Vec<Segment>,
    pub stmts: Vec<Stmt>,
    /// The response closure's parameter, and the arms of its `match` on the status.
    pub response: &'a str,
    pub arms: Vec<(String, String)>,
}

/// A method that sends a request (see [`ClientMethod`]), at one level of indent (inside
/// `impl Client` or the builder's parameters' `impl`); `None` when a layout is not certain.
pub(super) fn client_method(m: &ClientMethod<'_>) -> Option<String> {
    let mut t = Text::new();
    match &m.head {
        Head::Method { doc, name, args } => {
            t.doc(1, doc);
            if args.len() > 6 {
                t.fixed(1, &["#[allow(clippy::too_many_arguments)]"]);
            }
            let mut params = Vec::with_capacity(args.len() + 1);
            params.push("&self".to_string());
            params.extend(args.iter().cloned());
            signature(
                &mut t,
                (&format!("pub fn {name}("), &params),
                CALL,
                ["'_", &m.ok, &m.err],
            );
        }
        Head::BuilderCall { params, fields } => {
            signature(
                &mut t,
                ("fn call(", &["self".to_string()]),
                CALL,
                ["'a", &m.ok, &m.err],
            );
            // prettyplease measures the pattern with the ` = ` after it, not the `self;`.
            let (head, tail) = (format!("let {params} {{ "), " } = self;");
            if 8 + head.len() + joined_len(fields) + " } = ".len() <= MARGIN {
                t.fixed(2, &[&head, &fields.join(", "), tail]);
            } else {
                t.broken(2, (&head, tail), fields);
            }
        }
    }
    let head = format!(
        "let {}{} = runtime::Request::new(",
        if m.mutable { "mut " } else { "" },
        m.request
    );
    let method = format!("::reqwest::Method::{}", m.http_method);
    let template = lit(m.template)?;
    let sources: Vec<String> = m.segments.iter().map(Segment::source).collect();
    let segments = format!("&[{}]", sources.join(", "));
    let one_line = head.len() + method.len() + template.len() + segments.len() + 4 + 2;
    if 8 + one_line <= MARGIN {
        t.fixed(2, &[&head, &method, ", ", &template, ", ", &segments, ");"]);
    } else {
        t.fixed(2, &[&head]);
        t.line(3, &[&method, ","]);
        // A literal has no break opportunity: prettyplease prints it whatever its width.
        t.fixed(3, &[&template, ","]);
        // The last argument is measured without its comma (see `Text::broken`).
        if 12 + segments.len() <= MARGIN {
            t.fixed(3, &[&segments, ","]);
        } else {
            t.fixed(3, &["&["]);
            for (i, (segment, source)) in m.segments.iter().zip(&sources).enumerate() {
                segment.write(&mut t, 4, source, i + 1 == sources.len());
            }
            t.fixed(3, &["],"]);
        }
        t.fixed(2, &[");"]);
    }
    for stmt in &m.stmts {
        stmt.write(&mut t, 2);
    }
    t.fixed(2, &["runtime::Call::new("]);
    t.line(3, &["&", m.client, ".transport,"]);
    t.line(3, &[m.request, ","]);
    t.line(3, &["|", m.response, "| {"]);
    t.line(4, &["match ", m.response, ".status().as_u16() {"]);
    for (pattern, value) in &m.arms {
        arm(&mut t, 5, pattern, value);
    }
    t.fixed(4, &["}"]);
    t.fixed(3, &["},"]);
    t.fixed(2, &[")"]);
    t.fixed(1, &["}"]);
    t.finish()
}

/// The return type of a client method and a builder's `call`, up to its generic arguments.
const CALL: &str = ") -> runtime::Call<";

/// The return type of a builder's `stream`, up to its generic arguments.
const ITEMS: &str = ") -> runtime::Items<";

/// `{head}{params}{ret}{generics}> {` at one level of indent (`head` is `pub fn name(` or
/// `fn call(`, `ret` is [`CALL`] or [`ITEMS`]), as prettyplease breaks it: the parameter
/// list when the whole line does not fit (the generic arguments' break opportunities are
/// nested deeper, so the list is measured up to the line break after `{`), then the
/// generic arguments when they and `> {` do not fit after `ret`.
fn signature(t: &mut Text, (head, params): (&str, &[String]), ret: &str, generics: [&str; 3]) {
    let generics = generics.map(str::to_string);
    let mut line = String::with_capacity(MARGIN);
    let whole = head.len() + joined_len(params) + ret.len() + joined_len(&generics) + 3;
    if 4 + whole <= MARGIN {
        line.push_str(head);
        line.push_str(&params.join(", "));
    } else {
        t.fixed(1, &[head]);
        t.elements(2, params);
    }
    line.push_str(ret);
    if 4 + line.len() + joined_len(&generics) + "> {".len() <= MARGIN {
        t.fixed(1, &[&line, &generics.join(", "), "> {"]);
    } else {
        t.line(1, &[&line]);
        t.elements(2, &generics);
        t.fixed(1, &["> {"]);
    }
}

/// How a builder's `stream` walks the pages (see [`stream`]), for the walks written as text.
pub(super) enum StreamWalk<'s> {
    /// The next page's URL is the `Link` header's `rel="next"`.
    Link,
    /// The cursor parameter `param` takes the `id` field of the last item read, while the
    /// page's `has_more` field is true.
    LastItem {
        param: &'s str,
        id: &'s str,
        has_more: &'s str,
    },
}

/// A list operation builder's `stream` (as `client::emit_stream` makes it) at one level of
/// indent: `doc`, the signature returning `runtime::Items<{generics}>`, and the `paginate`
/// call that `walk` describes, whose pages' items are `items` (`body` or `body.{field}`).
pub(super) fn stream(
    doc: &str,
    generics: [&str; 3],
    items: &str,
    walk: &StreamWalk,
) -> Option<String> {
    let mut t = Text::new();
    t.doc(1, doc);
    signature(
        &mut t,
        ("pub fn stream(", &["self".to_string()]),
        ITEMS,
        generics,
    );
    t.fixed(2, &["let start = None;"]);
    t.fixed(2, &["self.paginate("]);
    t.fixed(3, &["start,"]);
    match walk {
        StreamWalk::Link => {
            t.fixed(3, &["|_, _| {},"]);
            t.fixed(3, &["|page| {"]);
            // Wider than the margin whatever the operation: always broken before `.map_or`.
            t.fixed(4, &["let next = runtime::next_link(&page.headers)"]);
            t.fixed(5, &[".map_or(runtime::Next::End, runtime::Next::Url);"]);
            t.fixed(4, &["let body = page.into_body();"]);
            t.line(4, &["(", items, ", next)"]);
        }
        StreamWalk::LastItem {
            param,
            id,
            has_more,
        } => {
            t.fixed(3, &["|params, position| {"]);
            t.fixed(4, &["if let runtime::Position::Token(cursor) = position {"]);
            t.line(5, &["params.", param, " = Some(cursor);"]);
            t.fixed(4, &["}"]);
            t.fixed(3, &["},"]);
            t.fixed(3, &["|page| {"]);
            t.fixed(4, &["let body = page.into_body();"]);
            t.line(4, &["let items = ", items, ";"]);
            t.fixed(4, &["let next = match items.last() {"]);
            let guard = format!("Some(last) if body.{has_more}");
            arm(
                &mut t,
                5,
                &guard,
                &format!("runtime::Next::Token(last.{id}.clone())"),
            );
            t.fixed(5, &["_ => runtime::Next::End,"]);
            t.fixed(4, &["};"]);
            t.fixed(4, &["(items, next)"]);
        }
    }
    t.fixed(3, &["},"]);
    t.fixed(2, &[")"]);
    t.fixed(1, &["}"]);
    t.finish()
}

/// The method that starts a builder, as `client::emit_plain_operation` makes it: the
/// pieces below, already spelled as Rust.
pub(super) struct BuilderMethod<'a> {
    pub doc: &'a str,
    pub name: &'a str,
    /// Whether the method borrows its arguments (`<'a>`, `&'a self`, `Request<'a>`).
    pub borrows: bool,
    /// `name: Type` per argument (the receiver not included).
    pub args: Vec<String>,
    /// The builder alias and its parameters struct.
    pub request: &'a str,
    pub params: &'a str,
    /// The parameters struct's field initializers, the client's first.
    pub fields: Vec<String>,
}

/// [`BuilderMethod`] at one level of indent: the signature (its parameters one per line
/// when it does not fit), then `runtime::Builder::new({params} {{ fields }}, {params}::call)`,
/// whole when it fits and the struct literal's fields are within [`STRUCT_FIELDS`], else
/// one argument per line with the struct literal broken in turn. `None` for a struct
/// literal that would break inside a call kept on one line, or a line too wide.
pub(super) fn builder_method(m: &BuilderMethod<'_>) -> Option<String> {
    let mut t = Text::new();
    t.doc(1, m.doc);
    if m.args.len() > 6 {
        t.fixed(1, &["#[allow(clippy::too_many_arguments)]"]);
    }
    let (generics, receiver, out) = if m.borrows {
        ("<'a>", "&'a self", "'a")
    } else {
        ("", "&self", "'_")
    };
    let head = format!("pub fn {}{generics}(", m.name);
    let tail = format!(") -> {}<{out}> {{", m.request);
    let mut params = Vec::with_capacity(m.args.len() + 1);
    params.push(receiver.to_string());
    params.extend(m.args.iter().cloned());
    if 4 + head.len() + joined_len(&params) + tail.len() <= MARGIN {
        t.fixed(1, &[&head, &params.join(", "), &tail]);
    } else {
        t.line(1, &[&head]);
        t.elements(2, &params);
        t.line(1, &[&tail]);
    }
    const NEW: &str = "runtime::Builder::new(";
    let fields = m.fields.join(", ");
    // prettyplease's struct literal box holds the path too: `{path} { {fields} ` (the
    // closing brace not counted) breaks once wider than 34, the rule [`STRUCT_FIELDS`]
    // states for `Self`.
    let narrow = m.params.len() + " { ".len() + fields.len() + " ".len()
        <= "Self { ".len() + STRUCT_FIELDS + " ".len();
    let call = format!("{}::call", m.params);
    let whole = 8 + NEW.len() + m.params.len() + " { ".len() + fields.len() + " }, ".len();
    if whole + call.len() + ")".len() <= MARGIN {
        if !narrow {
            return None;
        }
        t.fixed(2, &[NEW, m.params, " { ", &fields, " }, ", &call, ")"]);
    } else {
        t.fixed(2, &[NEW]);
        if narrow && 12 + m.params.len() + " { ".len() + fields.len() + " },".len() <= MARGIN {
            t.fixed(3, &[m.params, " { ", &fields, " },"]);
        } else {
            t.broken(3, (&format!("{} {{", m.params), "},"), &m.fields);
        }
        t.line(3, &[&call, ","]);
        t.fixed(2, &[")"]);
    }
    t.fixed(1, &["}"]);
    t.finish()
}

/// A builder's setter (as `client::emit_setter` makes it), at one level of indent: `doc`,
/// then `pub fn {setter}(mut self, {field}: {ty}) -> Self` setting the parameter to
/// `Some({value})`.
pub(super) fn builder_setter(
    doc: &str,
    setter: &str,
    field: &str,
    ty: &str,
    value: &str,
) -> Option<String> {
    let mut t = Text::new();
    t.doc(1, doc);
    t.params(
        1,
        (&format!("pub fn {setter}("), ") -> Self {"),
        &["mut self".to_string(), format!("{field}: {ty}")],
    );
    t.line(2, &["self.params_mut().", field, " = Some(", value, ");"]);
    t.fixed(2, &["self"]);
    t.fixed(1, &["}"]);
    t.finish()
}

/// A builder's type (as `client::emit_builder` makes it): `doc`, then
/// `pub type {request}<'a> = runtime::Builder<'a, {args}>;`, its generic arguments one per
/// line when it does not fit.
pub(super) fn builder_alias(doc: &str, request: &str, args: &[String; 3]) -> Option<String> {
    let mut t = Text::new();
    t.doc(0, doc);
    let mut head = format!("pub type {request}<'a> = runtime::Builder<");
    // prettyplease breaks `<'a>` when it and the ` = ` after it pass the margin: `<`, the
    // lifetime on a line of its own, then `> = runtime::Builder<` starts the next line.
    if head.len() - "runtime::Builder<".len() > MARGIN {
        t.fixed(0, &["pub type ", request, "<"]);
        t.fixed(1, &["'a,"]);
        head = "> = runtime::Builder<".to_string();
    }
    let args = [&["'a".to_string()], &args[..]].concat();
    if head.len() + joined_len(&args) + ">;".len() <= MARGIN {
        t.fixed(0, &[&head, &args.join(", "), ">;"]);
    } else {
        t.fixed(0, &[&head]);
        t.elements(1, &args);
        t.fixed(0, &[">;"]);
    }
    t.finish()
}

/// A builder's parameters (as `client::emit_builder` makes them): `doc`, derives, then
/// `pub struct {params}<'a>` with `fields` (`name: Type`, the client's first).
pub(super) fn builder_params(doc: &str, params: &str, fields: &[String]) -> Option<String> {
    let mut t = Text::new();
    t.doc(0, doc);
    t.fixed(0, &["#[derive(Debug, Clone)]"]);
    if "pub struct <'a> {".len() + params.len() <= MARGIN {
        t.fixed(0, &["pub struct ", params, "<'a> {"]);
    } else {
        t.fixed(0, &["pub struct ", params, "<"]);
        t.fixed(1, &["'a,"]);
        t.fixed(0, &["> {"]);
    }
    for field in fields {
        // A struct's fields each end with a comma that is measured.
        t.generic(1, field, ",", 1);
    }
    t.fixed(0, &["}"]);
    t.finish()
}

/// `impl From<{from}> for {name}` making `Self::{variant}({value})` (a union's conversion
/// from a variant's type, as `types::variant_froms` makes it).
pub(super) fn from_impl(name: &str, from: &str, variant: &str, value: &str) -> Option<String> {
    let mut t = Text::new();
    t.impl_header(&format!(" From<{from}>"), name);
    t.params(1, ("fn from(", ") -> Self {"), &[format!("value: {from}")]);
    t.call_statement(2, &format!("Self::{variant}("), value, ")");
    t.fixed(1, &["}"]);
    t.fixed(0, &["}"]);
    t.finish()
}

/// An untagged union's definition (as `types::untagged_definition` makes it): `doc`, its
/// derives and attributes, then per variant (wire name for its doc, identifier, type)
/// `{variant}({type}),`, the type on a line of its own when that is too wide.
pub(super) fn untagged_definition(
    name: &str,
    doc: &str,
    variants: &[(String, String, String)],
) -> Option<String> {
    let mut t = Text::new();
    t.doc(0, doc);
    t.fixed(
        0,
        &["#[derive(Debug, Clone, PartialEq, ::serde::Serialize)]"],
    );
    t.fixed(0, &["#[serde(untagged)]"]);
    t.fixed(0, &["#[allow(clippy::large_enum_variant)]"]);
    t.fixed(0, &["pub enum ", name, " {"]);
    for (wire, variant, ty) in variants {
        t.doc(1, &format!("The branch at {}.", code_span(wire)));
        tuple_variant(&mut t, variant, ty);
    }
    t.fixed(0, &["}"]);
    t.finish()
}

/// An untagged union's `Deserialize` (as `types::untagged_deserialize` makes it), behind the
/// `full-serde` feature unless the type implements it `by_default`: `labels` are the
/// variants' identifiers (also their labels in `choose`'s table).
pub(super) fn untagged_deserialize(
    name: &str,
    labels: &[&str],
    by_default: bool,
) -> Option<String> {
    const PARSE: &str = "super::runtime::untagged::parse(v)";
    if labels.len() < 2 {
        return None;
    }
    let mut t = Text::new();
    t.deserialize_head(name, by_default);
    t.fixed(
        2,
        &["let value = <::serde_json::Value as ::serde::Deserialize>::deserialize("],
    );
    t.fixed(3, &["deserializer,"]);
    t.fixed(2, &[")?;"]);
    t.fixed(2, &["super::runtime::untagged::choose("]);
    t.fixed(3, &["value,"]);
    // A string literal has no break opportunity: it passes the margin whole.
    t.fixed(3, &[&lit(name)?, ","]);
    t.fixed(3, &["&["]);
    for (i, label) in labels.iter().enumerate() {
        let last = i + 1 == labels.len();
        let label_lit = lit(label)?;
        let variant = ident(label);
        let map = format!(".map(Self::{variant})");
        let closure = format!("|v| {PARSE}{map}");
        // The last entry's comma is not measured (see `Text::broken`).
        if 16 + 1 + label_lit.len() + 2 + closure.len() + 1 + usize::from(!last) <= MARGIN {
            t.fixed(4, &["(", &label_lit, ", ", &closure, "),"]);
            continue;
        }
        t.fixed(4, &["("]);
        t.fixed(5, &[&label_lit, ","]);
        if 20 + closure.len() <= MARGIN {
            t.fixed(5, &[&closure, ","]);
        } else if 24 + PARSE.len() + map.len() <= MARGIN {
            // Never seen: a closure too wide for its line whose body fits in a block.
            t.fits = false;
        } else {
            t.fixed(5, &["|v| {"]);
            t.fixed(6, &[PARSE]);
            if 28 + map.len() <= MARGIN {
                t.fixed(7, &[&map]);
            } else {
                // A path has no break opportunity: it passes the margin whole.
                t.fixed(7, &[".map("]);
                t.fixed(8, &["Self::", &variant, ","]);
                t.fixed(7, &[")"]);
            }
            t.fixed(5, &["},"]);
        }
        t.fixed(4, &["),"]);
    }
    t.fixed(3, &["],"]);
    t.fixed(2, &[")"]);
    t.fixed(1, &["}"]);
    t.fixed(0, &["}"]);
    t.finish()
}

/// One variant of an internally tagged union (see [`tagged_union`]).
pub(super) struct TaggedVariant {
    /// The tag's value that names it.
    pub wire: String,
    pub name: String,
    /// Its payload's type.
    pub ty: String,
    /// Whether its payload is read without the tag property.
    pub strip_tag: bool,
}

/// An internally tagged union (as `types::emit_tagged` makes it, every variant's tag
/// required): documentation, the enum (with `unknown`, an open union's catch-all), its
/// `Serialize` and `Deserialize`, each behind the `full-serde` feature unless `serde` says
/// it is implemented by default.
pub(super) fn tagged_union(
    (name, doc): (&str, &str),
    tag: &str,
    variants: &[TaggedVariant],
    unknown: Option<&str>,
    serde: SerdeImpls,
) -> Option<String> {
    let mut t = Text::new();
    t.doc(0, doc);
    t.fixed(0, &["#[derive(Debug, Clone, PartialEq)]"]);
    t.fixed(0, &["#[allow(clippy::large_enum_variant)]"]);
    if unknown.is_some() {
        t.fixed(0, &["#[non_exhaustive]"]);
    }
    t.fixed(0, &["pub enum ", name, " {"]);
    let tag_doc = code_span(tag);
    for v in variants {
        t.doc(1, &format!("{tag_doc}: {}.", code_span(&v.wire)));
        tuple_variant(&mut t, &v.name, &v.ty);
    }
    if let Some(unknown) = unknown {
        t.doc(
            1,
            &format!(
                "A {tag_doc} this version of the SDK does not know (the API added it later), \
                 with the whole object as received; serialized back unchanged. Only \
                 deserialization creates it."
            ),
        );
        tuple_variant(&mut t, unknown, "super::runtime::UnknownVariant");
    }
    t.fixed(0, &["}"]);
    let tag_lit = lit(tag)?;
    t.serde_gate(serde.serialize);
    t.impl_header(" ::serde::Serialize", name);
    t.fixed(1, &["fn serialize<__S: ::serde::Serializer>("]);
    t.fixed(2, &["&self,"]);
    t.fixed(2, &["serializer: __S,"]);
    t.fixed(1, &[") -> Result<__S::Ok, __S::Error> {"]);
    t.fixed(2, &["match self {"]);
    for v in variants {
        let pattern = format!("Self::{}(inner)", v.name);
        let wire = lit(&v.wire)?;
        let args = ["serializer", &tag_lit, &wire, "inner"].map(String::from);
        call_arm(
            &mut t,
            3,
            &pattern,
            "super::runtime::tagged::serialize",
            &args,
        );
    }
    if let Some(unknown) = unknown {
        let pattern = format!("Self::{unknown}(inner)");
        let args = ["inner", "serializer"].map(String::from);
        call_arm(&mut t, 3, &pattern, "::serde::Serialize::serialize", &args);
    }
    t.fixed(2, &["}"]);
    t.fixed(1, &["}"]);
    t.fixed(0, &["}"]);
    t.deserialize_head(name, serde.deserialize);
    t.line(
        2,
        &[
            "let (tag, value) = super::runtime::tagged::split(deserializer, ",
            &tag_lit,
            ")?;",
        ],
    );
    t.fixed(2, &["match tag.as_str() {"]);
    for v in variants {
        let strip = if v.strip_tag {
            format!("Some({tag_lit})")
        } else {
            "None".to_string()
        };
        let read = format!("super::runtime::tagged::variant(value, {strip})");
        let map = format!(".map(Self::{})", v.name);
        chain_arm(&mut t, 3, &lit(&v.wire)?, &read, &map);
    }
    match unknown {
        Some(unknown) => {
            let read = "super::runtime::UnknownVariant::read(other, value)";
            chain_arm(&mut t, 3, "other", read, &format!(".map(Self::{unknown})"));
        }
        None => {
            let expected = variants
                .iter()
                .map(|v| lit(&v.wire))
                .collect::<Option<Vec<_>>>()?;
            t.fixed(3, &["other => {"]);
            t.line(
                4,
                &["const VARIANTS: &[&str] = &[", &expected.join(", "), "];"],
            );
            t.line(
                4,
                &["Err(<__D::Error as ::serde::de::Error>::unknown_variant(other, VARIANTS))"],
            );
            t.fixed(3, &["}"]);
        }
    }
    t.fixed(2, &["}"]);
    t.fixed(1, &["}"]);
    t.fixed(0, &["}"]);
    t.finish()
}

/// A `match` arm whose value is the call `{head}({args})`: as [`arm`], and in its block the
/// call's arguments are broken, one a line, when the call is too wide there too.
fn call_arm(t: &mut Text, indent: usize, pattern: &str, head: &str, args: &[String]) {
    let call = format!("{head}({})", args.join(", "));
    arm_or_block(t, indent, pattern, &call, |t| {
        t.list(indent + 1, (&format!("{head}("), ")"), args);
    });
}

/// A `match` arm whose value is `{first}{method}` (a call, then one method call on it): as
/// [`arm`], and in its block the method call goes to a line of its own, one level deeper,
/// when the whole is too wide there too.
fn chain_arm(t: &mut Text, indent: usize, pattern: &str, first: &str, method: &str) {
    let value = [first, method].concat();
    arm_or_block(t, indent, pattern, &value, |t| {
        if 4 * (indent + 1) + value.len() <= MARGIN {
            t.fixed(indent + 1, &[&value]);
        } else {
            t.line(indent + 1, &[first]);
            t.line(indent + 2, &[method]);
        }
    });
}

/// One variant of a status enum (see [`status_enum`]).
pub(super) struct StatusVariant {
    pub doc: String,
    pub name: String,
    /// The payload's type, if it has one.
    pub payload: Option<String>,
    /// The status code it documents (`None` for a range or `default`).
    pub status: Option<u16>,
}

/// An operation's error or success enum (as `client::emit_status_enum` makes it, without a
/// feature gate): `doc`, derives, a variant per documented status, and `status()`.
pub(super) fn status_enum(name: &str, doc: &str, variants: &[StatusVariant]) -> Option<String> {
    let mut t = Text::new();
    t.doc(0, doc);
    t.fixed(0, &["#[derive(Debug, Clone, PartialEq)]"]);
    t.fixed(0, &["#[allow(clippy::large_enum_variant)]"]);
    t.fixed(0, &["pub enum ", name, " {"]);
    for v in variants {
        t.doc(1, &v.doc);
        match &v.payload {
            Some(ty) => tuple_variant(&mut t, &v.name, ty),
            None => t.fixed(1, &[&v.name, ","]),
        }
    }
    t.fixed(0, &["}"]);
    t.fixed(0, &["impl ", name, " {"]);
    t.doc(
        1,
        "The status code this variant documents (`Some(404)` for `NotFound`); `None`\n\
         for a range (`4XX`) or `default`, whose actual status is on the response\n\
         (`runtime::Error::status`).",
    );
    t.fixed(1, &["pub fn status(&self) -> Option<u16> {"]);
    t.fixed(2, &["match self {"]);
    for v in variants {
        let pattern = match v.payload {
            Some(_) => format!("Self::{}(_)", v.name),
            None => format!("Self::{}", v.name),
        };
        let value = match v.status {
            Some(code) => format!("Some({code})"),
            None => "None".to_string(),
        };
        arm(&mut t, 3, &pattern, &value);
    }
    t.fixed(2, &["}"]);
    t.fixed(1, &["}"]);
    t.fixed(0, &["}"]);
    t.finish()
}

/// `{variant}({ty}),` in an enum, the type on a line of its own when that is too wide (the
/// comma measured; at exactly one column over, whether it counts is not known: tokens).
fn tuple_variant(t: &mut Text, variant: &str, ty: &str) {
    let width = 4 + variant.len() + 1 + ty.len() + 2;
    if width <= MARGIN {
        t.fixed(1, &[variant, "(", ty, "),"]);
    } else if width == MARGIN + 1 {
        t.fits = false;
    } else {
        t.fixed(1, &[variant, "("]);
        t.generic(2, ty, ",", 0);
        t.fixed(1, &["),"]);
    }
}

/// A string enum's definition (as `types::emit_enum` makes it): documentation, derives, a
/// variant per value with the value as its doc, and `unknown`, an open enum's catch-all.
pub(super) fn string_enum_definition(
    name: &str,
    doc: &str,
    e: &Enum,
    unknown: Option<&str>,
) -> Option<String> {
    let mut t = Text::new();
    t.doc(0, doc);
    let single = e.variants.len() == 1;
    match (unknown, single) {
        (Some(_), _) => {
            t.fixed(
                0,
                &["#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]"],
            );
            t.fixed(0, &["#[non_exhaustive]"]);
        }
        (None, false) => t.fixed(
            0,
            &["#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]"],
        ),
        (None, true) => t.fixed(
            0,
            &["#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]"],
        ),
    }
    t.fixed(0, &["pub enum ", name, " {"]);
    for v in &e.variants {
        t.doc(1, &code_span(&v.wire));
        if single && unknown.is_none() {
            t.fixed(1, &["#[default]"]);
        }
        t.fixed(1, &[&ident(&v.rust), ","]);
    }
    if let Some(unknown) = unknown {
        t.doc(1, super::types::UNKNOWN_DOC);
        t.fixed(1, &[unknown, "(super::runtime::UnknownValue),"]);
    }
    t.fixed(0, &["}"]);
    t.finish()
}

/// A `match` arm `{pattern} => {value},` at `indent`; when wider than the margin (the
/// comma aside: prettyplease measures the arm without it), prettyplease puts the value in
/// a block of its own.
fn arm(t: &mut Text, indent: usize, pattern: &str, value: &str) {
    arm_or_block(t, indent, pattern, value, |t| {
        block_value(t, indent + 1, value)
    });
}

/// A match arm's value alone in its block at `indent`, as prettyplease prints it: whole when
/// it fits; an `Err(…)` too wide broken inside its parentheses, its argument one level deeper
/// (measured without the comma a broken list adds); an argument that is one method call on a
/// local and still too wide broken before the method (`response` / `.error_json(…),`), then,
/// when that is too wide too, inside the call's parentheses (a path has no break
/// opportunity, so it may pass the margin). Any other value too wide leaves the item to the
/// tokens.
fn block_value(t: &mut Text, indent: usize, value: &str) {
    if 4 * indent + value.len() <= MARGIN {
        t.fixed(indent, &[value]);
        return;
    }
    // `Err(` whose parenthesis closes at the end: the value is the one call, not a chain
    // on it (`Err(a).map(b)` has no break this writer knows).
    let inner = value.strip_prefix("Err(").and_then(|v| v.strip_suffix(')'));
    let Some(inner) = inner.filter(|inner| closes_within(inner)) else {
        t.fits = false;
        return;
    };
    t.fixed(indent, &["Err("]);
    if 4 * (indent + 1) + inner.len() <= MARGIN {
        t.fixed(indent + 1, &[inner, ","]);
    } else {
        let call = inner.split_once('.').and_then(|(local, call)| {
            let (method, args) = call.split_once('(')?;
            let arg = args.strip_suffix(')')?;
            let single = !arg.contains(['.', ',', '(', '"']);
            (plain(local) && plain(method) && single).then_some((local, call, method, arg))
        });
        let Some((local, call, method, arg)) = call else {
            t.fits = false;
            return;
        };
        t.fixed(indent + 1, &[local]);
        // prettyplease keeps `.method(arg),` whole up to four columns past the margin (its
        // width is measured from the receiver's indent, comma included): on GitHub's spec
        // the widest such line kept is 93 columns and the narrowest broken one would be 94.
        if 4 * (indent + 1) + ".".len() + call.len() + ",".len() <= MARGIN {
            t.fixed(indent + 2, &[".", call, ","]);
        } else {
            t.fixed(indent + 2, &[".", method, "("]);
            t.fixed(indent + 3, &[arg, ","]);
            t.fixed(indent + 2, &["),"]);
        }
    }
    t.fixed(indent, &[")"]);
}

/// Whether `s` is a plain name (a local or a method: ASCII letters, digits, `_`), whose
/// width in columns is its length in bytes, as the writers measure it.
fn plain(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// Whether every parenthesis `text` opens closes within it and none closes one it did not
/// open (no string literal in it, whose parentheses would not count).
fn closes_within(text: &str) -> bool {
    let mut depth = 0usize;
    for c in text.chars() {
        match c {
            '(' => depth += 1,
            ')' => match depth.checked_sub(1) {
                Some(d) => depth = d,
                None => return false,
            },
            '"' => return false,
            _ => {}
        }
    }
    depth == 0
}

/// A `match` arm `{pattern} => {value},` at `indent` when it fits (the comma aside), else
/// `{pattern} => {`, what `block` writes one level deeper, and `}`: the layout every arm
/// writer shares; they differ in how the value is written inside the block.
fn arm_or_block(
    t: &mut Text,
    indent: usize,
    pattern: &str,
    value: &str,
    block: impl FnOnce(&mut Text),
) {
    if 4 * indent + pattern.len() + " => ".len() + value.len() <= MARGIN {
        t.fixed(indent, &[pattern, " => ", value, ","]);
    } else {
        t.line(indent, &[pattern, " => {"]);
        block(t);
        t.fixed(indent, &["}"]);
    }
}

/// A `match` arm whose value is an assignment: as [`arm`], but in a block of its own the
/// assignment is a statement: prettyplease adds the `;` with the line break that closes
/// the block, so the `;` is not measured.
fn arm_statement(t: &mut Text, indent: usize, pattern: &str, assignment: &str) {
    arm_or_block(t, indent, pattern, assignment, |t| {
        let wrapped = assignment
            .strip_suffix(')')
            .and_then(|a| a.split_once(" = Some("));
        match wrapped {
            // Too wide even in the block: prettyplease breaks `Some(`'s argument list (a
            // local and ` = ` have no break opportunity: that line may pass the margin).
            Some((slot, value)) if 4 * (indent + 1) + assignment.len() > MARGIN => {
                t.fixed(indent + 1, &[slot, " = Some("]);
                t.line(indent + 2, &[value, ","]);
                t.fixed(indent + 1, &[");"]);
            }
            // One method call on a local, too wide: prettyplease breaks before the method
            // (a chain breaks at its dots; only a statement's own short receiver stays).
            _ if 4 * (indent + 1) + assignment.len() > MARGIN => {
                match local_method_call(assignment) {
                    Some((head, call)) => {
                        t.fixed(indent + 1, &[head]);
                        t.line(indent + 2, &[".", call, ";"]);
                    }
                    None => t.fits = false,
                }
            }
            _ => {
                t.line(indent + 1, &[assignment]);
                t.out.pop();
                t.out.push_str(";\n");
            }
        }
    });
}

/// `{slot} = {local}.{call}` split as `({slot} = {local}, {call})` when the value is one
/// method call on a local (`__map.next_value()?`); `None` for any other value.
fn local_method_call(assignment: &str) -> Option<(&str, &str)> {
    let (slot, value) = assignment.split_once(" = ")?;
    let (local, call) = value.split_once('.')?;
    (plain(local) && !call.contains('.') && call.split_once('(').is_some_and(|(m, _)| plain(m)))
        .then(|| assignment.split_at(slot.len() + " = ".len() + local.len()))
        .map(|(head, rest)| (head, &rest[1..]))
}

/// [`super::types::string_enum_impls`] as text; `unknown` names an open enum's catch-all.
pub(super) fn string_enum(
    name: &str,
    e: &Enum,
    unknown: Option<String>,
    serde: SerdeImpls,
) -> Option<String> {
    let mut t = Text::new();
    let mut wires = Vec::with_capacity(e.variants.len());
    let mut variants = Vec::with_capacity(e.variants.len());
    for v in &e.variants {
        wires.push(lit(&v.wire)?);
        variants.push(format!("Self::{}", ident(&v.rust)));
    }
    let as_str = |t: &mut Text, ret: &str| {
        t.fixed(0, &["impl ", name, " {"]);
        t.fixed(1, &["/// The value as it appears in JSON."]);
        t.fixed(1, &["pub fn as_str(&self) -> ", ret, " {"]);
        t.fixed(2, &["match self {"]);
        for (variant, wire) in variants.iter().zip(&wires) {
            arm(t, 3, variant, wire);
        }
        if let Some(unknown) = &unknown {
            arm(t, 3, &format!("Self::{unknown}(value)"), "value.as_str()");
        }
        t.fixed(2, &["}"]);
        t.fixed(1, &["}"]);
        t.fixed(0, &["}"]);
    };
    let display = |t: &mut Text| {
        t.impl_header(" ::std::fmt::Display", name);
        t.fixed(
            1,
            &["fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {"],
        );
        t.fixed(2, &["f.write_str(self.as_str())"]);
        t.fixed(1, &["}"]);
        t.fixed(0, &["}"]);
    };
    let serialize_head = |t: &mut Text| {
        t.serde_gate(serde.serialize);
        t.impl_header(" ::serde::Serialize", name);
        serialize_head(t);
    };
    let deserialize_head = |t: &mut Text| {
        t.serde_gate(serde.deserialize);
        t.impl_header("<'de> ::serde::Deserialize<'de>", name);
        t.fixed(
            1,
            &["fn deserialize<__D: ::serde::Deserializer<'de>>(d: __D) -> Result<Self, __D::Error> {"],
        );
    };
    let end = |t: &mut Text| {
        t.fixed(1, &["}"]);
        t.fixed(0, &["}"]);
    };
    if let Some(unknown) = &unknown {
        as_str(&mut t, "&str");
        display(&mut t);
        serialize_head(&mut t);
        t.fixed(2, &["match self {"]);
        let catch_all = format!("Self::{unknown}(value)");
        arm(
            &mut t,
            3,
            &catch_all,
            "::serde::Serialize::serialize(value, s)",
        );
        t.fixed(3, &["known => s.serialize_str(known.as_str()),"]);
        t.fixed(2, &["}"]);
        end(&mut t);
        deserialize_head(&mut t);
        t.fixed(
            2,
            &["let value = <String as ::serde::Deserialize>::deserialize(d)?;"],
        );
        t.fixed(2, &["let known = match value.as_str() {"]);
        for (variant, wire) in variants.iter().zip(&wires) {
            arm(&mut t, 3, wire, variant);
        }
        let read = format!("return super::runtime::UnknownValue::read(value).map(Self::{unknown})");
        arm(&mut t, 3, "_", &read);
        t.fixed(2, &["};"]);
        t.fixed(2, &["Ok(known)"]);
        end(&mut t);
    } else {
        serialize_head(&mut t);
        t.fixed(2, &["s.serialize_str(self.as_str())"]);
        end(&mut t);
        deserialize_head(&mut t);
        t.fixed(
            2,
            &["let value = <super::runtime::de::Key as ::serde::Deserialize>::deserialize(d)?;"],
        );
        t.fixed(2, &["match value.as_str() {"]);
        for (variant, wire) in variants.iter().zip(&wires) {
            arm(&mut t, 3, wire, &format!("Ok({variant})"));
        }
        t.fixed(3, &["other => {"]);
        t.list(4, ("const VARIANTS: &[&str] = &[", "];"), &wires);
        t.fixed(
            4,
            &["Err(<__D::Error as ::serde::de::Error>::unknown_variant(other, VARIANTS))"],
        );
        t.fixed(3, &["}"]);
        t.fixed(2, &["}"]);
        end(&mut t);
        as_str(&mut t, "&'static str");
        display(&mut t);
    }
    t.finish()
}

/// The argument type and conversion [`super::types::into_arg`] makes, as text.
fn into_arg(api: &Api, ty: &TypeRef, value: &str) -> Option<(String, String)> {
    let source = |ty: &TypeRef| RustType::of(api, ty).source(Scope::Types);
    Some(match ty {
        TypeRef::Array(item) => (
            format!("impl IntoIterator<Item = impl Into<{}>>", source(item)?),
            format!("{value}.into_iter().map(Into::into).collect()"),
        ),
        TypeRef::Map(item) => (
            format!(
                "impl IntoIterator<Item = (impl Into<String>, impl Into<{}>)>",
                source(item)?
            ),
            format!("{value}.into_iter().map(|(k, v)| (k.into(), v.into())).collect()"),
        ),
        _ => (
            format!("impl Into<{}>", source(ty)?),
            format!("{value}.into()"),
        ),
    })
}

/// [`super::types::emit_constructors`] as text (the caller writes nothing for a struct
/// without `new` or setters).
pub(super) fn constructors(
    api: &Api,
    name: &str,
    s: &Struct,
    plan: &Construction<'_>,
) -> Option<String> {
    let mut t = Text::new();
    t.fixed(0, &["impl ", name, " {"]);
    if !plan.args.is_empty() {
        let mut params = Vec::with_capacity(plan.args.len());
        for f in &plan.args {
            let field = ident(&f.name.rust);
            let (ty, _) = into_arg(api, &f.ty, &field)?;
            params.push(format!("{field}: {ty}"));
        }
        let mut inits = Vec::with_capacity(s.fields.len() + 1);
        for f in &s.fields {
            let field = ident(&f.name.rust);
            let value = if plan.args.iter().any(|a| std::ptr::eq(*a, f)) {
                into_arg(api, &f.ty, &field)?.1
            } else if plan.fixed.iter().any(|a| std::ptr::eq(*a, f)) && f.required {
                "Default::default()".to_string()
            } else {
                "None".to_string()
            };
            inits.push(format!("{field}: {value}"));
        }
        if s.additional.is_some() {
            inits.push("additional_properties: Default::default()".to_string());
        }
        t.doc(1, &super::types::new_doc(name, plan));
        if plan.args.len() > 7 {
            t.fixed(1, &["#[allow(clippy::too_many_arguments)]"]);
        }
        if plan.args.iter().any(|f| super::types::digits_only(f)) {
            t.fixed(1, &["#[allow(clippy::just_underscores_and_digits)]"]);
        }
        t.params(1, ("pub fn new(", ") -> Self {"), &params);
        t.struct_literal(2, ("", ""), &inits);
        t.fixed(1, &["}"]);
    }
    for (f, setter, null) in &plan.setters {
        let field = ident(&f.name.rust);
        let method = ident(setter);
        let (ty, conv) = into_arg(api, &f.ty, "value")?;
        let wire = code_span(&f.name.wire);
        t.doc(1, &format!("Sets {wire}."));
        if super::types::TRAIT_METHODS.contains(&setter.as_str()) {
            t.fixed(1, &["#[allow(clippy::should_implement_trait)]"]);
        }
        let head = format!("pub fn {method}(");
        t.params(
            1,
            (&head, ") -> Self {"),
            &["mut self".to_string(), format!("value: {ty}")],
        );
        let value = if f.tri_state() {
            format!("Some({conv})")
        } else {
            conv
        };
        t.call_statement(2, &format!("self.{field} = Some("), &value, ");");
        t.fixed(2, &["self"]);
        t.fixed(1, &["}"]);
        if let Some(n) = null {
            t.doc(1, &format!("Sends {wire} as an explicit `null`."));
            let head = format!("pub fn {}(", ident(n));
            t.list(1, (&head, ") -> Self {"), &["mut self".to_string()]);
            let none = if f.tri_state() { "Some(None)" } else { "None" };
            t.line(2, &["self.", &field, " = ", none, ";"]);
            t.fixed(2, &["self"]);
            t.fixed(1, &["}"]);
        }
    }
    t.fixed(0, &["}"]);
    t.finish()
}

#[cfg(test)]
mod tests {
    use super::{example, Call, Outcome};
    use crate::load::{load_str, Format};

    #[test]
    fn an_err_arm_is_broken_only_when_it_is_one_call() {
        let long = "VariantOfAnErrorEnumWithAVeryLongName".repeat(2);
        let mut t = super::Text::new();
        super::block_value(&mut t, 6, &format!("Err(response.error_json(E::{long}))"));
        assert!(t.fits);
        assert_eq!(
            t.out,
            format!(
                "{0}Err(\n{1}response\n{2}.error_json(\n{3}E::{long},\n{2}),\n{0})\n",
                " ".repeat(24),
                " ".repeat(28),
                " ".repeat(32),
                " ".repeat(36),
            )
        );
        // A chain on the `Err(…)` is not a layout the writer knows: the tokens print it.
        let mut t = super::Text::new();
        super::block_value(
            &mut t,
            6,
            &format!("Err(response.error_json(E::{long})).map(f)"),
        );
        assert!(!t.fits);
        assert!(super::closes_within("a(b(c))"));
        assert!(!super::closes_within("a).map(b"));
    }

    /// Every spec the repository ships and every test fixture: `types.rs` printed with
    /// items written as text is the text printed from tokens alone (no tables: the whole
    /// file at once), with and without the `full-serde` gates; so is `client.rs`.
    #[test]
    fn text_items_print_as_their_tokens() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let specs = [
            "specs/vocode/openapi.json",
            "specs/assemblyai/openapi.yml",
            "tests/fixtures/lossless.yaml",
            "tests/fixtures/rules.yaml",
            "tests/fixtures/layouts.yaml",
            "tests/fixtures/extensions.yaml",
            "tests/fixtures/streams.yaml",
            "tests/fixtures/client/collisions.yaml",
            "tests/fixtures/client/params.yaml",
            "tests/fixtures/client/pagination.yaml",
        ];
        let (mut texts, mut methods) = (0, 0);
        for spec in specs {
            let text = std::fs::read_to_string(root.join(spec)).unwrap();
            let format = if spec.ends_with(".json") {
                Format::Json
            } else {
                Format::Yaml
            };
            let doc = load_str(&text, format, spec).unwrap_or_else(|e| panic!("{e}"));
            let mut api = crate::lower::lower(&doc)
                .unwrap_or_else(|e| panic!("{e}"))
                .0;
            for serde_feature in [false, true] {
                api.settings.serde_feature = serde_feature;
                let items = super::super::TypeItems::new(&api);
                let whole = super::super::types::emit_types(&api);
                let expected = crate::render::rust_file(whole, "// h", spec).unwrap();
                let printed = crate::render::rust_file_items(
                    items.inner(),
                    items.len(),
                    |i| items.item(i),
                    "// h",
                    spec,
                )
                .unwrap();
                same_text(
                    &printed,
                    &expected,
                    &format!("{spec} (serde feature {serde_feature})"),
                );
                let used = (0..items.len())
                    .map(|i| crate::doc_table::collect(|| items.item(i)).1.item_count())
                    .sum::<usize>();
                texts += used;
            }
            // The client: its positional methods written as text, the rest as tokens.
            api.settings.doc_examples = Some("x".to_string());
            let client = super::super::ClientItems::new(&api);
            let expected = crate::render::rust_file(super::super::emit_client(&api), "// h", spec);
            let printed = crate::render::rust_file_with_impl(
                client.head(),
                client.len(),
                |i| client.operation(i),
                client.servers(),
                "// h",
                spec,
            );
            same_text(&printed.unwrap(), &expected.unwrap(), spec);
            methods += (0..client.len())
                .map(|i| {
                    crate::doc_table::collect(|| client.operation(i))
                        .1
                        .item_count()
                })
                .sum::<usize>();
        }
        // Most items of these specs are written as text (so the comparison means something).
        assert!(texts > 500, "{texts} items written as text");
        assert!(methods > 50, "{methods} client methods written as text");
    }

    /// The doc example's layouts past the margin (Microsoft Graph's names) are written as
    /// text, and as prettyplease prints the same program.
    #[test]
    fn wide_examples_are_written_as_text() {
        let method = "administrative_units_members_of_the_directory_role_template_for_the_example";
        let body = Call {
            callee: "types::AdministrativeUnitsMembersOfTheDirectoryRoleTemplateBody::default"
                .into(),
            args: Vec::new(),
        };
        let args = ["\"id\"".to_string(), "&body".to_string()];
        let printed = |program: String| {
            let file: syn::File = syn::parse_str(&program).unwrap();
            prettyplease::unparse(&file)
        };
        let head = "async fn example() -> Result<(), Box<dyn std::error::Error>>";
        let result = "administrative_units_members_of_the_directory_role_template_response";
        let call = format!("client.{method}({})", args.join(", "));
        let outcomes = [
            (
                Outcome::Print(result),
                format!("let {result} = {call}.await?; println!(\"{{{result}:?}}\");"),
            ),
            (
                Outcome::Stream("member"),
                format!(
                    "let mut stream = {call}.stream(); while let Some(member) = \
                     stream.next().await {{ let member = member?; println!(\"{{member:?}}\"); }}"
                ),
            ),
            (Outcome::Discard, format!("{call}.await?;")),
        ];
        for (outcome, statements) in outcomes {
            let text = example(
                "Client::new()",
                Some(("body", &body)),
                outcome,
                method,
                &args,
            );
            let program = format!(
                "{head} {{ let client = Client::new(); let body = {}; {statements} Ok(()) }}",
                body.source()
            );
            assert_eq!(text.as_deref(), Some(printed(program).as_str()));
        }
    }

    /// Panics with the first lines that differ.
    fn same_text(printed: &str, expected: &str, what: &str) {
        if printed == expected {
            return;
        }
        let (p, e): (Vec<&str>, Vec<&str>) =
            (printed.lines().collect(), expected.lines().collect());
        let at = (0..p.len().min(e.len()))
            .find(|&i| p[i] != e[i])
            .unwrap_or(p.len().min(e.len()));
        let from = at.saturating_sub(8);
        panic!(
            "{what}, line {at}:\n--- text\n{}\n--- tokens\n{}",
            p[from..(at + 8).min(p.len())].join("\n"),
            e[from..(at + 8).min(e.len())].join("\n"),
        );
    }
}
