//! A spec is untrusted input: whatever its names and strings, the generated crate compiles,
//! its doctests are oagen's own examples, and its `Cargo.toml` has exactly the keys oagen
//! writes.
//!
//! Each test generates a standalone crate with the `oagen` binary and builds it with Cargo
//! in `target/oagen-cli/target` (shared with `cli.rs`, so the dependencies build once).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// Generates the crate `name` from `spec` into `target/oagen-cli/<name>`.
fn generate(spec: &Path, name: &str) -> PathBuf {
    let root = workspace();
    let out = root.join("target/oagen-cli").join(name);
    let _ = std::fs::remove_dir_all(&out);
    let result = Command::new(env!("CARGO_BIN_EXE_oagen"))
        .arg("generate")
        .arg(spec)
        .arg("--out")
        .arg(&out)
        .args(["--name", name])
        .current_dir(&root)
        .output()
        .expect("oagen runs");
    assert!(
        result.status.success(),
        "oagen generate failed:\n{}",
        String::from_utf8_lossy(&result.stderr)
    );
    out
}

/// Runs `cargo <args>` on the crate at `dir`.
fn cargo(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO"))
        .args(args)
        .arg("--manifest-path")
        .arg(dir.join("Cargo.toml"))
        .env(
            "CARGO_TARGET_DIR",
            workspace().join("target/oagen-cli/target"),
        )
        .output()
        .expect("cargo runs")
}

fn assert_success(output: &Output, what: &str) {
    assert!(
        output.status.success(),
        "{what} failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// `fixtures/hygiene.json` (made by `fixtures/hygiene.py`) names schemas after every
/// uppercase letter (the generic parameters of serde impls were `A`, `D`, `S`, `F`) and
/// after std, serde and runtime names (`Option`, `Value`, `Deserializer`, `Client`,
/// `Error`, `Unknown`, …), with properties and parameters named like the locals of
/// generated bodies, in structs, enums, tagged and untagged unions: the crate compiles
/// with each type implementing only the serde traits it needs, and with `full-serde`.
#[test]
fn schema_and_property_names_cannot_capture_generated_names() {
    let spec = workspace().join("tests/fixtures/hygiene.json");
    let out = generate(&spec, "hygiene");
    for features in [&[][..], &["--features", "full-serde"][..]] {
        let mut args = vec!["check", "--quiet", "--no-default-features"];
        args.extend_from_slice(features);
        assert_success(&cargo(&out, &args), &format!("cargo {}", args.join(" ")));
    }
}
