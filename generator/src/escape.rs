//! Escaping of spec text for each place ("sink") generated output puts it. A spec is
//! untrusted input: a string from it reaches a generated file only through the function
//! of its sink, so no title, name, value or description can become code, a TOML key or a
//! doctest.
//!
//! | sink | function |
//! |---|---|
//! | rustdoc prose (titles, descriptions) | [`doc_prose`] |
//! | a value shown verbatim in rustdoc or README Markdown (names, enum values, paths, URLs, examples) | [`code_span`] |
//! | README Markdown text | [`markdown_text`] |
//! | a TOML string (the generated `Cargo.toml`) | [`toml_string`] |
//! | one line of a comment, a build-script directive or a diagnostic | [`one_line`] |
//! | a printed Rust file (comments rustc would reject) | [`comment_text`] |
//! | a Rust string literal | `proc_macro2::Literal::string` (in `emit`) |
//! | a Rust identifier | [`crate::naming`] |
//!
//! Rustdoc reads doc comments as CommonMark (pulldown-cmark), and runs every code block
//! that is not marked as another language as a doctest. The two Markdown sinks make sure
//! spec text can only open a code block marked `text`: [`code_span`] folds every line
//! break (a block starts at the beginning of a line), and [`doc_prose`] rewrites the
//! spec's fences as `text` fences, then checks its result with pulldown-cmark and falls
//! back to plain lines when any other block would open (fences or indented code inside a
//! list or block quote).
//!
//! Doc text is only ever written as `///` and `//!` lines, one attribute per line (the check
//! after rendering, [`crate::guard`], refuses `#[doc = …]` and `/** … */` forms), so a `*/`
//! in spec text cannot end a comment and is kept as written.

use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag};
use std::borrow::Cow;

/// True for the characters rustdoc, CommonMark or an editor may take as a line break: LF,
/// CR, vertical tab, form feed, NEL (U+0085), and the Unicode line and paragraph
/// separators (U+2028, U+2029).
fn is_line_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r' | '\u{b}' | '\u{c}' | '\u{85}' | '\u{2028}' | '\u{2029}'
    )
}

/// `text` with every line break ([`is_line_break`]) written as `\n` (`\r\n` as one).
pub(crate) fn normalize_line_breaks(text: &str) -> Cow<'_, str> {
    let other_break = |c: char| c != '\n' && is_line_break(c);
    if !contains_char(text, other_break) {
        return Cow::Borrowed(text);
    }
    text.replace("\r\n", "\n").replace(other_break, "\n").into()
}

/// `text` on one line: every line break and other control character (tabs included)
/// becomes a space. For `//` comments, `cargo:` directives and terminal output.
pub(crate) fn one_line(text: &str) -> Cow<'_, str> {
    let unsafe_char = |c: char| c.is_control() || is_line_break(c);
    let other = |c: char| c != '\n' && c != '\t' && unsafe_char(c);
    if !text.contains(['\n', '\t']) && !contains_char(text, other) {
        return Cow::Borrowed(text);
    }
    text.chars()
        .map(|c| if unsafe_char(c) { ' ' } else { c })
        .collect::<String>()
        .into()
}

/// A Markdown code span showing `text` verbatim (CommonMark §6.1): on one line
/// ([`one_line`]), fenced by one backtick more than the longest run of backticks inside,
/// padded with a space when the text touches a backtick. For spec values inside oagen's
/// own sentences in rustdoc and the README.
pub(crate) fn code_span(text: &str) -> String {
    let text = one_line(text);
    if text.trim().is_empty() {
        // An empty or blank code span is no code span in CommonMark: quote it instead.
        return format!("\"{text}\"");
    }
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// Markdown text showing `text` as written, on one line ([`one_line`], trimmed): the
/// characters that open inline constructs (code spans, emphasis, links, HTML, strikethrough,
/// table cells) are backslash-escaped (CommonMark §2.4) or written as entities, and so is a
/// leading marker that would start a block (heading, list item). For spec strings in the
/// running text of the generated README and of rustdoc.
pub(crate) fn markdown_text(text: &str) -> String {
    let text = one_line(text);
    let text = text.trim();
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '~' | '|' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    let digits = out.len() - out.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    if out.starts_with(['#', '-', '+', '=']) {
        out.insert(0, '\\');
    } else if digits > 0 && out[digits..].starts_with(['.', ')']) {
        out.insert(digits, '\\');
    }
    out
}

/// `text` as a TOML basic string, quotes included (TOML 1.0 §String), written by the
/// `toml` crate: quotes, backslashes and control characters are escaped, so the value
/// cannot end its string or add a key.
pub(crate) fn toml_string(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

/// Spec prose (a title or description) as rustdoc Markdown: vendors' HTML tags rewritten
/// as Markdown, the spec's fenced blocks marked `text` (shown, never run), no indented
/// code blocks (each line is trimmed), brackets and angle brackets escaped (no broken
/// intra-doc links or stray HTML), bare URLs turned into autolinks.
///
/// The result is checked with pulldown-cmark, rustdoc's parser: when any code block but
/// the `text` fences written here would open (a fence or indented code inside a list item
/// or block quote), the text is written as plain lines instead ([`plain_lines`]).
pub(crate) fn doc_prose(text: &str) -> String {
    let prose = fenced_prose(text);
    if may_hold_code(&prose) && !only_text_blocks(&prose) {
        return plain_lines(text);
    }
    prose
}

/// True when `text` has what can open a code block: a backtick or tilde fence, or the
/// indentation of an indented block (a line's leading space, or spaces after a list
/// marker).
fn may_hold_code(text: &str) -> bool {
    text.contains(['`', '~', '\t'])
        || text.contains("  ")
        || text.contains("\n ")
        || text.starts_with(' ')
}

/// True when every code block pulldown-cmark finds in `markdown` is fenced and marked
/// `text`.
pub(crate) fn only_text_blocks(markdown: &str) -> bool {
    Parser::new(markdown).all(|event| match event {
        Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => &*info == "text",
        Event::Start(Tag::CodeBlock(CodeBlockKind::Indented)) => false,
        _ => true,
    })
}

/// `text` as plain Markdown lines that open no block but paragraphs: each line trimmed,
/// escaped as prose, and the marker that could start a block escaped (a list, heading,
/// fence, table or thematic break; `>` and `<` are already entities).
fn plain_lines(text: &str) -> String {
    normalize_line_breaks(text)
        .lines()
        .map(|line| {
            let line = escape_prose(line.trim());
            let digits = line.len() - line.trim_start_matches(|c: char| c.is_ascii_digit()).len();
            if line.starts_with(['-', '+', '*', '#', '=', '|', '~', '`', '_']) {
                format!("\\{line}")
            } else if digits > 0 && line[digits..].starts_with(['.', ')']) {
                format!("{}\\{}", &line[..digits], &line[digits..])
            } else {
                line
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The first pass of [`doc_prose`]: HTML to Markdown, `text` fences, trimmed lines.
fn fenced_prose(text: &str) -> String {
    let text = html_to_markdown(&normalize_line_breaks(text));
    let mut out: Vec<String> = Vec::new();
    let mut in_fence = false;
    for raw in text.lines() {
        let line = raw.trim();
        let line: Cow<str> = if line.contains('\t') {
            line.replace('\t', "    ").into()
        } else {
            line.into()
        };
        if line.starts_with("```") || line.starts_with("~~~") {
            if in_fence {
                out.push("```".to_string());
            } else {
                out.push("```text".to_string());
            }
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            out.push(raw.replace('\t', "    "));
            continue;
        }
        // A paragraph line right after a list item would be a lazy continuation of it;
        // the authors mean a new paragraph.
        let after_item = out.last().is_some_and(|p| is_list_item(p));
        if after_item && !line.is_empty() && !is_list_item(&line) {
            out.push(String::new());
        }
        out.push(escape_prose(&line));
    }
    if in_fence {
        out.push("```".to_string());
    }
    // Collapse runs of blank lines.
    let mut collapsed: Vec<String> = Vec::new();
    for line in out {
        if line.is_empty() && collapsed.last().is_none_or(String::is_empty) {
            continue;
        }
        collapsed.push(line);
    }
    while collapsed.last().is_some_and(String::is_empty) {
        collapsed.pop();
    }
    collapsed.join("\n")
}

fn is_list_item(line: &str) -> bool {
    let line = line.trim_start();
    line.starts_with("- ")
        || line.starts_with("* ")
        || line.starts_with("+ ")
        || [". ", ") "].iter().any(|marker| {
            line.split_once(marker).is_some_and(|(n, _)| {
                !n.is_empty() && n.len() < 10 && n.chars().all(|c| c.is_ascii_digit())
            })
        })
}

/// Rewrites the HTML tags vendors put in descriptions (`<p>`, `<code>`, `<b>`, `<li>`, `<a>`,
/// …) as Markdown; any other `<` stays text and is escaped later.
fn html_to_markdown(text: &str) -> String {
    if !text.contains('<') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let after = &rest[start..];
        let Some(end) = after.find('>') else {
            out.push_str(after);
            return out;
        };
        let tag = after[1..end].trim().to_ascii_lowercase();
        let (closing, name) = match tag.strip_prefix('/') {
            Some(n) => (true, n.trim()),
            None => (false, tag.as_str()),
        };
        let name = name
            .split(|c: char| c.is_whitespace() || c == '/')
            .next()
            .unwrap_or_default();
        let replacement = match (name, closing) {
            ("p", false) | ("ul", _) | ("ol", _) | ("div", _) => Some("\n\n"),
            ("p", true) | ("li", true) | ("a", _) | ("span", _) => Some(""),
            ("br", _) => Some("\n"),
            ("li", false) => Some("\n- "),
            ("code", _) => Some("`"),
            ("b", _) | ("strong", _) => Some("**"),
            ("i", _) | ("em", _) => Some("*"),
            _ => None,
        };
        match replacement {
            Some(r) => {
                out.push_str(r);
                rest = &after[end + 1..];
            }
            None => {
                out.push('<');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// One line of prose with Markdown's link, HTML and escape characters escaped, and bare
/// URLs as autolinks.
fn escape_prose(line: &str) -> String {
    // Most lines hold nothing to escape and no URL: they are kept as they are.
    let special = |b: &u8| matches!(b, b'<' | b'>' | b'[' | b']' | b'\\');
    if !line.as_bytes().iter().any(special) && !line.contains("http") {
        return line.to_string();
    }
    let mut out = String::new();
    for word in line.split_inclusive(' ') {
        let trimmed = word.trim_end();
        // A Markdown link's target, `[text](https://…)`: an autolink inside the
        // parentheses (the brackets are escaped below, so it is no link of its own).
        let link_target = trimmed.contains('(').then(|| {
            trimmed
                .find("(http://")
                .or_else(|| trimmed.find("(https://"))
        });
        if let Some(p) = link_target.flatten() {
            out.push_str(&escape_prose(&word[..=p]));
            let rest = &word[p + 1..];
            let end = rest.find(')').unwrap_or(rest.trim_end().len());
            out.push('<');
            out.push_str(&autolink_target(&rest[..end]));
            out.push('>');
            out.push_str(&escape_prose(&rest[end..]));
            continue;
        }
        let is_url = trimmed.starts_with("http://") || trimmed.starts_with("https://");
        if is_url {
            let url = trimmed.trim_end_matches(['.', ',', ')', ';', ':']);
            out.push('<');
            out.push_str(&autolink_target(url));
            out.push('>');
            out.push_str(&trimmed[url.len()..]);
            out.push_str(&word[trimmed.len()..]);
            continue;
        }
        for c in word.chars() {
            match c {
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '[' => out.push_str("\\["),
                ']' => out.push_str("\\]"),
                '\\' => out.push_str("\\\\"),
                _ => out.push(c),
            }
        }
    }
    out
}

/// A URL as the target of an autolink (`<…>`): without the characters that would end it
/// or make it a code span (`<`, `>`, `` ` ``).
fn autolink_target(url: &str) -> String {
    url.chars()
        .filter(|c| !matches!(c, '<' | '>' | '`'))
        .collect()
}

/// Replaces each control character but newline and tab, and each Unicode line or paragraph
/// separator, by a space. String literals are printed escaped, so such a character can only
/// be spec text in a comment, where rustc rejects some ("bare CR not allowed in
/// doc-comment"). Doc text is split into lines before this (`emit::doc_strings`); this is
/// the guarantee for every other place spec text reaches a comment.
pub(crate) fn comment_text(text: String) -> String {
    let unsafe_char = |c: char| {
        (c.is_control() && c != '\n' && c != '\t') || matches!(c, '\u{2028}' | '\u{2029}')
    };
    if !contains_char(&text, unsafe_char) {
        return text;
    }
    text.chars()
        .map(|c| if unsafe_char(c) { ' ' } else { c })
        .collect()
}

/// True when `text` holds a character for which `pred` is true.
///
/// `pred` may be true only for ASCII control characters other than newline and tab (below
/// U+0020, and U+007F; there is a newline in every line of code) and for
/// characters whose UTF-8 starts with byte C2 (U+0080..=U+00BF) or E2 (U+2000..=U+2FFF):
/// the control characters, NEL and the Unicode line and paragraph separators that spec text
/// must not carry into a comment. Any other character is skipped without asking `pred`.
/// The text is read in blocks of bytes, and only a block holding one of those bytes is
/// decoded: spec prose is full of typographic quotes and dashes (E2 80 xx), and a scan that
/// decoded every character was a tenth of Stripe's instructions.
pub(crate) fn contains_char(text: &str, pred: impl Fn(char) -> bool) -> bool {
    const BLOCK: usize = 64;
    debug_assert!(
        !pred('\n') && !pred('\t'),
        "newline and tab are read as plain text"
    );
    let suspect = |b: u8| (b < 0x20 && b != b'\n' && b != b'\t') || matches!(b, 0x7F | 0xC2 | 0xE2);
    let bytes = text.as_bytes();
    for (n, block) in bytes.chunks(BLOCK).enumerate() {
        if !block.iter().fold(false, |any, &b| any | suspect(b)) {
            continue;
        }
        for (i, &b) in block.iter().enumerate() {
            let c = if b < 0x80 {
                char::from(b)
            } else if b == 0xC2 || b == 0xE2 {
                // A lead byte (continuation bytes are 80..=BF), so this is a char boundary;
                // the character may end in the next block.
                text[n * BLOCK + i..].chars().next().unwrap_or_default()
            } else {
                continue;
            };
            if suspect(b) && pred(c) {
                return true;
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Payloads a hostile spec puts into strings, each with a line break of every kind.
    fn payloads() -> Vec<String> {
        let breaks = [
            "\n", "\r\n", "\r", "\u{b}", "\u{c}", "\u{85}", "\u{2028}", "\u{2029}",
        ];
        let blocks = [
            "```\nfn main() { panic!() }\n```",
            "~~~\nfn main() { panic!() }\n~~~",
            "\n    fn main() { panic!() }\n",
            "> ```\n> fn main() {}\n> ```",
            "- ```\n  fn main() {}\n  ```",
            "1.     fn main() {}",
            "-\n\n      fn main() {}",
            "* > ~~~rust\n  > x\n",
            "</code>```rust\nx\n```",
        ];
        let mut out = Vec::new();
        for b in breaks {
            for block in blocks {
                out.push(format!("Text{b}{}", block.replace('\n', b)));
            }
        }
        out
    }

    #[test]
    fn prose_opens_no_code_block_but_text_fences() {
        for payload in payloads() {
            let doc = doc_prose(&payload);
            assert!(only_text_blocks(&doc), "{payload:?} → {doc:?}");
            // As rustdoc reads `///` lines: after the text of the item, and unindented.
            let framed = format!("Intro.\n\n{doc}\n\nOutro.");
            assert!(only_text_blocks(&framed), "{payload:?} → {framed:?}");
        }
    }

    #[test]
    fn code_spans_and_markdown_text_stay_on_their_line() {
        for payload in payloads() {
            for escaped in [code_span(&payload), markdown_text(&payload)] {
                assert!(!escaped.contains(is_line_break), "{escaped:?}");
                let framed = format!("- A list item: {escaped}\n\nNext.");
                assert!(only_text_blocks(&framed), "{framed:?}");
            }
        }
    }

    #[test]
    fn code_spans_show_the_text() {
        assert_eq!(code_span("a"), "`a`");
        assert_eq!(code_span("a`b"), "``a`b``");
        assert_eq!(code_span("`a"), "`` `a ``");
        assert_eq!(code_span("a\u{2028}b\tc"), "`a b c`");
        assert_eq!(code_span(""), "\"\"");
        let span = code_span("x``y`");
        let events: Vec<Event> = Parser::new(&span).collect();
        assert!(events.contains(&Event::Code("x``y`".into())), "{events:?}");
    }

    #[test]
    fn markdown_text_is_shown_as_written() {
        let text = "*a* [b](c) <d> `e` # f | g ~h~ _i_ \\";
        let escaped = markdown_text(text);
        let shown: String = Parser::new(&escaped)
            .filter_map(|e| match e {
                Event::Text(t) => Some(t.into_string()),
                _ => None,
            })
            .collect();
        assert_eq!(shown, text);
    }

    #[test]
    fn markdown_text_starts_no_block() {
        for text in [
            "# h", "- a", "+ a", "1. a", "12) a", "    code", "===", "> q", "```",
        ] {
            let framed = format!("{}\n\nNext.", markdown_text(text));
            let blocks = Parser::new(&framed)
                .filter(|e| matches!(e, Event::Start(tag) if !matches!(tag, Tag::Paragraph)))
                .count();
            assert_eq!(blocks, 0, "{text:?} → {framed:?}");
        }
        assert_eq!(
            markdown_text("Voice-call APIs: v1.0"),
            "Voice-call APIs: v1.0"
        );
    }

    #[test]
    fn toml_strings_cannot_end_early() {
        let hostile = "1.0\"\nbuild = \"specs/api.yaml\"\n[package]\u{7}\\";
        let line = format!("description = {}\n", toml_string(hostile));
        let table: toml::Table = toml::from_str(&line).unwrap();
        assert_eq!(table.len(), 1);
        assert_eq!(table["description"].as_str(), Some(hostile));
    }

    #[test]
    fn one_line_folds_every_break_and_control() {
        assert_eq!(one_line("a\nb\r\u{2028}c\u{0}d\te\u{85}"), "a b  c d e ");
        assert!(matches!(one_line("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn vendor_html_becomes_markdown_and_lists_end_cleanly() {
        let text = "<p>Creates a <code>Channel</code>.</p> <p>See <a href=\"x\">docs</a>.</p>";
        assert_eq!(doc_prose(text), "Creates a `Channel`.\n\nSee docs.");
        assert_eq!(doc_prose("* a\n* b\nAfter"), "* a\n* b\n\nAfter");
        assert_eq!(doc_prose("1) one\nmore"), "1) one\n\nmore");
        assert_eq!(doc_prose("x <string> y"), "x &lt;string&gt; y");
        assert_eq!(
            doc_prose("See [Key phrases](https://a.dev/k) for more."),
            "See \\[Key phrases\\](<https://a.dev/k>) for more."
        );
    }

    #[test]
    fn prose_cannot_become_code_links_or_html() {
        let text = "    indented\n[link] <string> see https://x.dev/a.\n```\nfn x() {}\n```";
        assert_eq!(
            doc_prose(text),
            "indented\n\\[link\\] &lt;string&gt; see <https://x.dev/a>.\n```text\nfn x() {}\n```"
        );
        assert_eq!(
            doc_prose("> ```\n> fn main() {}\n> ```"),
            "&gt; ```\n&gt; fn main() {}\n&gt; ```"
        );
        assert_eq!(
            doc_prose("- ```\n  fn main() {}\n  ```\n3) ~~~"),
            "\\- ```\nfn main() {}\n\\```\n3\\) ~~~"
        );
    }

    #[test]
    fn contains_char_finds_what_str_contains_finds() {
        let preds: [fn(char) -> bool; 3] = [
            |c| (c.is_control() && c != '\n' && c != '\t') || matches!(c, '\u{2028}' | '\u{2029}'),
            |c| matches!(c, '\r' | '\u{85}' | '\u{2028}' | '\u{2029}'),
            |c| c.is_control() && c != '\t' && c != '\n',
        ];
        // Every character the predicates may accept, each between neighbours that share its
        // lead byte or look like one (continuation bytes, other E2 characters, emoji).
        let candidates = (0u32..0x100)
            .chain(0x2000..0x3000)
            .filter_map(char::from_u32);
        for c in candidates {
            for text in [
                format!("{c}"),
                format!("a\u{2019}{c}\u{e9}"),
                format!("\u{1F600}\u{2014}{c}"),
                format!("\u{80}\u{ff}x{c}y"),
                // Across and after the boundary of a block of bytes.
                format!("{}{c}z", "x".repeat(63)),
                format!("{}\u{2019}{c}", "x".repeat(127)),
            ] {
                for pred in preds {
                    assert_eq!(
                        contains_char(&text, pred),
                        text.contains(pred),
                        "{text:?} (U+{:04X})",
                        u32::from(c)
                    );
                }
            }
        }
        for pred in preds {
            assert!(!contains_char(
                "plain \u{2019}quoted\u{2019} \u{2014} text",
                pred
            ));
        }
    }
}
