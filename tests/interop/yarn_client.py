"""A grpcio YARN client for the embedded ResourceManager's interop tests.

Speaks ApplicationClientProtocol (yarn-bridge/proto/bridge/yarn/v1/applicationclient_protocol.proto, Hadoop's
shapes) to a running embedded ResourceManager with nothing but grpcio and code generated at start-up:
grpc_tools.protoc compiles the bridge.yarn.v1 protos (from --proto-root, default yarn-bridge/proto of this checkout)
into a fresh temporary directory. They are proto2, which Debian's python3-grpc-tools (protoc 3.5) compiles as is.
The C# tests (tests/Bridge.Yarn.ResourceManager.Server.Tests/Interop) run

    /usr/bin/python3 tests/interop/yarn_client.py --rm 127.0.0.1:PORT --case NAME

Cases:
  submit   GetNewApplication (an id and the maximum capability), SubmitApplication with an AM container spec
           (command, one environment variable), then GetApplicationReport until the application is ACCEPTED:
           reports its id, name, queue, user, state and the maximum capability.
  unknown  GetApplicationReport of an application the ResourceManager never made: the call fails NOT_FOUND.

The user goes in the yarn-user header ("interop"). The last stdout line is "PASS <case> <json>" with what was
observed, or "FAIL <case>: <reason>". Exit code 0 on PASS, 1 on FAIL, 2 when --timeout (default 60 s) passes:
a watchdog ends the process, so nothing can hang.
"""

import argparse
import importlib
import json
import os
import shutil
import sys
import tempfile
import threading
import time

import grpc

sys.dont_write_bytecode = True  # keep __pycache__ out of the source tree

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_PROTO_ROOT = os.path.join(HERE, "..", "..", "yarn-bridge", "proto")
PROTOS = ["bridge/yarn/v1/yarn_protos.proto", "bridge/yarn/v1/yarn_service_protos.proto",
          "bridge/yarn/v1/applicationclient_protocol.proto"]
USER_HEADER = "yarn-user"
USER = "interop"
CALL_TIMEOUT = 10  # seconds per unary call


def load_modules(proto_root):
    """Generates the protocol's Python code into a temp dir; returns (yarn_protos, service_protos, client_grpc)."""
    from grpc_tools import protoc  # imported lazily: only needed for generation

    work = tempfile.mkdtemp(prefix="bridge_yarn_proto_")
    try:
        args = ["grpc_tools.protoc", "-I" + proto_root, "--python_out=" + work, "--grpc_python_out=" + work]
        if protoc.main(args + [os.path.join(proto_root, name) for name in PROTOS]) != 0:
            raise RuntimeError("protoc failed to compile %s under %s" % (PROTOS, proto_root))
        sys.path.insert(0, work)
        return (importlib.import_module("bridge.yarn.v1.yarn_protos_pb2"),
                importlib.import_module("bridge.yarn.v1.yarn_service_protos_pb2"),
                importlib.import_module("bridge.yarn.v1.applicationclient_protocol_pb2_grpc"))
    finally:
        # Imported modules live in memory; removing the directory here also covers the watchdog's os._exit.
        shutil.rmtree(work, ignore_errors=True)


class CaseFailure(Exception):
    """A check failed; the message says what was expected and what was seen."""


def check_equal(what, expected, actual):
    if expected != actual:
        raise CaseFailure("%s: expected %r, got %r" % (what, expected, actual))


def case_submit(yarn, service, stub, deadline):
    metadata = ((USER_HEADER, USER),)
    fresh = stub.GetNewApplication(service.GetNewApplicationRequestProto(), timeout=CALL_TIMEOUT, metadata=metadata)
    app_id = fresh.application_id
    if app_id.cluster_timestamp <= 0 or app_id.id <= 0:
        raise CaseFailure("GetNewApplication: expected a positive cluster timestamp and id, got %r" % app_id)
    spec = yarn.ContainerLaunchContextProto(
        command=["/bin/true"],
        environment=[yarn.StringStringMapProto(key="GREETING", value="hello")])
    context = yarn.ApplicationSubmissionContextProto(
        application_id=app_id, application_name="interop-python", queue="default",
        am_container_spec=spec, resource=yarn.ResourceProto(memory=1024, virtual_cores=1), applicationType="YARN")
    stub.SubmitApplication(service.SubmitApplicationRequestProto(application_submission_context=context),
                           timeout=CALL_TIMEOUT, metadata=metadata)
    states = []
    while True:
        report = stub.GetApplicationReport(service.GetApplicationReportRequestProto(application_id=app_id),
                                           timeout=CALL_TIMEOUT, metadata=metadata).application_report
        state = yarn.YarnApplicationStateProto.Name(report.yarn_application_state)
        if not states or states[-1] != state:
            states.append(state)
        if state == "ACCEPTED":
            break
        if time.monotonic() > deadline:
            raise CaseFailure("the application did not reach ACCEPTED; states seen %r" % states)
        time.sleep(0.1)
    check_equal("report application id", (app_id.cluster_timestamp, app_id.id),
                (report.applicationId.cluster_timestamp, report.applicationId.id))
    return {
        "application_id": "application_%d_%04d" % (app_id.cluster_timestamp, app_id.id),
        "name": report.name, "queue": report.queue, "user": report.user, "states": states,
        "maximum_memory": fresh.maximumCapability.memory, "maximum_vcores": fresh.maximumCapability.virtual_cores,
    }


def case_unknown(yarn, service, stub, deadline):
    missing = yarn.ApplicationIdProto(cluster_timestamp=1, id=999)
    try:
        stub.GetApplicationReport(service.GetApplicationReportRequestProto(application_id=missing),
                                  timeout=CALL_TIMEOUT, metadata=((USER_HEADER, USER),))
    except grpc.RpcError as e:
        return {"code": e.code().name, "details": e.details()}
    raise CaseFailure("GetApplicationReport of an unknown application succeeded")


CASES = {"submit": case_submit, "unknown": case_unknown}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rm", required=True, help="the ResourceManager, host:port")
    parser.add_argument("--case", required=True, choices=sorted(CASES))
    parser.add_argument("--proto-root", default=DEFAULT_PROTO_ROOT)
    parser.add_argument("--timeout", type=float, default=60.0)
    args = parser.parse_args()

    def watchdog():
        print("FAIL %s: timed out after %.0f s" % (args.case, args.timeout), flush=True)
        os._exit(2)

    timer = threading.Timer(args.timeout, watchdog)
    timer.daemon = True
    timer.start()
    try:
        yarn, service, client_grpc = load_modules(os.path.abspath(args.proto_root))
        with grpc.insecure_channel(args.rm) as channel:
            stub = client_grpc.ApplicationClientProtocolStub(channel)
            result = CASES[args.case](yarn, service, stub, time.monotonic() + args.timeout - 5)
        print("PASS %s %s" % (args.case, json.dumps(result, sort_keys=True)), flush=True)
        return 0
    except (CaseFailure, grpc.RpcError, RuntimeError) as e:
        print("FAIL %s: %s" % (args.case, e), flush=True)
        return 1
    finally:
        timer.cancel()


if __name__ == "__main__":
    sys.exit(main())
