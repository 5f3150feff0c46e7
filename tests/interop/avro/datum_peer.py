#!/usr/bin/env python3
"""python3-avro 1.11 as an independent peer for Bridge's Avro datum, single-object and container tests.

Reads one JSON request on stdin and writes one JSON answer on stdout.

Datums travel as "typed JSON", read with the schema's guidance so nothing is left to guessing:
  null, boolean, string, enum symbol, array, map, record (an object of fields) as in JSON;
  int and long as JSON integers; float and double as the hex of their big-endian IEEE 754 bits
  (so NaN, -0.0 and infinities are exact); bytes and fixed as hex; a union value as
  {"branch": i, "value": v}; logical types in readable form, converted here by python's own
  datetime and decimal arithmetic: date "YYYY-MM-DD", time-millis/-micros "HH:MM:SS.ffffff",
  timestamp-millis/-micros "YYYY-MM-DDTHH:MM:SS.ffffff+00:00", local-timestamp-millis/-micros
  naive ISO text, decimal "-123.45", uuid text, duration {"months", "days", "millis"}.
python3-avro 1.11.1 has no local-timestamp or duration logical types (it returns the long and the
12 fixed bytes) and returns uuid as text; the conversion below gives what it returns.

Requests ({"op": ..., "schema": writer schema text, "reader": reader schema text or null, ...}):
  read-binary    "messages": [hex], "expected": [typed JSON] -> {"mismatches": [...], "reencoded": [hex]}
  read-single    as read-binary, each message C3 01 + fingerprint + body; "fingerprint": 16 hex digits
                 (python3-avro 1.11 has no single-object API nor a fingerprint function: the header
                 is checked by hand against the fingerprint given, computed by Java in the test)
  read-container "path": file, "expected": [typed JSON] -> {"mismatches", "codec", "metadata": {key: hex}}
  write-binary   "datums": [typed JSON] -> {"messages": [hex]}
  write-single   "datums", "fingerprint" -> {"messages": [hex]} (header by hand, body by python's encoder)
  write-container "datums", "path", "codec", "metadata": {key: hex} -> {} (avro.datafile.DataFileWriter)
"""
import datetime
import decimal
import io
import json
import struct
import sys
import warnings

import avro.datafile
import avro.io
import avro.schema
import avro.timezones

EPOCH = datetime.datetime(1970, 1, 1)


def from_json(schema, j):
    """The python value python3-avro reads for (and writes from) typed JSON j of schema."""
    t = schema.type
    logical = getattr(schema, "logical_type", None) or schema.get_prop("logicalType")
    if isinstance(schema, avro.schema.UnionSchema):
        return from_json(schema.schemas[j["branch"]], j["value"])
    if t == "null":
        return None
    if t == "boolean":
        return bool(j)
    if t in ("int", "long"):
        if logical == "date":
            return datetime.date.fromisoformat(j)
        if logical in ("time-millis", "time-micros"):
            return datetime.time.fromisoformat(j)
        if logical in ("timestamp-millis", "timestamp-micros"):
            return datetime.datetime.fromisoformat(j)
        if logical in ("local-timestamp-millis", "local-timestamp-micros"):
            unit = datetime.timedelta(milliseconds=1) if logical.endswith("millis") else datetime.timedelta(microseconds=1)
            return (datetime.datetime.fromisoformat(j) - EPOCH) // unit
        return int(j)
    if t == "float":
        return struct.unpack(">f", bytes.fromhex(j))[0]
    if t == "double":
        return struct.unpack(">d", bytes.fromhex(j))[0]
    if t in ("bytes", "fixed"):
        if logical == "decimal":
            return decimal.Decimal(j)
        if logical == "duration":
            return struct.pack("<III", j["months"], j["days"], j["millis"])
        return bytes.fromhex(j)
    if t in ("string", "enum"):
        return str(j)
    if t == "array":
        return [from_json(schema.items, item) for item in j]
    if t == "map":
        return {k: from_json(schema.values, v) for k, v in j.items()}
    if t in ("record", "error"):
        return {f.name: from_json(f.type, j[f.name]) for f in schema.fields}
    raise ValueError(f"no typed JSON for {t}")


def same(expected, actual, path, mismatches):
    """Strict comparison: same python type, floats by bits, decimals with their exponent, datetimes with their offset."""
    if type(expected) is not type(actual):
        mismatches.append(f"{path}: expected {expected!r} ({type(expected).__name__}), read {actual!r} ({type(actual).__name__})")
    elif isinstance(expected, float):
        if struct.pack(">d", expected) != struct.pack(">d", actual):
            mismatches.append(f"{path}: expected {expected!r}, read {actual!r}")
    elif isinstance(expected, decimal.Decimal):
        if expected != actual or expected.as_tuple().exponent != actual.as_tuple().exponent:
            mismatches.append(f"{path}: expected {expected}, read {actual}")
    elif isinstance(expected, datetime.datetime):
        if expected != actual or expected.utcoffset() != actual.utcoffset():
            mismatches.append(f"{path}: expected {expected.isoformat()}, read {actual.isoformat()}")
    elif isinstance(expected, dict):
        if set(expected) != set(actual):
            mismatches.append(f"{path}: expected keys {sorted(expected)}, read {sorted(actual)}")
        else:
            for k in expected:
                same(expected[k], actual[k], f"{path}.{k}", mismatches)
    elif isinstance(expected, list):
        if len(expected) != len(actual):
            mismatches.append(f"{path}: expected {len(expected)} items, read {len(actual)}")
        else:
            for i, (e, a) in enumerate(zip(expected, actual)):
                same(e, a, f"{path}[{i}]", mismatches)
    elif expected != actual:
        mismatches.append(f"{path}: expected {expected!r}, read {actual!r}")


def encode(schema, datum):
    out = io.BytesIO()
    avro.io.DatumWriter(schema).write(datum, avro.io.BinaryEncoder(out))
    return out.getvalue()


def single_header(fingerprint_hex):
    return b"\xc3\x01" + int(fingerprint_hex, 16).to_bytes(8, "little")


def main():
    warnings.simplefilter("ignore")  # logical types python3-avro does not know are reported as warnings
    request = json.load(sys.stdin)
    op = request["op"]
    writer = avro.schema.parse(request["schema"])
    reader = avro.schema.parse(request["reader"]) if request.get("reader") else writer
    answer = {}
    if op.startswith("read-"):
        expected = [from_json(reader, j) for j in request["expected"]]
        mismatches, decoded = [], []
        if op == "read-container":
            with open(request["path"], "rb") as f, avro.datafile.DataFileReader(f, avro.io.DatumReader(None, reader)) as file:
                decoded = list(file)
                answer["codec"] = file.codec
                answer["metadata"] = {k: v.hex() for k, v in file.meta.items()}
        else:
            header = single_header(request["fingerprint"]) if op == "read-single" else b""
            for i, message in enumerate(request["messages"]):
                data = bytes.fromhex(message)
                if not data.startswith(header):
                    mismatches.append(f"[{i}]: header {data[:10].hex()} is not {header.hex()}")
                    continue
                buffer = io.BytesIO(data[len(header):])
                decoded.append(avro.io.DatumReader(writer, reader).read(avro.io.BinaryDecoder(buffer)))
                if buffer.tell() != len(data) - len(header):
                    mismatches.append(f"[{i}]: {len(data) - len(header) - buffer.tell()} bytes left after the datum")
            answer["reencoded"] = [(header + encode(reader, d)).hex() for d in decoded]
        if len(decoded) != len(expected):
            mismatches.append(f"expected {len(expected)} datums, read {len(decoded)}")
        for i, (e, a) in enumerate(zip(expected, decoded)):
            same(e, a, f"[{i}]", mismatches)
        answer["mismatches"] = mismatches
    elif op == "write-container":
        with open(request["path"], "wb") as f:
            with avro.datafile.DataFileWriter(f, avro.io.DatumWriter(), writer, codec=request["codec"]) as file:
                for key, value in request.get("metadata", {}).items():
                    file.set_meta(key, bytes.fromhex(value))
                for j in request["datums"]:
                    file.append(from_json(writer, j))
    else:
        header = single_header(request["fingerprint"]) if op == "write-single" else b""
        answer["messages"] = [(header + encode(writer, from_json(writer, j))).hex() for j in request["datums"]]
    json.dump(answer, sys.stdout)


if __name__ == "__main__":
    main()
