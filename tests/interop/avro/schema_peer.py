#!/usr/bin/env python3
"""python3-avro as an independent peer for Bridge's Avro schema tests.

Reads a JSON array of schema texts on stdin and writes a JSON array with one result per text:
{"ok": true, "canonical": <python3-avro's Parsing Canonical Form>} or {"ok": false, "error": "..."}.
The canonical form is avro.schema.Schema.canonical_form (python3-avro 1.11.1). That version has no
fingerprint function, so this script computes none: the CRC-64-AVRO fingerprints are checked
against Java's SchemaNormalization instead (SchemaPeer.java).
"""
import json
import sys
import warnings

import avro.schema


def main() -> None:
    warnings.simplefilter("ignore")  # ignored logical types are reported as warnings
    texts = json.load(sys.stdin)
    results = []
    for text in texts:
        try:
            schema = avro.schema.parse(text)
            results.append({"ok": True, "canonical": schema.canonical_form})
        except Exception as e:  # anything python3-avro raises counts as a rejection
            results.append({"ok": False, "error": f"{type(e).__name__}: {e}"[:300]})
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
