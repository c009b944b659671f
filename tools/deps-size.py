#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""What `tools/deps.sh PURPOSE` pulls onto a fresh machine: the Debian
packages apt would install and their total download and installed size.

The fresh machine is a dpkg status file made from this machine's own
(/var/lib/dpkg/status): the packages of a base set and every package they
depend on, as installed here.  The base set is either Debian 12's minimal
system (--base minimal: every package of priority required or marked
essential, and apt: what the debian:12 container image holds) or a list of
package names, one a line or tab-separated with the name second (--base
FILE).  apt-get then simulates `apt-get install --no-install-recommends` of
the purpose's packages (packages.txt, as tools/deps.sh reads it) against that
status, with this machine's package lists (run `apt-get update` first), and
the sizes are the lists' Size and Installed-Size of each package to install.
Nothing is installed or locked; apt's caches are not written.

    python3 tools/deps-size.py run                 # the [run] section
    python3 tools/deps-size.py check --list        # [run] + [check], each package
    python3 tools/deps-size.py --packages all run  # every package, as one list
    python3 tools/deps-size.py run --drop gnuplot-nox  # what gnuplot-nox costs
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
SECTIONS = {"run": ["run"], "check": ["run", "check"], "package": ["run", "package"]}


def die(msg):
    print("deps-size: " + msg, file=sys.stderr)
    sys.exit(2)


def read_sections(path):
    """{section: [package, ...]} of packages.txt."""
    out, section = {}, None
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            m = re.fullmatch(r"\[([a-z]+)\]", line)
            if m:
                section = m.group(1)
                out.setdefault(section, [])
            elif section is None:
                die("%s: %s is in no section" % (path, line))
            else:
                out[section].append(line.split()[0])
    return out


def read_status(path):
    """{package: stanza text} of the installed packages of a dpkg status file."""
    stanzas = {}
    with open(path, encoding="utf-8", errors="replace") as f:
        for block in f.read().split("\n\n"):
            m = re.search(r"^Package: (\S+)", block, re.M)
            if m and re.search(r"^Status: install ok installed", block, re.M):
                stanzas[m.group(1)] = block.strip("\n")
    return stanzas


def field(stanza, name):
    m = re.search(r"^%s: (.*(?:\n .*)*)" % re.escape(name), stanza, re.M)
    return m.group(1).replace("\n", " ") if m else ""


def provides_index(stanzas):
    index = {}
    for name, s in stanzas.items():
        for p in field(s, "Provides").split(","):
            p = p.strip().split(" ")[0]
            if p:
                index.setdefault(p, name)
    return index


def closure(seeds, stanzas):
    """The seeds and every installed package they (pre-)depend on."""
    provided = provides_index(stanzas)
    done, todo = set(), [s for s in seeds if s in stanzas]
    while todo:
        name = todo.pop()
        if name in done:
            continue
        done.add(name)
        s = stanzas[name]
        for dep in (field(s, "Depends") + "," + field(s, "Pre-Depends")).split(","):
            for alt in dep.split("|"):
                alt = alt.strip().split(" ")[0].split(":")[0]
                target = alt if alt in stanzas else provided.get(alt)
                if target:
                    if target not in done:
                        todo.append(target)
                    break
    return done


def base_set(base, stanzas):
    if base == "minimal":
        return {n for n, s in stanzas.items()
                if field(s, "Priority") == "required" or field(s, "Essential") == "yes"} | {"apt"}
    names = set()
    with open(base, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            cols = line.rstrip("\n").split("\t")
            if len(cols) >= 2 and cols[0] != "apt":
                continue  # another registry's line (pip, npm) in a machine's list
            name = cols[1] if len(cols) >= 2 else cols[0]
            names.add(name.split(":")[0].strip())
    return names


def simulate(status, packages):
    """[(package, version)] apt-get would install."""
    cmd = ["apt-get", "install", "--simulate", "--no-install-recommends", "-q",
           "-o", "Dir::State::status=" + status,
           "-o", "Dir::Cache::pkgcache=", "-o", "Dir::Cache::srcpkgcache=",
           "-o", "Debug::NoLocking=1", "-o", "APT::Get::Show-Versions=0"] + packages
    r = subprocess.run(cmd, capture_output=True, text=True, env=dict(os.environ, LC_ALL="C"))
    if r.returncode != 0:
        die("apt-get --simulate failed:\n" + r.stdout[-2000:] + r.stderr[-2000:])
    return [(m.group(1), m.group(2))
            for m in re.finditer(r"^Inst (\S+) (?:\[[^]]*\] )?\((\S+)", r.stdout, re.M)]


def sizes(pkgs):
    """{package: (download bytes, installed KiB)} from the package lists."""
    out = {}
    args = ["%s=%s" % (p, v) for p, v in pkgs]
    for i in range(0, len(args), 200):
        r = subprocess.run(["apt-cache", "show", "--no-all-versions"] + args[i:i + 200],
                           capture_output=True, text=True, env=dict(os.environ, LC_ALL="C"))
        for block in r.stdout.split("\n\n"):
            name = field(block, "Package")
            if name and name not in out:
                out[name] = (int(field(block, "Size") or 0), int(field(block, "Installed-Size") or 0))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("purpose", choices=sorted(SECTIONS))
    ap.add_argument("--base", default="minimal",
                    help="minimal (Debian 12's required packages and apt) or a FILE of names")
    ap.add_argument("--packages", choices=["sections", "all"], default="sections",
                    help="all: every package of packages.txt, whatever its section")
    ap.add_argument("--list", action="store_true", help="print each package installed")
    ap.add_argument("--drop", action="append", default=[], metavar="PKG",
                    help="leave PKG out of the packages asked (what it costs)")
    args = ap.parse_args()

    sections = read_sections(os.path.join(ROOT, "packages.txt"))
    if args.packages == "all":
        wanted = [p for s in sections.values() for p in s]
    else:
        wanted = [p for s in SECTIONS[args.purpose] for p in sections.get(s, [])]
    wanted = [p for p in wanted if p not in args.drop]
    stanzas = read_status("/var/lib/dpkg/status")
    seeds = base_set(args.base, stanzas)
    fresh = closure(seeds, stanzas)
    with tempfile.NamedTemporaryFile("w", suffix=".status", delete=False) as f:
        f.write("\n\n".join(stanzas[n] for n in sorted(fresh)) + "\n")
        status = f.name
    try:
        pkgs = simulate(status, wanted)
    finally:
        os.unlink(status)
    size = sizes(pkgs)
    missing = [p for p, _ in pkgs if p not in size]
    if missing:
        die("no size in the package lists for: " + " ".join(missing))
    down = sum(size[p][0] for p, _ in pkgs)
    inst = sum(size[p][1] for p, _ in pkgs)
    if args.list:
        for p, v in sorted(pkgs):
            print("%-40s %-30s %8.1f MiB" % (p, v, size[p][1] / 1024))
    print("%s (%s): %d packages asked, %d installed on a base of %d packages: "
          "%.0f MiB to download, %.0f MiB installed"
          % (args.purpose if args.packages == "sections" else "every package", args.base,
             len(wanted), len(pkgs), len(fresh), down / 2**20, inst / 1024))


if __name__ == "__main__":
    main()
