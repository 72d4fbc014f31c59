#!/usr/bin/env bash
# Rebuilds the wbpf BPF test fixtures and their golden files.
#
#   src/NAME.bpf.c  ->  out/NAME.bpf.o                 (committed)
#                   ->  golden/NAME.objdump.txt        llvm-objdump -d
#                   ->  golden/NAME.objdump-r.txt      llvm-objdump -dr
#                   ->  golden/NAME.readelf.txt        llvm-readelf --file-header -S -s -r
#                   ->  golden/NAME.btf.txt            bpftool btf dump ... format raw
#
# build/vmlinux.h is generated from the running kernel's BTF and is not committed, so the
# CO-RE objects carry type information from the kernel they were built on; that is fine for
# the parser tests (relocations are resolved at load time), but rebuilding on another kernel
# changes the .BTF / .BTF.ext bytes of the objects that include vmlinux.h.
#
# Usage: build.sh [NAME...]   (default: every src/*.bpf.c)
# Env:   VMLINUX_BTF  BTF file to generate vmlinux.h from (default /sys/kernel/btf/vmlinux)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
# Everything below uses paths relative to testdata/bpf so that outputs do not depend on
# where the repository is checked out.
export LC_ALL=C

die() { echo "build.sh: error: $*" >&2; exit 1; }

need() { # need TOOL DEBIAN-PACKAGE
	command -v "$1" >/dev/null 2>&1 ||
		die "'$1' not found; install the Debian package '$2' (apt-get install $2)"
}

CLANG=clang-16
OBJDUMP=llvm-objdump-16
READELF=llvm-readelf-16
# The BPF v4 ISA (sdiv/smod, ldsx, movsx, bswap, gotol) needs LLVM >= 17; clang-16 rejects
# -mcpu=v4 and llvm-objdump-16 cannot decode the new opcodes. Files listed here are built
# and disassembled with LLVM 19 instead.
CLANG_V4=clang-19
OBJDUMP_V4=llvm-objdump-19
READELF_V4=llvm-readelf-19

need "$CLANG" clang-16
need "$OBJDUMP" llvm-16
need "$READELF" llvm-16
need bpftool bpftool
[[ -f /usr/include/bpf/bpf_helpers.h ]] ||
	die "/usr/include/bpf/bpf_helpers.h not found; install the Debian package 'libbpf-dev'"
[[ -f /usr/include/linux/bpf.h && -f /usr/include/x86_64-linux-gnu/asm/types.h ]] ||
	die "kernel UAPI headers not found; install the Debian package 'linux-libc-dev'"

# per-file extra clang flags
extra_flags() {
	case "$1" in
	atomics) echo "-mcpu=v3" ;;
	cpuv4) echo "-mcpu=v4" ;;
	*) echo "" ;;
	esac
}

# per-file extra llvm-objdump flags: llvm-objdump-16 only decodes the 32-bit atomic
# and/or/xor/xchg/cmpxchg forms when the alu32 feature is on (otherwise "<unknown>")
objdump_flags() {
	case "$1" in
	atomics) echo "--mattr=+alu32" ;;
	*) echo "" ;;
	esac
}

uses_v4_toolchain() { [[ "$1" == cpuv4 ]]; }

VMLINUX_BTF="${VMLINUX_BTF:-/sys/kernel/btf/vmlinux}"
[[ -r "$VMLINUX_BTF" ]] || die "cannot read kernel BTF at $VMLINUX_BTF (set VMLINUX_BTF)"

mkdir -p build out golden
echo "  GEN     build/vmlinux.h"
bpftool btf dump file "$VMLINUX_BTF" format c > build/vmlinux.h.tmp
mv build/vmlinux.h.tmp build/vmlinux.h

if (($# > 0)); then
	names=("$@")
else
	names=()
	for f in src/*.bpf.c; do
		names+=("$(basename "$f" .bpf.c)")
	done
fi
((${#names[@]} > 0)) || die "no sources in src/"

for name in "${names[@]}"; do
	src="src/$name.bpf.c"
	obj="out/$name.bpf.o"
	[[ -f "$src" ]] || die "no such source: $src"

	cc=$CLANG objdump=$OBJDUMP readelf=$READELF
	if uses_v4_toolchain "$name"; then
		need "$CLANG_V4" clang-19
		need "$OBJDUMP_V4" llvm-19
		need "$READELF_V4" llvm-19
		cc=$CLANG_V4 objdump=$OBJDUMP_V4 readelf=$READELF_V4
	fi

	echo "  CC      $obj ($cc $(extra_flags "$name"))"
	# shellcheck disable=SC2046
	"$cc" -g -O2 -target bpf -D__TARGET_ARCH_x86 $(extra_flags "$name") \
		-Wall -Wno-unused-variable -Wno-unused-function \
		-ffile-prefix-map="$here"=. -fdebug-prefix-map="$here"=. \
		-fdebug-compilation-dir=. \
		-Ibuild -Isrc -idirafter /usr/include/x86_64-linux-gnu \
		-c "$src" -o "$obj.tmp"
	mv "$obj.tmp" "$obj"

	echo "  GOLDEN  golden/$name.*"
	# shellcheck disable=SC2046
	"$objdump" -d $(objdump_flags "$name") "$obj" > "golden/$name.objdump.txt"
	# shellcheck disable=SC2046
	"$objdump" -dr $(objdump_flags "$name") "$obj" > "golden/$name.objdump-r.txt"
	if grep -q '<unknown>' "golden/$name.objdump.txt"; then
		die "$objdump could not decode some instructions of $obj (see golden/$name.objdump.txt)"
	fi
	# llvm-readelf prints a "File: ..." header only for multiple inputs; drop it regardless
	"$readelf" --file-header -S -s -r "$obj" | sed '/^File: /d' > "golden/$name.readelf.txt"
	bpftool btf dump file "$obj" format raw > "golden/$name.btf.txt"
done

# Paranoia: no absolute checkout path may leak into any output.
if grep -rlF -- "$here" out golden >/dev/null 2>&1; then
	grep -rlF -- "$here" out golden >&2
	die "checkout path '$here' leaked into the outputs above"
fi
echo "  OK      ${#names[@]} object(s)"
