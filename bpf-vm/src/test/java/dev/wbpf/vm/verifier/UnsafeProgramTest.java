package dev.wbpf.vm.verifier;

import static dev.wbpf.vm.Asm.asm;

import dev.wbpf.vm.Asm;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wbpf.core.object.MapType;
import dev.wbpf.core.prog.ProgramType;
import dev.wbpf.vm.VmProgram;
import dev.wbpf.vm.helper.HelperTable;
import dev.wbpf.vm.map.MapDefinition;
import dev.wbpf.vm.map.VmMap;
import dev.wbpf.vm.map.VmMaps;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The corpus of unsafe programs: each must be refused at the named instruction with a message
 * containing the kernel-style key words. (Instruction indexes count slots; an LDDW takes two.)
 */
class UnsafeProgramTest {
    // map indexes used by the programs below
    static final int ARRAY8 = 0;      // array, key 4, value 8
    static final int HASH16 = 1;      // hash, key 4, value 16
    static final int RINGBUF = 2;
    static final int RODATA = 3;      // array, value 16, BPF_F_RDONLY_PROG
    static final int QUEUE = 4;
    static final int PROGS = 5;

    static List<VmMap> maps() {
        return List.of(
                VmMaps.create(MapDefinition.of("array8", MapType.ARRAY, 4, 8, 4), 1),
                VmMaps.create(MapDefinition.of("hash16", MapType.HASH, 4, 16, 8), 1),
                VmMaps.create(MapDefinition.of("rb", MapType.RINGBUF, 0, 0, 4096), 1),
                VmMaps.create(new MapDefinition("rodata", MapType.ARRAY, 4, 16, 1, VmProgram.BPF_F_RDONLY_PROG, null), 1),
                VmMaps.create(MapDefinition.of("queue", MapType.QUEUE, 0, 8, 4), 1),
                VmMaps.create(MapDefinition.of("progs", MapType.PROG_ARRAY, 4, 4, 2), 1));
    }

    record Case(String name, ProgramType type, Asm code, int insn, String... words) {
        @Override
        public String toString() {
            return name;
        }
    }

    static final ProgramType RAW_TP = ProgramType.RAW_TRACEPOINT;
    static final ProgramType XDP = ProgramType.XDP;
    static final ProgramType SOCK = ProgramType.SOCKET_FILTER;
    static final ProgramType TC = ProgramType.SCHED_CLS;

    /** key = 0 at fp-4, r2 = fp-4, r1 = map; then call lookup: 6 slots, the call at index 5. */
    static Asm lookup(int map) {
        return asm().st(0x00, 10, -4, 0).mov64Reg(2, 10).add64Imm(2, -4).ldMap(1, map).call(1);
    }

    /** r1 = ringbuf, r2 = size, r3 = 0, call reserve: the call at index 4. */
    static Asm reserve(int size) {
        return asm().ldMap(1, RINGBUF).mov64Imm(2, size).mov64Imm(3, 0).call(131);
    }

    /** XDP: r2 = data, r3 = data_end (indexes 0, 1). */
    static Asm packet() {
        return asm().ldxw(2, 1, 0).ldxw(3, 1, 4);
    }

    static Stream<Case> corpus() {
        List<Case> c = new ArrayList<>();
        // ---- registers ----
        c.add(new Case("read of an uninitialised register", RAW_TP, asm().mov64Reg(0, 2).exit(), 0, "R2 !read_ok"));
        c.add(new Case("r0 not set at exit", RAW_TP, asm().exit(), 0, "R0 !read_ok"));
        c.add(new Case("write to r10", RAW_TP, asm().mov64Imm(10, 0).mov64Imm(0, 0).exit(), 0, "frame pointer is read only"));
        c.add(new Case("load into r10", RAW_TP, asm().ldxdw(10, 1, 0).mov64Imm(0, 0).exit(), 0, "frame pointer is read only"));
        c.add(new Case("pointer returned from the program", RAW_TP, asm().mov64Reg(0, 1).exit(), 1, "R0 leaks addr as return value"));
        c.add(new Case("r1-r5 clobbered by a helper call", RAW_TP, asm().call(5).mov64Reg(0, 1).exit(), 1, "R1 !read_ok"));
        c.add(new Case("r1-r5 clobbered by LD_ABS", SOCK, asm().mov64Reg(6, 1).ldAbs(0x10, 0).mov64Reg(0, 2).exit(), 2, "R2 !read_ok"));
        // ---- control flow ----
        c.add(new Case("fall through past the end", RAW_TP, asm().mov64Imm(0, 0), 0, "last insn is not an exit or jmp"));
        c.add(new Case("jump out of range", RAW_TP, asm().mov64Imm(0, 0).ja(5).exit(), 1, "jump out of range from insn 1 to 7"));
        c.add(new Case("jump backwards before the start", RAW_TP, asm().mov64Imm(0, 0).ja(-3).exit(), 1, "jump out of range"));
        c.add(new Case("jump into the middle of LDDW", RAW_TP, asm().ja(1).lddw(0, 1).exit(), 0, "jump into the middle of ldimm64"));
        c.add(new Case("unreachable instructions", RAW_TP, asm().mov64Imm(0, 0).exit().mov64Imm(0, 1).exit(), 2, "unreachable insn 2"));
        c.add(new Case("unreachable subprogram", RAW_TP, asm().mov64Imm(0, 0).exit().raw(0x85, 0, 1, 0, -1).mov64Imm(0, 0).exit(), 2, "unreachable insn 2"));
        c.add(new Case("infinite loop", RAW_TP, asm().mov64Imm(0, 0).jmpImm(0x10, 0, 0, -1).exit(), 1, "infinite loop detected"));
        c.add(new Case("call to an instruction outside the program", RAW_TP, asm().callLocal(10).mov64Imm(0, 0).exit(), 0, "call to invalid destination"));
        c.add(new Case("jump from one function into another", RAW_TP,
                asm().callLocal(2).mov64Imm(0, 0).exit().jmpImm(0x10, 1, 0, -3).mov64Imm(0, 0).exit(), 3, "jump out of range from insn 3 to 1"));
        c.add(new Case("recursive call", RAW_TP, asm().mov64Imm(0, 0).callLocal(-2).exit(), 1, "recursive call"));
        Asm deep = asm();
        for (int i = 0; i < 8; i++) {
            deep.callLocal(1).exit(); // each function calls the next (2 slots each); r0 comes back from the last
        }
        deep.mov64Imm(0, 0).exit();
        c.add(new Case("call stack deeper than 8 frames", RAW_TP, deep, 14, "the call stack of 9 frames is too deep"));
        c.add(new Case("stack pointer returned to the caller", RAW_TP, asm().callLocal(1).exit().mov64Reg(0, 10).exit(), 3,
                "cannot return stack pointer to the caller frame"));
        c.add(new Case("callee reads an argument the caller never set", RAW_TP, asm().callLocal(1).exit().mov64Reg(0, 3).exit(), 2, "R3 !read_ok"));
        c.add(new Case("kfunc call", RAW_TP, asm().raw(0x85, 0, 2, 0, 5).mov64Imm(0, 0).exit(), 0, "kernel function calls are not supported"));
        c.add(new Case("callx on a scalar", RAW_TP, asm().mov64Imm(2, 0).callx(2).mov64Imm(0, 0).exit(), 1, "R2 type=scalar expected=func"));
        c.add(new Case("too complex: a loop whose counter only grows", RAW_TP,
                asm().mov64Imm(0, 0).add64Imm(0, 1).jmpImm(0x50, 0, 0, -2).exit(), -2, "program too complex"));
        // ---- encodings and reserved fields ----
        c.add(new Case("unknown opcode", RAW_TP, asm().raw(0xff, 0, 0, 0, 0).mov64Imm(0, 0).exit(), 0, "unknown opcode 0xff"));
        c.add(new Case("mov imm with a source register", RAW_TP, asm().raw(0xb7, 0, 1, 0, 0).exit(), 0, "BPF_ALU uses reserved fields"));
        c.add(new Case("exit with an immediate", RAW_TP, asm().mov64Imm(0, 0).raw(0x95, 0, 0, 0, 1), 1, "BPF_EXIT uses reserved fields"));
        c.add(new Case("ldx with an immediate", RAW_TP, asm().raw(0x79, 0, 1, 0, 7).exit(), 0, "BPF_LDX uses reserved fields"));
        c.add(new Case("LDDW second slot with a register", RAW_TP, asm().raw(0x18, 0, 0, 0, 1).raw(0, 1, 0, 0, 0).exit(), 0, "invalid bpf_ld_imm64"));
        c.add(new Case("division by zero immediate", RAW_TP, asm().mov64Imm(0, 1).alu64Imm(0x30, 0, 0).exit(), 1, "division by zero"));
        c.add(new Case("shift by 64", RAW_TP, asm().mov64Imm(0, 1).alu64Imm(0x60, 0, 64).exit(), 1, "invalid shift 64"));
        c.add(new Case("32-bit shift by 32", RAW_TP, asm().mov64Imm(0, 1).alu32Imm(0x70, 0, 32).exit(), 1, "invalid shift 32"));
        // ---- pointer arithmetic ----
        c.add(new Case("pointer multiplied", RAW_TP, asm().alu64Imm(0x20, 1, 2).mov64Imm(0, 0).exit(), 0, "pointer arithmetic with *= operator prohibited"));
        c.add(new Case("pointer masked", RAW_TP, asm().alu64Imm(0x50, 1, 1).mov64Imm(0, 0).exit(), 0, "bitwise operator &= on pointer prohibited"));
        c.add(new Case("32-bit pointer arithmetic", RAW_TP, asm().alu32Imm(0x00, 1, 1).mov64Imm(0, 0).exit(), 0, "32-bit pointer arithmetic prohibited"));
        c.add(new Case("pointer plus pointer", RAW_TP, asm().add64Reg(1, 10).mov64Imm(0, 0).exit(), 0, "pointer += pointer prohibited"));
        c.add(new Case("scalar minus pointer", RAW_TP, asm().mov64Imm(0, 0).alu64Reg(0x10, 0, 1).exit(), 1, "tried to subtract pointer from scalar"));
        c.add(new Case("negated pointer", RAW_TP, asm().alu64Imm(0x80, 1, 0).mov64Imm(0, 0).exit(), 0, "pointer arithmetic with neg operator prohibited"));
        c.add(new Case("arithmetic on map_value_or_null", RAW_TP, lookup(ARRAY8).add64Imm(0, 8).mov64Imm(0, 0).exit(), 6,
                "R0 pointer arithmetic on map_value_or_null prohibited, null-check it first"));
        c.add(new Case("arithmetic on a map pointer", RAW_TP, asm().ldMap(1, ARRAY8).add64Imm(1, 8).mov64Imm(0, 0).exit(), 2,
                "pointer arithmetic on map_ptr prohibited"));
        // ---- null checks and map values ----
        c.add(new Case("map value used without null check", RAW_TP, lookup(ARRAY8).ldxdw(0, 0, 0).exit(), 6,
                "R0 invalid mem access 'map_value_or_null'"));
        c.add(new Case("map value read past its end", RAW_TP, lookup(ARRAY8).jmpImm(0x15, 0, 0, 1).ldxw(0, 0, 8).mov64Imm(0, 0).exit(), 7,
                "invalid access to map value, value_size=8 off=8 size=4"));
        c.add(new Case("map value read before its start", RAW_TP, lookup(ARRAY8).jmpImm(0x15, 0, 0, 1).ldxw(0, 0, -4).mov64Imm(0, 0).exit(), 7,
                "invalid access to map value, value_size=8 off=-4 size=4"));
        c.add(new Case("map value with a too-large bounded index", RAW_TP,
                asm().ldxdw(6, 1, 0).raw(0x57, 6, 0, 0, 15).st(0x00, 10, -4, 0).mov64Reg(2, 10).add64Imm(2, -4).ldMap(1, ARRAY8).call(1)
                        .jmpImm(0x15, 0, 0, 2).add64Reg(0, 6).ldxw(0, 0, 0).mov64Imm(0, 0).exit(), 10,
                "invalid access to map value, value_size=8"));
        c.add(new Case("map value plus unbounded ctx value", RAW_TP,
                asm().ldxdw(6, 1, 0).st(0x00, 10, -4, 0).mov64Reg(2, 10).add64Imm(2, -4).ldMap(1, ARRAY8).call(1)
                        .jmpImm(0x15, 0, 0, 2).add64Reg(0, 6).ldxw(0, 0, 0).mov64Imm(0, 0).exit(), 8,
                "math between map_value pointer and register with unbounded min value is not allowed"));
        c.add(new Case("write into a read-only map value", RAW_TP, asm().lddwPseudo(1, 2, RODATA, 0).stdw(1, 0, 1).mov64Imm(0, 0).exit(), 2,
                "write into map forbidden"));
        c.add(new Case("direct value offset outside the value", RAW_TP, asm().lddwPseudo(1, 2, ARRAY8, 100).mov64Imm(0, 0).exit(), 0,
                "invalid access to map value pointer, value_size=8 off=100"));
        c.add(new Case("direct value access into a hash map", RAW_TP, asm().lddwPseudo(1, 2, HASH16, 0).mov64Imm(0, 0).exit(), 0,
                "does not support direct value access"));
        c.add(new Case("map reference beyond the map table", RAW_TP, asm().ldMap(1, 9).mov64Imm(0, 0).exit(), 0, "fd 9 is not pointing to valid bpf_map"));
        c.add(new Case("ksym load", RAW_TP, asm().lddwPseudo(1, 3, 7, 0).mov64Imm(0, 0).exit(), 0, "kernel symbols"));
        // ---- helper arguments ----
        c.add(new Case("unknown helper", RAW_TP, asm().call(36).mov64Imm(0, 0).exit(), 0, "invalid func unknown#36"));
        c.add(new Case("helper beyond the table", RAW_TP, asm().call(212).mov64Imm(0, 0).exit(), 0, "invalid func unknown#212"));
        c.add(new Case("map key on uninitialised stack", RAW_TP,
                asm().mov64Reg(2, 10).add64Imm(2, -4).ldMap(1, ARRAY8).call(1).mov64Imm(0, 0).exit(), 4,
                "invalid indirect read from stack R2 off -4+0 size 4"));
        c.add(new Case("map key is a scalar", RAW_TP, asm().mov64Imm(2, 0).ldMap(1, ARRAY8).call(1).mov64Imm(0, 0).exit(), 3,
                "R2 type=scalar expected=fp"));
        c.add(new Case("map argument is not a map", RAW_TP, asm().mov64Imm(1, 0).mov64Reg(2, 10).call(1).mov64Imm(0, 0).exit(), 2,
                "R1 type=scalar expected=map_ptr"));
        c.add(new Case("lookup in a ring buffer", RAW_TP, lookup(RINGBUF).mov64Imm(0, 0).exit(), 5,
                "cannot pass map_type 27 into func bpf_map_lookup_elem#1"));
        c.add(new Case("update value larger than the stack area", RAW_TP,
                asm().stdw(10, -8, 0).mov64Reg(2, 10).add64Imm(2, -8).mov64Reg(3, 10).add64Imm(3, -8).mov64Imm(4, 0).ldMap(1, HASH16).call(2)
                        .mov64Imm(0, 0).exit(), 8, "invalid indirect access to stack R3 off=-8 size=16"));
        c.add(new Case("pop from a hash map", RAW_TP, asm().mov64Reg(2, 10).add64Imm(2, -8).ldMap(1, HASH16).call(88).mov64Imm(0, 0).exit(), 4,
                "cannot pass map_type 1 into func bpf_map_pop_elem#88"));
        c.add(new Case("probe_read with an unbounded size", RAW_TP,
                asm().ldxw(2, 1, 0).mov64Reg(1, 10).add64Imm(1, -8).mov64Imm(3, 0).call(113).mov64Imm(0, 0).exit(), 4,
                "R2 unbounded memory access"));
        c.add(new Case("probe_read with a negative size", RAW_TP,
                asm().mov64Imm(2, -1).mov64Reg(1, 10).add64Imm(1, -8).mov64Imm(3, 0).call(113).mov64Imm(0, 0).exit(), 4,
                "R2 min value is negative"));
        c.add(new Case("get_current_comm of zero bytes", RAW_TP,
                asm().mov64Imm(2, 0).mov64Reg(1, 10).add64Imm(1, -16).call(16).mov64Imm(0, 0).exit(), 3, "R2 invalid zero-sized read"));
        c.add(new Case("get_current_comm larger than the buffer", RAW_TP,
                asm().mov64Imm(2, 16).mov64Reg(1, 10).add64Imm(1, -8).call(16).mov64Imm(0, 0).exit(), 3,
                "invalid indirect access to stack R1 off=-8 size=16"));
        c.add(new Case("tail call with a modified ctx", RAW_TP,
                asm().add64Imm(1, 8).ldMap(2, PROGS).mov64Imm(3, 0).call(12).mov64Imm(0, 0).exit(), 4,
                "dereference of modified ctx ptr R1 off=8 disallowed"));
        c.add(new Case("tail call without ctx", RAW_TP,
                asm().mov64Imm(1, 0).ldMap(2, PROGS).mov64Imm(3, 0).call(12).mov64Imm(0, 0).exit(), 4, "R1 type=scalar expected=ctx"));
        c.add(new Case("tail call from a subprogram over 256 bytes of caller stack", RAW_TP,
                asm().st(0x18, 10, -256, 0).callLocal(1).exit().ldMap(2, PROGS).mov64Imm(3, 0).call(12).mov64Imm(0, 0).exit(), 6,
                "tail_calls are not allowed when call stack of previous frames is 256 bytes. Too large"));
        c.add(new Case("bpf_loop with a scalar callback", RAW_TP,
                asm().mov64Imm(1, 4).mov64Imm(2, 0).mov64Imm(3, 0).mov64Imm(4, 0).call(181).mov64Imm(0, 0).exit(), 4,
                "R2 type=scalar expected=func"));
        c.add(new Case("bpf_loop callback returning 2", RAW_TP,
                asm().mov64Imm(1, 4).lddwPseudo(2, 4, 6, 0)
                        .mov64Imm(3, 0).mov64Imm(4, 0).call(181).mov64Imm(0, 0).exit().mov64Imm(0, 2).exit(), 9,
                "At callback return the register R0"));
        c.add(new Case("skb_load_bytes in XDP", XDP,
                asm().mov64Imm(2, 0).mov64Reg(3, 10).add64Imm(3, -8).mov64Imm(4, 8).call(26).mov64Imm(0, 0).exit(), 4,
                "unknown func bpf_skb_load_bytes#26"));
        // ---- ring buffer references ----
        c.add(new Case("ring buffer record leaked", RAW_TP, reserve(8).mov64Imm(0, 0).exit(), 6, "Unreleased reference", "alloc_insn=4"));
        c.add(new Case("ring buffer record leaked on one path", RAW_TP,
                asm().ldxdw(6, 1, 0).ldMap(1, RINGBUF).mov64Imm(2, 8).mov64Imm(3, 0).call(131).jmpImm(0x15, 0, 0, 4).jmpImm(0x15, 6, 7, 3)
                        .mov64Reg(1, 0).mov64Imm(2, 0).call(132).mov64Imm(0, 0).exit(), 12, "Unreleased reference", "alloc_insn=5"));
        c.add(new Case("submit without null check", RAW_TP, reserve(8).mov64Reg(1, 0).mov64Imm(2, 0).call(132).mov64Imm(0, 0).exit(), 7,
                "R1 type=ringbuf_mem_or_null expected=ringbuf_mem"));
        c.add(new Case("record written past its end", RAW_TP,
                reserve(8).jmpImm(0x15, 0, 0, 4).stdw(0, 8, 1).mov64Reg(1, 0).mov64Imm(2, 0).call(132).mov64Imm(0, 0).exit(), 6,
                "invalid access to memory, mem_size=8 off=8 size=8"));
        c.add(new Case("submit of a moved pointer", RAW_TP,
                reserve(8).jmpImm(0x15, 0, 0, 4).add64Imm(0, 4).mov64Reg(1, 0).mov64Imm(2, 0).call(132).mov64Imm(0, 0).exit(), 9,
                "must have zero offset when passed to release func"));
        c.add(new Case("record used after submit", RAW_TP,
                reserve(8).jmpImm(0x15, 0, 0, 5).mov64Reg(6, 0).mov64Reg(1, 0).mov64Imm(2, 0).call(132).stdw(6, 0, 1).mov64Imm(0, 0).exit(), 10,
                "R6 invalid mem access 'scalar'"));
        c.add(new Case("reserve of a variable size", RAW_TP,
                asm().ldxdw(2, 1, 0).ldMap(1, RINGBUF).mov64Imm(3, 0).call(131).mov64Imm(0, 0).exit(), 4, "R2 is not a known constant"));
        // ---- stack ----
        c.add(new Case("read of uninitialised stack", RAW_TP, asm().ldxdw(0, 10, -8).exit(), 0, "invalid read from stack off -8+0 size 8"));
        c.add(new Case("read of a half-initialised slot", RAW_TP, asm().st(0x00, 10, -8, 0).ldxdw(0, 10, -8).exit(), 1,
                "invalid read from stack off -8+4 size 8"));
        c.add(new Case("write below the 512-byte stack", RAW_TP, asm().stdw(10, -520, 0).mov64Imm(0, 0).exit(), 0,
                "invalid write to stack R10 off=-520 size=8"));
        c.add(new Case("write above the frame pointer", RAW_TP, asm().stdw(10, 0, 0).mov64Imm(0, 0).exit(), 0, "invalid write to stack R10 off=0 size=8"));
        c.add(new Case("misaligned stack access", RAW_TP, asm().stdw(10, -12, 0).mov64Imm(0, 0).exit(), 0, "misaligned stack access off -12 size 8"));
        c.add(new Case("partial fill of a spilled pointer", RAW_TP, asm().stxdw(10, 1, -8).ldxw(0, 10, -8).exit(), 1, "invalid size of register fill"));
        c.add(new Case("partial spill of a pointer", RAW_TP, asm().stxw(10, 1, -8).mov64Imm(0, 0).exit(), 0, "invalid size of register spill"));
        c.add(new Case("variable stack access", RAW_TP,
                asm().ldxdw(6, 1, 0).raw(0x57, 6, 0, 0, 7).mov64Reg(2, 10).add64Imm(2, -16).add64Reg(2, 6).ldxb(0, 2, 0).exit(), 5,
                "variable stack access"));
        c.add(new Case("spilled map pointer filled back then dereferenced", RAW_TP,
                asm().ldMap(1, ARRAY8).stxdw(10, 1, -8).ldxdw(2, 10, -8).ldxdw(0, 2, 0).exit(), 4, "R2 invalid mem access 'map_ptr'"));
        // ---- context ----
        c.add(new Case("write to a read-only xdp_md field", XDP, asm().mov64Imm(2, 0).stxw(1, 2, 12).mov64Imm(0, 0).exit(), 1,
                "invalid bpf_context access off=12 size=4", "read-only"));
        c.add(new Case("read past xdp_md", XDP, asm().ldxw(0, 1, 24).exit(), 0, "invalid bpf_context access off=24 size=4"));
        c.add(new Case("narrow read of xdp_md.data", XDP, asm().ldxh(0, 1, 0).exit(), 0, "invalid bpf_context access off=0 size=2"));
        c.add(new Case("socket filter reads __sk_buff.data", SOCK, asm().ldxw(0, 1, 76).exit(), 0, "invalid bpf_context access off=76 size=4"));
        c.add(new Case("socket filter writes __sk_buff.mark", SOCK, asm().mov64Imm(2, 0).stxw(1, 2, 8).mov64Imm(0, 0).exit(), 1,
                "invalid bpf_context access off=8 size=4", "read-only"));
        c.add(new Case("tc writes __sk_buff.len", TC, asm().mov64Imm(2, 0).stxw(1, 2, 0).mov64Imm(0, 0).exit(), 1,
                "invalid bpf_context access off=0 size=4", "len is read-only"));
        c.add(new Case("BPF_ST into the context", TC, asm().st(0x00, 1, 8, 1).mov64Imm(0, 0).exit(), 0, "BPF_ST stores into R1 ctx is not allowed"));
        c.add(new Case("pointer stored into the context", TC, asm().stxw(1, 10, 8).mov64Imm(0, 0).exit(), 0, "R10 leaks addr into ctx"));
        c.add(new Case("raw tracepoint writes its args", RAW_TP, asm().mov64Imm(2, 0).stxdw(1, 2, 0).mov64Imm(0, 0).exit(), 1, "invalid bpf_context access off=0 size=8"));
        c.add(new Case("raw tracepoint reads past its args", RAW_TP, asm().ldxdw(0, 1, 96).exit(), 0, "invalid bpf_context access off=96 size=8"));
        c.add(new Case("variable ctx offset", RAW_TP, asm().ldxdw(2, 1, 0).raw(0x57, 2, 0, 0, 8).add64Reg(1, 2).ldxdw(0, 1, 0).exit(), 3,
                "variable ctx access"));
        c.add(new Case("atomic add into the context", TC, asm().mov64Imm(2, 1).atomic32(1, 2, 8, 0x00).mov64Imm(0, 0).exit(), 1,
                "BPF_ATOMIC stores into R1 ctx is not allowed"));
        // found by MutatedProgramTest: atomics must be naturally aligned, also at a variable offset
        c.add(new Case("misaligned atomic in a map value", RAW_TP, lookup(ARRAY8).jmpImm(0x15, 0, 0, 2).mov64Imm(1, 1)
                .atomic32(0, 1, 2, 0x00).mov64Imm(0, 0).exit(), 8, "misaligned access off (0; 0x0)+0+2 size 4"));
        c.add(new Case("misaligned atomic on the stack", RAW_TP, asm().stdw(10, -16, 0).mov64Imm(1, 1).atomic64(10, 1, -12, 0x00)
                .mov64Imm(0, 0).exit(), 2, "misaligned stack access"));
        c.add(new Case("atomic at a variable offset that may be misaligned", RAW_TP, lookup(ARRAY8).jmpImm(0x15, 0, 0, 5)
                .ldxdw(3, 0, 0).raw(0x57, 3, 0, 0, 2).add64Reg(0, 3).mov64Imm(1, 1).atomic32(0, 1, 0, 0x00).mov64Imm(0, 0).exit(), 11,
                "misaligned access off (0; 0x2)+0+0 size 4"));
        c.add(new Case("unsupported program type", ProgramType.SK_MSG, asm().mov64Imm(0, 0).exit(), -1, "program type sk_msg is not supported"));
        // ---- packets ----
        c.add(new Case("packet read without a bounds check", XDP, packet().ldxb(0, 2, 0).exit(), 2, "invalid access to packet, off=0 size=1"));
        c.add(new Case("packet read beyond the checked range", XDP,
                asm().mov64Imm(0, 0).ldxw(2, 1, 0).ldxw(3, 1, 4).mov64Reg(4, 2).add64Imm(4, 14).jmpReg(0x20, 4, 3, 1).ldxh(0, 2, 13).exit(), 6,
                "invalid access to packet, off=13 size=2, R2(id=0,off=0,r=14)"));
        c.add(new Case("packet read on the failing side of the check", XDP,
                asm().mov64Imm(0, 0).ldxw(2, 1, 0).ldxw(3, 1, 4).mov64Reg(4, 2).add64Imm(4, 14).jmpReg(0x20, 4, 3, 1).exit().ldxb(0, 2, 0).exit(), 7,
                "invalid access to packet, off=0 size=1"));
        c.add(new Case("packet end dereferenced", XDP, packet().ldxb(0, 3, 0).exit(), 2, "R3 invalid mem access 'pkt_end'"));
        c.add(new Case("packet pointer compared with a scalar", XDP, packet().mov64Imm(0, 0).jmpImm(0x25, 2, 5, 0).exit(), 3,
                "R2 pointer comparison prohibited"));
        c.add(new Case("32-bit comparison of a pointer", RAW_TP, asm().mov64Imm(0, 0).jmp32Imm(0x10, 1, 0, 0).exit(), 1,
                "R1 32-bit pointer comparison prohibited"));
        c.add(new Case("packet plus an unbounded offset", XDP, packet().ldxw(5, 1, 12).add64Reg(2, 5).mov64Imm(0, 0).exit(), 3,
                "math between pkt pointer and register with unbounded max value is not allowed"));
        c.add(new Case("packet pointer used after xdp_adjust_head moved the packet", XDP,
                asm().mov64Reg(6, 1).mov64Imm(0, 0).ldxw(2, 1, 0).ldxw(3, 1, 4).mov64Reg(4, 2).add64Imm(4, 14).jmpReg(0x20, 4, 3, 6)
                        .mov64Reg(7, 2).mov64Reg(1, 6).mov64Imm(2, 0).call(44).ldxb(0, 7, 0).mov64Imm(0, 0).exit(), 11,
                "R7 invalid mem access 'scalar'"));
        c.add(new Case("LD_ABS in XDP", XDP, asm().mov64Reg(6, 1).ldAbs(0x10, 0).exit(), 1, "BPF_LD_[ABS|IND] instructions not allowed"));
        c.add(new Case("LD_ABS without r6 = ctx", SOCK, asm().ldAbs(0x10, 0).exit(), 0, "R6 != pointer to skb"));
        c.add(new Case("LD_IND with an uninitialised index", SOCK, asm().mov64Reg(6, 1).ldInd(0x10, 3, 0).exit(), 1, "R3 !read_ok"));
        return c.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void refused(Case c) {
        VerifierException e = assertThrows(VerifierException.class,
                () -> Verifier.verify(c.name(), c.type(), c.code().build(), maps(), HelperTable.standard(),
                        Verifier.Options.defaults().withInsnLimit(20_000)),
                c.name() + " was accepted");
        for (String word : c.words()) {
            assertTrue(e.getMessage().contains(word), c.name() + ": message `" + e.getMessage() + "` lacks `" + word + "`");
        }
        if (c.insn() >= 0 || c.insn() == VerifierException.NO_INSTRUCTION) {
            assertEquals(c.insn(), e.instruction(), c.name() + ": " + e.getMessage());
        }
        assertTrue(!e.getMessage().contains("internal verifier error"), e.getMessage());
    }

    @Test void corpusIsLargeEnough() {
        assertTrue(corpus().count() >= 60, "corpus has " + corpus().count());
    }
}
