package dev.wbpf.vm;

import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import static dev.wbpf.vm.Asm.asm;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wbpf.core.object.MapType;
import dev.wbpf.core.prog.ProgramType;
import dev.wbpf.vm.helper.HelperIds;
import dev.wbpf.vm.helper.HelperTable;
import dev.wbpf.vm.map.MapDefinition;
import dev.wbpf.vm.map.ProgArrayMap;
import dev.wbpf.vm.map.QueueStackMap;
import dev.wbpf.vm.map.RingBufferMap;
import dev.wbpf.vm.map.VmMap;
import dev.wbpf.vm.map.VmMaps;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Helpers driven from BPF programs, the way clang-compiled code calls them. */
@ParameterizedClass(name = "{0}")
@EnumSource(Engine.class)
class HelperTest {
    private final Engine engine;

    HelperTest(Engine engine) {
        this.engine = engine;
    }

    static VmMap map(MapType type, int key, int value, int max) {
        return VmMaps.create(MapDefinition.of("m", type, key, value, max), 2);
    }

    /** key 0 at fp-4; r1 = map, r2 = &key. */
    static Asm lookupKey0(Asm p) {
        return p.st(0x00, 10, -4, 0).ldMap(1, 0).mov64Reg(2, 10).add64Imm(2, -4).call(HelperIds.MAP_LOOKUP_ELEM);
    }

    @Test void lookupGivesAPointerIntoTheMapsOwnValue() {
        VmMap array = map(MapType.ARRAY, 4, 8, 1);
        // *lookup(0) += 5 (atomically), twice across two runs; then return the value
        Asm p = lookupKey0(asm()).jmpImm(0x10, 0, 0, 3).mov64Imm(1, 5).atomic64(0, 1, 0, 0x00).ldxdw(0, 0, 0).exit();
        Vm.run(engine, p, array);
        assertEquals(10L, Vm.run(engine, p, array));
        assertEquals(10, array.lookup(new byte[4])[0]);
    }

    @Test void lookupMissReturnsNullAndDereferencingItFaults() {
        VmMap hash = map(MapType.HASH, 4, 8, 4);
        MemoryFault e = assertThrows(MemoryFault.class, () -> Vm.run(engine, lookupKey0(asm()).ldxdw(0, 0, 0).exit(), hash));
        assertTrue(e.getMessage().contains("null pointer"), e.getMessage());
    }

    @Test void valueRegionIsBoundedByTheValueSize() {
        VmMap array = map(MapType.ARRAY, 4, 12, 4);
        MemoryFault e = assertThrows(MemoryFault.class, () -> Vm.run(engine, lookupKey0(asm()).ldxdw(0, 0, 8).exit(), array));
        assertEquals("insn 6: read of 8 bytes at value of map `m`+8 out of bounds (value of map `m` is 12 bytes)", e.getMessage());
    }

    @Test void updateAndDeleteReturnNegativeErrno() {
        VmMap hash = map(MapType.HASH, 4, 8, 1);
        // update(key 0, value at fp-16, NOEXIST) twice: 0 then -EEXIST
        Asm update = asm().st(0x00, 10, -4, 0).stdw(10, -16, 77).ldMap(1, 0).mov64Reg(2, 10).add64Imm(2, -4)
                .mov64Reg(3, 10).add64Imm(3, -16).mov64Imm(4, 1).call(HelperIds.MAP_UPDATE_ELEM).exit();
        assertEquals(0L, Vm.run(engine, update, hash));
        assertEquals(-17L, Vm.run(engine, update, hash));
        Asm delete = asm().st(0x00, 10, -4, 0).ldMap(1, 0).mov64Reg(2, 10).add64Imm(2, -4).call(HelperIds.MAP_DELETE_ELEM).exit();
        assertEquals(0L, Vm.run(engine, delete, hash));
        assertEquals(-2L, Vm.run(engine, delete, hash));
    }

    @Test void pushPopPeek() {
        QueueStackMap queue = (QueueStackMap) map(MapType.QUEUE, 0, 8, 4);
        Asm push = asm().stdw(10, -8, 123).ldMap(1, 0).mov64Reg(2, 10).add64Imm(2, -8).mov64Imm(3, 0).call(HelperIds.MAP_PUSH_ELEM).exit();
        assertEquals(0L, Vm.run(engine, push, queue));
        Asm pop = asm().ldMap(1, 0).mov64Reg(2, 10).add64Imm(2, -8).call(HelperIds.MAP_POP_ELEM)
                .jmpImm(0x50, 0, 0, 1).ldxdw(0, 10, -8).exit();
        assertEquals(123L, Vm.run(engine, pop, queue));
        assertEquals(-2L, Vm.run(engine, pop, queue));
    }

    @Test void ringBufferReserveWriteSubmit() {
        RingBufferMap ring = (RingBufferMap) VmMaps.create(MapDefinition.of("events", MapType.RINGBUF, 0, 0, 4096), 1);
        Asm p = asm().ldMap(1, 0).mov64Imm(2, 16).mov64Imm(3, 0).call(HelperIds.RINGBUF_RESERVE)
                .jmpImm(0x10, 0, 0, 5)                     // null: exit
                .stdw(0, 0, 0x1234).stdw(0, 8, 0x5678)
                .mov64Reg(1, 0).mov64Imm(2, 0).call(HelperIds.RINGBUF_SUBMIT)
                .exit();
        Vm.run(engine, p, ring);
        List<byte[]> records = new ArrayList<>();
        assertEquals(1, ring.consume(records::add));
        assertEquals(0x34, records.getFirst()[0]);
        assertEquals(0x78, records.getFirst()[8]);
    }

    @Test void ringBufferRecordIsGoneAfterSubmit() {
        RingBufferMap ring = (RingBufferMap) VmMaps.create(MapDefinition.of("events", MapType.RINGBUF, 0, 0, 4096), 1);
        Asm p = asm().ldMap(1, 0).mov64Imm(2, 8).mov64Imm(3, 0).call(HelperIds.RINGBUF_RESERVE)
                .mov64Reg(6, 0).mov64Reg(1, 0).mov64Imm(2, 0).call(HelperIds.RINGBUF_SUBMIT)
                .stdw(6, 0, 1).exit();
        MemoryFault e = assertThrows(MemoryFault.class, () -> Vm.run(engine, p, ring));
        assertTrue(e.getMessage().contains("after the region was released"), e.getMessage());
        HelperFault twice = assertThrows(HelperFault.class, () -> Vm.run(engine, asm().ldMap(1, 0).mov64Imm(2, 8).mov64Imm(3, 0)
                .call(HelperIds.RINGBUF_RESERVE).mov64Reg(6, 0).mov64Reg(1, 0).mov64Imm(2, 0).call(HelperIds.RINGBUF_DISCARD)
                .mov64Reg(1, 6).mov64Imm(2, 0).call(HelperIds.RINGBUF_SUBMIT).exit(), ring));
        assertTrue(twice.getMessage().contains("not a reserved, unreleased ring buffer record"), twice.getMessage());
    }

    @Test void loopCallsTheCallbackUntilItReturnsOne() {
        // bpf_loop(10, cb, &counter on stack, 0); cb adds 1 to *ctx, stops when index == 6
        Asm p = asm()
                .stdw(10, -8, 0)                 // 0
                .mov64Imm(1, 10)                 // 1
                .lddwPseudo(2, 4, 8, 0)          // 2-3: cb at 2+1+8 = 11
                .mov64Reg(3, 10)                 // 4
                .add64Imm(3, -8)                 // 5
                .mov64Imm(4, 0)                  // 6
                .call(HelperIds.LOOP)            // 7
                .ldxdw(1, 10, -8)                // 8
                .alu64Imm(0x20, 0, 100).add64Reg(0, 1) // 9,10: r0 = calls*100 + counter
                .exit()                          // 11?
                ;
        // fix-up: the callback starts after the exit above
        int callback = p.size();
        assertEquals(12, callback);
        p.mov64Imm(0, 1).atomic64(2, 0, 0, 0x00)   // *ctx += 1
                .mov64Imm(0, 0).jmpImm(0x50, 1, 6, 1).mov64Imm(0, 1).exit();
        assertEquals(7L * 100 + 7, Vm.run(engine, fixCallback(p, 2, callback)));
    }

    /** Rewrites the LDDW at {@code slot} to point at {@code target}. */
    private static Asm fixCallback(Asm p, int slot, int target) {
        var list = new ArrayList<>(p.build().asList());
        var old = list.get(slot);
        list.set(slot, dev.wbpf.core.insn.Instruction.of(old.opcode(), old.dst(), old.src(), 0, target - slot - 1));
        Asm fixed = asm();
        for (var insn : list) {
            fixed.raw(insn.opcode(), insn.dst(), insn.src(), insn.offset(), insn.imm());
        }
        return fixed;
    }

    @Test void tailCallReplacesTheProgramAndStopsAfter33() {
        ProgArrayMap jumps = (ProgArrayMap) VmMaps.create(MapDefinition.of("jumps", MapType.PROG_ARRAY, 4, 4, 2), 1);
        VmMap counter = map(MapType.ARRAY, 4, 8, 1);
        // counter += 1; tail_call(ctx, jumps, 0) into itself; once the limit stops it, return the counter
        // After the failing tail call r0 still holds the lookup pointer; return the counter instead.
        Asm program = lookupKey0(asm()).mov64Reg(6, 0).mov64Imm(1, 1).atomic64(6, 1, 0, 0x00)
                .ldMap(2, 1).mov64Imm(3, 0).call(HelperIds.TAIL_CALL)
                .ldxdw(0, 6, 0).exit();
        VmProgram prog = VmProgram.prepare("self", ProgramType.XDP, program.build(), List.of(counter, jumps), HelperTable.standard());
        jumps.set(0, prog);
        long r0 = engine.machineFor(prog).execute(new ExecutionContext(0, Vm.quietEnvironment()));
        assertEquals(34L, r0, "the first run plus 33 tail calls");
    }

    @Test void tailCallToAnEmptySlotFallsThrough() {
        ProgArrayMap jumps = (ProgArrayMap) VmMaps.create(MapDefinition.of("jumps", MapType.PROG_ARRAY, 4, 4, 2), 1);
        assertEquals(7L, Vm.run(engine, asm().mov64Imm(0, 7).ldMap(2, 0).mov64Imm(3, 1).call(HelperIds.TAIL_CALL).exit(), jumps));
    }

    @Test void timeIdentityAndRandom() {
        HostEnvironment env = Vm.quietEnvironment().withClock(() -> 123_456_789L);
        ExecutionContext ctx = new ExecutionContext(3, env);
        assertEquals(123_456_789L, engine.machineFor(Vm.program(asm().call(HelperIds.KTIME_GET_NS).exit())).execute(ctx));
        assertEquals(123_456_789L, engine.machineFor(Vm.program(asm().call(HelperIds.KTIME_GET_BOOT_NS).exit())).execute(ctx));
        assertEquals(120_000_000L, engine.machineFor(Vm.program(asm().call(HelperIds.KTIME_GET_COARSE_NS).exit())).execute(ctx));
        assertEquals(3L, engine.machineFor(Vm.program(asm().call(HelperIds.GET_SMP_PROCESSOR_ID).exit())).execute(ctx));
        long pidTgid = engine.machineFor(Vm.program(asm().call(HelperIds.GET_CURRENT_PID_TGID).exit())).execute(ctx);
        assertEquals(ProcessHandle.current().pid(), pidTgid >>> 32);
        long random = engine.machineFor(Vm.program(asm().call(HelperIds.GET_PRANDOM_U32).exit())).execute(ctx);
        assertEquals(0, random >>> 32);
    }

    @Test void currentCommAndTracePrintk() {
        List<String> lines = new ArrayList<>();
        HostEnvironment env = Vm.quietEnvironment().withTraceLog(lines::add);
        ExecutionContext ctx = new ExecutionContext(0, env);
        // comm into fp-16 (16 bytes), then trace_printk("%s %d\n", comm, -5)
        byte[] fmt = "%s %d\n\0".getBytes();
        long fmtPointer = ctx.addMemory("fmt", fmt, false);
        ctx.setArgument(1, fmtPointer);
        Asm p = asm().mov64Reg(6, 1)
                .mov64Reg(1, 10).add64Imm(1, -16).mov64Imm(2, 16).call(HelperIds.GET_CURRENT_COMM)
                .mov64Reg(1, 6).mov64Imm(2, fmt.length).mov64Reg(3, 10).add64Imm(3, -16).mov64Imm(4, -5)
                .call(HelperIds.TRACE_PRINTK).exit();
        long written = engine.machineFor(Vm.program(p)).execute(ctx);
        assertEquals(List.of("java -5"), lines);
        assertEquals("java -5\n".length(), written);
    }

    @Test void probeReadReportsEfaultForUnreadableSources() {
        byte[] mem = {1, 2, 3, 4};
        Asm ok = asm().mov64Reg(3, 1).mov64Reg(1, 10).add64Imm(1, -8).mov64Imm(2, 4).call(HelperIds.PROBE_READ_KERNEL)
                .ldxw(0, 10, -8).exit();
        assertEquals(0x0403_0201L, Vm.runWithMemory(ok, mem));
        Asm bad = asm().mov64Imm(3, 0x1000).mov64Reg(1, 10).add64Imm(1, -8).mov64Imm(2, 4).call(HelperIds.PROBE_READ_USER).exit();
        assertEquals(-14L, Vm.runWithMemory(bad, mem));
    }

    @Test void strncmpAndCsumDiff() {
        byte[] mem = "abc\0abd\0".getBytes();
        assertEquals(-1L, Vm.runWithMemory(asm().mov64Reg(3, 1).add64Imm(3, 4).mov64Imm(2, 4).call(HelperIds.STRNCMP).exit(), mem));
        assertEquals(0L, Vm.runWithMemory(asm().mov64Reg(3, 1).add64Imm(3, 4).mov64Imm(2, 2).call(HelperIds.STRNCMP).exit(), mem));
        // csum_diff(NULL, 0, mem, 8, 0): the 32-bit one's complement sum of two words
        long sum = Vm.runWithMemory(asm().mov64Reg(3, 1).mov64Imm(1, 0).mov64Imm(2, 0).mov64Imm(4, 8).mov64Imm(5, 0)
                .call(HelperIds.CSUM_DIFF).exit(), mem);
        long expected = (0x00636261L + 0x00646261L);
        assertEquals(expected, sum);
    }

    @Test void unknownHelperNumberInTheTable() {
        assertThrows(HelperFault.class, () -> Vm.run(engine, asm().call(170 /* bpf_sys_bpf: not offered */).exit()));
    }
}
