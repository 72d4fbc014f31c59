#!/usr/bin/env bash
# Push/pull speed against a local docker-registry (prints numbers; not a test): wbpf's
# PackageTransfer in a warm JVM beside curl (POST + monolithic PUT / GET) and skopeo copy, for
# packages with one layer of each size given in MiB (default 1 16 128). REPS=N runs per size (5).
# Needs docker-registry, curl and skopeo (a missing curl or skopeo prints "-").
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
: "${JAVA_HOME:=/usr/lib/jvm/temurin-25-jdk-amd64}"
export JAVA_HOME
out="$repo/registry-client/target/bench"
mkdir -p "$out"
(cd "$repo" && ./mvnw -q -B -pl registry-client -am test-compile -Dcheckstyle.skip)
(cd "$repo" && ./mvnw -q -B -pl registry-client dependency:build-classpath -Dmdep.outputFile="$out/cp.txt" -Dmdep.includeScope=test) >/dev/null
# this checkout's modules first, ahead of any installed snapshot jars
cp="$repo/registry-client/target/test-classes:$repo/registry-client/target/classes:$repo/packaging/target/classes:$(cat "$out/cp.txt")"
exec "$JAVA_HOME/bin/java" ${BENCH_JAVA_OPTS:-} -cp "$cp" dev.wbpf.registry.TransferBench "$@"
