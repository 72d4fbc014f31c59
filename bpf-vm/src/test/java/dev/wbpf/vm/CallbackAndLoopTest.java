package dev.wbpf.vm;

import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import static dev.wbpf.vm.Asm.asm;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wbpf.core.object.MapType;
import dev.wbpf.core.prog.ProgramType;
import dev.wbpf.vm.helper.HelperIds;
import dev.wbpf.vm.helper.HelperTable;
import dev.wbpf.vm.map.VmMap;
import dev.wbpf.vm.verifier.Verifier;
import dev.wbpf.vm.verifier.VerifierException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** may_goto and bpf_for_each_map_elem. */
@ParameterizedClass(name = "{0}")
@EnumSource(Engine.class)
class CallbackAndLoopTest {
    private final Engine engine;

    CallbackAndLoopTest(Engine engine) {
        this.engine = engine;
    }

    private static byte[] le(long v, int size) {
        return java.util.Arrays.copyOf(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array(), size);
    }

    @Test void mayGotoJumpsOnceTheRunsLoopBudgetIsSpent() {
        // r0 = 0; loop: may_goto +2; r0 += 1; ja loop; exit
        Asm p = asm().mov64Imm(0, 0).raw(0xe5, 0, 0, 2, 0).add64Imm(0, 1).ja(-3).exit();
        ExecutionContext ctx = new ExecutionContext(0, Vm.quietEnvironment()).setBudget(40_000_000);
        Machine machine = engine.machineFor(Vm.program(p));
        assertEquals(ExecutionContext.MAY_GOTO_ITERATIONS, machine.execute(ctx));
        // the budget is per run
        assertEquals(ExecutionContext.MAY_GOTO_ITERATIONS, machine.execute(ctx));
    }

    @Test void mayGotoFallsThroughWhileBudgetRemains() {
        Asm p = asm().mov64Imm(0, 1).raw(0xe5, 0, 0, 1, 0).mov64Imm(0, 2).exit();
        assertEquals(2L, Vm.run(engine, p));
    }

    /**
     * r6 = ctx sum at fp-8; for_each(map, cb, &sum, 0); r0 = sum * 1000 + visited.
     * cb(map, key, value, ctx): *ctx += *(u64 *)value + *(u32 *)key; return *key == stopAt.
     */
    private static Asm sumProgram(int stopAt) {
        return asm()
                .stdw(10, -8, 0)
                .ldMap(1, 0)
                .lddwPseudo(2, 4, 9, 0)          // callback: slot 3 + 1 + 9
                .mov64Reg(3, 10).add64Imm(3, -8)
                .mov64Imm(4, 0)
                .call(HelperIds.FOR_EACH_MAP_ELEM)
                .ldxdw(1, 10, -8)
                .alu64Imm(0x20, 1, 1000)         // r1 *= 1000
                .add64Reg(0, 1)
                .exit()
                // callback
                .ldxdw(5, 3, 0)
                .ldxw(6, 2, 0)
                .add64Reg(5, 6)
                .ldxdw(7, 4, 0)
                .add64Reg(7, 5)
                .stxdw(4, 7, 0)
                .mov64Imm(0, 0)
                .jmpImm(0x50, 6, stopAt, 1)
                .mov64Imm(0, 1)
                .exit();
    }

    private static VmProgram verified(Asm asm, VmMap map) {
        return Verifier.prepareVerified("cb", ProgramType.SOCKET_FILTER, asm.build(), List.of(map), HelperTable.standard(),
                Verifier.Options.defaults());
    }

    @Test void forEachMapElemVisitsEveryArrayElementWithKeyAndValue() {
        VmMap array = HelperTest.map(MapType.ARRAY, 4, 8, 4);
        for (int i = 0; i < 4; i++) {
            array.update(le(i, 4), le(10L * (i + 1), 8), 0);
        }
        VmProgram program = verified(sumProgram(-1), array);
        // values 10+20+30+40, keys 0+1+2+3; four elements visited
        assertEquals(106 * 1000 + 4, engine.machineFor(program).execute(new ExecutionContext(0, Vm.quietEnvironment())));
    }

    @Test void forEachMapElemStopsWhenTheCallbackReturnsOne() {
        VmMap array = HelperTest.map(MapType.ARRAY, 4, 8, 4);
        VmProgram program = verified(sumProgram(1), array);
        // keys 0 and 1 visited, the second stops the walk
        assertEquals(1 * 1000 + 2, engine.machineFor(program).execute(new ExecutionContext(0, Vm.quietEnvironment())));
    }

    @Test void forEachMapElemOnAnEmptyHashVisitsNothingAndOnAFullOneEverything() {
        VmMap hash = HelperTest.map(MapType.HASH, 4, 8, 8);
        VmProgram program = verified(sumProgram(-1), hash);
        assertEquals(0L, engine.machineFor(program).execute(new ExecutionContext(0, Vm.quietEnvironment())));
        hash.update(le(7, 4), le(100, 8), 0);
        hash.update(le(9, 4), le(200, 8), 0);
        assertEquals(316 * 1000 + 2, engine.machineFor(program).execute(new ExecutionContext(0, Vm.quietEnvironment())));
    }

    @Test void theKeyIsReadOnlyAtRunTime() {
        VmMap array = HelperTest.map(MapType.ARRAY, 4, 8, 2);
        // callback writes its key
        Asm p = asm().ldMap(1, 0).lddwPseudo(2, 4, 5, 0).mov64Imm(3, 0).mov64Imm(4, 0)
                .call(HelperIds.FOR_EACH_MAP_ELEM).exit()
                .st(0x00, 2, 0, 5).mov64Imm(0, 0).exit();
        MemoryFault e = assertThrows(MemoryFault.class, () -> Vm.run(engine, p, array));
        assertTrue(e.getMessage().contains("key of map"), e.getMessage());
    }

    @Test void theVerifierChecksTheCallbacksValueAccessAgainstTheValueSize() {
        VmMap array = HelperTest.map(MapType.ARRAY, 4, 8, 2);
        Asm p = asm().ldMap(1, 0).lddwPseudo(2, 4, 5, 0).mov64Imm(3, 0).mov64Imm(4, 0)
                .call(HelperIds.FOR_EACH_MAP_ELEM).exit()
                .ldxdw(0, 3, 8).mov64Imm(0, 0).exit();
        VerifierException e = assertThrows(VerifierException.class, () -> verified(p, array));
        assertTrue(e.getMessage().contains("invalid access to map value"), e.getMessage());
    }

    @Test void forEachMapElemRefusesQueues() {
        VmMap queue = HelperTest.map(MapType.QUEUE, 0, 8, 2);
        Asm p = asm().ldMap(1, 0).lddwPseudo(2, 4, 5, 0).mov64Imm(3, 0).mov64Imm(4, 0)
                .call(HelperIds.FOR_EACH_MAP_ELEM).exit()
                .mov64Imm(0, 0).exit();
        VerifierException e = assertThrows(VerifierException.class, () -> verified(p, queue));
        assertTrue(e.getMessage().contains("cannot pass map_type"), e.getMessage());
    }

    /** bpf_snprintf from a verified program: the format in a read-only map, the output in a map value. */
    @Test void snprintfFromAProgram() {
        VmMap rodata = dev.wbpf.vm.map.VmMaps.create(new dev.wbpf.vm.map.MapDefinition("rodata", MapType.ARRAY, 4, 32, 1,
                VmProgram.BPF_F_RDONLY_PROG, null), 1);
        rodata.update(le(0, 4), java.util.Arrays.copyOf("pid=%d len=%lu %s".getBytes(), 32), 0);
        VmMap out = HelperTest.map(MapType.ARRAY, 4, 16, 1);
        Asm p = asm()
                .stdw(10, -24, 4242)
                .stdw(10, -16, -1)
                .lddwPseudo(6, 2, 0, 20)             // %s argument: offset 20 of rodata, past the format (an empty string)
                .stxdw(10, 6, -8)
                .lddwPseudo(1, 2, 1, 0)              // out value
                .mov64Imm(2, 16)
                .lddwPseudo(3, 2, 0, 0)              // format
                .mov64Reg(4, 10).add64Imm(4, -24)
                .mov64Imm(5, 24)
                .call(HelperIds.SNPRINTF)
                .exit();
        VmProgram program = Verifier.prepareVerified("snprintf", ProgramType.SOCKET_FILTER, p.build(), List.of(rodata, out),
                HelperTable.standard(), Verifier.Options.defaults());
        long r0 = engine.machineFor(program).execute(new ExecutionContext(0, Vm.quietEnvironment()));
        String full = "pid=4242 len=18446744073709551615 ";
        assertEquals(full.length() + 1, r0);                     // the whole length plus NUL, though cut
        assertEquals(full.substring(0, 15) + "\0", new String(out.lookup(le(0, 4)), java.nio.charset.StandardCharsets.ISO_8859_1));
    }
}
