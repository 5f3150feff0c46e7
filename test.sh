#!/usr/bin/env bash
# Installs what the tests need (Debian packages, only when missing), builds, and runs the
# whole test suite. Extra arguments go to `dotnet test` (e.g. --filter Category=Interop).
# Exit code is the suite's.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

# Real peers the interop tests talk to (see ../shared/design/ENVIRONMENT.md).
packages=(python3-grpcio python3-grpc-tools python3-protobuf)
# The agent's fetcher decompresses .tar.bz2 and .tar.xz with Debian's bzip2 and xz.
packages+=(bzip2 xz-utils)
# The embedded Kafka broker is tested with real clients: kcat, and Confluent.Kafka over Debian's
# librdkafka 2.0.2 (the -dev package has the unversioned librdkafka.so its DllImport finds).
packages+=(librdkafka1 librdkafka-dev kcat)
# The Avro codec is checked against a real implementation nobody here wrote.
packages+=(python3-avro)
# ...and its schema fingerprints against Java's (python3-avro 1.11.1 has none): Debian's Avro for Java.
packages+=(libavro-java openjdk-17-jre-headless)
# The schema registry is driven by confluent-kafka-python's registry clients (they talk HTTP with requests).
packages+=(python3-confluent-kafka python3-requests)
# The jobs scheduler's schedules are computed in IANA time zones (DST tests), read from tzdata.
packages+=(tzdata)
# Masters elect their leader through a real etcd (Debian's etcd-server); etcdctl checks our client's writes.
packages+=(etcd-server etcd-client)
# The partition tests put an agent in a network namespace of their own (ip netns, veth).
packages+=(iproute2)
# The master's dashboard is tested in Debian's Chromium, driven by Playwright (which never downloads a browser here).
packages+=(chromium)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "test.sh: installing ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

dotnet build Bridge.sln -c Release --nologo -v quiet "-clp:ErrorsOnly;NoSummary"
dotnet test Bridge.sln -c Release --no-build --nologo "$@"
