//! The `oagen` command line: a thin front end over [`oagen::Config::generate`].

use clap::{Parser, Subcommand};
use oagen::{manifest::Manifest, Config, Error};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// OpenAPI 3.0/3.1 → typed async Rust SDKs.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate a standalone crate from one spec.
    Generate {
        /// The spec (`.json`, `.yaml` or `.yml`).
        spec: PathBuf,
        /// Output directory (replaced atomically).
        #[arg(long)]
        out: PathBuf,
        /// Cargo package name (default: from the spec's `info.title`).
        #[arg(long)]
        name: Option<String>,
    },
    /// Regenerate the crate described by `oagen.toml`.
    Sync {
        /// The manifest.
        #[arg(long, default_value = "oagen.toml")]
        manifest: PathBuf,
        /// Write nothing; fail, naming the stale files, if the crate is out of date.
        #[arg(long)]
        check: bool,
    },
    /// Load and lower a spec, reporting every diagnostic, without generating.
    Check {
        /// The spec.
        spec: PathBuf,
    },
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

fn print_warnings(warnings: &[oagen::Diagnostic]) {
    for w in warnings {
        eprintln!("{w}");
    }
}

fn run(cli: Cli) -> Result<(), Error> {
    match cli.command {
        Command::Generate { spec, out, name } => {
            let mut config = Config::new();
            config
                .spec(&spec)
                .standalone(true)
                .regenerate_command(&format!(
                    "oagen generate {} --out {}",
                    spec.display(),
                    out.display()
                ));
            if let Some(name) = &name {
                config.crate_name(name);
            }
            let generated = config.generate()?;
            print_warnings(&generated.warnings);
            generated.write(&out)?;
            eprintln!("wrote {} files to {}", generated.files.len(), out.display());
            Ok(())
        }
        Command::Sync { manifest, check } => {
            let parsed = Manifest::read(&manifest)?;
            let root = manifest
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            let generated = parsed.config(root).generate()?;
            print_warnings(&generated.warnings);
            let out = root.join(&parsed.krate.path);
            if check {
                generated.check(&out, "cargo run --release -p oagen -- sync")?;
                eprintln!("{} is up to date", out.display());
            } else {
                generated.write(&out)?;
                eprintln!("wrote {} files to {}", generated.files.len(), out.display());
            }
            Ok(())
        }
        Command::Check { spec } => {
            let display = spec.to_string_lossy().replace('\\', "/");
            let doc = oagen::load::load_file(&spec, &display)?;
            let (api, warnings) = oagen::lower::lower(&doc)?;
            print_warnings(&warnings);
            eprintln!(
                "{}: {} types, {} operations, {} warnings",
                display,
                api.types.len(),
                api.operations.len(),
                warnings.len()
            );
            Ok(())
        }
    }
}
