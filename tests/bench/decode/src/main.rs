//! Decode benchmark of the generated union types (`tests/bench/README.md`, "Decode").
//!
//! Builds Vocode payloads from the spec's own schemas (every optional property filled,
//! `anyOf`/`oneOf` branches taken in turn), then times, in one process and on the same
//! bytes: `serde_json::from_slice` into the generated type, into `serde_json::Value`, and
//! `serde_json::to_vec` of the typed value. Prints a Markdown table of MB/s (2^20 bytes),
//! best of `--runs N` (default 7).

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Map, Value};
use std::time::Instant;
use voice_apis::vocode::types as t;

/// Instances of the spec's schemas: every property filled, union branches in turn.
struct Filler<'a> {
    schemas: &'a Map<String, Value>,
    turn: usize,
}

impl Filler<'_> {
    fn resolve<'s>(&'s self, schema: &'s Value) -> &'s Value {
        match schema.get("$ref").and_then(Value::as_str) {
            Some(r) => &self.schemas[r.rsplit('/').next().unwrap_or_default()],
            None => schema,
        }
    }

    fn fill(&mut self, schema: &Value, depth: usize) -> Value {
        let schema = self.resolve(schema).clone();
        if let Some(v) = schema.get("const") {
            return v.clone();
        }
        if let Some(v) = schema.get("enum").and_then(|e| e.get(0)) {
            return v.clone();
        }
        if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
            let mut out = Map::new();
            for part in all {
                match self.fill(part, depth) {
                    Value::Object(m) => out.extend(m),
                    other => return other,
                }
            }
            return Value::Object(out);
        }
        let branches = schema.get("anyOf").or_else(|| schema.get("oneOf"));
        if let Some(branches) = branches.and_then(Value::as_array) {
            let real: Vec<&Value> = branches
                .iter()
                .filter(|b| b.get("type").and_then(Value::as_str) != Some("null"))
                .collect();
            self.turn += 1;
            let pick = real[self.turn % real.len()];
            return self.fill(pick, depth);
        }
        match schema.get("type").and_then(Value::as_str) {
            Some("string") => match schema.get("format").and_then(Value::as_str) {
                Some("uuid") => json!(format!("3c90c3cc-0d44-4b50-8888-{:012x}", self.turn)),
                Some("date-time") => json!("2024-05-01T10:00:00Z"),
                Some("date") => json!("2024-05-01"),
                Some("uri") => json!("https://example.com/hook"),
                _ => json!("a text value of some length"),
            },
            Some("integer") => json!(42),
            Some("number") => json!(1.5),
            Some("boolean") => json!(true),
            Some("array") => {
                let items = schema.get("items").cloned().unwrap_or(json!({}));
                Value::Array((0..3).map(|_| self.fill(&items, depth + 1)).collect())
            }
            _ => self.object(&schema, depth),
        }
    }

    fn object(&mut self, schema: &Value, depth: usize) -> Value {
        let mut out = Map::new();
        if let Some(props) = schema.get("properties").and_then(Value::as_object) {
            let required: Vec<&str> = schema
                .get("required")
                .and_then(Value::as_array)
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            for (name, prop) in props {
                if depth < 6 || required.contains(&name.as_str()) {
                    out.insert(name.clone(), self.fill(prop, depth + 1));
                }
            }
        } else if let Some(extra) = schema.get("additionalProperties").filter(|a| a.is_object()) {
            out.insert("key".into(), self.fill(extra, depth + 1));
        }
        Value::Object(out)
    }

    /// `count` instances of component `name` (each with the next union branches).
    fn many(&mut self, name: &str, count: usize) -> Vec<Value> {
        let schema = json!({"$ref": format!("#/components/schemas/{name}")});
        (0..count).map(|_| self.fill(&schema, 0)).collect()
    }
}

/// A page (`{items, page, size, has_more, total, total_is_estimated}`) of `items`.
fn page(items: Vec<Value>) -> Value {
    let n = items.len();
    json!({"items": items, "page": 1, "size": n, "has_more": false, "total": n,
           "total_is_estimated": false})
}

/// Best MB/s of `runs` runs of `f` over `bytes` bytes.
fn rate(runs: usize, bytes: usize, mut f: impl FnMut()) -> f64 {
    let best = (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min);
    bytes as f64 / (1 << 20) as f64 / best
}

/// One table row: decode typed, decode `Value`, encode typed (best of `runs`).
fn row<T: DeserializeOwned + Serialize>(label: &str, payload: &Value, runs: usize) {
    let bytes = serde_json::to_vec(payload).expect("a payload serializes");
    let typed: T = serde_json::from_slice(&bytes)
        .unwrap_or_else(|e| panic!("{label}: the payload does not decode: {e}"));
    let typed_rate = rate(runs, bytes.len(), || {
        std::hint::black_box(serde_json::from_slice::<T>(&bytes).expect("decodes"));
    });
    let value_rate = rate(runs, bytes.len(), || {
        std::hint::black_box(serde_json::from_slice::<Value>(&bytes).expect("parses"));
    });
    let encoded = serde_json::to_vec(&typed).expect("encodes").len();
    let encode_rate = rate(runs, encoded, || {
        std::hint::black_box(serde_json::to_vec(&typed).expect("encodes"));
    });
    println!(
        "| {label} | {:.1} | {typed_rate:.0} | {value_rate:.0} | {:.2} | {encode_rate:.0} |",
        bytes.len() as f64 / (1 << 20) as f64,
        typed_rate / value_rate
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let runs = args
        .iter()
        .position(|a| a == "--runs")
        .and_then(|i| args.get(i + 1)?.parse().ok())
        .unwrap_or(7);
    let spec_path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../specs/vocode/openapi.json"
    );
    let spec: Value =
        serde_json::from_slice(&std::fs::read(spec_path).expect("the Vocode spec")).expect("JSON");
    let schemas = spec["components"]["schemas"].as_object().expect("schemas");
    let mut filler = Filler { schemas, turn: 0 };

    println!("| payload | MB | typed decode MB/s | `Value` MB/s | typed / Value | encode MB/s |");
    println!("|---|--:|--:|--:|--:|--:|");
    let mut calls = filler.many("NormalizedCall", 20_000);
    let plain: Vec<Value> = calls
        .iter()
        .map(|c| {
            let mut c = c.clone();
            c.as_object_mut()
                .map(|m| m.remove("telephony_account_connection"));
            c
        })
        .collect();
    row::<t::CallPage>(
        "`CallPage`, 20k calls, no untagged field",
        &page(plain),
        runs,
    );
    for (i, call) in calls.iter_mut().enumerate() {
        if i % 2 == 0 {
            call["telephony_account_connection"] =
                json!(format!("3c90c3cc-0d44-4b50-8888-{i:012x}"));
        }
    }
    row::<t::CallPage>(
        "same with `telephony_account_connection` (half ids)",
        &page(calls),
        runs,
    );
    let agents = Value::Array(filler.many("Agent", 5_000));
    row::<Vec<t::Agent>>("5k `Agent`s, tagged actions and voice", &agents, runs);
    let normalized = filler.many("NormalizedAgent", 5_000);
    row::<t::AgentPage>(
        "`AgentPage`, 5k items, `anyOf [uuid, object]`",
        &page(normalized),
        runs,
    );
    let params = filler.many("CreateCallAgentParams", 50_000);
    row::<Vec<t::CreateCallRequestAgent>>(
        "50k `CreateCallRequestAgent` (objects, nested unions)",
        &Value::Array(params),
        runs,
    );
}
