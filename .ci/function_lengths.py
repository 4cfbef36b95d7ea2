#!/usr/bin/env python3
"""Lists production functions by length (lines from `fn` to its closing brace) and fails when
one is longer than the limit. Test code is skipped: files under tests/ folders, `tests.rs`
files and `#[cfg(test)]` modules.

Usage: function_lengths.py [--limit N] [--top K] [SRC_DIR]
"""
import argparse
import pathlib
import re
import sys

FN = re.compile(r"^\s*(pub(\([^)]*\))?\s+)?(const\s+)?(async\s+)?(unsafe\s+)?fn\s+(\w+)")


def strip_strings(line):
    """The line without string/char literals and comments, so braces inside them don't count."""
    line = re.sub(r'"(\\.|[^"\\])*"', '""', line)
    line = re.sub(r"'(\\.|[^'\\])'", "''", line)
    return line.split("//", 1)[0]


def functions(path):
    lines = path.read_text(encoding="utf-8").splitlines()
    skip_depth = None  # brace depth at which a #[cfg(test)] module ends
    depth = 0
    pending_cfg_test = False
    open_fns = []  # (name, start line, depth at start)
    in_raw = False
    for number, raw in enumerate(lines, 1):
        if in_raw:
            if '"#' in raw:
                in_raw = False
            continue
        if re.search(r'r#+"', raw) and '"#' not in raw.split('r#"', 1)[-1]:
            in_raw = True
        line = strip_strings(raw)
        if "#[cfg(test)]" in line:
            pending_cfg_test = True
        match = FN.match(line)
        if match and skip_depth is None:
            open_fns.append((match.group(6), number, depth))
        if pending_cfg_test and re.match(r"^\s*(pub(\([^)]*\))?\s+)?mod\s+\w+\s*\{", line):
            skip_depth = depth
            pending_cfg_test = False
        elif pending_cfg_test and re.match(r"^\s*(pub(\([^)]*\))?\s+)?mod\s+\w+\s*;", line):
            pending_cfg_test = False
        for ch in line:
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
                if skip_depth is not None and depth == skip_depth:
                    skip_depth = None
                while open_fns and depth == open_fns[-1][2]:
                    name, start, _ = open_fns.pop()
                    yield name, start, number - start + 1
        # A declaration without a body (trait method) ends with `;` at its own depth.
        if open_fns and depth == open_fns[-1][2] and line.rstrip().endswith(";"):
            open_fns.pop()


def production_files(root):
    for path in sorted(root.rglob("*.rs")):
        parts = path.relative_to(root).parts
        if "tests" in parts[:-1] or path.name in ("tests.rs", "testing.rs"):
            continue
        yield path


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--limit", type=int, default=80)
    parser.add_argument("--top", type=int, default=10)
    parser.add_argument("src", nargs="?", default="src")
    args = parser.parse_args()
    root = pathlib.Path(args.src)
    found = [
        (length, f"{path.relative_to(root)}:{start}", name)
        for path in production_files(root)
        for name, start, length in functions(path)
    ]
    found.sort(key=lambda f: (-f[0], f[1]))
    print("| lines | function | where |\n| ---: | --- | --- |")
    for length, where, name in found[: args.top]:
        print(f"| {length} | `{name}` | {where} |")
    too_long = [f for f in found if f[0] > args.limit]
    if too_long:
        print(f"{len(too_long)} production function(s) over {args.limit} lines", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
