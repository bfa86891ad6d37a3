#!/usr/bin/env python3
"""The core crate's map, checked: no circular module imports, one writer per table.

Reads crates/core/src (production code: a file's `#[cfg(test)]` tail is left out) and
  * builds the graph of which module uses which (`use crate::…`, `super::…`, `self::…`,
    inline `crate::a::b` paths, and paths through a module's own children), then reports
    every cycle (a strongly connected group of more than one file);
  * finds, for every table of the local schema, the files whose SQL writes it
    (INSERT/REPLACE INTO, UPDATE, DELETE FROM), and reports every table with more than one.

and reads crates/server/src: every SQL statement of the server is in its storage seam
(crates/server/src/db/), so it reports each `sqlx::query…` call outside that folder.

`scripts/structure.py` prints the map; `--check` also exits 1 on a cycle, a shared table or
server SQL outside the seam.
"""

import os
import re
import sys
from collections import defaultdict

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
SRC = os.path.join(ROOT, "crates", "core", "src")
MIGRATIONS = os.path.join(ROOT, "crates", "core", "migrations")


def module_of(rel):
    """`customers/page.rs` -> ('customers', 'page'); `customers/mod.rs` -> ('customers',)."""
    parts = rel[:-3].split("/")
    if parts[-1] in ("mod", "lib"):
        parts = parts[:-1]
    return tuple(parts)


def production(text):
    cut = text.find("#[cfg(test)]\nmod tests")
    return text if cut < 0 else text[:cut]


def strip_comments(text):
    text = re.sub(r"//[^\n]*", "", text)
    return re.sub(r'"(?:[^"\\]|\\.)*"', '""', text)


def expand_use(tree):
    """`a::{b, c::{d, e}}` -> ['a::b', 'a::c::d', 'a::c::e']."""
    tree = tree.strip()
    m = re.match(r"^((?:\w+::)*)\{(.*)\}$", tree, re.S)
    if not m:
        return [re.sub(r"\s+as\s+\w+$", "", tree)]
    prefix, inner = m.group(1), m.group(2)
    items, depth, cur = [], 0, ""
    for ch in inner:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        if ch == "," and depth == 0:
            items.append(cur)
            cur = ""
        else:
            cur += ch
    items.append(cur)
    out = []
    for item in items:
        if item.strip():
            out += [prefix + p for p in expand_use(item)]
    return out


def load():
    files = {}
    for dirpath, _, names in os.walk(SRC):
        for name in names:
            if name.endswith(".rs"):
                rel = os.path.relpath(os.path.join(dirpath, name), SRC)
                with open(os.path.join(dirpath, name)) as f:
                    files[rel] = f.read()
    return files


def reexports(files):
    """Names lib.rs re-exports (`pub use desk::{Desk, …}`) -> the module they come from."""
    out = {}
    for tree in re.findall(r"\bpub use\s+([^;]+);", strip_comments(files.get("lib.rs", ""))):
        for path in expand_use(tree):
            parts = path.split("::")
            if len(parts) >= 2 and parts[0] not in ("touchpoint_protocol",):
                out[parts[-1]] = (parts[0],)
    return out


def resolve(path, me, modules, names, children):
    """The module a `crate::…`, `super::…`, `self::…` or child path lands in (or None)."""
    parts = path.split("::")
    if parts[0] == "crate" and len(parts) > 1 and parts[1] in names:
        base, parts = (), list(names[parts[1]])
    elif parts[0] == "crate":
        base, parts = (), parts[1:]
    elif parts[0] == "super":
        base, parts = me[:-1], parts[1:]
    elif parts[0] == "self":
        base, parts = me, parts[1:]
    elif parts[0] in children:
        base = me
    else:
        return None
    for i in range(len(parts), 0, -1):
        if base + tuple(parts[:i]) in modules:
            return base + tuple(parts[:i])
    if base in modules and base != ():
        return base
    return None


def graph(files):
    """Which file uses which. A `use` of a module (`use crate::catalogue;`) counts through
    its uses in the code: `catalogue::rows::seed(…)` is a use of `catalogue/rows.rs` alone."""
    modules = {module_of(rel): rel for rel in files}
    names = reexports(files)
    edges = defaultdict(set)
    for rel, text in files.items():
        if rel == "lib.rs":
            continue  # declares the modules; its re-exports are followed to where they live
        me = module_of(rel)
        code = strip_comments(production(text))
        children = {c for c in re.findall(r"\bmod (\w+);", code)}
        targets = set()
        aliases = {}
        for tree in re.findall(r"\buse\s+([^;]+);", code):
            for path in expand_use(tree):
                path = re.sub(r"::self$", "", path)
                target = resolve(path, me, modules, names, children)
                if target is None:
                    continue
                last = path.split("::")[-1]
                if target == me[: len(target)] and len(target) < len(me):
                    continue  # a parent's name, used for its children below
                if tuple(path.split("::")[-len(target):]) == target[-len(target):] and last == target[-1]:
                    aliases[last] = target  # a module imported by name: its uses decide
                else:
                    targets.add(target)
        body = re.sub(r"\buse\s+[^;]+;", "", code)
        for path in re.findall(r"\b((?:crate|super|self)(?:::\w+)+)", body):
            t = resolve(path, me, modules, names, children)
            if t is not None:
                targets.add(t)
        for child in children:
            for path in re.findall(r"(?<![:\w])(%s(?:::\w+)+)" % child, body):
                t = resolve(path, me, modules, names, children)
                if t is not None:
                    targets.add(t)
        for alias, module in aliases.items():
            for rest in re.findall(r"(?<![:\w])%s((?:::\w+)+)" % alias, body):
                deepest = module
                for seg in rest.split("::")[1:]:
                    if deepest + (seg,) in modules:
                        deepest = deepest + (seg,)
                    else:
                        break
                targets.add(deepest)
        for t in targets:
            if t != me:
                edges[rel].add(modules[t])
    return edges


def cycles(edges, nodes):
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                out.append(sorted(group))

    sys.setrecursionlimit(10000)
    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return out


def tables():
    names = set()
    for name in os.listdir(MIGRATIONS):
        with open(os.path.join(MIGRATIONS, name)) as f:
            names |= set(re.findall(r"CREATE (?:VIRTUAL )?TABLE (?:IF NOT EXISTS )?(\w+)", f.read()))
    return sorted(n for n in names if not n.endswith("_new") and n != "bench_floor")


def writers(files):
    found = defaultdict(set)
    for rel, text in files.items():
        code = production(text)
        for t in re.findall(r"\b(?:INSERT(?: OR \w+)? INTO|REPLACE INTO|UPDATE|DELETE FROM)\s+(\w+)", code):
            found[t].add(rel)
    return found


SERVER = os.path.join(ROOT, "crates", "server", "src")


def server_sql_outside_seam():
    """(file, count) for each server file outside db/ with `sqlx::query` in its production code."""
    found = []
    for base, _, names in os.walk(SERVER):
        for name in sorted(names):
            if not name.endswith(".rs"):
                continue
            rel = os.path.relpath(os.path.join(base, name), SERVER)
            if rel.startswith("db" + os.sep):
                continue
            with open(os.path.join(base, name)) as f:
                n = len(re.findall(r"\bsqlx::query", strip_comments(production(f.read()))))
            if n:
                found.append((rel, n))
    return found


def main():
    check = "--check" in sys.argv
    files = load()
    edges = graph(files)
    loops = cycles(edges, files.keys())
    by_table = writers(files)
    bad = False
    print("core modules: %d files in %d folders" % (len(files), len({os.path.dirname(f) for f in files})))
    if loops:
        bad = True
        for group in loops:
            print("cycle: " + " <-> ".join(group))
            for a in group:
                inside = sorted(b for b in edges.get(a, ()) if b in group)
                print("    %s uses %s" % (a, ", ".join(inside)))
    else:
        print("module imports: no cycles")
    print("writers per table:")
    for t in tables():
        who = sorted(by_table.get(t, ()))
        mark = "" if len(who) <= 1 else "   <-- more than one writer"
        if len(who) > 1:
            bad = True
        print("  %-24s %d  %s%s" % (t, len(who), " ".join(who), mark))
    outside = server_sql_outside_seam()
    if outside:
        bad = True
        for rel, n in outside:
            print("server SQL outside db/: %s (%d)" % (rel, n))
    else:
        print("server SQL: all in crates/server/src/db/")
    if check and bad:
        sys.exit(1)


if __name__ == "__main__":
    main()
