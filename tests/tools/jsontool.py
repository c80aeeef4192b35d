#!/usr/bin/python3
"""JSON helpers for the integration tests.

  jsontool.py validate SCHEMA FILE   exit 0 if FILE is valid against SCHEMA, else print why, exit 1
  jsontool.py normalize FILE         print FILE without what changes between runs
                                     (generated_at, duration_us, where the checkout is), indented
"""
import json
import sys


def validate(schema_path, path):
    import glob
    import os
    import warnings

    import jsonschema

    with open(schema_path) as f:
        schema = json.load(f)
    with open(path) as f:
        doc = json.load(f)
    # A schema may refer to another of its directory by $id (a report's baseline is a
    # comparison of the diff schema).
    store = {}
    for other in glob.glob(os.path.join(os.path.dirname(os.path.abspath(schema_path)), "*.json")):
        with open(other) as f:
            s = json.load(f)
        if "$id" in s:
            store[s["$id"]] = s
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        resolver = jsonschema.RefResolver.from_schema(schema, store=store)
    validator = jsonschema.Draft202012Validator(schema, resolver=resolver)
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
    for e in errors:
        print(f"{path}: {'/'.join(map(str, e.path)) or '(root)'}: {e.message}", file=sys.stderr)
    return 1 if errors else 0


def normalize(path):
    with open(path) as f:
        doc = json.load(f)
    doc.pop("generated_at", None)
    host = doc.get("host") or {}
    root = host.get("root", "")
    if "/tests/fixtures/" in root:
        host["root"] = "tests/fixtures/" + root.split("/tests/fixtures/", 1)[1]
    for check in doc.get("checks", []):
        if "duration_us" in check:
            check["duration_us"] = 0
    json.dump(doc, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


def main(argv):
    if len(argv) == 4 and argv[1] == "validate":
        return validate(argv[2], argv[3])
    if len(argv) == 3 and argv[1] == "normalize":
        return normalize(argv[2])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
