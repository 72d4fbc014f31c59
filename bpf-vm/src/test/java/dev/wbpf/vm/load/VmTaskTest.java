package dev.wbpf.vm.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wbpf.core.object.BpfObjectSpec;
import dev.wbpf.vm.HostEnvironment;
import dev.wbpf.vm.testrun.TestRun;
import dev.wbpf.vm.testrun.TestRunInput;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The VM's kernel object model seen through CO-RE (fixture vm_task): fields the VM's task_struct
 * has read the JVM's values at the VM's offsets, a field it lacks reads as absent behind
 * {@code bpf_core_field_exists}, and an unconditional read of it is refused by name.
 */
class VmTaskTest {
    private static final HostEnvironment ENV = HostEnvironment.ofCurrentProcess().withTraceLog(line -> { });

    @Test
    void coreReadsOfTheCurrentTaskGetTheJvmsValues() {
        BpfObjectSpec spec = Objects.spec("vm_task");
        LoadSettings settings = LoadSettings.defaults().withEnvironment(ENV).withPrograms("read_task"::equals);
        try (VmObject obj = VmLoader.load(spec, settings)) {
            long before = System.nanoTime();
            assertEquals(0, TestRun.run(obj.machine("read_task"), TestRunInput.ofContext(new byte[16]), ENV).returnValue());
            byte[] bss = obj.map(spec.global(".bss").orElseThrow().mapName()).orElseThrow().lookup(new byte[4]);
            ByteBuffer seen = ByteBuffer.wrap(bss).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(ProcessHandle.current().pid(), seen.getInt(0), "tgid");
            assertEquals(ProcessHandle.current().parent().orElseThrow().pid(), seen.getInt(4), "real_parent->tgid");
            long startTime = seen.getLong(8);
            assertTrue(startTime > 0 && startTime < before, "start_time on the ktime clock, before now: " + startTime);
            assertEquals(-1, seen.getLong(16), "prio: the VM's task_struct has none, bpf_core_field_exists says so");
            assertEquals(ENV.command(), new String(bss, 24, ENV.command().length(), StandardCharsets.UTF_8));
            assertEquals(0, bss[24 + ENV.command().length()], "comm is NUL-terminated");
        }
    }

    @Test
    void aReadOfAFieldTheVmLacksIsRefusedByName() {
        LoadSettings settings = LoadSettings.defaults().withEnvironment(ENV).withPrograms("read_prio"::equals);
        LoadException e = assertThrows(LoadException.class, () -> VmLoader.load(Objects.spec("vm_task"), settings));
        assertTrue(e.getMessage().contains("relocates struct task_struct field prio (CO-RE field_byte_offset), which the VM's"
                + " kernel types cannot satisfy: the VM's task_struct has only pid, tgid, start_time, real_parent"), e.getMessage());
    }
}
