//! The schema rules that keep every valid instance (`fixtures/lossless.yaml`): each
//! test pushes schema-valid JSON through the generated type and checks that it is accepted,
//! lands in the variant the schema means, and serializes back to the same JSON. Each would
//! fail without its rule (the comment says what happened before).

use oagen_tests::lossless::types as t;
use oagen_tests::round_trip;
use serde_json::json;

fn parse<T: serde::de::DeserializeOwned>(json: serde_json::Value) -> Result<T, String> {
    serde_json::from_value(json).map_err(|e| e.to_string())
}

#[test]
fn properties_beside_one_of_are_in_every_variant() {
    // Before: the tagged enum kept `type` and `config` only; id, name and createdAt were lost.
    let json = json!({"id": "i1", "name": "alerts", "createdAt": "2024-05-01T10:00:00Z",
                      "type": "slack", "config": {"channel": "#ops"}});
    match round_trip::<t::Integration>(&json) {
        t::Integration::Slack(s) => {
            assert_eq!((s.id.as_str(), s.name.as_str()), ("i1", "alerts"));
            assert_eq!(s.config.channel.as_deref(), Some("#ops"));
        }
        other => panic!("wrong variant {other:?}"),
    }
    // The common required properties are required in every variant.
    let err =
        parse::<t::Integration>(json!({"name": "n", "type": "webhook", "config": {}})).unwrap_err();
    assert!(err.contains("missing field `id`"), "{err}");
}

#[test]
fn an_all_of_beside_any_of_is_in_every_variant_too() {
    let json = json!({"name": "pager", "kind": "sms", "number": "+15555550100"});
    match round_trip::<t::Hook>(&json) {
        t::Hook::Sms(s) => assert_eq!(s.name, "pager"),
        other => panic!("wrong variant {other:?}"),
    }
}

#[test]
fn a_required_name_without_a_property_still_has_a_field() {
    // Before: `type` had no field and was dropped.
    let l: t::Labelled = round_trip(&json!({"label": "x", "type": {"any": ["json"]}}));
    assert_eq!(l.r#type, json!({"any": ["json"]}));
    let err = parse::<t::Labelled>(json!({"label": "x"})).unwrap_err();
    assert!(err.contains("missing field `type`"), "{err}");
}

#[test]
fn an_optional_inferred_tag_falls_back_to_the_shape() {
    // Before: `missing field kind`.
    let g: t::Geometry = round_trip(&json!({"width": 2, "height": 3}));
    assert!(matches!(g, t::Geometry::Rect(ref r) if r.kind.is_none() && r.width == 2.0));
    let g: t::Geometry = round_trip(&json!({"radius": 1.5}));
    assert!(matches!(g, t::Geometry::Circle(_)));
    // With the tag, the tag decides, and it is written back.
    let g: t::Geometry = round_trip(&json!({"kind": "rect", "width": 2, "height": 3}));
    assert!(matches!(g, t::Geometry::Rect(ref r) if r.kind.is_some()));
    let err = parse::<t::Geometry>(json!({"kind": "circle", "width": 2})).unwrap_err();
    assert!(err.contains("radius"), "{err}");
    // Without the tag, a shape no variant has is still an error.
    assert!(parse::<t::Geometry>(json!({"side": 2})).is_err());
}

#[test]
fn every_discriminator_value_gets_its_variant() {
    // Before: `updated` (a second value mapped to `Change`) was read as `Unknown`.
    for (event, created) in [("created", true), ("updated", false)] {
        let json = json!({"event": event, "at": "noon", "fields": ["a"]});
        match round_trip::<t::Event>(&json) {
            t::Event::Created(_) => assert!(created),
            t::Event::Updated(_) => assert!(!created),
            other => panic!("{event} read as {other:?}"),
        }
    }
    let e: t::Event = round_trip(&json!({"event": "deleted", "reason": "spam"}));
    assert!(matches!(e, t::Event::Deleted(_)));
}

#[test]
fn an_untagged_union_picks_the_branch_that_keeps_the_most() {
    // Before: `Basic` (first, all optional) swallowed Advanced's payload and dropped it.
    let s: t::Settings = round_trip(&json!({"retries": 3, "backoff": 1.5}));
    assert!(matches!(s, t::Settings::Advanced(ref a) if a.retries == Some(3)));
    let s: t::Settings = round_trip(&json!({"mode": 2, "retries": 3}));
    assert!(matches!(s, t::Settings::Advanced(_)));
    let s: t::Settings = round_trip(&json!({"mode": "fast", "verbose": true}));
    assert!(matches!(s, t::Settings::Basic(_)));
    // Ties (nothing declared is present) go to the first branch.
    let s: t::Settings = round_trip(&json!({}));
    assert!(matches!(s, t::Settings::Basic(_)));
    let err = parse::<t::Settings>(json!("text")).unwrap_err();
    assert!(
        err.contains("did not match any variant of untagged enum Settings"),
        "{err}"
    );
}

#[test]
fn an_open_enum_takes_a_value_only_when_no_other_branch_does() {
    // Before: the open `Channel` came first and read "webhook" as `Unknown`.
    let target: t::Target = round_trip(&json!("webhook"));
    assert!(matches!(target, t::Target::HookKind(t::HookKind::Webhook)));
    let target: t::Target = round_trip(&json!("sms"));
    assert!(matches!(target, t::Target::Channel(t::Channel::Sms)));
    // A value neither enum knows still parses (forward compatibility), into the first.
    let target: t::Target = round_trip(&json!("pager"));
    assert!(matches!(target, t::Target::Channel(t::Channel::Unknown(_))));
    // A list of open enums is a catch-all too: uuids reach the uuid list.
    let id = "3c90c3cc-0d44-4b50-8888-8dd25736052a";
    let r: t::Recipients = round_trip(&json!([id]));
    assert!(matches!(r, t::Recipients::UuidList(_)));
    let r: t::Recipients = round_trip(&json!(["email", "sms"]));
    assert!(matches!(r, t::Recipients::ChannelList(_)));
}

#[test]
fn all_of_merges_same_named_object_properties() {
    // Before: the second branch's `path` replaced the first's; `id` and `created_at` were
    // lost (with a warning), and `stage: string` vs the `Stage` enum warned too.
    let json = json!({"path": {"id": "p1", "created_at": "2024", "version": 3}, "stage": "prod"});
    let d: t::Deployment = round_trip(&json);
    assert_eq!((d.path.id.as_str(), d.path.version), ("p1", Some(3)));
    // The narrowing (`string` → enum) is the intersection: the enum.
    assert!(matches!(d.stage, Some(t::Stage::Prod)));
    // Required in the first branch stays required after the merge.
    let err = parse::<t::Deployment>(json!({"path": {"version": 1}})).unwrap_err();
    assert!(err.contains("missing field `id`"), "{err}");
}

#[test]
fn a_bird_call_flow_command_needs_its_command() {
    // Decision (README type table): `command` is not in `required`, but a call-flow step
    // without a command does nothing, so `{}` is rejected with a clear error instead of
    // typing every command as optional.
    use voice_apis::bird::types::CallFlowCommand;
    let err = parse::<CallFlowCommand>(json!({})).unwrap_err();
    assert!(err.contains("missing field `command`"), "{err}");
    let c: CallFlowCommand = round_trip(&json!({"command": "hangup"}));
    assert!(c.conditions.is_none());
}
