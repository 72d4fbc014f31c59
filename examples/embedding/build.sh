#!/usr/bin/env bash
# Rebuilds the embedding example's BPF object: bpf/embedding.bpf.c -> bpf/embedding.bpf.o
# (committed; the Maven build packs it into the example's jar). Same compiler and flags as
# testdata/bpf/build.sh, with paths relative to this directory, so the output reproduces
# byte for byte wherever the repository is checked out. CI runs it (.ci/run).
# Needs (Debian): clang-16, libbpf-dev, linux-libc-dev.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
export LC_ALL=C
command -v clang-16 >/dev/null 2>&1 || { echo "build.sh: error: 'clang-16' not found; install the Debian package 'clang-16'" >&2; exit 1; }
[[ -f /usr/include/bpf/bpf_helpers.h ]] ||
	{ echo "build.sh: error: /usr/include/bpf/bpf_helpers.h not found; install the Debian package 'libbpf-dev'" >&2; exit 1; }
echo "  CC      bpf/embedding.bpf.o"
clang-16 -g -O2 -target bpf -D__TARGET_ARCH_x86 \
	-Wall -Wno-unused-variable -Wno-unused-function \
	-ffile-prefix-map="$here"=. -fdebug-prefix-map="$here"=. \
	-fdebug-compilation-dir=. \
	-idirafter /usr/include/x86_64-linux-gnu \
	-c bpf/embedding.bpf.c -o bpf/embedding.bpf.o.tmp
mv bpf/embedding.bpf.o.tmp bpf/embedding.bpf.o
