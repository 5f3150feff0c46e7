"""Confluent-framed Avro through a real, independent stack: Debian's python3-confluent-kafka
(librdkafka) with its legacy confluent_kafka.avro serializer, which encodes with python3-avro and
registers/fetches schemas with CachedSchemaRegistryClient.

  confluent_avro_peer.py produce BOOTSTRAP REGISTRY TOPIC SCHEMA_FILE COUNT
      produces COUNT TaskEvent records (record(i) below) and prints "produced COUNT"
  confluent_avro_peer.py consume BOOTSTRAP REGISTRY TOPIC COUNT
      reads COUNT records from partition 0 from the beginning and prints each as one JSON line
      (key order as in the record; bytes as hex; timestamps as epoch milliseconds)
"""
import datetime
import json
import sys

from confluent_kafka import TopicPartition, OFFSET_BEGINNING
from confluent_kafka.avro import AvroProducer, AvroConsumer, loads

KINDS = ["STAGING", "RUNNING", "FINISHED", "FAILED", "KILLED", "LOST"]
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
START = datetime.datetime(2026, 11, 22, tzinfo=datetime.timezone.utc)


def record(i):
    return {
        "id": "py-task-%d" % i,
        "at": START + datetime.timedelta(milliseconds=137 * i),
        "source": "agent-%d.pool.local" % (i % 20),
        "kind": KINDS[i % 6],
        "cpus": 0.25 * (1 + i % 8),
        "memMb": 128 << (i % 6),
        "attempt": i % 3,
        "healthy": i % 7 != 0,
        "host": None if i % 4 == 0 else "host-%d" % (i % 50),
        "labels": {"framework": "services", "app": "/web/app-%d" % (i % 10)},
    }


def plain(value):
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=datetime.timezone.utc)
        return (value - EPOCH) // datetime.timedelta(milliseconds=1)
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def produce(bootstrap, registry, topic, schema_file, count):
    with open(schema_file) as f:
        schema = loads(f.read())
    producer = AvroProducer({"bootstrap.servers": bootstrap, "schema.registry.url": registry,
                             "enable.idempotence": False, "acks": "all"}, default_value_schema=schema)
    failures = []
    for i in range(count):
        producer.produce(topic=topic, partition=0, value=record(i),
                         on_delivery=lambda err, msg: failures.append(str(err)) if err else None)
    left = producer.flush(30)
    if left or failures:
        print("delivery failed: %d left, %s" % (left, failures[:3]))
        return 1
    print("produced %d" % count)
    return 0


def consume(bootstrap, registry, topic, count):
    consumer = AvroConsumer({"bootstrap.servers": bootstrap, "schema.registry.url": registry,
                             "group.id": "python-peer", "enable.auto.commit": False})
    consumer.assign([TopicPartition(topic, 0, OFFSET_BEGINNING)])
    seen = 0
    deadline = datetime.datetime.now() + datetime.timedelta(seconds=60)
    while seen < count and datetime.datetime.now() < deadline:
        msg = consumer.poll(1.0)
        if msg is None:
            continue
        if msg.error():
            print("error: %s" % msg.error())
            return 1
        print(json.dumps(plain(msg.value())), flush=True)
        seen += 1
    consumer.close()
    return 0 if seen == count else 1


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "produce":
        sys.exit(produce(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], int(sys.argv[6])))
    sys.exit(consume(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])))
