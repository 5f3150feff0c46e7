#!/usr/bin/env python3
"""A fake single-broker Kafka endpoint that answers just enough for a librdkafka producer
(ApiVersions v0/v3, Metadata v1, Produce v3-v7) and saves the records blob of every produce
request to OUT_DIR/<codec>.bin. Used once to capture golden record batches; not run by tests."""
import socket, struct, sys

PORT, OUT = int(sys.argv[1]), sys.argv[2]
TOPIC = b"golden"

def i16(v): return struct.pack(">h", v)
def i32(v): return struct.pack(">i", v)
def i64(v): return struct.pack(">q", v)
def kstr(b): return i16(len(b)) + b
def uvar(v):
    out = b""
    while True:
        b, v = v & 0x7F, v >> 7
        if v: out += bytes([b | 0x80])
        else: return out + bytes([b])

APIS = [(0, 0, 7), (1, 0, 10), (2, 0, 2), (3, 1, 1), (8, 0, 2), (9, 0, 2), (10, 0, 1), (11, 0, 2), (12, 0, 1), (13, 0, 1), (14, 0, 1), (15, 0, 1), (16, 0, 1), (18, 0, 3)]

def api_versions(ver):
    if ver >= 3:
        body = i16(0) + uvar(len(APIS) + 1)
        for k, lo, hi in APIS: body += i16(k) + i16(lo) + i16(hi) + uvar(0)
        return body + i32(0) + uvar(0)
    body = i16(0) + i32(len(APIS))
    for k, lo, hi in APIS: body += i16(k) + i16(lo) + i16(hi)
    return body

def metadata():
    brokers = i32(1) + i32(0) + kstr(b"127.0.0.1") + i32(PORT) + i16(-1)
    part = i16(0) + i32(0) + i32(0) + i32(1) + i32(0) + i32(1) + i32(0)
    topics = i32(1) + i16(0) + kstr(TOPIC) + b"\x00" + i32(1) + part
    return brokers + i32(0) + topics

def produce(ver, body, count):
    p = 0
    tl = struct.unpack_from(">h", body, p)[0]; p += 2 + max(tl, 0)
    p += 2 + 4  # acks, timeout
    nt = struct.unpack_from(">i", body, p)[0]; p += 4
    resp_topics = i32(nt)
    for _ in range(nt):
        n = struct.unpack_from(">h", body, p)[0]; name = body[p+2:p+2+n]; p += 2 + n
        np_ = struct.unpack_from(">i", body, p)[0]; p += 4
        resp_topics += kstr(name) + i32(np_)
        for _ in range(np_):
            idx, ln = struct.unpack_from(">ii", body, p); p += 8
            with open(f"{OUT}.{count}.bin", "wb") as f: f.write(body[p:p+ln])
            p += ln
            resp_topics += i32(idx) + i16(0) + i64(0) + i64(-1) + (i64(0) if ver >= 5 else b"")
    return resp_topics + i32(0)

def serve(conn, count):
    buf = b""
    while True:
        while len(buf) < 4 or len(buf) < 4 + struct.unpack_from(">i", buf)[0]:
            d = conn.recv(65536)
            if not d: return count
            buf += d
        size = struct.unpack_from(">i", buf)[0]
        frame, buf = buf[4:4+size], buf[4+size:]
        key, ver, corr = struct.unpack_from(">hhi", frame)
        cl = struct.unpack_from(">h", frame, 8)[0]
        hdr_end = 10 + max(cl, 0)
        if key == 18:
            if ver >= 3: hdr_end += 1  # empty tagged fields in request header v2
            body = api_versions(ver)
        elif key == 3: body = metadata()
        elif key == 0:
            body = produce(ver, frame[hdr_end:], count); count += 1
        else:
            return count
        out = i32(corr) + body
        conn.sendall(i32(len(out)) + out)

s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", PORT)); s.listen(4); s.settimeout(20)
count = 0
try:
    while True:
        c, _ = s.accept(); c.settimeout(20)
        try: count = serve(c, count)
        except (socket.timeout, ConnectionError): pass
        c.close()
except socket.timeout:
    pass
