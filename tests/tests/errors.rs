//! Bad specs get diagnostics, never a panic: each fixture in `tests/fixtures/errors/` has
//! its exact diagnostic text snapshotted, and pathological inputs generated here (deep
//! nesting, a 10 MB string) are handled without overflowing the stack.

use oagen::Config;
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/errors")
}

/// Everything oagen reports for `spec` under `root`: the error, or the warnings.
fn report(root: &Path, spec: &str, strict: bool) -> String {
    match Config::new()
        .root(root)
        .spec(spec)
        .strict(strict)
        .generate()
    {
        Ok(g) => {
            let warnings: Vec<String> = g.warnings.iter().map(ToString::to_string).collect();
            format!(
                "generated, with {} warnings\n{}",
                warnings.len(),
                warnings.join("\n")
            )
        }
        Err(e) => format!("{e:?}"),
    }
}

#[test]
fn every_error_fixture_has_its_exact_diagnostics() {
    let mut names: Vec<String> = std::fs::read_dir(fixtures())
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".json") || n.ends_with(".yaml"))
        .collect();
    names.sort();
    assert!(names.len() >= 10, "{names:?}");
    for name in names {
        let text = report(&fixtures(), &name, false);
        insta::assert_snapshot!(name.replace('.', "_"), text);
    }
}

#[test]
fn strict_turns_degraded_constructs_into_errors() {
    let text = report(&fixtures(), "degraded.yaml", true);
    assert!(text.starts_with("error: "), "{text}");
    assert!(!text.contains("warning:"), "{text}");
}

fn scratch(name: &str, text: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("errors");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(name), text).unwrap();
    dir
}

#[test]
fn a_thousand_levels_of_nesting_is_a_diagnostic_not_a_stack_overflow() {
    let mut schema = String::from(r#"{"type": "string"}"#);
    for _ in 0..1000 {
        schema = format!(r#"{{"type": "object", "properties": {{"a": {schema}}}}}"#);
    }
    let spec = format!(
        r#"{{"openapi": "3.1.0", "info": {{"title": "t", "version": "1"}}, "paths": {{}},
            "components": {{"schemas": {{"Deep": {schema}}}}}}}"#
    );
    let dir = scratch("deep.json", &spec);
    let text = report(&dir, "deep.json", false);
    assert!(text.contains("deep.json"), "{text}");
    assert!(
        text.contains("recursion limit") || text.contains("nested deeper"),
        "{text}"
    );
}

#[test]
fn a_ten_megabyte_description_is_carried_safely() {
    let long = "x */ y ".repeat(10 * 1024 * 1024 / 7);
    let spec = format!(
        r#"{{"openapi": "3.0.3", "info": {{"title": "t", "version": "1"}}, "paths": {{}},
            "components": {{"schemas": {{"Big": {{"type": "string", "description": "{long}"}}}}}}}}"#
    );
    let dir = scratch("big.json", &spec);
    let generated = Config::new()
        .root(&dir)
        .spec("big.json")
        .generate()
        .unwrap();
    let types = &generated.files[Path::new("src/types.rs")];
    assert!(types.len() > 10 * 1024 * 1024 - 16);
    assert!(types.contains("pub type Big = String;"));
}
