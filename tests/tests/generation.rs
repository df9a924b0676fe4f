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
    generate_overlaid(spec, &[])
}

fn generate_overlaid(spec: &str, overlays: &[&str]) -> oagen::Generated {
    let mut config = Config::new();
    config.root(workspace()).spec(spec);
    for overlay in overlays {
        config.overlay(overlay);
    }
    config.generate().unwrap_or_else(|e| panic!("{spec}: {e}"))
}

fn file<'a>(generated: &'a oagen::Generated, path: &str) -> &'a str {
    generated
        .files
        .get(Path::new(path))
        .unwrap_or_else(|| panic!("{path} not generated"))
}

/// The fixture specs (`tests/fixtures/*.yaml` and `tests/fixtures/client/*.yaml`), one
/// snapshot of each generated file. The vendor specs are not snapshotted: the committed
/// `generated/` crate is their snapshot, compared byte for byte by [`committed_crate_is_fresh`].
#[test]
fn snapshots_of_the_fixture_specs() {
    let fixtures = workspace().join("tests/fixtures");
    let mut specs = Vec::new();
    for dir in [fixtures.clone(), fixtures.join("client")] {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            // Overlay documents (top-level `overlay:`) are applied to a fixture, not one.
            let is_overlay = std::fs::read_to_string(&path)
                .is_ok_and(|t| t.lines().any(|l| l.starts_with("overlay:")));
            if path.extension().is_some_and(|e| e == "yaml") && !is_overlay {
                specs.push(path);
            }
        }
    }
    specs.sort();
    assert!(specs.len() >= 8, "fixtures not found: {specs:?}");
    for path in specs {
        let relative = path.strip_prefix(workspace()).unwrap();
        let spec = relative.to_string_lossy().replace('\\', "/");
        let name = path
            .strip_prefix(&fixtures)
            .unwrap()
            .with_extension("")
            .to_string_lossy()
            .replace(['/', '\\'], "_");
        let generated = generate_one(&spec);
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

/// A generated crate documents itself: its `README.md` (the crate docs, so its code blocks
/// are doctests) has a section per module with auth, a first call, errors, and pagination or
/// streams when operations page or stream; every client method has a `no_run` example. A
/// build script's module, `include!`d at a path oagen cannot know, has neither.
#[test]
fn a_crate_has_a_readme_and_examples_and_a_build_script_module_has_neither() {
    let generated = generate_one("tests/fixtures/client/pagination.yaml");
    let readme = file(&generated, "README.md");
    for section in [
        "### Authentication",
        "### A first call",
        "### Errors",
        "### Pagination",
    ] {
        assert!(readme.contains(section), "{section} missing:\n{readme}");
    }
    assert!(!readme.contains("### Streams"), "{readme}");
    assert!(readme.contains(".stream();\nwhile let Some("), "{readme}");
    assert!(
        file(&generated, "src/lib.rs").contains("#![doc = include_str!(\"../README.md\")]\n"),
        "the README is the crate's documentation"
    );
    // One example per operation (six in the fixture).
    let client = file(&generated, "src/client.rs");
    assert_eq!(client.matches("/// ```no_run").count(), 6, "{client}");

    let streams = generate_one("tests/fixtures/streams.yaml");
    let readme = file(&streams, "README.md");
    assert!(readme.contains("### Streams"), "{readme}");
    assert!(readme.contains("### Webhooks"), "{readme}");
    assert!(readme.contains("_stream(&body).await?;"), "{readme}");
    // Errors: the first documented error status by its typed variant, then `is_*` helpers.
    assert!(
        readme.contains("Err(Error::Api { body: CreateResponseError::BadRequest(error), .. })"),
        "{readme}"
    );
    assert!(
        readme.contains("Err(error) if error.is_server_error() =>"),
        "{readme}"
    );

    let mut config = Config::new();
    config
        .root(workspace())
        .layout(oagen::Layout::SingleFile)
        .module("pages", "tests/fixtures/client/pagination.yaml");
    let single = config.generate().unwrap();
    assert!(!single.files.contains_key(Path::new("README.md")));
    let module = file(&single, "pages.rs");
    assert!(
        !module.contains("```no_run"),
        "no example in a build script's module"
    );
}

fn top_level_items(text: &str) -> Vec<String> {
    // A blank line inside an item (between the methods of an `impl`) does not end it: an
    // indented chunk belongs to the item before it.
    let mut items: Vec<String> = Vec::new();
    for chunk in text.split("\n\n").filter(|chunk| !chunk.trim().is_empty()) {
        match items.last_mut() {
            Some(last) if chunk.starts_with(char::is_whitespace) => {
                last.push_str("\n\n");
                last.push_str(chunk);
            }
            _ => items.push(chunk.to_string()),
        }
    }
    items
}

/// Generates `spec` (a JSON file under the workspace) as is and after `edit`, and checks
/// that every item of the original output is still there byte for byte, except items
/// containing one of `changed`; returns how many items the edited output has in addition,
/// and the edited `types.rs`.
fn generate_edited(
    spec: &str,
    edit: impl FnOnce(&mut serde_json::Value),
    changed: &[&str],
) -> (isize, String) {
    let root = workspace();
    let text = std::fs::read_to_string(root.join(spec)).unwrap();
    let original = generate_one(spec);
    let mut value: serde_json::Value = serde_json::from_str(&text).unwrap();
    edit(&mut value);
    let dir = root.join("target").join("oagen-stability");
    std::fs::create_dir_all(&dir).unwrap();
    let name = std::path::Path::new(spec).file_name().unwrap();
    std::fs::write(dir.join(name), value.to_string()).unwrap();
    let edited = Config::new().root(&dir).spec(name).generate().unwrap();
    let mut extra = 0;
    let edited_types = file_of(&edited, "src/types.rs");
    for file in ["src/types.rs", "src/client.rs"] {
        let before = file_of(&original, file).replace(spec, "SPEC");
        let after = file_of(&edited, file).replace(name.to_str().unwrap(), "SPEC");
        let after_items = top_level_items(&after);
        let before_items = top_level_items(&before);
        for item in &before_items {
            if changed.iter().any(|c| item.contains(c)) {
                continue;
            }
            assert!(
                after_items.contains(item),
                "{file}: changed by an unrelated edit:\n{item}"
            );
        }
        extra += after_items.len() as isize - before_items.len() as isize;
    }
    (extra, edited_types)
}

fn file_of(generated: &oagen::Generated, path: &str) -> String {
    file(generated, path).to_string()
}

#[test]
fn a_schema_inserted_at_the_front_and_reordered_schemas_change_nothing_else() {
    let (extra, _) = generate_edited(
        "specs/bird/patch-call.json",
        |spec| {
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
        },
        &[],
    );
    assert_eq!(
        extra, 12,
        "Aardvark and its inline AardvarkInline, each with its setters, its two `runtime::ser` \
         impls (Serialize, Object) and its two `runtime::de` impls (Deserialize, Object)"
    );
}

#[test]
fn reordered_paths_change_nothing() {
    let (extra, _) = generate_edited(
        "specs/vocode/openapi.json",
        |spec| {
            let paths = spec["paths"].as_object().unwrap().clone();
            spec["paths"] = serde_json::Value::Object(paths.into_iter().rev().collect());
        },
        &[],
    );
    assert_eq!(extra, 0);
}

#[test]
fn an_inline_schema_added_beside_others_renames_none_of_them() {
    // The new property's schema, `anyOf [string, integer]`, is a copy of the item schema of
    // `ValidationError.loc`: copies share one definition, held by the smallest name. Every
    // existing name stays and keeps its meaning; the old definition becomes an alias.
    let (extra, types) = generate_edited(
        "specs/vocode/openapi.json",
        |spec| {
            let props = spec["components"]["schemas"]["AgentUpdateParams"]["properties"]
                .as_object()
                .unwrap()
                .clone();
            let mut with_new = serde_json::Map::new();
            with_new.insert(
                "a_new_choice".into(),
                serde_json::json!({"anyOf": [{"type": "string"}, {"type": "integer"}]}),
            );
            with_new.extend(props);
            spec["components"]["schemas"]["AgentUpdateParams"]["properties"] =
                serde_json::Value::Object(with_new);
        },
        &[
            "pub struct AgentUpdateParams {",
            "impl AgentUpdateParams {",
            "pub enum ValidationErrorLocItem {",
            "for ValidationErrorLocItem {",
        ],
    );
    assert_eq!(extra, 1, "only AgentUpdateParamsANewChoice is new");
    assert!(types.contains("pub type ValidationErrorLocItem = AgentUpdateParamsANewChoice;"));
}

#[test]
fn an_unrelated_inline_schema_changes_nothing_else() {
    let (extra, _) = generate_edited(
        "specs/vocode/openapi.json",
        |spec| {
            spec["components"]["schemas"]["AgentUpdateParams"]["properties"]["a_new_object"] =
                serde_json::json!({"type": "object", "properties": {"x": {"type": "boolean"}}});
        },
        &["pub struct AgentUpdateParams {", "impl AgentUpdateParams {"],
    );
    assert_eq!(
        extra, 6,
        "only AgentUpdateParamsANewObject, its setters, its two `runtime::ser` impls and its \
         two `runtime::de` impls are new"
    );
}

#[test]
fn the_vendor_specs_generate_without_warnings() {
    // The vendor specs with the overlays `oagen.toml` applies to them: every defect the
    // generator would warn about is fixed by an overlay, not by editing the vendor file.
    for (spec, overlays) in [
        (
            "specs/vocode/openapi.json",
            &["specs/vocode/overlay.yaml"][..],
        ),
        (
            "specs/fluents/update-action.yaml",
            &["specs/fluents/overlay.yaml"],
        ),
        ("specs/bird/patch-call.json", &["specs/bird/overlay.yaml"]),
        ("specs/assemblyai/openapi.yml", &[]),
    ] {
        let generated = generate_overlaid(spec, overlays);
        assert!(
            generated.warnings.is_empty(),
            "{spec}: {:?}",
            generated.warnings
        );
    }
}
