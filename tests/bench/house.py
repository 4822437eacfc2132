#!/usr/bin/env python3
"""dmaviz: measure the house (the shape of the code, not its speed).

    python3 tests/bench/house.py [DIR...]      # default: src ui (from the project root)

Prints Markdown tables: the largest files, the longest functions with an approximate
cyclomatic complexity (1 + if/for/while/case/&&/||/?), and the include cycles between modules
(a module is a file stem: sim.c, sim.h and sim_int.h are "sim"; an edge A -> B when a file of A includes
"B.h"). It reads kernel-style C (a definition's opening brace alone at column 0, its closing one
too), which is this project's style; it is a measuring tool, not a C parser.
"""
import os
import re
import sys

BRANCH = re.compile(r"\b(if|for|while|case)\b|&&|\|\||\?")
STRINGS = re.compile(r'"(?:\\.|[^"\\])*"|\'(?:\\.|[^\'\\])*\'')
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def module(path):
    """A file's module: its stem, with an internal header's _int folded in (sim_int.h is sim's)."""
    stem = os.path.splitext(os.path.basename(path))[0]
    return stem[:-4] if stem.endswith("_int") else stem


def sources(dirs):
    for top in dirs:
        for root, _, names in os.walk(top):
            for name in sorted(names):
                if name.endswith((".c", ".h")):
                    yield os.path.join(root, name)


def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)
    return re.sub(r"//[^\n]*", "", text)


def functions(path, text):
    lines = strip_comments(text).split("\n")
    out = []
    i = 0
    while i < len(lines):
        if lines[i] == "{" and i > 0:
            # the signature: back to the first line of this declaration at column 0
            j = i - 1
            while j > 0 and lines[j][:1] in ("\t", " "):
                j -= 1
            sig = " ".join(l.strip() for l in lines[j:i])
            m = re.search(r"(\w+)\s*\(", sig)
            k = i + 1
            while k < len(lines) and lines[k] != "}":
                k += 1
            body = STRINGS.sub('""', "\n".join(lines[i:k]))
            if m and "=" not in sig.split("(")[0]:
                out.append((k - j + 1, 1 + len(BRANCH.findall(body)), m.group(1), path, j + 1))
            i = k
        i += 1
    return out


def sccs(graph):
    index, low, stack, on, result = {}, {}, [], set(), []
    counter = [0]

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
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                result.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return result


def main():
    dirs = sys.argv[1:] or ["src", "ui"]
    files, funcs, graph, total = [], [], {}, 0
    stems = {}
    paths = list(sources(dirs))
    for p in paths:
        stems.setdefault(module(p), os.path.dirname(p))
    for p in paths:
        with open(p, encoding="utf-8", errors="replace") as f:
            text = f.read()
        n = text.count("\n")
        total += n
        files.append((n, p))
        if p.endswith(".c"):
            funcs.extend(functions(p, text))
        a = module(p)
        for line in text.split("\n"):
            m = INCLUDE.match(line)
            if m:
                b = module(m.group(1))
                if b != a and b in stems:
                    graph.setdefault(a, set()).add(b)
    files.sort(reverse=True)
    funcs.sort(reverse=True)
    print(f"{len(paths)} files, {total} lines, {len(funcs)} functions in {' '.join(dirs)}\n")
    print("| lines | file |\n|---:|---|")
    for n, p in files[:12]:
        print(f"| {n} | {p} |")
    print("\n| lines | complexity | function | where |\n|---:|---:|---|---|")
    for n, cc, name, p, line in funcs[:12]:
        print(f"| {n} | {cc} | {name} | {p}:{line} |")
    over = sum(1 for f in funcs if f[0] > 100)
    print(f"\nfunctions over 100 lines: {over}; complexity over 40: "
          f"{sum(1 for f in funcs if f[1] > 40)}")
    cycles = sccs(graph)
    print("\ninclude cycles (modules that reach each other):",
          "; ".join(" <-> ".join(c) for c in cycles) or "none")


if __name__ == "__main__":
    main()
