"""Reference Echo server (grpcio) for the C# gRPC interop tests.

Implements service bridge.testing.Echo exactly as documented in echo.proto, so that the C#
client (RpcChannel) can be tested against grpcio's own server. The C# tests start it as

    /usr/bin/python3 tests/interop/echo_server.py [--port N] [--max-message-mb M]

with stdin redirected to a pipe, read the line "PORT <n>" from stdout, run their calls
against 127.0.0.1:<n>, then close stdin (or send SIGTERM/SIGINT); the server stops at once
(grace 0) and exits 0. Note: a server started with stdin at EOF (e.g. /dev/null) stops
immediately.

Interpretation of the streaming cases (the proto leaves them open):
  * ServerStream honours delay_ms once before the first response, then sends response_count
    replies, then cancels (cancel=true) or ends with response_status.
  * ClientStream applies delay_ms, cancel and response_status of the last request.
  * Duplex handles each request in turn: wait its delay_ms, then cancel, end with its
    response_status instead of replying to it, or echo it (index = request position).
"""

import argparse
import os
import signal
import sys
import threading
import time
from concurrent import futures

import grpc

sys.dont_write_bytecode = True  # keep __pycache__ out of the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import echo_common  # noqa: E402  (needs the path above)

echo_pb2, echo_pb2_grpc = echo_common.load_echo_modules()

NO_DEADLINE_SECONDS = 1e7  # time_remaining() above this means "no deadline"
POLL_SECONDS = 0.01


class CancelledTags:
    """Process-wide set of WaitForCancel tags whose call saw its cancellation."""

    def __init__(self):
        self._tags = set()
        self._cond = threading.Condition()

    def add(self, tag):
        with self._cond:
            self._tags.add(tag)
            self._cond.notify_all()

    def wait_for(self, tag, timeout_s):
        with self._cond:
            return self._cond.wait_for(lambda: tag in self._tags, timeout=timeout_s)


def deadline_remaining_ms(context):
    remaining = context.time_remaining()
    if remaining is None or remaining > NO_DEADLINE_SECONDS:
        return -1
    return int(remaining * 1000)


def wait_delay(context, delay_ms):
    """Sleeps delay_ms in small steps; stops early when the call ends or its deadline passes."""
    end = time.monotonic() + max(delay_ms, 0) / 1000.0
    while context.is_active():
        left = end - time.monotonic()
        remaining = context.time_remaining()
        if left <= 0 or (remaining is not None and remaining <= 0):
            return
        time.sleep(min(POLL_SECONDS, left))


def echo_metadata(context):
    """Sends x-echo-initial* back as headers and x-echo-trailing* as trailers."""
    initial, trailing = [], []
    for key, value in context.invocation_metadata():
        if key.startswith("x-echo-initial"):
            initial.append((key, value))
        elif key.startswith("x-echo-trailing"):
            trailing.append((key, value))
    if initial:
        context.send_initial_metadata(tuple(initial))
    if trailing:
        context.set_trailing_metadata(tuple(trailing))


def abort_if_status(request, context):
    """Ends the call with request.response_status when its code is not 0."""
    status = request.response_status
    if status.code != 0:
        context.abort(echo_common.status_from_int(status.code), status.message)


def cancel_call(context):
    """Cancels the call from the server side (RST_STREAM); nothing else is sent after it."""
    context.cancel()
    context.abort(grpc.StatusCode.CANCELLED, "cancelled by the server")


def make_reply(request, index=0, remaining_ms=-1):
    payload = b"x" * request.response_size if request.response_size > 0 else request.payload
    return echo_pb2.EchoReply(message=request.message, payload=payload, index=index,
                              deadline_remaining_ms=remaining_ms)


class EchoServicer(echo_pb2_grpc.EchoServicer):
    """Echo as documented in echo.proto; Unimplemented is left to the generated base."""

    def __init__(self):
        self.cancelled_tags = CancelledTags()
        self.started_tags = CancelledTags()

    def Unary(self, request, context):
        remaining_ms = deadline_remaining_ms(context)
        echo_metadata(context)
        wait_delay(context, request.delay_ms)
        if request.cancel:
            cancel_call(context)
        abort_if_status(request, context)
        return make_reply(request, remaining_ms=remaining_ms)

    def ServerStream(self, request, context):
        remaining_ms = deadline_remaining_ms(context)
        echo_metadata(context)
        wait_delay(context, request.delay_ms)
        for index in range(request.response_count):
            if not context.is_active():
                return
            yield make_reply(request, index=index, remaining_ms=remaining_ms)
        if request.cancel:
            cancel_call(context)
        abort_if_status(request, context)

    def ClientStream(self, request_iterator, context):
        remaining_ms = deadline_remaining_ms(context)
        echo_metadata(context)
        messages, payload_bytes, last = [], 0, echo_pb2.EchoRequest()
        for request in request_iterator:
            messages.append(request.message)
            payload_bytes += len(request.payload)
            last = request
        wait_delay(context, last.delay_ms)
        if last.cancel:
            cancel_call(context)
        abort_if_status(last, context)
        return echo_pb2.EchoReply(message=",".join(messages), received=len(messages),
                                  payload_bytes=payload_bytes,
                                  deadline_remaining_ms=remaining_ms)

    def Duplex(self, request_iterator, context):
        remaining_ms = deadline_remaining_ms(context)
        echo_metadata(context)
        for index, request in enumerate(request_iterator):
            wait_delay(context, request.delay_ms)
            if request.cancel:
                cancel_call(context)
            abort_if_status(request, context)
            yield make_reply(request, index=index, remaining_ms=remaining_ms)

    def WaitForCancel(self, request, context):
        echo_metadata(context)
        self.started_tags.add(request.message)
        ended = threading.Event()
        if not context.add_callback(ended.set):
            ended.set()  # the call had already terminated
        while not ended.wait(POLL_SECONDS) and context.is_active():
            pass
        self.cancelled_tags.add(request.message)
        # The call is over (cancelled or past its deadline); grpcio discards this.
        context.abort(grpc.StatusCode.CANCELLED, "cancelled")

    def WasStarted(self, request, context):
        seen = self.started_tags.wait_for(request.message, max(request.delay_ms, 0) / 1000.0)
        return echo_pb2.EchoReply(message="yes" if seen else "no")

    def WasCancelled(self, request, context):
        echo_metadata(context)
        seen = self.cancelled_tags.wait_for(request.message, max(request.delay_ms, 0) / 1000.0)
        return echo_pb2.EchoReply(message="yes" if seen else "no",
                                  deadline_remaining_ms=deadline_remaining_ms(context))


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0 = any)")
    parser.add_argument("--max-message-mb", type=int, default=4,
                        help="send and receive message size limit in MiB")
    return parser.parse_args(argv)


def start_server(port, max_message_mb):
    limit = max_message_mb * 1024 * 1024
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=16),
        options=[("grpc.max_send_message_length", limit),
                 ("grpc.max_receive_message_length", limit)])
    echo_pb2_grpc.add_EchoServicer_to_server(EchoServicer(), server)
    bound = server.add_insecure_port("127.0.0.1:%d" % port)
    if bound == 0:
        raise SystemExit("echo_server: cannot bind 127.0.0.1:%d" % port)
    server.start()
    return server, bound


def wait_for_stop():
    """Blocks until stdin reaches EOF or SIGTERM/SIGINT arrives."""
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())

    def read_stdin():  # raw os.read: a daemon thread must not hold sys.stdin's lock at exit
        try:
            while os.read(sys.stdin.fileno(), 4096):
                pass
        finally:
            stop.set()

    threading.Thread(target=read_stdin, name="stdin-watch", daemon=True).start()
    while not stop.wait(0.2):
        pass


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    server, port = start_server(args.port, args.max_message_mb)
    print("PORT %d" % port, flush=True)
    wait_for_stop()
    server.stop(grace=0).wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
