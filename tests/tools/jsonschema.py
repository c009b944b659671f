#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A small JSON Schema (draft 2020-12) validator for the subset of keywords
that docs/results.schema.json uses, so that tests check essc's JSON outputs
against their schema without a package Debian lacks.

    jsonschema.py SCHEMA DOCUMENT...

Exit 0 when every document is valid; 1 when one is not, each error on
stderr as "DOCUMENT: /json/pointer: what is wrong"; 2 for a usage error, an
unreadable file, or a schema that uses a keyword this validator does not
implement (it never ignores one silently, so a schema cannot say more than
is checked).

Keywords: type (a name or a list of names), properties, required,
additionalProperties (true, false or a schema), items (one schema), enum,
minimum, pattern (Python's re.search: the schema's patterns are in the
common subset of ECMA-262 and Python), and the annotations $schema, $id,
title, description.  Values are compared as JSON values: true is not 1,
and 1.0 is an integer, as the specification says.  Standard library only.
"""
import json
import re
import sys

ANNOTATIONS = {"$schema", "$id", "title", "description"}
KEYWORDS = {"type", "properties", "required", "additionalProperties", "items", "enum",
            "minimum", "pattern"} | ANNOTATIONS
TYPES = {"null", "boolean", "object", "array", "number", "string", "integer"}


class SchemaError(Exception):
    """The schema itself is outside what this validator implements."""


def json_type(value):
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    if isinstance(value, str):
        return "string"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "integer" if value.is_integer() else "number"
    raise TypeError("not a JSON value: %r" % (value,))


def has_type(value, name):
    t = json_type(value)
    return t == name or (name == "number" and t == "integer")


def json_equal(a, b):
    ta, tb = json_type(a), json_type(b)
    if {ta, tb} <= {"integer", "number"}:
        return a == b
    if ta != tb:
        return False
    if ta == "object":
        return a.keys() == b.keys() and all(json_equal(a[k], b[k]) for k in a)
    if ta == "array":
        return len(a) == len(b) and all(json_equal(x, y) for x, y in zip(a, b))
    return a == b


def pointer(path):
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path) or "/"


def check_schema(schema, path=()):
    """Refuses keywords and forms this validator does not implement."""
    if isinstance(schema, bool):
        return
    if not isinstance(schema, dict):
        raise SchemaError("%s: a schema must be an object or a boolean" % pointer(path))
    for key, value in schema.items():
        where = pointer(path + (key,))
        if key not in KEYWORDS:
            raise SchemaError("%s: the keyword '%s' is not implemented" % (where, key))
        if key == "type":
            names = value if isinstance(value, list) else [value]
            if not names or any(n not in TYPES for n in names):
                raise SchemaError("%s: unknown type %r" % (where, value))
        elif key == "properties":
            for name, sub in value.items():
                check_schema(sub, path + (key, name))
        elif key in ("additionalProperties", "items"):
            check_schema(value, path + (key,))
        elif key == "required" and not all(isinstance(n, str) for n in value):
            raise SchemaError("%s: expected an array of names" % where)
        elif key == "enum" and not isinstance(value, list):
            raise SchemaError("%s: expected an array" % where)
        elif key == "minimum" and json_type(value) not in ("integer", "number"):
            raise SchemaError("%s: expected a number" % where)
        elif key == "pattern":
            re.compile(value)


def validate(value, schema, path, errors):
    """Appends "pointer: message" for every violation of schema by value."""
    if schema is True:
        return
    if schema is False:
        errors.append("%s: no value is allowed here" % pointer(path))
        return
    here = pointer(path)
    if "type" in schema:
        names = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(has_type(value, n) for n in names):
            errors.append("%s: expected %s, got %s" % (here, " or ".join(names),
                                                       json_type(value)))
            return
    if "enum" in schema and not any(json_equal(value, e) for e in schema["enum"]):
        errors.append("%s: %s is not one of %s" % (here, json.dumps(value, ensure_ascii=False),
                                                   json.dumps(schema["enum"])))
    if "minimum" in schema and json_type(value) in ("integer", "number") \
            and value < schema["minimum"]:
        errors.append("%s: %s is less than the minimum %s" % (here, value, schema["minimum"]))
    if "pattern" in schema and isinstance(value, str) \
            and re.search(schema["pattern"], value) is None:
        errors.append("%s: %s does not match %s" % (here, json.dumps(value, ensure_ascii=False),
                                                    schema["pattern"]))
    if isinstance(value, dict):
        for name in schema.get("required", []):
            if name not in value:
                errors.append("%s: the member '%s' is missing" % (here, name))
        props = schema.get("properties", {})
        for name, member in value.items():
            if name in props:
                validate(member, props[name], path + (name,), errors)
            elif "additionalProperties" in schema:
                extra = schema["additionalProperties"]
                if extra is False:
                    errors.append("%s: the member '%s' is not allowed" % (here, name))
                else:
                    validate(member, extra, path + (name,), errors)
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            validate(item, schema["items"], path + (i,), errors)


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def main(argv):
    if len(argv) < 3:
        sys.stderr.write("usage: jsonschema.py SCHEMA DOCUMENT...\n")
        return 2
    try:
        schema = load(argv[1])
        check_schema(schema)
        docs = [(p, load(p)) for p in argv[2:]]
    except (OSError, ValueError, SchemaError, re.error) as e:
        sys.stderr.write("jsonschema.py: %s\n" % e)
        return 2
    status = 0
    for path, doc in docs:
        errors = []
        validate(doc, schema, (), errors)
        for e in errors:
            sys.stderr.write("%s: %s\n" % (path, e))
        status |= bool(errors)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
