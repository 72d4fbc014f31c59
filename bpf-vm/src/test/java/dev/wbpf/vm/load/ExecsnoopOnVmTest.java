package dev.wbpf.vm.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wbpf.vm.HostEnvironment;
import dev.wbpf.vm.map.RingBufferMap;
import dev.wbpf.vm.testrun.TestRun;
import dev.wbpf.vm.testrun.TestRunInput;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * execsnoop's programs, unchanged from the kernel fixture, run in the VM: bpf_get_current_task
 * hands out the VM's task_struct for the calling thread, CO-RE relocates {@code real_parent->tgid},
 * {@code exit_code} and {@code comm} against the VM's kernel types, and the events carry the JVM's
 * identity.
 */
class ExecsnoopOnVmTest {
    private static final int EVENT_EXEC = 1, EVENT_EXIT = 2;
    /** trace_event_raw_sys_enter: common header (8), syscall nr (8), args[6]. */
    private static final int SYS_ENTER_SIZE = 64;
    /** trace_event_raw_sched_process_template: header (8), comm[16], pid, prio. */
    private static final int PROCESS_TEMPLATE_SIZE = 32;

    /** The fields of execsnoop's struct event that the VM fills from the current task. */
    record Event(int kind, int pid, int tid, int ppid, int exitCode, long startNs, long durationNs, String comm) {
        static Event parse(byte[] record) {
            ByteBuffer b = ByteBuffer.wrap(record).order(ByteOrder.LITTLE_ENDIAN);
            int end = 48;
            while (end < 64 && record[end] != 0) {
                end++;
            }
            return new Event(b.getInt(0), b.getInt(4), b.getInt(8), b.getInt(12), b.getInt(20), b.getLong(24), b.getLong(32),
                    new String(record, 48, end - 48, StandardCharsets.UTF_8));
        }
    }

    private static List<Event> events(VmObject obj) {
        List<Event> out = new ArrayList<>();
        ((RingBufferMap) obj.map("events").orElseThrow()).consume(r -> out.add(Event.parse(r)));
        return out;
    }

    private static int parentPid() {
        return (int) ProcessHandle.current().parent().orElseThrow().pid();
    }

    @Test
    void execEventCarriesTheJvmsPidThreadParentAndCommand() {
        HostEnvironment env = HostEnvironment.ofCurrentProcess().withTraceLog(line -> { });
        try (VmObject obj = VmLoader.load(Objects.spec("execsnoop"), LoadSettings.defaults().withEnvironment(env))) {
            TestRun.run(obj.machine("handle_execve"), TestRunInput.ofContext(new byte[SYS_ENTER_SIZE]), env);
            List<Event> events = events(obj);
            assertEquals(1, events.size(), events.toString());
            Event e = events.getFirst();
            assertEquals(EVENT_EXEC, e.kind());
            assertEquals((int) ProcessHandle.current().pid(), e.pid());
            assertEquals((int) Thread.currentThread().threadId(), e.tid());
            assertEquals(parentPid(), e.ppid(), "real_parent->tgid is the JVM's parent process");
            assertEquals(env.command(), e.comm());
        }
    }

    @Test
    void exitEventReadsExitCodeAndCommFromTheTask() {
        // execsnoop reports the exit of a thread-group leader only (pid == tid): seen from a
        // single-threaded process whose pid is this thread's id.
        long tid = Thread.currentThread().threadId();
        HostEnvironment leader = new HostEnvironment(System::nanoTime, System::nanoTime, tid, 0, "leader-thread-name",
                line -> { });
        try (VmObject obj = VmLoader.load(Objects.spec("execsnoop"), LoadSettings.defaults().withEnvironment(leader))) {
            TestRun.run(obj.machine("handle_execve"), TestRunInput.ofContext(new byte[SYS_ENTER_SIZE]), leader);
            Event exec = events(obj).getFirst();
            TestRun.run(obj.machine("handle_exit"), TestRunInput.ofContext(new byte[PROCESS_TEMPLATE_SIZE]), leader);
            List<Event> events = events(obj);
            assertEquals(1, events.size(), events.toString());
            Event e = events.getFirst();
            assertEquals(EVENT_EXIT, e.kind());
            assertEquals((int) tid, e.pid());
            assertEquals(exec.ppid(), e.ppid(), "the parent recorded at exec");
            assertEquals(0, e.exitCode(), "a running task's exit_code");
            assertEquals("leader-thread-n", e.comm(), "comm is cut to TASK_COMM_LEN - 1 bytes");
            assertTrue(e.durationNs() >= 0 && e.startNs() > 0, e.toString());
        }
    }
}
