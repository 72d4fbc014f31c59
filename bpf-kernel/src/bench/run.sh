#!/usr/bin/env bash
# Kernel backend benchmark: ring buffer events/s to a callback and hash map lookup ns/op, wbpf
# (Java, through the backend SPI) next to a C program using Debian's libbpf, on the same object.
# Needs root, gcc and libbpf-dev. Not part of the tests.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
: "${JAVA_HOME:=/usr/lib/jvm/temurin-25-jdk-amd64}"
[[ -f /usr/include/bpf/libbpf.h ]] || { echo "run.sh: install libbpf-dev" >&2; exit 1; }
(cd "$repo" && ./mvnw -q -B -pl bpf-kernel -am test-compile)
out="$repo/bpf-kernel/target/bench"
mkdir -p "$out"
gcc -O2 -o "$out/libbpf_bench" "$here/libbpf_bench.c" -lbpf
cp="$repo/bpf-kernel/target/classes:$repo/bpf-kernel/target/test-classes:$repo/bpf-core/target/classes"
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$cp" dev.wbpf.kernel.backend.KernelBench \
	"$repo/testdata/bpf/out/bench.bpf.o" "$out/libbpf_bench"
