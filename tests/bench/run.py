#!/usr/bin/env python3
"""Benchmark: oagen against OpenAPI Generator and progenitor, in one run on one machine.

For Stripe, GitHub and Kubernetes (from ../shared/corpus) and for the project's own specs/
(generated together as the `voice-apis` crate, as `oagen.toml` says) it measures:

  * oagen per stage (load, lower, emit, render) and in total: median wall time and peak
    heap over --runs runs (generator/benches/stages.rs, a counting global allocator);
  * the release `oagen` CLI as a whole: median wall time and peak RSS (os.wait4);
  * the generated line count (src/**/*.rs of the generated crate);
  * `cargo check` of the generated crate: a warm-up check builds the dependencies, then
    the crate's sources are touched and the crate-only check is timed (wall, peak RSS of the
    process tree: cargo and the rustc it waits for);
  * the same for OpenAPI Generator (PyPI openapi-generator-cli, the jar it bundles, run with
    the machine's Java 17) and progenitor (cargo-progenitor from crates.io) where they work;
  * the ratios anchor / oagen, the targets of issue 7 (met / missed), and a scaling table
    of generation time and peak heap against spec size over every spec of the corpus, with
    the log-log slope of a least-squares fit.

The Markdown report is written to target/bench/report.md and printed.

Usage:
    python3 tests/bench/run.py [--runs N] [--quick] [--no-anchors] [--no-check]
                               [--no-scaling] [--only stripe,github,...]

With OAGEN_BENCH_LOCK=/path/to/lockfile the script takes that file lock (flock) around every
cargo command and every timed step, and releases it in between, so it neither runs two
builds at once with other users of the lock nor measures while they build.
"""
import argparse
import contextlib
import datetime
import fcntl
import json
import math
import os
import pathlib
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "target" / "bench"
TOOLS = OUT / "tools"
CRATES = OUT / "crates"
LOGS = OUT / "logs"
CHECK_TARGET = OUT / "target"
MB = 1024 * 1024

OPENAPI_GENERATOR_VERSION = "7.26.0"
PROGENITOR_VERSION = None  # newest on crates.io; `cargo install --locked`

# Issue 7 targets: (generation seconds, generation MB) and (check seconds, check MB).
GEN_TARGETS = {"stripe": (1.0, 250), "github": (2.0, 400)}
CHECK_TARGETS = {"stripe": (120, 3072), "github": (120, 3072)}
# Issue 17 targets: (generation s, generation MB, check s, check MB); None = no target.
ISSUE17_TARGETS = {"stripe": (0.3, 150, 35, 1638), "github": (0.5, 150, 40, None),
                   "openai": (0.25, 150, 25, None), "voice-apis": (None, None, 4, None)}


# ---------------------------------------------------------------------------------------
# Running and measuring processes


@contextlib.contextmanager
def bench_lock():
    """The shared cargo lock (OAGEN_BENCH_LOCK), held for one step."""
    path = os.environ.get("OAGEN_BENCH_LOCK")
    if not path:
        yield
        return
    with open(path, "a") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


class Measured:
    def __init__(self, rc, wall, maxrss_kb, out, err):
        self.rc = rc
        self.wall = wall
        self.peak_mb = maxrss_kb / 1024.0
        self.out = out
        self.err = err


def measure(cmd, cwd=ROOT, env=None, log=None, lock=True):
    """Runs cmd; wall time and the peak RSS of the process and of the descendants it waited
    for (ru_maxrss of os.wait4: the largest single process, not a sum)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        with bench_lock() if lock else contextlib.nullcontext():
            t0 = time.perf_counter()
            proc = subprocess.Popen([str(c) for c in cmd], cwd=cwd, env=env, stdout=out, stderr=err,
                                    stdin=subprocess.DEVNULL)
            _, status, usage = os.wait4(proc.pid, 0)
            wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        o = out.read().decode(errors="replace")
        e = err.read().decode(errors="replace")
    if log:
        LOGS.mkdir(parents=True, exist_ok=True)
        (LOGS / log).write_text(f"$ {' '.join(map(str, cmd))}\n# rc={proc.returncode} wall={wall:.2f}s "
                                f"maxrss={usage.ru_maxrss} KiB\n--- stdout\n{o}\n--- stderr\n{e}")
    return Measured(proc.returncode, wall, usage.ru_maxrss, o, e)


def cargo(args, log, env=None, cwd=ROOT):
    """A cargo command under the lock; raises on failure."""
    m = measure(["cargo"] + args, cwd=cwd, env=env, log=log)
    if m.rc != 0:
        sys.stderr.write(m.err[-4000:])
        raise SystemExit(f"failed: cargo {' '.join(args)} (log: {LOGS / log})")
    return m


def say(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def median(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def count_lines(root: pathlib.Path):
    total = 0
    for p in root.rglob("*.rs"):
        if "target" in p.relative_to(root).parts:
            continue
        with open(p, "rb") as f:
            total += sum(1 for _ in f)
    return total


def add_workspace(crate: pathlib.Path):
    """Makes a crate under target/bench build on its own (not as part of this workspace)."""
    toml = crate / "Cargo.toml"
    text = toml.read_text()
    if not re.search(r"^\[workspace\]", text, re.M):
        toml.write_text(text.rstrip("\n") + "\n\n[workspace]\n")


def tool_error(m):
    """The reason a generator gave up: a panic message, progenitor's `gen fail`, an `Error:`
    line, or else the first error-like line."""
    text = m.out + "\n" + m.err
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if "panicked at" in line and i + 1 < len(lines):
            return f"panic: {lines[i + 1].strip()[:200]}"
        if line.startswith("gen fail:"):
            return line.strip()[:200]
    for line in lines:
        if re.match(r"^(Error|Exception|\[main\] ERROR)", line):
            return line.strip()[:200]
    return first_error(m.err or m.out) or f"exit status {m.rc}"


def first_error(text):
    for line in text.splitlines():
        if re.match(r"^(error|.*: error)", line):
            return line.strip()[:200]
    lines = [l for l in text.splitlines() if l.strip()]
    return (lines[-1] if lines else "").strip()[:200]


# ---------------------------------------------------------------------------------------
# Targets


class Target:
    def __init__(self, name, specs, manifest=None):
        self.name = name
        self.specs = specs  # [(module or None, absolute path)]
        self.manifest = manifest


def targets(corpus, only):
    all_targets = [
        Target("stripe", [(None, corpus / "stripe.com.json")]),
        Target("github", [(None, corpus / "github.com" / "api.github.com.json")]),
        Target("kubernetes", [(None, corpus / "kubernetes.io.json")]),
        Target("openai", [(None, ROOT.parent / "shared" / "specs" / "openai" / "openapi.json")]),
    ]
    manifest = ROOT / "oagen.toml"
    specs = parse_manifest(manifest)
    all_targets.append(Target("voice-apis", [(m, ROOT / p) for m, p in specs], manifest))
    if only:
        all_targets = [t for t in all_targets if t.name in only]
    return all_targets


def parse_manifest(path):
    """(module, path) of each [[spec]] of oagen.toml (tomllib is stdlib in 3.11)."""
    import tomllib
    data = tomllib.loads(path.read_text())
    return [(s["module"], s["path"]) for s in data["spec"]]


# ---------------------------------------------------------------------------------------
# oagen


def build_oagen():
    say("building oagen (release) and the stages bench")
    cargo(["build", "--release", "-q", "-p", "oagen"], "build-oagen.log")
    m = cargo(["bench", "-p", "oagen", "--bench", "stages", "--no-run", "--message-format", "json"],
              "build-bench.log")
    exe = None
    for line in m.out.splitlines():
        try:
            msg = json.loads(line)
        except ValueError:
            continue
        if (msg.get("reason") == "compiler-artifact" and msg.get("executable")
                and msg.get("target", {}).get("name") == "stages"):
            exe = msg["executable"]
    if not exe:
        raise SystemExit("could not find the stages bench executable")
    return ROOT / "target" / "release" / "oagen", pathlib.Path(exe)


def run_stages(bench_exe, target, runs, log):
    """One bench process per target: the JSON line and the process's peak RSS."""
    args = [bench_exe, "--runs", str(runs)]
    if target.manifest:
        args += ["--manifest", target.manifest]
    else:
        args += [p for _, p in target.specs]
    m = measure(args, log=log)
    rows = [json.loads(l) for l in m.out.splitlines() if l.startswith("{")]
    return rows, m


def oagen_generate(oagen, target, out_dir, extra=()):
    """Runs the CLI once into out_dir (removed first); returns the measurement."""
    shutil.rmtree(out_dir, ignore_errors=True)
    if target.manifest:
        # `oagen sync` with a copy of oagen.toml that writes under target/bench.
        manifest = OUT / f"{target.name}.oagen.toml"
        specs = "".join(f"\n[[spec]]\nmodule = {json.dumps(m)}\npath = {json.dumps(str(p))}\n"
                        for m, p in target.specs)
        manifest.write_text(f"[crate]\nname = {json.dumps(target.name)}\npath = {json.dumps(str(out_dir))}\n{specs}")
        cmd = [oagen, "sync", "--manifest", manifest]
    else:
        cmd = [oagen, "generate", target.specs[0][1], "--out", out_dir, "--name", target.name, *extra]
    return measure(cmd, log=f"oagen-generate-{target.name}.log")


def supports_features_per_tag(oagen):
    help_text = subprocess.run([str(oagen), "generate", "--help"], capture_output=True, text=True).stdout
    return "--features-per-tag" in help_text


# ---------------------------------------------------------------------------------------
# cargo check of a generated crate


def check_crate(crate, name, features=None, no_default=True, warm=True, command="check"):
    """Warm-up check (dependencies), then touch src and time the crate-only check (or, with
    command="build", the same for a debug `cargo build`)."""
    # No incremental compilation: touching unchanged sources would otherwise let rustc reuse
    # the warm-up's work, and the timed check would not be a full check of the crate.
    env = dict(os.environ, CARGO_TARGET_DIR=str(CHECK_TARGET), CARGO_TERM_COLOR="never", CARGO_INCREMENTAL="0")
    args = ["cargo", command, "--message-format", "short", "--manifest-path", crate / "Cargo.toml"]
    if no_default:
        args.append("--no-default-features")
    if features:
        args += ["--features", ",".join(features)]
    warm_m = None
    if warm:
        say(f"  cargo {command} {name}: warm-up (dependencies)")
        warm_m = measure(args, env=env, log=f"{command}-warm-{name}.log")
    now = time.time()
    for p in (crate / "src").rglob("*.rs"):
        os.utime(p, (now, now))
    say(f"  cargo {command} {name}: crate only")
    m = measure(args, env=env, log=f"{command}-{name}.log")
    errors = len(re.findall(r"^\S.*?: error(\[E\d+\])?: ", m.err, re.M))
    summary = re.search(r"due to (\d+) previous errors?", m.err)
    if summary:
        errors = max(errors, int(summary.group(1)))
    warnings = len(re.findall(r"^\S.*?: warning: ", m.err, re.M))
    if m.rc == 0:
        result = "ok" + (f" ({warnings} warnings)" if warnings else "")
    else:
        result = f"FAIL: {errors} errors" if errors else f"FAIL: {first_error(m.err)}"
    return {"wall": m.wall, "peak_mb": m.peak_mb, "ok": m.rc == 0, "errors": errors,
            "warnings": warnings, "result": result, "first_error": "" if m.rc == 0 else first_error(m.err),
            "warm_wall": warm_m and warm_m.wall, "warm_peak_mb": warm_m and warm_m.peak_mb}


def merge_checks(checks):
    """Several crates (one per spec of a set) as one row: summed wall, largest peak."""
    checks = [c for c in checks if c]
    if not checks:
        return None
    ok = all(c["ok"] for c in checks)
    errors = sum(c["errors"] for c in checks)
    if len(checks) == 1:
        result = checks[0]["result"]
    elif ok:
        result = f"ok ({len(checks)} crates)"
    else:
        result = f"{sum(c['ok'] for c in checks)} of {len(checks)} crates ok; " + "; ".join(
            f"{c.get('module')}: {c['result']}" for c in checks if not c["ok"])
    return {"wall": sum(c["wall"] for c in checks), "peak_mb": max(c["peak_mb"] for c in checks),
            "ok": ok, "errors": errors, "result": result}


# ---------------------------------------------------------------------------------------
# Anchors


def install_openapi_generator():
    venv = TOOLS / "venv"
    jar = None
    if venv.exists():
        jar = next(venv.glob("lib/python*/site-packages/openapi_generator_cli/openapi-generator.jar"), None)
    if jar is None:
        say(f"installing openapi-generator-cli=={OPENAPI_GENERATOR_VERSION} from PyPI into {venv}")
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        r = subprocess.run([str(venv / "bin" / "pip"), "install", "-q",
                            f"openapi-generator-cli=={OPENAPI_GENERATOR_VERSION}"], capture_output=True, text=True)
        if r.returncode != 0:
            return None, f"pip install failed: {first_error(r.stderr)}"
        jar = next(venv.glob("lib/python*/site-packages/openapi_generator_cli/openapi-generator.jar"), None)
    if jar is None:
        return None, "the PyPI package has no bundled jar"
    java = shutil.which("java")
    if not java:
        return None, "no java on PATH"
    version = subprocess.run([java, "-jar", str(jar), "version"], capture_output=True, text=True).stdout.strip()
    return [java, "-jar", str(jar)], version


def install_progenitor():
    exe = TOOLS / "bin" / "cargo-progenitor"
    if not exe.exists():
        say("installing cargo-progenitor from crates.io (cargo install --locked)")
        spec = "cargo-progenitor" + (f"@{PROGENITOR_VERSION}" if PROGENITOR_VERSION else "")
        m = measure(["cargo", "install", "--locked", "--root", TOOLS, spec], log="install-progenitor.log")
        if m.rc != 0:
            return None, f"cargo install failed: {first_error(m.err)}"
    listed = subprocess.run(["cargo", "install", "--list", "--root", str(TOOLS)], capture_output=True,
                            text=True).stdout
    version = re.search(r"^cargo-progenitor (v\S+?):?$", listed, re.M)
    return exe, f"cargo-progenitor {version.group(1) if version else '(version unknown)'}"


def anchor_openapi_generator(cmd, target, spec, module, run):
    name = f"{target.name}" + (f"-{module}" if module else "")
    out = CRATES / f"openapi-generator-{name}"
    shutil.rmtree(out, ignore_errors=True)
    package = re.sub(r"[^a-z0-9_]", "_", name.lower())
    # packageVersion: by default the crate's version is the spec's info.version, which for
    # Stripe is a date that Cargo refuses; the name and version are what oagen's --name sets.
    args = cmd + ["generate", "-g", "rust", "-i", spec, "-o", out, "--package-name", package,
                  "--additional-properties", "packageVersion=0.1.0"]
    m = measure(args, log=f"openapi-generator-{name}-{run}.log")
    note = ""
    if m.rc != 0 and "validation" in (m.out + m.err).lower():
        args.append("--skip-validate-spec")
        m = measure(args, log=f"openapi-generator-{name}-{run}.log")
        note = "needed --skip-validate-spec"
    return m, out, note


def anchor_progenitor(exe, target, spec, module, run):
    name = f"{target.name}" + (f"-{module}" if module else "")
    out = CRATES / f"progenitor-{name}"
    shutil.rmtree(out, ignore_errors=True)
    package = re.sub(r"[^a-z0-9-]", "-", name.lower())
    args = [exe, "progenitor", "-i", spec, "-o", out, "-n", package, "-v", "0.1.0"]
    m = measure(args, log=f"progenitor-{name}-{run}.log")
    ok = m.rc == 0 and (out / "Cargo.toml").exists()
    return m, out, ok


def run_anchor(kind, tool, target, runs, check):
    """Generation (median over runs of the summed wall / largest RSS over the target's
    specs), lines, and a check of each generated crate."""
    walls, peaks = [], []
    outs, notes, failure = [], set(), None
    for run in range(runs):
        wall, peak = 0.0, 0.0
        outs = []
        for module, spec in target.specs:
            if kind == "openapi-generator":
                m, out, note = anchor_openapi_generator(tool, target, spec, module, run)
                ok = m.rc == 0
                if note:
                    notes.add(f"{pathlib.Path(spec).name}: {note}")
            else:
                m, out, ok = anchor_progenitor(tool, target, spec, module, run)
            if not ok:
                failure = f"{pathlib.Path(spec).name}: {tool_error(m)} (after {m.wall:.1f} s)"
                break
            wall += m.wall
            peak = max(peak, m.peak_mb)
            outs.append(out)
        if failure:
            break
        walls.append(wall)
        peaks.append(peak)
    row = {"tool": kind, "ok": failure is None, "error": failure, "notes": sorted(notes)}
    if failure:
        return row
    row.update(gen_wall=median(walls), gen_peak_mb=median(peaks), lines=sum(count_lines(o) for o in outs))
    if check:
        checks = []
        for out, (module, _) in zip(outs, target.specs):
            add_workspace(out)
            c = check_crate(out, out.name)
            c["module"] = module
            checks.append(c)
        row["check"] = merge_checks(checks)
    return row


# ---------------------------------------------------------------------------------------
# Report


def fmt(x, places=2):
    if x is None:
        return "–"
    if isinstance(x, int):
        return f"{x:,}"
    return f"{x:,.{places}f}"


def ratio(a, b):
    if a is None or b is None or b == 0:
        return "–"
    return f"{a / b:.1f}×"


def loglog_slope(points):
    pts = [(math.log(x), math.log(y)) for x, y in points if x > 0 and y and y > 0]
    if len(pts) < 3:
        return None
    mx = sum(x for x, _ in pts) / len(pts)
    my = sum(y for _, y in pts) / len(pts)
    sxx = sum((x - mx) ** 2 for x, _ in pts)
    sxy = sum((x - mx) * (y - my) for x, y in pts)
    return sxy / sxx if sxx else None


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    ap.add_argument("--runs", type=int, default=5, help="runs per generation measurement (median)")
    ap.add_argument("--anchor-runs", type=int, default=3, help="generation runs per anchor (median)")
    ap.add_argument("--scaling-runs", type=int, default=3, help="runs per corpus spec in the scaling table")
    ap.add_argument("--quick", action="store_true", help="one run of everything")
    ap.add_argument("--no-anchors", action="store_true", help="skip OpenAPI Generator and progenitor")
    ap.add_argument("--no-check", action="store_true", help="skip `cargo check` of generated crates")
    ap.add_argument("--no-scaling", action="store_true", help="skip the corpus scaling table")
    ap.add_argument("--only", help="comma-separated subset of stripe,github,kubernetes,openai,voice-apis")
    ap.add_argument("--build", action="store_true", help="also time a debug `cargo build` of oagen's crates")
    ap.add_argument("--no-progenitor", action="store_true", help="skip progenitor (OpenAPI Generator still runs)")
    ap.add_argument("--tag-feature", help="the one tag feature for the features-per-tag row")
    ap.add_argument("--report-only", action="store_true",
                    help="render target/bench/report.md again from target/bench/results.json")
    args = ap.parse_args()
    if args.report_only:
        print(render_saved(json.loads((OUT / "results.json").read_text()),
                           targets(pathlib.Path(args.corpus).resolve(), None), pathlib.Path(args.corpus).resolve()))
        return 0
    if args.quick:
        args.runs = args.anchor_runs = args.scaling_runs = 1

    started = time.time()
    load_start = os.getloadavg()
    corpus = pathlib.Path(args.corpus).resolve()
    OUT.mkdir(parents=True, exist_ok=True)
    CRATES.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(LOGS, ignore_errors=True)
    only = set(args.only.split(",")) if args.only else None
    tgts = targets(corpus, only)

    oagen, bench_exe = build_oagen()
    results = {}

    # -- oagen: stages (in process), CLI (whole process), lines, check
    for t in tgts:
        say(f"oagen: {t.name}: stages bench ({args.runs} runs)")
        rows, proc = run_stages(bench_exe, t, args.runs, f"stages-{t.name}.log")
        row = rows[0] if rows else {"error": first_error(proc.err)}
        row["bench_rss_mb"] = proc.peak_mb
        say(f"oagen: {t.name}: CLI ({args.runs} runs)")
        out = CRATES / f"oagen-{t.name}"
        walls, peaks, cli_error = [], [], None
        for _ in range(args.runs):
            m = oagen_generate(oagen, t, out)
            if m.rc != 0:
                cli_error = first_error(m.err)
                break
            walls.append(m.wall)
            peaks.append(m.peak_mb)
        res = {"stages": row, "cli_wall": median(walls), "cli_peak_mb": median(peaks), "cli_error": cli_error,
               "cli_walls": walls}
        if cli_error is None:
            if t.manifest:
                add_workspace(out)
            res["lines"] = count_lines(out)
            if not args.no_check:
                features = [m for m, _ in t.specs if m] or None
                res["check"] = check_crate(out, f"oagen-{t.name}", features=features)
                if args.build:
                    res["build"] = check_crate(out, f"oagen-{t.name}", features=features, command="build")
        results[t.name] = {"oagen": res}

    # -- features per tag (Stripe), when the CLI has the flag
    tag_row = None
    stripe = next((t for t in tgts if t.name == "stripe"), None)
    if stripe and not args.no_check:
        if supports_features_per_tag(oagen):
            say("oagen: stripe with --features-per-tag")
            out = CRATES / "oagen-stripe-tags"
            m = oagen_generate(oagen, Target("stripe-tags", stripe.specs), out, extra=["--features-per-tag"])
            if m.rc == 0:
                import tomllib
                # Tag features are `tag-*`, path groups (untagged operations, all of Stripe's)
                # `path-*`, unused schemas `other-schemas`.
                feats = [f for f in tomllib.loads((out / "Cargo.toml").read_text()).get("features", {})
                         if f.startswith(("tag-", "path-", "other-"))]
                singles = [f for f in feats if not f.startswith("other-")]
                one = args.tag_feature or (singles[0] if singles else None)
                if one:
                    all_check = check_crate(out, "oagen-stripe-tags-all", features=feats)
                    one_check = check_crate(out, "oagen-stripe-tags-one", features=[one], warm=True)
                    tag_row = {"one": one, "n": len(feats), "all": all_check, "single": one_check}
                else:
                    tag_row = {"skipped": "the crate generated with --features-per-tag has no tag-*/path-* features"}
            else:
                tag_row = {"skipped": f"oagen generate --features-per-tag failed: {first_error(m.err)}"}
        else:
            tag_row = {"skipped": "`oagen generate --help` does not list --features-per-tag (not implemented yet)"}

    # -- anchors
    tool_versions = {}
    if not args.no_anchors:
        oag_cmd, oag_version = install_openapi_generator()
        tool_versions["OpenAPI Generator"] = oag_version
        prog_exe, prog_version = (None, "skipped (--no-progenitor)") if args.no_progenitor else install_progenitor()
        tool_versions["progenitor"] = prog_version
        for t in tgts:
            if oag_cmd:
                say(f"OpenAPI Generator: {t.name} ({args.anchor_runs} runs)")
                results[t.name]["openapi-generator"] = run_anchor("openapi-generator", oag_cmd, t, args.anchor_runs,
                                                                  not args.no_check)
            else:
                results[t.name]["openapi-generator"] = {"ok": False, "error": f"not installed: {oag_version}"}
            if prog_exe:
                say(f"progenitor: {t.name} ({args.anchor_runs} runs)")
                results[t.name]["progenitor"] = run_anchor("progenitor", prog_exe, t, args.anchor_runs,
                                                           not args.no_check)
            elif not args.no_progenitor:
                results[t.name]["progenitor"] = {"ok": False, "error": f"not installed: {prog_version}"}

    # -- scaling over the corpus
    scaling = []
    if not args.no_scaling:
        specs = sorted(p for p in corpus.rglob("*") if p.suffix in (".json", ".yaml", ".yml") and p.is_file())
        say(f"scaling: {len(specs)} corpus specs ({args.scaling_runs} runs each)")
        m = measure([bench_exe, "--runs", str(args.scaling_runs)] + specs, log="stages-corpus.log")
        for line in m.out.splitlines():
            if line.startswith("{"):
                scaling.append(json.loads(line))

    elapsed = time.time() - started
    saved = {"date": datetime.datetime.now().isoformat(timespec="seconds"), "results": results, "tags": tag_row, "scaling": scaling, "tool_versions": tool_versions,
             "elapsed": elapsed, "load_start": load_start, "load_end": os.getloadavg(),
             "args": {"runs": args.runs, "anchor_runs": args.anchor_runs, "scaling_runs": args.scaling_runs}}
    (OUT / "results.json").write_text(json.dumps(saved, indent=2, default=str))
    report = render_saved(saved, tgts, corpus)
    print(report)
    say(f"report: {OUT / 'report.md'} ({elapsed / 60:.1f} min)")
    return 0


def render_saved(saved, tgts, corpus):
    """Renders results.json (as saved by a run) and writes report.md."""
    a = saved.get("args", {})
    args = argparse.Namespace(runs=a.get("runs", 5), anchor_runs=a.get("anchor_runs", 3),
                              scaling_runs=a.get("scaling_runs", 3))
    tgts = [t for t in tgts if t.name in saved["results"]]
    report = render_report(args, tgts, saved["results"], saved.get("tags"), saved.get("scaling", []),
                           saved.get("tool_versions", {}), saved.get("elapsed", 0),
                           saved.get("load_start", (0, 0, 0)), saved.get("load_end", (0, 0, 0)), corpus,
                           saved.get("date"))
    (OUT / "report.md").write_text(report)
    return report


def render_report(args, tgts, results, tag_row, scaling, tool_versions, elapsed, load_start, load_end, corpus,
                  date=None):
    L = []
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                            text=True).stdout.strip()
    L.append("# oagen benchmark")
    L.append("")
    L.append(f"- date: {date or datetime.datetime.now().isoformat(timespec='seconds')}, oagen commit `{commit}`, "
             f"{os.cpu_count()} cores, load average {load_start[0]:.1f} at start, {load_end[0]:.1f} at end")
    L.append(f"- generation: median of {args.runs} runs (anchors: {args.anchor_runs}); `cargo check`: one "
             f"crate-only check after a warm-up (dependencies built), `--no-default-features`")
    for k, v in tool_versions.items():
        L.append(f"- {k}: {v}")
    L.append(f"- whole benchmark: {elapsed / 60:.1f} min")
    L.append("- MB = 2^20 bytes. gen wall/peak: the whole generator process (wall, peak RSS); for oagen "
             "the release CLI. check peak: the largest RSS of cargo or one rustc.")
    L.append("")

    tools = [("oagen", "oagen"), ("openapi-generator", "OpenAPI Generator"), ("progenitor", "progenitor")]
    for t in tgts:
        r = results[t.name]
        o = r["oagen"]
        st = o["stages"]
        specs = ", ".join(pathlib.Path(p).name for _, p in t.specs)
        L.append(f"## {t.name} ({specs}; {fmt(st.get('bytes'))} bytes)")
        L.append("")
        L.append("| tool | gen wall s | gen peak MB | lines | check wall s | check peak MB | check |")
        L.append("|---|---:|---:|---:|---:|---:|---|")
        rows = {}
        for key, label in tools:
            a = r.get(key)
            if a is None:
                continue
            if key == "oagen":
                if o.get("cli_error"):
                    L.append(f"| {label} | FAIL: {o['cli_error']} | | | | | |")
                    continue
                gen = (o["cli_wall"], o["cli_peak_mb"])
            else:
                if not a.get("ok"):
                    L.append(f"| {label} | FAIL: {a.get('error', '')} | | | | | |")
                    continue
                gen = (a["gen_wall"], a["gen_peak_mb"])
            c = a.get("check")
            rows[key] = (gen[0], gen[1], a.get("lines"), c and c["wall"], c and c["peak_mb"])
            note = f" ({'; '.join(a['notes'])})" if a.get("notes") else ""
            L.append(f"| {label}{note} | {fmt(gen[0])} | {fmt(gen[1], 0)} | {fmt(a.get('lines'))} | "
                     f"{fmt(c and c['wall'], 1)} | {fmt(c and c['peak_mb'], 0)} | {c['result'] if c else '–'} |")
        base = rows.get("oagen")
        if base:
            for key, label in tools[1:]:
                if key in rows:
                    a = rows[key]
                    L.append(f"| {label} / oagen | {ratio(a[0], base[0])} | {ratio(a[1], base[1])} | "
                             f"{ratio(a[2], base[2])} | {ratio(a[3], base[3])} | {ratio(a[4], base[4])} | |")
        L.append("")

    L.append("## oagen per stage")
    L.append("")
    L.append("In-process (generator/benches/stages.rs): median wall ms and peak heap MB per stage (heap "
             "counted by the global allocator; a stage's peak includes what earlier stages still hold, "
             "+Δ is what the stage added). `generate` = `Config::generate` end to end; CLI = the release "
             "binary as a process (wall, peak RSS).")
    L.append("")
    L.append("| spec | load | lower | emit | render | total | generate | CLI | bench RSS MB | lines |")
    L.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for t in tgts:
        o = results[t.name]["oagen"]
        st = o["stages"]
        if "stages" not in st:
            L.append(f"| {t.name} | FAIL: {st.get('error', '')} | | | | | | | | |")
            continue
        cells = []
        for s in ("load", "lower", "emit", "render"):
            x = st["stages"][s]
            cells.append(f"{x['ms']:.0f} ms, {x['peak_mb']:.0f} MB (+{x['delta_mb']:.0f})")
        tot, gen = st["total"], st["generate"]
        cli = f"{o['cli_wall'] * 1000:.0f} ms, {o['cli_peak_mb']:.0f} MB" if o.get("cli_wall") else "–"
        L.append(f"| {t.name} | {' | '.join(cells)} | {tot['ms']:.0f} ms, {tot['peak_mb']:.0f} MB | "
                 f"{gen['ms']:.0f} ms, {gen['peak_mb']:.0f} MB | {cli} | {st['bench_rss_mb']:.0f} | "
                 f"{fmt(o.get('lines'))} |")
    L.append("")
    splits = [(t.name, results[t.name]["oagen"]["stages"].get("render_split")) for t in tgts]
    splits = [(n, x) for n, x in splits if x]
    if splits:
        L.append("Where render's time goes (types.rs + client.rs, measured again outside the stages): "
                 + "; ".join(f"{n}: syn parse {x['parse_ms']:.0f} ms, prettyplease print {x['print_ms']:.0f} ms, "
                             f"dropping the syn tree {x['drop_ms']:.0f} ms" for n, x in splits) + ".")
        L.append("")

    L.append("## Targets (issue 17)")
    L.append("")
    L.append("Generation: the release CLI, median wall and peak RSS. `cargo check`: crate only, as above. "
             "`cargo build`: debug, crate only, after a warm-up build of the dependencies (with `--build`).")
    L.append("")
    L.append("| spec | generate (target) | check (target) | check peak (target) | build |")
    L.append("|---|---|---|---|---|")
    for name, (gen_s, gen_mb, check_s, check_mb) in ISSUE17_TARGETS.items():
        if name not in results:
            continue
        o = results[name]["oagen"]
        c, b = o.get("check"), o.get("build")
        def verdict(x, limit):
            return "–" if x is None or limit is None else ("met" if x <= limit else "missed")
        gen = (f"{fmt(o.get('cli_wall'))} s, {fmt(o.get('cli_peak_mb'), 0)} MB "
               f"(≤ {gen_s} s, ≤ {gen_mb} MB: {verdict(o.get('cli_wall'), gen_s)}, "
               f"{verdict(o.get('cli_peak_mb'), gen_mb)})") if gen_s else f"{fmt(o.get('cli_wall'))} s"
        chk = f"{fmt(c and c['wall'], 1)} s (≤ {check_s} s: {verdict(c and c['wall'], check_s)})" if c else "–"
        peak = (f"{fmt(c and c['peak_mb'], 0)} MB" + (f" (≤ {check_mb} MB: {verdict(c['peak_mb'], check_mb)})"
                                                      if check_mb else "")) if c else "–"
        L.append(f"| {name} | {gen} | {chk} | {peak} | {fmt(b and b['wall'], 1) + ' s' if b else '–'} |")
    L.append("")

    L.append("## Targets (issue 7)")
    L.append("")
    L.append("| target | measured | verdict |")
    L.append("|---|---|---|")
    for name, (secs, mb) in GEN_TARGETS.items():
        if name not in results:
            continue
        o = results[name]["oagen"]
        if not o.get("cli_wall"):
            L.append(f"| {name} generation ≤ {secs} s, ≤ {mb} MB | failed | missed |")
            continue
        met_t, met_m = o["cli_wall"] <= secs, o["cli_peak_mb"] <= mb
        verdict = "met" if met_t and met_m else "missed (" + ", ".join(
            x for x, ok in (("time", met_t), ("memory", met_m)) if not ok) + "): " + dominant(o["stages"], not met_t,
                                                                                              not met_m)
        L.append(f"| {name} generation ≤ {secs} s, ≤ {mb} MB | {o['cli_wall']:.2f} s, {o['cli_peak_mb']:.0f} MB "
                 f"(CLI median; in-process stages {o['stages']['total']['ms'] / 1000:.2f} s, "
                 f"{o['stages']['total']['peak_mb']:.0f} MB heap) | {verdict} |")
    for name, (secs, mb) in CHECK_TARGETS.items():
        if name not in results:
            continue
        c = results[name]["oagen"].get("check")
        if not c:
            L.append(f"| {name} crate `cargo check` ≤ {secs} s, ≤ {mb / 1024:.0f} GB | not run | – |")
            continue
        misses = [x for x, ok in (("fails", c["ok"]), ("time", c["wall"] <= secs), ("memory", c["peak_mb"] <= mb))
                  if not ok]
        verdict = "met" if not misses else f"missed ({', '.join(misses)})"
        L.append(f"| {name} crate `cargo check` ≤ {secs} s, ≤ {mb / 1024:.0f} GB | {c['wall']:.1f} s, "
                 f"{c['peak_mb']:.0f} MB, {c['result']} | {verdict} |")
    L.append("")

    L.append("## Features per tag (Stripe)")
    L.append("")
    if tag_row is None:
        L.append("Not run (`--no-check` or Stripe not selected).")
    elif "skipped" in tag_row:
        L.append(f"Skipped: {tag_row['skipped']}.")
    else:
        a, s = tag_row["all"], tag_row["single"]
        L.append("| features | check wall s | check peak MB | check |")
        L.append("|---|---:|---:|---|")
        L.append(f"| all {tag_row['n']} tag features | {a['wall']:.1f} | {a['peak_mb']:.0f} | {a['result']} |")
        L.append(f"| `{tag_row['one']}` only | {s['wall']:.1f} | {s['peak_mb']:.0f} | {s['result']} |")
        L.append(f"| one / all | {ratio(s['wall'], a['wall'])} | {ratio(s['peak_mb'], a['peak_mb'])} | |")
    L.append("")

    if scaling:
        L.append("## Scaling over the corpus")
        L.append("")
        L.append(f"Every spec of `{corpus}` (in-process stages, median of {args.scaling_runs} runs). "
                 "items = schemas under components/schemas + operations.")
        L.append("")
        L.append("| spec | KB | items | IR types+ops | gen ms | heap MB | ms per MB | heap MB per MB | lines |")
        L.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        ok = [s for s in scaling if "error" not in s]
        for s in sorted(scaling, key=lambda s: s.get("bytes", 0)):
            name = pathlib.Path(s["name"]).relative_to(corpus) if s["name"].startswith(str(corpus)) else s["name"]
            if "error" in s:
                L.append(f"| {name} | | | | FAIL: {s['error'][:120]} | | | | |")
                continue
            mbytes = s["bytes"] / MB
            ms, heap = s["total"]["ms"], s["total"]["peak_mb"]
            L.append(f"| {name} | {s['bytes'] / 1024:,.0f} | {s['schemas'] + s['operations']:,} | "
                     f"{s['ir_types'] + s['ir_operations']:,} | {ms:,.1f} | {heap:,.1f} | {ms / mbytes:,.0f} | "
                     f"{heap / mbytes:,.1f} | {s['lines']:,} |")
        L.append("")
        big = [s for s in ok if s["bytes"] >= 100 * 1024]
        L.append("Least-squares fit of log(y) against log(x) (slope 1 = linear, 2 = quadratic):")
        L.append("")
        L.append("| y against x | all specs | specs ≥ 100 KB |")
        L.append("|---|---:|---:|")
        for label, fy, fx in (
                ("gen time vs spec bytes", lambda s: s["total"]["ms"], lambda s: s["bytes"]),
                ("peak heap vs spec bytes", lambda s: s["total"]["peak_mb"], lambda s: s["bytes"]),
                ("gen time vs items", lambda s: s["total"]["ms"], lambda s: s["schemas"] + s["operations"]),
                ("gen time vs generated lines", lambda s: s["total"]["ms"], lambda s: s["lines"]),
                ("generated lines vs spec bytes", lambda s: s["lines"], lambda s: s["bytes"])):
            a = loglog_slope([(fx(s), fy(s)) for s in ok])
            b = loglog_slope([(fx(s), fy(s)) for s in big])
            L.append(f"| {label} | {fmt(a)} | {fmt(b)} |")
        L.append("")
        per_stage = []
        for st in ("load", "lower", "emit", "render"):
            b = loglog_slope([(s["bytes"], s["stages"][st]["ms"]) for s in big])
            per_stage.append(f"{st} {fmt(b)}")
        L.append(f"Per stage, time vs spec bytes (specs ≥ 100 KB): {', '.join(per_stage)}.")
        L.append("")
    return "\n".join(L) + "\n"


def dominant(stages, time_missed, mem_missed):
    """Which stage dominates the time / the peak heap."""
    if "stages" not in stages:
        return "stages not measured"
    st = stages["stages"]
    parts = []
    if time_missed:
        name = max(st, key=lambda s: st[s]["ms"])
        share = st[name]["ms"] / max(stages["total"]["ms"], 1e-9)
        parts.append(f"{name} dominates the time ({share:.0%})")
    if mem_missed:
        name = max(st, key=lambda s: st[s]["peak_mb"])
        parts.append(f"the heap peaks in {name} ({st[name]['peak_mb']:.0f} MB, +{st[name]['delta_mb']:.0f} MB "
                     f"added by it)")
    return "; ".join(parts)


if __name__ == "__main__":
    sys.exit(main())
