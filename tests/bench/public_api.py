#!/usr/bin/env python3
"""Counts the public API of the `oagen` library as rustdoc documents it.

Runs `cargo doc -p oagen --no-deps` (unless --doc-dir names an existing output) and reads
`target/doc/oagen/all.html`, rustdoc's list of every public, documented item (modules and
items marked `#[doc(hidden)]` are not in it), then each item's page for its public
members: methods, fields, variants and associated items. Prints one line per module and
the totals; `--json` prints them as JSON.

    python3 tests/bench/public_api.py            # the working tree
    python3 tests/bench/public_api.py --doc-dir /tmp/old-target/doc
"""
import argparse
import collections
import json
import os
import re
import subprocess
import sys

MEMBER = re.compile(r'id="(method|structfield|variant|tymethod|associatedconstant|associatedtype)\.')


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--doc-dir", help="a rustdoc output directory (default: build target/doc)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    doc = args.doc_dir
    if doc is None:
        subprocess.run(["cargo", "doc", "-q", "-p", "oagen", "--no-deps"], cwd=root, check=True)
        doc = os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(root, "target")), "doc")
    crate = os.path.join(doc, "oagen")
    listing = open(os.path.join(crate, "all.html"), encoding="utf-8").read()
    items = re.findall(r'<li><a href="([^"]+\.html)">', listing)
    per_module = collections.Counter()
    members = collections.Counter()
    kinds = collections.Counter()
    for href in items:
        module = os.path.dirname(href) or "(root)"
        kind = os.path.basename(href).split(".")[0]
        per_module[module] += 1
        kinds[kind] += 1
        page = open(os.path.join(crate, href), encoding="utf-8").read()
        # Members of the item itself: fields, variants and inherent methods, before the
        # trait implementations (derived and blanket ones are not the crate's surface).
        own = re.split(r'id="(?:trait-implementations|synthetic-implementations|blanket-implementations)"', page)[0]
        for m in MEMBER.finditer(own):
            members[m.group(1)] += 1
    result = {
        "items": len(items),
        "members": sum(members.values()),
        "by_kind": dict(sorted(kinds.items())),
        "by_member": dict(sorted(members.items())),
        "by_module": dict(sorted(per_module.items())),
    }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        for module, n in sorted(per_module.items()):
            print(f"{module:<20} {n:>4} items")
        print(f"items: {result['items']}, members: {result['members']} {result['by_member']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
