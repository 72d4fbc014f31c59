#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Checks that Wasm modules have the shape wbpf runs: a WASI command (_start), exported memory and
function table, and wasm_bpf imports with exactly the ABI's signatures (docs/wasm-bpf-abi.md).

usage: wasm-check.py [-v] MODULE.wasm...   (-v lists every import)"""
import sys

ABI = {
    "wasm_load_bpf_object": (("i32", "i32"), ("i64",)),
    "wasm_attach_bpf_program": (("i64", "i32", "i32"), ("i32",)),
    "wasm_bpf_map_fd_by_name": (("i64", "i32"), ("i32",)),
    "wasm_bpf_map_operate": (("i32", "i32", "i32", "i32", "i32", "i64"), ("i32",)),
    "wasm_bpf_buffer_poll": (("i64", "i32", "i32", "i32", "i32", "i32", "i32"), ("i32",)),
    "wasm_close_bpf_object": (("i64",), ("i32",)),
}
VALTYPES = {0x7F: "i32", 0x7E: "i64", 0x7D: "f32", 0x7C: "f64"}
KINDS = {0: "func", 1: "table", 2: "memory", 3: "global"}


class Reader:
    def __init__(self, data, pos=0):
        self.data, self.pos = data, pos

    def byte(self):
        b = self.data[self.pos]
        self.pos += 1
        return b

    def uleb(self):
        result = shift = 0
        while True:
            b = self.byte()
            result |= (b & 0x7F) << shift
            shift += 7
            if not b & 0x80:
                return result

    def name(self):
        n = self.uleb()
        s = self.data[self.pos:self.pos + n].decode()
        self.pos += n
        return s

    def limits(self):
        flags = self.uleb()
        self.uleb()
        if flags & 1:
            self.uleb()


def parse(data):
    if data[:4] != b"\0asm":
        raise ValueError("not a Wasm module")
    r = Reader(data, 8)
    types, imports, exports = [], [], []
    while r.pos < len(data):
        sid, size = r.byte(), None
        size = r.uleb()
        end = r.pos + size
        if sid == 1:
            for _ in range(r.uleb()):
                assert r.byte() == 0x60
                params = tuple(VALTYPES.get(r.byte(), "?") for _ in range(r.uleb()))
                results = tuple(VALTYPES.get(r.byte(), "?") for _ in range(r.uleb()))
                types.append((params, results))
        elif sid == 2:
            for _ in range(r.uleb()):
                module, field, kind = r.name(), r.name(), r.byte()
                if kind == 0:
                    imports.append((module, field, types[r.uleb()]))
                elif kind == 1:
                    r.byte(); r.limits(); imports.append((module, field, "table"))
                elif kind == 2:
                    r.limits(); imports.append((module, field, "memory"))
                else:
                    r.byte(); r.byte(); imports.append((module, field, "global"))
        elif sid == 7:
            for _ in range(r.uleb()):
                name, kind = r.name(), r.byte()
                r.uleb()
                exports.append((name, KINDS.get(kind, "?")))
        r.pos = end
    return imports, exports


def check(path, verbose):
    with open(path, "rb") as f:
        imports, exports = parse(f.read())
    problems = []
    exported = dict(exports)
    for name, kind in (("_start", "func"), ("memory", "memory"), ("__indirect_function_table", "table")):
        if exported.get(name) != kind:
            problems.append(f"does not export {kind} {name}")
    used = []
    for module, field, sig in imports:
        if verbose:
            print(f"  import {module}.{field} {sig}")
        if module in ("wasm_bpf", "env") and field in ABI:
            used.append(field)
            if sig != ABI[field]:
                problems.append(f"{module}.{field} has type {sig}, the ABI says {ABI[field]}")
        elif module != "wasi_snapshot_preview1":
            problems.append(f"imports {module}.{field}, which wbpf does not provide")
    for p in problems:
        print(f"{path}: {p}", file=sys.stderr)
    if not problems:
        print(f"{path}: ok (wasm_bpf: {', '.join(sorted(used)) or 'none'})")
    return not problems


def main(argv):
    verbose = "-v" in argv
    paths = [a for a in argv if a != "-v"]
    if not paths:
        print(__doc__, file=sys.stderr)
        return 2
    return 0 if all([check(p, verbose) for p in paths]) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
