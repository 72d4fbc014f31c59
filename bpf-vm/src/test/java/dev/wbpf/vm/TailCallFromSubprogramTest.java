package dev.wbpf.vm;

import static dev.wbpf.vm.Asm.asm;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wbpf.core.insn.Instructions;
import dev.wbpf.core.object.MapType;
import dev.wbpf.core.prog.ProgramType;
import dev.wbpf.vm.helper.HelperIds;
import dev.wbpf.vm.helper.HelperTable;
import dev.wbpf.vm.map.MapDefinition;
import dev.wbpf.vm.map.ProgArrayMap;
import dev.wbpf.vm.map.VmMap;
import dev.wbpf.vm.map.VmMaps;
import dev.wbpf.vm.verifier.Verifier;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * bpf_tail_call made inside a bpf-to-bpf subprogram, as the kernel (x86-64 JIT) runs it: the target
 * replaces the subprogram and returns to the subprogram's caller, whose registers r6..r9 and stack
 * are intact; the run's count of 33 tail calls goes on. Each program is verified, then run.
 */
class TailCallFromSubprogramTest {
    private static final int JNE = 0x50, ADD = 0x00;

    private static ProgArrayMap progArray() {
        return (ProgArrayMap) VmMaps.create(MapDefinition.of("jumps", MapType.PROG_ARRAY, 4, 4, 2), 1);
    }

    /** Verified as a raw tracepoint program (the verifier must accept it), then prepared. */
    private static VmProgram verified(String name, Asm asm, VmMap... maps) {
        Instructions code = asm.build();
        Verifier.verify(name, ProgramType.RAW_TRACEPOINT, code, List.of(maps), HelperTable.standard(),
                Verifier.Options.defaults().withContextSize(16));
        return VmProgram.prepare(name, ProgramType.RAW_TRACEPOINT, code, List.of(maps), HelperTable.standard());
    }

    private static long run(VmProgram program) {
        ExecutionContext ctx = new ExecutionContext(0, Vm.quietEnvironment());
        ctx.setArgument(1, ctx.addMemory("args", new byte[16], false));
        return new Interpreter(program).execute(ctx);
    }

    /** sub: tail_call(ctx, jumps, 0); return 1 — jumps is map 0 unless told. */
    private static Asm tailCallingSubprogram(Asm main, int jumpsMap) {
        return main.ldMap(2, jumpsMap).mov64Imm(3, 0).call(HelperIds.TAIL_CALL).mov64Imm(0, 1).exit();
    }

    @Test void theTargetReturnsToTheSubprogramsCallerWithItsRegisters() {
        ProgArrayMap jumps = progArray();
        // main: r6 = 100; r0 = sub(); return r0 + r6
        Asm main = tailCallingSubprogram(asm().mov64Imm(6, 100).callLocal(2).add64Reg(0, 6).exit(), 0);
        VmProgram program = verified("main", main, jumps);
        assertEquals(101L, run(program), "empty slot: the subprogram goes on and returns 1");
        jumps.set(0, verified("target", asm().mov64Imm(6, 7).mov64Imm(0, 42).exit(), jumps));
        assertEquals(142L, run(program), "the target's 42 comes back to main, whose r6 is still 100");
    }

    @Test void theCallersStackSurvivesTheTargetsUseOfItsOwn() {
        ProgArrayMap jumps = progArray();
        // main: *(u64 *)(fp-8) = 7; r0 = sub(); return r0 + *(u64 *)(fp-8)
        Asm main = asm().st(0x18, 10, -8, 7).callLocal(3).ldxdw(1, 10, -8).add64Reg(0, 1).exit();
        // sub: *(u64 *)(fp-8) = 5; tail_call; return 1
        tailCallingSubprogram(main.st(0x18, 10, -8, 5), 0);
        jumps.set(0, verified("target", asm().st(0x18, 10, -8, 99).ldxdw(0, 10, -8).exit(), jumps));
        assertEquals(106L, run(verified("main", main, jumps)));
    }

    @Test void tailCallsFromSubprogramsCountTowardsTheLimitOf33() {
        VmMap counter = VmMaps.create(MapDefinition.of("counter", MapType.ARRAY, 4, 8, 1), 1);
        ProgArrayMap jumps = progArray();
        // target: v = lookup(counter, 0); *v += 1; tail_call(ctx, jumps, 0) into itself; return *v
        Asm target = asm().mov64Reg(7, 1).st(0x00, 10, -4, 0).ldMap(1, 0).mov64Reg(2, 10).add64Imm(2, -4)
                .call(HelperIds.MAP_LOOKUP_ELEM).jmpImm(JNE, 0, 0, 2).mov64Imm(0, 0).exit()
                .mov64Reg(6, 0).mov64Imm(1, 1).atomic64(6, 1, 0, ADD)
                .mov64Reg(1, 7).ldMap(2, 1).mov64Imm(3, 0).call(HelperIds.TAIL_CALL).ldxdw(0, 6, 0).exit();
        jumps.set(0, verified("target", target, counter, jumps));
        // main: return sub(), the sub tail-calling the target
        Asm main = tailCallingSubprogram(asm().callLocal(1).exit(), 1);
        assertEquals(33L, run(verified("main", main, counter, jumps)), "one tail call from the subprogram, 32 in place");
    }

    @Test void callerStackUnder256BytesIsAccepted() {
        ProgArrayMap jumps = progArray();
        // main uses 240 bytes of stack below the tail-calling subprogram: under the kernel's 256
        Asm main = tailCallingSubprogram(asm().st(0x18, 10, -240, 1).callLocal(1).exit(), 0);
        jumps.set(0, verified("target", asm().mov64Imm(0, 3).exit(), jumps));
        assertEquals(3L, run(verified("main", main, jumps)));
    }

    /**
     * A VM limit, not the kernel's: a program tail-called from a subprogram runs in that
     * subprogram's frame, so its own calls go deeper, and the VM has 8 frames for the whole chain
     * (the kernel bounds the chain's stack bytes instead). A program that tail-calls itself from a
     * subprogram returns 1 on the kernel after 33 tail calls; in the VM the run ends at 8 frames.
     */
    @Test void aChainOfTailCallsFromSubprogramsDeeperThanTheVmsFramesEndsTheRunWithAClearError() {
        ProgArrayMap jumps = progArray();
        VmProgram self = verified("self", tailCallingSubprogram(asm().callLocal(1).exit(), 0), jumps);
        jumps.set(0, self);
        CallDepthExceeded e = org.junit.jupiter.api.Assertions.assertThrows(CallDepthExceeded.class, () -> run(self));
        assertTrue(e.getMessage().contains("call depth exceeds 8 frames"), e.getMessage());
    }

    @Test void aTailCallInsideACallbackIsRefused() {
        // main spills ctx and hands bpf_loop a pointer to it; the callback reloads ctx and tail-calls
        Asm program = asm().stxdw(10, 1, -8).mov64Reg(3, 10).add64Imm(3, -8).mov64Imm(1, 4).lddwPseudo(2, 4, 5, 0)
                .mov64Imm(4, 0).call(HelperIds.LOOP).mov64Imm(0, 0).exit()
                .ldxdw(1, 2, 0).ldMap(2, 0).mov64Imm(3, 0).call(HelperIds.TAIL_CALL).mov64Imm(0, 0).exit();
        var e = org.junit.jupiter.api.Assertions.assertThrows(dev.wbpf.vm.verifier.VerifierException.class,
                () -> verified("loop", program, progArray()));
        assertTrue(e.getMessage().startsWith("insn 14: tail_call from a callback"), e.getMessage());
    }
}
