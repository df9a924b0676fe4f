#!/usr/bin/env python3
"""A grep-level list of a crate's public API, for comparing before and after a change.

Usage: public_api.py [--list] SRC_DIR   (e.g. generator/src)
       public_api.py --rustdoc [DOC_DIR]  (rustdoc's count: runs `cargo doc -p oagen` when no DOC_DIR)

Starts at SRC_DIR/lib.rs and follows `pub mod` declarations (not `pub(crate) mod` or `mod`);
in each public module it counts the `pub` items (fn, struct, enum, trait, type, const,
static, and `pub` methods and fields, which a reader of the docs sees too) and `pub use`
re-exports. A module behind `#[doc(hidden)]` is counted apart. With --list, prints every
item. Not a compiler: items made public through a re-export of a private module count
under `pub use` only. With --rustdoc it reads rustdoc's own list instead
(`target/doc/oagen/all.html`, every public documented item at its canonical path, hidden ones
left out) and counts each item's own members on its page: fields, variants and inherent
methods, not trait implementations. Python standard library only.
"""
import collections
import os
import pathlib
import re
import subprocess
import sys

MEMBER = re.compile(r'id="(method|structfield|variant|tymethod|associatedconstant|associatedtype)\.')


def rustdoc_counts(doc):
    """Public items and their own members, as rustdoc documents them under `doc`."""
    if doc is None:
        root = pathlib.Path(__file__).resolve().parents[2]
        subprocess.run(["cargo", "doc", "-q", "-p", "oagen", "--no-deps"], cwd=root, check=True)
        doc = os.path.join(os.environ.get("CARGO_TARGET_DIR", root / "target"), "doc")
    crate = os.path.join(doc, "oagen")
    listing = open(os.path.join(crate, "all.html"), encoding="utf-8").read()
    items = re.findall(r'<li><a href="([^"]+\.html)">', listing)
    per_module = collections.Counter()
    members = collections.Counter()
    for href in items:
        per_module[os.path.dirname(href) or "(root)"] += 1
        page = open(os.path.join(crate, href), encoding="utf-8").read()
        own = re.split(r'id="(?:trait-implementations|synthetic-implementations|blanket-implementations)"', page)[0]
        for m in MEMBER.finditer(own):
            members[m.group(1)] += 1
    for module, n in sorted(per_module.items()):
        print(f"{module:<20} {n:>4} items")
    print(f"items: {len(items)}, members: {sum(members.values())} {dict(sorted(members.items()))}")

ITEM = re.compile(r"^\s*pub\s+(?:const\s+|async\s+|unsafe\s+)*(fn|struct|enum|trait|type|const|static|use|mod)\s+([A-Za-z_][A-Za-z_0-9]*|\{[^}]*\}|[A-Za-z_:{}, *]+)")
FIELD = re.compile(r"^\s*pub\s+([a-z_][a-z_0-9]*)\s*:")
MOD = re.compile(r"^\s*(#\[doc\(hidden\)\]\s*)?pub\s+mod\s+([a-z_0-9]+)\s*;")


def module_file(parent, name, is_root):
    base = parent.parent if is_root or parent.name == "mod.rs" else parent.with_suffix("")
    for candidate in (base / f"{name}.rs", base / name / "mod.rs"):
        if candidate.exists():
            return candidate
    return None


def walk(path, module, is_root, hidden, out):
    lines = path.read_text(errors="replace").splitlines()
    in_tests = False
    for i, line in enumerate(lines):
        following = lines[i + 1] if i + 1 < len(lines) else ""
        if re.match(r"^\s*#\[cfg\(test\)\]", line) and re.match(r"^\s*(pub(\(crate\))?\s+)?mod\s+\w+\s*\{", following):
            in_tests = True
        if in_tests:
            continue
        previous = lines[i - 1] if i else ""
        m = MOD.match(line) or (MOD.match(previous + " " + line) if "doc(hidden)" in previous else None)
        if m:
            child = module_file(path, m.group(2), is_root)
            is_hidden = hidden or "doc(hidden)" in previous or bool(m.group(1))
            if child:
                walk(child, f"{module}::{m.group(2)}", False, is_hidden, out)
            continue
        m = ITEM.match(line)
        if m and m.group(1) != "mod":
            out.append((hidden, module, m.group(1), m.group(2).strip()))
            continue
        m = FIELD.match(line)
        if m:
            out.append((hidden, module, "field", m.group(1)))


def main():
    if "--rustdoc" in sys.argv:
        rest = [a for a in sys.argv[1:] if a != "--rustdoc"]
        rustdoc_counts(rest[0] if rest else None)
        return
    args = [a for a in sys.argv[1:] if a != "--list"]
    root = pathlib.Path(args[0]) / "lib.rs"
    out = []
    walk(root, "crate", True, False, out)
    modules = sorted({m for h, m, _, _ in out if not h})
    hidden = sorted({m for h, m, _, _ in out if h})
    visible = [r for r in out if not r[0]]
    kinds = {}
    for _, _, kind, _ in visible:
        kinds[kind] = kinds.get(kind, 0) + 1
    print(f"public modules ({len(modules)}): {', '.join(modules)}")
    if hidden:
        print(f"doc(hidden) modules ({len(hidden)}): {', '.join(hidden)}")
    print(f"public items: {len(visible)} (" + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())) + ")")
    if "--list" in sys.argv:
        for h, module, kind, name in out:
            print(f"{'hidden ' if h else ''}{module} {kind} {name}")


if __name__ == "__main__":
    main()
