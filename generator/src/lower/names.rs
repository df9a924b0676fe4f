//! Pass 3a: better names for inline types, decided before the Rust names are claimed.
//!
//! Inline schemas are named from where they sit (`{Parent}{Property}`), which is always
//! unique but sometimes reads badly. Two rules pick a better name when it is safe:
//!
//! - **Shared types**: an inline schema copied into several places (one definition, see
//!   `merge_duplicates`) is named from what the places agree on: a common `title`
//!   (Vocode's five "Telephony Provider" enums → `TelephonyProvider`), else a common property
//!   name of two words or more (`speech_locale` → `SpeechLocale`; one word such as `type` is
//!   too generic), instead of after the first place in sorted order. Every place keeps its own name
//!   as an alias, and every use of the schema names the shared type.
//! - **No stutter**: when the property repeats the parent's last words, they are said once
//!   (`VocodeVoice` + `voice_id` → `VocodeVoiceId`, `TransferCallAction` + `action_trigger`
//!   → `TransferCallActionTrigger`); a property that is wholly the parent's last words is
//!   named alone (`CallFlowCommand` + `command` → `Command`), or `{Parent}Kind` (`Value` for
//!   a struct) when alone it would be a reserved name or the parent's own
//!   (`AmdResult` + `result` → `AmdResultKind`, `Verdict` + `verdict` → `VerdictKind`).
//!
//! A better name is taken only when it is unique: no other type wants it (by the old scheme
//! or by these rules) and it needs no change to be a valid type name. Otherwise the type
//! keeps its positional name, so a clash never produces a numbered name and the result does
//! not depend on claiming order.

use super::extensions::Overrides;
use crate::ir::*;
use crate::load::{unescape_pointer, Member};
use crate::naming;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Applies both rules to `api` (whose types still carry their wanted names in
/// `name.rust`). `groups` are the sets of inline copies merged into one definition (the
/// first holds it, the others are aliases of it). Types named by an extension keep that name.
pub(super) fn prefer_names(
    api: &mut Api,
    raw: &Value,
    groups: &[Vec<TypeId>],
    overrides: &Overrides,
) {
    // Candidates: (the type, or the group it represents) → the better name.
    let mut shared: Vec<(usize, String)> = Vec::new();
    for (g, members) in groups.iter().enumerate() {
        if members.iter().any(|id| overrides.types.contains_key(&id.0)) {
            continue;
        }
        if let Some(name) = agreed_name(api, raw, members) {
            shared.push((g, name));
        }
    }
    let sharing: BTreeSet<usize> = shared
        .iter()
        .flat_map(|(g, _)| groups[*g].iter().map(|id| id.0))
        .collect();
    let mut stutter: Vec<(usize, String)> = Vec::new();
    for (i, def) in api.types.iter().enumerate() {
        if overrides.types.contains_key(&i) || is_component(def) || sharing.contains(&i) {
            continue;
        }
        if let Some(name) = without_stutter(def) {
            stutter.push((i, name));
        }
    }

    // Every name some type wants: positional names, extension names and candidates.
    let mut wanted: BTreeMap<String, usize> = BTreeMap::new();
    for (i, def) in api.types.iter().enumerate() {
        let name = overrides.types.get(&i).map_or(def.name.rust.clone(), |r| {
            naming::type_name(&r.name, "Type")
        });
        *wanted.entry(name).or_default() += 1;
    }
    for (_, name) in shared.iter().chain(&stutter) {
        *wanted.entry(name.clone()).or_default() += 1;
    }
    let unique = |name: &str| wanted.get(name) == Some(&1) && naming::type_name(name, "") == name;

    // Every use of a shared group's members is pointed at its new type in one walk of
    // the API at the end (a walk per group was quadratic: Microsoft Graph has thousands).
    let mut moved: HashMap<TypeId, TypeId> = HashMap::new();
    for (g, name) in shared {
        if unique(&name) {
            share(api, &groups[g], name, &mut moved);
        }
    }
    if !moved.is_empty() {
        retarget(api, &moved);
    }
    for (i, name) in stutter {
        if unique(&name) {
            api.types[i].name.rust = name;
        }
    }
}

fn is_component(def: &TypeDef) -> bool {
    def.origin.pointer.starts_with("/components/schemas/")
        && def.origin.pointer.matches('/').count() == 3
}

/// The property an inline type is the schema of (the last token after `/properties/`).
fn property_of(pointer: &str) -> Option<String> {
    let (parent, last) = pointer.rsplit_once('/')?;
    parent
        .ends_with("/properties")
        .then(|| unescape_pointer(last))
}

/// The name the places of a shared schema agree on: every copy's `title`, else every
/// copy's property name when it has two words or more (UpperCamelCase); `None` when they
/// disagree.
fn agreed_name(api: &Api, raw: &Value, members: &[TypeId]) -> Option<String> {
    // Each copy's name, read lazily: the first copy without one (most inline schemas have
    // no `title`) or that disagrees ends the search, so the rest are never looked up.
    let common = |mut names: Box<dyn Iterator<Item = Option<String>> + '_>| -> Option<String> {
        let name = naming::camel_part(&names.next()??, "");
        (!name.is_empty() && names.all(|n| n.is_some_and(|n| naming::camel_part(&n, "") == name)))
            .then_some(name)
    };
    let titles = members.iter().map(|id| {
        crate::load::lookup(raw, &api.types[id.0].origin.pointer)
            .and_then(|s| s.member("title"))
            .and_then(Value::as_str)
            .map(str::to_string)
    });
    // A one-word property (`type`, `request`, `context`) is too generic to name a type of
    // the whole module; a title is written as a name, so one word is enough there.
    common(Box::new(titles)).or_else(|| {
        common(Box::new(
            members
                .iter()
                .map(|id| property_of(&api.types[id.0].origin.pointer)),
        ))
        .filter(|name| naming::words(name).len() > 1)
    })
}

/// `{Parent}{Property}` with the words the two repeat said once, when the type's name is
/// made that way and repeats something.
fn without_stutter(def: &TypeDef) -> Option<String> {
    let property = naming::camel_part(&property_of(&def.origin.pointer)?, "");
    let parent = def.name.rust.strip_suffix(&property)?;
    let (parent_words, property_words) = (naming::words(parent), naming::words(&property));
    if parent_words.is_empty() || property_words.is_empty() {
        return None;
    }
    let repeated = (1..=property_words.len().min(parent_words.len()))
        .rev()
        .find(|&k| parent_words.ends_with(&property_words[..k]))?;
    let rest = &property_words[repeated..];
    Some(if rest.is_empty() {
        if naming::type_name(&property, "") == property && property != parent {
            property
        } else if matches!(def.kind, TypeKind::Struct(_)) {
            format!("{parent}Value")
        } else {
            format!("{parent}Kind")
        }
    } else {
        format!("{parent}{}", naming::camel_part(&rest.join("_"), ""))
    })
}

/// Makes `name` the one definition of a group of copies: a new type holds the shape, every
/// copy (the former holder too) becomes an alias of it under its own positional name, and
/// every use of a copy names the new type.
fn share(api: &mut Api, members: &[TypeId], name: String, moved: &mut HashMap<TypeId, TypeId>) {
    let Some(&holder) = members.first() else {
        return;
    };
    let id = TypeId(api.types.len());
    let def = &mut api.types[holder.0];
    let kind = std::mem::replace(&mut def.kind, TypeKind::Alias(TypeRef::Named(id)));
    let mut docs = def.docs.clone();
    docs.notes
        .retain(|n| !n.starts_with("The same schema appears elsewhere"));
    docs.notes.push(format!(
        "One schema written in {} places, which agree on this name.",
        members.len()
    ));
    let origin = def.origin.clone();
    // The holder is reached wherever a copy is (the copies alias it).
    let serde = def.serde;
    api.types.push(TypeDef {
        name: Name {
            wire: name.clone(),
            rust: name.clone(),
        },
        origin,
        docs,
        kind,
        serde,
    });
    for m in members {
        moved.insert(*m, id);
        let def = &mut api.types[m.0];
        def.kind = TypeKind::Alias(TypeRef::Named(id));
        def.docs
            .notes
            .retain(|n| !n.starts_with("The same schema appears elsewhere"));
        def.docs.notes.push(format!(
            "The same schema appears elsewhere in the spec; every place uses [`{name}`]."
        ));
    }
}

/// Points every use of a type in `moved` at the type it moved to.
fn retarget(api: &mut Api, moved: &HashMap<TypeId, TypeId>) {
    fn visit(ty: &mut TypeRef, moved: &HashMap<TypeId, TypeId>) {
        match ty {
            TypeRef::Named(id) | TypeRef::Boxed(id) => {
                if let Some(to) = moved.get(id) {
                    *id = *to;
                }
            }
            TypeRef::Array(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => {
                visit(inner, moved)
            }
            _ => {}
        }
    }
    let mut f = |ty: &mut TypeRef| visit(ty, moved);
    for def in &mut api.types {
        def.kind.children_mut().into_iter().for_each(&mut f);
    }
    let body = |kind: &mut BodyKind, f: &mut dyn FnMut(&mut TypeRef)| match kind {
        BodyKind::Json(t) | BodyKind::Form(t) => f(t),
        _ => {}
    };
    for op in &mut api.operations {
        op.params.iter_mut().for_each(|p| f(&mut p.ty));
        if let Some(b) = &mut op.body {
            body(&mut b.kind, &mut f);
        }
        for r in &mut op.responses {
            body(&mut r.kind, &mut f);
            r.events.iter_mut().for_each(&mut f);
        }
    }
    for w in &mut api.webhooks {
        f(&mut w.payload);
    }
}

#[cfg(test)]
mod tests {
    use crate::ir::*;

    const HEAD: &str =
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n";

    fn api(schemas: &str) -> Api {
        super::super::lower_yaml_for_test(&format!("{HEAD}{schemas}"))
    }

    fn named<'a>(api: &'a Api, name: &str) -> &'a TypeDef {
        api.types
            .iter()
            .find(|t| t.name.rust == name)
            .unwrap_or_else(|| {
                let names: Vec<_> = api.types.iter().map(|t| &t.name.rust).collect();
                panic!("no type {name} in {names:?}")
            })
    }

    fn field_type<'a>(api: &'a Api, parent: &str, field: &str) -> &'a str {
        let TypeKind::Struct(s) = &named(api, parent).kind else {
            panic!("{parent} is a struct")
        };
        let f = s.fields.iter().find(|f| f.name.wire == field).unwrap();
        let mut ids = Vec::new();
        f.ty.named_ids(&mut ids);
        &api.types[ids[0].0].name.rust
    }

    const PROVIDER: &str = "{title: Telephony Provider, type: string, enum: [twilio, vonage]}";

    #[test]
    fn a_shared_inline_schema_is_named_by_its_common_title() {
        let api = api(&format!(
            "    Buy: {{type: object, properties: {{provider: {PROVIDER}}}}}\n    \
             Call: {{type: object, properties: {{telephony_provider: {PROVIDER}}}}}\n"
        ));
        assert!(matches!(
            named(&api, "TelephonyProvider").kind,
            TypeKind::Enum(_)
        ));
        // Every use names the shared type; each place keeps its own name as an alias.
        assert_eq!(field_type(&api, "Buy", "provider"), "TelephonyProvider");
        assert_eq!(
            field_type(&api, "Call", "telephony_provider"),
            "TelephonyProvider"
        );
        for alias in ["BuyProvider", "CallTelephonyProvider"] {
            assert!(matches!(
                named(&api, alias).kind,
                TypeKind::Alias(TypeRef::Named(_))
            ));
        }
    }

    #[test]
    fn without_a_common_title_the_common_property_name_is_used() {
        let e = "{type: string, enum: [a, b]}";
        let f = "{type: string, enum: [c, d]}";
        let api = api(&format!(
            "    X: {{type: object, properties: {{speech_mode: {e}, kind: {f}}}}}\n    \
             Y: {{type: object, properties: {{speech_mode: {e}, kind: {f}}}}}\n"
        ));
        assert_eq!(field_type(&api, "X", "speech_mode"), "SpeechMode");
        assert_eq!(field_type(&api, "Y", "speech_mode"), "SpeechMode");
        // One word is too generic: the first place's name.
        assert_eq!(field_type(&api, "Y", "kind"), "YKind");
    }

    #[test]
    fn a_clash_keeps_the_positional_names() {
        // A component already named `Mode`, and places that disagree: the old scheme.
        let e = "{type: string, enum: [a, b]}";
        let api = api(&format!(
            "    SpeechMode: {{type: string}}\n    X: {{type: object, properties: {{speech_mode: {e}}}}}\n    \
             Y: {{type: object, properties: {{speech_mode: {e}}}}}\n    \
             Z: {{type: object, properties: {{kind: {f}, other: {f}}}}}\n",
            f = "{type: string, enum: [c, d]}"
        ));
        assert_eq!(field_type(&api, "X", "speech_mode"), "XSpeechMode");
        assert_eq!(field_type(&api, "Y", "speech_mode"), "YSpeechMode");
        assert_eq!(field_type(&api, "Z", "kind"), "ZKind");
        assert!(!api.types.iter().any(|t| t.name.rust.ends_with('2')));
    }

    #[test]
    fn repeated_words_are_said_once() {
        let api = api(concat!(
            "    VocodeVoice: {type: object, properties: {voice_id: {type: string, enum: [a, b]}}}\n",
            "    CallFlowCommand: {type: object, properties: {command: {type: string, enum: [say, hangup]}}}\n",
            "    AmdResult: {type: object, properties: {result: {type: string, enum: [human, machine]}}}\n",
        ));
        assert_eq!(field_type(&api, "VocodeVoice", "voice_id"), "VocodeVoiceId");
        assert_eq!(field_type(&api, "CallFlowCommand", "command"), "Command");
        assert_eq!(field_type(&api, "AmdResult", "result"), "AmdResultKind");
    }

    #[test]
    fn a_stutter_free_name_another_type_wants_is_not_taken() {
        let api = api(concat!(
            "    VocodeVoice: {type: object, properties: {voice_id: {type: string, enum: [a, b]}}}\n",
            "    VocodeVoiceId: {type: string}\n",
        ));
        assert_eq!(
            field_type(&api, "VocodeVoice", "voice_id"),
            "VocodeVoiceVoiceId"
        );
    }
}
