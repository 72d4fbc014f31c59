package dev.wbpf.vm;

import static dev.wbpf.vm.Asm.asm;
import static dev.wbpf.vm.kernel.VmKernelTypes.TASK_PID;
import static dev.wbpf.vm.kernel.VmKernelTypes.TASK_REAL_PARENT;
import static dev.wbpf.vm.kernel.VmKernelTypes.TASK_SIZE;
import static dev.wbpf.vm.kernel.VmKernelTypes.TASK_TGID;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wbpf.core.insn.Instructions;
import dev.wbpf.core.prog.ProgramType;
import dev.wbpf.vm.helper.HelperIds;
import dev.wbpf.vm.helper.HelperTable;
import dev.wbpf.vm.verifier.Verifier;
import dev.wbpf.vm.verifier.VerifierException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * bpf_get_current_task_btf: a pointer the verifier types as the VM's task_struct, read with plain
 * loads checked against the VM's kernel types, walking real_parent up to the idle task.
 */
class KernelObjectTest {
    private static long verifyAndRun(Asm asm) {
        Instructions code = asm.build();
        Verifier.verify("task", ProgramType.RAW_TRACEPOINT, code, List.of(), HelperTable.standard(),
                Verifier.Options.defaults().withContextSize(8));
        VmProgram program = VmProgram.prepare("task", ProgramType.RAW_TRACEPOINT, code, List.of(), HelperTable.standard());
        ExecutionContext ctx = new ExecutionContext(0, Vm.quietEnvironment());
        ctx.setArgument(1, ctx.addMemory("args", new byte[8], false));
        return new Interpreter(program).execute(ctx);
    }

    private static String refusal(Asm asm) {
        return assertThrows(VerifierException.class, () -> Verifier.verify("task", ProgramType.RAW_TRACEPOINT, asm.build(),
                List.of(), HelperTable.standard(), Verifier.Options.defaults().withContextSize(8))).getMessage();
    }

    private static Asm currentTask() {
        return asm().call(HelperIds.GET_CURRENT_TASK_BTF);
    }

    @Test void loadsReadTheCurrentTask() {
        assertEquals(ProcessHandle.current().pid(), verifyAndRun(currentTask().ldxw(0, 0, TASK_TGID).exit()));
        assertEquals(Thread.currentThread().threadId() & 0xffff_ffffL, verifyAndRun(currentTask().ldxw(0, 0, TASK_PID).exit()));
    }

    @Test void realParentIsAPointerToATask() {
        long ppid = verifyAndRun(currentTask().ldxdw(1, 0, TASK_REAL_PARENT).ldxw(0, 1, TASK_TGID).exit());
        assertEquals(ProcessHandle.current().parent().orElseThrow().pid(), ppid);
    }

    @Test void theGraphEndsAtTheIdleTaskWhichIsItsOwnParent() {
        Asm walk = currentTask();
        for (int i = 0; i < 5; i++) {
            walk.ldxdw(0, 0, TASK_REAL_PARENT);
        }
        assertEquals(0L, verifyAndRun(walk.ldxw(0, 0, TASK_PID).exit()), "pid 0, no fault however far the walk goes");
    }

    /** Every load size at every offset around the struct, directly and through real_parent: accepted ones never fault. */
    @Test void everyAcceptedLoadRunsWithoutFault() {
        int accepted = 0;
        for (int viaParent = 0; viaParent < 2; viaParent++) {
            for (int size : new int[] {0x10, 0x08, 0x00, 0x18}) { // b, h, w, dw
                for (int off = -8; off < TASK_SIZE + 8; off++) {
                    Asm load = currentTask();
                    if (viaParent == 1) {
                        load.ldxdw(0, 0, TASK_REAL_PARENT);
                    }
                    load.ldx(size, 0, 0, off).exit();
                    try {
                        Verifier.verify("task", ProgramType.RAW_TRACEPOINT, load.build(), List.of(), HelperTable.standard(),
                                Verifier.Options.defaults().withContextSize(8));
                    } catch (VerifierException refused) {
                        continue;
                    }
                    accepted++;
                    verifyAndRun(load); // a MemoryFault would fail the test
                }
            }
        }
        assertTrue(accepted > 50, "accepted loads: " + accepted);
    }

    @Test void writesOutOfBoundsAndPartialPointerLoadsAreRefused() {
        assertTrue(refusal(currentTask().st(0x00, 0, TASK_PID, 1).mov64Imm(0, 0).exit())
                .contains("R0 is ptr_task_struct: only read is supported"));
        assertTrue(refusal(currentTask().ldxw(0, 0, TASK_SIZE).exit()).contains("access beyond struct task_struct at off 56 size 4"));
        assertTrue(refusal(currentTask().ldxw(0, 0, TASK_REAL_PARENT).exit())
                .contains("cannot access ptr member real_parent with moff 16 in struct task_struct with off 16 size 4"));
        assertTrue(refusal(currentTask().ldxw(0, 0, -4).exit()).contains("R0 is ptr_task_struct invalid negative access: off=-4"));
    }

    @Test void onlyTracingProgramsGetIt() {
        String e = assertThrows(VerifierException.class, () -> Verifier.verify("task", ProgramType.XDP,
                currentTask().mov64Imm(0, 0).exit().build(), List.of(), HelperTable.standard())).getMessage();
        assertTrue(e.contains("bpf_get_current_task_btf#158 (not available to"), e);
    }
}
