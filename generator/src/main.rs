//! The `oagen` command line: a thin front end over [`oagen::Config::generate`].

use clap::{Parser, Subcommand, ValueEnum};
use oagen::{Config, Error};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// mimalloc instead of glibc's allocator: generation allocates and frees millions of small
/// token, tree and string nodes, and glibc's `malloc`/`free` took 40% of the CLI's cycles
/// (tests/bench/README.md). It is built without transparent huge pages (`no_thp`), which
/// counted up to 2 MiB of RSS per touched page (GitHub's spec: 174 → 135 MiB peak). Build
/// scripts calling the library keep their own allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
        /// Output directory (replaced atomically). A directory that is not empty must hold
        /// a crate oagen generated, unless `--force` is given.
        #[arg(long)]
        out: PathBuf,
        /// Replace `--out` even when it holds files oagen did not write (all are deleted).
        #[arg(long)]
        force: bool,
        /// Cargo package name (default: from the spec's `info.title`).
        #[arg(long)]
        name: Option<String>,
        /// One Cargo feature per tag (`tag-<tag>`, or `path-<segment>` for operations
        /// without tags; all on by default): users compile only the operations they call
        /// and the types those need.
        #[arg(long)]
        features_per_tag: bool,
        /// An OpenAPI Overlay 1.0.0 file applied to the spec before generating; repeat to
        /// apply several, in order.
        #[arg(long = "overlay", value_name = "FILE")]
        overlays: Vec<PathBuf>,
    },
    /// Regenerate the crate described by `oagen.toml`.
    Sync {
        /// The manifest.
        #[arg(long, default_value = "oagen.toml")]
        manifest: PathBuf,
        /// Write nothing; fail, naming the stale files, if the crate is out of date.
        #[arg(long)]
        check: bool,
        /// Add a dated entry to the crate's CHANGELOG.md for each spec whose API changed.
        #[arg(long, conflicts_with = "check")]
        changelog: bool,
    },
    /// Fetch each `[[spec]]`'s `source` (https only), print its API diff against the committed
    /// spec, write it, regenerate, bump `[crate] version` by the diff's verdict, pin the
    /// fetched text's `sha256` and add a CHANGELOG entry.
    Update {
        /// The modules to update (default: every spec with a `source`).
        modules: Vec<String>,
        /// The manifest.
        #[arg(long, default_value = "oagen.toml")]
        manifest: PathBuf,
        /// Write nothing; exit with status 1 when any source differs from the committed spec
        /// or from the `sha256` pinned in `oagen.toml`.
        #[arg(long)]
        check: bool,
        /// The longest one fetch may take, in seconds.
        #[arg(long, default_value_t = 60)]
        timeout: u64,
    },
    /// Load and lower a spec, reporting every diagnostic, without generating.
    Check {
        /// The spec.
        spec: PathBuf,
        /// Treat warnings (constructs typed less precisely than the spec, overlay actions
        /// that select nothing) as errors.
        #[arg(long)]
        strict: bool,
        /// An OpenAPI Overlay 1.0.0 file applied to the spec first; repeatable, in order.
        #[arg(long = "overlay", value_name = "FILE")]
        overlays: Vec<PathBuf>,
    },
    /// Print, as a JSON object, the Rust type of every component schema: its JSON pointer →
    /// the type's path in the generated crate (`types::Call`); see `oagen::schema_map`.
    Schemas {
        /// The spec.
        spec: PathBuf,
    },
    /// Compare two versions of a spec: what changed in the generated SDK, what breaks, and
    /// the version bump it calls for.
    Diff {
        /// The old spec.
        old: PathBuf,
        /// The new spec.
        new: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
        format: DiffFormat,
        /// Exit with status 1 when the diff has changes of this kind.
        #[arg(long, value_enum, default_value_t = FailOn::Never)]
        fail_on: FailOn,
        /// An OpenAPI Overlay 1.0.0 file applied to both specs first; repeatable, in order.
        #[arg(long = "overlay", value_name = "FILE")]
        overlays: Vec<PathBuf>,
    },
}

/// How `oagen diff` prints its report.
#[derive(Clone, Copy, ValueEnum)]
enum DiffFormat {
    /// Readable text: summary, breaking changes, other changes.
    Text,
    /// The report as JSON (`oagen::diff::Report`).
    Json,
}

/// Which changes make `oagen diff` fail.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum FailOn {
    /// Any breaking change.
    Breaking,
    /// Any change at all.
    Any,
    /// Nothing: always exit 0 once both specs load.
    Never,
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(code) => code,
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

/// The configuration of one spec with its overlays.
fn config(spec: &Path, overlays: &[PathBuf]) -> Config {
    let mut config = Config::new();
    config.spec(spec);
    for overlay in overlays {
        config.overlay(overlay);
    }
    config
}

/// Lowers one spec (with its overlays) as generation would, and the warnings.
fn lower(config: &Config) -> Result<(oagen::ir::Api, Vec<oagen::Diagnostic>), Error> {
    let lowered = config.lower_configured()?;
    let api = lowered.specs.into_iter().next().map(|s| s.api);
    let api = api.ok_or_else(|| Error::Internal {
        item: "lower_configured".into(),
        message: "no spec lowered".into(),
    })?;
    Ok((api, lowered.warnings))
}

fn run(cli: Cli) -> Result<ExitCode, Error> {
    match cli.command {
        Command::Generate {
            spec,
            out,
            name,
            features_per_tag,
            overlays,
            force,
        } => {
            let mut config = config(&spec, &overlays);
            config
                .standalone(true)
                .features_per_tag(features_per_tag)
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
            if force {
                generated.write_over(&out)?;
            } else {
                generated.write(&out)?;
            }
            eprintln!("wrote {} files to {}", generated.files.len(), out.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Sync {
            manifest,
            check,
            changelog,
        } => {
            let mut options = oagen::sync::SyncOptions::default();
            options.check = check;
            options.changelog = changelog;
            let synced = oagen::sync::sync(&manifest, &options)?;
            print_warnings(&synced.generated.warnings);
            print_warnings(&synced.notes);
            for change in &synced.changes {
                eprintln!("{}", oagen::sync::summary(change));
            }
            if check {
                eprintln!("{} is up to date", synced.out.display());
            } else {
                eprintln!(
                    "wrote {} files to {}",
                    synced.generated.files.len(),
                    synced.out.display()
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Update {
            modules,
            manifest,
            check,
            timeout,
        } => update(&manifest, modules, check, timeout),
        Command::Check {
            spec,
            strict,
            overlays,
        } => {
            let display = spec.to_string_lossy().replace('\\', "/");
            let (api, warnings) = lower(config(&spec, &overlays).strict(strict))?;
            print_warnings(&warnings);
            let paged: Vec<String> = api
                .operations
                .iter()
                .filter_map(|op| {
                    let p = oagen::lower::describe_pagination(&api, op)?;
                    Some(format!("  {} ({p})", op.name.wire))
                })
                .collect();
            if !paged.is_empty() {
                eprintln!("paginated operations (each request gets a `.stream()` of items):");
                eprintln!("{}", paged.join("\n"));
            }
            eprintln!(
                "{}: {} types, {} operations, {} warnings",
                display,
                api.types.len(),
                api.operations.len(),
                warnings.len()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Schemas { spec } => {
            let map = oagen::schema_map::schema_types(&lower(&config(&spec, &[]))?.0);
            let json = serde_json::to_string_pretty(&map).map_err(|e| Error::Internal {
                item: "schema map".into(),
                message: e.to_string(),
            })?;
            println!("{json}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Diff {
            old,
            new,
            format,
            fail_on,
            overlays,
        } => diff(&old, &new, format, fail_on, &overlays),
    }
}

/// `oagen update`: prints what changed per source, then the diffs and the new version.
fn update(
    manifest: &Path,
    modules: Vec<String>,
    check: bool,
    timeout: u64,
) -> Result<ExitCode, Error> {
    let mut options = oagen::update::UpdateOptions::default();
    options.modules = modules;
    options.check = check;
    options.timeout = std::time::Duration::from_secs(timeout);
    let updated = oagen::update::update(manifest, &options)?;
    for source in &updated.sources {
        let state = if source.changed {
            "differs from"
        } else {
            "is the same as"
        };
        eprintln!(
            "{}: {} {state} {}",
            source.module,
            source.source,
            source.path.display()
        );
    }
    print_warnings(&updated.warnings);
    for change in &updated.changes {
        println!("{}:\n{}", change.module, change.report);
    }
    for source in updated.pin_mismatches() {
        eprintln!(
            "{}: {} now has SHA-256 {}, but oagen.toml pins sha256 = \"{}\"{}",
            source.module,
            source.source,
            source.sha256,
            source.pinned.as_deref().unwrap_or_default(),
            if check {
                "; review the change with `oagen update`, which pins the new hash"
            } else {
                "; the new hash is pinned"
            }
        );
    }
    if check && updated.pin_mismatches().next().is_some() {
        eprintln!("oagen update --check: a source no longer matches its pinned sha256");
        return Ok(ExitCode::FAILURE);
    }
    match (&updated.version, check) {
        (_, true) if updated.any_changed() => {
            eprintln!("oagen update --check: a source differs; run `oagen update`");
            Ok(ExitCode::FAILURE)
        }
        ((old, Some(new)), _) => {
            eprintln!("version {old} -> {new} ({} bump)", updated.bump);
            Ok(ExitCode::SUCCESS)
        }
        _ => {
            eprintln!("every spec is up to date");
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `oagen diff`: prints the report; fails as `--fail-on` says.
fn diff(
    old: &Path,
    new: &Path,
    format: DiffFormat,
    fail_on: FailOn,
    overlays: &[PathBuf],
) -> Result<ExitCode, Error> {
    let (old, _) = lower(&config(old, overlays))?;
    let (new, _) = lower(&config(new, overlays))?;
    let report = oagen::diff::diff(&old, &new);
    let text = match format {
        DiffFormat::Text => report.to_string(),
        DiffFormat::Json => {
            let mut json = serde_json::to_string_pretty(&report).map_err(|e| Error::Internal {
                item: "diff report".into(),
                message: e.to_string(),
            })?;
            json.push('\n');
            json
        }
    };
    let mut stdout = std::io::stdout().lock();
    let written = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush());
    // A closed pipe (`oagen diff … | head`) is not an error.
    if let Err(e) = written {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            return Err(Error::io("<stdout>", e));
        }
    }
    let breaking = report.breaking().count();
    let fail = match fail_on {
        FailOn::Breaking => breaking > 0,
        FailOn::Any => !report.changes.is_empty(),
        FailOn::Never => false,
    };
    if fail {
        eprintln!(
            "oagen diff: {} changes, {breaking} breaking (--fail-on {})",
            report.changes.len(),
            if fail_on == FailOn::Any {
                "any"
            } else {
                "breaking"
            }
        );
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}
