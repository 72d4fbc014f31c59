package dev.wbpf.vm;

import static dev.wbpf.vm.Asm.asm;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wbpf.core.insn.Instructions;
import dev.wbpf.core.object.MapType;
import dev.wbpf.core.prog.ProgramType;
import dev.wbpf.vm.helper.HelperIds;
import dev.wbpf.vm.helper.HelperTable;
import dev.wbpf.vm.map.MapDefinition;
import dev.wbpf.vm.map.MapException;
import dev.wbpf.vm.map.VmMap;
import dev.wbpf.vm.map.VmMaps;
import dev.wbpf.vm.verifier.Verifier;
import dev.wbpf.vm.verifier.VerifierException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Task storage: one value per VM task (Java thread), reached from programs through the task pointer. */
class TaskStorageTest {
    private static final int JNE = 0x50, ADD = 0x00, F_CREATE = 1;

    private static VmMap taskStorage() {
        return VmMaps.create(MapDefinition.of("per_task", MapType.TASK_STORAGE, 4, 8, 0), 1);
    }

    /** v = task_storage_get(map, current_task_btf(), NULL, F_CREATE); *v += 1; return *v */
    private static Asm countPerTask() {
        return asm().call(HelperIds.GET_CURRENT_TASK_BTF).mov64Reg(2, 0).ldMap(1, 0).mov64Imm(3, 0).mov64Imm(4, F_CREATE)
                .call(HelperIds.TASK_STORAGE_GET).jmpImm(JNE, 0, 0, 2).mov64Imm(0, 0).exit()
                .mov64Imm(1, 1).atomic64(0, 1, 0, ADD).ldxdw(0, 0, 0).exit();
    }

    private static VmProgram verified(Asm asm, VmMap map) {
        Instructions code = asm.build();
        Verifier.verify("storage", ProgramType.RAW_TRACEPOINT, code, List.of(map), HelperTable.standard(),
                Verifier.Options.defaults().withContextSize(8));
        return VmProgram.prepare("storage", ProgramType.RAW_TRACEPOINT, code, List.of(map), HelperTable.standard());
    }

    private static long run(VmProgram program) {
        return new Interpreter(program).execute(new ExecutionContext(0, Vm.quietEnvironment()));
    }

    private static byte[] pidKey(long threadId) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) threadId).array();
    }

    @Test void eachThreadHasItsOwnValue() throws InterruptedException {
        VmMap map = taskStorage();
        VmProgram count = verified(countPerTask(), map);
        assertEquals(1L, run(count));
        assertEquals(2L, run(count));
        AtomicLong other = new AtomicLong();
        Thread thread = new Thread(() -> other.set(run(count)));
        thread.start();
        thread.join();
        assertEquals(1L, other.get(), "another thread is another task");
        byte[] value = map.lookup(pidKey(Thread.currentThread().threadId()));
        assertEquals(2L, ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN).getLong(), "user space keys it by the task's pid");
    }

    @Test void deleteRemovesTheCallingTasksValue() {
        VmMap map = taskStorage();
        VmProgram count = verified(countPerTask(), map);
        VmProgram delete = verified(asm().call(HelperIds.GET_CURRENT_TASK_BTF).mov64Reg(2, 0).ldMap(1, 0)
                .call(HelperIds.TASK_STORAGE_DELETE).exit(), map);
        run(count);
        run(count);
        assertEquals(0L, run(delete));
        assertEquals(-2L, run(delete), "-ENOENT once gone");
        assertEquals(1L, run(count), "a new value starts from zero");
    }

    @Test void theTaskMustBeATaskPointerAndTheMapTaskStorage() {
        VmMap map = taskStorage();
        String scalarTask = assertThrows(VerifierException.class, () -> verified(asm().call(HelperIds.GET_CURRENT_TASK)
                .mov64Reg(2, 0).ldMap(1, 0).mov64Imm(3, 0).mov64Imm(4, 0).call(HelperIds.TASK_STORAGE_GET).mov64Imm(0, 0).exit(),
                map)).getMessage();
        assertTrue(scalarTask.contains("R2 type=scalar expected=ptr_task_struct or null"), scalarTask);
        String lookup = assertThrows(VerifierException.class, () -> verified(asm().st(0x00, 10, -4, 0).mov64Reg(2, 10)
                .add64Imm(2, -4).ldMap(1, 0).call(HelperIds.MAP_LOOKUP_ELEM).mov64Imm(0, 0).exit(), map)).getMessage();
        assertTrue(lookup.contains("cannot pass map_type 29 into func bpf_map_lookup_elem#1"), lookup);
        MapException sized = assertThrows(MapException.class,
                () -> VmMaps.create(MapDefinition.of("bad", MapType.TASK_STORAGE, 4, 8, 16), 1));
        assertTrue(sized.getMessage().contains("max_entries 0"), sized.getMessage());
    }
}
