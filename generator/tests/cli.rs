//! The `oagen` binary end to end: `generate` writes a standalone crate that compiles on its
//! own, `sync --check` passes on the committed crate and names stale files otherwise.

use std::path::{Path, PathBuf};
use std::process::Command;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn oagen(args: &[&str], dir: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_oagen"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("oagen runs")
}

#[test]
fn generate_writes_a_standalone_crate_that_compiles() {
    let root = workspace();
    let out = root.join("target/oagen-cli/bird-sdk");
    let _ = std::fs::remove_dir_all(&out);
    let result = oagen(
        &[
            "generate",
            "specs/bird/patch-call.json",
            "--out",
            out.to_str().unwrap(),
            "--name",
            "bird-sdk",
        ],
        &root,
    );
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(
        stderr.contains("path parameter `callId`"),
        "undeclared path parameters are warned about: {stderr}"
    );
    for file in [
        "Cargo.toml",
        "README.md",
        "src/lib.rs",
        "src/runtime/mod.rs",
        "src/types.rs",
        "src/client.rs",
    ] {
        assert!(out.join(file).is_file(), "{file} missing");
    }
    let check = Command::new(env!("CARGO"))
        .args([
            "check",
            "--quiet",
            "--no-default-features",
            "--manifest-path",
        ])
        .arg(out.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", root.join("target/oagen-cli/target"))
        .output()
        .expect("cargo runs");
    assert!(
        check.status.success(),
        "the standalone crate does not compile:\n{}",
        String::from_utf8_lossy(&check.stderr)
    );
}

#[test]
fn sync_check_passes_on_the_committed_crate() {
    let result = oagen(&["sync", "--check"], &workspace());
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
}

#[test]
fn sync_check_names_stale_files_and_writes_nothing() {
    let root = workspace();
    let copy = root.join("target/oagen-cli/stale");
    let _ = std::fs::remove_dir_all(&copy);
    std::fs::create_dir_all(copy.join("specs/bird")).unwrap();
    std::fs::copy(
        root.join("specs/bird/patch-call.json"),
        copy.join("specs/bird/patch-call.json"),
    )
    .unwrap();
    std::fs::write(
        copy.join("oagen.toml"),
        "[crate]\nname = \"x\"\npath = \"out\"\n\n[[spec]]\nmodule = \"bird\"\npath = \"specs/bird/patch-call.json\"\n",
    )
    .unwrap();
    assert!(oagen(&["sync"], &copy).status.success());
    let types = copy.join("out/src/bird/types.rs");
    std::fs::write(&types, "// edited by hand\n").unwrap();
    let result = oagen(&["sync", "--check"], &copy);
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(!result.status.success());
    assert!(stderr.contains("types.rs (changed)"), "{stderr}");
    assert!(
        stderr.contains("oagen -- sync"),
        "the fix is named: {stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(&types).unwrap(),
        "// edited by hand\n"
    );
}

#[test]
fn bad_input_is_reported_with_file_and_pointer() {
    let dir = workspace().join("target/oagen-cli/bad");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("dangling.yaml"),
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A:\n      $ref: '#/components/schemas/Missing'\n",
    )
    .unwrap();
    let result = oagen(&["check", "dangling.yaml"], &dir);
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(!result.status.success());
    assert!(
        stderr.contains("dangling.yaml#/components/schemas/A")
            && stderr.contains("points at nothing"),
        "{stderr}"
    );
}

#[test]
fn an_invalid_crate_name_is_refused_and_nothing_is_written() {
    let root = workspace();
    let out = root.join("target/oagen-cli/bad-name");
    let _ = std::fs::remove_dir_all(&out);
    let result = oagen(
        &[
            "generate",
            "specs/bird/patch-call.json",
            "--out",
            out.to_str().unwrap(),
            "--name",
            "bird.sdk",
        ],
        &root,
    );
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(!result.status.success());
    assert!(
        stderr.contains("invalid crate name `bird.sdk`") && stderr.contains("`.` is not allowed"),
        "{stderr}"
    );
    assert!(!out.exists(), "nothing is written");
}

#[test]
fn sync_reports_api_changes_and_keeps_a_changelog() {
    let root = workspace();
    let dir = root.join("target/oagen-cli/changelog");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("specs")).unwrap();
    let spec_path = dir.join("specs/bird.json");
    std::fs::copy(root.join("specs/bird/patch-call.json"), &spec_path).unwrap();
    std::fs::write(
        dir.join("oagen.toml"),
        "[crate]\nname = \"x\"\npath = \"out\"\n\n[[spec]]\nmodule = \"bird\"\npath = \"specs/bird.json\"\n",
    )
    .unwrap();
    assert!(oagen(&["sync"], &dir).status.success());
    assert!(
        dir.join("out/specs/bird.json").is_file(),
        "the crate keeps its spec"
    );

    // The vendor adds a hangup cause: a new enum value, which breaks exhaustive matches.
    let mut spec: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&spec_path).unwrap()).unwrap();
    spec["components"]["schemas"]["Hangup"]["properties"]["cause"]["enum"]
        .as_array_mut()
        .unwrap()
        .push("no-answer".into());
    std::fs::write(&spec_path, spec.to_string()).unwrap();

    let result = oagen(&["sync", "--changelog"], &dir);
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(result.status.success(), "{stderr}");
    assert!(
        stderr.contains("bird: 1 API change (1 breaking); suggested version bump: major"),
        "{stderr}"
    );
    let changelog = std::fs::read_to_string(dir.join("out/CHANGELOG.md")).unwrap();
    assert!(changelog.starts_with("# Changelog\n\n## "), "{changelog}");
    assert!(
        changelog.contains("**breaking**") && changelog.contains("no-answer"),
        "{changelog}"
    );

    // A sync without changes keeps the changelog, and --check ignores it.
    assert!(oagen(&["sync"], &dir).status.success());
    assert_eq!(
        std::fs::read_to_string(dir.join("out/CHANGELOG.md")).unwrap(),
        changelog
    );
    assert!(oagen(&["sync", "--check"], &dir).status.success());
}

#[test]
fn diff_fails_on_breaking_changes_only_when_asked() {
    let root = workspace();
    let older = "tests/fixtures/vocode-history/openapi-2024-04-19-abfcd9db.json";
    let old = "tests/fixtures/vocode-history/openapi-2024-08-16-d857d7e4.json";
    let new = "specs/vocode/openapi.json";
    let fail = oagen(&["diff", older, old, "--fail-on", "breaking"], &root);
    assert_eq!(fail.status.code(), Some(1));
    // The last update only adds optional fields: a new setter on `#[non_exhaustive]`
    // structs, not breaking; `--fail-on any` still fails on it.
    let pass = oagen(&["diff", old, new, "--fail-on", "breaking"], &root);
    assert!(pass.status.success());
    let text = String::from_utf8_lossy(&pass.stdout);
    assert!(text.contains("AgentParams.idle_time_seconds"), "{text}");
    let any = oagen(&["diff", old, new, "--fail-on", "any"], &root);
    assert_eq!(any.status.code(), Some(1));
    let report = oagen(&["diff", older, old, "--format", "json"], &root);
    assert!(report.status.success());
    let json: serde_json::Value = serde_json::from_slice(&report.stdout).unwrap();
    assert_eq!(json["bump"], "major");
    let same = oagen(&["diff", new, new, "--fail-on", "any"], &root);
    assert!(same.status.success());
}

#[test]
fn out_refuses_a_directory_oagen_did_not_write_unless_forced() {
    let root = workspace();
    let out = root.join("target/oagen-cli/not-ours");
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(out.join(".git")).unwrap();
    std::fs::write(out.join(".git/HEAD"), "ref: refs/heads/main\n").unwrap();
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    let generate = |extra: &[&str]| {
        let mut args = vec![
            "generate",
            "specs/bird/patch-call.json",
            "--out",
            out.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        oagen(&args, &root)
    };

    let refused = generate(&[]);
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(!refused.status.success(), "{stderr}");
    assert!(
        stderr.contains("oagen did not write it") && stderr.contains("--force"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("notes.txt")).unwrap(),
        "mine"
    );
    assert!(out.join(".git/HEAD").is_file(), ".git is kept");
    assert!(!out.join("Cargo.toml").exists(), "nothing is written");

    // A crate oagen wrote is replaced without asking.
    std::fs::remove_dir_all(&out).unwrap();
    assert!(generate(&[]).status.success());
    let spec = root.join("specs/bird/patch-call.json");
    let changed = root.join("target/oagen-cli/patch-call.json");
    std::fs::write(
        &changed,
        std::fs::read_to_string(&spec).unwrap().replacen(
            "\"title\"",
            "\"description\": \"changed\", \"title\"",
            1,
        ),
    )
    .unwrap();
    let again = oagen(
        &[
            "generate",
            changed.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
        &root,
    );
    assert!(
        again.status.success(),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );

    // --force replaces a foreign directory.
    std::fs::remove_dir_all(&out).unwrap();
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    let forced = generate(&["--force"]);
    assert!(
        forced.status.success(),
        "{}",
        String::from_utf8_lossy(&forced.stderr)
    );
    assert!(out.join("Cargo.toml").is_file());
    assert!(!out.join("notes.txt").exists());
}

#[test]
fn sync_refuses_to_replace_a_directory_oagen_did_not_write() {
    let dir = workspace().join("target/oagen-cli/sync-not-ours");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("specs")).unwrap();
    std::fs::copy(
        workspace().join("specs/bird/patch-call.json"),
        dir.join("specs/bird.json"),
    )
    .unwrap();
    // The crate's path is the project itself.
    std::fs::write(
        dir.join("oagen.toml"),
        "[crate]\nname = \"bird\"\npath = \".\"\n\n[[spec]]\nmodule = \"bird\"\npath = \"specs/bird.json\"\n",
    )
    .unwrap();
    let result = oagen(&["sync"], &dir);
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(!result.status.success(), "{stderr}");
    assert!(stderr.contains("oagen did not write it"), "{stderr}");
    assert!(dir.join("oagen.toml").is_file() && dir.join("specs/bird.json").is_file());
}
