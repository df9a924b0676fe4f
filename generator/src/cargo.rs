//! The generated crate's `Cargo.toml` (from `templates/Cargo.toml.jinja`) and the check
//! that a build script's crate lists the dependencies the generated code uses.

use crate::diag::Error;
use crate::Generated;
use std::path::Path;

/// The `Cargo.toml` template of a generated crate.
const CARGO_TEMPLATE: &str = include_str!("../../templates/Cargo.toml.jinja");

/// The crates generated code may use: the `[dependencies]` of the generated crates'
/// `Cargo.toml` template (`templates/Cargo.toml.jinja`), so the two never disagree. A crate
/// that `include!`s generated code must list those the code uses; [`Config::compile`](crate::Config::compile)
/// checks its `Cargo.toml` and names what is missing.
pub fn runtime_dependencies() -> Vec<String> {
    let every_part = ["sse", "webhooks"];
    let Ok(text) = cargo_toml("x", "0.1.0", "x", &[], false, "", &every_part) else {
        return Vec::new();
    };
    toml::from_str::<toml::Table>(&text)
        .ok()
        .and_then(|t| {
            t.get("dependencies")
                .and_then(toml::Value::as_table)
                .cloned()
        })
        .map(|deps| deps.keys().cloned().collect())
        .unwrap_or_default()
}

/// True when `code` refers to crate `name` by path (`name::…` not preceded by an
/// identifier character, so `my_tokio::` does not count).
fn uses_crate(code: &str, name: &str) -> bool {
    let needle = format!("{}::", name.replace('-', "_"));
    code.match_indices(&needle).any(|(i, _)| {
        !code[..i]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_')
    })
}

/// Fails, naming the crates, when the build script's crate does not list what the generated
/// code needs.
pub(crate) fn check_dependencies(manifest: &Path, generated: &Generated) -> Result<(), Error> {
    let Ok(text) = std::fs::read_to_string(manifest) else {
        return Ok(());
    };
    let Ok(parsed) = toml::from_str::<toml::Table>(&text) else {
        return Ok(());
    };
    let deps = parsed.get("dependencies").and_then(toml::Value::as_table);
    let code: String = generated.files.values().map(String::as_str).collect();
    let needed: Vec<String> = runtime_dependencies()
        .into_iter()
        .filter(|name| uses_crate(&code, name))
        .collect();
    let missing: Vec<String> = needed
        .into_iter()
        .filter(|name| deps.is_none_or(|d| !d.contains_key(name)))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    Err(Error::Manifest {
        path: manifest.display().to_string(),
        message: format!(
            "the generated code needs these crates under [dependencies]: {}",
            missing.join(", ")
        ),
    })
}

/// A feature of the generated `Cargo.toml`.
#[derive(Debug, Clone, serde::Serialize)]
pub(crate) struct CargoFeature {
    pub(crate) name: String,
    pub(crate) requires: Vec<String>,
}

pub(crate) fn cargo_toml(
    name: &str,
    version: &str,
    description: &str,
    features: &[CargoFeature],
    standalone: bool,
    header: &str,
    runtime: &[&str],
) -> Result<String, Error> {
    crate::render::template(
        "Cargo.toml",
        CARGO_TEMPLATE,
        crate::render::Syntax::Toml,
        minijinja::context! {
            header => header,
            name => name,
            version => version,
            description => description,
            features => features,
            standalone => standalone,
            runtime => runtime,
        },
    )
}
