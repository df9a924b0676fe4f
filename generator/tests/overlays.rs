//! Overlays in the pipeline: declared with `Config::overlay`, in `oagen.toml` and with
//! `--overlay` on `oagen generate`, `check` and `diff`; applied before anything reads the
//! spec; diagnostics name the overlay action that changed a node or selects nothing.

use oagen::Config;
use std::path::{Path, PathBuf};
use std::process::Command;

const SPEC: &str = r#"openapi: 3.0.3
info: {title: Pets, version: '1'}
paths:
  /pets/{petId}:
    get:
      operationId: getPet
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Pet'}
components:
  schemas:
    Pet:
      type: object
      properties:
        id: {type: string}
"#;

/// Declares the path parameter, renames the operation, and has one action that selects
/// nothing (index 2).
const FIX: &str = r#"overlay: 1.0.0
info: {title: fixes, version: '1'}
actions:
  - target: "$.paths['/pets/{petId}']"
    update:
      parameters:
        - {name: petId, in: path, required: true, schema: {type: integer, format: int64}}
  - target: "$.paths['/pets/{petId}'].get"
    update: {x-oagen-name: fetch_pet}
  - target: "$.paths['/gone']"
    remove: true
"#;

/// Adds `Child`, whose `allOf` branches contradict each other on `id`: a warning inside a
/// node the overlay added.
const CONTRADICT: &str = r#"overlay: 1.0.0
info: {title: contradiction, version: '1'}
actions:
  - target: "$.components.schemas"
    update:
      Child:
        allOf:
          - $ref: '#/components/schemas/Pet'
          - properties:
              id: {type: integer}
"#;

fn project(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("overlays-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("pets.yaml"), SPEC).unwrap();
    std::fs::write(dir.join("fix.yaml"), FIX).unwrap();
    std::fs::write(dir.join("contradict.yaml"), CONTRADICT).unwrap();
    dir
}

fn client(generated: &oagen::Generated) -> &str {
    &generated.files[Path::new("src/client.rs")]
}

#[test]
fn config_overlay_fixes_the_spec_before_lowering_and_warns_about_actions_that_select_nothing() {
    let dir = project("config");
    let plain = Config::new()
        .root(&dir)
        .spec("pets.yaml")
        .generate()
        .unwrap();
    assert!(client(&plain).contains("pub fn get_pet("));
    assert!(
        plain.warnings.iter().any(|w| w.message.contains("`petId`")),
        "without the overlay, the undeclared parameter is a warning"
    );

    let fixed = Config::new()
        .root(&dir)
        .spec("pets.yaml")
        .overlay("fix.yaml")
        .generate()
        .unwrap();
    let code = client(&fixed);
    assert!(code.contains("pub fn fetch_pet("), "{code}");
    assert!(code.contains("pet_id: i64"), "{code}");
    let warnings: Vec<String> = fixed.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].contains("fix.yaml#/actions/2"),
        "{}",
        warnings[0]
    );
    assert!(warnings[0].contains("$.paths['/gone']"), "{}", warnings[0]);
    // The generated crate keeps the vendor's spec verbatim, not the overlaid one.
    assert_eq!(fixed.files[Path::new("specs/api.yaml")], SPEC);

    // Given before the spec, the overlay attaches to the next spec added.
    let early = Config::new()
        .root(&dir)
        .overlay("fix.yaml")
        .spec("pets.yaml")
        .generate()
        .unwrap();
    assert_eq!(early.files, fixed.files);

    let strict = Config::new()
        .root(&dir)
        .spec("pets.yaml")
        .overlay("fix.yaml")
        .strict(true)
        .generate()
        .unwrap_err()
        .to_string();
    assert!(
        strict.contains("error: the target `$.paths['/gone']`"),
        "{strict}"
    );
    assert!(strict.contains("fix.yaml#/actions/2"), "{strict}");
}

#[test]
fn a_diagnostic_about_a_node_an_overlay_changed_names_the_overlay_action() {
    let dir = project("origins");
    let generated = Config::new()
        .root(&dir)
        .spec("pets.yaml")
        .overlay("fix.yaml")
        .overlay("contradict.yaml")
        .generate()
        .unwrap();
    let contradiction = generated
        .warnings
        .iter()
        .find(|w| w.message.contains("contradict"))
        .unwrap_or_else(|| panic!("{:?}", generated.warnings));
    assert!(
        contradiction
            .origin
            .pointer
            .starts_with("/components/schemas/Child"),
        "{contradiction}"
    );
    assert_eq!(
        contradiction.hint.as_deref(),
        Some("this node was changed by the overlay action contradict.yaml#/actions/0"),
    );
}

#[test]
fn an_invalid_overlay_is_an_error_naming_its_file_and_pointer() {
    let dir = project("invalid");
    std::fs::write(
        dir.join("bad.yaml"),
        "overlay: 1.0.0\nactions:\n  - target: '$..['\n    update: {}\n",
    )
    .unwrap();
    let err = Config::new()
        .root(&dir)
        .spec("pets.yaml")
        .overlay("bad.yaml")
        .generate()
        .unwrap_err()
        .to_string();
    assert!(err.contains("bad.yaml#/actions/0/target"), "{err}");
    let missing = Config::new()
        .root(&dir)
        .spec("pets.yaml")
        .overlay("missing.yaml")
        .generate()
        .unwrap_err()
        .to_string();
    assert!(missing.contains("missing.yaml"), "{missing}");
}

#[test]
fn manifest_overlays_are_relative_to_the_manifest() {
    let dir = project("manifest");
    std::fs::write(
        dir.join("oagen.toml"),
        "[crate]\nname = \"pets\"\npath = \"out\"\nversion = \"2.1.0\"\n\n[[spec]]\nmodule = \"pets\"\npath = \"pets.yaml\"\noverlays = [\"fix.yaml\"]\n",
    )
    .unwrap();
    let manifest = oagen::manifest::Manifest::read(&dir.join("oagen.toml")).unwrap();
    let generated = manifest.config(&dir).generate().unwrap();
    let code = &generated.files[Path::new("src/pets/client.rs")];
    assert!(code.contains("pub fn fetch_pet("), "{code}");
    let cargo = &generated.files[Path::new("Cargo.toml")];
    assert!(cargo.contains("\nversion = \"2.1.0\"\n"), "{cargo}");
}

fn oagen(dir: &Path, args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_oagen"))
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn the_cli_takes_repeated_overlay_options() {
    let dir = project("cli");
    let (ok, _, err) = oagen(
        &dir,
        &[
            "check",
            "pets.yaml",
            "--overlay",
            "fix.yaml",
            "--overlay",
            "contradict.yaml",
        ],
    );
    assert!(ok, "{err}");
    assert!(err.contains("fix.yaml#/actions/2"), "{err}");
    assert!(err.contains("contradict.yaml#/actions/0"), "{err}");
    assert!(!err.contains("`petId`"), "{err}");
    let (ok, _, err) = oagen(
        &dir,
        &["check", "pets.yaml", "--overlay", "fix.yaml", "--strict"],
    );
    assert!(
        !ok,
        "--strict fails on the action that selects nothing: {err}"
    );

    let (ok, _, err) = oagen(
        &dir,
        &[
            "generate",
            "pets.yaml",
            "--out",
            "crate",
            "--overlay",
            "fix.yaml",
        ],
    );
    assert!(ok, "{err}");
    let code = std::fs::read_to_string(dir.join("crate/src/client.rs")).unwrap();
    assert!(code.contains("pub fn fetch_pet("), "{code}");

    // The same overlay on both sides: only the spec's own change is reported.
    std::fs::write(
        dir.join("pets2.yaml"),
        SPEC.replace(
            "        id: {type: string}\n",
            "        id: {type: string}\n        name: {type: string}\n",
        ),
    )
    .unwrap();
    let (ok, out, err) = oagen(
        &dir,
        &["diff", "pets.yaml", "pets2.yaml", "--overlay", "fix.yaml"],
    );
    assert!(ok, "{err}");
    assert!(out.contains("added field `Pet.name`"), "{out}");
    assert!(!out.contains("pet_id"), "{out}");
}
