//! What goes beyond one request and one response: server-sent event streams
//! (`text/event-stream` success responses), idempotency-key headers, and the requests an
//! API sends to its users (`webhooks`, `callbacks`).

use super::Lowering;
use crate::diag::Origin;
use crate::ir::{Api, BodyKind, Docs, Events, Name, Operation, TypeKind, TypeRef, Webhook};
use crate::load::escape_pointer;
use crate::naming::{self, Namespace};
use serde_json::Value;

/// The `text/event-stream` media type (parameters ignored, any case).
pub(super) fn is_event_stream(media_type: &str) -> bool {
    media_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .eq_ignore_ascii_case("text/event-stream")
}

/// The properties that name an event in a webhook payload, in order of preference.
const TAG_PROPERTIES: &[&str] = &["type", "event", "event_type", "eventType"];

impl<'a> Lowering<'a> {
    /// The item type of the `text/event-stream` media type in `content` (at `pointer`, a
    /// response), if there is one: OpenAPI 3.2's `itemSchema`, else its `schema`; a media
    /// type with neither has untyped JSON items. A type made for it is named `{hint}Event`.
    pub(super) fn lower_events(
        &mut self,
        content: &indexmap::IndexMap<String, openapiv3::MediaType>,
        pointer: &str,
        hint: &str,
    ) -> Option<TypeRef> {
        let media_type = content.keys().find(|mt| is_event_stream(mt))?;
        let base = format!("{pointer}/content/{}", escape_pointer(media_type));
        let raw = self.raw;
        for key in ["itemSchema", "schema"] {
            let at = format!("{base}/{key}");
            if let Some(schema) = crate::load::lookup(raw, &at) {
                return Some(self.lower_use(schema, &at, &[hint, "Event"].concat()).ty);
            }
        }
        Some(TypeRef::Any)
    }

    /// The top-level `webhooks` (OpenAPI 3.1), then every operation's `callbacks`: one
    /// [`Webhook`] per entry whose request has a JSON body.
    pub(super) fn lower_webhooks(&mut self) -> Vec<Webhook> {
        let raw = self.raw;
        let mut found: Vec<(String, String)> = Vec::new();
        if let Some(hooks) = raw.get("webhooks").and_then(Value::as_object) {
            for key in hooks.keys() {
                found.push((key.clone(), format!("/webhooks/{}", escape_pointer(key))));
            }
        }
        for (path, item) in raw
            .get("paths")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            for (method, op) in item.as_object().into_iter().flatten() {
                let callbacks = op.get("callbacks").and_then(Value::as_object);
                for (name, callback) in callbacks.into_iter().flatten() {
                    let at = format!(
                        "/paths/{}/{method}/callbacks/{}",
                        escape_pointer(path),
                        escape_pointer(name)
                    );
                    let (callback, at) = self.follow(callback, at);
                    for expression in callback.as_object().into_iter().flatten().map(|e| e.0) {
                        found.push((name.clone(), format!("{at}/{}", escape_pointer(expression))));
                    }
                }
            }
        }
        let mut names = Namespace::default();
        let mut hooks = Vec::new();
        for (key, pointer) in found {
            if let Some(hook) = self.lower_webhook(&key, &pointer, &mut names) {
                hooks.push(hook);
            }
        }
        hooks
    }

    /// One webhook: the first operation of the path item at `pointer` with a JSON body.
    fn lower_webhook(
        &mut self,
        key: &str,
        pointer: &str,
        names: &mut Namespace,
    ) -> Option<Webhook> {
        let raw = self.raw;
        let (item, item_at) = self.follow(crate::load::lookup(raw, pointer)?, pointer.to_string());
        let (op, body, body_at) = item.as_object()?.iter().find_map(|(method, op)| {
            crate::ir::Method::parse(method)?;
            let at = format!("{item_at}/{method}/requestBody");
            let (body, at) = self.follow(op.get("requestBody")?, at);
            Some((op, body, at))
        })?;
        let content = body.get("content").and_then(Value::as_object)?;
        let media_type = content.keys().find(|mt| super::is_json(mt))?;
        let schema_at = format!("{body_at}/content/{}/schema", escape_pointer(media_type));
        let schema = crate::load::lookup(raw, &schema_at)?;
        let hint = format!("{}Webhook", naming::camel_part(key, "Event"));
        let payload = self.lower_use(schema, &schema_at, &hint).ty;
        let text = |k: &str| op.get(k).and_then(Value::as_str).map(str::to_string);
        Some(Webhook {
            name: Name {
                wire: key.to_string(),
                rust: names.claim(&event_variant(key)).0,
            },
            payload,
            tag: self.event_tag(schema),
            docs: Docs {
                title: text("summary"),
                description: text("description"),
                notes: Vec::new(),
            },
            origin: Origin::new(self.file, item_at),
        })
    }

    /// Follows `$ref`s from `node` (at `pointer`) to the object they reach; a dangling one
    /// leaves `node` as it is (its uses report it).
    fn follow(&self, node: &'a Value, pointer: String) -> (&'a Value, String) {
        crate::load::follow_refs(self.raw, node, &pointer).unwrap_or((node, pointer))
    }

    /// The property and constant that identify an event payload: the first of
    /// [`TAG_PROPERTIES`] that allows exactly one string (`const`, or a one-value `enum`),
    /// looking through `$ref`s and `allOf`.
    fn event_tag(&self, schema: &'a Value) -> Option<(String, String)> {
        let (schema, _) = self.follow(schema, String::new());
        let mut parts = vec![schema];
        if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
            parts.extend(all.iter().map(|s| self.follow(s, String::new()).0));
        }
        TAG_PROPERTIES.iter().find_map(|name| {
            parts.iter().find_map(|part| {
                let property = part.get("properties")?.get(*name)?;
                let (property, _) = self.follow(property, String::new());
                let value = match (property.get("const"), property.get("enum")) {
                    (Some(Value::String(c)), _) => c.clone(),
                    (_, Some(Value::Array(values))) if values.len() == 1 => {
                        values[0].as_str()?.to_string()
                    }
                    _ => return None,
                };
                Some((name.to_string(), value))
            })
        })
    }
}

/// The variant of a webhook in the `Event` enum: its name without a trailing `Webhook`,
/// `Callback` or `Event` word (`transcriptReadyWebhook` → `TranscriptReady`).
fn event_variant(key: &str) -> String {
    let name = naming::type_name(key, "Event");
    ["Webhook", "Callback", "Event"]
        .iter()
        .find_map(|suffix| name.strip_suffix(suffix).filter(|rest| !rest.is_empty()))
        .map(str::to_string)
        .unwrap_or(name)
}

/// After names are assigned: each operation's event stream (the streaming method's name,
/// unique among the client's methods, and the body property that asks for the stream) and
/// its idempotency-key header.
pub(super) fn resolve_operations(api: &mut Api) {
    let mut methods = Namespace::with_taken(api.operations.iter().map(|o| o.name.rust.clone()));
    for i in 0..api.operations.len() {
        let op = &api.operations[i];
        let events = op.successes().iter().find_map(|r| r.events.clone());
        let events = events.map(|item| {
            let other_form = op.successes().iter().any(|r| r.kind != BodyKind::Empty);
            Events {
                item,
                method: other_form.then(|| methods.claim(&format!("{}_stream", op.name.rust)).0),
                flag: stream_flag(api, op),
            }
        });
        let key = op
            .params
            .iter()
            .find(|p| {
                p.location == crate::ir::ParamLocation::Header
                    && p.name.wire.eq_ignore_ascii_case("idempotency-key")
            })
            .map(|p| p.name.wire.clone());
        let op = &mut api.operations[i];
        op.events = events;
        op.idempotency_key = key;
    }
}

/// The boolean `stream` property of the operation's JSON body, if it has one.
fn stream_flag(api: &Api, op: &Operation) -> Option<String> {
    let Some(BodyKind::Json(TypeRef::Named(id))) = op.body.as_ref().map(|b| &b.kind) else {
        return None;
    };
    let TypeKind::Struct(s) = api.resolve_kind(api.types.get(id.0)?) else {
        return None;
    };
    s.fields
        .iter()
        .find(|f| f.name.wire == "stream" && f.ty == TypeRef::Boolean)
        .map(|f| f.name.wire.clone())
}
