//! End-to-end: every operation of `voice_apis` against Prism mock servers serving the vendor
//! specs.
//!
//! One `prism mock` per spec (`specs/vocode/openapi.json`, `specs/fluents/update-action.yaml`,
//! `specs/bird/patch-call.json`) is started on loopback, each on a port the OS picks (`-p 0`;
//! the port is read from Prism's "listening on" line), and every operation method of the three
//! `Client`s is called once with arguments that are valid per the spec (the `*_stream` methods:
//! the first few items). A call passes when
//!
//! - Prism accepted the request: it validates parameters, bodies and credentials, and answers
//!   an invalid request with 401/422/400 instead of the success response;
//! - the response parsed into the generated type (`Ok`);
//! - Prism reported no violation in its `sl-violations` header, neither of the request nor of
//!   its own response (Prism validates what it generated against the spec too).
//!
//! Every failure is collected and reported together with the operation's name.
//!
//! **Dynamic, seeded responses** (`--dynamic --seed`). Static mode would answer with the specs'
//! examples, which for these vendors do not all match their own schemas
//! (`tests/fixtures/examples/README.md`), and otherwise with one minimal sample per schema.
//! Dynamic mode generates schema-valid data with json-schema-faker: every optional property
//! filled in, one branch of each `oneOf`/`anyOf`, extra properties where the schema allows
//! them, `null` where it allows it. With a seed, Prism reseeds its generator for every response,
//! so each operation gets the same body on every run, whatever the order of the calls: the test
//! is deterministic. The default seed, [`DEFAULT_SEED`], was picked among seeds 1–40 (all
//! tried): its data includes a Rime voice with `"model_id": {}` (FastAPI's `Undefined`, which
//! the SDK reads as absent; this run found that it was once rejected), and no response Prism
//! fails to generate. `OAGEN_PRISM_SEED=<text>` runs it with another seed to look for more;
//! across seeds 1–40 the only other failure was Prism's own: for some seeds json-schema-faker
//! throws on Vocode's `PhoneNumber` ("TypeError: Cannot read properties of undefined (reading
//! 'items')" at `shouldClean`), a 500 for every number operation.
//!
//! Two controls show that Prism does check what the test relies on: a request without
//! credentials is refused (401) and one with an invalid query parameter gets the spec's 422.
//!
//! Prism is an npm package pinned in `tests/prism/package-lock.json`. Install it with
//! `npm ci --prefix tests/prism` (CI does, in `.ci/run`). Without it the test fails under CI
//! (`CI` set) and is skipped, with a message, elsewhere.
//!
//! What Prism cannot check: Bird's security scheme is `type: http` with the non-standard
//! `scheme: AccessKey`, which Prism does not support ("We currently do not support this type
//! of security scheme: http/accesskey", a warning in `sl-violations`); it lets Bird's requests
//! through with or without credentials. That warning alone is tolerated, for Bird only.

use futures::StreamExt;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use std::fmt::Debug;
use std::future::IntoFuture;
use std::io::{BufRead, BufReader, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use voice_apis::runtime::{Error, Response, RetryPolicy};
use voice_apis::{bird, fluents, vocode};

/// The seed for Prism's dynamic responses (see the module docs).
const DEFAULT_SEED: &str = "21";
/// How long one Prism may take to start (it parses and dereferences the spec first).
const START_TIMEOUT: Duration = Duration::from_secs(60);
/// The total time allowed per call.
const CALL_TIMEOUT: Duration = Duration::from_secs(20);
/// Items taken from each `*_stream` method.
const STREAM_ITEMS: usize = 3;

const ID: &str = "3c90c3cc-0d44-4b50-8888-8dd25736052a";
const OTHER_ID: &str = "4e1f2a0b-7d9c-4c3e-9a6b-2f8d1c0e5b7a";

/// The one tolerated violation: Prism cannot check Bird's `http`/`AccessKey` scheme.
const BIRD_UNSUPPORTED_SCHEME: &str =
    "We currently do not support this type of security scheme: http/accesskey";

// ---------------------------------------------------------------------------------------------
// Prism processes
// ---------------------------------------------------------------------------------------------

/// `tests/prism/node_modules/.bin/prism`.
fn prism_bin() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("prism/node_modules/.bin/prism")
}

/// Whether this is a CI run (`CI` set to anything but empty, `0` or `false`).
fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0" && !v.eq_ignore_ascii_case("false"))
}

/// One running `prism mock`; killed (and reaped) on drop, so also when the test panics.
struct Prism {
    name: &'static str,
    child: Child,
    base_url: String,
    log: Arc<Mutex<Vec<String>>>,
}

impl Prism {
    /// Starts Prism on `spec` (relative to the repository root) without waiting for it.
    fn spawn(name: &'static str, spec: &str, seed: &str) -> (Prism, mpsc::Receiver<u16>) {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let spec = root.join(spec);
        let mut child = Command::new(prism_bin())
            .arg("mock")
            .arg(&spec)
            .args(["-h", "127.0.0.1", "-p", "0", "--dynamic", "--seed", seed])
            .env("NO_COLOR", "1")
            .env("FORCE_COLOR", "0")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "starting {} for {}: {e}",
                    prism_bin().display(),
                    spec.display()
                )
            });
        let log = Arc::new(Mutex::new(Vec::new()));
        let (port_tx, port_rx) = mpsc::channel();
        // Both pipes are drained for the process's whole life (Prism logs every request, and
        // a full pipe would block it); the lines are kept for the failure report.
        let stdout = child.stdout.take().expect("piped stdout");
        let stderr = child.stderr.take().expect("piped stderr");
        for (pipe, port_tx) in [
            (
                Box::new(stdout) as Box<dyn std::io::Read + Send>,
                Some(port_tx),
            ),
            (Box::new(stderr), None),
        ] {
            let log = Arc::clone(&log);
            std::thread::spawn(move || {
                for line in BufReader::new(pipe).lines() {
                    let Ok(line) = line else { break };
                    if let Some(tx) = &port_tx {
                        if let Some(port) = listening_port(&line) {
                            let _ = tx.send(port);
                        }
                    }
                    log.lock().unwrap().push(line);
                }
            });
        }
        let prism = Prism {
            name,
            child,
            base_url: String::new(),
            log,
        };
        (prism, port_rx)
    }

    /// Waits until Prism says where it listens and accepts a connection there.
    fn wait_ready(&mut self, port: &mpsc::Receiver<u16>, deadline: Instant) {
        let port = loop {
            if let Ok(port) = port.recv_timeout(Duration::from_millis(100)) {
                break port;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "Prism for {} exited ({status}) before listening:\n{}",
                    self.name,
                    self.log_text()
                );
            }
            if Instant::now() > deadline {
                panic!(
                    "Prism for {} did not start within {START_TIMEOUT:?}:\n{}",
                    self.name,
                    self.log_text()
                );
            }
        };
        let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
        while std::net::TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_err() {
            assert!(
                Instant::now() < deadline,
                "Prism for {} does not accept connections on {addr}",
                self.name
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        self.base_url = format!("http://{addr}");
    }

    fn log_text(&self) -> String {
        self.log.lock().unwrap().join("\n")
    }

    /// Prism's warnings and errors (its log has several info lines per request).
    fn problems(&self) -> String {
        let log = self.log.lock().unwrap();
        let lines: Vec<&str> = log
            .iter()
            .filter(|l| l.contains("warning") || l.contains("error") || l.contains("fatal"))
            .map(String::as_str)
            .collect();
        lines.join("\n")
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The port in Prism's `… Prism is listening on http://127.0.0.1:PORT` line.
fn listening_port(line: &str) -> Option<u16> {
    let (_, url) = line.split_once("Prism is listening on ")?;
    url.trim()
        .rsplit(':')
        .next()?
        .trim_end_matches('/')
        .parse()
        .ok()
}

/// Starts one Prism per spec, in parallel, and waits for all of them.
fn start_all(seed: &str) -> [Prism; 3] {
    let started = Instant::now();
    let deadline = started + START_TIMEOUT;
    let pending = [
        Prism::spawn("vocode", "specs/vocode/openapi.json", seed),
        Prism::spawn("fluents", "specs/fluents/update-action.yaml", seed),
        Prism::spawn("bird", "specs/bird/patch-call.json", seed),
    ];
    let servers = pending.map(|(mut prism, port)| {
        prism.wait_ready(&port, deadline);
        prism
    });
    eprintln!(
        "prism: 3 mock servers ready in {:.1?} (seed {seed:?}): {}",
        started.elapsed(),
        servers
            .iter()
            .map(|p| format!("{} {}", p.name, p.base_url))
            .collect::<Vec<_>>()
            .join(", ")
    );
    servers
}

// ---------------------------------------------------------------------------------------------
// Checking calls
// ---------------------------------------------------------------------------------------------

/// The failures of the run, each with its operation.
#[derive(Default)]
struct Report {
    calls: usize,
    failures: Vec<String>,
}

impl Report {
    /// Awaits one call (`client.op(…).raw()`) and records whether Prism accepted the request,
    /// reported no violation and the body parsed. Returns the body when it did.
    async fn check<T, E: Debug>(
        &mut self,
        op: &str,
        call: impl IntoFuture<Output = Result<Response<T>, Error<E>>>,
    ) -> Option<T> {
        self.calls += 1;
        match call.await {
            Ok(response) => {
                let violations = violations(op, &response.headers);
                if violations.is_empty() {
                    Some(response.body)
                } else {
                    self.fail(
                        op,
                        format!("Prism reports violations: {}", violations.join("; ")),
                    );
                    None
                }
            }
            Err(e) => {
                self.fail(op, describe(&e));
                None
            }
        }
    }

    /// Takes the first [`STREAM_ITEMS`] items of a `*_stream` method; each must parse.
    async fn check_stream<T, E: Debug>(
        &mut self,
        op: &str,
        stream: voice_apis::runtime::Items<'_, T, E>,
    ) {
        self.calls += 1;
        let items: Vec<_> = stream.take(STREAM_ITEMS).collect().await;
        for (i, item) in items.into_iter().enumerate() {
            if let Err(e) = item {
                self.fail(op, format!("item {i}: {}", describe(&e)));
            }
        }
    }

    /// A call Prism cannot answer (see the comment at the call): it validates the request
    /// and then fails to produce a response, with a 500 whose problem `title` contains
    /// `prism_error`. Asserts exactly that, and that Prism found nothing wrong with the request
    /// (an invalid one is answered 4xx before Prism gets that far).
    async fn check_prism_cannot_serve<T: Debug, E: Debug>(
        &mut self,
        op: &str,
        prism_error: &str,
        call: impl IntoFuture<Output = Result<Response<T>, Error<E>>>,
    ) {
        self.calls += 1;
        match call.await {
            Err(Error::UnexpectedStatus {
                status,
                headers,
                body,
            }) if status == 500 && String::from_utf8_lossy(&body).contains(prism_error) => {
                let violations = violations(op, &headers);
                if !violations.is_empty() {
                    self.fail(op, format!("Prism reports violations: {}", violations.join("; ")));
                }
            }
            Ok(response) => self.fail(
                op,
                format!(
                    "Prism was expected to fail with \"{prism_error}\" but answered {}: now served? use check()",
                    response.status
                ),
            ),
            Err(e) => self.fail(op, format!("expected Prism's 500 \"{prism_error}\", got {}", describe(&e))),
        }
    }

    fn fail(&mut self, op: &str, message: String) {
        self.failures.push(format!("{op}: {message}"));
    }
}

/// The `sl-violations` Prism attached to a response (request and response violations), but
/// for the one it always reports for Bird.
fn violations(op: &str, headers: &reqwest::header::HeaderMap) -> Vec<String> {
    let Some(header) = headers.get("sl-violations") else {
        return Vec::new();
    };
    let text = String::from_utf8_lossy(header.as_bytes()).into_owned();
    let Ok(Value::Array(list)) = serde_json::from_str::<Value>(&text) else {
        return vec![text];
    };
    list.into_iter()
        .filter(|v| !(op.starts_with("bird::") && v["message"] == BIRD_UNSUPPORTED_SCHEME))
        .map(|v| v.to_string())
        .collect()
}

/// An error with everything needed to tell a generator bug from a rejected request.
fn describe<E: Debug>(e: &Error<E>) -> String {
    let violations = e
        .headers()
        .and_then(|h| h.get("sl-violations"))
        .map(|v| {
            format!(
                "\n      sl-violations: {}",
                String::from_utf8_lossy(v.as_bytes())
            )
        })
        .unwrap_or_default();
    match e {
        Error::Decode {
            status,
            path,
            source,
            body,
            ..
        } => format!(
            "{status}: body did not decode at `{path}`: {source}{violations}\n      body: {}",
            String::from_utf8_lossy(body)
        ),
        Error::UnexpectedStatus { status, body, .. } => format!(
            "unexpected status {status}: {}{violations}",
            String::from_utf8_lossy(body)
        ),
        other => format!("{other:?}{violations}"),
    }
}

/// A request body from JSON (valid per the spec), through the generated type.
fn body<T: DeserializeOwned>(json: Value) -> T {
    let text = json.to_string();
    serde_json::from_value(json).unwrap_or_else(|e| {
        panic!(
            "test body does not fit {}: {e}\n{text}",
            std::any::type_name::<T>()
        )
    })
}

fn uuid(text: &str) -> uuid::Uuid {
    text.parse().unwrap()
}

// ---------------------------------------------------------------------------------------------
// The run
// ---------------------------------------------------------------------------------------------

/// Runs [`run_every_operation`] on a thread with a 64 MiB stack: Prism's generated bodies
/// nest unions deeply, and an unoptimized build decodes them in frames larger than the
/// 2 MiB a test thread has.
#[test]
fn every_operation_against_prism() {
    let run = || {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_stack_size(64 << 20)
            .enable_all()
            .build()
            .expect("a tokio runtime")
            .block_on(run_every_operation());
    };
    std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(run)
        .expect("a thread for the run")
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
}

async fn run_every_operation() {
    if !prism_bin().exists() {
        let message = format!(
            "Prism is not installed ({} is missing): run `npm ci --prefix tests/prism`",
            prism_bin().display()
        );
        if in_ci() {
            panic!("{message}");
        }
        // Straight to stderr, past the test harness's capture, so the skip is seen.
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED every_operation_against_prism: {message}"
        );
        return;
    }
    let seed = std::env::var("OAGEN_PRISM_SEED").unwrap_or_else(|_| DEFAULT_SEED.to_owned());
    let started = Instant::now();
    let servers = tokio::task::spawn_blocking({
        let seed = seed.clone();
        move || start_all(&seed)
    })
    .await
    .expect("starting Prism");
    let [vocode_server, fluents_server, bird_server] = &servers;

    let mut report = Report {
        ..Report::default()
    };
    let vocode = vocode::Client::new()
        .with_base_url(&vocode_server.base_url)
        .with_bearer_token("test-api-key")
        .with_timeout(Some(CALL_TIMEOUT))
        .with_retry(RetryPolicy::never());
    vocode_operations(&mut report, &vocode).await;
    let vocode_calls = report.calls;

    let fluents = fluents::Client::new()
        .with_base_url(&fluents_server.base_url)
        .with_bearer_token("test-api-key")
        .with_timeout(Some(CALL_TIMEOUT))
        .with_retry(RetryPolicy::never());
    fluents_operations(&mut report, &fluents).await;
    let fluents_calls = report.calls - vocode_calls;

    let bird = bird::Client::new()
        .with_base_url(&bird_server.base_url)
        .with_authorization("test-access-key")
        .with_timeout(Some(CALL_TIMEOUT))
        .with_retry(RetryPolicy::never());
    bird_operations(&mut report, &bird).await;
    let bird_calls = report.calls - vocode_calls - fluents_calls;

    controls(&mut report, &vocode_server.base_url).await;

    eprintln!(
        "prism: {} calls (vocode {vocode_calls}, fluents {fluents_calls}, bird {bird_calls}, 2 controls) in {:.1?}",
        report.calls,
        started.elapsed()
    );
    if !report.failures.is_empty() {
        let logs: Vec<_> = servers
            .iter()
            .map(|p| {
                format!(
                    "--- Prism warnings and errors ({}) ---\n{}",
                    p.name,
                    p.problems()
                )
            })
            .collect();
        panic!(
            "{} of {} calls failed against Prism:\n  {}\n\n{}",
            report.failures.len(),
            report.calls,
            report.failures.join("\n  "),
            logs.join("\n")
        );
    }
    drop(servers);
}

// ---------------------------------------------------------------------------------------------
// Vocode: every operation of `vocode::Client`
// ---------------------------------------------------------------------------------------------

async fn vocode_operations(r: &mut Report, c: &vocode::Client) {
    use vocode::types;
    let id = uuid(ID);

    // --- Paginated lists and their streams (builders: page/size/sort setters, `.stream()`). ---
    r.check(
        "vocode::list_account_connections",
        c.list_account_connections().page(1).size(10).raw(),
    )
    .await;
    r.check(
        "vocode::list_actions",
        c.list_actions().page(1).size(10).raw(),
    )
    .await;
    r.check(
        "vocode::list_agents",
        c.list_agents()
            .page(1)
            .size(10)
            .sort_column("created_at")
            .sort_desc(true)
            .raw(),
    )
    .await;
    r.check("vocode::list_calls", c.list_calls().page(1).size(10).raw())
        .await;
    r.check(
        "vocode::list_numbers",
        c.list_numbers().page(2).size(5).sort_desc(false).raw(),
    )
    .await;
    r.check("vocode::list_prompts", c.list_prompts().raw())
        .await;
    r.check(
        "vocode::list_vector_databases",
        c.list_vector_databases().page(1).size(10).raw(),
    )
    .await;
    r.check(
        "vocode::list_voices",
        c.list_voices().page(1).size(10).raw(),
    )
    .await;
    r.check(
        "vocode::list_webhooks",
        c.list_webhooks().page(1).size(10).raw(),
    )
    .await;
    r.check_stream(
        "vocode::list_account_connections_stream",
        c.list_account_connections().size(2).stream(),
    )
    .await;
    r.check_stream(
        "vocode::list_actions_stream",
        c.list_actions().size(2).stream(),
    )
    .await;
    r.check_stream(
        "vocode::list_agents_stream",
        c.list_agents().size(2).stream(),
    )
    .await;
    r.check_stream("vocode::list_calls_stream", c.list_calls().size(2).stream())
        .await;
    r.check_stream(
        "vocode::list_numbers_stream",
        c.list_numbers().size(2).stream(),
    )
    .await;
    r.check_stream(
        "vocode::list_prompts_stream",
        c.list_prompts().size(2).stream(),
    )
    .await;
    r.check_stream(
        "vocode::list_vector_databases_stream",
        c.list_vector_databases().size(2).stream(),
    )
    .await;
    r.check_stream(
        "vocode::list_voices_stream",
        c.list_voices().size(2).stream(),
    )
    .await;
    r.check_stream(
        "vocode::list_webhooks_stream",
        c.list_webhooks().size(2).stream(),
    )
    .await;

    // --- Reads by id. ---
    r.check(
        "vocode::get_account_connection",
        c.get_account_connection(id).raw(),
    )
    .await;
    r.check("vocode::get_action", c.get_action(id).raw()).await;
    r.check("vocode::get_agent", c.get_agent(id).raw()).await;
    r.check("vocode::get_call", c.get_call(id).raw()).await;
    r.check("vocode::get_number", c.get_number("+15555550100").raw())
        .await;
    r.check("vocode::get_prompt", c.get_prompt(id).raw()).await;
    // Prism cannot serve this one: its 200 response is `audio/mpeg` with neither a schema nor
    // an example (`content: {"audio/mpeg": {}}`), so dynamic mode has nothing to generate from
    // ("Tried to force a dynamic response for: audio/mpeg but schema is not defined.") and
    // static mode nothing to serialize ("Cannot find serializer for audio/mpeg"). The request
    // is still validated (bearer token, `id` a uuid) before Prism gives up.
    r.check_prism_cannot_serve(
        "vocode::get_recording",
        "Tried to force a dynamic response for: audio/mpeg but schema is not defined.",
        c.get_recording(id).raw(),
    )
    .await;
    r.check("vocode::get_usage", c.get_usage().raw()).await;
    r.check(
        "vocode::get_vector_database",
        c.get_vector_database(id).raw(),
    )
    .await;
    // With the default seed, Prism's voice is a Rime voice with `"model_id": {}` (FastAPI's
    // `Undefined`, read as absent); create_voice and update_voice return the same body.
    r.check("vocode::get_voice", c.get_voice(id).raw()).await;
    r.check("vocode::get_webhook", c.get_webhook(id).raw())
        .await;
    r.check("vocode::metrics", c.metrics().raw()).await;

    // --- Numbers. ---
    let buy: types::BuyPhoneNumberRequest = body(json!({
        "area_code": "415",
        "telephony_provider": "twilio",
        "telephony_account_connection": OTHER_ID,
        "inbound_agent": ID,
    }));
    r.check("vocode::buy_number", c.buy_number(Some(&buy)).raw())
        .await;
    r.check("vocode::buy_number (no body)", c.buy_number(None).raw())
        .await;
    r.check(
        "vocode::cancel_number",
        c.cancel_number("+15555550100").raw(),
    )
    .await;
    let link: types::LinkPhoneNumberRequest = body(json!({
        "phone_number": "+15555550100",
        "telephony_account_connection": OTHER_ID,
        "outbound_only": false,
        "inbound_agent": "default",
    }));
    r.check("vocode::link_number", c.link_number(&link).raw())
        .await;
    let update_number: types::UpdateNumberRequest = body(json!({
        "label": "support line",
        "outbound_only": false,
        "example_context": {"customer": "Ada"},
        "inbound_agent": {"name": "Support", "language": "en", "prompt": {"content": "Be brief."}},
    }));
    r.check(
        "vocode::update_number",
        c.update_number("+15555550100", &update_number).raw(),
    )
    .await;

    // --- Calls. ---
    let create_call: types::CreateCallRequest = body(json!({
        "from_number": "+15555550100",
        "to_number": "+15555550101",
        "agent": ID,
        "on_no_human_answer": "hangup",
        "hipaa_compliant": false,
        "context": {"customer": "Ada"},
    }));
    r.check("vocode::create_call", c.create_call(&create_call).raw())
        .await;
    let create_call_inline: types::CreateCallRequest = body(json!({
        "from_number": "+15555550100",
        "to_number": "+15555550101",
        "agent": {
            "prompt": {"content": "You are a receptionist."},
            "voice": {"type": "voice_azure", "voice_name": "en-US-AriaNeural"},
            "actions": [{"type": "action_end_conversation"}],
        },
    }));
    r.check(
        "vocode::create_call (inline agent)",
        c.create_call(&create_call_inline).raw(),
    )
    .await;
    r.check("vocode::end_call", c.end_call(id).raw()).await;

    // --- Actions. ---
    let create_action: types::ActionParamsRequest = body(json!({
        "type": "action_transfer_call",
        "config": {"phone_number": "+15555550102"},
        "action_trigger": {
            "type": "action_trigger_phrase_based",
            "config": {"phrase_triggers": [
                {"phrase": "talk to a human", "conditions": ["phrase_condition_type_contains"]}
            ]},
        },
    }));
    r.check(
        "vocode::create_action",
        c.create_action(&create_action).raw(),
    )
    .await;
    let update_action: types::ActionUpdateParamsRequest = body(json!({
        "type": "action_transfer_call",
        "config": {"phone_number": "+15555550103"},
    }));
    r.check(
        "vocode::update_action",
        c.update_action(id, &update_action).raw(),
    )
    .await;

    // --- Agents. ---
    let create_agent: types::AgentParams = body(json!({
        "name": "Receptionist",
        "prompt": {"content": "You are a receptionist.", "collect_fields": [
            {"field_type": "field_type_email", "label": "Email", "name": "email"}
        ]},
        "voice": {"type": "voice_rime", "speaker": "young_male_unmarked", "model_id": "mist"},
        "language": "en",
        "actions": [ID, {"type": "action_end_conversation"}],
        "webhook": {"subscriptions": ["event_message"], "url": "https://example.com/hook"},
        "interrupt_sensitivity": "high",
        "deepgram_keywords": {"vocode": 2, "oagen": 1.5},
        "idle_time_seconds": 30,
    }));
    r.check("vocode::create_agent", c.create_agent(&create_agent).raw())
        .await;
    let update_agent: types::AgentUpdateParams = body(json!({
        "name": "Receptionist 2",
        "voice": OTHER_ID,
        "initial_message": null,
        "llm_temperature": 0.3,
    }));
    r.check(
        "vocode::update_agent",
        c.update_agent(id, &update_agent).raw(),
    )
    .await;

    // --- Prompts. ---
    let create_prompt: types::PromptParams =
        body(json!({"content": "Be brief.", "context_endpoint": null}));
    r.check(
        "vocode::create_prompt",
        c.create_prompt(&create_prompt).raw(),
    )
    .await;
    let update_prompt: types::PromptUpdateParams =
        body(json!({"content": "Be briefer.", "prompt_template": OTHER_ID}));
    r.check(
        "vocode::update_prompt",
        c.update_prompt(id, &update_prompt).raw(),
    )
    .await;

    // --- Vector databases. ---
    let create_vdb: types::PineconeVectorDatabaseParams = body(json!({
        "type": "vector_database_pinecone",
        "index": "calls",
        "api_key": "pinecone-key",
        "api_environment": "us-east1-gcp",
    }));
    r.check(
        "vocode::create_vector_database",
        c.create_vector_database(&create_vdb).raw(),
    )
    .await;
    let update_vdb: types::PineconeVectorDatabaseUpdateParams =
        body(json!({"type": "vector_database_pinecone", "index": "calls-2"}));
    r.check(
        "vocode::update_vector_database",
        c.update_vector_database(id, &update_vdb).raw(),
    )
    .await;

    // --- Voices. ---
    let create_voice: types::VoiceParamsRequest = body(
        json!({"type": "voice_azure", "voice_name": "en-US-AriaNeural", "pitch": 0, "rate": 15}),
    );
    r.check("vocode::create_voice", c.create_voice(&create_voice).raw())
        .await;
    let update_voice: types::VoiceUpdateParamsRequest =
        body(json!({"type": "voice_eleven_labs", "voice_id": "voice-1", "stability": null}));
    r.check(
        "vocode::update_voice",
        c.update_voice(id, &update_voice).raw(),
    )
    .await;

    // --- Webhooks. ---
    let create_webhook: types::WebhookParams = body(json!({
        "subscriptions": ["event_phone_call_connected", "event_phone_call_ended"],
        "url": "https://example.com/hook",
        "method": "POST",
    }));
    r.check(
        "vocode::create_webhook",
        c.create_webhook(&create_webhook).raw(),
    )
    .await;
    let update_webhook: types::WebhookUpdateParams = body(json!({"method": "GET"}));
    r.check(
        "vocode::update_webhook",
        c.update_webhook(id, &update_webhook).raw(),
    )
    .await;

    // --- Account connections. ---
    let create_connection: types::AccountConnectionParamsRequest = body(json!({
        "type": "account_connection_twilio",
        "credentials": {"twilio_account_sid": "AC123", "twilio_auth_token": "token"},
        "steering_pool": ["+15555550100"],
    }));
    r.check(
        "vocode::create_account_connection",
        c.create_account_connection(&create_connection).raw(),
    )
    .await;
    let update_connection: types::AccountConnectionUpdateParamsRequest = body(json!({
        "type": "account_connection_openai",
        "credentials": {"openai_api_key": "sk-test"},
    }));
    r.check(
        "vocode::update_account_connection",
        c.update_account_connection(id, &update_connection).raw(),
    )
    .await;
    let add: types::AddToSteeringPoolRequest = body(json!({"phone_number": "+15555550100"}));
    r.check(
        "vocode::add_to_steering_pool",
        c.add_to_steering_pool(id, Some(&add)).raw(),
    )
    .await;
    let remove: types::RemoveFromSteeringPoolRequest =
        body(json!({"phone_number": "+15555550100"}));
    r.check(
        "vocode::remove_from_steering_pool",
        c.remove_from_steering_pool(id, &remove).raw(),
    )
    .await;
}

// ---------------------------------------------------------------------------------------------
// Fluents and Bird: their one operation each
// ---------------------------------------------------------------------------------------------

async fn fluents_operations(r: &mut Report, c: &fluents::Client) {
    let update: fluents::types::UpdateActionDto = body(json!({
        "type": "action_transfer_call",
        "label": "Transfer Call",
        "description": "Transfer to the front desk",
        "config": {"phone_number": "+15555550100"},
        "action_trigger": {"type": "action_trigger_function_call", "config": {}},
    }));
    r.check(
        "fluents::update_action",
        c.update_action("550e8400-e29b-41d4-a716-446655440000", &update)
            .raw(),
    )
    .await;
}

async fn bird_operations(r: &mut Report, c: &bird::Client) {
    let patch: bird::types::PatchCall = body(oagen_tests::example(
        "bird-patch-call-example2-request.json",
    ));
    r.check(
        "bird::patch_call",
        c.patch_call("workspace-1", "channel-1", "call-1", Some(&patch))
            .raw(),
    )
    .await;
    let hangup: bird::types::PatchCall = body(json!({"status": "completed"}));
    r.check(
        "bird::patch_call (status only)",
        c.patch_call("workspace-1", "channel-1", "call-1", Some(&hangup))
            .raw(),
    )
    .await;
    r.check(
        "bird::patch_call (no body)",
        c.patch_call("workspace-1", "channel-1", "call-1", None)
            .raw(),
    )
    .await;
}

// ---------------------------------------------------------------------------------------------
// Controls: Prism refuses what it should, so the passes above mean something
// ---------------------------------------------------------------------------------------------

async fn controls(r: &mut Report, vocode_url: &str) {
    let anonymous = vocode::Client::new()
        .with_base_url(vocode_url)
        .with_timeout(Some(CALL_TIMEOUT))
        .with_retry(RetryPolicy::never());
    match anonymous.get_usage().await {
        Err(Error::UnexpectedStatus { status, .. }) if status == 401 => {}
        other => r.fail(
            "control: vocode::get_usage without credentials",
            format!("expected Prism's 401, got {other:?}"),
        ),
    }
    let client = vocode::Client::new()
        .with_base_url(vocode_url)
        .with_bearer_token("test-api-key")
        .with_timeout(Some(CALL_TIMEOUT))
        .with_retry(RetryPolicy::never());
    match client.list_calls().query("size", "ten").await {
        Err(Error::Api {
            status,
            body: vocode::client::ListCallsError::UnprocessableEntity(_),
            ..
        }) if status == 422 => {}
        other => r.fail(
            "control: vocode::list_calls with size=ten",
            format!("expected the spec's 422 (typed), got {other:?}"),
        ),
    }
}
