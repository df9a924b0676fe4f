#!/usr/bin/env python3
"""Generation targets (issue 17 deliverable 4, issue 13's limits): the release `oagen generate`
on Stripe, GitHub and OpenAI (JSON and YAML), and optionally the largest specs of the public
directory, best of N runs, each with wall time, user + sys CPU time and peak RSS (os.wait4),
checked against the targets. Python 3.11 standard library only.

    cargo build --release -p oagen
    python3 tests/bench/targets.py [--runs 3] [--oagen target/release/oagen]
        [--directory ../package/api --largest 40]

Best of N because the machine is shared: the least disturbed run is the closest to the
program's own cost. Exit status 1 when a target is missed.
"""
import argparse
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
# (label, spec, wall target s, peak target MB)
TARGETS = [
    ("Stripe", SHARED / "corpus/stripe.com.json", 0.3, 150),
    ("GitHub", SHARED / "corpus/github.com/api.github.com.json", 0.5, 150),
    ("OpenAI JSON", SHARED / "specs/openai/openapi.json", 0.25, 150),
    ("OpenAI YAML", SHARED / "specs/openai/openapi.yaml", 0.25, 150),
]
DIRECTORY_LIMITS = (5.0, 1024)


def generate(oagen, spec, out):
    shutil.rmtree(out, ignore_errors=True)
    t0 = time.perf_counter()
    proc = subprocess.Popen([oagen, "generate", spec, "--out", out, "--name", "bench"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    err = proc.stderr.read().decode(errors="replace").strip().splitlines()
    proc.stderr.close()
    return {"ok": os.waitstatus_to_exitcode(status) == 0, "wall": wall,
            "cpu": usage.ru_utime + usage.ru_stime, "user": usage.ru_utime, "sys": usage.ru_stime,
            "peak_mb": usage.ru_maxrss / 1024, "error": err[-1] if err else ""}


def best(oagen, spec, runs, out):
    samples = [generate(oagen, str(spec), out) for _ in range(runs)]
    return min(samples, key=lambda s: (not s["ok"], s["cpu"]))


def row(label, size, s, wall_target, peak_target):
    met = s["ok"] and s["wall"] <= wall_target and s["peak_mb"] <= peak_target
    return (f"| {label} | {size / 2**20:.1f} | {s['wall']:.2f} | {s['user']:.2f} + {s['sys']:.2f} | "
            f"{s['peak_mb']:.0f} | ≤ {wall_target} s, ≤ {peak_target} MB | "
            f"{'met' if met else 'NOT met' + (' (' + s['error'] + ')' if not s['ok'] else '')} |"), met


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--oagen", default=str(ROOT / "target/release/oagen"))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--directory", help="the directory's package/api, for --largest")
    ap.add_argument("--largest", type=int, default=0, help="also the N largest directory specs")
    args = ap.parse_args()
    specs = [(label, pathlib.Path(p), w, m) for label, p, w, m in TARGETS]
    if args.directory and args.largest:
        root = pathlib.Path(args.directory)
        files = sorted((p for p in root.rglob("*") if p.suffix in (".json", ".yaml", ".yml")),
                       key=lambda p: p.stat().st_size, reverse=True)[:args.largest]
        specs += [(str(p.relative_to(root)), p, *DIRECTORY_LIMITS) for p in files]
    print(f"load average {os.getloadavg()[0]:.1f}; best of {args.runs} by CPU time")
    print("| spec | MB | wall s | user + sys s | peak MB | target | result |")
    print("|---|--:|--:|--:|--:|---|---|")
    all_met = True
    with tempfile.TemporaryDirectory() as tmp:
        for label, spec, wall_target, peak_target in specs:
            if not spec.exists():
                print(f"| {label} | – | – | – | – | – | missing {spec} |")
                continue
            line, met = row(label, spec.stat().st_size,
                            best(args.oagen, spec, args.runs, os.path.join(tmp, "out")),
                            wall_target, peak_target)
            print(line, flush=True)
            all_met &= met
    return 0 if all_met else 1


if __name__ == "__main__":
    sys.exit(main())
