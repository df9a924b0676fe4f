//! Whole-generator properties: snapshots of the generated code, the freshness check of the
//! committed crate, determinism and stability under unrelated spec edits.

use oagen::{manifest::Manifest, Config};
use std::path::{Path, PathBuf};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn generate_one(spec: &str) -> oagen::Generated {
    Config::new()
        .root(workspace())
        .spec(spec)
        .generate()
        .unwrap_or_else(|e| panic!("{spec}: {e}"))
}

fn file<'a>(generated: &'a oagen::Generated, path: &str) -> &'a str {
    generated
        .files
        .get(Path::new(path))
        .unwrap_or_else(|| panic!("{path} not generated"))
}

#[test]
fn snapshots_of_the_generated_code() {
    for (name, spec) in [
        ("vocode", "specs/vocode/openapi.json"),
        ("fluents", "specs/fluents/update-action.yaml"),
        ("bird", "specs/bird/patch-call.json"),
        (
            "vocode_excerpt",
            "tests/fixtures/vocode-update-action-excerpt.yaml",
        ),
    ] {
        let generated = generate_one(spec);
        insta::assert_snapshot!(format!("{name}_types"), file(&generated, "src/types.rs"));
        insta::assert_snapshot!(format!("{name}_client"), file(&generated, "src/client.rs"));
    }
}

/// The committed `generated/` crate is what `oagen sync` produces now (`sync --check`).
/// Locally a stale crate is rewritten and the test fails; under `CI` nothing is written.
#[test]
fn committed_crate_is_fresh() {
    let root = workspace();
    let manifest = Manifest::read(&root.join("oagen.toml")).unwrap();
    let generated = manifest.config(&root).generate().unwrap();
    let out = root.join(&manifest.krate.path);
    let stale = generated.stale_files(&out);
    if stale.is_empty() {
        return;
    }
    if std::env::var_os("CI").is_none() {
        generated.write(&out).unwrap();
    }
    panic!(
        "generated/ is out of date{}; run `cargo run --release -p oagen -- sync`:\n{}",
        if std::env::var_os("CI").is_none() {
            " (rewritten now, rerun the tests)"
        } else {
            ""
        },
        stale.join("\n")
    );
}

#[test]
fn generating_twice_gives_identical_files() {
    let root = workspace();
    let config = Manifest::read(&root.join("oagen.toml"))
        .unwrap()
        .config(&root);
    let first = config.generate().unwrap();
    let second = config.generate().unwrap();
    assert_eq!(first.files, second.files);
}

fn top_level_items(text: &str) -> Vec<&str> {
    text.split("\n\n")
        .filter(|chunk| !chunk.trim().is_empty())
        .collect()
}

#[test]
fn unrelated_spec_edits_leave_the_rest_of_the_output_byte_identical() {
    let root = workspace();
    let original_text = std::fs::read_to_string(root.join("specs/bird/patch-call.json")).unwrap();
    let original = generate_one("specs/bird/patch-call.json");

    // Insert a schema at the front, reverse the order of the others and add an inline schema.
    let mut spec: serde_json::Value = serde_json::from_str(&original_text).unwrap();
    let schemas = spec["components"]["schemas"].as_object().unwrap().clone();
    let mut reordered = serde_json::Map::new();
    reordered.insert(
        "Aardvark".into(),
        serde_json::json!({"type": "object", "properties": {"inline": {"type": "object", "properties": {"x": {"type": "string"}}}}}),
    );
    for (k, v) in schemas.into_iter().rev() {
        reordered.insert(k, v);
    }
    spec["components"]["schemas"] = serde_json::Value::Object(reordered);
    let dir = root.join("target").join("oagen-stability");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("patch-call.json"), spec.to_string()).unwrap();
    let edited = Config::new()
        .root(&dir)
        .spec("patch-call.json")
        .generate()
        .unwrap();

    let before = file(&original, "src/types.rs").replace("specs/bird/patch-call.json", "X");
    let after = file(&edited, "src/types.rs").replace("patch-call.json", "X");
    let after_items = top_level_items(&after);
    for item in top_level_items(&before) {
        assert!(
            after_items.contains(&item),
            "changed by an unrelated edit:\n{item}"
        );
    }
    assert!(after.contains("pub struct Aardvark"));
    assert_eq!(after_items.len(), top_level_items(&before).len() + 2);
}
