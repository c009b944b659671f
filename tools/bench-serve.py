#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Load benchmark of `essc serve` (docs/SERVE.md, "Tests and benchmark").

python3 tools/bench-serve.py [ESSC] [--vendors N] [--runs N] [--limit S] [--keep]

Everything on loopback, in a temporary directory, bounded: the script stops
by itself after --limit seconds (170 by default; a watchdog kills every
child then) and removes what it made (--keep keeps the directory).

  1. A registry (essc registry init), a staff token and one vendor token per
     vendor (essc registry token issue), and per vendor its own reference
     endpoint `essc impl --role channel --listen 127.0.0.1:0` (the reference
     keeps one state per server, so a vendor's runs go one at a time:
     --max-runs-per-vendor 1).  `essc serve` on 127.0.0.1:0.
  2. Each vendor registers a channel through the API (its endpoint).
  3. Wave 1: all vendors at once (a barrier) start --runs runs each, with an
     Idempotency-Key each; every vendor retries its first key at once, and
     half of them retry every key after.  While the runs go, page readers
     (logged in with the form, as a browser) fetch /channels and /runs/ID as
     vendors, /staff as staff and /public/: their latency, p50 and p99.
     Then: runs per minute, runs that ended in `error` (must be 0: the
     reference passes), runs LOST (accepted, never finished) and
     DUPLICATED (a key that gave two run ids, or reports in the registry
     beyond the finished runs that name one, or two runs naming one report).
  4. Wave 2: every vendor starts two more runs; once some have finished the
     server is killed with SIGKILL, restarted on the same state, and the runs
     seen finished before the kill are read again: a run no longer finished
     with the same state and report is a finished result LOST.  Runs that
     were running must be `interrupted`; queued ones run to the end.

Prints a table.  Exit status: 0 when every must-be-0 count is 0; 1 when one
is not; 2 when the benchmark could not run (a step failed or timed out).
Python 3 standard library only.
"""

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

HOST = "127.0.0.1"


class BenchError(Exception):
    """A step of the benchmark failed: the benchmark cannot go on (exit 2)."""


# ---- processes ---------------------------------------------------------------

class Procs:
    """Every child this script starts, so that all are ended at the end."""

    def __init__(self):
        self.lock = threading.Lock()
        self.procs = []

    def start(self, argv, **kw):
        p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, **kw)
        with self.lock:
            self.procs.append(p)
        return p

    def end_all(self):
        with self.lock:
            procs = list(self.procs)
        for p in procs:
            if p.poll() is None:
                p.terminate()
        deadline = time.monotonic() + 5
        for p in procs:
            try:
                p.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


def run_essc(essc, *args, timeout=30):
    """Runs essc ARGS; returns stdout; BenchError naming the command otherwise."""
    try:
        r = subprocess.run([essc, *args], stdin=subprocess.DEVNULL, capture_output=True,
                           text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise BenchError("essc %s: no answer in %d s" % (" ".join(args[:3]), timeout))
    if r.returncode != 0:
        raise BenchError("essc %s: exit %d: %s" % (" ".join(args[:3]), r.returncode,
                                                   r.stderr.strip()[-300:]))
    return r.stdout


def wait_listening(p, what, timeout=10.0):
    """Reads the `listening on URL` line of p's stdout (a pipe), within timeout."""
    import selectors
    sel = selectors.DefaultSelector()
    sel.register(p.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + timeout
    buf = b""
    fd = p.stdout.fileno()
    while time.monotonic() < deadline:
        if not sel.select(max(0.0, deadline - time.monotonic())):
            break
        chunk = os.read(fd, 4096)
        if not chunk:
            break
        buf += chunk
        m = re.search(rb"listening on (\S+)\n", buf)
        if m:
            sel.close()
            return m.group(1).decode().rstrip("/")
    sel.close()
    raise BenchError("%s printed no `listening on URL` line in %.0f s (exit %s)"
                     % (what, timeout, p.poll()))


def drain(p):
    """Reads p's stdout to the end in a thread (so the child never blocks on it)."""
    def go():
        try:
            while p.stdout.read(65536):
                pass
        except (OSError, ValueError):
            pass
    threading.Thread(target=go, daemon=True).start()


# ---- HTTP ----------------------------------------------------------------------

class Http:
    """One client connection (keep-alive) to the server."""

    def __init__(self, port, timeout=30):
        self.port = port
        self.timeout = timeout
        self.conn = None

    def request(self, method, path, body=None, headers=None):
        """Returns (status, headers as a dict with lower-case names, body bytes)."""
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
            try:
                self.conn.request(method, path, body=body, headers=headers or {})
                r = self.conn.getresponse()
                data = r.read()
                hdrs = {}
                for k, v in r.getheaders():
                    hdrs.setdefault(k.lower(), []).append(v)
                if r.getheader("connection", "").lower() == "close":
                    self.close()
                return r.status, hdrs, data
            except (http.client.HTTPException, ConnectionError, OSError):
                self.close()
                if attempt == 2 or method != "GET":
                    raise
        raise AssertionError("unreachable")

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def api(h, method, path, token, body=None, idem=None):
    headers = {"Authorization": "Bearer " + token}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    if idem is not None:
        headers["Idempotency-Key"] = idem
    status, _, raw = h.request(method, path, data, headers)
    try:
        doc = json.loads(raw) if raw else None
    except ValueError:
        doc = None
    return status, doc


def page_login(h, token):
    """Logs in with the form as a browser does; returns the session cookie."""
    status, hdrs, body = h.request("GET", "/login")
    if status != 200:
        raise BenchError("GET /login: %d" % status)
    cookie = session_cookie(hdrs)
    m = re.search(rb'name="csrf" value="([^"]+)"', body)
    if cookie is None or m is None:
        raise BenchError("GET /login: no session cookie or csrf field")
    form = urllib.parse.urlencode({"token": token, "csrf": m.group(1).decode()})
    status, hdrs, _ = h.request("POST", "/login", form.encode(), {
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
    if status not in (200, 303):
        raise BenchError("POST /login: %d" % status)
    return session_cookie(hdrs) or cookie


def session_cookie(hdrs):
    for v in hdrs.get("set-cookie", []):
        m = re.match(r"(essc_session=[^;]*)", v)
        if m:
            return m.group(1)
    return None


# ---- the benchmark ---------------------------------------------------------------

class Bench:
    def __init__(self, args):
        self.a = args
        self.essc = os.path.abspath(args.essc)
        self.procs = Procs()
        self.dir = tempfile.mkdtemp(prefix="essc-bench-serve-")
        self.reg = os.path.join(self.dir, "registry.db")
        self.state = os.path.join(self.dir, "state")
        self.key = os.path.join(self.dir, "issuer.key")
        self.serve = None
        self.port = None
        self.vendors = []        # dicts: id, token, channel, endpoint
        self.latencies = []      # page latencies in seconds
        self.page_errors = 0
        self.lat_lock = threading.Lock()
        self.figures = []        # (name, value, must_be_zero)

    def figure(self, name, value, must_be_zero=False):
        self.figures.append((name, value, must_be_zero))

    # -- set-up --

    def setup(self):
        e = self.essc
        run_essc(e, "keygen", "--out", os.path.join(self.dir, "issuer"))
        run_essc(e, "keygen", "--out", os.path.join(self.dir, "channel"))
        with open(os.path.join(self.dir, "channel.pub")) as f:
            self.channel_pub = f.read()
        run_essc(e, "registry", "init", "--db", self.reg, "--name", "bench",
                 "--pub", os.path.join(self.dir, "issuer.pub"))
        self.staff = run_essc(e, "registry", "token", "issue", "--db", self.reg,
                              "--staff", "bench").strip()
        for i in range(1, self.a.vendors + 1):
            vid = "vendor%03d" % i
            tok = run_essc(e, "registry", "token", "issue", "--db", self.reg,
                           "--vendor", vid, "--label", "bench").strip()
            self.vendors.append({"id": vid, "token": tok, "channel": "CH%06d" % i})
        for v in self.vendors:
            p = self.procs.start([e, "impl", "--role", "channel", "--listen", HOST + ":0"],
                                 stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
            v["endpoint"] = wait_listening(p, "essc impl (%s)" % v["id"]) + "/"
            drain(p)

    def start_serve(self):
        log = open(os.path.join(self.dir, "serve.log"), "ab")
        self.serve = self.procs.start(
            [self.essc, "serve", "--registry", self.reg, "--key", self.key,
             "--listen", HOST + ":0", "--state", self.state,
             "--max-runs", str(self.a.max_runs), "--max-runs-per-vendor", "1",
             "--run-deadline", "60", "--log", os.path.join(self.dir, "access.log")],
            stdout=subprocess.PIPE, stderr=log)
        log.close()
        url = wait_listening(self.serve, "essc serve")
        drain(self.serve)
        self.port = urllib.parse.urlsplit(url).port

    def register(self):
        h = Http(self.port)
        for v in self.vendors:
            status, doc = api(h, "POST", "/api/v1/channels", v["token"], {
                "id": v["channel"], "name": "压力测试渠道 %s" % v["id"], "class": "social",
                "tier": 1, "public_key": self.channel_pub, "endpoint": v["endpoint"],
                "role": "channel"})
            if status != 201:
                raise BenchError("POST /api/v1/channels (%s): %d %s" % (v["id"], status, doc))
        h.close()

    # -- runs --

    def start_wave(self, keys_per_vendor, prefix, retry_all):
        """All vendors at once: each posts its keys, then retries; returns
        (accepted: {(vendor, key): set of run ids}, requests sent)."""
        accepted = {}
        lock = threading.Lock()
        errors = []
        sent = [0]
        barrier = threading.Barrier(len(self.vendors))

        def vendor(i, v):
            h = Http(self.port)
            keys = ["%s-%s-%d" % (prefix, v["id"], k) for k in range(keys_per_vendor)]
            order = keys + [keys[0]] + (keys if retry_all and i % 2 == 0 else [])
            with lock:
                sent[0] += len(order)
            try:
                barrier.wait(30)
                for k in order:
                    status, doc = api(h, "POST", "/api/v1/channels/%s/runs" % v["channel"],
                                      v["token"], {}, idem=k)
                    if status not in (200, 202) or not isinstance(doc, dict) or "id" not in doc:
                        errors.append("%s key %s: %d %s" % (v["id"], k, status, doc))
                        continue
                    with lock:
                        accepted.setdefault((v["id"], k), set()).add(doc["id"])
            except Exception as ex:     # noqa: BLE001 (reported as a failed step)
                errors.append("%s: %s" % (v["id"], ex))
            finally:
                h.close()

        t0 = time.monotonic()
        threads = [threading.Thread(target=vendor, args=(i, v)) for i, v in enumerate(self.vendors)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        if errors:
            raise BenchError("starting runs: %d refused, e.g. %s" % (len(errors), errors[0]))
        return accepted, sent[0]

    def runs_now(self):
        """Every run as the staff sees it: {id: run}."""
        h = Http(self.port, timeout=20)
        try:
            status, doc = api(h, "GET", "/api/v1/runs", self.staff)
        finally:
            h.close()
        if status != 200 or not isinstance(doc, list):
            raise BenchError("GET /api/v1/runs: %d" % status)
        return {r["id"]: r for r in doc}

    def runs_all(self):
        """Every run, channel by channel (GET /api/v1/runs gives the newest
        200 only): {id: run}."""
        h = Http(self.port, timeout=20)
        out = {}
        try:
            for v in self.vendors:
                status, doc = api(h, "GET", "/api/v1/runs?channel=" + v["channel"], self.staff)
                if status != 200 or not isinstance(doc, list):
                    raise BenchError("GET /api/v1/runs?channel=%s: %d" % (v["channel"], status))
                if len(doc) >= 200:
                    raise BenchError("%s has 200 runs or more: the list may be cut" % v["channel"])
                out.update({r["id"]: r for r in doc})
        finally:
            h.close()
        return out

    def wait_finished(self, ids, deadline, enough=None):
        """Polls until every run of ids has finished (or `enough` of them);
        returns the last view of the runs."""
        while True:
            runs = self.runs_now()
            done = [i for i in ids if i in runs and runs[i].get("finished")]
            if len(done) == len(ids) or (enough is not None and len(done) >= enough):
                return runs
            if time.monotonic() > deadline:
                return runs
            time.sleep(0.2)

    # -- pages --

    def page_readers(self, stop, run_ids):
        """Page readers until stop is set: vendors' /channels and /runs/ID,
        the staff's /staff, /public/."""
        def reader(n):
            h = Http(self.port, timeout=20)
            try:
                vs = self.vendors[n::4]
                cookies = [page_login(h, v["token"]) for v in vs[:5]]
                staff = page_login(h, self.staff)
            except Exception as ex:      # noqa: BLE001
                with self.lat_lock:
                    self.page_errors += 1
                print("bench-serve: page login failed: %s" % ex, file=sys.stderr)
                return
            k = 0
            while not stop.is_set():
                vi = k % len(cookies)
                v = vs[vi]
                mine = sorted(run_ids.get(v["id"], ()))
                paths = [("/channels", cookies[vi]), ("/staff", staff), ("/public/", None)]
                if mine:
                    paths.append(("/runs/%d" % mine[k % len(mine)], cookies[vi]))
                for path, cookie in paths:
                    t0 = time.monotonic()
                    try:
                        status, _, _ = h.request("GET", path, None,
                                                 {"Cookie": cookie} if cookie else {})
                    except Exception:            # noqa: BLE001
                        status = 0
                    dt = time.monotonic() - t0
                    with self.lat_lock:
                        self.latencies.append(dt)
                        if status != 200:
                            self.page_errors += 1
                k += 1
            h.close()

        threads = [threading.Thread(target=reader, args=(n,), daemon=True) for n in range(4)]
        for t in threads:
            t.start()
        return threads

    # -- checks --

    def registry_reports(self):
        """The reports' ids in the registry (read-only, as another reader)."""
        db = sqlite3.connect("file:%s?mode=ro" % self.reg, uri=True, timeout=10)
        try:
            return {row[0] for row in db.execute("SELECT id FROM report")}
        finally:
            db.close()

    def wave1(self, deadline):
        stop = threading.Event()
        accepted, sent = self.start_wave(self.a.runs, "w1", True)
        t_start = time.monotonic()
        dup_keys = sum(1 for ids in accepted.values() if len(ids) > 1)
        ids = sorted({i for s in accepted.values() for i in s})
        by_vendor = {}
        for (vid, _), s in accepted.items():
            by_vendor.setdefault(vid, set()).update(s)
        readers = self.page_readers(stop, by_vendor)
        self.wait_finished(ids, deadline)
        elapsed = time.monotonic() - t_start
        stop.set()
        for t in readers:
            t.join(30)
        runs = self.runs_all()
        for r in runs.values():
            if r["state"] == "error":
                print("bench-serve: run %d (%s) ended in error: %s"
                      % (r["id"], r["channel"], r.get("message")), file=sys.stderr)
        finished = [runs[i] for i in ids if i in runs and runs[i].get("finished")]
        lost = len(ids) - len(finished)
        report_ids = [r["report_id"] for r in finished if r.get("report_id")]
        reports = self.registry_reports()
        dup_reports = len(report_ids) - len(set(report_ids))
        extra_reports = len(reports - set(report_ids))
        states = {}
        for r in finished:
            states[r["state"]] = states.get(r["state"], 0) + 1
        self.figure("wave 1: runs accepted (distinct ids)", len(ids))
        self.figure("wave 1: start requests (with retries)", sent)
        self.figure("wave 1: states", ", ".join("%s %d" % kv for kv in sorted(states.items())))
        self.figure("wave 1: runs per minute", "%.1f" % (len(finished) / elapsed * 60))
        self.figure("wave 1: seconds to finish all", "%.1f" % elapsed)
        with self.lat_lock:
            lat = sorted(self.latencies)
            errs = self.page_errors
        if lat:
            q = statistics.quantiles(lat, n=100) if len(lat) >= 2 else [lat[0]] * 99
            self.figure("pages under load: requests", len(lat))
            self.figure("pages under load: p50 latency (ms)", "%.1f" % (q[49] * 1000))
            self.figure("pages under load: p99 latency (ms)", "%.1f" % (q[98] * 1000))
        self.figure("pages under load: not 200", errs, True)
        self.figure("wave 1: runs ended in error", states.get("error", 0), True)
        self.figure("wave 1: runs lost (accepted, never finished)", lost, True)
        self.figure("wave 1: keys that gave two runs", dup_keys, True)
        self.figure("wave 1: runs sharing a report", dup_reports, True)
        self.figure("wave 1: reports of no finished run", extra_reports, True)
        if len(finished) != len(ids):
            for i in ids:
                if i not in runs or not runs[i].get("finished"):
                    print("bench-serve: run %d never finished: %s" % (i, runs.get(i)),
                          file=sys.stderr)
                    break

    def serve_children(self):
        """The pids whose parent is the server (its workers)."""
        out = []
        for d in os.listdir("/proc"):
            if not d.isdigit():
                continue
            try:
                with open("/proc/%s/stat" % d) as f:
                    st = f.read()
            except OSError:
                continue
            fields = st[st.rfind(")") + 2:].split()
            if int(fields[1]) == self.serve.pid:
                out.append(int(d))
        return out

    def wave2(self, deadline):
        accepted, _ = self.start_wave(2, "w2", False)
        ids = sorted({i for s in accepted.values() for i in s})
        # Let some finish, then kill the server while others run.
        self.wait_finished(ids, deadline, enough=max(1, len(ids) // 3))
        before = self.runs_all()
        seen_finished = {i: (r["state"], r.get("report_id"))
                         for i, r in before.items() if r.get("finished")}
        running = [i for i, r in before.items() if r["state"] == "running"]
        workers = self.serve_children()
        self.serve.kill()
        self.serve.wait()
        time.sleep(0.5)
        orphans = [p for p in workers if os.path.exists("/proc/%d" % p)
                   and not open("/proc/%d/stat" % p).read().split(") ")[1].startswith("Z")]
        self.figure("wave 2: runs accepted", len(ids))
        self.figure("kill -9: runs finished before it / running at it",
                    "%d / %d" % (len(seen_finished), len(running)))
        self.figure("kill -9: workers still alive 0.5 s after", len(orphans))
        self.start_serve()
        self.wait_finished(ids, deadline)
        after = self.runs_all()
        lost = 0
        for i, (state, rep) in seen_finished.items():
            r = after.get(i)
            if r is None or not r.get("finished") or r["state"] != state or r.get("report_id") != rep:
                lost += 1
                print("bench-serve: finished run %d before the kill: %s %s; after: %s"
                      % (i, state, rep, r), file=sys.stderr)
        # a run running at the kill ends interrupted, or finished with the report its
        # worker had stored just before the kill (serve/recover.h: "finished after a restart")
        def adopted_run(r):
            return r.get("finished") and (r.get("message") or "").startswith(
                "finished after a restart")
        adopted = sum(1 for r in after.values() if adopted_run(r))
        not_interrupted = sum(1 for i in running
                              if after.get(i, {}).get("state") != "interrupted"
                              and not adopted_run(after.get(i, {})))
        unfinished = sum(1 for i in ids if not after.get(i, {}).get("finished"))
        interrupted = sum(1 for r in after.values() if r["state"] == "interrupted")
        report_ids = [r["report_id"] for r in after.values() if r.get("report_id")]
        reports = self.registry_reports()
        self.figure("restart: finished results lost", lost, True)
        self.figure("restart: runs running at the kill neither interrupted nor finished with their report",
                    not_interrupted, True)
        self.figure("restart: runs interrupted", interrupted)
        self.figure("restart: runs finished with the report their worker stored", adopted)
        self.figure("restart: wave 2 runs never finished", unfinished, True)
        self.figure("restart: runs sharing a report", len(report_ids) - len(set(report_ids)),
                    True)
        self.figure("restart: reports of no finished run", len(reports - set(report_ids)), True)

    # -- the whole --

    def go(self):
        t0 = time.monotonic()
        deadline = t0 + self.a.limit - 15
        self.setup()
        self.start_serve()
        self.register()
        self.figure("vendors (one endpoint each)", len(self.vendors))
        self.figure("set-up seconds", "%.1f" % (time.monotonic() - t0))
        self.wave1(t0 + (self.a.limit - 15) * 0.6)
        self.wave2(deadline)
        self.figure("total seconds", "%.1f" % (time.monotonic() - t0))

    def report(self):
        width = max(len(n) for n, _, _ in self.figures) if self.figures else 10
        print("essc serve under load (loopback; %d vendors, %d runs each, --max-runs %d)"
              % (self.a.vendors, self.a.runs, self.a.max_runs))
        bad = 0
        for name, value, must in self.figures:
            flag = ""
            if must:
                ok = value == 0
                flag = "  (must be 0: %s)" % ("ok" if ok else "FAILED")
                bad += 0 if ok else 1
            print("  %-*s  %s%s" % (width, name, value, flag))
        return bad

    def cleanup(self):
        self.procs.end_all()
        if self.a.keep:
            print("bench-serve: kept %s" % self.dir, file=sys.stderr)
        else:
            shutil.rmtree(self.dir, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description="Load benchmark of essc serve (loopback only).")
    ap.add_argument("essc", nargs="?", default="./essc", help="the essc program (./essc)")
    ap.add_argument("--vendors", type=int, default=50, help="vendors, one endpoint each (50)")
    ap.add_argument("--runs", type=int, default=3, help="runs each vendor starts in wave 1 (3)")
    ap.add_argument("--max-runs", type=int, default=4, help="essc serve --max-runs (4)")
    ap.add_argument("--limit", type=int, default=170, help="stop after this many seconds (170)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory")
    a = ap.parse_args()
    if not 1 <= a.vendors <= 200 or not 1 <= a.runs <= 10 or not 30 <= a.limit <= 600:
        ap.error("--vendors 1..200, --runs 1..10, --limit 30..600")
    b = Bench(a)

    def watchdog(*_):
        print("bench-serve: over %d s: stopped" % a.limit, file=sys.stderr)
        b.procs.end_all()
        shutil.rmtree(b.dir, ignore_errors=True)
        os._exit(2)
    signal.signal(signal.SIGALRM, watchdog)
    signal.alarm(a.limit)
    code = 0
    try:
        b.go()
    except BenchError as ex:
        print("bench-serve: %s" % ex, file=sys.stderr)
        code = 2
    finally:
        signal.alarm(0)
        bad = b.report()
        b.cleanup()
    if code == 0 and bad:
        code = 1
    sys.exit(code)


if __name__ == "__main__":
    main()
