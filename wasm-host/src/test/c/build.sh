#!/bin/sh
# Builds the test guests of wasm-host into ../resources/guests/ (committed, so that the tests run
# with only a JDK). Needs Debian's clang-16, wasm-ld-16 and wasi-libc (sysroot /usr).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/../resources/guests}
CLANG=${CLANG:-clang-16}
if ! command -v "$CLANG" >/dev/null 2>&1; then
	echo "build.sh: $CLANG not found: install clang-16, lld-16 and wasi-libc (apt-get install clang-16 lld-16 wasi-libc)" >&2
	exit 1
fi
mkdir -p "$out"
for src in "$here"/*.c; do
	name=$(basename "$src" .c)
	"$CLANG" --target=wasm32-wasi --sysroot=/usr -O2 -fuse-ld=lld \
		-Wl,--export-table -Wl,--strip-debug -o "$out/$name.wasm" "$src"
done
