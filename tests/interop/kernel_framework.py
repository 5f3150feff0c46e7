"""A grpcio framework (scheduler) for the kernel interop tests.

Speaks the scheduler API (core-kernel/proto/bridge/v1/scheduler.proto) to a real master with
nothing but grpcio and code generated at start-up: grpc_tools.protoc compiles bridge.proto and
scheduler.proto (from --proto-root, default core-kernel/proto of this checkout) into a fresh
temporary directory (see load_modules for the one rewrite the bundled protoc 3.5 needs). The C# tests (tests/Bridge.Kernel.EndToEnd.Tests/Interop) run

    /usr/bin/python3 tests/interop/kernel_framework.py --master 127.0.0.1:PORT --case NAME

Cases:
  launch         SUBSCRIBE (framework id in SUBSCRIBED, the stream id in SUBSCRIBED and in the
                 bridge-stream-id response header), wait for OFFERS, ACCEPT with a LAUNCH of
                 `echo interop-hello` (cpus 0.1, mem 32 taken from the offer's own resources),
                 ACKNOWLEDGE every update (TASK_RUNNING, then TASK_FINISHED with exit code 0),
                 TEARDOWN (the stream ends with OK; a later call is NOT_FOUND).
  unknown_offer  ACCEPT naming an offer id the master never made: the call succeeds and the task
                 comes back TASK_DROPPED, REASON_INVALID_OFFERS, from the master, with no uuid.
  no_resources   ACCEPT of a real offer with a task that uses no resources: TASK_ERROR,
                 REASON_TASK_INVALID, from the master, with no uuid.
  bad_filters    ACCEPT with filters.refuse_seconds = -1: the call fails INVALID_ARGUMENT.
  no_stream_id   ACCEPT without the bridge-stream-id header: the call fails FAILED_PRECONDITION.

The last stdout line is machine-checkable: "PASS <case> <json>" where the JSON object holds what
was observed (framework_id, stream_id, states, reason, message, code, details, ...), or
"FAIL <case>: <reason>". Exit code 0 on PASS, 1 on FAIL, 2 when --timeout (default 60 s) passes:
a watchdog ends the process, so nothing can hang.
"""

import argparse
import importlib
import json
import os
import queue
import re
import shutil
import sys
import tempfile
import threading
import time
import uuid

import grpc

sys.dont_write_bytecode = True  # keep __pycache__ out of the source tree

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_PROTO_ROOT = os.path.join(HERE, "..", "..", "core-kernel", "proto")
PROTOS = ["bridge/v1/bridge.proto", "bridge/v1/scheduler.proto"]
STREAM_ID_HEADER = "bridge-stream-id"
TASK_CPUS = 0.1
TASK_MEM = 32.0  # MB
CALL_TIMEOUT = 10  # seconds per unary call


# `optional T name = N;` -> `oneof _name { T name = N; }`. See load_modules.
OPTIONAL_FIELD = re.compile(r"^(\s*)optional\s+([\w.]+)\s+(\w+)(\s*=\s*\d+[^;]*);", re.MULTILINE)


def proto3_optional_as_oneof(text):
    """Rewrites proto3 `optional` fields as the one-field oneofs they are defined to be."""
    return OPTIONAL_FIELD.sub(r"\1oneof _\3 { \2 \3\4; }", text)


def load_modules(proto_root):
    """Generates the scheduler API's Python code into a temp dir; returns (bridge_pb2, scheduler_pb2, scheduler_pb2_grpc).

    Debian's python3-grpc-tools (1.14) bundles protoc 3.5, which predates proto3 `optional`
    (protoc 3.12+). The protobuf spec defines such a field as a oneof of one field named
    `_<field>`: the same wire format and the same presence (HasField), which is what this copy
    of the .proto files spells out before compiling them. Nothing else is changed.
    """
    from grpc_tools import protoc  # imported lazily: only needed for generation

    work = tempfile.mkdtemp(prefix="bridge_proto_")
    try:
        source_dir, out_dir = os.path.join(work, "proto"), os.path.join(work, "out")
        os.makedirs(out_dir)
        for name in PROTOS:
            os.makedirs(os.path.dirname(os.path.join(source_dir, name)), exist_ok=True)
            with open(os.path.join(proto_root, name), encoding="utf-8") as original:
                text = proto3_optional_as_oneof(original.read())
            with open(os.path.join(source_dir, name), "w", encoding="utf-8") as copy:
                copy.write(text)
        args = ["grpc_tools.protoc", "-I" + source_dir, "--python_out=" + out_dir, "--grpc_python_out=" + out_dir]
        if protoc.main(args + [os.path.join(source_dir, name) for name in PROTOS]) != 0:
            raise RuntimeError("protoc failed to compile %s under %s" % (PROTOS, proto_root))
        sys.path.insert(0, out_dir)
        return (importlib.import_module("bridge.v1.bridge_pb2"),
                importlib.import_module("bridge.v1.scheduler_pb2"),
                importlib.import_module("bridge.v1.scheduler_pb2_grpc"))
    finally:
        # Imported modules live in memory; the directory is not needed past this point, and
        # removing it here also covers the watchdog's os._exit (which skips atexit).
        shutil.rmtree(work, ignore_errors=True)


class CaseFailure(Exception):
    """A check failed; the message says what was expected and what was seen."""


def check(condition, what, expected, actual):
    if not condition:
        raise CaseFailure("%s: expected %s, got %r" % (what, expected, actual))


def check_equal(what, expected, actual):
    check(expected == actual, what, repr(expected), actual)


class Framework:
    """One subscription: a thread drains the Subscribe stream into a queue; calls carry the stream id."""

    def __init__(self, pb, sched, stub, deadline):
        self.pb, self.sched, self.stub = pb, sched, stub
        self.events = queue.Queue()
        self.deadline = deadline  # time.monotonic() by which everything must be done
        self.framework_id = None
        self.stream_id = None
        self.stream = None
        self.stream_status = None

    def subscribe(self, timeout):
        info = self.pb.FrameworkInfo(name="interop-python", user="root", failover_timeout=0)
        call = self.sched.Call(type=self.sched.Call.SUBSCRIBE, subscribe=self.sched.Call.Subscribe(framework_info=info))
        self.stream = self.stub.Subscribe(call, timeout=timeout)
        threading.Thread(target=self._drain, daemon=True).start()
        subscribed = self.next_event(self.sched.Event.SUBSCRIBED)
        header = dict(self.stream.initial_metadata() or ()).get(STREAM_ID_HEADER)
        self.framework_id = subscribed.subscribed.framework_id
        self.stream_id = subscribed.subscribed.stream_id
        check(bool(self.framework_id.value), "SUBSCRIBED framework_id", "non-empty", self.framework_id.value)
        check(bool(self.stream_id), "SUBSCRIBED stream_id", "non-empty", self.stream_id)
        check_equal("%s response header" % STREAM_ID_HEADER, self.stream_id, header)
        check(subscribed.subscribed.heartbeat_interval_seconds > 0, "heartbeat_interval_seconds", "> 0",
              subscribed.subscribed.heartbeat_interval_seconds)
        return subscribed

    def _drain(self):
        try:
            for event in self.stream:
                self.events.put(event)
            self.stream_status = (self.stream.code(), self.stream.details())
        except grpc.RpcError as error:
            self.stream_status = (error.code(), error.details())
        self.events.put(None)  # end of stream

    def next_event(self, *types):
        """The next event of one of these types (others are skipped, HEARTBEAT included); None when the stream ended."""
        while True:
            try:
                event = self.events.get(timeout=max(self.deadline - time.monotonic(), 0.01))
            except queue.Empty:
                raise CaseFailure("timed out waiting for %s" % "/".join(self.sched.Event.Type.Name(t) for t in types))
            if event is None:
                return None
            if event.type in types:
                return event

    def call(self, call, with_stream_id=True):
        call.framework_id.CopyFrom(self.framework_id)
        metadata = [(STREAM_ID_HEADER, self.stream_id)] if with_stream_id else []
        return self.stub.Call(call, timeout=CALL_TIMEOUT, metadata=metadata)

    def accept(self, offer_ids, tasks, filters=None, with_stream_id=True):
        Call, Operation = self.sched.Call, self.pb.Offer.Operation
        launch = Operation(type=Operation.LAUNCH, launch=Operation.Launch(task_infos=tasks))
        accept = Call.Accept(offer_ids=[self.pb.OfferID(value=o) for o in offer_ids], operations=[launch])
        if filters is not None:
            accept.filters.CopyFrom(filters)
        return self.call(Call(type=Call.ACCEPT, accept=accept), with_stream_id)

    def acknowledge(self, status):
        Call = self.sched.Call
        ack = Call.Acknowledge(agent_id=status.agent_id, task_id=status.task_id, uuid=status.uuid)
        self.call(Call(type=Call.ACKNOWLEDGE, acknowledge=ack))

    def teardown(self):
        self.call(self.sched.Call(type=self.sched.Call.TEARDOWN))


def unreserved_scalar(offer, name):
    return sum(r.scalar.value for r in offer.resources if r.name == name and not r.reservations)


def task_on(pb, offer, task_id, command):
    """A command task using cpus 0.1 and mem 32 carved out of the offer's own resource entries."""
    task = pb.TaskInfo(name=task_id, task_id=pb.TaskID(value=task_id), agent_id=offer.agent_id,
                       command=pb.CommandInfo(value=command, shell=True))
    for name, amount in (("cpus", TASK_CPUS), ("mem", TASK_MEM)):
        source = next(r for r in offer.resources if r.name == name and not r.reservations)
        resource = task.resources.add()
        resource.CopyFrom(source)  # keeps the type, role and allocation_info the master offered
        resource.scalar.value = amount
    return task


def first_fitting_offer(fw):
    event = fw.next_event(fw.sched.Event.OFFERS)
    check(event is not None, "OFFERS", "an offer", "the stream ended: %r" % (fw.stream_status,))
    for offer in event.offers.offers:
        if unreserved_scalar(offer, "cpus") >= TASK_CPUS and unreserved_scalar(offer, "mem") >= TASK_MEM:
            check_equal("offer framework_id", fw.framework_id.value, offer.framework_id.value)
            return offer
    raise CaseFailure("no offer has cpus %.1f and mem %.0f: %r" % (TASK_CPUS, TASK_MEM, event.offers))


def status_json(pb, status):
    return {
        "state": pb.TaskState.Name(status.state),
        "reason": pb.TaskStatus.Reason.Name(status.reason) if status.HasField("reason") else None,
        "source": pb.TaskStatus.Source.Name(status.source),
        "message": status.message,
        "uuid": status.uuid.hex(),
        "exit_code": status.exit_code if status.HasField("exit_code") else None,
    }


def next_update(fw, task_id):
    """The next UPDATE for task_id (updates of other tasks are a failure: there are none)."""
    event = fw.next_event(fw.sched.Event.UPDATE)
    check(event is not None, "UPDATE of " + task_id, "an update", "the stream ended: %r" % (fw.stream_status,))
    check_equal("update task_id", task_id, event.update.status.task_id.value)
    return event.update.status


def teardown_and_check(fw, result):
    """TEARDOWN: the Subscribe stream ends with OK and the framework is unknown afterwards."""
    fw.teardown()
    while fw.next_event(*fw.sched.Event.Type.values()) is not None:
        pass
    code = fw.stream_status[0] if fw.stream_status else None
    check_equal("Subscribe status after TEARDOWN", grpc.StatusCode.OK, code)
    try:
        fw.call(fw.sched.Call(type=fw.sched.Call.REVIVE))
        raise CaseFailure("REVIVE after TEARDOWN: expected NOT_FOUND, got success")
    except grpc.RpcError as error:
        check_equal("REVIVE after TEARDOWN", grpc.StatusCode.NOT_FOUND, error.code())
    result["torn_down"] = True


# ---- the cases -------------------------------------------------------------------------

def case_launch(pb, fw, result):
    offer = first_fitting_offer(fw)
    task_id = "interop-hello-" + uuid.uuid4().hex[:8]
    fw.accept([offer.id.value], [task_on(pb, offer, task_id, "echo interop-hello")])
    result.update(task_id=task_id, agent_id=offer.agent_id.value, offer_id=offer.id.value, states=[], acknowledged=0)
    while True:
        status = next_update(fw, task_id)
        result["states"].append(pb.TaskState.Name(status.state))
        check(bool(status.uuid), "uuid of " + pb.TaskState.Name(status.state), "non-empty (an agent update)", status.uuid)
        check_equal("update agent_id", offer.agent_id.value, status.agent_id.value)
        fw.acknowledge(status)  # the agent sends the next update only after this one is acknowledged
        result["acknowledged"] += 1
        if status.state not in (pb.TASK_STAGING, pb.TASK_STARTING, pb.TASK_RUNNING):
            break
    check_equal("states", ["TASK_RUNNING", "TASK_FINISHED"], result["states"])
    check(status.HasField("exit_code") and status.exit_code == 0, "TASK_FINISHED exit_code", "0",
          status.exit_code if status.HasField("exit_code") else None)
    teardown_and_check(fw, result)


def expect_master_update(pb, fw, result, task_id, state, reason):
    status = next_update(fw, task_id)
    result.update(task_id=task_id, **status_json(pb, status))
    check_equal("state", pb.TaskState.Name(state), result["state"])
    check_equal("reason", pb.TaskStatus.Reason.Name(reason), result["reason"])
    check_equal("source", "SOURCE_MASTER", result["source"])
    check_equal("uuid", "", result["uuid"])  # nothing to acknowledge


def case_unknown_offer(pb, fw, result):
    offer = first_fitting_offer(fw)
    task = task_on(pb, offer, "orphan", "echo never")
    fw.accept(["no-such-offer"], [task])  # the call itself succeeds: the problem is a task update
    expect_master_update(pb, fw, result, "orphan", pb.TASK_DROPPED, pb.TaskStatus.REASON_INVALID_OFFERS)
    teardown_and_check(fw, result)


def case_no_resources(pb, fw, result):
    offer = first_fitting_offer(fw)
    task = task_on(pb, offer, "weightless", "echo never")
    del task.resources[:]
    fw.accept([offer.id.value], [task])
    expect_master_update(pb, fw, result, "weightless", pb.TASK_ERROR, pb.TaskStatus.REASON_TASK_INVALID)
    teardown_and_check(fw, result)


def expect_call_error(result, code, call):
    try:
        call()
    except grpc.RpcError as error:
        result.update(code=error.code().name, details=error.details())
        check_equal("status code", code, error.code())
        return
    raise CaseFailure("expected %s, got success" % code)


def case_bad_filters(pb, fw, result):
    offer = first_fitting_offer(fw)
    task = task_on(pb, offer, "filtered", "echo never")
    expect_call_error(result, grpc.StatusCode.INVALID_ARGUMENT,
                      lambda: fw.accept([offer.id.value], [task], filters=pb.Filters(refuse_seconds=-1)))
    teardown_and_check(fw, result)


def case_no_stream_id(pb, fw, result):
    offer = first_fitting_offer(fw)
    task = task_on(pb, offer, "anonymous", "echo never")
    expect_call_error(result, grpc.StatusCode.FAILED_PRECONDITION,
                      lambda: fw.accept([offer.id.value], [task], with_stream_id=False))
    teardown_and_check(fw, result)


CASES = {
    "launch": case_launch,
    "unknown_offer": case_unknown_offer,
    "no_resources": case_no_resources,
    "bad_filters": case_bad_filters,
    "no_stream_id": case_no_stream_id,
}


def start_watchdog(seconds, case):
    """Ends the process (exit 2) after `seconds`, whatever it is blocked on."""
    def expire():
        print("FAIL %s: no result within the %g s overall timeout" % (case, seconds), flush=True)
        os._exit(2)

    timer = threading.Timer(seconds, expire)
    timer.daemon = True
    timer.start()


def run(args):
    pb, sched, sched_grpc = load_modules(os.path.abspath(args.proto_root))
    deadline = time.monotonic() + args.timeout
    result = {"case": args.case}
    with grpc.insecure_channel(args.master) as channel:
        fw = Framework(pb, sched, sched_grpc.SchedulerStub(channel), deadline)
        try:
            fw.subscribe(timeout=args.timeout)
            result.update(framework_id=fw.framework_id.value, stream_id=fw.stream_id)
            CASES[args.case](pb, fw, result)
        except CaseFailure as failure:
            print("FAIL %s: %s %s" % (args.case, failure, json.dumps(result, sort_keys=True)), flush=True)
            return 1
        except grpc.RpcError as error:
            print("FAIL %s: unexpected RpcError %s %r %s" % (args.case, error.code(), error.details(),
                                                            json.dumps(result, sort_keys=True)), flush=True)
            return 1
        finally:
            if fw.stream is not None:
                fw.stream.cancel()
    print("PASS %s %s" % (args.case, json.dumps(result, sort_keys=True)), flush=True)
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--master", required=True, help="host:port of the master")
    parser.add_argument("--case", required=True, choices=sorted(CASES))
    parser.add_argument("--proto-root", default=DEFAULT_PROTO_ROOT, help="directory holding bridge/v1/*.proto")
    parser.add_argument("--timeout", type=float, default=60, help="overall limit in seconds (default: 60)")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    start_watchdog(args.timeout, args.case)
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
