// SPDX-License-Identifier: Apache-2.0
// A fake wasm_bpf host for checking a guest's side of the ABI without a kernel (developer tool,
// needs Node.js; wbpf itself runs guests on Chicory). It logs every wasm_bpf call, answers
// map fds 3, 4, ..., and after two buffer polls delivers one record of RECORD_HEX (if set) to the
// guest's callback through the exported table, then makes the third poll fail so the guest exits.
//
//   node stub-host.mjs MODULE.wasm [ARGS...]     env: RECORD_HEX=..., DUMP_RODATA=OFFSET:LEN
import { readFileSync } from "node:fs";
import { WASI } from "node:wasi";

const [file, ...args] = process.argv.slice(2);
const wasi = new WASI({ version: "preview1", args: [file, ...args], env: {}, returnOnExit: true });
let instance;
const mem = () => new Uint8Array(instance.exports.memory.buffer);
const cstr = (p) => { if (!p) return null; const m = mem(); let e = p; while (m[e]) e++; return Buffer.from(m.subarray(p, e)).toString(); };
const log = (...a) => console.error("[stub]", ...a);
let nextFd = 3, polls = 0;
const fds = new Map();
const env = {
  wasm_load_bpf_object(buf, len) {
    const image = Buffer.from(mem().subarray(buf, buf + len));
    log(`load_bpf_object(${len} bytes, ELF magic ${image.subarray(1, 4)})`);
    if (process.env.DUMP_RODATA) {
      const [off, n] = process.env.DUMP_RODATA.split(":").map(Number);
      log(`image[${off}..+${n}] = ${image.subarray(off, off + n).toString("hex")}`);
    }
    return 42n;
  },
  wasm_attach_bpf_program(obj, name, target) { log(`attach(${obj}, "${cstr(name)}", "${cstr(target)}")`); return 0; },
  wasm_bpf_map_fd_by_name(obj, name) { const n = cstr(name); if (!fds.has(n)) fds.set(n, nextFd++); log(`map_fd_by_name(${obj}, "${n}") = ${fds.get(n)}`); return fds.get(n); },
  wasm_bpf_map_operate(fd, cmd, key, value, next, flags) { log(`map_operate(fd ${fd}, cmd ${cmd}, key ${key ? "@" + key : "NULL"})`); return -2; },
  wasm_bpf_buffer_poll(obj, fd, fn, ctx, buf, max, timeout) {
    polls++;
    log(`buffer_poll(${obj}, fd ${fd}, fn #${fn}, ctx ${ctx}, buf @${buf}, max ${max}, ${timeout} ms)`);
    if (polls === 2 && process.env.RECORD_HEX) {
      const rec = Buffer.from(process.env.RECORD_HEX, "hex");
      mem().set(rec, buf);
      const r = instance.exports.__indirect_function_table.get(fn)(ctx, buf, rec.length);
      log(`callback returned ${r}`);
      return 1;
    }
    return polls >= 3 ? -5 : 0;
  },
  wasm_close_bpf_object(obj) { log(`close(${obj})`); return 0; },
};
const module = await WebAssembly.compile(readFileSync(file));
instance = await WebAssembly.instantiate(module, { wasm_bpf: env, wasi_snapshot_preview1: wasi.wasiImport });
const code = wasi.start(instance);
log(`exit ${code}`);
