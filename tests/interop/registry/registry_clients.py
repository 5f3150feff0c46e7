#!/usr/bin/python3
"""Drives Bridge's schema registry with the registry clients of Debian's python3-confluent-kafka
(1.7.0): the current confluent_kafka.schema_registry.SchemaRegistryClient and the legacy
confluent_kafka.avro.CachedSchemaRegistryClient, unchanged. Prints one line per step,
"name<TAB>json", for the C# test (SchemaRegistryInteropTests) to assert; a step that raises prints
{"raised": type, "status"/"code"/"message": ...} instead, so every step runs.

Usage: registry_clients.py URL
"""
import json
import sys

from confluent_kafka.avro import CachedSchemaRegistryClient, loads
from confluent_kafka.avro.error import ClientError
from confluent_kafka.schema_registry import Schema, SchemaRegistryClient
from confluent_kafka.schema_registry.error import SchemaRegistryError

URL = sys.argv[1]

V1 = '{"type":"record","name":"Payment","namespace":"bank","fields":[{"name":"id","type":"string"}]}'
V2 = ('{"type":"record","name":"Payment","namespace":"bank","fields":[{"name":"id","type":"string"},'
      '{"name":"amount","type":"double","default":0.0}]}')
NEEDS_NOTE = ('{"type":"record","name":"Payment","namespace":"bank","fields":[{"name":"id","type":"string"},'
              '{"name":"note","type":"string"}]}')


def emit(name, fn):
    try:
        value = fn()
    except SchemaRegistryError as e:
        value = {"raised": "SchemaRegistryError", "status": e.http_status_code, "code": e.error_code, "message": e.error_message}
    except ClientError as e:
        value = {"raised": "ClientError", "message": str(e)}
    except Exception as e:  # any other failure is a finding: report it, keep going
        value = {"raised": type(e).__name__, "message": str(e)}
    print(name + "\t" + json.dumps(value, sort_keys=True), flush=True)


def registered(r):
    return {"id": r.schema_id, "version": r.version, "subject": r.subject, "schema": json.loads(r.schema.schema_str)}


# The current client.
sr = SchemaRegistryClient({"url": URL})
emit("register_v1", lambda: sr.register_schema("py-value", Schema(V1, "AVRO")))
emit("register_v1_again", lambda: SchemaRegistryClient({"url": URL}).register_schema("py-value", Schema(V1, "AVRO")))
emit("register_v1_other_subject", lambda: sr.register_schema("py-other", Schema(V1, "AVRO")))
emit("register_v2", lambda: sr.register_schema("py-value", Schema(V2, "AVRO")))
emit("get_schema_v1", lambda: json.loads(SchemaRegistryClient({"url": URL}).get_schema(1).schema_str))
emit("get_schema_type", lambda: SchemaRegistryClient({"url": URL}).get_schema(1).schema_type)
emit("get_schema_missing", lambda: sr.get_schema(4242))
emit("get_latest_version", lambda: registered(sr.get_latest_version("py-value")))
emit("get_version_1", lambda: registered(sr.get_version("py-value", 1)))
emit("get_versions", lambda: sr.get_versions("py-value"))
emit("get_subjects", lambda: sorted(s for s in sr.get_subjects() if s.startswith("py-")))
emit("lookup_v1", lambda: registered(sr.lookup_schema("py-value", Schema(V1, "AVRO"))))
emit("lookup_unknown", lambda: sr.lookup_schema("py-value", Schema(NEEDS_NOTE, "AVRO")))
emit("lookup_no_subject", lambda: sr.lookup_schema("py-nobody", Schema(V1, "AVRO")))
emit("test_compatibility_ok", lambda: sr.test_compatibility("py-value", Schema(V2, "AVRO")))
emit("test_compatibility_bad", lambda: sr.test_compatibility("py-value", Schema(NEEDS_NOTE, "AVRO")))
emit("register_incompatible", lambda: sr.register_schema("py-value", Schema(NEEDS_NOTE, "AVRO")))
emit("register_invalid", lambda: sr.register_schema("py-value", Schema('{"type":"record","name":"X","fields":[{"name":"f","type":"nope"}]}', "AVRO")))
emit("register_protobuf", lambda: sr.register_schema("py-proto", Schema('syntax = "proto3";', "PROTOBUF")))
emit("set_compatibility_subject", lambda: sr.set_compatibility("py-value", "full"))
emit("get_compatibility_subject", lambda: sr.get_compatibility("py-value"))
emit("set_compatibility_global", lambda: sr.set_compatibility(level="FORWARD"))
emit("get_compatibility_global", lambda: sr.get_compatibility())
emit("reset_compatibility_global", lambda: sr.set_compatibility(level="BACKWARD"))
emit("get_compatibility_unset", lambda: sr.get_compatibility("py-other"))
emit("delete_version", lambda: sr.delete_version("py-value", 2))
emit("delete_subject_soft", lambda: sr.delete_subject("py-other"))
emit("delete_subject_permanent", lambda: sr.delete_subject("py-value", permanent=True))
emit("subjects_after_delete", lambda: sorted(s for s in sr.get_subjects() if s.startswith("py-")))
emit("get_schema_after_delete", lambda: json.loads(SchemaRegistryClient({"url": URL}).get_schema(1).schema_str))

# The legacy client, with schemas parsed by python3-avro.
legacy = CachedSchemaRegistryClient({"url": URL})
v1, v2, needs_note = loads(V1), loads(V2), loads(NEEDS_NOTE)
emit("legacy_register_v1", lambda: legacy.register("legacy-value", v1))
emit("legacy_register_v2", lambda: legacy.register("legacy-value", v2))
emit("legacy_get_by_id", lambda: json.loads(str(CachedSchemaRegistryClient({"url": URL}).get_by_id(legacy.register("legacy-value", v2)))))
emit("legacy_get_by_id_missing", lambda: CachedSchemaRegistryClient({"url": URL}).get_by_id(4242))
emit("legacy_get_latest_schema", lambda: (lambda r: [r[0], json.loads(str(r[1])), r[2]])(legacy.get_latest_schema("legacy-value")))
emit("legacy_get_by_version", lambda: (lambda r: [r[0], r[2]])(legacy.get_by_version("legacy-value", 1)))
emit("legacy_get_version", lambda: CachedSchemaRegistryClient({"url": URL}).get_version("legacy-value", v1))
emit("legacy_check_registration", lambda: CachedSchemaRegistryClient({"url": URL}).check_registration("legacy-value", v2))
emit("legacy_test_compatibility_ok", lambda: legacy.test_compatibility("legacy-value", v2))
emit("legacy_test_compatibility_bad", lambda: legacy.test_compatibility("legacy-value", needs_note))
emit("legacy_register_incompatible", lambda: legacy.register("legacy-value", needs_note))
emit("legacy_update_compatibility", lambda: legacy.update_compatibility("NONE", "legacy-value"))
emit("legacy_get_compatibility", lambda: legacy.get_compatibility("legacy-value"))
emit("legacy_get_compatibility_global", lambda: legacy.get_compatibility())
emit("legacy_register_after_none", lambda: legacy.register("legacy-value", needs_note))
emit("legacy_delete_subject", lambda: legacy.delete_subject("legacy-value"))
print("done", flush=True)
