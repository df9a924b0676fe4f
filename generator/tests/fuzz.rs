//! Mutation fuzzing of the whole pipeline (load → lower → emit → render): specs from
//! `specs/` and `tests/fixtures/` are mutated at random (values replaced, keys dropped,
//! subtrees copied elsewhere, `$ref`s pointed anywhere, schemas wrapped in compositions,
//! deep nesting) and every stage must answer with output or diagnostics: never a panic,
//! never tokens that do not parse.
//!
//! By default a short deterministic run (CI). `OAGEN_FUZZ_SECONDS=1800 cargo test --release
//! -p oagen --test fuzz -- --nocapture` runs for that long and prints the execution count.
//! A failing input is written to `target/fuzz-crashes/` to become a regression fixture.

use serde_json::{json, Map, Value};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// xorshift64*: small, deterministic, good enough to pick mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn seeds(all: bool) -> Vec<(String, Value)> {
    let root = workspace();
    let mut files = vec![
        "specs/bird/patch-call.json",
        "specs/fluents/update-action.yaml",
        "tests/fixtures/vocode-update-action-excerpt.yaml",
        "tests/fixtures/rules.yaml",
    ];
    if all {
        files.push("specs/vocode/openapi.json");
    }
    files
        .into_iter()
        .map(|f| {
            let text = std::fs::read_to_string(root.join(f)).unwrap();
            let value: Value = if f.ends_with(".json") {
                serde_json::from_str(&text).unwrap()
            } else {
                serde_yaml::from_str(&text).unwrap()
            };
            (f.to_string(), value)
        })
        .collect()
}

/// A path from the root to a random node.
fn random_path(value: &Value, rng: &mut Rng) -> Vec<String> {
    let mut path = Vec::new();
    let mut at = value;
    loop {
        let children: Vec<(String, &Value)> = match at {
            Value::Object(m) => m.iter().map(|(k, v)| (k.clone(), v)).collect(),
            Value::Array(a) => a
                .iter()
                .enumerate()
                .map(|(i, v)| (i.to_string(), v))
                .collect(),
            _ => Vec::new(),
        };
        if children.is_empty() || rng.below(4) == 0 {
            return path;
        }
        let (key, child) = &children[rng.below(children.len())];
        path.push(key.clone());
        at = child;
    }
}

fn node_mut<'a>(value: &'a mut Value, path: &[String]) -> Option<&'a mut Value> {
    let mut at = value;
    for key in path {
        at = match at {
            Value::Object(m) => m.get_mut(key)?,
            Value::Array(a) => a.get_mut(key.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(at)
}

fn random_value(rng: &mut Rng) -> Value {
    const STRINGS: &[&str] = &[
        "",
        "string",
        "object",
        "array",
        "null",
        "integer",
        "*/",
        "\"#",
        "`",
        "a\r\nb",
        "💥",
        "#/components/schemas/",
        "#/",
        "#/paths",
        "uuid",
        "date-time",
        "int32",
        "__proto__",
    ];
    match rng.below(9) {
        0 => Value::Null,
        1 => Value::Bool(rng.below(2) == 0),
        2 => json!(rng.next() as i64),
        3 => json!(-1.5e300),
        4 => json!(STRINGS[rng.below(STRINGS.len())]),
        5 => json!({}),
        6 => json!([]),
        7 => json!({"type": ["string", "null"], "enum": [null, 1, "x"]}),
        _ => {
            json!({"oneOf": [{"type": "null"}, {"$ref": "#/components/schemas/Nope"}], "discriminator": {"propertyName": "t"}})
        }
    }
}

fn mutate(spec: &mut Value, rng: &mut Rng) {
    let refs: Vec<String> = spec
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|m| {
            m.keys()
                .map(|k| format!("#/components/schemas/{k}"))
                .collect()
        })
        .unwrap_or_default();
    let path = random_path(spec, rng);
    let donor_path = random_path(spec, rng);
    let donor = node_mut(spec, &donor_path)
        .map(|v| v.clone())
        .unwrap_or(Value::Null);
    let Some(node) = node_mut(spec, &path) else {
        return;
    };
    match rng.below(10) {
        0 | 1 => *node = random_value(rng),
        2 => {
            if let Value::Object(m) = node {
                if let Some(k) = m.keys().nth(rng.below(m.len())).cloned() {
                    m.remove(&k);
                }
            }
        }
        3 => *node = donor,
        4 => {
            let target = if refs.is_empty() || rng.below(3) == 0 {
                "#/nowhere/~2".to_string()
            } else {
                refs[rng.below(refs.len())].clone()
            };
            *node = json!({ "$ref": target });
        }
        5 => *node = json!({"allOf": [node.clone(), donor]}),
        6 => *node = json!({"anyOf": [node.clone(), {"type": "null"}, donor]}),
        7 => {
            if let Value::Object(m) = node {
                m.insert("type".into(), json!(["object", "string", "null"]));
                m.insert("nullable".into(), json!(true));
            }
        }
        8 => {
            let mut deep = node.clone();
            for _ in 0..rng.below(200) {
                deep = json!({"type": "object", "properties": {"x": deep}});
            }
            *node = deep;
        }
        _ => {
            if let Value::Object(m) = node {
                m.insert("if".into(), json!({"properties": {"k": {"const": "v"}}}));
                m.insert("const".into(), random_value(rng));
                m.insert("additionalProperties".into(), random_value(rng));
            } else {
                *node = Value::Object(Map::new());
            }
        }
    }
}

/// Runs every stage; `Err` describes a failure (a panic or unparsable tokens).
fn pipeline(text: &str) -> Result<(), String> {
    let outcome = catch_unwind(AssertUnwindSafe(|| -> Result<(), String> {
        let Ok(doc) = oagen::load::load_str(text, oagen::load::Format::Json, "fuzz.json") else {
            return Ok(());
        };
        let Ok((api, _)) = oagen::lower::lower(&doc) else {
            return Ok(());
        };
        let module = oagen::emit::emit(&api);
        for (name, tokens) in [("types", module.types), ("client", module.client)] {
            if let Err(e) = oagen::render::rust_file(tokens, "// fuzz", name) {
                return Err(format!("render failed: {e}"));
            }
        }
        Ok(())
    }));
    match outcome {
        Ok(result) => result,
        Err(panic) => Err(format!(
            "panic: {}",
            panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default()
        )),
    }
}

#[test]
fn mutated_specs_never_panic() {
    let budget = std::env::var("OAGEN_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse::<u64>().ok());
    let seeds = seeds(budget.is_some());
    let deadline = budget.map(|s| Instant::now() + Duration::from_secs(s));
    let iterations = if budget.is_some() { u64::MAX } else { 120 };
    std::panic::set_hook(Box::new(|_| {}));
    let mut failures = Vec::new();
    let mut executions = 0u64;
    for i in 0..iterations {
        if deadline.is_some_and(|d| Instant::now() > d) {
            break;
        }
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ (i + 1).wrapping_mul(0xD1B5_4A32_D192_ED03));
        let (name, seed) = &seeds[rng.below(seeds.len())];
        let mut spec = seed.clone();
        for _ in 0..=rng.below(4) {
            mutate(&mut spec, &mut rng);
        }
        let text = spec.to_string();
        executions += 1;
        if let Err(why) = pipeline(&text) {
            let dir = workspace().join("target/fuzz-crashes");
            let _ = std::fs::create_dir_all(&dir);
            let file = dir.join(format!("crash-{i}.json"));
            let _ = std::fs::write(&file, &text);
            failures.push(format!(
                "iteration {i} (from {name}): {why}; input in {}",
                file.display()
            ));
        }
    }
    let _ = std::panic::take_hook();
    println!("fuzz: {executions} executions, {} failures", failures.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
