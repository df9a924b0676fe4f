//! One behaviour test per schema rule: the generated types accept what the spec allows,
//! reject what it forbids, and round-trip JSON unchanged. Each would fail without its rule.

use oagen_tests::{excerpt, round_trip, rules};
use serde_json::json;
use voice_apis::{bird, fluents, vocode};

fn parse<T: serde::de::DeserializeOwned>(json: serde_json::Value) -> Result<T, String> {
    serde_json::from_value(json).map_err(|e| e.to_string())
}

// --- Tagged unions ---------------------------------------------------------------------

#[test]
fn discriminator_with_mapping_picks_the_dtmf_variant() {
    let id = "3c90c3cc-0d44-4b50-8888-8dd25736052a";
    let json = json!({"id": id, "user_id": id, "type": "action_dtmf", "config": {}});
    let action: vocode::types::ActionResponseModel = round_trip(&json);
    assert!(
        matches!(action, vocode::types::ActionResponseModel::Dtmf(_)),
        "DTMF JSON must come back as the DTMF variant, not {action:?}"
    );
}

#[test]
fn a_tag_naming_a_variant_the_payload_does_not_fit_is_rejected() {
    let id = "3c90c3cc-0d44-4b50-8888-8dd25736052a";
    // A transfer without its required config: an untagged union would fall through to
    // another variant; the tagged union must refuse.
    let json = json!({"id": id, "user_id": id, "type": "action_transfer_call"});
    let err = parse::<vocode::types::ActionResponseModel>(json).unwrap_err();
    assert!(err.contains("missing field `config`"), "{err}");
    // An unknown tag is an error for a union only sent in requests.
    let err = parse::<vocode::types::ActionUpdateParamsRequest>(json!({"type": "action_nope"}))
        .unwrap_err();
    assert!(err.contains("unknown variant `action_nope`"), "{err}");
}

#[test]
fn transfer_keeps_its_phone_number() {
    let id = "3c90c3cc-0d44-4b50-8888-8dd25736052a";
    let json = json!({"id": id, "user_id": id, "type": "action_transfer_call",
                      "config": {"phone_number": "+15555550100"}});
    match round_trip::<vocode::types::ActionResponseModel>(&json) {
        vocode::types::ActionResponseModel::TransferCall(t) => {
            assert_eq!(t.config.phone_number, "+15555550100")
        }
        other => panic!("wrong variant {other:?}"),
    }
}

#[test]
fn discriminator_without_mapping_uses_schema_names() {
    let pet: rules::types::Pet = round_trip(&json!({"kind": "Dog", "good": true}));
    assert!(matches!(pet, rules::types::Pet::Dog(d) if d.good == Some(true)));
    // `Pet` is a response type: an unknown kind is kept, not rejected.
    let cow: rules::types::Pet = round_trip(&json!({"kind": "Cow", "moo": true}));
    assert!(matches!(cow, rules::types::Pet::Unknown(_)));
}

#[test]
fn tag_inferred_from_const_and_single_value_enum() {
    let shape: rules::types::Shape = round_trip(&json!({"type": "square", "side": 2}));
    assert!(matches!(shape, rules::types::Shape::Square(s) if s.side == 2.0));
    let err = parse::<rules::types::Shape>(json!({"type": "circle", "side": 2})).unwrap_err();
    assert!(err.contains("radius"), "{err}");
}

#[test]
fn tag_inferred_from_a_default_reached_through_all_of_ref() {
    // Seed 000: `type: {allOf: [$ref ActionType], default: action_dtmf}`.
    let id = "3c90c3cc-0d44-4b50-8888-8dd25736052a";
    let json = json!({"id": id, "user_id": id, "type": "action_dtmf"});
    let response: excerpt::types::UpdateActionResponse = round_trip(&json);
    assert!(matches!(
        response,
        excerpt::types::UpdateActionResponse::Dtmf(_)
    ));
    let json = json!({"id": id, "user_id": id, "type": "action_transfer_call"});
    let err = parse::<excerpt::types::UpdateActionResponse>(json).unwrap_err();
    assert!(err.contains("missing field `config`"), "{err}");
}

#[test]
fn serializing_a_variant_writes_its_own_tag() {
    // The variant decides the tag, whatever the inner (defaulted) field says.
    let id = uuid::Uuid::nil();
    let dtmf = excerpt::types::UpdateActionResponse::Dtmf(excerpt::types::DtmfAction::new(id, id));
    let json = serde_json::to_value(&dtmf).unwrap();
    assert_eq!(json["type"], "action_dtmf");
}

// --- Bird's adjacently tagged call-flow command ------------------------------------------

#[test]
fn a_command_without_options_is_accepted_when_its_branch_requires_nothing() {
    let cmd: bird::types::CallFlowCommand = round_trip(&json!({"command": "ringing"}));
    assert!(matches!(cmd.command, bird::types::Command::Ringing(None)));
    let cmd: bird::types::CallFlowCommand =
        round_trip(&json!({"command": "ringing", "options": {}}));
    assert!(matches!(
        cmd.command,
        bird::types::Command::Ringing(Some(_))
    ));
}

#[test]
fn say_cannot_carry_pause_options() {
    let err = parse::<bird::types::CallFlowCommand>(
        json!({"command": "say", "options": {"pauseSeconds": 2}}),
    )
    .unwrap_err();
    assert!(
        err.contains("pauseSeconds") || err.contains("text"),
        "{err}"
    );
    let err = parse::<bird::types::CallFlowCommand>(json!({"command": "say"})).unwrap_err();
    assert!(err.contains("missing field `options`"), "{err}");
}

#[test]
fn null_options_mean_no_options() {
    let cmd: bird::types::CallFlowCommand =
        parse(json!({"command": "hangup", "options": null})).unwrap();
    assert!(matches!(cmd.command, bird::types::Command::Hangup(None)));
}

#[test]
fn conditions_are_kept_beside_the_command() {
    let json = json!({"command": "hangup",
                      "conditions": [{"variable": "keys", "operator": "==", "value": "1"}]});
    let cmd: bird::types::CallFlowCommand = round_trip(&json);
    let conditions = cmd.conditions.flatten().expect("conditions kept");
    assert_eq!(
        conditions[0].operator,
        Some(bird::types::CallFlowCommandConditionOperator::EqEq)
    );
}

#[test]
fn the_closed_command_object_rejects_unknown_keys() {
    let err = parse::<bird::types::CallFlowCommand>(json!({"command": "hangup", "extra": 1}))
        .unwrap_err();
    assert!(err.contains("extra"), "{err}");
}

// --- FastAPI's Undefined sentinel ---------------------------------------------------------

#[test]
fn undefined_means_absent_in_and_absent_out() {
    let params: vocode::types::DtmfActionUpdateParams = round_trip(&json!({"type": "action_dtmf"}));
    assert_eq!(params.config, None);
    let out = serde_json::to_value(&params).unwrap();
    assert!(out.get("config").is_none(), "{out}");
    // The open sentinel of the seed-000 excerpt behaves the same.
    let p: excerpt::types::DtmfActionUpdateParams = round_trip(&json!({"type": "action_dtmf"}));
    assert_eq!(p.config, None);
}

#[test]
fn undefined_s_own_value_an_empty_object_reads_as_absent() {
    // `RimeVoice.model_id` is `anyOf [enum, $ref Undefined, null]`; `Undefined` is
    // `{type: object, properties: {}, additionalProperties: false}`, so `{}` is valid JSON for
    // it (Prism generates it; found by the end-to-end run).
    let voice = |model_id: serde_json::Value| {
        parse::<vocode::types::RimeVoice>(json!({
            "id": "3c90c3cc-0d44-4b50-8888-8dd25736052a",
            "user_id": "3c90c3cc-0d44-4b50-8888-8dd25736052a",
            "type": "voice_rime", "speaker": "young_male_unmarked", "model_id": model_id
        }))
    };
    assert_eq!(voice(json!({})).unwrap().model_id, None);
    // `RimeVoice` is only read from responses: `null` is `None` too.
    assert_eq!(voice(json!(null)).unwrap().model_id, None);
    assert_eq!(
        voice(json!("v1")).unwrap().model_id,
        Some(vocode::types::RimeVoiceModelId::V1)
    );
    // Any other object is still an error.
    let err = voice(json!({"x": 1})).unwrap_err();
    assert!(err.contains("invalid type: map"), "{err}");
    assert!(
        voice(json!("v9")).unwrap().model_id.is_some(),
        "open enum keeps it"
    );
}

#[test]
fn an_empty_action_config_is_a_real_value() {
    let params: vocode::types::DtmfActionUpdateParams =
        round_trip(&json!({"type": "action_dtmf", "config": {}}));
    assert_eq!(
        params.config,
        Some(vocode::types::EmptyActionConfig::default())
    );
}

// --- Nullability in every spelling, three states for optional + nullable ------------------

#[test]
fn optional_nullable_keeps_absent_and_null_apart_31_any_of() {
    let absent: vocode::types::AgentUpdateParams = round_trip(&json!({}));
    let null: vocode::types::AgentUpdateParams = round_trip(&json!({"name": null}));
    let value: vocode::types::AgentUpdateParams = round_trip(&json!({"name": "Ada"}));
    assert_eq!(absent.name, None);
    assert_eq!(null.name, Some(None));
    assert_eq!(value.name, Some(Some("Ada".to_string())));
}

#[test]
fn optional_nullable_keeps_absent_and_null_apart_30_nullable() {
    let null: bird::types::PatchCall = round_trip(&json!({"status": null}));
    assert_eq!(null.status, Some(None));
    let absent: bird::types::PatchCall = round_trip(&json!({}));
    assert_eq!(absent.status, None);
}

#[test]
fn optional_nullable_in_a_response_only_type_is_a_plain_option_31_type_array() {
    // `Cat` is only read from responses: absent and `null` are both `None`.
    let cat: rules::types::Cat =
        parse(json!({"kind": "Cat", "name": null, "nickname": null})).unwrap();
    assert_eq!(cat.name, None, "required + nullable: null is None");
    assert_eq!(cat.nickname, None);
    let cat: rules::types::Cat = round_trip(&json!({"kind": "Cat", "name": "Tom"}));
    assert_eq!(cat.nickname, None);
}

// --- Untagged unions of scalars and id-or-object ----------------------------------------------

#[test]
fn string_or_integer_keeps_the_json_type() {
    let err: vocode::types::ValidationError =
        round_trip(&json!({"loc": ["body", 0], "msg": "bad", "type": "value_error"}));
    assert_eq!(
        err.loc,
        [
            vocode::types::ValidationErrorLocItem::String("body".into()),
            vocode::types::ValidationErrorLocItem::Integer(0)
        ]
    );
}

#[test]
fn id_or_object_picks_the_right_branch() {
    let by_id: vocode::types::AgentUpdateParams =
        round_trip(&json!({"prompt": "3c90c3cc-0d44-4b50-8888-8dd25736052a"}));
    assert!(matches!(
        by_id.prompt,
        Some(vocode::types::AgentUpdateParamsPrompt::Uuid(_))
    ));
    let inline: vocode::types::AgentUpdateParams =
        round_trip(&json!({"prompt": {"content": "Be brief."}}));
    assert!(matches!(
        inline.prompt,
        Some(vocode::types::AgentUpdateParamsPrompt::PromptUpdateParams(
            _
        ))
    ));
}

// --- Enum values that are not identifiers --------------------------------------------------

#[test]
fn symbolic_enum_values_get_distinct_names_and_keep_their_wire_value() {
    use bird::types::{
        CallFlowCommandConditionOperator as Op, GatherInput, Key, StandardLocaleTtsPolly,
    };
    for (op, wire) in [
        (Op::EqEq, "=="),
        (Op::NotEq, "!="),
        (Op::Eq, "eq"),
        (Op::Ne, "ne"),
    ] {
        assert_eq!(serde_json::to_value(&op).unwrap(), wire);
        assert_eq!(serde_json::from_value::<Op>(json!(wire)).unwrap(), op);
    }
    for (key, wire) in [(Key::V0, "0"), (Key::Star, "*"), (Key::Hash, "#")] {
        assert_eq!(key.as_str(), wire);
        assert_eq!(serde_json::from_value::<Key>(json!(wire)).unwrap(), key);
    }
    assert_eq!(GatherInput::DtmfSpeech.to_string(), "dtmf speech");
    assert_eq!(StandardLocaleTtsPolly::EnGbWls.as_str(), "en-GB-WLS");
}

// --- Forward compatibility -------------------------------------------------------------

#[test]
fn a_response_enum_keeps_a_value_added_later_and_sends_it_back_unchanged() {
    // `channels.call_status` is read from responses (the patched `Call`).
    let status: bird::types::ChannelsCallStatus = round_trip(&json!("transferring"));
    match &status {
        bird::types::ChannelsCallStatus::Unknown(v) => assert_eq!(v.as_str(), "transferring"),
        other => panic!("expected Unknown, got {other:?}"),
    }
    assert_eq!(status.as_str(), "transferring");
    let known: bird::types::ChannelsCallStatus = round_trip(&json!("ongoing"));
    assert_eq!(known, bird::types::ChannelsCallStatus::Ongoing);
}

#[test]
fn a_request_only_enum_stays_strict() {
    // `Key` only appears in request bodies (call-flow commands): unknown values are errors.
    let err = parse::<bird::types::Key>(json!("A")).unwrap_err();
    assert!(err.contains("unknown variant `A`"), "{err}");
}

#[test]
fn a_response_union_keeps_an_unknown_tag_with_its_whole_object() {
    let id = "3c90c3cc-0d44-4b50-8888-8dd25736052a";
    let json =
        json!({"id": id, "user_id": id, "type": "action_teleport", "config": {"to": "mars"}});
    let action: vocode::types::ActionResponseModel = round_trip(&json);
    match action {
        vocode::types::ActionResponseModel::Unknown(v) => {
            assert_eq!(v.tag(), "action_teleport");
            assert_eq!(v.value()["config"]["to"], "mars");
        }
        other => panic!("expected Unknown, got {other:?}"),
    }
    // A known tag that does not fit is still an error, not Unknown.
    let bad = json!({"id": id, "user_id": id, "type": "action_transfer_call"});
    assert!(parse::<vocode::types::ActionResponseModel>(bad).is_err());
}

#[test]
fn a_request_only_union_rejects_unknown_tags() {
    let err = parse::<vocode::types::ActionUpdateParamsRequest>(json!({"type": "action_teleport"}))
        .unwrap_err();
    assert!(err.contains("unknown variant `action_teleport`"), "{err}");
}

// --- Objects, formats, defaults --------------------------------------------------------

#[test]
fn object_without_properties_is_a_json_map() {
    let dto: fluents::types::UpdateActionDto =
        round_trip(&json!({"config": {"anything": [1, {"goes": true}]}}));
    let config: serde_json::Map<String, serde_json::Value> = dto.config.unwrap();
    assert_eq!(config["anything"][1]["goes"], true);
}

#[test]
fn formats_become_real_types() {
    let json = oagen_tests::example("bird-patch-call-example2-response.json");
    let call: bird::types::Call = serde_json::from_value(json).unwrap();
    let created: chrono::DateTime<chrono::Utc> = call.created_at;
    assert_eq!(created.timestamp(), 1_709_311_610);
    let _: uuid::Uuid = call.channel_id;
    let cat: rules::types::Cat = round_trip(&json!({"kind": "Cat", "name": "Tom", "lives": 7}));
    let lives: Option<i32> = cat.lives;
    assert_eq!(lives, Some(7));
    assert!(parse::<bird::types::Call>(json!({"id": "not-a-uuid"})).is_err());
}

#[test]
fn json_spelling_out_every_defaulted_field_round_trips() {
    let amd = json!({"enabled": false, "wordCount": 5, "speechTimeout": 3, "speechLocale": "en-US",
                     "beepTimeout": 30, "ifMachineNotifyAfter": "wordCount"});
    round_trip::<bird::types::AmdSettings>(&amd);
    let id = "3c90c3cc-0d44-4b50-8888-8dd25736052a";
    let number = json!({"id": id, "user_id": id, "active": true, "label": "", "outbound_only": false,
                        "number": "+15555550100", "telephony_provider": "vonage"});
    round_trip::<vocode::types::PhoneNumber>(&number);
    // `PhoneNumber` is only read: an explicit `null` reads as `None`, like an absent one.
    let nulls = json!({"id": id, "user_id": id, "number": "+15555550100", "inbound_agent": null});
    let read: vocode::types::PhoneNumber = serde_json::from_value(nulls).unwrap();
    assert_eq!(read.inbound_agent, None);
    // And leaving them out stays left out.
    let sparse = json!({"id": id, "user_id": id, "number": "+15555550100"});
    round_trip::<vocode::types::PhoneNumber>(&sparse);
}

#[test]
fn recursion_is_boxed_only_where_needed() {
    let tree: rules::types::Tree =
        round_trip(&json!({"value": 1, "left": {"value": 2}, "children": [{"value": 3}]}));
    let left: Box<rules::types::Tree> = tree.left.unwrap();
    assert_eq!(left.value, Some(2));
    let children: Vec<rules::types::Tree> = tree.children.unwrap();
    assert_eq!(children[0].value, Some(3));
}

#[test]
fn all_of_merges_into_one_struct() {
    let l: rules::types::Labelled = round_trip(&json!({"title": "t", "label": "l"}));
    assert_eq!((l.title.as_deref(), l.label.as_str()), (Some("t"), "l"));
}

#[test]
fn read_only_and_write_only_properties_are_left_out_where_the_spec_says() {
    // A response carries the read-only id and omits the write-only password.
    let response: rules::types::Account =
        round_trip(&json!({"id": "a1", "email": "ada@example.com"}));
    assert_eq!(response.id.as_deref(), Some("a1"));
    // A request leaves the read-only id out.
    let request = rules::types::Account::new("ada@example.com").password("s3cret");
    assert_eq!(
        serde_json::to_value(&request).unwrap(),
        json!({"password": "s3cret", "email": "ada@example.com"})
    );
    // A property that is neither stays required.
    assert!(parse::<rules::types::Account>(json!({"id": "a1"})).is_err());
}

#[test]
fn overlapping_any_of_objects_become_one_struct_that_loses_nothing() {
    // As an untagged enum the first branch would swallow `{name, age}` and drop `age`.
    let filter: rules::types::Filter = round_trip(&json!({"name": "Rex", "age": 3}));
    assert_eq!((filter.name.as_deref(), filter.age), (Some("Rex"), Some(3)));
    round_trip::<rules::types::Filter>(&json!({}));
}

#[test]
fn additional_properties_true_keeps_undeclared_properties() {
    let open: rules::types::Open =
        round_trip(&json!({"known": "k", "extra": [1, 2], "more": null}));
    assert_eq!(open.known.as_deref(), Some("k"));
    assert_eq!(open.additional_properties["extra"], json!([1, 2]));
}

#[test]
fn hostile_names_and_values_stay_data() {
    // The fixture's descriptions hold `*/`, `"#`, backticks, HTML and fences: it compiles
    // (this file would not otherwise) and its values are plain strings on the wire.
    let h: rules::types::Hostile = round_trip(&json!({"weird key\"#": "a\"#b"}));
    assert_eq!(h.weird_key.map(|k| k.as_str()), Some("a\"#b"));
    for wire in ["`tick`", "*/", "</p>"] {
        round_trip::<rules::types::HostileWeirdKey>(&json!(wire));
    }
}

#[test]
fn names_that_clash_after_case_conversion_are_kept_apart() {
    // `FooBar`, `foo-bar` and `foo_bar` (sorted by spec name: `FooBar`, `foo-bar`, `foo_bar`).
    let _: rules::types::FooBar = round_trip(&json!({"x": "a_b"}));
    let _: rules::types::FooBar2 = round_trip(&json!("a string"));
    let s: rules::types::FooBar3 =
        round_trip(&json!({"type": "t", "self": "s", "fooBar": "camel", "foo_bar": "snake"}));
    assert_eq!(
        (s.foo_bar.as_deref(), s.foo_bar2.as_deref()),
        (Some("camel"), Some("snake"))
    );
    assert_eq!(
        (s.r#type.as_deref(), s.self_.as_deref()),
        (Some("t"), Some("s"))
    );
    use rules::types::FooBarX;
    for (v, wire) in [
        (FooBarX::AB, "a-b"),
        (FooBarX::AB2, "a_b"),
        (FooBarX::AB3, "A B"),
    ] {
        assert_eq!(v.as_str(), wire);
    }
}

#[test]
fn operations_get_distinct_method_names_with_or_without_an_operation_id() {
    let client = rules::Client::new();
    // `GET /ping` has no operationId; `getThing` and `get_thing` clash after snake_case.
    let _ping = client.get_ping();
    let _first = client.get_thing();
    let _second = client.get_thing2();
}

#[test]
fn typed_additional_properties_sit_beside_declared_ones() {
    let s: rules::types::Scores = round_trip(&json!({"player": "ada", "round1": 3, "round2": 5}));
    assert_eq!(s.player, "ada");
    let rounds: &std::collections::BTreeMap<String, i32> = &s.additional_properties;
    assert_eq!(rounds.values().sum::<i32>(), 8);
    // A value of the wrong type is rejected, not dropped.
    assert!(parse::<rules::types::Scores>(json!({"player": "ada", "round1": "x"})).is_err());
}

#[test]
fn format_byte_is_bytes_in_base64() {
    let a: rules::types::Account = round_trip(&json!({"email": "e@x.io", "avatar": "aGVsbG8="}));
    assert_eq!(a.avatar.unwrap().0, b"hello");
    let err = parse::<rules::types::Account>(json!({"email": "e@x.io", "avatar": "not base64!"}))
        .unwrap_err();
    assert!(err.contains("invalid base64"), "{err}");
}
