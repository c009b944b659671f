#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A sample adapter for `essc conform --role verifier`: the starting point
of a vendor who connects a verifier (a terminal that scans e-card codes in a
hospital, pharmacy or service hall) to the ESSC-STD conformance suite.

It speaks the essc adapter protocol, version 1 (docs/ADAPTER.md): one JSON
object per line on standard input (a request), one JSON object per line on
standard output (its response), in order.  Anything for people goes to
standard error, which the runner keeps for its diagnostics.

What it implements, honestly and no more:

  hello, reset, bye   the life cycle (ADAPTER.md section 3)
  id.validate         ESSC-STD section 1: the citizen ID number as SSN
                      (ID-1 to ID-7: characters, ISO 7064 MOD 11-2 check
                      character, birth date in Beijing time, province code,
                      region code looked up in the standard's division code
                      list, docs/data/regions-2023.csv)
  status.set          the verifier's e-card status table, fed by the platform

Every other operation (credential.verify, qr.verify) is answered with the
error code `unimplemented`, so the suite reports those tests as "not
implemented": the run is then, correctly, not conformant.  Extend it by
adding a function to OPS (see README.md beside this file).

Run it under the suite from the top of the essc source tree:

    essc conform --role verifier --impl 'python3 examples/adapter/verifier.py'

Options: --regions FILE, the division code list of ESSC-STD 1.1 (default: the
one of the essc source tree, docs/data/regions-2023.csv, found from this
file's place).
Standard library only; Python 3.7 or later.
"""

import csv
import datetime
import json
import os
import sys

PROTOCOL = "essc-adapter/1"
ROLE = "verifier"
NAME = "essc sample verifier (Python)"
VERSION = "0.1.0"


class Refusal(Exception):
    """A refusal: an ESSC-STD error code (section 11) and a message for people."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message


# ---- ESSC-STD section 1: identifiers ---------------------------------------

DIGITS = "0123456789"               # str.isdigit() would also take full-width digits
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
# ID-4: the province-level codes of GB/T 2260 (characters 1-2).
PROVINCES = {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37,
             41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65,
             71, 81, 82, 83}
BEIJING = datetime.timezone(datetime.timedelta(hours=8))


def load_regions(path):
    """The six-digit region codes of the division code list (ESSC-STD 1.1,
    ID-7): its column `code`, at all three levels."""
    codes = set()
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row.get("code", "").isascii() and row["code"].isdigit():
                codes.add(int(row["code"]))
    return codes


def check_char(digits17):
    """ID-2: the ISO 7064 MOD 11-2 check character of 17 digits."""
    s = sum(int(d) * w for d, w in zip(digits17, WEIGHTS))
    return CHECK_CHARS[s % 11]


def beijing_day(now):
    """The calendar day of Unix time `now` in Beijing (UTC+8), or None when
    it lies outside the years 1..9999 that Python's dates hold."""
    days = (now + 8 * 3600) // 86400
    try:
        return datetime.date(1970, 1, 1) + datetime.timedelta(days=days)
    except OverflowError:
        return None


def validate_id(ssn, now, regions):
    """ESSC-STD ID-1 to ID-6.  Returns the result of id.validate, or raises
    Refusal: `malformed` for the wrong shape (ID-1), `invalid_id` for a wrong
    check character, birth date or province (ID-2 to ID-4)."""
    # ID-1: exactly 18 ASCII characters, 17 digits and a digit or upper-case X.
    if (len(ssn) != 18 or any(c not in DIGITS for c in ssn[:17])
            or ssn[17] not in DIGITS + "X"):
        raise Refusal("malformed", "ssn: expected 17 digits and a digit or X (ID-1)")
    # ID-2: the check character.
    if check_char(ssn[:17]) != ssn[17]:
        raise Refusal("invalid_id", "ssn: wrong check character (ID-2)")
    # ID-3: a real Gregorian date, 1800 or later, not after the validation
    # day in Beijing time.
    try:
        born = datetime.date(int(ssn[6:10]), int(ssn[10:12]), int(ssn[12:14]))
    except ValueError:
        raise Refusal("invalid_id", "ssn: characters 7-14 are no date (ID-3)")
    today = beijing_day(now)
    if born.year < 1800:
        raise Refusal("invalid_id", "ssn: born before 1800 (ID-3)")
    if (today is None and now < 0) or (today is not None and born > today):
        raise Refusal("invalid_id", "ssn: born after the validation day (ID-3)")
    # ID-4: the province.
    if int(ssn[:2]) not in PROVINCES:
        raise Refusal("invalid_id", "ssn: unknown province code %s (ID-4)" % ssn[:2])
    # ID-5, ID-7: a region code missing from the list is a warning, never a
    # refusal; region_known says whether the list holds it.
    region = int(ssn[:6])
    known = region in regions
    if not known:
        log("warning: region %06d is not in the division code list (retired?)" % region)
    # ID-6: the sequence number's parity; shown, never refused on.
    return {"region": region, "region_known": known,
            "birth_date": born.isoformat(), "male": int(ssn[14:17]) % 2 == 1}


# ---- parameters ----------------------------------------------------------------


def text(params, name):
    value = params.get(name)
    if not isinstance(value, str):
        raise Refusal("malformed", "member '%s': expected a string" % name)
    return value


def integer(params, name):
    value = params.get(name)
    # bool is an int in Python: refuse it, as JSON true is no number.
    if not isinstance(value, int) or isinstance(value, bool):
        raise Refusal("malformed", "member '%s': expected an integer" % name)
    if not -2**63 <= value < 2**63:
        raise Refusal("malformed", "member '%s': outside the 64-bit range" % name)
    return value


def hex_bytes(params, name, length):
    """A binary value: lowercase hex of exactly `length` bytes (ADAPTER.md)."""
    value = text(params, name)
    if len(value) != 2 * length or any(c not in "0123456789abcdef" for c in value):
        raise Refusal("malformed", "member '%s': expected %d bytes as lowercase hex"
                      % (name, length))
    return bytes.fromhex(value)


# ---- the operations ------------------------------------------------------------


# The error codes of ESSC-STD section 11 (wire names), `ok` included.
WIRE_NAMES = frozenset((
    "ok", "malformed", "invalid_id", "bad_signature", "unknown_key", "expired", "not_yet_valid",
    "replayed", "card_unusable", "evidence_missing", "already_linked", "pin_required",
    "pin_wrong", "pin_locked", "pin_weak", "consent_missing", "channel_not_live",
    "channel_tier", "duplicate", "conflict", "not_found", "invalid_state", "level_required",
    "unimplemented", "internal"))


class Verifier:
    """The verifier's state: the e-card status table the platform feeds.
    `reset` drops it; tests never depend on each other's state."""

    def __init__(self, regions):
        self.regions = regions
        self.status = {}

    def hello(self, params):
        if params.get("protocol") != PROTOCOL:
            log("hello: the runner speaks %r, this adapter %s"
                % (params.get("protocol"), PROTOCOL))
        # Always the truth: a runner that asked for another role ends the run.
        return {"protocol": PROTOCOL, "name": NAME, "version": VERSION, "role": ROLE,
                "ops": sorted(OPS)}

    def reset(self, params):
        # seed, now, trust and config (empty for a verifier) would set up the
        # keys of credential.verify and qr.verify, which this sample lacks;
        # their encoding is checked all the same (ERR-3).
        hex_bytes(params, "seed", 32)
        integer(params, "now")
        trust = params.get("trust")
        if not isinstance(trust, list):
            raise Refusal("malformed", "member 'trust': expected an array")
        for i, key in enumerate(trust):
            hex_bytes({"trust[%d]" % i: key}, "trust[%d]" % i, 32)
        if "config" in params and not isinstance(params["config"], dict):
            raise Refusal("malformed", "member 'config': expected an object")
        self.status = {}
        return {}

    def bye(self, params):
        return {}

    def id_validate(self, params):
        return validate_id(text(params, "ssn"), integer(params, "now"), self.regions)

    def status_set(self, params):
        # The feed's answer: any wire name of ESSC-STD section 11 (ADAPTER.md
        # 4.2).  A verification reports ok and not_found as they are and any
        # other answer as card_unusable (CRED-7: fail closed).
        ecard_id = hex_bytes(params, "ecard_id", 16)
        status = text(params, "status")
        if status not in WIRE_NAMES:
            raise Refusal("malformed", "member 'status': expected a wire name of ESSC-STD "
                          "section 11")
        self.status[ecard_id] = status
        return {}


# op name -> method.  Add an operation here (and its method above).
OPS = {
    "hello": Verifier.hello,
    "reset": Verifier.reset,
    "bye": Verifier.bye,
    "id.validate": Verifier.id_validate,
    "status.set": Verifier.status_set,
}


# ---- the protocol ----------------------------------------------------------------


def log(message):
    print("verifier.py: " + message, file=sys.stderr, flush=True)


def depth_and_nul(value):
    """The nesting depth of a JSON value (an array or object is one level
    more than its deepest element), and whether a string in it, member names
    included, holds U+0000."""
    if isinstance(value, dict):
        inner = [depth_and_nul(v) for v in value.values()]
        return (1 + max([d for d, _ in inner], default=0),
                any(n for _, n in inner) or any("\0" in k for k in value))
    if isinstance(value, list):
        inner = [depth_and_nul(v) for v in value]
        return 1 + max([d for d, _ in inner], default=0), any(n for _, n in inner)
    return 0, isinstance(value, str) and "\0" in value


def malformed(rid, message):
    return {"id": rid, "ok": False, "error": {"code": "malformed", "message": message}}


def answer(verifier, request):
    """The response object to one request object (ADAPTER.md section 2)."""
    rid = request.get("id")
    # An id that is absent or not a positive integer: no request, id 0.
    if not isinstance(rid, int) or isinstance(rid, bool) or not 0 < rid < 2**63:
        return malformed(0, "member 'id': expected a positive integer")
    depth, nul = depth_and_nul(request)
    if depth > 64:
        return malformed(rid, "the request is nested deeper than 64 levels")
    if nul:
        return malformed(rid, "a string of the request holds U+0000")
    op = request.get("op")
    params = request.get("params", {})
    method = OPS.get(op)
    if method is None:
        return {"id": rid, "ok": False,
                "error": {"code": "unimplemented", "message": "%s is not implemented" % op}}
    if not isinstance(params, dict):
        return {"id": rid, "ok": False,
                "error": {"code": "malformed", "message": "params: expected an object"}}
    try:
        return {"id": rid, "ok": True, "result": method(verifier, params)}
    except Refusal as r:
        return {"id": rid, "ok": False, "error": {"code": r.code, "message": r.message}}


def main(argv):
    here = os.path.dirname(os.path.abspath(__file__))
    regions_path = os.path.join(here, "..", "..", "docs", "data", "regions-2023.csv")
    if len(argv) == 3 and argv[1] == "--regions":
        regions_path = argv[2]
    elif len(argv) != 1:
        print("usage: verifier.py [--regions FILE]", file=sys.stderr)
        return 2
    try:
        verifier = Verifier(load_regions(regions_path))
    except OSError as e:
        print("verifier.py: the division code list (--regions FILE): %s" % e, file=sys.stderr)
        return 2

    # Bytes in, bytes out: a line is UTF-8 JSON; the response is written as
    # ASCII JSON (\u escapes), which is UTF-8 too.
    for line in sys.stdin.buffer:
        try:
            request = json.loads(line.decode("utf-8"))
            if not isinstance(request, dict):
                raise ValueError("not an object")
        except (ValueError, RecursionError) as e:
            # No request: refused with id 0 (ADAPTER.md section 2).
            log("a request that is not a JSON object: %s" % e)
            request = None
        response = (answer(verifier, request) if request is not None
                    else malformed(0, "not a JSON object"))
        sys.stdout.write(json.dumps(response, separators=(",", ":")) + "\n")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
