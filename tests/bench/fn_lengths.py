#!/usr/bin/env python3
"""The longest Rust functions under some directories, longest first.

Usage: fn_lengths.py [--top N] [--max N] DIR...

A function runs from the line with its `fn` to the line of its closing brace; a function
nested in another (or in a test module) is listed on its own and also counts in its parent.
Braces inside strings (also raw strings), character literals and comments are skipped.
With --max, exits 1 when a function is longer than N lines (the issue-12 bar is 150).
Python standard library only.
"""
import argparse
import pathlib
import re
import sys

FN = re.compile(r"^\s*(?:pub(?:\([^)]*\))?\s+)?(?:const\s+)?(?:async\s+)?(?:unsafe\s+)?(?:extern\s+\"[^\"]*\"\s+)?fn\s+([A-Za-z_][A-Za-z_0-9]*)")
TOKENS = re.compile(
    r'//[^\n]*'                          # line comment
    r'|/\*.*?\*/'                        # block comment (not nested)
    r'|b?r(?P<h>#*)".*?"(?P=h)'          # raw string
    r'|b?"(?:[^"\\]|\\.)*"'              # string
    r"|b?'(?:[^'\\\n]|\\[^\n]{1,10})'"   # character literal (not a lifetime)
    r'|[{}]',
    re.S,
)


def functions(path):
    """(lines, name, first line) of every function in one file."""
    text = path.read_text(errors="replace")
    line_of = [0]
    for i, ch in enumerate(text):
        if ch == "\n":
            line_of.append(i + 1)
    def line(offset):
        lo, hi = 0, len(line_of) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if line_of[mid] <= offset:
                lo = mid
            else:
                hi = mid - 1
        return lo + 1
    starts = {}
    for n, source in enumerate(text.splitlines(), 1):
        m = FN.match(source)
        if m:
            starts[n] = m.group(1)
    open_fns, stack, out = sorted(starts.items()), [], []
    pending = list(open_fns)
    for tok in TOKENS.finditer(text):
        s = tok.group(0)
        if s not in "{}":
            continue
        at = line(tok.start())
        if s == "{":
            # The first `{` at or after a pending `fn` line opens that function's body.
            opened = None
            while pending and pending[0][0] <= at:
                opened = pending.pop(0)
            stack.append(opened)
        elif stack:
            opened = stack.pop()
            if opened:
                out.append((at - opened[0] + 1, opened[1], opened[0]))
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dirs", nargs="+")
    parser.add_argument("--top", type=int, default=10)
    parser.add_argument("--max", type=int)
    args = parser.parse_args()
    rows = []
    for root in args.dirs:
        for path in sorted(pathlib.Path(root).rglob("*.rs")):
            rows += [(n, f"{path}:{line} {name}") for n, name, line in functions(path)]
    rows.sort(key=lambda r: (-r[0], r[1]))
    for n, where in rows[: args.top]:
        print(f"{n:5} {where}")
    if args.max is not None:
        over = [r for r in rows if r[0] > args.max]
        if over:
            print(f"{len(over)} function(s) over {args.max} lines", file=sys.stderr)
            sys.exit(1)


if __name__ == "__main__":
    main()
