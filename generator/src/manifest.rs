//! `oagen.toml`: which spec becomes which module of the generated crate.
//!
//! ```toml
//! [crate]
//! name = "voice-apis"          # package name of the generated crate
//! path = "generated"           # where `oagen sync` writes it, relative to the manifest
//! description = "…"
//! version = "0.3.1"            # of the generated crate (default 0.1.0); `oagen update` bumps it
//! features_per_tag = false     # true: one Cargo feature per tag in each module
//!
//! [[spec]]
//! module = "vocode"            # module and Cargo feature name
//! path = "specs/vocode/openapi.json"
//! overlays = ["specs/vocode/overlay.yaml"]  # applied in order (see `oagen::overlay`)
//! source = "https://…/openapi.json"         # where `oagen update` fetches it (or file://…)
//! webhooks = "shared-secret"  # how webhook deliveries are signed (wins over `x-oagen-webhooks`)
//! sha256 = "…"                 # of what `oagen update` last fetched from `source` (it writes this)
//! ```
//!
//! Paths are relative to the manifest's directory.

use crate::diag::{Diagnostic, Error, Origin};
use crate::ir::WebhookScheme;
use crate::Config;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The parsed manifest.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Manifest {
    /// The generated crate.
    #[serde(rename = "crate")]
    pub krate: CrateSection,
    /// The specs, one module each.
    #[serde(rename = "spec")]
    pub specs: Vec<SpecSection>,
}

/// `[crate]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct CrateSection {
    /// Cargo package name.
    pub name: String,
    /// Output directory, relative to the manifest.
    pub path: PathBuf,
    /// Package description.
    #[serde(default)]
    pub description: Option<String>,
    /// The generated crate's version (default `0.1.0`), bumped by `oagen update`.
    #[serde(default)]
    pub version: Option<String>,
    /// One Cargo feature per tag in each module (see [`Config::features_per_tag`]).
    #[serde(default)]
    pub features_per_tag: bool,
}

/// One `[[spec]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct SpecSection {
    /// Module and feature name: ASCII letters, digits and `_`, not starting with a digit
    /// (checked by [`Manifest::read`]).
    pub module: String,
    /// Spec file, relative to the manifest.
    pub path: PathBuf,
    /// Overlay files applied to the spec, in order, relative to the manifest.
    #[serde(default)]
    pub overlays: Vec<PathBuf>,
    /// Where `oagen update` fetches the spec from: an `https://` URL or a `file://` path
    /// (relative to the manifest when it does not start with `/`); `http://` only for a
    /// loopback host.
    #[serde(default)]
    pub source: Option<String>,
    /// The SHA-256 (lowercase hex) of the text `oagen update` last fetched from `source`
    /// and wrote to `path`: `oagen update` writes it, and `oagen update --check` fails
    /// when the source now serves something else.
    #[serde(default)]
    pub sha256: Option<String>,
    /// How the spec's webhook deliveries are signed: `standard-webhooks`, `stripe`,
    /// `github`, `shared-secret` or `none` (see [`Config::webhook_scheme`]); when absent,
    /// the spec's `x-oagen-webhooks` decides.
    #[serde(default)]
    pub webhooks: Option<String>,
}

impl Manifest {
    /// Reads `oagen.toml`.
    ///
    /// # Errors
    /// [`Error::Io`] if it cannot be read, [`Error::Manifest`] if it is not valid TOML of
    /// this shape, [`Error::Spec`] naming `/spec/<index>/module` for a module name that is
    /// not a Rust identifier.
    pub fn read(path: &Path) -> Result<Manifest, Error> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let manifest: Manifest = toml::from_str(&text).map_err(|e| Error::Manifest {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        let errors: Vec<Diagnostic> = manifest
            .specs
            .iter()
            .enumerate()
            .flat_map(|(i, spec)| {
                let at =
                    |key: &str| Origin::new(path.display().to_string(), format!("/spec/{i}/{key}"));
                let module = crate::naming::module_name_error(&spec.module).map(|reason| {
                    Diagnostic::error(at("module"), format!("the module name {reason}"))
                        .with_hint(crate::naming::MODULE_NAME_HINT)
                });
                let webhooks = spec
                    .webhooks
                    .as_deref()
                    .filter(|name| WebhookScheme::from_name(name).is_none())
                    .map(|name| {
                        Diagnostic::error(
                            at("webhooks"),
                            format!("unknown webhook signature scheme `{name}`"),
                        )
                        .with_hint(format!("one of: {}", WebhookScheme::NAMES.join(", ")))
                    });
                module.into_iter().chain(webhooks)
            })
            .collect();
        if errors.is_empty() {
            Ok(manifest)
        } else {
            Err(Error::Spec(errors))
        }
    }

    /// The [`Config`] that regenerates the crate, with paths resolved against `root` (the
    /// manifest's directory) and shown relative to it.
    pub fn config(&self, root: &Path) -> Config {
        let mut config = Config::new();
        config
            .root(root)
            .crate_name(&self.krate.name)
            .regenerate_command("cargo run --release -p oagen -- sync");
        if let Some(d) = &self.krate.description {
            config.description(d);
        }
        if let Some(v) = &self.krate.version {
            config.crate_version(v);
        }
        config.features_per_tag(self.krate.features_per_tag);
        for spec in &self.specs {
            config.module(&spec.module, &spec.path);
            for overlay in &spec.overlays {
                config.overlay(overlay);
            }
            if let Some(scheme) = spec.webhooks.as_deref().and_then(WebhookScheme::from_name) {
                config.webhook_scheme(scheme);
            }
        }
        config
    }
}
