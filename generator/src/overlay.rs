//! Overlays: fixes to a vendor's spec kept beside it, applied between loading the text and
//! lowering it, so the vendor file itself is never edited.
//!
//! An overlay is a document of the [OpenAPI Overlay Specification 1.0.0]: `overlay`
//! (the version, `1.0.x`), `info` (`title`, `version`) and an ordered list of `actions`. Each
//! action selects nodes of the spec with `target`, an [RFC 9535] JSONPath query, and either
//!
//! - `update`: merged into each selected object (properties of the update replace the node's,
//!   objects merge recursively) or appended to each selected array; or
//! - `remove: true`: removes each selected node from the object or array that holds it.
//!
//! Actions apply in order, each to the result of the ones before it, and every overlay of a
//! spec applies in the order configured. An action whose target selects nothing is a warning
//! naming the overlay file and the action (`#/actions/2`): when the vendor fixes its spec
//! upstream, the warning says which action to delete. A diagnostic about a node an overlay
//! changed says so, naming the overlay and action, so no error points at a line of the spec
//! that never said what oagen read.
//!
//! [OpenAPI Overlay Specification 1.0.0]: https://spec.openapis.org/overlay/v1.0.0.html
//! [RFC 9535]: https://www.rfc-editor.org/rfc/rfc9535

use crate::diag::{Diagnostic, Error, Origin};
use serde_json::{Map, Value};
use serde_json_path::JsonPath;
use std::path::Path;

/// A parsed overlay document.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Overlay {
    /// The overlay file, as named in diagnostics.
    pub file: String,
    /// `info.title`.
    pub title: String,
    actions: Vec<Action>,
}

/// One entry of `actions`.
#[derive(Debug, Clone)]
struct Action {
    /// `target` as written.
    target: String,
    /// `target` parsed.
    path: JsonPath,
    /// `description`.
    description: Option<String>,
    /// `update`.
    update: Option<Value>,
    /// `remove`.
    remove: bool,
}

/// A node an overlay action changed: a property an `update` set, an array it appended to,
/// or a node it removed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Change {
    /// JSON pointer of the node in the spec.
    pub pointer: String,
    /// The overlay file.
    pub overlay: String,
    /// The index of the action in `actions`.
    pub action: usize,
    /// The action's `description`.
    pub description: Option<String>,
}

impl Change {
    /// Where the action is written: the overlay file at `/actions/<index>`.
    pub fn origin(&self) -> Origin {
        Origin::new(self.overlay.clone(), format!("/actions/{}", self.action))
    }
}

impl Overlay {
    /// Reads the overlay at `path` (`.json`, `.yaml` or `.yml`); `display` names it in
    /// diagnostics.
    ///
    /// # Errors
    /// [`Error::Io`] when it cannot be read; [`Error::Spec`] naming the overlay file and the
    /// JSON pointer of the offending node when it does not parse or is not an Overlay 1.0
    /// document (no `overlay: 1.0.x`, no `actions`, an action without a valid `target`).
    pub fn load(path: &Path, display: &str) -> Result<Overlay, Error> {
        Overlay::from_value(&crate::load::parse_file(path, display)?, display)
    }

    /// Parses an overlay document already read as JSON; `file` names it in diagnostics.
    ///
    /// # Errors
    /// As [`Overlay::load`], every problem at once.
    pub fn from_value(raw: &Value, file: &str) -> Result<Overlay, Error> {
        let mut errors = Vec::new();
        let at =
            |pointer: &str, message: String| Diagnostic::error(Origin::new(file, pointer), message);
        match raw.get("overlay").and_then(Value::as_str) {
            Some(v) if v.starts_with("1.0.") => {}
            Some(v) => errors.push(at(
                "/overlay",
                format!("unsupported Overlay version `{v}`; oagen reads 1.0.x"),
            )),
            None => errors.push(
                at(
                    "",
                    "not an Overlay document: no `overlay` version field".into(),
                )
                .with_hint("start the file with `overlay: 1.0.0`"),
            ),
        }
        let title = raw
            .pointer("/info/title")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let mut actions = Vec::new();
        match raw.get("actions").and_then(Value::as_array) {
            Some(list) => {
                for (i, action) in list.iter().enumerate() {
                    match parse_action(action) {
                        Ok(a) => actions.push(a),
                        Err((pointer, message)) => {
                            errors.push(at(&format!("/actions/{i}{pointer}"), message))
                        }
                    }
                }
            }
            None => errors.push(at(
                "/actions",
                "an overlay needs a list of `actions`".into(),
            )),
        }
        if errors.is_empty() {
            Ok(Overlay {
                file: file.to_string(),
                title,
                actions,
            })
        } else {
            Err(Error::Spec(errors))
        }
    }

    /// Applies every action, in order, to `doc` (the spec as JSON).
    ///
    /// Returns the nodes changed and the warnings: an action whose target selects nothing,
    /// an `update` of a node that is neither an object nor an array, an action with neither
    /// `update` nor `remove`, and a `remove` of the document root (the root stays).
    pub fn apply(&self, doc: &mut Value) -> (Vec<Change>, Vec<Diagnostic>) {
        let mut changes = Vec::new();
        let mut warnings = Vec::new();
        for (index, action) in self.actions.iter().enumerate() {
            let origin = Origin::new(self.file.clone(), format!("/actions/{index}"));
            let mut pointers: Vec<String> = action
                .path
                .query_located(doc)
                .locations()
                .map(|p| p.to_json_pointer())
                .collect();
            if pointers.is_empty() {
                warnings.push(
                    Diagnostic::warning(
                        origin,
                        format!("the target `{}` selects nothing in the spec", action.target),
                    )
                    .with_hint(
                        "the spec may have been fixed upstream: check, then delete this action",
                    ),
                );
                continue;
            }
            let change = |pointer: &str| Change {
                pointer: pointer.to_string(),
                overlay: self.file.clone(),
                action: index,
                description: action.description.clone(),
            };
            if action.remove {
                // Deepest and last first, so removing one node never moves another.
                pointers.sort_by_key(|p| std::cmp::Reverse(pointer_key(p)));
                for pointer in &pointers {
                    if pointer.is_empty() {
                        warnings.push(Diagnostic::warning(
                            origin.clone(),
                            "`remove` cannot remove the whole document; the action is ignored",
                        ));
                    } else if remove(doc, pointer) {
                        changes.push(change(pointer));
                    }
                }
            } else if let Some(update) = &action.update {
                for pointer in &pointers {
                    match doc.pointer_mut(pointer) {
                        Some(Value::Object(node)) => match update {
                            Value::Object(fields) => {
                                merge(node, fields);
                                // Each property the update sets: a diagnostic about a
                                // sibling the overlay left alone names no overlay.
                                for key in fields.keys() {
                                    let escaped = crate::load::escape_pointer(key);
                                    changes.push(change(&format!("{pointer}/{escaped}")));
                                }
                            }
                            _ => warnings.push(Diagnostic::warning(
                                origin.clone(),
                                format!(
                                    "the target selects an object (`{pointer}`), so `update` must be an object of properties to merge"
                                ),
                            )),
                        },
                        Some(Value::Array(items)) => {
                            items.push(update.clone());
                            changes.push(change(pointer));
                        }
                        Some(_) => warnings.push(
                            Diagnostic::warning(
                                origin.clone(),
                                format!(
                                    "the target selects `{pointer}`, which is neither an object nor an array; `update` is ignored"
                                ),
                            )
                            .with_hint("target the object that holds it and update the property"),
                        ),
                        None => {}
                    }
                }
            } else {
                warnings.push(Diagnostic::warning(
                    origin,
                    "the action has neither `update` nor `remove: true`, so it changes nothing",
                ));
            }
        }
        (changes, warnings)
    }
}

/// Adds to each diagnostic about a node an overlay changed (the node itself or anything
/// inside it) which overlay action changed it, so the user looks at the overlay too.
pub fn annotate(diagnostics: &mut [Diagnostic], spec_file: &str, changes: &[Change]) {
    for d in diagnostics
        .iter_mut()
        .filter(|d| d.origin.file == spec_file)
    {
        let touched: Vec<String> = changes
            .iter()
            .filter(|c| contains(&c.pointer, &d.origin.pointer))
            .map(|c| format!("{}#/actions/{}", c.overlay, c.action))
            .collect();
        if touched.is_empty() {
            continue;
        }
        let note = format!(
            "this node was changed by the overlay action {}",
            touched.join(", ")
        );
        d.hint = Some(match d.hint.take() {
            Some(hint) => format!("{hint}; {note}"),
            None => note,
        });
    }
}

/// True when `pointer` is `outer` or lies inside it.
fn contains(outer: &str, pointer: &str) -> bool {
    pointer
        .strip_prefix(outer)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// Reads one action; on error, the pointer inside the action and the message.
fn parse_action(action: &Value) -> Result<Action, (String, String)> {
    let Some(object) = action.as_object() else {
        return Err((String::new(), "an action must be an object".into()));
    };
    let Some(target) = object.get("target").and_then(Value::as_str) else {
        return Err((
            String::new(),
            "an action needs a `target` (a JSONPath query)".into(),
        ));
    };
    let path = JsonPath::parse(target).map_err(|e| {
        (
            "/target".to_string(),
            format!("`{target}` is not an RFC 9535 JSONPath query: {e}"),
        )
    })?;
    let remove = match object.get("remove") {
        None => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err(("/remove".into(), "`remove` must be true or false".into())),
    };
    Ok(Action {
        target: target.to_string(),
        path,
        description: object
            .get("description")
            .and_then(Value::as_str)
            .map(str::to_string),
        update: object.get("update").cloned(),
        remove,
    })
}

/// Merges `update` into `node`: objects merge property by property, recursively; any other
/// value (arrays included) replaces the node's.
fn merge(node: &mut Map<String, Value>, update: &Map<String, Value>) {
    for (key, value) in update {
        match (node.get_mut(key), value) {
            (Some(Value::Object(inner)), Value::Object(fields)) => merge(inner, fields),
            _ => {
                node.insert(key.clone(), value.clone());
            }
        }
    }
}

/// Removes the node at `pointer` from its parent; false when it is not there.
fn remove(doc: &mut Value, pointer: &str) -> bool {
    let Some((parent, last)) = pointer.rsplit_once('/') else {
        return false;
    };
    let key = crate::load::unescape_pointer(last);
    match doc.pointer_mut(parent) {
        Some(Value::Object(map)) => map.shift_remove(&key).is_some(),
        Some(Value::Array(items)) => match key.parse::<usize>() {
            Ok(i) if i < items.len() => {
                items.remove(i);
                true
            }
            _ => false,
        },
        _ => false,
    }
}

/// A sort key for a pointer that orders array indexes numerically.
fn pointer_key(pointer: &str) -> Vec<(u64, String)> {
    pointer
        .split('/')
        .map(|token| match token.parse::<u64>() {
            Ok(n) => (n, String::new()),
            Err(_) => (u64::MAX, token.to_string()),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn overlay(actions: Value) -> Overlay {
        let doc =
            json!({"overlay": "1.0.0", "info": {"title": "t", "version": "1"}, "actions": actions});
        Overlay::from_value(&doc, "fix.yaml").expect("valid overlay")
    }

    fn spec() -> Value {
        json!({
            "openapi": "3.1.0",
            "paths": {
                "/a": {"get": {"operationId": "a", "tags": ["x"]}},
                "/b": {"get": {"operationId": "b", "tags": ["x", "y"]}}
            },
            "components": {"schemas": {"S": {"type": "object", "properties": {"p": {"type": "string"}}}}}
        })
    }

    #[test]
    fn update_merges_objects_recursively_and_appends_to_arrays() {
        let mut doc = spec();
        let o = overlay(json!([
            {"target": "$.components.schemas.S", "update": {"properties": {"q": {"type": "integer"}}, "required": ["p"]}},
            {"target": "$.paths['/a'].get.tags", "update": "z"}
        ]));
        let (changes, warnings) = o.apply(&mut doc);
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(
            doc["components"]["schemas"]["S"],
            json!({"type": "object", "properties": {"p": {"type": "string"}, "q": {"type": "integer"}}, "required": ["p"]})
        );
        assert_eq!(doc["paths"]["/a"]["get"]["tags"], json!(["x", "z"]));
        let pointers: Vec<&str> = changes.iter().map(|c| c.pointer.as_str()).collect();
        assert_eq!(
            pointers,
            [
                "/components/schemas/S/properties",
                "/components/schemas/S/required",
                "/paths/~1a/get/tags"
            ]
        );
    }

    #[test]
    fn actions_apply_in_order_and_remove_takes_every_match() {
        let mut doc = spec();
        let o = overlay(json!([
            {"target": "$.paths.*.get.tags[?@ == 'x']", "remove": true},
            {"target": "$.paths['/b']", "remove": true}
        ]));
        let (changes, warnings) = o.apply(&mut doc);
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(
            doc["paths"],
            json!({"/a": {"get": {"operationId": "a", "tags": []}}})
        );
        assert_eq!(changes.len(), 3);
        assert_eq!(changes[2].action, 1);
    }

    #[test]
    fn a_target_that_selects_nothing_is_a_warning_naming_the_action() {
        let mut doc = spec();
        let o = overlay(json!([
            {"target": "$.paths['/a']", "update": {"summary": "A"}},
            {"target": "$.paths['/gone']", "update": {"summary": "B"}}
        ]));
        let (_, warnings) = o.apply(&mut doc);
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].origin, Origin::new("fix.yaml", "/actions/1"));
        assert!(warnings[0].message.contains("$.paths['/gone']"));
    }

    #[test]
    fn invalid_overlays_name_the_file_and_pointer() {
        let doc = json!({"overlay": "2.0.0", "actions": [{"target": "$..[", "update": {}}, {"update": {}}]});
        let Err(Error::Spec(diags)) = Overlay::from_value(&doc, "bad.yaml") else {
            panic!("expected errors");
        };
        let places: Vec<String> = diags.iter().map(|d| d.origin.to_string()).collect();
        assert_eq!(
            places,
            [
                "bad.yaml#/overlay",
                "bad.yaml#/actions/0/target",
                "bad.yaml#/actions/1"
            ]
        );
    }

    #[test]
    fn diagnostics_inside_a_changed_node_name_the_overlay_action() {
        let changes = vec![Change {
            pointer: "/components/schemas/S".into(),
            overlay: "fix.yaml".into(),
            action: 3,
            description: None,
        }];
        let mut diags = vec![
            Diagnostic::warning(
                Origin::new("spec.json", "/components/schemas/S/properties/p"),
                "m",
            ),
            Diagnostic::warning(Origin::new("spec.json", "/components/schemas/S2"), "m"),
        ];
        annotate(&mut diags, "spec.json", &changes);
        assert_eq!(
            diags[0].hint.as_deref(),
            Some("this node was changed by the overlay action fix.yaml#/actions/3")
        );
        assert_eq!(diags[1].hint, None);
    }
}
