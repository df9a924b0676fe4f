//! Per-stage benchmark of the generation pipeline: wall time and peak heap of each stage
//! (load → lower → emit → render) for each spec given on the command line.
//!
//! ```sh
//! cargo bench -p oagen --bench stages -- [--runs N] [--manifest oagen.toml] SPEC...
//! ```
//!
//! Each spec (or each `--manifest`, whose specs are generated together as one crate, as
//! `oagen sync` does) is run `N` times (default 5); per stage the median wall time and the
//! median peak heap are printed as one JSON line per spec. The heap is counted by a
//! `#[global_allocator]` that wraps the system allocator and tracks live bytes and their
//! peak; the peak is reset to the live bytes at the start of each stage, so a stage's peak
//! includes what earlier stages still hold (as the process would), and `delta_mb` is the
//! part the stage added on top of what was live when it started.
//!
//! The stages are chained exactly as `Config::generate` chains them for the crate layout:
//! `load::load_file`, `lower::lower` (the document is dropped after lowering), `emit::emit`
//! plus the module root (and the crate root for a manifest), then `render::rust_file` for
//! each of `lib.rs`/`mod.rs`, `types.rs` and `client.rs`. As a cross-check, every run also
//! times `Config::generate` as a whole (`generate` in the output), which adds the runtime
//! module, the spec copy and `Cargo.toml`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

/// The system allocator, counting live bytes and their peak.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(by: usize) {
    let now = LIVE.fetch_add(by, Ordering::Relaxed) + by;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

fn shrank(by: usize) {
    LIVE.fetch_sub(by, Ordering::Relaxed);
}

// SAFETY: every call is forwarded unchanged to `System`; the counters only observe sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) };
        shrank(layout.size());
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size >= layout.size() {
                grew(new_size - layout.size());
            } else {
                shrank(layout.size() - new_size);
            }
        }
        p
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// Wall time and heap of one stage of one run.
#[derive(Clone, Copy, Default)]
struct Sample {
    secs: f64,
    /// Peak live heap during the stage (bytes).
    peak: usize,
    /// Peak minus the live heap at the stage's start.
    delta: usize,
}

/// Runs `f` as one measured stage.
fn stage<T>(f: impl FnOnce() -> T) -> (T, Sample) {
    let start_live = LIVE.load(Ordering::Relaxed);
    PEAK.store(start_live, Ordering::Relaxed);
    let t0 = Instant::now();
    let out = std::hint::black_box(f());
    let secs = t0.elapsed().as_secs_f64();
    let peak = PEAK.load(Ordering::Relaxed);
    (
        out,
        Sample {
            secs,
            peak,
            delta: peak.saturating_sub(start_live),
        },
    )
}

const STAGES: [&str; 4] = ["load", "lower", "emit", "render"];

/// One benchmark target: a single spec (crate root) or a manifest's specs (one module each).
struct Target {
    name: String,
    /// `(module, path)`; `module` is `None` for a single spec.
    specs: Vec<(Option<String>, PathBuf)>,
    /// The manifest, when the target is one.
    manifest: Option<PathBuf>,
}

/// What one run of a target measured.
struct Run {
    stages: [Sample; 4],
    generate: Sample,
    lines_rendered: usize,
    lines_crate: usize,
    rust_bytes: usize,
    ir_types: usize,
    ir_operations: usize,
    warnings: usize,
    /// Seconds of syn parsing, prettyplease printing and dropping the syn tree.
    split: [f64; 3],
}

fn fail(msg: impl std::fmt::Display) -> ! {
    eprintln!("stages: {msg}");
    std::process::exit(1)
}

fn lines(text: &str) -> usize {
    text.lines().count()
}

/// The spec's own size: schemas under `components/schemas` and operations under `paths`.
fn spec_counts(raw: &serde_json::Value) -> (usize, usize) {
    let schemas = raw
        .pointer("/components/schemas")
        .and_then(serde_json::Value::as_object)
        .map_or(0, |m| m.len());
    const METHODS: [&str; 8] = [
        "get", "put", "post", "delete", "options", "head", "patch", "trace",
    ];
    let operations = raw
        .get("paths")
        .and_then(serde_json::Value::as_object)
        .map_or(0, |paths| {
            paths
                .values()
                .filter_map(serde_json::Value::as_object)
                .map(|item| METHODS.iter().filter(|m| item.contains_key(**m)).count())
                .sum()
        });
    (schemas, operations)
}

fn run_once(target: &Target) -> Result<Run, String> {
    let mut samples = [Sample::default(); 4];
    let mut add = |i: usize, s: Sample, first: bool| {
        let acc: &mut Sample = &mut samples[i];
        acc.secs += s.secs;
        // Specs of a manifest run one after another: the stage's peak is the largest.
        acc.peak = if first { s.peak } else { acc.peak.max(s.peak) };
        acc.delta = if first {
            s.delta
        } else {
            acc.delta.max(s.delta)
        };
    };
    let command = "oagen bench";
    let multi = target.specs.len() > 1 || target.specs.iter().any(|(m, _)| m.is_some());
    let mut lines_rendered = 0;
    let mut rust_bytes = 0;
    let mut ir_types = 0;
    let mut ir_operations = 0;
    let mut warnings = 0;
    let mut split = [0.0f64; 3];
    let mut infos = Vec::new();
    for (i, (module, path)) in target.specs.iter().enumerate() {
        let first = i == 0;
        let display = path.to_string_lossy().replace('\\', "/");
        let (doc, s) = stage(|| oagen::load::load_file(path, &display));
        add(0, s, first);
        let doc = doc.map_err(|e| format!("{display}: {e}"))?;
        let (lowered, s) = stage(|| oagen::lower::lower(&doc));
        add(1, s, first);
        let (api, w) = lowered.map_err(|e| format!("{display}: {e}"))?;
        // As in Config::generate, the document is gone before emitting.
        drop(doc);
        ir_types += api.types.len();
        ir_operations += api.operations.len();
        warnings += w.len();
        let info = oagen::emit::ModuleInfo::of(&api, module.clone());
        let ((module_tokens, root_tokens), s) = stage(|| {
            (
                oagen::emit::emit(&api),
                oagen::emit::module_root(&info, !multi),
            )
        });
        add(2, s, first);
        let header = oagen::render::header(&display, command);
        let root_file = if multi { "mod.rs" } else { "lib.rs" };
        let (texts, s) = stage(|| {
            [
                (root_file, root_tokens),
                ("types.rs", module_tokens.types),
                ("client.rs", module_tokens.client),
            ]
            .into_iter()
            .map(|(file, tokens)| oagen::render::rust_file(tokens, &header, file))
            .collect::<Result<Vec<String>, _>>()
        });
        add(3, s, first);
        let texts = texts.map_err(|e| format!("{display}: {e}"))?;
        lines_rendered += texts.iter().map(|t| lines(t)).sum::<usize>();
        rust_bytes += texts.iter().map(String::len).sum::<usize>();
        drop(texts);
        // Diagnostic, outside the stages: where render's time goes (syn parse, prettyplease
        // print, dropping the syn tree) for types.rs and client.rs, on a second emit.
        let again = oagen::emit::emit(&api);
        for tokens in [again.types, again.client] {
            let t0 = Instant::now();
            let file: syn::File = syn::parse2(tokens).map_err(|e| e.to_string())?;
            let t1 = Instant::now();
            let text = std::hint::black_box(prettyplease::unparse(&file));
            let t2 = Instant::now();
            drop(file);
            let t3 = Instant::now();
            drop(text);
            split[0] += (t1 - t0).as_secs_f64();
            split[1] += (t2 - t1).as_secs_f64();
            split[2] += (t3 - t2).as_secs_f64();
        }
        // As in Config::generate, the API lives until its files are rendered.
        drop(api);
        infos.push(info);
    }
    if multi {
        // The crate root of a multi-module crate: emitted and rendered once.
        let (tokens, s) = stage(|| oagen::emit::crate_root(&infos));
        samples[2].secs += s.secs;
        let header = oagen::render::header("oagen.toml", command);
        let (text, s) = stage(|| oagen::render::rust_file(tokens, &header, "src/lib.rs"));
        samples[3].secs += s.secs;
        let text = text.map_err(|e| e.to_string())?;
        lines_rendered += lines(&text);
        rust_bytes += text.len();
    }

    // Cross-check: the library's own entry point, end to end.
    let config = match &target.manifest {
        Some(path) => {
            let manifest = oagen::manifest::Manifest::read(path).map_err(|e| e.to_string())?;
            let root = path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            manifest.config(root)
        }
        None => {
            let mut config = oagen::Config::new();
            for (module, path) in &target.specs {
                match module {
                    Some(m) => config.module(m, path),
                    None => config.spec(path),
                };
            }
            config.standalone(true);
            config
        }
    };
    let (generated, generate) = stage(|| config.generate());
    let generated = generated.map_err(|e| e.to_string())?;
    let lines_crate = generated
        .files
        .iter()
        .filter(|(p, _)| p.extension().is_some_and(|e| e == "rs"))
        .map(|(_, t)| lines(t))
        .sum();
    drop(generated);
    Ok(Run {
        stages: samples,
        generate,
        lines_rendered,
        lines_crate,
        rust_bytes,
        ir_types,
        ir_operations,
        warnings,
        split,
    })
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n == 0 {
        0.0
    } else if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

const MB: f64 = 1024.0 * 1024.0;

fn round(x: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    (x * f).round() / f
}

fn summary(samples: &[Sample]) -> serde_json::Value {
    let ms = median(samples.iter().map(|s| s.secs * 1000.0).collect());
    let peak = median(samples.iter().map(|s| s.peak as f64 / MB).collect());
    let delta = median(samples.iter().map(|s| s.delta as f64 / MB).collect());
    let min_ms = samples
        .iter()
        .map(|s| s.secs * 1000.0)
        .fold(f64::INFINITY, f64::min);
    serde_json::json!({
        "ms": round(ms, 2),
        "min_ms": round(min_ms, 2),
        "peak_mb": round(peak, 2),
        "delta_mb": round(delta, 2),
    })
}

fn bench(target: &Target, runs: usize) -> Result<serde_json::Value, String> {
    let mut bytes = 0u64;
    let mut schemas = 0;
    let mut operations = 0;
    for (_, path) in &target.specs {
        bytes += std::fs::metadata(path)
            .map_err(|e| format!("{}: {e}", path.display()))?
            .len();
        let doc = oagen::load::load_file(path, &path.to_string_lossy())
            .map_err(|e| format!("{}: {e}", path.display()))?;
        let (s, o) = spec_counts(&doc.raw);
        schemas += s;
        operations += o;
    }
    let all = (0..runs)
        .map(|_| run_once(target))
        .collect::<Result<Vec<Run>, String>>()?;
    let mut stages = serde_json::Map::new();
    for (i, name) in STAGES.iter().enumerate() {
        let samples: Vec<Sample> = all.iter().map(|r| r.stages[i]).collect();
        stages.insert(name.to_string(), summary(&samples));
    }
    // Per run: the sum of the stage times and the largest stage peak.
    let totals: Vec<Sample> = all
        .iter()
        .map(|r| Sample {
            secs: r.stages.iter().map(|s| s.secs).sum(),
            peak: r.stages.iter().map(|s| s.peak).max().unwrap_or(0),
            delta: r.stages.iter().map(|s| s.delta).max().unwrap_or(0),
        })
        .collect();
    let generate: Vec<Sample> = all.iter().map(|r| r.generate).collect();
    let last = all.last().ok_or("no runs")?;
    let split_ms = |i: usize| round(median(all.iter().map(|r| r.split[i] * 1000.0).collect()), 2);
    Ok(serde_json::json!({
        "name": target.name,
        "specs": target.specs.iter().map(|(_, p)| p.display().to_string()).collect::<Vec<_>>(),
        "bytes": bytes,
        "schemas": schemas,
        "operations": operations,
        "ir_types": last.ir_types,
        "ir_operations": last.ir_operations,
        "warnings": last.warnings,
        "runs": runs,
        "stages": stages,
        "total": summary(&totals),
        "generate": summary(&generate),
        "render_split": {"parse_ms": split_ms(0), "print_ms": split_ms(1), "drop_ms": split_ms(2)},
        "lines_rendered": last.lines_rendered,
        "lines": last.lines_crate,
        "rust_bytes": last.rust_bytes,
    }))
}

fn manifest_target(path: &Path) -> Target {
    let manifest = oagen::manifest::Manifest::read(path).unwrap_or_else(|e| fail(e));
    let root = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    Target {
        name: manifest.krate.name.clone(),
        specs: manifest
            .specs
            .iter()
            .map(|s| (Some(s.module.clone()), root.join(&s.path)))
            .collect(),
        manifest: Some(path.to_path_buf()),
    }
}

const USAGE: &str = "usage: stages [--runs N] [--manifest oagen.toml]... SPEC...";

fn main() {
    let mut runs = 5usize;
    let mut targets = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            // `cargo bench` passes `--bench` to every bench binary.
            "--bench" => {}
            "--runs" => {
                runs = args
                    .next()
                    .and_then(|n| n.parse().ok())
                    .filter(|n| *n > 0)
                    .unwrap_or_else(|| fail(USAGE));
            }
            "--manifest" => {
                let path = PathBuf::from(args.next().unwrap_or_else(|| fail(USAGE)));
                targets.push(manifest_target(&path));
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                return;
            }
            other if other.starts_with("--") => fail(format!("unknown option {other}\n{USAGE}")),
            spec => targets.push(Target {
                name: spec.to_string(),
                specs: vec![(None, PathBuf::from(spec))],
                manifest: None,
            }),
        }
    }
    if targets.is_empty() {
        fail(USAGE);
    }
    // A spec that fails to generate is reported and the others still run.
    let mut failed = false;
    for target in &targets {
        match bench(target, runs) {
            Ok(line) => println!("{line}"),
            Err(error) => {
                failed = true;
                println!(
                    "{}",
                    serde_json::json!({"name": target.name, "error": error})
                );
            }
        }
    }
    if failed {
        std::process::exit(2);
    }
}
