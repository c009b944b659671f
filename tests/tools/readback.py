#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Reads back what essc conform wrote, with parsers that are not essc's, for
tests/conformance/test_output.c: prints one JSON array on stdout.

    readback.py junit FILE     every <testcase>: name, and the message and text
                               of its <failure> or <skipped> (Python's expat)
    readback.py tap-yaml FILE  the YAML diagnostics of every test line of a TAP
                               file, parsed by PyYAML: [{"test": N, "yaml": {...}}]

Standard library only, except PyYAML for tap-yaml: without it the script
exits 77 (the test then says it skipped that reader).  Bytes that are not
UTF-8 in the input are an error: essc must never write them.
"""
import json
import re
import sys
import xml.etree.ElementTree as ET


def junit(path):
    cases = []
    for case in ET.parse(path).getroot().iter("testcase"):
        out = {"name": case.get("name")}
        for kind in ("failure", "skipped"):
            el = case.find(kind)
            if el is not None:
                out[kind] = {"message": el.get("message"), "text": el.text or ""}
        cases.append(out)
    return cases


def tap_yaml(path):
    try:
        import yaml
    except ImportError:
        sys.stderr.write("readback.py: PyYAML is not installed\n")
        sys.exit(77)
    with open(path, encoding="utf-8", newline="") as f:
        lines = f.read().split("\n")
    docs, test, i = [], None, 0
    while i < len(lines):
        m = re.match(r"^(?:not )?ok (\d+)", lines[i])
        if m:
            test = int(m.group(1))
        if lines[i] == "  ---":
            body = []
            i += 1
            while lines[i] != "  ...":
                if not lines[i].startswith("  "):
                    raise SystemExit("line %d: not indented inside a YAML block" % (i + 1))
                body.append(lines[i][2:])
                i += 1
            docs.append({"test": test, "yaml": yaml.safe_load("\n".join(body) + "\n")})
        i += 1
    return docs


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("junit", "tap-yaml"):
        sys.stderr.write("usage: readback.py junit|tap-yaml FILE\n")
        return 2
    what = junit(sys.argv[2]) if sys.argv[1] == "junit" else tap_yaml(sys.argv[2])
    json.dump(what, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
