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

/// The crate name made from a spec's title: kebab case, ASCII letters and digits only,
/// `api-` in front of a leading digit (`2GIS API` → `api-2gis-api`), `api-client` when
/// nothing is left.
pub(crate) fn default_crate_name(title: &str) -> String {
    let kebab = heck::ToKebabCase::to_kebab_case(title);
    let mut name = String::with_capacity(kebab.len());
    for c in kebab.chars() {
        if c.is_ascii_alphanumeric() {
            name.push(c);
        } else if !name.is_empty() && !name.ends_with('-') {
            name.push('-');
        }
    }
    let name = name.trim_end_matches('-');
    if name.is_empty() {
        "api-client".to_string()
    } else if name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("api-{name}")
    } else {
        name.to_string()
    }
}

/// [`Error::CrateName`] unless `name` is a Cargo package name crates.io accepts: ASCII
/// letters, digits, `-` and `_`, starting with a letter or `_` (Cargo's rule, narrowed to
/// ASCII as crates.io narrows it).
pub(crate) fn check_crate_name(name: &str) -> Result<(), Error> {
    let reason = if name.is_empty() {
        Some("it is empty".to_string())
    } else if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
    {
        Some(format!(
            "`{c}` is not allowed (ASCII letters, digits, `-` and `_` are)"
        ))
    } else if name.starts_with(|c: char| c.is_ascii_digit()) {
        Some("it starts with a digit".to_string())
    } else {
        None
    };
    match reason {
        Some(reason) => Err(Error::CrateName {
            name: name.to_string(),
            reason,
        }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crate_names_from_titles_are_valid() {
        for (title, name) in [
            ("Stripe API", "stripe-api"),
            ("2GIS API", "api-2gis-api"),
            ("Über Dienste (v2)", "ber-dienste-v2"),
            ("中文", "api-client"),
        ] {
            assert_eq!(default_crate_name(title), name);
            assert!(check_crate_name(name).is_ok(), "{name}");
        }
    }

    #[test]
    fn crate_names_follow_cargo_rules() {
        for ok in ["stripe", "bird-sdk", "voice_apis", "_x", "api-2gis"] {
            assert!(check_crate_name(ok).is_ok(), "{ok}");
        }
        for (bad, why) in [
            ("stripe.com", "`.` is not allowed"),
            ("2gis", "starts with a digit"),
            ("", "empty"),
            ("a b", "` ` is not allowed"),
        ] {
            let err = check_crate_name(bad).unwrap_err().to_string();
            assert!(err.contains(why) && err.contains(bad), "{err}");
        }
    }
}
