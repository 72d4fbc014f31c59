#!/usr/bin/env bash
# wasm-host benchmarks (print numbers; not tests). Needs root, gcc, libbpf-dev, python3.
#  1. `wbpf run` start-up until the programs are attached (execsnoop: its header is printed after
#     load+attach), and a trivial module (`guest.wasm exit 0`), median of N (default 20) runs,
#     beside libbpf_attach.c doing the same load+attach of execsnoop.bpf.o with Debian's libbpf.
#  2. WasmBench: ring buffer events/s reaching a Wasm guest's callback vs the kernel backend's Java
#     callback on the same object and load, and wasm_bpf_map_operate round-trip ns.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
: "${JAVA_HOME:=/usr/lib/jvm/temurin-25-jdk-amd64}"
export JAVA_HOME
n=${N:-20}
[[ -f /usr/include/bpf/libbpf.h ]] || { echo "run.sh: install libbpf-dev" >&2; exit 1; }
out="$repo/wasm-host/target/bench"
mkdir -p "$out"
gcc -O2 -o "$out/libbpf_attach" "$here/libbpf_attach.c" -lbpf
execsnoop="$repo/bpf-guest/examples/execsnoop"
[[ -f "$execsnoop/execsnoop.bpf.o" ]] || make -C "$execsnoop" --no-print-directory execsnoop.bpf.o >&2
"$repo/wbpf" --version >/dev/null # builds the CLI and its AOT caches if needed
"$repo/wbpf" run "$repo/wasm-host/src/test/resources/guests/guest.wasm" exit 0 >/dev/null

echo "== start-up (median of $n runs; ms until the first line of output)"
python3 "$here/startup.py" "$n" \
	"wbpf run guest.wasm exit 0" -- "$repo/wbpf" run "$repo/wasm-host/src/test/resources/guests/guest.wasm" exit 0 ";;" \
	"wbpf run execsnoop.wasm (until loaded+attached)" -- "$repo/wbpf" run "$execsnoop/execsnoop.wasm" ";;" \
	"libbpf (C): load+attach execsnoop.bpf.o" -- "$out/libbpf_attach" "$execsnoop/execsnoop.bpf.o"

echo "== events and map operations"
(cd "$repo" && ./mvnw -q -B -pl wasm-host -am test-compile -Dcheckstyle.skip)
(cd "$repo" && ./mvnw -q -B -pl wasm-host dependency:build-classpath -Dmdep.outputFile="$out/cp.txt" -Dmdep.includeScope=test) >/dev/null
# this checkout's modules first, ahead of any installed snapshot jars
cp="$repo/wasm-host/target/test-classes:$repo/wasm-host/target/classes:$repo/bpf-core/target/classes:$repo/bpf-kernel/target/classes:$repo/bpf-vm/target/classes:$(cat "$out/cp.txt")"
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$cp" dev.wbpf.kernel.backend.WasmBench \
	"$repo/testdata/bpf/out/bench.bpf.o" "$repo/wasm-host/src/test/resources/guests/bench_guest.wasm"
