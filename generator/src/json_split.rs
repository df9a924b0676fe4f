//! JSON text parsed on every core: the top-level object, and the large objects inside it
//! down to three levels (`paths`, `components`, `components/schemas`), are split into their
//! members by a scan that only follows strings and brackets; the members' values are
//! parsed by `serde_json` on every core (`parallel::in_parallel`); the objects are put back
//! together in document order.
//!
//! The result is the value `serde_json::from_str` makes of the same text: each member's
//! value is parsed by `serde_json` itself, and members are inserted in order with
//! [`serde_json::Map::insert`] (a repeated key keeps its first place and its last value, as
//! there). Whenever the text is anything but a well-formed object — a syntax error, trailing
//! text, nesting near `serde_json`'s recursion limit — [`parse`] returns `None` and the
//! caller parses the whole text serially, so errors are reported exactly as before.

use serde_json::{Map, Value};
use std::ops::Range;

/// Texts shorter than this are parsed serially (a thread costs more than it saves).
const MIN_LEN: usize = 1 << 20;

/// A member larger than this share of the text (1/`SPLIT_SHARE`) that is an object is split
/// into its own members.
const SPLIT_SHARE: usize = 8;

/// Objects nested deeper than this are not split (`components` → `schemas` → a schema).
const SPLIT_LEVELS: usize = 3;

/// Nesting deeper than this is left to the serial parse (`serde_json` stops at 128 levels;
/// a member parsed on its own would start a level or two lower).
const MAX_DEPTH: usize = 100;

/// One member of an object in the text: its key (the JSON string, quotes included) and its
/// value's byte range.
struct Member {
    key: Range<usize>,
    value: Range<usize>,
}

/// How a value of the text is parsed: whole (the next of the pieces, in order), or as an
/// object whose members are parsed one by one.
enum Node {
    Whole,
    Object(Vec<(Range<usize>, Node)>),
}

/// The top-level object of `text` parsed on every core, or `None` when the text is short,
/// is not an object, or anything about it is not plain (see the module docs).
pub(crate) fn parse(text: &str) -> Option<Value> {
    parse_from(text, MIN_LEN)
}

/// [`parse`] for texts of at least `min_len` bytes.
fn parse_from(text: &str, min_len: usize) -> Option<Value> {
    if text.len() < min_len {
        return None;
    }
    let bytes = text.as_bytes();
    let start = skip_ws(bytes, 0);
    if bytes.get(start) != Some(&b'{') {
        return None;
    }
    let big = text.len() / SPLIT_SHARE;
    let mut pieces = Vec::new();
    // The top-level object is always split; its members as `plan` says.
    let (top, end) = object(bytes, start, 0, big, &mut pieces)?;
    if skip_ws(bytes, end) != bytes.len() {
        return None;
    }
    // The threads take pieces in turn (they differ in cost per byte); the values come
    // back in order.
    let values = crate::parallel::in_parallel(pieces.len(), |i| {
        serde_json::from_str::<Value>(&text[pieces[i].clone()])
    })
    .ok()?;
    assemble(text, &top, &mut values.into_iter())
}

/// How to parse the value at `range` (`level` objects deep): an object larger than `big`
/// bytes is split into its members, anything else is one piece (its range is pushed onto
/// `pieces`). `None` when the text is not well formed.
fn plan(
    bytes: &[u8],
    range: Range<usize>,
    level: usize,
    big: usize,
    pieces: &mut Vec<Range<usize>>,
) -> Option<Node> {
    if level >= SPLIT_LEVELS || range.len() <= big || bytes[range.start] != b'{' {
        pieces.push(range);
        return Some(Node::Whole);
    }
    let (node, end) = object(bytes, range.start, level, big, pieces)?;
    (end == range.end).then_some(node)
}

/// The object whose `{` is at `start`, `level` objects deep, split into its members (each
/// as [`plan`] says), and the end of the object (after its `}`).
fn object(
    bytes: &[u8],
    start: usize,
    level: usize,
    big: usize,
    pieces: &mut Vec<Range<usize>>,
) -> Option<(Node, usize)> {
    let (list, end) = members(bytes, start, level)?;
    let mut children = Vec::with_capacity(list.len());
    for m in list {
        let node = plan(bytes, m.value, level + 1, big, pieces)?;
        children.push((m.key, node));
    }
    Some((Node::Object(children), end))
}

/// The value `node` describes, taking its pieces' values from `values` in order.
fn assemble(text: &str, node: &Node, values: &mut impl Iterator<Item = Value>) -> Option<Value> {
    match node {
        Node::Whole => values.next(),
        Node::Object(members) => {
            let mut map = Map::with_capacity(members.len());
            for (key, child) in members {
                let key = serde_json::from_str::<String>(&text[key.clone()]).ok()?;
                map.insert(key, assemble(text, child, values)?);
            }
            Some(Value::Object(map))
        }
    }
}

/// The members of the object whose `{` is at `start`, `level` objects deep, and the end of
/// the object (after its `}`); `None` if it is not well formed.
fn members(bytes: &[u8], start: usize, level: usize) -> Option<(Vec<Member>, usize)> {
    let mut list = Vec::new();
    let mut i = skip_ws(bytes, start + 1);
    if bytes.get(i) == Some(&b'}') {
        return Some((list, i + 1));
    }
    loop {
        if bytes.get(i) != Some(&b'"') {
            return None;
        }
        let key_end = string_end(bytes, i)?;
        let colon = skip_ws(bytes, key_end);
        if bytes.get(colon) != Some(&b':') {
            return None;
        }
        let value_start = skip_ws(bytes, colon + 1);
        let value_end = value_end(bytes, value_start, level + 1)?;
        list.push(Member {
            key: i..key_end,
            value: value_start..value_end,
        });
        let next = skip_ws(bytes, value_end);
        match bytes.get(next) {
            Some(b',') => i = skip_ws(bytes, next + 1),
            Some(b'}') => return Some((list, next + 1)),
            _ => return None,
        }
    }
}

/// The end of the value starting at `i`, found by following strings and brackets (a
/// scalar ends at the next delimiter; `serde_json` checks it later). `depth` is how deep
/// the value is; `None` when it is not closed or nests deeper than [`MAX_DEPTH`].
fn value_end(bytes: &[u8], i: usize, depth: usize) -> Option<usize> {
    match bytes.get(i)? {
        b'"' => string_end(bytes, i),
        b'{' | b'[' => {
            let mut level = 0usize;
            let mut j = i;
            loop {
                match bytes.get(j)? {
                    b'"' => {
                        j = string_end(bytes, j)?;
                        continue;
                    }
                    b'{' | b'[' => {
                        level += 1;
                        if depth + level > MAX_DEPTH {
                            return None;
                        }
                    }
                    b'}' | b']' => {
                        level -= 1;
                        if level == 0 {
                            return Some(j + 1);
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
        }
        _ => {
            let len = bytes[i..]
                .iter()
                .position(|b| matches!(b, b',' | b'}' | b']') || b.is_ascii_whitespace())
                .unwrap_or(bytes.len() - i);
            (len > 0).then_some(i + len)
        }
    }
}

/// The end (after the closing quote) of the string whose opening quote is at `i`.
fn string_end(bytes: &[u8], i: usize) -> Option<usize> {
    let mut j = i + 1;
    loop {
        j += memchr::memchr2(b'"', b'\\', &bytes[j..])?;
        if bytes[j] == b'\\' {
            j += 2;
        } else {
            return Some(j + 1);
        }
    }
}

/// The first byte at or after `i` that is not JSON whitespace.
fn skip_ws(bytes: &[u8], i: usize) -> usize {
    i + bytes
        .get(i..)
        .unwrap_or_default()
        .iter()
        .take_while(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Splits texts of this size and more (a test size, not [`MIN_LEN`]).
    const TEST_LEN: usize = 4096;

    fn parse(text: &str) -> Option<Value> {
        parse_from(text, TEST_LEN)
    }

    /// A document of at least [`TEST_LEN`] bytes with a large `paths` object (split into
    /// its members) and small ones (kept whole), then `extra` members.
    fn document(extra: &str) -> String {
        let mut paths = Vec::new();
        let mut n = 0;
        while paths.iter().map(String::len).sum::<usize>() < TEST_LEN {
            paths.push(format!(
                r#""/p{n}": {{"get": {{"summary": "a \"quoted\" \\ text {{[", "x": [1, 2.5e3, -0, true, null, {{}}, []]}}}}"#
            ));
            n += 1;
        }
        format!(
            "\n {{ \"openapi\" : \"3.1.0\", \"info\": {{\"title\": \"t\\u00e9\"}}, \"paths\": {{ {} }}, \"components\": {{\"schemas\": {{}}}}{extra} }} \n",
            paths.join(",\n")
        )
    }

    #[test]
    fn parses_as_serde_json_does() {
        // Large objects inside large objects: split down to `SPLIT_LEVELS`.
        let nested = format!(r#", "nested": {{"deeper": {}}}"#, document(""));
        for extra in [
            "",
            &nested,
            // A repeated key keeps its first place and takes its last value.
            r#", "info": {"title": "again"}, "x-\u0041": 1"#,
            r#", "paths": {"/only": {}}"#,
        ] {
            let text = document(extra);
            let split = parse(&text).expect("a plain document is split");
            let serial: Value = serde_json::from_str(&text).unwrap();
            assert_eq!(split, serial);
            // Order matters too (the spec's order reaches the output).
            assert_eq!(split.to_string(), serial.to_string());
        }
    }

    #[test]
    fn anything_unusual_is_left_to_the_serial_parse() {
        let good = document("");
        assert!(parse(&good).is_some());
        for bad in [
            format!("{good}x"),
            good.replacen("\"paths\": {", "\"paths\": {,", 1),
            good.replacen("\"3.1.0\"", "3.1.0", 1),
            good.replacen("\"openapi\" :", "\"openapi\"", 1),
            good.trim_end().trim_end_matches('}').to_string(),
            format!("[{good}]"),
            good.replacen(
                "\"schemas\": {}",
                &format!("\"schemas\": {}{}", "[".repeat(120), "]".repeat(120)),
                1,
            ),
            "{\"a\": 1}".to_string(),
        ] {
            // (Malformed texts are errors for serde_json too; the deep one is not.)
            assert!(parse(&bad).is_none(), "{}", &bad[..80.min(bad.len())]);
        }
    }
}
