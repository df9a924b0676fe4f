//! Webhooks through a generated `webhooks` module: Standard Webhooks signature
//! verification checked with the specification's published test vectors
//! (standard-webhooks/standard-webhooks, `libraries/javascript/src/index.test.ts`: secret,
//! message id, timestamp, payload and expected `v1` signature), then OpenAI's webhook events
//! (`fixtures/openai/chat-webhooks.json`: 16 `webhooks`, told apart by `type`) and a
//! callback (`fixtures/streams.yaml`, as AssemblyAI's).
//!
//! Then the other schemes a spec can declare (`x-oagen-webhooks`, `Config::webhook_scheme`),
//! each with a published or independently computed vector: Standard Webhooks' README
//! vector, GitHub's documentation example, a Stripe vector computed from Stripe's documented
//! algorithm, and AssemblyAI's shared-secret header with the spec's own example values.

use oagen_tests::runtime::webhooks::{
    GitHubVerifier, StripeVerifier, WebhookError, WebhookVerifier, HUB_SIGNATURE_256,
    STRIPE_SIGNATURE, WEBHOOK_ID, WEBHOOK_SIGNATURE, WEBHOOK_TIMESTAMP,
};
use oagen_tests::runtime::HeaderMap;
use oagen_tests::{hooks_github, hooks_stripe, openai, streams};
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
        Err(WebhookError::MissingHeader(WEBHOOK_TIMESTAMP.into()))
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

#[test]
fn the_standard_webhooks_readme_vector_verifies() {
    // standard-webhooks/standard-webhooks README: its example message and signature.
    let verifier = WebhookVerifier::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
    let body = br#"{"test": 2432232314}"#;
    let signature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
    let delivery = headers("msg_p5jXN8AQM9LWM0D4loKWxJek", 1_614_265_330, signature);
    assert_eq!(
        verifier.sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1_614_265_330, body),
        signature
    );
    assert_eq!(verifier.verify_at(&delivery, body, 1_614_265_330), Ok(()));
    // OpenAI's module (Standard Webhooks by its overlay) takes this verifier.
    assert!(matches!(
        openai::webhooks::Event::verify(&verifier, &delivery, body),
        Err(WebhookError::TimestampTooOld)
    ));
}

fn one_header(name: &'static str, value: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(name, value.parse().unwrap());
    headers
}

#[test]
fn githubs_documented_example_verifies_and_tampering_does_not() {
    // docs.github.com, "Validating webhook deliveries": secret, payload and signature.
    let verifier = GitHubVerifier::new("It's a Secret to Everybody").unwrap();
    let body = b"Hello, World!";
    let signature = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
    assert_eq!(verifier.sign(body), signature);
    assert_eq!(
        verifier.verify(&one_header(HUB_SIGNATURE_256, signature), body),
        Ok(())
    );
    assert_eq!(
        verifier.verify(&one_header(HUB_SIGNATURE_256, signature), b"Hello, World?"),
        Err(WebhookError::InvalidSignature)
    );
    let upper = signature.to_uppercase().replacen("SHA256", "sha256", 1);
    assert_eq!(
        verifier.verify(&one_header(HUB_SIGNATURE_256, &upper), body),
        Ok(())
    );
    assert_eq!(
        verifier.verify(&one_header(HUB_SIGNATURE_256, "sha1=abc"), body),
        Err(WebhookError::InvalidHeader(HUB_SIGNATURE_256.into()))
    );
    assert_eq!(
        verifier.verify(&HeaderMap::new(), body),
        Err(WebhookError::MissingHeader(HUB_SIGNATURE_256.into()))
    );
    assert_eq!(
        GitHubVerifier::new("").err(),
        Some(WebhookError::InvalidSecret)
    );
}

#[test]
fn a_github_style_module_verifies_then_parses() {
    let verifier = GitHubVerifier::new("It's a Secret to Everybody").unwrap();
    let body = br#"{"transcript_id":"t1","status":"completed"}"#;
    let delivery = one_header(HUB_SIGNATURE_256, &verifier.sign(body));
    match hooks_github::webhooks::Event::verify(&verifier, &delivery, body).unwrap() {
        hooks_github::webhooks::Event::TranscriptReady(e) => assert_eq!(e.transcript_id, "t1"),
        other => panic!("{other:?}"),
    }
    let forged = br#"{"transcript_id":"t2","status":"completed"}"#;
    assert_eq!(
        hooks_github::webhooks::Event::verify(&verifier, &delivery, forged),
        Err(WebhookError::InvalidSignature)
    );
}

// Stripe publishes no vector: this one was computed from its documented algorithm
// (docs.stripe.com/webhooks, "Verify signatures manually": HMAC-SHA256 keyed with the
// signing secret as text, over `{t}.{payload}`, lowercase hex) with Python's `hmac`.
const STRIPE_SECRET: &str = "whsec_test_secret";
const STRIPE_T: i64 = 1_492_774_577;
const STRIPE_BODY: &[u8] = br#"{"id":"evt_test_webhook","object":"event"}"#;
const STRIPE_V1: &str = "88a022085c6bdb887b02cb26ff76dd681234d9675c0f22844059f55552a8883a";

#[test]
fn a_stripe_vector_verifies_with_tolerance_and_rolled_secrets() {
    let verifier = StripeVerifier::new(STRIPE_SECRET).unwrap();
    let value = format!("t={STRIPE_T},v1={STRIPE_V1}");
    assert_eq!(verifier.sign(STRIPE_T, STRIPE_BODY), value);
    let delivery = one_header(STRIPE_SIGNATURE, &value);
    assert_eq!(
        verifier.verify_at(&delivery, STRIPE_BODY, STRIPE_T + 300),
        Ok(())
    );
    assert_eq!(
        verifier.verify_at(&delivery, STRIPE_BODY, STRIPE_T + 301),
        Err(WebhookError::TimestampTooOld)
    );
    assert_eq!(
        verifier.verify_at(&delivery, b"{}", STRIPE_T),
        Err(WebhookError::InvalidSignature)
    );
    // While a secret is rolled, several v1 signatures (and a v0 to ignore) are sent.
    let rolled = format!(
        "t={STRIPE_T},v1={},v0={STRIPE_V1},v1={STRIPE_V1}",
        "00".repeat(32)
    );
    assert_eq!(
        verifier.verify_at(
            &one_header(STRIPE_SIGNATURE, &rolled),
            STRIPE_BODY,
            STRIPE_T
        ),
        Ok(())
    );
    // A v0 signature alone is not accepted.
    let v0 = format!("t={STRIPE_T},v0={STRIPE_V1}");
    assert_eq!(
        verifier.verify_at(&one_header(STRIPE_SIGNATURE, &v0), STRIPE_BODY, STRIPE_T),
        Err(WebhookError::InvalidSignature)
    );
    // Past the first eight signatures, none is considered.
    let ninth = format!("t={STRIPE_T},{}v1={STRIPE_V1}", "v1=00,".repeat(8));
    assert_eq!(
        verifier.verify_at(&one_header(STRIPE_SIGNATURE, &ninth), STRIPE_BODY, STRIPE_T),
        Err(WebhookError::InvalidSignature)
    );
    assert_eq!(
        verifier.verify_at(
            &one_header(STRIPE_SIGNATURE, "v1=abc"),
            STRIPE_BODY,
            STRIPE_T
        ),
        Err(WebhookError::InvalidHeader(STRIPE_SIGNATURE.into()))
    );
}

#[test]
fn a_stripe_style_module_verifies_against_the_current_time() {
    let verifier = StripeVerifier::new(STRIPE_SECRET).unwrap();
    let body = br#"{"transcript_id":"t1","status":"completed"}"#;
    let fresh = one_header(STRIPE_SIGNATURE, &verifier.sign(now(), body));
    assert!(matches!(
        hooks_stripe::webhooks::Event::verify(&verifier, &fresh, body),
        Ok(hooks_stripe::webhooks::Event::TranscriptReady(_))
    ));
    let stale = one_header(STRIPE_SIGNATURE, &verifier.sign(now() - 3600, body));
    assert_eq!(
        hooks_stripe::webhooks::Event::verify(&verifier, &stale, body),
        Err(WebhookError::TimestampTooOld)
    );
}

#[test]
fn assemblyais_module_checks_the_header_the_caller_chose() {
    use voice_apis::assemblyai::webhooks::{Event, SharedSecretVerifier};
    // The header name and value of the spec's own example transcript request.
    let verifier = SharedSecretVerifier::new("webhook-secret", "webhook-secret-value").unwrap();
    assert_eq!(verifier.header(), "webhook-secret");
    let body = br#"{"transcript_id":"55524930-16d8-42d8-8feb-c2a16b56f6e8","status":"completed"}"#;
    let delivery = one_header("webhook-secret", "webhook-secret-value");
    match Event::verify(&verifier, &delivery, body).unwrap() {
        Event::TranscriptReady(e) => {
            assert_eq!(
                e.transcript_id.to_string(),
                "55524930-16d8-42d8-8feb-c2a16b56f6e8"
            )
        }
        other => panic!("{other:?}"),
    }
    for wrong in ["webhook-secret-valuE", "webhook-secret-value ", "x", ""] {
        assert!(
            matches!(
                Event::verify(&verifier, &one_header("webhook-secret", wrong), body),
                Err(voice_apis::assemblyai::webhooks::WebhookError::InvalidSignature)
            ),
            "{wrong:?}"
        );
    }
    assert!(matches!(
        Event::verify(&verifier, &HeaderMap::new(), body),
        Err(voice_apis::assemblyai::webhooks::WebhookError::MissingHeader(h)) if h == "webhook-secret"
    ));
    assert!(SharedSecretVerifier::new("bad header", "v").is_err());
    assert!(SharedSecretVerifier::new("webhook-secret", "").is_err());
    // Its Debug output hides the secret.
    let ours = SharedSecretVerifier::new("X-Token", "s3cret").unwrap();
    assert!(!format!("{ours:?}").contains("s3cret"));
}
