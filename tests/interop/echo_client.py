"""Reference Echo client (grpcio) for the C# gRPC interop tests.

Runs one named case (or "all") against ANY bridge.testing.Echo server, normally the C#
EchoService, and checks the behaviour documented in echo.proto. The C# tests run

    /usr/bin/python3 tests/interop/echo_client.py --target 127.0.0.1:PORT --case NAME

and expect exit code 0. Each case prints "PASS <case>" or "FAIL <case>: <reason>" (expected
vs actual) on stdout; the exit code is 1 if any case failed. The server must use the
default 4 MiB message limit (the too_large case relies on it).
"""

import argparse
import os
import queue
import sys
import time
import uuid

import grpc

sys.dont_write_bytecode = True  # keep __pycache__ out of the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import echo_common  # noqa: E402  (needs the path above)

echo_pb2, echo_pb2_grpc = echo_common.load_echo_modules()

Req = echo_pb2.EchoRequest
TIMEOUT = 10  # seconds; every call has a deadline so that a broken server cannot hang us
MIB = 1024 * 1024
ECHO_INITIAL = [("x-echo-initial", "v1"), ("x-echo-initial-bin", b"\x00\xffbin")]
ECHO_TRAILING = [("x-echo-trailing", "t1"), ("x-echo-trailing-bin", b"\x01\x02")]


class CaseFailure(Exception):
    """A check failed; the message says what was expected and what was seen."""


def check(condition, what, expected, actual):
    if not condition:
        raise CaseFailure("%s: expected %r, got %r" % (what, expected, actual))


def check_equal(what, expected, actual):
    check(expected == actual, what, expected, actual)


def expect_rpc_error(call, code, details=None):
    """Runs call(); it must raise grpc.RpcError with the given code (and details)."""
    try:
        result = call()
    except grpc.RpcError as error:
        check_equal("status code", code, error.code())
        if details is not None:
            check_equal("status details", details, error.details())
        return error
    raise CaseFailure("expected RpcError %s, got success: %s" % (code, brief(result)))


def check_metadata_contains(what, metadata, expected):
    actual = [(m[0], m[1]) for m in (metadata or ())]
    for entry in expected:
        check(entry in actual, what, "to contain %r" % (entry,), actual)


def short(data):
    return "%d bytes %r..." % (len(data), data[:16])


def brief(reply):
    """A one-line description of a reply (payloads shortened)."""
    if isinstance(reply, tuple) and reply:  # (reply, call) from .with_call
        reply = reply[0]
    if not isinstance(reply, echo_pb2.EchoReply):
        return repr(reply)[:200]
    fields = ["%s=%r" % (f.name, v) for f, v in reply.ListFields() if f.name != "payload"]
    return "EchoReply(%s, payload=%s)" % (", ".join(fields), short(reply.payload))


# ---- the cases -------------------------------------------------------------------------

def case_unary(stub):
    reply = stub.Unary(Req(message="hello", payload=b"\x00\x01\xff"), timeout=TIMEOUT)
    check_equal("message", "hello", reply.message)
    check_equal("payload", b"\x00\x01\xff", reply.payload)


def case_server_stream(stub):
    replies = list(stub.ServerStream(Req(message="s", response_count=5), timeout=TIMEOUT))
    check_equal("indexes", [0, 1, 2, 3, 4], [r.index for r in replies])
    check_equal("messages", ["s"] * 5, [r.message for r in replies])


def case_client_stream(stub):
    requests = [Req(message=m, payload=b"p" * n) for m, n in (("a", 1), ("b", 2), ("c", 3))]
    reply = stub.ClientStream(iter(requests), timeout=TIMEOUT)
    check_equal("received", 3, reply.received)
    check_equal("message", "a,b,c", reply.message)
    check_equal("payload_bytes", 6, reply.payload_bytes)


def case_duplex(stub):
    replies = queue.Queue()
    messages = ["d0", "d1", "d2", "d3"]

    def requests():  # one request at a time: the next only after the previous reply
        for message in messages:
            yield Req(message=message)
            try:
                replies.get(timeout=TIMEOUT)
            except queue.Empty:
                return  # half-close; the checks below report the missing reply

    call = stub.Duplex(requests(), timeout=TIMEOUT)
    seen = []
    for reply in call:
        seen.append((reply.index, reply.message))
        replies.put(reply)
    check_equal("replies (index, message)", list(enumerate(messages)), seen)
    check_equal("final status", grpc.StatusCode.OK, call.code())


def case_error_status(stub):
    text = "missing \u2713 100% done\n"
    request = Req(response_status=echo_pb2.EchoStatus(code=5, message=text))
    expect_rpc_error(lambda: stub.Unary(request, timeout=TIMEOUT),
                     grpc.StatusCode.NOT_FOUND, text)


def case_error_after_stream(stub):
    request = Req(message="e", response_count=2,
                  response_status=echo_pb2.EchoStatus(code=9, message="stop"))
    call = stub.ServerStream(request, timeout=TIMEOUT)
    seen = []

    def read_all():
        for reply in call:
            seen.append(reply.index)

    expect_rpc_error(read_all, grpc.StatusCode.FAILED_PRECONDITION, "stop")
    check_equal("indexes before the error", [0, 1], seen)


def case_deadline(stub):
    started = time.monotonic()
    expect_rpc_error(lambda: stub.Unary(Req(delay_ms=5000), timeout=0.3),
                     grpc.StatusCode.DEADLINE_EXCEEDED)
    elapsed = time.monotonic() - started
    check(elapsed < 3, "time to DEADLINE_EXCEEDED", "< 3 s", "%.2f s" % elapsed)


def case_deadline_propagated(stub):
    # grpc core (1.51) rounds the grpc-timeout it sends UP to its wire granularity: 100 ms
    # units for 10..100 s. A 10 s timeout leaves the client as a hair over 10000 ms, so the
    # header is "10100m" and any correct server sees up to 10099 ms. Hence the 10100 bound.
    reply = stub.Unary(Req(message="d"), timeout=10)
    remaining = reply.deadline_remaining_ms
    check(1 <= remaining <= 10100, "deadline_remaining_ms", "1..10100", remaining)


def case_cancel(stub):
    tag = "cancel-" + uuid.uuid4().hex
    future = stub.WaitForCancel.future(Req(message=tag), timeout=30)
    # Cancel only once the call reached the server's handler (not after a lucky sleep).
    check_equal("WasStarted", "yes", stub.WasStarted(Req(message=tag, delay_ms=8000), timeout=TIMEOUT).message)
    check(not future.done(), "WaitForCancel before cancel", "still running",
          "done: %r" % (future.exception(),) if future.done() else None)
    check_equal("future.cancel()", True, future.cancel())
    reply = stub.WasCancelled(Req(message=tag, delay_ms=5000), timeout=TIMEOUT)
    check_equal("WasCancelled", "yes", reply.message)


def case_server_cancel(stub):
    expect_rpc_error(lambda: stub.Unary(Req(message="c", cancel=True), timeout=TIMEOUT),
                     grpc.StatusCode.CANCELLED)


def case_metadata(stub):
    _, call = stub.Unary.with_call(Req(message="m"), timeout=TIMEOUT,
                                   metadata=ECHO_INITIAL + ECHO_TRAILING)
    check_metadata_contains("initial metadata", call.initial_metadata(), ECHO_INITIAL)
    check_metadata_contains("trailing metadata", call.trailing_metadata(), ECHO_TRAILING)


def case_metadata_on_error(stub):
    request = Req(response_status=echo_pb2.EchoStatus(code=3, message="bad"))
    error = expect_rpc_error(
        lambda: stub.Unary.with_call(request, timeout=TIMEOUT,
                                     metadata=ECHO_INITIAL + ECHO_TRAILING),
        grpc.StatusCode.INVALID_ARGUMENT, "bad")
    check_metadata_contains("trailing metadata", error.trailing_metadata(), ECHO_TRAILING)


def case_large(stub):
    n = 3 * MIB
    payload = bytes(i % 251 for i in range(n))
    reply = stub.Unary(Req(message="big", payload=payload), timeout=TIMEOUT)
    check(reply.payload == payload, "3 MiB echoed payload", short(payload), short(reply.payload))
    reply = stub.Unary(Req(message="gen", response_size=n), timeout=TIMEOUT)
    check(reply.payload == b"x" * n, "response_size payload", short(b"x" * n),
          short(reply.payload))


def case_too_large(stub):
    error = expect_rpc_error(lambda: stub.Unary(Req(payload=b"\x07" * (5 * MIB)),
                                                timeout=TIMEOUT),
                             grpc.StatusCode.RESOURCE_EXHAUSTED)
    check(bool(error.details()), "details", "non-empty", error.details())


def case_unimplemented(stub):
    expect_rpc_error(lambda: stub.Unimplemented(Req(message="u"), timeout=TIMEOUT),
                     grpc.StatusCode.UNIMPLEMENTED)


def case_gzip(stub):
    reply = stub.Unary(Req(message="zipped"), timeout=TIMEOUT,
                       compression=grpc.Compression.Gzip)
    check_equal("message", "zipped", reply.message)


CASES = [
    ("unary", case_unary),
    ("server_stream", case_server_stream),
    ("client_stream", case_client_stream),
    ("duplex", case_duplex),
    ("error_status", case_error_status),
    ("error_after_stream", case_error_after_stream),
    ("deadline", case_deadline),
    ("deadline_propagated", case_deadline_propagated),
    ("cancel", case_cancel),
    ("server_cancel", case_server_cancel),
    ("metadata", case_metadata),
    ("metadata_on_error", case_metadata_on_error),
    ("large", case_large),
    ("too_large", case_too_large),
    ("unimplemented", case_unimplemented),
    ("gzip", case_gzip),
]


def run_case(stub, name, func):
    """Runs one case; prints PASS/FAIL and returns True when it passed."""
    try:
        func(stub)
    except CaseFailure as failure:
        print("FAIL %s: %s" % (name, failure), flush=True)
        return False
    except grpc.RpcError as error:
        print("FAIL %s: unexpected RpcError %s %r" % (name, error.code(), error.details()),
              flush=True)
        return False
    except Exception as error:  # a bug in the case or a malformed reply
        print("FAIL %s: %s: %s" % (name, type(error).__name__, error), flush=True)
        return False
    print("PASS %s" % name, flush=True)
    return True


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", required=True, help="host:port of the Echo server")
    parser.add_argument("--case", required=True, choices=[n for n, _ in CASES] + ["all"])
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    selected = CASES if args.case == "all" else [c for c in CASES if c[0] == args.case]
    # The client accepts large replies so that only the server's limits are tested.
    options = [("grpc.max_receive_message_length", 64 * MIB)]
    with grpc.insecure_channel(args.target, options=options) as channel:
        stub = echo_pb2_grpc.EchoStub(channel)
        results = [run_case(stub, name, func) for name, func in selected]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
