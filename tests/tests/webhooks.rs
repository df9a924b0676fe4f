//! Webhooks through a generated `webhooks` module: Standard Webhooks signature
//! verification checked with the specification's published test vectors
//! (standard-webhooks/standard-webhooks, `libraries/javascript/src/index.test.ts`: secret,
//! message id, timestamp, payload and expected `v1` signature), then OpenAI's webhook events
//! (`fixtures/openai/chat-webhooks.json`: 16 `webhooks`, told apart by `type`) and a
//! callback (`fixtures/streams.yaml`, as AssemblyAI's).

use oagen_tests::runtime::webhooks::{
    WebhookError, WebhookVerifier, WEBHOOK_ID, WEBHOOK_SIGNATURE, WEBHOOK_TIMESTAMP,
};
use oagen_tests::runtime::HeaderMap;
use oagen_tests::{openai, streams};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const SECRET: &str = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
const ID: &str = "msg_27UH4WbU6Z5A5EzD8u03UvzRbpk";
const TIMESTAMP: i64 = 1_649_367_553;
const PAYLOAD: &[u8] = br#"{"email":"test@example.com","username":"test_user"}"#;
const SIGNATURE: &str = "v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw=";

fn headers(id: &str, timestamp: i64, signature: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(WEBHOOK_ID, id.parse().unwrap());
    headers.insert(WEBHOOK_TIMESTAMP, timestamp.to_string().parse().unwrap());
    headers.insert(WEBHOOK_SIGNATURE, signature.parse().unwrap());
    headers
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

#[test]
fn the_specification_vectors_sign_and_verify() {
    let verifier = WebhookVerifier::new(SECRET).unwrap();
    assert_eq!(verifier.sign(ID, TIMESTAMP, PAYLOAD), SIGNATURE);
    let valid = headers(ID, TIMESTAMP, SIGNATURE);
    assert_eq!(verifier.verify_at(&valid, PAYLOAD, TIMESTAMP), Ok(()));
}

#[test]
fn tampering_a_wrong_secret_and_stale_or_future_timestamps_are_refused() {
    let verifier = WebhookVerifier::new(SECRET).unwrap();
    let valid = headers(ID, TIMESTAMP, SIGNATURE);
    let tampered = br#"{"email":"test@example.com","username":"test_user2"}"#;
    assert_eq!(
        verifier.verify_at(&valid, tampered, TIMESTAMP),
        Err(WebhookError::InvalidSignature)
    );
    let other_id = headers("msg_other", TIMESTAMP, SIGNATURE);
    assert_eq!(
        verifier.verify_at(&other_id, PAYLOAD, TIMESTAMP),
        Err(WebhookError::InvalidSignature)
    );
    let wrong = WebhookVerifier::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
    assert_eq!(
        wrong.verify_at(&valid, PAYLOAD, TIMESTAMP),
        Err(WebhookError::InvalidSignature)
    );
    // Five minutes of tolerance each way by default.
    assert_eq!(verifier.verify_at(&valid, PAYLOAD, TIMESTAMP + 300), Ok(()));
    assert_eq!(
        verifier.verify_at(&valid, PAYLOAD, TIMESTAMP + 301),
        Err(WebhookError::TimestampTooOld)
    );
    assert_eq!(
        verifier.verify_at(&valid, PAYLOAD, TIMESTAMP - 301),
        Err(WebhookError::TimestampInFuture)
    );
    let wider = WebhookVerifier::new(SECRET)
        .unwrap()
        .with_tolerance(Duration::from_secs(3600));
    assert_eq!(wider.verify_at(&valid, PAYLOAD, TIMESTAMP + 3000), Ok(()));
}

#[test]
fn any_of_several_signatures_may_match_and_missing_headers_are_named() {
    let verifier = WebhookVerifier::new(SECRET).unwrap();
    let several = format!("v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= v2,abc {SIGNATURE}");
    let valid = headers(ID, TIMESTAMP, &several);
    assert_eq!(verifier.verify_at(&valid, PAYLOAD, TIMESTAMP), Ok(()));
    let mut missing = valid.clone();
    missing.remove(WEBHOOK_TIMESTAMP);
    assert_eq!(
        verifier.verify_at(&missing, PAYLOAD, TIMESTAMP),
        Err(WebhookError::MissingHeader(WEBHOOK_TIMESTAMP))
    );
    assert_eq!(
        WebhookVerifier::new("whsec_not base64!").err(),
        Some(WebhookError::InvalidSecret)
    );
}

#[test]
fn a_signed_openai_event_is_verified_and_parsed_into_its_variant() {
    let verifier = WebhookVerifier::new(SECRET).unwrap();
    let body = br#"{"id":"evt_abc123","object":"event","type":"batch.completed","created_at":1719168000,"data":{"id":"batch_abc123"}}"#;
    let timestamp = now();
    let headers = headers("msg_1", timestamp, &verifier.sign("msg_1", timestamp, body));
    let event = openai::webhooks::Event::verify(&verifier, &headers, body).unwrap();
    match &event {
        openai::webhooks::Event::BatchCompleted(e) => {
            assert_eq!(e.data.id, "batch_abc123");
            assert_eq!(e.created_at, 1_719_168_000);
        }
        other => panic!("expected batch_completed, got {other:?}"),
    }
    assert_eq!(event.name(), "batch_completed");
    // A signature over other bytes is refused before parsing.
    let forged = br#"{"id":"evt_abc123","object":"event","type":"batch.failed","created_at":1719168000,"data":{"id":"batch_abc123"}}"#;
    assert_eq!(
        openai::webhooks::Event::verify(&verifier, &headers, forged),
        Err(WebhookError::InvalidSignature)
    );
}

#[test]
fn every_openai_event_type_parses_to_its_own_variant_and_new_ones_are_kept() {
    let cases = [
        ("batch.cancelled", "batch_cancelled"),
        ("eval.run.succeeded", "eval_run_succeeded"),
        ("fine_tuning.job.failed", "fine_tuning_job_failed"),
        ("response.completed", "response_completed"),
    ];
    for (kind, name) in cases {
        let body = format!(
            r#"{{"id":"evt_1","object":"event","type":"{kind}","created_at":1,"data":{{"id":"x"}}}}"#
        );
        let event = openai::webhooks::Event::parse(body.as_bytes()).unwrap();
        assert_eq!(event.name(), name, "{kind}");
    }
    let future = br#"{"id":"evt_1","object":"event","type":"video.completed","created_at":1,"data":{"id":"x"}}"#;
    assert!(matches!(
        openai::webhooks::Event::parse(future),
        Ok(openai::webhooks::Event::Unknown(v)) if v["type"] == "video.completed"
    ));
    // A documented type whose payload does not match its schema is an error, not Unknown.
    let broken =
        br#"{"id":"evt_1","type":"batch.completed","created_at":"yesterday","data":{"id":"x"}}"#;
    assert!(matches!(
        openai::webhooks::Event::parse(broken),
        Err(WebhookError::Decode(_))
    ));
}

#[test]
fn a_callback_becomes_an_event_too() {
    let body = br#"{"transcript_id":"t1","status":"completed"}"#;
    match streams::webhooks::Event::parse(body).unwrap() {
        streams::webhooks::Event::TranscriptReady(e) => assert_eq!(e.transcript_id, "t1"),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        streams::webhooks::Event::parse(b"[1]"),
        Ok(streams::webhooks::Event::Unknown(_))
    ));
}
