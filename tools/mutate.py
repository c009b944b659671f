#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Mutation testing of the conformance suite (`make mutate`, docs/MUTATION.md).

For each mutant of the reference roles' source (the files of
tests/mutate/files.txt; operators in tools/mutants.py): write the mutated file
to a temporary folder, compile that one object with the project's flags, link
it ahead of the project's archives into a mutant essc (the original object in
the archive is then never pulled in), and run the pristine runner against it:
`essc conform --role R --impl 'MUTANT impl --role R'` for every role whose code
reaches the file.  The worktree is never written (only --out).  Outcomes:
killed (some role not conformant; `timeout` and `crash` when a failing test
says so), survived (every role conformant), stillborn (does not compile or
link; not counted), error (the runner itself failed; not counted).  The score
is killed / (killed + survived), mutants of tests/mutate/equivalent.txt left
out.  Writes OUT/report.txt and OUT/report.json; prints the score line first.
Python 3 standard library only.
"""

import argparse
import collections
import hashlib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mutants as M  # noqa: E402
from mutate_reach import ROLES, nm_closure, reached_functions  # noqa: E402

# The profile each role's run claims (essc conform --profile), where the
# default one (tier 1) would skip tests: the reference channel is tier 1 or 2
# as its reset says, and under tier 2 every test of the channel role runs
# (none is for tier 1 only), so its tier-2 behaviour is not left unmutated.
PROFILES = {"channel": "tests/mutate/channel-profile.ini"}

KILLED = ("killed", "timeout", "crash")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def die(msg):
    print("mutate: " + msg, file=sys.stderr)
    sys.exit(2)


# ---- lists: files, equivalent mutants, acknowledged survivors -----------------

def read_files_list(path):
    """tests/mutate/files.txt: one source file a line; `#` starts a comment."""
    files = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            if not os.path.isfile(os.path.join(ROOT, line)):
                die("%s:%d: no file %s" % (path, n, line))
            files.append(line)
    return files


def read_id_list(path, need_reason):
    """ID  FILE:LINE  OP  CHANGE  | REASON   (FILE:LINE, OP and CHANGE are for
    the reader; the id is the key).  Returns {id: reason}."""
    out = {}
    if path is None or not os.path.exists(path):
        return out
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            text = line.strip()
            if not text or text.startswith("#"):
                continue
            ident = text.split()[0]
            if not re.fullmatch(r"m[0-9a-f]{10}", ident):
                die("%s:%d: expected a mutant id (m and 10 hex digits), got '%s'"
                    % (path, n, ident))
            reason = text.split(" | ", 1)[1].strip() if " | " in text else ""
            if need_reason and not reason:
                die("%s:%d: mutant %s has no reason (after ' | ')" % (path, n, ident))
            if ident in out:
                die("%s:%d: mutant %s listed twice" % (path, n, ident))
            out[ident] = reason
    return out


def known_requirements():
    ids = set()
    row = re.compile(r"^\| ([A-Z]+-[0-9]+) \| (MUST|MUST NOT|SHOULD|SHOULD NOT|MAY) \|")
    with open(os.path.join(ROOT, "docs/ESSC-STD.md"), encoding="utf-8") as f:
        for line in f:
            m = row.match(line)
            if m:
                ids.add(m.group(1))
    return ids


# ---- enumeration and sampling ------------------------------------------------

class Source:
    """One file of the set: its text, mutants, tokens and comments."""

    def __init__(self, path):
        self.path = path
        with open(os.path.join(ROOT, path), encoding="utf-8") as f:
            self.text = f.read()
        self.mutants, self.tokens, self.comments, self.funcs, self.dead = \
            M.enumerate_file(path, self.text)


def sample(mutants, n, seed):
    """The n mutants whose keyed hash of (seed, id) is smallest, in enumeration
    order: the same seed picks the same mutants, and an edit elsewhere in the
    sources changes the sample only by the mutants it adds or removes."""
    if n is None or n >= len(mutants):
        return list(mutants)
    key = {m.id: hashlib.sha256(("%s:%s" % (seed, m.id)).encode()).hexdigest() for m in mutants}
    chosen = set(sorted(key, key=key.get)[:n])
    return [m for m in mutants if m.id in chosen]


# ---- the project: how a mutant is built and tested -----------------------------

def make_vars():
    """The build's compiler, flags and link list, from `make mutate-env`."""
    out = subprocess.run(["make", "--no-print-directory", "-s", "mutate-env"], cwd=ROOT,
                         capture_output=True, text=True)
    if out.returncode != 0:
        die("make mutate-env failed:\n" + out.stderr)
    env = {}
    for line in out.stdout.splitlines():
        if line.startswith("MUTATE_") and "=" in line:
            k, v = line.split("=", 1)
            env[k[len("MUTATE_"):]] = v
    for k in ("CC", "CFLAGS", "LDFLAGS", "LDLIBS", "OBJS", "LIBS", "BUILD"):
        if k not in env:
            die("make mutate-env did not print MUTATE_" + k)
    return env


def compile_flags(cflags):
    flags = [f for f in shlex.split(cflags) if f not in ("-Werror", "-MMD", "-MP", "-g")]
    return flags + ["-w"]


class Project:
    """The essc build: compile one mutated file, link a mutant essc, run the suite."""

    def __init__(self, args):
        self.v = make_vars()
        self.build = self.v["BUILD"]
        self.cc = shlex.split(self.v["CC"])
        self.cflags = compile_flags(self.v["CFLAGS"])
        self.ldflags = shlex.split(self.v["LDFLAGS"])
        self.ldlibs = shlex.split(self.v["LDLIBS"])
        self.objs = shlex.split(self.v["OBJS"])
        self.libs = shlex.split(self.v["LIBS"])
        self.essc = os.path.join(ROOT, self.build, "essc")
        if not os.path.exists(self.essc):
            die("no %s: run make first" % self.essc)
        self.timeout_ms = args.timeout_ms
        self.suite_timeout = args.suite_timeout
        self.objs_all = [os.path.join(self.build, p) for p in subprocess.run(
            ["find", "conformance", "model/std", "base", "cli/cmd_impl.o"], cwd=os.path.join(ROOT, self.build),
            capture_output=True, text=True).stdout.split() if p.endswith(".o")]
        self.roles_of = nm_closure(self.build, self.objs_all)
        self.reach = None

    def object_of(self, path):
        return os.path.join(self.build, os.path.splitext(path)[0] + ".o")

    def restrict(self, sources):
        """Drops the mutants of functions no role reaches (the store's restore,
        the bench's encoders...); returns how many were dropped per file."""
        roots = [os.path.join(self.build, "cli/cmd_impl.o")]
        refs = {self.object_of(p): M.function_refs(s.tokens, s.funcs, s.dead)
                for p, s in sources.items()}
        self.reach = reached_functions(self.objs_all, roots, refs)
        dropped = {}
        for p, s in sources.items():
            names, reached = self.reach.get(self.object_of(p), (set(), set()))
            reached = set(reached)
            # a static function inlined everywhere has no symbol: it is reached
            # when a reached function of its file names it outside fault code
            local = refs[self.object_of(p)]
            grew = True
            while grew:
                grew = False
                for f in local:
                    if f not in names and f not in reached and \
                            any(f in local[g][0] for g in reached if g in local):
                        reached.add(f)
                        grew = True
            keep = [m for m in s.mutants if m.func in reached]
            dropped[p] = sorted({m.func for m in s.mutants} - {m.func for m in keep})
            s.unreached = len(s.mutants) - len(keep)
            s.mutants = keep
        return dropped

    def roles(self, path):
        obj = self.object_of(path)
        found = self.roles_of.get(obj)
        return [r for r in ROLES if found and r in found] or list(ROLES)

    def build_mutant(self, m, text, tmp):
        """Compiles and links; returns (exe, None) or (None, why)."""
        src = os.path.join(tmp, os.path.basename(m.file))
        with open(src, "w", encoding="utf-8") as f:
            f.write(m.apply(text))
        obj = os.path.join(tmp, "mutant.o")
        cmd = self.cc + self.cflags + ["-iquote", os.path.dirname(m.file) or ".",
                                       "-c", "-o", obj, src]
        r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        if r.returncode != 0:
            return None, "compile: " + first_error(r.stderr)
        exe = os.path.join(tmp, "essc")
        cmd = self.cc + self.ldflags + ["-o", exe] + self.objs + [obj] + self.libs + self.ldlibs
        r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        if r.returncode != 0:
            return None, "link: " + first_error(r.stderr)
        return exe, None

    def run_suite(self, m, exe):
        """Runs the affected roles; returns (status, failing tests, detail)."""
        failing, detail = [], ""
        for role in self.roles(m.file):
            cmd = [self.essc, "conform", "--role", role, "--impl",
                   "%s impl --role %s" % (shlex.quote(exe), role),
                   "--timeout-ms", str(self.timeout_ms)]
            if role in PROFILES:
                cmd += ["--profile", PROFILES[role]]
            try:
                r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True,
                                   timeout=self.suite_timeout, errors="replace")
            except subprocess.TimeoutExpired:
                return "timeout", failing, "the %s suite ran past %d s" % (role, self.suite_timeout)
            if r.returncode == 0:
                continue
            if r.returncode == 2 and "could not start" in r.stderr:
                # the runner is pristine: a run that cannot start is the mutant's doing
                got = "crash" if "crash" in r.stderr else "timeout" if "timeout" in r.stderr \
                    else "hello"
                failing.append({"test": "hello", "role": role, "reqs": [], "got": got})
                return ("crash" if got == "crash" else "timeout" if got == "timeout"
                        else "killed"), failing, r.stderr.strip().splitlines()[-1][:300]
            if r.returncode != 1:
                return "error", failing, "essc conform --role %s exited %d: %s" % (
                    role, r.returncode, r.stderr.strip().splitlines()[-1:] or "")
            fails = parse_tap(r.stdout, role)
            if not fails:
                return "error", failing, "essc conform --role %s: not conformant, no test failed" % role
            failing.extend(fails)
        if not failing:
            return "survived", failing, ""
        gots = {f["got"] for f in failing}
        status = "crash" if "crash" in gots else "timeout" if "timeout" in gots else "killed"
        return status, failing, detail


def first_error(stderr):
    for line in stderr.splitlines():
        if "error" in line:
            return line.strip()[:200]
    return (stderr.strip().splitlines() or ["failed"])[0][:200]


TAP_NOT_OK = re.compile(r"^not ok \d+ - (\S+)(?: (\S+))?")


def parse_tap(tap, role):
    """The failing tests of a TAP run: name, requirement ids, what was got."""
    fails, cur = [], None
    for line in tap.splitlines():
        m = TAP_NOT_OK.match(line)
        if m:
            first, second = m.group(1), m.group(2)
            if second is not None and re.fullmatch(r"[A-Z]+-\d+(,[A-Z]+-\d+)*", first):
                reqs, name = first.split(","), second
            else:
                reqs, name = [], first
            name = name.split(" #", 1)[0]
            cur = {"test": name, "role": role, "reqs": reqs, "got": ""}
            fails.append(cur)
        elif cur is not None and line.startswith("  got: "):
            try:
                cur["got"] = json.loads(line[len("  got: "):])
            except ValueError:
                cur["got"] = line[len("  got: "):]
        elif line.startswith("ok "):
            cur = None
    return fails


# ---- running -------------------------------------------------------------------

def run_all(project, selected, texts, jobs, log, journal=None, cached=None):
    """Runs every selected mutant on `jobs` threads; returns {id: result}.
    journal(m, result) is called with each new result; a mutant in cached
    (id -> result) is not run again.  log: 0 quiet, 1 a progress line every
    5%, 2 a line per mutant (on stderr)."""
    results, lock = {}, threading.Lock()
    total, done = len(selected), [0]
    t_start = time.monotonic()
    step = max(1, total // 20)

    def one(m):
        if cached and m.id in cached:
            with lock:
                results[m.id] = cached[m.id]
                done[0] += 1
            return cached[m.id]
        t0 = time.monotonic()
        tmp = tempfile.mkdtemp(prefix="essc-mutate-")
        try:
            exe, why = project.build_mutant(m, texts[m.file], tmp)
            if exe is None:
                res = {"status": "stillborn", "failing": [], "detail": why}
            else:
                status, failing, detail = project.run_suite(m, exe)
                res = {"status": status, "failing": failing, "detail": detail}
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        res["seconds"] = round(time.monotonic() - t0, 2)
        with lock:
            results[m.id] = res
            done[0] += 1
            if journal is not None:
                journal(m, res)
            if log >= 2:
                print("[%d/%d] %s %s %s %s: %s (%.1f s)" % (done[0], total, m.id, m.where(), m.op,
                                                           m.change(), res["status"],
                                                           res["seconds"]),
                      file=sys.stderr, flush=True)
            elif log == 1 and (done[0] % step == 0 or done[0] == total):
                st = collections.Counter(r["status"] for r in results.values())
                k = sum(st[x] for x in KILLED)
                left = (time.monotonic() - t_start) / done[0] * (total - done[0])
                print("mutate: %d/%d run: %d killed, %d survived so far; about %.0f min left"
                      % (done[0], total, k, st["survived"], left / 60), file=sys.stderr,
                      flush=True)
        return res

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        list(pool.map(one, selected))
    return results


# ---- the report ----------------------------------------------------------------

def score(k, s):
    return "%.1f%%" % (100.0 * k / (k + s)) if k + s else "-"


def infer_requirements(selected, results, sources, known):
    """For each mutant: the requirement ids of its code region (a comment), or
    else those that the tests killing other mutants of its function name most
    often (each killed mutant weighing 1/n for each of the n ids its failing
    tests name, so a narrow kill says more than a crash), or else those of its
    file's killed mutants; [] when none says anything."""
    by_func = collections.defaultdict(collections.Counter)
    for m in selected:
        r = results[m.id]
        if r["status"] in KILLED:
            reqs = {q for f in r["failing"] for q in f["reqs"]}
            for req in reqs:                           # a narrow kill says more
                by_func[(m.file, m.func)][req] += 1.0 / len(reqs)
                by_func[(m.file, None)][req] += 1.0 / len(reqs)
    out = {}
    for m in selected:
        src = sources[m.file]
        reqs = M.region_requirements(m, src.comments, src.funcs, src.tokens, known)
        how = "comment"
        for scope in ("function", "file"):
            if reqs:
                break
            counts = by_func.get((m.file, m.func if scope == "function" else None))
            if counts:
                top = max(counts.values())
                reqs = sorted([q for q, c in counts.items() if c >= top - 1e-9],
                              key=M.req_key)[:3]
                how = scope
        if not reqs:
            how = "unknown"
        out[m.id] = (reqs, how)
    return out


def report(selected, results, total, args, sources, equivalent, acknowledged, known, dropped):
    rows = []
    for m in selected:
        r = results[m.id]
        st = r["status"]
        counted = st in KILLED or st == "survived"
        if m.id in equivalent:
            counted = False
        rows.append((m, r, st, counted))
    regions = infer_requirements(selected, results, sources, known)

    k = sum(1 for m, r, st, c in rows if c and st in KILLED)
    s = sum(1 for m, r, st, c in rows if c and st == "survived")
    eq = sum(1 for m, r, st, c in rows if m.id in equivalent)
    sb = sum(1 for m, r, st, c in rows if st == "stillborn")
    er = sum(1 for m, r, st, c in rows if st == "error")
    what = ("all %d mutants" % total) if len(selected) == total else \
        ("sample of %d of %d mutants, seed %s" % (len(selected), total, args.seed))
    head = ("mutation score: %s (%d killed of %d counted, %d survived; %d equivalent and "
            "%d stillborn not counted%s) — %s" % (score(k, s), k, k + s, s, eq, sb,
                                                   (", %d errors" % er) if er else "", what))
    lines = [head, ""]

    # per module
    mod = collections.OrderedDict()
    for m, r, st, c in rows:
        d = mod.setdefault(m.file, collections.Counter())
        d["mutants"] += 1
        if m.id in equivalent:
            d["equivalent"] += 1
        elif st in KILLED:
            d["killed"] += 1
        elif st == "survived":
            d["survived"] += 1
        else:
            d[st] += 1
    lines.append("per module (file):")
    lines.append("  %-34s %7s %7s %8s %5s %9s %7s" % ("file", "mutants", "killed", "survived",
                                                       "equiv", "stillborn", "score"))
    for f in sorted(mod, key=lambda f: [s.path for s in sources.values()].index(f)):
        d = mod[f]
        lines.append("  %-34s %7d %7d %8d %5d %9d %7s" % (
            f, d["mutants"], d["killed"], d["survived"], d["equivalent"], d["stillborn"],
            score(d["killed"], d["survived"])))
    unreached = ["%s (%s)" % (f, ", ".join(fs)) for f, fs in dropped.items() if fs]
    if unreached:
        lines.append("  not mutated, no role reaches them: " + "; ".join(unreached))
    lines.append("")

    # per operator
    ops = collections.OrderedDict((o, collections.Counter()) for o in M.OPERATORS)
    for m, r, st, c in rows:
        if c:
            ops[m.op]["killed" if st in KILLED else "survived"] += 1
    lines.append("per operator: " + ", ".join(
        "%s %s (%d/%d)" % (o, score(d["killed"], d["survived"]), d["killed"],
                           d["killed"] + d["survived"]) for o, d in ops.items()))
    lines.append("")

    # per requirement
    req = collections.defaultdict(collections.Counter)
    for m, r, st, c in rows:
        if not c:
            continue
        if st in KILLED:
            for q in sorted({q for f in r["failing"] for q in f["reqs"]}):
                req[q]["killed"] += 1
        else:
            reqs, how = regions[m.id]
            for q in reqs or ["unknown"]:
                req[q]["survived"] += 1
    brief_end = len(lines)
    lines.append("per requirement (killed: mutants a failing test naming it killed; survived: "
                 "survivors in code the requirement governs):")
    lines.append("  %-12s %7s %8s %7s" % ("requirement", "killed", "survived", "score"))
    for q in sorted(req, key=lambda q: (q == "unknown", M.req_key(q) if q != "unknown" else 0)):
        d = req[q]
        lines.append("  %-12s %7d %8d %7s" % (q, d["killed"], d["survived"],
                                              score(d["killed"], d["survived"])))
    lines.append("")

    # survivors
    surv = [(m, r) for m, r, st, c in rows if c and st == "survived"]
    lines.append("surviving mutants (%d):" % len(surv))
    for m, r in surv:
        reqs, how = regions[m.id]
        tag = ",".join(reqs) if reqs else "unknown"
        if how in ("function", "file"):
            tag += " (from its %s's killed mutants)" % how
        ack = "  [acknowledged]" if m.id in acknowledged else ""
        lines.append("  %s %s %s %s in %s; requirement %s%s" % (
            m.id, m.where(), m.op, m.change(), m.func, tag, ack))
        lines.append("      %s" % M.short(m.line_text, 100))
    eqs = [(m, r) for m, r, st, c in rows if m.id in equivalent]
    if eqs:
        lines.append("")
        lines.append("equivalent (not counted, tests/mutate/equivalent.txt):")
        for m, r in eqs:
            lines.append("  %s %s %s %s: %s%s" % (m.id, m.where(), m.op, m.change(),
                                                  equivalent[m.id],
                                                  "" if r["status"] == "survived"
                                                  else "  [but %s!]" % r["status"]))
    odd = [(m, r) for m, r, st, c in rows if st in ("stillborn", "error")]
    if odd:
        lines.append("")
        lines.append("stillborn and errors (not counted):")
        for m, r in odd:
            lines.append("  %s %s %s %s %s: %s" % (m.id, m.where(), m.op, m.change(),
                                                   r["status"], r["detail"]))

    summary = {"score": round(100.0 * k / (k + s), 2) if k + s else None, "killed": k,
               "survived": s, "equivalent": eq, "stillborn": sb, "errors": er,
               "selected": len(selected), "total": total, "seed": args.seed,
               "sample": args.sample}
    data = {"summary": summary, "files": [s.path for s in sources.values()],
            "modules": {f: dict(d) for f, d in mod.items()},
            "requirements": {q: dict(d) for q, d in req.items()},
            "mutants": []}
    for m, r, st, c in rows:
        reqs, how = regions[m.id]
        data["mutants"].append({
            "id": m.id, "file": m.file, "line": m.line, "col": m.col, "function": m.func,
            "operator": m.op, "original": m.orig, "mutated": m.repl,
            "line_text": m.line_text, "status": st,
            "equivalent": equivalent.get(m.id), "acknowledged": m.id in acknowledged,
            "killed_by": [{"test": f["test"], "role": f["role"], "requirements": f["reqs"],
                           "got": f["got"] if isinstance(f["got"], str) else ""}
                          for f in r["failing"][:40]],
            "killed_by_requirements": sorted({q for f in r["failing"] for q in f["reqs"]},
                                             key=M.req_key),
            "failing_tests": len(r["failing"]),
            "region_requirements": reqs, "region_from": how,
            "detail": r["detail"], "seconds": r["seconds"]})
    n_unreached = sum(len(fs) for fs in dropped.values())
    brief = [("  not mutated: %d functions no role reaches (named in the report)" % n_unreached)
             if x.startswith("  not mutated, no role reaches them") else x
             for x in lines[:brief_end]]
    brief.append("%d surviving mutants, listed in the report" % len(surv))
    return head, lines, brief, data, surv


def check_failures(selected, results, equivalent, acknowledged, eq_path, ack_path):
    """What makes --check fail: a survivor listed nowhere, a listed mutant that
    the suite now kills (the list is stale), a run that went wrong."""
    out = []
    for m in selected:
        st = results[m.id]["status"]
        what = "%s %s %s %s" % (m.id, m.where(), m.op, m.change())
        if st == "survived" and m.id not in equivalent and m.id not in acknowledged:
            out.append("%s survived: kill it with a test, or list it in %s with the reason "
                       "it is equivalent" % (what, eq_path))
        elif st in KILLED and (m.id in equivalent or m.id in acknowledged):
            out.append("%s is listed in %s but the suite kills it now: remove it" % (
                what, eq_path if m.id in equivalent else ack_path))
        elif st == "error":
            out.append("%s: %s" % (what, results[m.id]["detail"]))
    return out


# ---- self-test on a toy project ---------------------------------------------------

class ToyProject:
    """tests/mutate/toy/: toy.c under test, toy_test.c its "suite" (exit 0 = pass)."""

    def __init__(self, tmp):
        self.dir = os.path.join(ROOT, "tests/mutate/toy")
        self.test_obj = os.path.join(tmp, "toy_test.o")
        r = subprocess.run(["cc", "-std=gnu11", "-O1", "-w", "-c", "-o", self.test_obj,
                            os.path.join(self.dir, "toy_test.c")], capture_output=True, text=True)
        if r.returncode != 0:
            die("toy_test.c does not compile:\n" + r.stderr)

    def build_mutant(self, m, text, tmp):
        src = os.path.join(tmp, "toy.c")
        with open(src, "w", encoding="utf-8") as f:
            f.write(m.apply(text))
        exe = os.path.join(tmp, "toy")
        r = subprocess.run(["cc", "-std=gnu11", "-O1", "-w", "-o", exe, src, self.test_obj],
                           capture_output=True, text=True)
        if r.returncode != 0:
            return None, "compile: " + first_error(r.stderr)
        return exe, None

    def run_suite(self, m, exe):
        try:
            r = subprocess.run([exe], capture_output=True, text=True, timeout=3)
        except subprocess.TimeoutExpired:
            return "timeout", [{"test": "toy", "role": "toy", "reqs": [], "got": "timeout"}], \
                "ran past 3 s"
        if r.returncode == 0:
            return "survived", [], ""
        got = "crash" if r.returncode < 0 else "fail"
        fails = [{"test": line.split()[1], "role": "toy", "reqs": line.split()[2:3], "got": got}
                 for line in r.stdout.splitlines() if line.startswith("FAIL ")]
        fails = fails or [{"test": "toy", "role": "toy", "reqs": [], "got": got}]
        return ("crash" if got == "crash" else "killed"), fails, ""


def selftest(args):
    """The tool tested on itself: the toy's mutants (their listing and outcome
    against tests/mutate/toy/expected.txt), the toy's score, a check that must
    fail, and one real mutant of the reference that the suite must kill."""
    problems = []
    toy_dir = os.path.join(ROOT, "tests/mutate/toy")
    with open(os.path.join(toy_dir, "toy.c"), encoding="utf-8") as f:
        text = f.read()
    ms, tokens, comments, funcs, dead = M.enumerate_file("tests/mutate/toy/toy.c", text)
    expected = []
    with open(os.path.join(toy_dir, "expected.txt"), encoding="utf-8") as f:
        for line in f:
            if line.strip() and not line.startswith("#"):
                p = line.split()
                expected.append((p[0], p[1], p[2], p[-1]))
    got_list = [(m.id, "%d" % m.line, m.op) for m in ms]
    if [e[:3] for e in expected] != got_list:
        problems.append("toy mutants differ from tests/mutate/toy/expected.txt; now:\n" +
                        "\n".join("%s %d %s %s %s" % (m.id, m.line, m.op, m.change(), m.func)
                                  for m in ms))
    tmp = tempfile.mkdtemp(prefix="essc-mutate-self-")
    try:
        toy = ToyProject(tmp)
        results = run_all(toy, ms, {m.file: text for m in ms}, args.jobs, False)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    want = {e[0]: e[3] for e in expected}
    for m in ms:
        st = results[m.id]["status"]
        if want.get(m.id) not in (None, st):
            problems.append("toy mutant %s (line %d, %s %s): %s, expected %s (%s)" % (
                m.id, m.line, m.op, m.change(), st, want[m.id], results[m.id]["detail"]))
    for status in ("killed", "survived", "stillborn", "timeout", "crash"):
        if status not in want.values():
            problems.append("expected.txt has no %s mutant: the self-test must see each" % status)
    # --check fails on the toy's survivors that are listed nowhere, and on a
    # listed mutant that is killed; it passes once every survivor is listed
    equivalent = read_id_list(os.path.join(toy_dir, "equivalent.txt"), True)
    eq_path = "tests/mutate/toy/equivalent.txt"
    fails = check_failures(ms, results, equivalent, {}, eq_path, "-")
    unlisted = [m for m in ms if results[m.id]["status"] == "survived" and m.id not in equivalent]
    if len(fails) != len(unlisted) or not unlisted:
        problems.append("--check on the toy: %d failures for %d unlisted survivors" % (
            len(fails), len(unlisted)))
    if check_failures(ms, results, equivalent, {m.id: "" for m in unlisted}, eq_path, "-"):
        problems.append("--check on the toy fails with every survivor listed")
    killed = next(m for m in ms if results[m.id]["status"] == "killed")
    if not check_failures(ms, results, dict(equivalent, **{killed.id: "wrong"}),
                          {m.id: "" for m in unlisted}, eq_path, "-"):
        problems.append("--check on the toy passes with a killed mutant listed as equivalent")
    if not any(m.id in equivalent and results[m.id]["status"] == "survived" for m in ms):
        problems.append("no toy survivor listed as equivalent")
    # one real mutant that the suite must kill, with the worktree left as it was
    project = Project(args)
    src = Source("model/std/id.c")
    before = hashlib.sha256(src.text.encode()).hexdigest()
    real = [m for m in src.mutants if m.func == "model_id_validate" and m.op == "RET"
            and m.orig == ""]
    if len(real) != 1:
        problems.append("model/std/id.c: no early-return mutant in model_id_validate")
    else:
        r = run_all(project, real, {src.path: src.text}, 1, False)[real[0].id]
        reqs = {q for f in r["failing"] for q in f["reqs"]}
        if r["status"] not in KILLED:
            problems.append("the suite did not kill %s (model_id_validate returns FALSE at "
                            "once): %s %s" % (real[0].id, r["status"], r["detail"]))
        elif "ID-1" not in reqs and "ID-2" not in reqs:
            problems.append("%s was killed, but by no ID-1/ID-2 test: %s" % (
                real[0].id, sorted(reqs)))
        with open(os.path.join(ROOT, src.path), encoding="utf-8") as f:
            if hashlib.sha256(f.read().encode()).hexdigest() != before:
                problems.append("model/std/id.c changed under the run")
    n = len(ms)
    for p in problems:
        print("mutate selftest: FAIL: " + p, file=sys.stderr)
    if problems:
        return 1
    print("mutate selftest: ok (%d toy mutants as expected, %d of them survivors the check "
          "reports; the reference's early-return mutant of model_id_validate killed)"
          % (n, len(unlisted)))
    return 0


# ---- main ---------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--files", default="tests/mutate/files.txt")
    ap.add_argument("--equivalent", default="tests/mutate/equivalent.txt")
    ap.add_argument("--acknowledged", default="tests/mutate/survivors.txt",
                    help="survivors known and not yet killed (make check tolerates them)")
    ap.add_argument("--sample", type=int, help="run N mutants chosen by --seed (default: all)")
    ap.add_argument("--seed", default="1")
    ap.add_argument("--only", help="comma-separated mutant ids")
    ap.add_argument("--match", help="regex on FILE:FUNCTION:OPERATOR of the mutants to keep")
    ap.add_argument("-j", "--jobs", type=int, default=2)
    ap.add_argument("--out", default="runs/mutate")
    ap.add_argument("--timeout-ms", type=int, default=2000, help="essc conform --timeout-ms")
    ap.add_argument("--suite-timeout", type=int, default=300,
                    help="seconds one role's suite may take against a mutant")
    ap.add_argument("--list", action="store_true", help="list the mutants, run nothing")
    ap.add_argument("--resume", action="store_true",
                    help="reuse the results of OUT/journal.jsonl that still apply")
    ap.add_argument("--check", action="store_true",
                    help="exit 1 if a survivor is neither equivalent nor acknowledged, or a "
                         "listed mutant is killed")
    ap.add_argument("--selftest", action="store_true")
    ap.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    ap.add_argument("-v", "--verbose", action="store_true", help="a line per mutant on stderr")
    args = ap.parse_args()
    os.chdir(ROOT)
    if args.selftest:
        sys.exit(selftest(args))

    files = read_files_list(args.files)
    equivalent = read_id_list(args.equivalent, True)
    acknowledged = read_id_list(args.acknowledged, False)
    known = known_requirements()
    sources = collections.OrderedDict((p, Source(p)) for p in files)
    project = Project(args)
    dropped = project.restrict(sources)
    everything = [m for s in sources.values() for m in s.mutants]
    total = len(everything)
    pool = everything
    if args.match:
        rx = re.compile(args.match)
        pool = [m for m in pool if rx.search("%s:%s:%s" % (m.file, m.func, m.op))]
    if args.only:
        want = set(args.only.split(","))
        pool = [m for m in pool if m.id in want]
        missing = want - {m.id for m in pool}
        if missing:
            die("no such mutant: " + ", ".join(sorted(missing)))
    selected = sample(pool, args.sample, args.seed)
    if args.list:
        for m in selected:
            print("%s %s %s %s %s" % (m.id, m.where(), m.op, m.change(), m.func))
        return 0

    all_ids = {m.id for m in everything}
    stale = sorted(i for i in list(equivalent) + list(acknowledged) if i not in all_ids)
    # The journal: one line per result as it comes, so that --resume can take
    # up an interrupted run.  A result is reused only for the same mutated
    # source, runner binary, vectors and limits (its fingerprint).
    base = hashlib.sha256()
    with open(project.essc, "rb") as f:
        base.update(f.read())
    vec = os.path.join(ROOT, "conformance/vectors")
    for name in sorted(os.listdir(vec)):
        with open(os.path.join(vec, name), "rb") as f:
            base.update(name.encode() + b"\0" + f.read())
    base.update(("%d %d" % (args.timeout_ms, args.suite_timeout)).encode())
    for role in sorted(PROFILES):
        with open(os.path.join(ROOT, PROFILES[role]), "rb") as f:
            base.update(role.encode() + b"\0" + f.read())

    def fingerprint(m):
        h = base.copy()
        h.update(m.file.encode() + b"\0" + m.apply(sources[m.file].text).encode())
        return h.hexdigest()[:24]

    os.makedirs(args.out, exist_ok=True)
    journal_path = os.path.join(args.out, "journal.jsonl")
    cached = {}
    if args.resume and os.path.exists(journal_path):
        fps = {m.id: fingerprint(m) for m in selected}
        with open(journal_path, encoding="utf-8") as f:
            for line in f:
                try:
                    e = json.loads(line)
                except ValueError:
                    continue                          # a line cut by the interruption
                if fps.get(e.get("id")) == e.get("fingerprint"):
                    cached[e["id"]] = e["result"]
        print("mutate: %d of %d results taken from %s" % (len(cached), len(selected),
                                                          journal_path), file=sys.stderr)
    jf = open(journal_path, "a" if args.resume else "w", encoding="utf-8")

    def journal(m, res):
        jf.write(json.dumps({"id": m.id, "fingerprint": fingerprint(m), "result": res}) + "\n")
        jf.flush()

    t0 = time.monotonic()
    try:
        results = run_all(project, selected, {p: s.text for p, s in sources.items()}, args.jobs,
                          0 if args.quiet else 2 if args.verbose else 1, journal, cached)
    finally:
        jf.close()
    wall = time.monotonic() - t0
    head, lines, brief, data, surv = report(selected, results, total, args, sources, equivalent,
                                     acknowledged, known, dropped)
    data["summary"]["wall_seconds"] = round(wall, 1)
    data["summary"]["jobs"] = args.jobs
    when = "(%.0f s on %d jobs; files: %s)" % (wall, args.jobs, args.files)
    lines.insert(1, when)
    brief.insert(1, when)
    with open(os.path.join(args.out, "report.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    with open(os.path.join(args.out, "report.json"), "w", encoding="utf-8") as f:
        json.dump(data, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print("\n".join(brief))
    print("report: %s/report.txt, %s/report.json" % (args.out, args.out))
    if stale:
        print("mutate: %d listed id(s) match no mutant of the current sources (stale; review "
              "the lists): %s" % (len(stale), " ".join(stale)), file=sys.stderr)
    if not args.check:
        return 0
    failures = check_failures(selected, results, equivalent, acknowledged, args.equivalent,
                              args.acknowledged)
    for f in failures:
        print("mutate: FAIL: " + f, file=sys.stderr)
    if failures:
        return 1
    print("mutate: check passed (%d mutants: no unlisted survivor)" % len(selected))
    return 0


if __name__ == "__main__":
    sys.exit(main())
