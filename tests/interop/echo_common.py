"""Shared helpers for the Python Echo interop scripts (echo_server.py, echo_client.py).

The C# interop tests start these scripts with Debian's /usr/bin/python3 (which has grpcio,
protobuf and grpc_tools). Neither script keeps generated code in the source tree: at startup
load_echo_modules() runs grpc_tools.protoc on echo.proto (the file next to this one) into a
fresh temporary directory, puts that directory on sys.path and imports echo_pb2 and
echo_pb2_grpc from it. The directory is removed when the process exits.
"""

import atexit
import importlib
import os
import shutil
import sys
import tempfile

import grpc

HERE = os.path.dirname(os.path.abspath(__file__))
PROTO_NAME = "echo.proto"

# int status code -> grpc.StatusCode (each enum value is a (int, name) tuple).
STATUS_BY_INT = {code.value[0]: code for code in grpc.StatusCode}


def status_from_int(value):
    """Maps a numeric gRPC status code to grpc.StatusCode (UNKNOWN when out of range)."""
    return STATUS_BY_INT.get(value, grpc.StatusCode.UNKNOWN)


def load_echo_modules():
    """Generates echo_pb2/echo_pb2_grpc into a temp dir and returns the two modules."""
    from grpc_tools import protoc  # imported lazily: only needed for generation

    out_dir = tempfile.mkdtemp(prefix="echo_proto_")
    atexit.register(shutil.rmtree, out_dir, True)
    args = [
        "grpc_tools.protoc",
        "-I" + HERE,
        "--python_out=" + out_dir,
        "--grpc_python_out=" + out_dir,
        os.path.join(HERE, PROTO_NAME),
    ]
    if protoc.main(args) != 0:
        raise RuntimeError("protoc failed to compile " + os.path.join(HERE, PROTO_NAME))
    sys.path.insert(0, out_dir)
    return importlib.import_module("echo_pb2"), importlib.import_module("echo_pb2_grpc")
