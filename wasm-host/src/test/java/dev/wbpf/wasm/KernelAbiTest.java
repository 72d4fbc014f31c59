package dev.wbpf.wasm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wbpf.core.testing.KernelCondition;
import dev.wbpf.core.testing.RequiresKernel;
import dev.wbpf.wasm.WasmBpfModule.Engine;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The ABI on real BPF objects in the kernel (execsnoop fixture: a ring buffer and a hash map). */
@RequiresKernel
class KernelAbiTest {
    private static final String OBJ = "/data/execsnoop.bpf.o";

    @Test
    void loadAttachPollAndClose() throws Exception {
        // Exec until the guest is done: loading and attaching may take seconds on a busy machine.
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Thread execs = Thread.ofPlatform().daemon(true).start(() -> {
            try {
                while (!Thread.currentThread().isInterrupted() && System.nanoTime() < deadline) {
                    new ProcessBuilder("/bin/true").start().waitFor();
                    Thread.sleep(20);
                }
            } catch (Exception e) {
                // interrupted: done
            }
        });
        GuestRun run = GuestRun.run(Engine.COMPILER, KernelCondition.backend(), Duration.ofSeconds(30),
                "load", OBJ, "attach", "handle_execve", "attach", "handle_exit", "attach", "no_such_prog",
                "fd", "events", "sleep", "300", "poll", "1000", "close");
        execs.interrupt();
        String out = run.out();
        assertTrue(out.startsWith("load ok\nattach handle_execve = 0\nattach handle_exit = 0\nattach no_such_prog = -2\n"),
                out + run.log());
        Matcher m = Pattern.compile("poll = (-?\\d+)").matcher(out);
        assertTrue(m.find(), out);
        assertTrue(Integer.parseInt(m.group(1)) > 0, "no exec seen: " + out);
        assertTrue(out.endsWith("close = 0\n"), out);
    }

    @Test
    void mapOperationsAndDescriptorChecks() {
        GuestRun run = GuestRun.run(Engine.INTERPRETER, KernelCondition.backend(), Duration.ofSeconds(30),
                "load", OBJ, "fd", "starts", "lookup", "7", "update", "7", "99", "lookup", "7", "next", "delete", "7",
                "delete", "7", "opfd", "123456");
        String out = run.out().replaceFirst("fd starts = \\d+", "fd starts = N");
        assertEquals("""
                load ok
                fd starts = N
                lookup 7 = -2 value=0
                update 7 = 0
                lookup 7 = 0 value=99
                next = 0 key=7
                delete 7 = 0
                delete 7 = -2
                opfd 123456 = -9
                """, out, run.log());
    }

    /** Perf buffer readers are opened at load: opens made before the guest's first poll are delivered. */
    @Test
    void perfBufferEventsBeforeTheFirstPollAreKept() {
        Thread opens = Thread.ofPlatform().daemon(true).start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    java.nio.file.Files.readAllBytes(java.nio.file.Path.of("/etc/hostname"));
                    Thread.sleep(10);
                } catch (Exception e) {
                    return;
                }
            }
        });
        try {
            GuestRun run = GuestRun.run(Engine.COMPILER, KernelCondition.backend(), Duration.ofSeconds(30),
                    "load", "/data/opensnoop.bpf.o", "attach", "tracepoint__syscalls__sys_enter_openat",
                    "attach", "tracepoint__syscalls__sys_exit_openat", "fd", "events", "sleep", "300", "poll", "0",
                    "close");
            String out = run.out();
            assertTrue(out.startsWith("load ok\nattach tracepoint__syscalls__sys_enter_openat = 0\n"
                    + "attach tracepoint__syscalls__sys_exit_openat = 0\n"), out + run.log());
            Matcher m = Pattern.compile("poll = (-?\\d+)").matcher(out);
            assertTrue(m.find(), out);
            assertTrue(Integer.parseInt(m.group(1)) > 0, "nothing delivered from the perf buffer: " + out + run.log());
            assertTrue(out.endsWith("close = 0\n"), out);
        } finally {
            opens.interrupt();
        }
    }
}
