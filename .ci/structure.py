#!/usr/bin/env python3
"""Structure checks, run by .ci/run (clippy's too_many_lines guards function length):

1. No file in src/ over 500 lines, unless its first ten lines say why ("Longer than 500
   lines because ...").
2. No import circle between sibling modules (at every depth of the module tree), except in
   graphql/, whose types refer to each other as the schema does. An edge is a `crate::a::b`
   or `super::b` path outside comments and test modules; a parent using its own children is
   not counted (they are its parts).
"""
import os
import re
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src")
MAX_LINES = 500
ALLOWED_CIRCLES = ("graphql",)


def modules():
    """(module path, file path) for every source file except tests."""
    for folder, _, files in os.walk(ROOT):
        for name in files:
            if not name.endswith(".rs"):
                continue
            path = os.path.join(folder, name)
            parts = os.path.relpath(path, ROOT)[:-3].split(os.sep)
            if parts[-1] == "tests":
                continue
            if parts[-1] in ("mod", "lib", "main"):
                parts = parts[:-1]
            yield parts, path


def code(path):
    """The file's text without test modules and comment lines."""
    text = open(path, encoding="utf-8").read().split("#[cfg(test)]")[0]
    return "\n".join(l for l in text.split("\n") if not l.lstrip().startswith("//"))


def long_files():
    bad = []
    for _, path in modules():
        lines = open(path, encoding="utf-8").read().split("\n")
        if len(lines) > MAX_LINES and not any("Longer than 500 lines because" in l for l in lines[:10]):
            bad.append(f"{os.path.relpath(path, ROOT)}: {len(lines)} lines")
    return bad


def edges(depth):
    """Module-to-module dependencies, each side cut to `depth` path segments."""
    known = {tuple(parts[:depth]) for parts, _ in modules() if len(parts) >= depth}
    out = {}
    for parts, path in modules():
        if len(parts) < depth:
            continue
        here = tuple(parts[:depth])
        text = code(path)
        targets = [m.group(1).split("::") for m in re.finditer(r"crate::([a-z_][a-z0-9_]*(?:::[a-z_][a-z0-9_]*)*)", text)]
        is_mod = os.path.basename(path) == "mod.rs"
        parent = parts[:-1]
        targets += [parent + m.group(1).split("::") for m in re.finditer(r"\bsuper::([a-z_][a-z0-9_]*(?:::[a-z_][a-z0-9_]*)*)", text)]
        for t in targets:
            there = tuple(t[:depth])
            if there != here and there in known and here[:-1] == there[:-1]:
                out.setdefault(here, set()).add(there)
    return out


def circles(graph):
    index, low, stack, on, found, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted("::".join(c) for c in component))

    for v in list(graph):
        if v not in index:
            visit(v)
    return found


def main():
    failures = [f"too long: {b}" for b in long_files()]
    for depth in (1, 2, 3, 4):
        for circle in circles(edges(depth)):
            if not all(c.split("::")[0] in ALLOWED_CIRCLES for c in circle):
                failures.append("import circle: " + " -> ".join(circle))
    for f in failures:
        print(f, file=sys.stderr)
    if failures:
        sys.exit(1)
    print("structure: no file over 500 lines, no import circle outside graphql/")


main()
