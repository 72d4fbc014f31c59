package dev.wbpf.vm;

import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import static dev.wbpf.vm.Asm.asm;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.wbpf.vm.memory.RegionKind;
import org.junit.jupiter.api.Test;

/** Every bad access ends the run with a VmException whose message names the instruction and the access. */
@ParameterizedClass(name = "{0}")
@EnumSource(Engine.class)
class MemorySafetyTest {
    private final Engine engine;

    MemorySafetyTest(Engine engine) {
        this.engine = engine;
    }

    private VmException faultWithContext(Asm asm, byte[] context, boolean writable) {
        ExecutionContext ctx = new ExecutionContext(0, Vm.quietEnvironment());
        ctx.setArgument(1, ctx.addMemory(RegionKind.CONTEXT, "ctx", context, 0, context.length, writable));
        Machine machine = engine.machineFor(Vm.program(asm));
        return assertThrows(VmException.class, () -> machine.execute(ctx));
    }

    @Test void writePastTheEndOfTheContext() {
        VmException e = faultWithContext(asm().mov64Imm(2, 1).stxdw(1, 2, 72).exit(), new byte[24], true);
        assertEquals("insn 1: write of 8 bytes at ctx+72 out of bounds (ctx is 24 bytes)", e.getMessage());
        assertEquals(1, e.instruction());
    }

    @Test void readStraddlingTheEnd() {
        VmException e = faultWithContext(asm().ldxdw(0, 1, 20).exit(), new byte[24], true);
        assertEquals("insn 0: read of 8 bytes at ctx+20 out of bounds (ctx is 24 bytes)", e.getMessage());
    }

    @Test void negativeOffset() {
        VmException e = faultWithContext(asm().ldxb(0, 1, -1).exit(), new byte[24], true);
        assertEquals(MemoryFault.class, e.getClass());
    }

    @Test void writeToReadOnlyContext() {
        VmException e = faultWithContext(asm().st(0x10, 1, 0, 1).exit(), new byte[4], false);
        assertEquals("insn 0: write of 1 byte at ctx+0: ctx is read-only", e.getMessage());
    }

    @Test void nullDereference() {
        VmException e = assertThrows(MemoryFault.class, () -> Vm.run(engine, asm().mov64Imm(1, 0).ldxw(0, 1, 0).exit()));
        assertEquals("insn 1: read of 4 bytes through a null pointer", e.getMessage());
    }

    @Test void scalarDereference() {
        VmException e = assertThrows(MemoryFault.class, () -> Vm.run(engine, asm().mov64Imm(1, 0x1234).ldxw(0, 1, 0).exit()));
        assertEquals("insn 1: read of 4 bytes at 0x1234, which is not a pointer into any memory region", e.getMessage());
    }

    @Test void stackUnderflowAndOverflowOfTheFrame() {
        VmException below = assertThrows(MemoryFault.class, () -> Vm.run(engine, asm().ldxdw(0, 10, -520).exit()));
        assertEquals("insn 0: read of 8 bytes at stack of frame 0 at fp-520 out of bounds (stack of frame 0 is 512 bytes)", below.getMessage());
        VmException above = assertThrows(MemoryFault.class, () -> Vm.run(engine, asm().stdw(10, 0, 1).exit()));
        assertEquals("insn 0: write of 8 bytes at stack of frame 0 at fp+0 out of bounds (stack of frame 0 is 512 bytes)", above.getMessage());
    }

    @Test void aCalleeCannotReachIntoTheNextFrameByPointerArithmetic() {
        // frame 0's stack is followed by frame 1's in the backing array; the region still ends at fp
        VmException e = assertThrows(MemoryFault.class, () -> Vm.run(engine, asm().mov64Reg(1, 10).add64Imm(1, 8).ldxdw(0, 1, -8).exit()));
        assertEquals(MemoryFault.class, e.getClass());
    }

    /**
     * Arithmetic on the high half can forge a pointer to another live region (the verifier is what
     * forbids that); the run-time guarantee is only that it never leaves the regions.
     */
    @Test void forgedRegionIdsReachOnlyLiveRegions() {
        assertEquals(0L, Vm.run(engine, asm().mov64Reg(1, 10).lddw(2, 1L << 32).add64Reg(1, 2).ldxb(0, 1, -1).exit()));
        VmException e = assertThrows(MemoryFault.class, () -> Vm.run(engine, asm().mov64Reg(1, 10).lddw(2, 1L << 40).add64Reg(1, 2).ldxb(0, 1, -1).exit()));
        assertEquals(MemoryFault.class, e.getClass());
    }

    @Test void mapHandleIsNotMemory() {
        var map = dev.wbpf.vm.map.VmMaps.create(dev.wbpf.vm.map.MapDefinition.of("m", dev.wbpf.core.object.MapType.ARRAY, 4, 8, 1), 1);
        VmException e = assertThrows(MemoryFault.class, () -> Vm.run(engine, asm().ldMap(1, 0).ldxdw(0, 1, 0).exit(), map));
        assertEquals("insn 2: read of 8 bytes through a map handle, which is not memory the program may touch", e.getMessage());
    }

    @Test void fallingOffTheEnd() {
        VmException e = assertThrows(InvalidProgramException.class, () -> Vm.run(engine, asm().mov64Imm(0, 1)));
        assertEquals("insn 1: execution fell through past the last instruction", e.getMessage());
    }

    @Test void unknownHelper() {
        VmException e = assertThrows(HelperFault.class, () -> Vm.run(engine, asm().call(9999).exit()));
        assertEquals("insn 0: unknown helper #9999 (the VM implements no helper with this number)", e.getMessage());
    }

    @Test void budgetStopsAnInfiniteLoop() {
        ExecutionContext ctx = new ExecutionContext(0, Vm.quietEnvironment()).setBudget(10_000);
        Machine machine = engine.machineFor(Vm.program(asm().mov64Imm(0, 0).ja(-1).exit()));
        VmException e = assertThrows(BudgetExhausted.class, () -> machine.execute(ctx));
        assertEquals("insn 1: instruction budget of 10000 exhausted", e.getMessage());
    }

    @Test void budgetCountsEveryInstructionExactly() {
        ExecutionContext ctx = new ExecutionContext(0, Vm.quietEnvironment()).setBudget(3);
        Machine machine = engine.machineFor(Vm.program(asm().mov64Imm(0, 1).add64Imm(0, 1).exit()));
        assertEquals(2L, machine.execute(ctx));
        ctx.setBudget(2);
        assertThrows(BudgetExhausted.class, () -> machine.execute(ctx));
    }

    @Test void stackDoesNotLeakBetweenRuns() {
        ExecutionContext ctx = new ExecutionContext(0, Vm.quietEnvironment());
        engine.machineFor(Vm.program(asm().stdw(10, -8, 0x5ec7e7).exit())).execute(ctx);
        assertEquals(0L, engine.machineFor(Vm.program(asm().ldxdw(0, 10, -8).exit())).execute(ctx));
    }

    @Test void invalidEncodingsAreRefusedBeforeRunning() {
        assertThrows(InvalidProgramException.class, () -> Vm.program(asm().raw(0xff, 0, 0, 0, 0).exit()));
        assertThrows(InvalidProgramException.class, () -> Vm.program(asm().ja(5).exit()));
        assertThrows(InvalidProgramException.class, () -> Vm.program(asm().mov64Imm(11, 0).exit()));
    }
}
