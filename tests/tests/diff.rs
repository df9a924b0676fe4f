//! `oagen diff` over the real history of the Vocode spec: each consecutive pair of
//! `fixtures/vocode-history/` (then `specs/vocode/openapi.json`), snapshotted as text.

use std::path::{Path, PathBuf};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ is inside the workspace")
        .to_path_buf()
}

/// The history, oldest first, as paths relative to the workspace.
const HISTORY: [&str; 5] = [
    "tests/fixtures/vocode-history/openapi-2023-08-22-c5a39b82.json",
    "tests/fixtures/vocode-history/openapi-2023-12-12-6538d1f7.json",
    "tests/fixtures/vocode-history/openapi-2024-04-19-abfcd9db.json",
    "tests/fixtures/vocode-history/openapi-2024-08-16-d857d7e4.json",
    "specs/vocode/openapi.json",
];

fn lower(spec: &str) -> oagen::ir::Api {
    let doc = oagen::load::load_file(&workspace().join(spec), spec)
        .unwrap_or_else(|e| panic!("{spec}: {e}"));
    oagen::lower::lower(&doc)
        .unwrap_or_else(|e| panic!("{spec}: {e}"))
        .0
}

/// `openapi-2023-08-22-c5a39b82.json` → `2023-08-22`; the current spec → `current`.
fn label(spec: &str) -> String {
    let name = Path::new(spec)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    match name.strip_prefix("openapi-") {
        Some(rest) => rest.get(..10).unwrap_or(rest).to_string(),
        None => "current".to_string(),
    }
}

#[test]
fn vocode_history_reports() {
    let apis: Vec<_> = HISTORY.iter().map(|s| lower(s)).collect();
    for (i, pair) in apis.windows(2).enumerate() {
        let report = oagen::diff::diff(&pair[0], &pair[1]);
        let name = format!("vocode_{}_to_{}", label(HISTORY[i]), label(HISTORY[i + 1]));
        insta::assert_snapshot!(name, report.to_string());
    }
}

#[test]
fn every_vocode_version_but_the_last_breaks_something_and_reports_are_stable() {
    let apis: Vec<_> = HISTORY.iter().map(|s| lower(s)).collect();
    for (i, pair) in apis.windows(2).enumerate() {
        let report = oagen::diff::diff(&pair[0], &pair[1]);
        let again = oagen::diff::diff(&lower(HISTORY[i]), &lower(HISTORY[i + 1]));
        assert_eq!(report, again, "{} → {}", HISTORY[i], HISTORY[i + 1]);
        // The last update only adds optional `idle_time_seconds` fields: structs are
        // `#[non_exhaustive]` with setters, so that is a minor release.
        let expected = if i + 2 == HISTORY.len() {
            oagen::diff::Bump::Minor
        } else {
            oagen::diff::Bump::Major
        };
        assert_eq!(report.bump, expected, "{report}");
        assert!(report.changes.iter().all(|c| !c.reason.is_empty()));
        let json = serde_json::to_value(&report).expect("the report serializes");
        assert_eq!(
            json["changes"].as_array().map(Vec::len),
            Some(report.changes.len())
        );
    }
}

#[test]
fn a_spec_compared_with_itself_has_no_changes() {
    let api = lower(HISTORY[4]);
    let report = oagen::diff::diff(&api, &api);
    assert!(report.changes.is_empty(), "{report}");
    assert_eq!(report.bump, oagen::diff::Bump::None);
}
