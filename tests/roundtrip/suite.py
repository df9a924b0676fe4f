#!/usr/bin/env python3
"""The official JSON-Schema-Test-Suite (draft 2020-12, the dialect of OpenAPI 3.1 and 3.2) as
the oracle for the generated types.

Every kept test group's schema becomes one component schema of a single OpenAPI 3.1
document (`<file>_<group>`, with its `$schema` left out), and every *valid* instance of the
group is pushed through the generated type (local `$ref`s, relative to the group's schema,
are rebased onto its component) by the round-trip harness (`run.py`: deserialize,
serialize back, compare with the documented normalizations, check the output is still
valid, count values read into an `Unknown` catch-all). The suite is vendored under
`tests/roundtrip/json-schema-test-suite/` (its README names the commit and what is left out);
groups whose schema uses `$id`, `$anchor`, `$dynamicRef` or `$dynamicAnchor` are left out too.

Prints one line per suite file: groups, valid instances, accepted, round-trip equal, changed
(accepted but not equal, or read into `Unknown`: data lost or altered), refused, and outputs
that ajv finds invalid only by `format` or `pattern` (draft 2020-12 treats `format` as an
annotation, so the suite's valid instances include strings of no format; the harness's
revalidation asserts formats); then the totals. With
`--expected FILE` (lines `FILE<TAB>GROUP<TAB>KIND<TAB>reason`, KIND `changed`, `refused` or `invalid-output`) a
listed difference is reported but does not fail the run; any other one does (exit status 1).
`--markdown FILE` writes the table as Markdown.

Usage: python3 tests/roundtrip/suite.py [--only FILE_STEM ...] [--oagen BIN] [--target-dir DIR]
                                        [--expected FILE] [--markdown FILE]
"""
import argparse
import collections
import json
import pathlib
import sys
import types

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import run  # noqa: E402  (the round-trip harness beside this file)

SUITE = HERE / "json-schema-test-suite" / "draft2020-12"
LEFT_OUT = ("$id", "$anchor", "$dynamicRef", "$dynamicAnchor")


def uses(value, keys) -> bool:
    """True when `value` (a schema) has one of `keys` anywhere."""
    if isinstance(value, dict):
        return any(k in value for k in keys) or any(uses(v, keys) for v in value.values())
    if isinstance(value, list):
        return any(uses(v, keys) for v in value)
    return False


def rebased(value, base):
    """`value` with every local `$ref` (`#…`, relative to the group's schema, its root) made
    relative to the document: `base` + the fragment."""
    if isinstance(value, dict):
        out = {k: rebased(v, base) for k, v in value.items()}
        ref = value.get("$ref")
        if isinstance(ref, str) and ref.startswith("#"):
            out["$ref"] = "#" + base + ref[1:]
        return out
    if isinstance(value, list):
        return [rebased(v, base) for v in value]
    return value


def build(only):
    """The OpenAPI document, the instances file's content and, per component, its file and
    group index."""
    schemas, instances, origin, per_schema = {}, [], {}, {}
    for path in sorted(SUITE.glob("*.json")):
        if only and path.stem not in only:
            continue
        for i, group in enumerate(json.loads(path.read_text())):
            schema = group["schema"]
            if uses(schema, LEFT_OUT):
                continue
            if isinstance(schema, dict):
                schema = {k: v for k, v in schema.items() if k != "$schema"}
            name = f"{path.stem}_{i}".replace("-", "_")
            pointer = f"/components/schemas/{name}"
            schemas[name] = rebased(schema, pointer)
            origin[pointer] = (path.stem, i, group["description"])
            valid = [t["data"] for t in group["tests"] if t["valid"]]
            per_schema[pointer] = {"tried": len(valid), "valid": len(valid), "error": ""}
            instances += [{"schema": pointer, "instance": v} for v in valid]
    spec = {
        "openapi": "3.1.0",
        "info": {"title": "JSON Schema Test Suite", "version": "draft2020-12"},
        "paths": {},
        "components": {"schemas": schemas},
    }
    return spec, {"instances": instances, "schemas": per_schema}, origin


def load_expected(path):
    expected = {}
    if path:
        for line in open(path):
            line = line.rstrip("\n")
            if line and not line.startswith("#"):
                file, group, kind, reason = line.split("\t", 3)
                expected[(file, int(group), kind)] = reason
    return expected


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", nargs="*", help="suite files to keep, by stem (allOf, anyOf, ...)")
    ap.add_argument("--oagen", help="an oagen binary (default: build one into --target-dir)")
    ap.add_argument("--target-dir", default=str(run.ROOT / "target" / "roundtrip" / "target"))
    ap.add_argument("--expected", help="expected-differences file (see above)")
    ap.add_argument("--markdown", help="write the table as Markdown to this file")
    ap.add_argument("--write-expected", help="write today's differences as an expected-differences file")
    ap.add_argument("--timeout", type=int, default=1800)
    args = ap.parse_args()
    if not (HERE / "node_modules" / "ajv").is_dir():
        print("the npm packages are not installed: npm ci --prefix tests/roundtrip", file=sys.stderr)
        return 2
    work = run.ROOT / "target" / "roundtrip" / "suite"
    work.mkdir(parents=True, exist_ok=True)
    spec, instances, origin = build(args.only)
    spec_path = work / "json-schema-test-suite.json"
    spec_path.write_text(json.dumps(spec, indent=1))
    instances_path = work / "instances.json"
    instances_path.write_text(json.dumps(instances))
    oagen = pathlib.Path(args.oagen).resolve() if args.oagen else None
    if oagen is None:
        run.subprocess.run(["cargo", "build", "-q", "-p", "oagen"], cwd=run.ROOT, check=True,
                           env=dict(run.os.environ, CARGO_TARGET_DIR=args.target_dir))
        oagen = pathlib.Path(args.target_dir) / "debug" / "oagen"
    harness = types.SimpleNamespace(timeout=args.timeout, target_dir=args.target_dir,
                                    instances=str(instances_path), per_schema=0, seed=0)
    row = run.check_spec(spec_path, harness, oagen, work)
    if row["error"]:
        print(f"suite: {row['error']}", file=sys.stderr)
        return 1
    valid = collections.Counter()
    groups = collections.Counter()
    for pointer, (file, _, _) in origin.items():
        groups[file] += 1
        valid[file] += instances["schemas"][pointer]["valid"]
    counts = {k: collections.Counter() for k in ("changed", "refused", "invalid-output")}
    expected = load_expected(args.expected)
    unexpected, found = [], {}
    for f in row["failures"]:
        file, group, description = origin[f["schema"]]
        kind = {"rejected": "refused", "invalid-output": "invalid-output"}.get(f["kind"], "changed")
        counts[kind][file] += 1
        found.setdefault((file, group, kind), f"{description}: {f['what'][:120]}")
        if (file, group, kind) not in expected:
            unexpected.append(f"{file} #{group} ({description}): {kind}: {f['what'][:160]}")
    if args.write_expected:
        pathlib.Path(args.write_expected).write_text(
            "# FILE\tGROUP\tKIND\treason: the suite's differences known today (tests/roundtrip/suite.py)\n"
            + "".join(f"{k[0]}\t{k[1]}\t{k[2]}\t{v}\n".replace("\t\t", "\t") for k, v in sorted(found.items())))
    changed, refused, invalid = counts["changed"], counts["refused"], counts["invalid-output"]
    lines = ["| file | groups | valid | accepted | equal | changed | refused | output fails a format or pattern |",
             "|---|--:|--:|--:|--:|--:|--:|--:|"]
    print(f"{'file':28} {'groups':>6} {'valid':>6} {'accepted':>8} {'equal':>6} {'changed':>7} {'refused':>7} {'format':>6}")
    for file in sorted(groups):
        accepted = valid[file] - refused[file]
        equal = accepted - changed[file]
        print(f"{file:28} {groups[file]:6} {valid[file]:6} {accepted:8} {equal:6} {changed[file]:7} {refused[file]:7} {invalid[file]:6}")
        lines.append(f"| {file} | {groups[file]} | {valid[file]} | {accepted} | {equal} | {changed[file]} | {refused[file]} | {invalid[file]} |")
    total = sum(valid.values())
    tc, tr, ti = sum(changed.values()), sum(refused.values()), sum(invalid.values())
    print(f"{'total':28} {sum(groups.values()):6} {total:6} {total - tr:8} {total - tr - tc:6} {tc:7} {tr:7} {ti:6}")
    lines.append(f"| **total** | {sum(groups.values())} | {total} | {total - tr} | {total - tr - tc} | {tc} | {tr} | {ti} |")
    if args.markdown:
        pathlib.Path(args.markdown).write_text("\n".join(lines) + "\n")
    for u in unexpected:
        print(f"  unexpected: {u}")
    if unexpected and args.expected:
        print(f"suite: {len(unexpected)} unexpected differences")
        return 1
    print("suite: done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
