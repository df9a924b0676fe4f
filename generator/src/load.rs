//! Stage 1, **load**: spec text → [`Document`], losing nothing.
//!
//! The format is chosen by file extension (`.json`, `.yaml`/`.yml`), never by trying one
//! parser and falling back to the other, so a syntax error is reported by the right parser
//! with its line and column.
//!
//! `openapiv3` models OpenAPI 3.0 only and silently drops JSON Schema keywords it does not
//! know (`if`, `const`, 3.1's `type: [T, "null"]`). So the raw JSON value is the source of
//! truth for every schema; `openapiv3` is used for the document skeleton only (paths,
//! operations, parameters, responses, security schemes), parsed from a copy in which each
//! schema is replaced by `{}` so that no 3.1 schema can make it fail. Path items are read
//! one at a time when they are lowered ([`path_item`]), so the skeleton of a large API
//! (Microsoft Graph beta: 22,361 operations) never exists whole beside the document.

use crate::diag::{Diagnostic, Error, Origin};
use serde_json::Value;
use std::path::Path;

/// A loaded spec.
#[derive(Debug, Clone)]
pub struct Document {
    /// The file name used in diagnostics and headers.
    pub file: String,
    /// The whole document as JSON, exactly as written (YAML is converted to the same model).
    pub raw: Value,
    /// The document skeleton (schemas blanked, see the module docs), without its path
    /// items (`paths` is empty): read each with [`path_item`].
    pub skeleton: openapiv3::OpenAPI,
    /// The `openapi` version string, e.g. `3.1.0`.
    pub version: String,
}

/// The text syntax of a spec file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `.json`
    Json,
    /// `.yaml` or `.yml`
    Yaml,
}

impl Format {
    /// The format for a file name, by extension.
    pub(crate) fn from_path(path: &Path) -> Option<Format> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "json" => Some(Format::Json),
            "yaml" | "yml" => Some(Format::Yaml),
            _ => None,
        }
    }
}

/// Reads and loads the spec at `path`; `display` is the name used in diagnostics.
pub fn load_file(path: &Path, display: &str) -> Result<Document, Error> {
    build(parse_file(path, display)?, display)
}

/// Reads the file at `path` and parses it (JSON or YAML, by extension) into a JSON value,
/// without checking that it is an OpenAPI document: the first half of loading, so that
/// overlays can change the value before [`build`] reads anything from it.
///
/// # Errors
/// [`Error::Io`] when the file cannot be read; [`Error::Spec`] for an unknown extension or
/// a syntax error (with line and column).
pub fn parse_file(path: &Path, display: &str) -> Result<Value, Error> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let format = Format::from_path(path).ok_or_else(|| {
        Error::Spec(vec![Diagnostic::error(
            Origin::new(display, ""),
            "unknown file extension",
        )
        .with_hint("name the file *.json, *.yaml or *.yml")])
    })?;
    parse_str(&text, format, display)
}

/// Loads a spec from text: [`parse_str`], then [`build`].
///
/// # Errors
/// [`Error::Spec`] when the text does not parse, is not OpenAPI 3.0, 3.1 or 3.2, or its skeleton
/// (paths, operations, parameters, responses) does not match the OpenAPI 3 object model;
/// the diagnostic names the JSON pointer of the offending node.
pub fn load_str(text: &str, format: Format, file: &str) -> Result<Document, Error> {
    build(parse_str(text, format, file)?, file)
}

/// The largest spec (or overlay) text parsed, in bytes (128 MiB; Microsoft Graph's beta
/// API, the largest spec known, is 47 MB of JSON).
pub const MAX_SPEC_BYTES: usize = 128 << 20;

/// The deepest a spec (or overlay) may nest objects and arrays, in JSON and YAML alike:
/// the recursion limit of both parsers (`serde_json`, `serde_yaml`). Real specs nest a few
/// dozen levels at most.
pub const MAX_DEPTH: usize = 128;

/// Parses spec (or overlay) text into a JSON value. YAML becomes the same model as JSON
/// (integers beyond 64 bits become floats, as JSON parsers read them).
///
/// The text is bounded first: at most [`MAX_SPEC_BYTES`], and YAML nested at most
/// [`MAX_DEPTH`] flow collections (`[`, `{`) deep, counted in one pass before parsing
/// (the YAML scanner takes quadratic time in that depth before its own limit applies).
///
/// # Errors
/// [`Error::Spec`] naming the line and column of a syntax error, or the limit exceeded.
pub fn parse_str(text: &str, format: Format, file: &str) -> Result<Value, Error> {
    if text.len() > MAX_SPEC_BYTES {
        return Err(spec_error(
            file,
            "",
            format!(
                "the file is {:.1} MiB; oagen reads specs of at most {} MiB",
                text.len() as f64 / f64::from(1 << 20),
                MAX_SPEC_BYTES >> 20
            ),
        ));
    }
    if format == Format::Yaml {
        if let Some(line) = yaml_flow_too_deep(text, MAX_DEPTH) {
            return Err(spec_error(
                file,
                "",
                format!(
                    "invalid YAML at line {line}: nested deeper than {MAX_DEPTH} levels of `[` or `{{`"
                ),
            ));
        }
    }
    Ok(match format {
        // A large document is parsed on every core when it is plain; every error comes
        // from the serial parse.
        Format::Json => match crate::json_split::parse(text) {
            Some(value) => value,
            None => serde_json::from_str(text).map_err(|e| {
                spec_error(
                    file,
                    "",
                    format!(
                        "invalid JSON at line {}, column {}: {e}",
                        e.line(),
                        e.column()
                    ),
                )
            })?,
        },
        Format::Yaml => serde_yaml::from_str::<YamlJson>(text)
            .map(|v| v.0)
            .map_err(|e| {
                let at = e
                    .location()
                    .map(|l| format!(" at line {}, column {}", l.line(), l.column()))
                    .unwrap_or_default();
                spec_error(file, "", format!("invalid YAML{at}: {e}"))
            })?,
    })
}

/// The line at which YAML `text` first opens more than `limit` nested flow collections
/// (`[`, `{`), or `None`. A conservative count: a bracket is counted only where YAML reads
/// it as the start or end of a flow collection (not inside quoted scalars, comments, block
/// scalars or plain text), so a document this rejects nests at least that deep.
fn yaml_flow_too_deep(text: &str, limit: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let at = |i: usize| bytes.get(i).copied();
    let blank = |b: Option<u8>| matches!(b, None | Some(b' ' | b'\t' | b'\r' | b'\n'));
    let (mut i, mut line, mut depth) = (0usize, 1usize, 0usize);
    // A node may start here (in block context: after indentation, `- `, `? `, `: `, an
    // anchor or tag; in flow context: after `[`, `{`, `,` or `:`).
    let mut node_start = true;
    let mut after_quoted = false;
    let mut line_indent = 0usize;
    let mut line_start = true;
    while i < bytes.len() {
        if line_start {
            line_start = false;
            line_indent = bytes[i..].iter().take_while(|&&b| b == b' ').count();
            i += line_indent;
            if depth == 0 {
                node_start = true;
                if bytes[i..].starts_with(b"---") && blank(at(i + 3)) {
                    i += 3;
                }
            }
            continue;
        }
        let b = bytes[i];
        let token_start = node_start;
        let quoted = after_quoted;
        after_quoted = false;
        match b {
            b'\n' => {
                line += 1;
                line_start = true;
            }
            b' ' | b'\t' | b'\r' => after_quoted = quoted,
            b'#' if i == 0 || blank(at(i - 1)) => {
                while at(i + 1).is_some_and(|b| b != b'\n') {
                    i += 1;
                }
            }
            b'"' | b'\'' if token_start => {
                i += 1;
                while let Some(c) = at(i) {
                    match c {
                        b'\\' if b == b'"' => i += 1,
                        b'\'' if b == b'\'' && at(i + 1) == Some(b'\'') => i += 1,
                        c if c == b => break,
                        b'\n' => line += 1,
                        _ => {}
                    }
                    i += 1;
                }
                node_start = false;
                after_quoted = true;
            }
            b'[' | b'{' if depth > 0 || token_start => {
                depth += 1;
                if depth > limit {
                    return Some(line);
                }
                node_start = true;
            }
            b']' | b'}' if depth > 0 => {
                depth -= 1;
                node_start = false;
            }
            b',' if depth > 0 => node_start = true,
            b':' if blank(at(i + 1)) || (depth > 0 && quoted) => node_start = true,
            b'-' | b'?' if token_start && depth == 0 && blank(at(i + 1)) => {}
            b'&' | b'!' if token_start => {
                let ends = |b: Option<u8>| {
                    blank(b) || (depth > 0 && matches!(b, Some(b',' | b']' | b'}')))
                };
                while !ends(at(i + 1)) {
                    i += 1;
                }
            }
            b'|' | b'>' if token_start && depth == 0 => {
                // A block scalar: its lines are those indented deeper than this one.
                while at(i).is_some_and(|b| b != b'\n') {
                    i += 1;
                }
                while at(i) == Some(b'\n') {
                    let rest = &bytes[i + 1..];
                    let indent = rest.iter().take_while(|&&b| b == b' ').count();
                    let empty = blank(rest.get(indent).copied());
                    if !empty && indent <= line_indent {
                        break;
                    }
                    line += 1;
                    i += 1;
                    while at(i).is_some_and(|b| b != b'\n') {
                        i += 1;
                    }
                }
                continue;
            }
            _ => node_start = false,
        }
        i += 1;
    }
    None
}

/// Builds the [`Document`] from a parsed (and possibly overlaid) spec value: checks the
/// OpenAPI version and reads the skeleton.
///
/// # Errors
/// [`Error::Spec`] when the value is not OpenAPI 3.0, 3.1 or 3.2 or its skeleton does not match
/// the OpenAPI 3 object model (with the JSON pointer of the offending node).
pub fn build(raw: Value, file: &str) -> Result<Document, Error> {
    let (skeleton, version) = read_skeleton(&raw, file)?;
    Ok(Document {
        file: file.to_string(),
        raw,
        skeleton,
        version,
    })
}

/// What [`build`] reads from the value, without taking it: the skeleton and the `openapi`
/// version. The same errors as [`build`].
pub(crate) fn read_skeleton(
    raw: &Value,
    file: &str,
) -> Result<(openapiv3::OpenAPI, String), Error> {
    let version = match raw.get("openapi").and_then(Value::as_str) {
        Some(v) if ["3.0", "3.1", "3.2"].iter().any(|p| v.starts_with(p)) => v.to_string(),
        Some(v) => {
            return Err(spec_error(
                file,
                "/openapi",
                format!("unsupported OpenAPI version `{v}`; oagen reads 3.0.x, 3.1.x and 3.2.x"),
            ))
        }
        None if raw.get("swagger").is_some() => {
            return Err(Error::Spec(vec![Diagnostic::error(
                Origin::new(file, "/swagger"),
                "Swagger 2.0 documents are not supported",
            )
            .with_hint("convert the document to OpenAPI 3 first")]))
        }
        None => {
            return Err(spec_error(
                file,
                "",
                "not an OpenAPI document: no `openapi` version field",
            ))
        }
    };
    Ok((skeleton(raw, file)?, version))
}

/// A JSON value read from YAML. As `serde_json::Value`, except that integers outside 64 bits
/// (OpenAI's `minimum: -9223372036854776000`) become floats, as JSON parsers read them
/// (`serde_json::Value` rejects them), and a non-finite float (`.inf`, `.nan`) becomes `null`.
struct YamlJson(Value);

impl<'de> serde::Deserialize<'de> for YamlJson {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(YamlVisitor).map(YamlJson)
    }
}

struct YamlVisitor;

impl<'de> serde::de::Visitor<'de> for YamlVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_i128<E>(self, v: i128) -> Result<Value, E> {
        Ok(float(v as f64))
    }
    fn visit_u128<E>(self, v: u128) -> Result<Value, E> {
        Ok(float(v as f64))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(YamlJson(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = serde_json::Map::new();
        while let Some((key, YamlJson(value))) = map.next_entry::<String, YamlJson>()? {
            out.insert(key, value);
        }
        Ok(Value::Object(out))
    }
}

fn float(v: f64) -> Value {
    serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number)
}

fn spec_error(file: &str, pointer: &str, message: impl Into<String>) -> Error {
    Error::Spec(vec![Diagnostic::error(Origin::new(file, pointer), message)])
}

/// Parses the `openapiv3` skeleton from a copy of `raw` whose schemas are blanked.
fn skeleton(raw: &Value, file: &str) -> Result<openapiv3::OpenAPI, Error> {
    let copy = skeleton_value(raw);
    let mut track = serde_path_to_error::Track::new();
    let de = serde_path_to_error::Deserializer::new(&copy, &mut track);
    <openapiv3::OpenAPI as serde::Deserialize>::deserialize(de).map_err(|e| {
        let pointer = pointer_of(&track.path());
        spec_error(
            file,
            &pointer,
            format!("does not match the OpenAPI 3 object model: {e}"),
        )
    })
}

/// Reads the path item `value` (at `pointer`, `/paths/…`) as the skeleton would: schemas
/// blanked, `callbacks` dropped.
///
/// # Errors
/// [`Error::Spec`] when it does not match the OpenAPI 3 Path Item Object (or a Reference
/// Object), with the JSON pointer of the offending node.
pub fn path_item(
    value: &Value,
    file: &str,
    pointer: &str,
) -> Result<openapiv3::ReferenceOr<openapiv3::PathItem>, Error> {
    let mut copy = blanked_clone(value);
    if let Some(item) = copy.as_object_mut() {
        for op in item.values_mut().filter_map(Value::as_object_mut) {
            op.remove("callbacks");
        }
    }
    let mut track = serde_path_to_error::Track::new();
    let de = serde_path_to_error::Deserializer::new(&copy, &mut track);
    // Read as a Path Item (not through the untagged `ReferenceOr`, which would hide where
    // inside it the mismatch is) unless it is a Reference Object.
    let read = if copy.get("$ref").is_some() {
        serde::Deserialize::deserialize(de)
    } else {
        <openapiv3::PathItem as serde::Deserialize>::deserialize(de)
            .map(openapiv3::ReferenceOr::Item)
    };
    read.map_err(|e| {
        let at = format!("{pointer}{}", pointer_of(&track.path()));
        spec_error(
            file,
            &at,
            format!("does not match the OpenAPI 3 object model: {e}"),
        )
    })
}

/// The value the skeleton is read from: `raw` with every schema blanked (component
/// schemas and every `schema` member become `{}`, see [`blanked_clone`]), an empty `paths`
/// object (path items are read one by one, [`path_item`]), and no `callbacks` (oagen generates none from the skeleton;
/// `openapiv3` rejects a `$ref` to one, though a Reference Object is allowed there, OpenAPI
/// 3.0 §4.7.10). Schemas are never copied, so the copy is the size of the document's
/// skeleton, not of the document.
fn skeleton_value(raw: &Value) -> Value {
    let Some(obj) = raw.as_object() else {
        return raw.clone();
    };
    let mut copy: serde_json::Map<String, Value> = obj
        .iter()
        .map(|(key, value)| {
            let value = match value {
                Value::Object(components) if key == "components" => Value::Object(
                    components
                        .iter()
                        .filter(|(k, _)| *k != "callbacks")
                        .map(|(k, v)| match v {
                            Value::Object(schemas) if k == "schemas" => {
                                let blank = schemas
                                    .keys()
                                    .map(|name| (name.clone(), Value::Object(Default::default())));
                                (k.clone(), Value::Object(blank.collect()))
                            }
                            Value::Object(_) if k == "examples" => {
                                (k.clone(), examples_without_values(v))
                            }
                            _ if k == "responses" => (k.clone(), described(blanked_clone(v))),
                            _ => (k.clone(), blanked_clone(v)),
                        })
                        .collect(),
                ),
                _ if key == "components" => value.clone(),
                _ if key == "paths" => Value::Object(Default::default()),
                _ => blanked_clone(value),
            };
            (key.clone(), value)
        })
        .collect();
    copy.entry("paths")
        .or_insert_with(|| Value::Object(Default::default()));
    Value::Object(copy)
}

/// A copy of `value` with every `schema` member below it replaced by `{}` (`schemas`,
/// `examples` and `example` members are kept as they are), made without copying what it
/// blanks.
pub(crate) fn blanked_clone(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(key, child)| {
                    let child = if key == "schema" && child.is_object() {
                        Value::Object(Default::default())
                    } else if key == "responses" {
                        described(blanked_clone(child))
                    } else if key != "schemas" && key != "examples" && key != "example" {
                        blanked_clone(child)
                    } else {
                        child.clone()
                    };
                    (key.clone(), child)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(blanked_clone).collect()),
        other => other.clone(),
    }
}

/// `responses` (a Responses Object, or `components/responses`) with an empty `description`
/// in each Response Object that has none: required by OpenAPI 3.0 and 3.1 (the schema
/// validation reports it as a warning), optional in 3.2, and missing from many real specs,
/// while the object model this copy is read into requires it.
fn described(mut responses: Value) -> Value {
    if let Some(map) = responses.as_object_mut() {
        for response in map.values_mut().filter_map(Value::as_object_mut) {
            if !response.contains_key("$ref") && !response.contains_key("description") {
                response.insert("description".into(), Value::String(String::new()));
            }
        }
    }
    responses
}

/// The Example Objects of `components/examples` (OpenAPI 3.x), each example's `value` made
/// `null`: the object model still checks each example's shape (any JSON is a value, so
/// `null` reads as any other would), without a copy of values that can be much of a spec
/// (GitHub's: 1.3 MB of its 5.7) and that nothing reads through the object model (lowering
/// reads examples from the document). Anything but an object is copied as it is, so a
/// malformed entry is reported as before.
fn examples_without_values(examples: &Value) -> Value {
    let Value::Object(map) = examples else {
        return examples.clone();
    };
    let example = |value: &Value| match value {
        Value::Object(fields) => Value::Object(
            fields
                .iter()
                .map(|(k, v)| {
                    let v = if k == "value" { Value::Null } else { v.clone() };
                    (k.clone(), v)
                })
                .collect(),
        ),
        other => other.clone(),
    };
    Value::Object(map.iter().map(|(k, v)| (k.clone(), example(v))).collect())
}

fn pointer_of(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for seg in path.iter() {
        match seg {
            Segment::Seq { index } => {
                out.push('/');
                out.push_str(&index.to_string());
            }
            Segment::Map { key } => {
                out.push('/');
                out.push_str(&escape_pointer(key));
            }
            Segment::Enum { .. } | Segment::Unknown => {}
        }
    }
    out
}

/// Follows a chain of `$ref`s in `raw` from `value` (at `pointer`) to the object it ends at,
/// and that object's pointer. `None` for a dangling or external reference, or a chain of more
/// than 64 hops (a cycle).
pub(crate) fn follow_refs<'v>(
    raw: &'v Value,
    value: &'v Value,
    pointer: &str,
) -> Option<(&'v Value, String)> {
    let mut current = value;
    let mut at = pointer.to_string();
    for _ in 0..64 {
        match current.get("$ref").and_then(Value::as_str) {
            Some(r) => {
                at = ref_pointer(r)?;
                current = lookup(raw, &at)?;
            }
            None => return Some((current, at)),
        }
    }
    None
}

/// The JSON pointer of a same-document `$ref` (`#/components/schemas/A%20B` →
/// `/components/schemas/A B`); `None` for a reference to another document.
pub(crate) fn ref_pointer(reference: &str) -> Option<String> {
    let fragment = reference.strip_prefix('#')?;
    let bytes = fragment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
            if let Some(b) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    Some(String::from_utf8_lossy(&out).into_owned())
}

/// The value at a JSON pointer (RFC 6901) in `root`: what `serde_json::Value::pointer`
/// returns, without allocating a string per token unless the token holds an escape (`~0`,
/// `~1`). Lowering asks for a node by its pointer many times per schema, so this is on its
/// hot path.
pub(crate) fn lookup<'a>(root: &'a Value, pointer: &str) -> Option<&'a Value> {
    if pointer.is_empty() {
        return Some(root);
    }
    let mut node = root;
    // Split by bytes: a pointer's tokens are short, and `str::split` and `contains` with a
    // char pattern set up a `memchr` search for each (a tenth of lowering on Stripe).
    let mut rest = pointer.strip_prefix('/')?;
    loop {
        let end = rest.bytes().position(|b| b == b'/');
        let token = &rest[..end.unwrap_or(rest.len())];
        node = child(node, token)?;
        match end {
            Some(end) => rest = &rest[end + 1..],
            None => return Some(node),
        }
    }
}

/// The child of `node` that the (escaped) JSON pointer token `token` names: one step of
/// [`lookup`].
pub(crate) fn child<'a>(node: &'a Value, token: &str) -> Option<&'a Value> {
    let token = if token.bytes().any(|b| b == b'~') {
        std::borrow::Cow::Owned(unescape_pointer(token))
    } else {
        std::borrow::Cow::Borrowed(token)
    };
    match node {
        Value::Object(map) => member(map, &token),
        Value::Array(list) => list.get(array_index(&token)?),
        _ => None,
    }
}

/// True when `node` is the document's node at `pointer` (the same node, not an equal one),
/// or both are absent: what a caller that found a node another way asserts.
pub(crate) fn is_node_at(root: &Value, pointer: &str, node: Option<&Value>) -> bool {
    match (lookup(root, pointer), node) {
        (Some(found), Some(node)) => std::ptr::eq(found, node),
        (found, node) => found.is_none() && node.is_none(),
    }
}

/// The member `key` of a JSON object. A schema object has a handful of keys: they are
/// compared one by one rather than hashed (serde_json's map hashes with SipHash, the
/// largest single cost of lowering); a larger object (`properties`, `components/schemas`)
/// is searched by hash.
fn member<'a>(map: &'a serde_json::Map<String, Value>, key: &str) -> Option<&'a Value> {
    if map.len() <= 8 {
        map.iter().find(|(k, _)| k.as_str() == key).map(|(_, v)| v)
    } else {
        map.get(key)
    }
}

/// `get` by [`member`]: what lowering uses to read a keyword of a schema or other object.
pub(crate) trait Member {
    /// The member `key`, if this is an object that has it.
    fn member(&self, key: &str) -> Option<&Value>;
}

impl Member for serde_json::Map<String, Value> {
    fn member(&self, key: &str) -> Option<&Value> {
        member(self, key)
    }
}

impl Member for Value {
    fn member(&self, key: &str) -> Option<&Value> {
        self.as_object().and_then(|map| member(map, key))
    }
}

/// An array index token as RFC 6901 spells it: digits, no sign, no leading zero.
fn array_index(token: &str) -> Option<usize> {
    let digits = !token.is_empty() && token.bytes().all(|b| b.is_ascii_digit());
    if !digits || (token.len() > 1 && token.starts_with('0')) {
        return None;
    }
    token.parse().ok()
}

/// Escapes one JSON pointer token (RFC 6901: `~` → `~0`, `/` → `~1`).
pub(crate) fn escape_pointer(token: &str) -> std::borrow::Cow<'_, str> {
    if token.contains(['~', '/']) {
        token.replace('~', "~0").replace('/', "~1").into()
    } else {
        token.into()
    }
}

/// Unescapes one JSON pointer token.
pub(crate) fn unescape_pointer(token: &str) -> String {
    // One pass: `~1` → `/`, `~0` → `~`, any other `~` kept (what replacing `~1` and then
    // `~0` gives, without two searches and two strings).
    let mut out = String::with_capacity(token.len());
    let mut rest = token;
    while let Some(at) = rest.find('~') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        match after.as_bytes().first() {
            Some(b'1') => out.push('/'),
            Some(b'0') => out.push('~'),
            _ => {
                out.push('~');
                rest = after;
                continue;
            }
        }
        rest = &after[1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Parses `text`, which must fail in well under a second; the error's text.
    fn refused_quickly(text: &str, format: Format) -> String {
        let started = std::time::Instant::now();
        let err = parse_str(text, format, "deep.spec")
            .unwrap_err()
            .to_string();
        let took = started.elapsed();
        assert!(took < std::time::Duration::from_millis(500), "{took:?}");
        assert!(err.contains("--> deep.spec#"), "{err}");
        err
    }

    #[test]
    fn deep_nesting_is_refused_before_parsing() {
        let n = 100_000;
        let yaml = format!("openapi: 3.0.0\nx: {}{}\n", "[".repeat(n), "]".repeat(n));
        let err = refused_quickly(&yaml, Format::Yaml);
        assert!(
            err.contains("invalid YAML at line 2: nested deeper than 128 levels"),
            "{err}"
        );
        let yaml = format!(
            "openapi: 3.0.0\nx: {}1{}\n",
            "{a: ".repeat(n),
            "}".repeat(n)
        );
        refused_quickly(&yaml, Format::Yaml);
        for prefix in ["- ", "--- ", "&a ", "!!seq ", "? "] {
            let yaml = format!("{prefix}{}{}\n", "[".repeat(n), "]".repeat(n));
            let err = refused_quickly(&yaml, Format::Yaml);
            assert!(err.contains("nested deeper"), "{prefix}: {err}");
        }
        let json = format!(
            r#"{{"openapi":"3.0.0","x":{}{}}}"#,
            "[".repeat(n),
            "]".repeat(n)
        );
        let err = refused_quickly(&json, Format::Json);
        assert!(err.contains("recursion limit exceeded"), "{err}");
    }

    #[test]
    fn brackets_that_open_nothing_are_not_counted() {
        let many = "[".repeat(300);
        let yaml = format!(
            "openapi: 3.0.0\n# {many}\ninfo:\n  description: |\n    {many}\n\n    more {many}\n  \
             summary: >-\n    {many}\n  title: \"{many}\\\"\"\n  x-quoted: '{many}''s'\n  \
             x-plain: a {many} b\n  x-pattern: ^[^\\]]+$\n  x-flow: [\"{many}\", '{many}', a: 1]\n  \
             x-json: {{\"a\":[1, {{\"b\": \"]]]\"}}]}}\nx-deep: {}{}\n",
            "[".repeat(100),
            "]".repeat(100),
        );
        let value = parse_str(&yaml, Format::Yaml, "ok.yaml").unwrap();
        assert_eq!(value["info"]["x-plain"], format!("a {many} b"));
        assert_eq!(value["info"]["x-quoted"], format!("{many}'s"));
        assert!(value["info"]["description"]
            .as_str()
            .unwrap()
            .contains("more"));
        assert_eq!(yaml_flow_too_deep(&yaml, 100), None);
        assert_eq!(yaml_flow_too_deep(&yaml, 99), Some(16));
    }

    #[test]
    fn a_spec_larger_than_the_cap_is_refused() {
        let text = " ".repeat(MAX_SPEC_BYTES + 1);
        let err = parse_str(&text, Format::Json, "huge.json")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("oagen reads specs of at most 128 MiB") && err.contains("huge.json"),
            "{err}"
        );
    }

    #[test]
    fn unescape_pointer_replaces_as_two_replacements_do() {
        for token in crate::testing::strings_over(&['~', '0', '1', 'a', '/'], 6) {
            let two = token.replace("~1", "/").replace("~0", "~");
            assert_eq!(unescape_pointer(&token), two, "{token:?}");
        }
    }

    #[test]
    fn lookup_finds_what_serde_json_pointer_finds() {
        let doc = serde_json::json!({
            "a/b": {"c~d": [1, {"e": 2}]},
            "": {"x": true},
            "list": [10, 20],
        });
        for pointer in [
            "",
            "/a~1b",
            "/a~1b/c~0d",
            "/a~1b/c~0d/1/e",
            "/a~1b/c~0d/2",
            "/",
            "//x",
            "/list/0",
            "/list/01",
            "/list/+1",
            "/list/-",
            "/list/1/x",
            "a",
            "/missing",
        ] {
            assert_eq!(lookup(&doc, pointer), doc.pointer(pointer), "{pointer}");
        }
    }

    #[test]
    fn yaml_and_json_give_the_same_value() {
        let y = load_str(
            "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\n",
            Format::Yaml,
            "a.yaml",
        )
        .unwrap();
        let j = load_str(
            r#"{"openapi":"3.1.0","info":{"title":"t","version":"1"},"paths":{}}"#,
            Format::Json,
            "a.json",
        )
        .unwrap();
        assert_eq!(y.raw, j.raw);
    }

    #[test]
    fn keeps_keywords_openapiv3_drops() {
        let doc = load_str(
            r#"{"openapi":"3.1.0","info":{"title":"t","version":"1"},"paths":{},
               "components":{"schemas":{"A":{"type":["string","null"],"if":{"const":1}}}}}"#,
            Format::Json,
            "a.json",
        )
        .unwrap();
        assert_eq!(
            doc.raw.pointer("/components/schemas/A/if/const"),
            Some(&Value::from(1))
        );
    }

    #[test]
    fn syntax_errors_name_line_and_column() {
        let err = load_str("{\"openapi\": }", Format::Json, "bad.json").unwrap_err();
        assert!(err.to_string().contains("line 1, column 13"), "{err}");
    }

    #[test]
    fn swagger_2_is_refused_with_a_hint() {
        let err = load_str(r#"{"swagger":"2.0"}"#, Format::Json, "s.json").unwrap_err();
        assert!(err.to_string().contains("convert the document"), "{err}");
    }
}
