#!/usr/bin/env python3
"""Encodes Kafka messages straight from Kafka's JSON message specs, independently of our C# codec.

Used to derive the golden bytes in tests/Bridge.Eventing.Broker.Tests/SpecGolden/: the C# test
project writes its sample messages (one per API, version and direction) to samples.json; this
script reads Kafka's own spec files (clients/src/main/resources/common/message/*.json of an
apache/kafka checkout), walks each message's fields at the requested version exactly as the spec
describes (versions, nullableVersions, flexibleVersions, defaults; encoding per the Kafka protocol
guide), and writes one line per sample: "api<TAB>version<TAB>kind<TAB>hex". The C# test then
checks that the codec produces the same bytes.

Usage:
  spec_encode.py --specs <kafka>/clients/src/main/resources/common/message \
                 --samples samples.json --out spec-golden.tsv

Sample values are looked up by field name, case-insensitively; a field absent from the sample
takes the spec default. Bytes and records are base64. One shape differs from the spec on
purpose: our MetadataRequest lists topic names as strings, where the spec has {Name} structs.
"""
import argparse, base64, json, os, re, struct, sys


def load_specs(spec_dir):
    specs = {}
    for name in os.listdir(spec_dir):
        if not name.endswith(".json"):
            continue
        with open(os.path.join(spec_dir, name), encoding="utf-8") as f:
            text = "\n".join(re.sub(r"^\s*//.*$", "", line) for line in f)
        spec = json.loads(text)
        if spec.get("type") in ("request", "response"):
            specs[(spec["apiKey"], spec["type"])] = spec
    return specs


def in_range(spec_range, version):
    if spec_range is None or spec_range == "none":
        return False
    if spec_range.endswith("+"):
        return version >= int(spec_range[:-1])
    if "-" in spec_range:
        lo, hi = spec_range.split("-")
        return int(lo) <= version <= int(hi)
    return version == int(spec_range)


def uvarint(n):
    out = bytearray()
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def lookup(sample, name):
    if sample is None:
        return None, False
    for key, value in sample.items():
        if key.lower() == name.lower():
            return value, True
    return None, False


def default_of(field):
    t = field["type"]
    d = field.get("default")
    if t.startswith("[]"):
        return []
    if d == "null":
        return None
    if t in ("int8", "int16", "int32", "int64", "uint16", "uint32"):
        return int(d, 0) if d is not None else 0
    if t == "bool":
        return d == "true"
    if t == "string":
        return d if d is not None else ""
    if t == "bytes":
        return ""
    if t == "records":
        return None
    if t == "uuid":
        return "00000000-0000-0000-0000-000000000000"
    raise ValueError(f"no default for {t}")


def encode_struct(fields, sample, version, flexible):
    out = bytearray()
    for field in fields:
        if not in_range(field["versions"], version):
            continue
        if "tag" in field and in_range(field.get("taggedVersions"), version):
            continue  # tagged: sent only when not default; our samples leave them default
        value, present = lookup(sample, field["name"])
        if not present:
            value = default_of(field)
        field_flexible = flexible and field.get("flexibleVersions", "") != "none"
        nullable = in_range(field.get("nullableVersions"), version)
        out += encode_value(field, field["type"], value, version, field_flexible, nullable)
    if flexible:
        out += uvarint(0)  # empty tagged-field section
    return bytes(out)


def encode_value(field, t, value, version, flexible, nullable):
    if value is None and t not in ("string", "bytes", "records") and not t.startswith("[]"):
        raise ValueError(f"{field['name']}: null {t}")
    if value is None:
        if not nullable:
            raise ValueError(f"{field['name']}: null but not nullable at v{version}")
        if flexible:
            return uvarint(0)
        return struct.pack(">h", -1) if t == "string" else struct.pack(">i", -1)
    if t.startswith("[]"):
        element = t[2:]
        body = bytearray()
        for item in value:
            if element in ("int8", "int16", "int32", "int64", "string", "uuid", "bool"):
                body += encode_value(field, element, item, version, flexible, False)
            else:
                if isinstance(item, str):  # MetadataRequest topic names as plain strings
                    item = {"Name": item}
                body += encode_struct(field["fields"], item, version, flexible)
        count = uvarint(len(value) + 1) if flexible else struct.pack(">i", len(value))
        return count + bytes(body)
    fixed = {"int8": ">b", "int16": ">h", "uint16": ">H", "int32": ">i", "uint32": ">I", "int64": ">q", "float64": ">d"}
    if t in fixed:
        return struct.pack(fixed[t], value)
    if t == "bool":
        return b"\x01" if value else b"\x00"
    if t == "uuid":
        return bytes.fromhex(value.replace("-", ""))
    if t == "string":
        data = value.encode("utf-8")
        return (uvarint(len(data) + 1) if flexible else struct.pack(">h", len(data))) + data
    if t in ("bytes", "records"):
        data = base64.b64decode(value)
        return (uvarint(len(data) + 1) if flexible else struct.pack(">i", len(data))) + data
    raise ValueError(f"unsupported type {t}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--specs", required=True)
    parser.add_argument("--samples", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    specs = load_specs(args.specs)
    with open(args.samples, encoding="utf-8") as f:
        samples = json.load(f)
    lines = []
    for s in samples:
        spec = specs[(s["api"], s["kind"])]
        version = s["version"]
        if not in_range(spec["validVersions"], version):
            sys.exit(f"{spec['name']} v{version} is not valid per the spec")
        flexible = in_range(spec["flexibleVersions"], version)
        body = encode_struct(spec["fields"], s["message"], version, flexible)
        lines.append(f"{s['api']}\t{version}\t{s['kind']}\t{body.hex()}")
    with open(args.out, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    print(f"wrote {len(lines)} golden bodies to {args.out}")


if __name__ == "__main__":
    main()
