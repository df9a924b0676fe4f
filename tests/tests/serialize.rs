//! The written-out `Serialize` of generated structs (`runtime::ser`) against the
//! serde data model: `serialize_struct` gets the number of properties written, as
//! `#[derive(Serialize)]` counts them (formats such as CBOR write it as the map's length),
//! an absent optional property is not written, and a tri-state property that is `Some(None)`
//! is a `null`.

use serde_test::{assert_ser_tokens, Token};
use voice_apis::vocode::types;

#[test]
fn a_struct_counts_and_writes_only_the_properties_it_has() {
    let voice = types::ElevenLabsVoiceParams::new("voice-id").stability(0.5);
    assert_ser_tokens(
        &voice,
        &[
            Token::Struct {
                name: "ElevenLabsVoiceParams",
                len: 3,
            },
            Token::Str("type"),
            Token::Str("voice_eleven_labs"),
            Token::Str("voice_id"),
            Token::Str("voice-id"),
            Token::Str("stability"),
            Token::Some,
            Token::F64(0.5),
            Token::StructEnd,
        ],
    );
}

#[test]
fn a_tri_state_property_set_to_null_is_written_as_null() {
    let voice = types::ElevenLabsVoiceParams::new("voice-id").stability_null();
    assert_ser_tokens(
        &voice,
        &[
            Token::Struct {
                name: "ElevenLabsVoiceParams",
                len: 3,
            },
            Token::Str("type"),
            Token::Str("voice_eleven_labs"),
            Token::Str("voice_id"),
            Token::Str("voice-id"),
            Token::Str("stability"),
            Token::None,
            Token::StructEnd,
        ],
    );
}
