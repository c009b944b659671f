# SPDX-License-Identifier: MIT
"""Which code the reference roles can reach, for `make mutate` (docs/MUTATION.md).

From the build's object files (objdump: calls, addresses of functions, the
roles' op tables in data) and the source (calls the compiler inlined away,
references only fault code makes): the roles that reach each object, and the
functions of each object that `essc impl` can run.  Mutants elsewhere could
never be killed by the suite, so tools/mutate.py does not make them.
Python 3 standard library only; runs nm and objdump.
"""

import collections
import os
import re
import subprocess

ROLES = ("verifier", "channel", "platform")


def nm_closure(build, objs):
    """For every object of the build: the roles whose code reaches it (by the
    symbols the objects reference; impl.o, shared by all roles, reaches its role
    tables but is not followed through them)."""
    defs, refs = {}, {}
    for o in objs:
        out = subprocess.run(["nm", o], capture_output=True, text=True).stdout
        refs[o] = set()
        for line in out.splitlines():
            p = line.split()
            if len(p) == 3 and p[1] in "TDRBCV":
                defs[p[2]] = o
            elif len(p) == 2 and p[0] == "U":
                refs[o].add(p[1])
    impl = os.path.join(build, "conformance/impl.o")
    stop = {impl, os.path.join(build, "conformance/faults.o"),
            os.path.join(build, "conformance/impl_http.o")}

    def closure(start):
        seen, todo = {start}, [start]
        while todo:
            o = todo.pop()
            for s in refs.get(o, ()):
                d = defs.get(s)
                if d is None or d in seen or d in stop:
                    continue
                if o == impl and "/impl_" in d:
                    continue
                seen.add(d)
                todo.append(d)
        return seen

    roles = collections.defaultdict(set)
    for o in closure(impl):
        roles[o].update(ROLES)
    for r in ROLES:
        for o in closure(os.path.join(build, "conformance/impl_%s.o" % r)):
            roles[o].add(r)
    return roles


FUNC_SUFFIX = re.compile(r"\.(cold|part|isra|constprop|lto_priv|localalias)(\.\d+)?.*$")


def object_graph(obj):
    """The functions of an object file and what each refers to: {name: set of
    names}, plus the functions its data (tables of function pointers) names.
    Clones (foo.cold, foo.isra.0) count as foo; a reference through a section
    offset (a static function's address) is resolved with the symbol table."""
    funcs = collections.defaultdict(list)             # section -> [(start, end, name)]
    names, objects = set(), set()
    for line in subprocess.run(["objdump", "-t", obj], capture_output=True,
                               text=True).stdout.splitlines():
        m = re.match(r"^[0-9a-f]+ .{6}O (\S+)\s+[0-9a-f]+ (\S+)$", line)
        if m and not m.group(1).startswith("*"):
            objects.add(m.group(2))
        m = re.match(r"^([0-9a-f]+) (.)(.{5})F (\S+)\s+([0-9a-f]+) (\S+)$", line)
        if m:
            start, size = int(m.group(1), 16), int(m.group(5), 16)
            name = FUNC_SUFFIX.sub("", m.group(6))
            funcs[m.group(4)].append((start, start + size, name))
            names.add(name)

    def at(section, off):
        for a, b, name in funcs.get(section, ()):
            if a <= off < b:
                return name
        return None

    def target(sym):
        m = re.match(r"^(\.[\w.]+?)([+-]0x[0-9a-f]+)?$", sym)
        if m and m.group(1) in funcs:
            return at(m.group(1), int(m.group(2) or "0", 16) + 4)
        if m and m.group(1).startswith((".data", ".rodata", ".bss")) \
                and not m.group(1).startswith(".rodata.str"):
            return "@data"                            # a static table of this object
        return FUNC_SUFFIX.sub("", re.sub(r"[+-]0x[0-9a-f]+$", "", sym))

    refs = collections.defaultdict(set)
    cur = None
    for line in subprocess.run(["objdump", "-dr", "--no-show-raw-insn", obj],
                               capture_output=True, text=True).stdout.splitlines():
        m = re.match(r"^[0-9a-f]+ <([^>]+)>:$", line)
        if m:
            cur = FUNC_SUFFIX.sub("", m.group(1))
            continue
        if cur is None:
            continue
        m = re.search(r"\sR_X86_64_\w+\s+(\S+)$", line) or \
            re.search(r"\s(?:call|jmp)\w*\s+[0-9a-f]+ <([^>+]+)", line)
        if m:
            t = target(m.group(1))
            if t and t != cur:
                refs[cur].add(t)
    data = set()
    section = None
    for line in subprocess.run(["objdump", "-r", obj], capture_output=True,
                               text=True).stdout.splitlines():
        m = re.match(r"^RELOCATION RECORDS FOR \[(.*)\]:", line)
        if m:
            section = m.group(1)
            continue
        if section and not section.startswith((".text", ".debug", ".eh_frame", ".rela.debug")):
            p = line.split()
            if len(p) == 3 and p[1].startswith("R_"):
                m2 = re.match(r"^(\.[\w.]+?)([+-]0x[0-9a-f]+)?$", p[2])
                if m2 and m2.group(1) in funcs:
                    t = at(m2.group(1), int(m2.group(2) or "0", 16))
                else:
                    t = FUNC_SUFFIX.sub("", re.sub(r"[+-]0x[0-9a-f]+$", "", p[2]))
                if t:
                    data.add(t)
    return names, refs, data, objects


def reached_functions(objs, roots, source_refs):
    """{object: (its functions, those the roles can reach)}.  From every
    function of the root objects (the `essc impl` command), following calls
    and address references within and across objects.  An object's data (its
    tables of function pointers, the roles' op tables) is one node: reached
    when any of its data symbols is referenced, and reaching every function
    and data symbol it names.  source_refs adds, per object, the functions each
    function names in its source (the compiler may have inlined them away) and
    drops the references that only fault code makes."""
    graph = {o: object_graph(o) for o in objs}
    for o, extra in source_refs.items():
        if o not in graph:
            continue
        refs = graph[o][1]
        defined = set(extra)

        def closure(f, which, seen):
            # what f names, and what the functions of the file it names name
            # (the compiler may have inlined them into f)
            out = set(extra[f][which])
            for g in extra[f][which] & defined:
                if g not in seen:
                    seen.add(g)
                    out |= closure(g, which, seen)
            return out

        for f, (local, live, every) in extra.items():
            # a reference only fault code makes is no reference of the reference
            live_c, every_c = closure(f, 1, {f}), closure(f, 2, {f})
            refs[f] = {g for g in refs[f] if g in live_c or g not in every_c}
            refs[f].update(local - {f})
    func_owner, data_owner = {}, {}
    for o, (names, refs, data, objects) in graph.items():
        for n in names:
            func_owner.setdefault(n, o)
        for n in objects:
            data_owner.setdefault(n, o)

    def resolve(o, t):
        names, _, _, objects = graph[o]
        if t in names:
            return (o, t)
        if t in objects or t == "@data":
            return (o, None)                         # None: the object's data
        if t in func_owner:
            return (func_owner[t], t)
        if t in data_owner:
            return (data_owner[t], None)
        return None

    reached = collections.defaultdict(set)
    seen = set()
    todo = [(o, n) for o in roots for n in graph[o][0]]
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        o, n = node
        if n is None:
            targets = graph[o][2]
        else:
            reached[o].add(n)
            targets = graph[o][1].get(n, ())
        for t in targets:
            r = resolve(o, t)
            if r is not None and r not in seen:
                todo.append(r)
    return {o: (graph[o][0], reached[o]) for o in objs}
