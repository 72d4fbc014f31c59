#!/usr/bin/env bash
# Rebuilds every example under bpf-guest/examples (BPF object -> skeleton -> NAME.wasm) and checks
# each module's imports and exports against the wasm_bpf ABI. CI calls this; the prebuilt
# NAME.wasm files it writes are committed.
#
# Usage: bpf-guest/build.sh [NAME...]   (default: every example)
# Needs (Debian): clang-16 lld-16 llvm-16 wasi-libc libbpf-dev linux-libc-dev bpftool make python3,
# and a JDK for ../wbpf (JAVA_HOME or scripts/java-home.sh).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
die() { echo "build.sh: error: $*" >&2; exit 1; }
need() { command -v "$1" >/dev/null 2>&1 || die "'$1' not found; install the Debian package '$2'"; }
need clang-16 clang-16
need wasm-ld-16 lld-16
need llvm-strip-16 llvm-16
need bpftool bpftool
need make make
need python3 python3
[[ -f /usr/lib/wasm32-wasi/libc.a ]] || die "wasi-libc not found in /usr/lib/wasm32-wasi; install the Debian package 'wasi-libc'"
[[ -f /usr/include/bpf/bpf_helpers.h ]] || die "/usr/include/bpf/bpf_helpers.h not found; install 'libbpf-dev'"

if (($# > 0)); then
	names=("$@")
else
	names=()
	for d in "$here"/examples/*/; do
		names+=("$(basename "$d")")
	done
fi

for name in "${names[@]}"; do
	dir="$here/examples/$name"
	[[ -f "$dir/Makefile" ]] || die "no such example: $name"
	echo "  EXAMPLE $name"
	make -B -C "$dir" --no-print-directory
	python3 "$here/tools/wasm-check.py" "$dir/$name.wasm"
done
echo "  OK      ${#names[@]} example(s)"
