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

/// What a hostile spec author puts into every string: quotes and line breaks of each kind
/// to end a TOML string and add keys, comment ends, code fences (backtick, tilde, inside a
/// list, indented), inner attributes, macros, template braces and HTML.
fn payload(tag: &str) -> String {
    [
        "\"'\n[package]\nbuild = \"specs/api.json\"\n",
        "*/ #![deny(warnings)] include!(\"/etc/passwd\") {{ }} {% raw %} </code> <script>",
        "\n```\ncompile_error!(\"INJECTED\");\n```\n",
        "\r\n~~~rust\r\ncompile_error!(\"INJECTED\");\r\n~~~\r\n",
        "\n\n    compile_error!(\"INJECTED\");\n",
        "\u{2028}\u{2028}    compile_error!(\"INJECTED\");\u{2029}",
        "\n- ```\n  compile_error!(\"INJECTED\");\n  ```\n",
        "\n> ```\n> compile_error!(\"INJECTED\");\n> ```\n\u{b}\u{c}\u{85}`",
    ]
    .iter()
    .map(|p| format!("{tag}{p}"))
    .collect()
}

/// A spec with [`payload`] in every string slot of the OpenAPI object model that reaches
/// generated output: titles, descriptions, summaries, names of schemas, properties,
/// parameters, tags, security schemes and webhooks, enum values, examples, defaults,
/// constants, formats, patterns, server URLs and variables, and extension values.
fn hostile_spec() -> serde_json::Value {
    use serde_json::json;
    let p = payload;
    let object = json!({
        "type": "object",
        "title": p("schema title"),
        "description": p("schema description"),
        "required": [p("required property"), "kind"],
        "properties": {
            p("required property"): {
                "type": "string",
                "description": p("property description"),
                "format": p("format"),
                "pattern": p("pattern"),
                "example": p("example"),
            },
            p("optional property"): {
                "type": "string",
                "default": p("default"),
                "examples": [p("examples")],
                "x-oagen-name": p("x-oagen-name"),
            },
            "kind": {"type": "string", "enum": [p("enum value"), "plain", p("second value")]},
            "fixed": {"const": p("const")},
            "nested": {"$ref": "#/components/schemas/Other"},
        },
        "x-extension": p("extension value"),
    });
    let union = json!({
        "oneOf": [
            {"$ref": "#/components/schemas/Other"},
            {"$ref": "#/components/schemas/Third"},
        ],
        "discriminator": {
            "propertyName": p("discriminator"),
            "mapping": {
                p("mapping one"): "#/components/schemas/Other",
                p("mapping two"): "#/components/schemas/Third",
            }
        },
        "description": p("union description"),
    });
    let branch = |name: &str| {
        json!({
            "type": "object",
            "description": p(name),
            "required": [p("discriminator")],
            "properties": {p("discriminator"): {"type": "string"}, "value": {"type": "integer"}},
        })
    };
    let parameters = json!([
        {"name": "id", "in": "path", "required": true, "description": p("path parameter"),
         "schema": {"type": "string", "example": p("path example")}},
        {"name": p("query parameter"), "in": "query", "required": true,
         "description": p("query description"), "schema": {"type": "string", "enum": [p("query enum")]}},
        {"name": p("optional query"), "in": "query", "schema": {"type": "integer", "default": 3}},
    ]);
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": p("info title"),
            "version": p("info version"),
            "description": p("info description"),
            "summary": p("info summary"),
        },
        "servers": [{
            "url": "https://{region}.example.com/v1",
            "description": p("server description"),
            "variables": {"region": {"default": p("variable default"), "enum": [p("variable default"), p("variable value")],
                                     "description": p("variable description")}},
        }, {"url": p("https://second.example.com/"), "description": p("second server")}],
        "tags": [{"name": p("tag"), "description": p("tag description")}],
        "security": [{p("scheme"): []}],
        "paths": {
            "/items/{id}": {
                "summary": p("path summary"),
                "parameters": parameters,
                "post": {
                    "operationId": p("operation id"),
                    "summary": p("operation summary"),
                    "description": p("operation description"),
                    "tags": [p("tag")],
                    "requestBody": {
                        "required": true,
                        "description": p("body description"),
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Item"},
                                     "example": {"kind": "plain"}}},
                    },
                    "responses": {
                        "200": {"description": p("response description"),
                                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Union"}}}},
                        "404": {"description": p("error description"),
                                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Item"}}}},
                    },
                },
                "get": {
                    "summary": p("second operation"),
                    "responses": {"200": {"description": p("plain response"),
                        "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Item"}}}}}},
                },
            },
        },
        "webhooks": {
            p("webhook"): {"post": {
                "description": p("webhook description"),
                "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Item"}}}},
                "responses": {"200": {"description": p("webhook response")}},
            }},
        },
        "components": {
            "schemas": {
                "Item": object,
                "Union": union,
                "Other": branch("other"),
                "Third": branch("third"),
                p("schema name"): {"type": "string", "enum": [p("named enum")], "description": p("named description")},
            },
            "securitySchemes": {
                p("scheme"): {"type": "apiKey", "in": "query", "name": p("api key name"),
                               "description": p("scheme description")},
                p("bearer"): {"type": "http", "scheme": "bearer", "bearerFormat": p("bearer format"),
                               "description": p("bearer description")},
            },
        },
    })
}

/// Every string slot of [`hostile_spec`] holds code, TOML and Markdown: the crate
/// generates, its `Cargo.toml` has exactly the keys oagen writes with the spec's text as
/// values, no Rust line outside doc comments and string literals holds the payload, and
/// `cargo test --doc` compiles only oagen's own examples (an injected block would be a
/// `compile_error!`).
#[test]
fn spec_text_becomes_no_code_no_toml_and_no_doctest() {
    let dir = workspace().join("target/oagen-cli/hostile-spec");
    std::fs::create_dir_all(&dir).unwrap();
    let spec = dir.join("hostile.json");
    std::fs::write(
        &spec,
        serde_json::to_string_pretty(&hostile_spec()).unwrap(),
    )
    .unwrap();
    let out = generate(&spec, "hostile");

    let manifest: toml::Table =
        toml::from_str(&std::fs::read_to_string(out.join("Cargo.toml")).unwrap()).unwrap();
    let package = manifest["package"].as_table().unwrap();
    let mut keys: Vec<&str> = package.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "description",
            "edition",
            "license",
            "name",
            "publish",
            "version"
        ]
    );
    let mut tables: Vec<&str> = manifest.keys().map(String::as_str).collect();
    tables.sort_unstable();
    assert_eq!(tables, ["dependencies", "features", "package", "workspace"]);
    assert!(
        package["description"]
            .as_str()
            .unwrap()
            .contains("info title\"' [package] build = \"specs/api.json\""),
        "the title is kept as text, on one line: {:?}",
        package["description"]
    );

    for entry in walk(&out.join("src")) {
        let text = std::fs::read_to_string(&entry).unwrap();
        for (n, line) in text.lines().enumerate() {
            let trimmed = line.trim_start();
            if trimmed.starts_with("///") || trimmed.starts_with("//!") {
                continue;
            }
            let code = without_string_literals(line);
            for needle in [
                "INJECTED",
                "include!(\"/etc",
                "#![deny(warnings)]",
                "[package]",
            ] {
                assert!(
                    !code.contains(needle),
                    "{}:{}: {needle} outside a string literal or doc comment: {line}",
                    entry.display(),
                    n + 1
                );
            }
        }
    }

    let doc = cargo(&out, &["test", "--doc", "--no-default-features"]);
    assert_success(&doc, "cargo test --doc");
    let stdout = String::from_utf8_lossy(&doc.stdout);
    let ran: usize = stdout
        .lines()
        .filter_map(|l| l.strip_prefix("test result: ok. "))
        .filter_map(|l| l.split(' ').next()?.parse::<usize>().ok())
        .sum();
    assert!(
        ran > 0 && !stdout.contains("INJECTED"),
        "oagen's examples ran: {stdout}"
    );
}

/// The files below `dir`, recursively.
fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// `line` with the contents of its string literals (`"…"`, escapes included) removed.
fn without_string_literals(line: &str) -> String {
    let mut out = String::new();
    let mut chars = line.chars();
    let mut in_string = false;
    while let Some(c) = chars.next() {
        match (in_string, c) {
            (false, '"') => {
                in_string = true;
                out.push(c);
            }
            (true, '\\') => {
                chars.next();
            }
            (true, '"') => {
                in_string = false;
                out.push(c);
            }
            (true, _) => {}
            (false, _) => out.push(c),
        }
    }
    out
}

/// Control characters and line breaks in `info.title` and `info.version` (which reach
/// `Cargo.toml`, the README and docs) are named by a warning at their pointer.
#[test]
fn control_characters_in_info_are_warned_about() {
    let dir = workspace().join("target/oagen-cli/hostile-info");
    std::fs::create_dir_all(&dir).unwrap();
    let spec = dir.join("hostile.json");
    std::fs::write(&spec, serde_json::to_string(&hostile_spec()).unwrap()).unwrap();
    let lowered = oagen::Config::new().spec(&spec).lower_configured().unwrap();
    for key in ["title", "version"] {
        assert!(
            lowered.warnings.iter().any(|w| {
                let w = w.to_string();
                w.contains(&format!("`info.{key}` holds control characters"))
                    && w.contains(&format!("#/info/{key}"))
            }),
            "{key}: {:?}",
            lowered.warnings
        );
    }
}
