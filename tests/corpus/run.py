#!/usr/bin/env python3
"""Corpus test: generate a crate from every spec in a corpus and `cargo clippy` it.

For each spec (JSON or YAML under the corpus directory) it runs `oagen generate`, then
`cargo clippy --no-default-features` on the generated crate with one shared target
directory, and prints one line per spec:

    <spec>  gen=ok|FAIL  check=ok|FAIL  clippy=clean|N warnings  gen_s  check_s  first error

then a total. Exit status is non-zero when any spec fails to generate or to compile
(clippy warnings are reported, not fatal, unless --strict-clippy).

With --features-per-tag, crates are generated with one Cargo feature per tag (or path
group): clippy runs with every such feature on, and `cargo check` also with none and with
only the first, so that every gated item compiles on its own.

Usage: python3 tests/corpus/run.py [--corpus DIR] [--only NAME ...] [--list FILE] [--strict-clippy] [--debug]
                                   [--features-per-tag]
"""
import argparse
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import time
import tomllib

ROOT = pathlib.Path(__file__).resolve().parents[2]


def specs_in(corpus: pathlib.Path):
    for path in sorted(corpus.rglob("*")):
        if path.suffix in (".json", ".yaml", ".yml") and path.is_file():
            yield path


def slug(path: pathlib.Path, corpus: pathlib.Path) -> str:
    rel = path.relative_to(corpus).with_suffix("")
    return "corpus-" + re.sub(r"[^a-z0-9]+", "-", str(rel).lower()).strip("-")


def first_error(text: str) -> str:
    for line in text.splitlines():
        if line.startswith("error") or ": error" in line:
            return line.strip()[:160]
    lines = [l for l in text.splitlines() if l.strip()]
    return (lines[-1] if lines else "").strip()[:160]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    ap.add_argument("--only", nargs="*", help="spec paths relative to the corpus (substring match)")
    ap.add_argument("--list", help="file with one spec path (relative to the corpus) per line")
    ap.add_argument("--out", default=str(ROOT / "target" / "corpus"))
    ap.add_argument("--strict-clippy", action="store_true", help="fail on clippy warnings too")
    ap.add_argument("--json", help="also write the results as JSON to this file")
    ap.add_argument("--debug", action="store_true", help="use a debug build of oagen (faster to build)")
    ap.add_argument("--oagen", help="an oagen binary to use instead of building one "
                                    "(CI passes the one `cargo test --workspace` built)")
    ap.add_argument("--features-per-tag", action="store_true",
                    help="generate with one feature per tag and check with all, none and one")
    args = ap.parse_args()

    corpus = pathlib.Path(args.corpus).resolve()
    specs = list(specs_in(corpus))
    wanted = list(args.only or [])
    if args.list:
        wanted += [l.strip() for l in open(args.list) if l.strip() and not l.startswith("#")]
    if wanted:
        specs = [s for s in specs if any(w in str(s.relative_to(corpus)) for w in wanted)]
    if not specs:
        print(f"no specs found under {corpus}", file=sys.stderr)
        return 2

    out = pathlib.Path(args.out)
    crates = out / "crates"
    target = out / "target"
    crates.mkdir(parents=True, exist_ok=True)

    if args.oagen:
        oagen = pathlib.Path(args.oagen).resolve()
        if not oagen.is_file():
            print(f"--oagen {args.oagen}: no such file", file=sys.stderr)
            return 2
    else:
        profile = "debug" if args.debug else "release"
        print(f"building oagen ({profile})...", flush=True)
        build = ["cargo", "build", "-q", "-p", "oagen"] + ([] if args.debug else ["--release"])
        subprocess.run(build, cwd=ROOT, check=True)
        oagen = ROOT / "target" / profile / "oagen"

    env = dict(os.environ, CARGO_TARGET_DIR=str(target), CARGO_TERM_COLOR="never")
    results = []
    for spec in specs:
        name = slug(spec, corpus)
        rel = str(spec.relative_to(corpus))
        crate = crates / name
        shutil.rmtree(crate, ignore_errors=True)
        t0 = time.monotonic()
        gen_cmd = [str(oagen), "generate", str(spec), "--out", str(crate), "--name", name]
        if args.features_per_tag:
            gen_cmd.append("--features-per-tag")
        gen = subprocess.run(gen_cmd, capture_output=True, text=True)
        gen_s = time.monotonic() - t0
        row = {"spec": rel, "generate": gen.returncode == 0, "generate_s": round(gen_s, 2),
               "check": False, "check_s": 0.0, "clippy_warnings": None, "error": ""}
        if gen.returncode != 0:
            row["error"] = first_error(gen.stderr)
        else:
            manifest = str(crate / "Cargo.toml")
            features = []
            if args.features_per_tag:
                declared = tomllib.loads((crate / "Cargo.toml").read_text()).get("features", {})
                features = [f for f in declared if f not in ("default", "rustls")]
            t0 = time.monotonic()
            chk = subprocess.run(["cargo", "clippy", "--quiet", "--no-default-features",
                                  "--features", ",".join(features),
                                  "--message-format", "short", "--manifest-path", manifest],
                                 capture_output=True, text=True, env=env)
            subsets = [[], features[:1]] if features else []
            for subset in subsets:
                if chk.returncode != 0:
                    break
                chk = subprocess.run(["cargo", "check", "--quiet", "--no-default-features",
                                      "--features", ",".join(subset),
                                      "--message-format", "short", "--manifest-path", manifest],
                                     capture_output=True, text=True, env=env)
            row["check_s"] = round(time.monotonic() - t0, 1)
            row["check"] = chk.returncode == 0
            row["clippy_warnings"] = len(re.findall(r"^[^ ].*: warning: ", chk.stderr, re.M))
            if chk.returncode != 0:
                row["error"] = first_error(chk.stderr)
            elif row["clippy_warnings"]:
                row["error"] = next((l for l in chk.stderr.splitlines() if ": warning: " in l), "")[:160]
        results.append(row)
        clippy = "-" if row["clippy_warnings"] is None else (
            "clean" if row["clippy_warnings"] == 0 else f"{row['clippy_warnings']} warnings")
        print(f"{rel:60} gen={'ok' if row['generate'] else 'FAIL':4} check={'ok' if row['check'] else 'FAIL':4} "
              f"clippy={clippy:12} {row['generate_s']:6.2f}s {row['check_s']:6.1f}s  {row['error']}", flush=True)

    generated = sum(r["generate"] for r in results)
    checked = sum(r["check"] for r in results)
    clean = sum(1 for r in results if r["check"] and r["clippy_warnings"] == 0)
    print(f"\ncorpus: {len(results)} specs, {generated} generated, {checked} compile, {clean} clippy-clean")
    failed = len(results) - checked + (checked - clean if args.strict_clippy else 0)
    print(f"corpus: {len(results) - failed} passed, {failed} failed")
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps(results, indent=2))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
