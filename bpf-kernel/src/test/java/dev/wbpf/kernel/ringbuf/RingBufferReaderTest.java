package dev.wbpf.kernel.ringbuf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wbpf.core.testing.Fixtures;
import dev.wbpf.core.testing.RequiresKernel;
import dev.wbpf.kernel.FdLeakTracker;
import dev.wbpf.kernel.link.TracepointLink;
import dev.wbpf.kernel.loader.KernelLoader;
import dev.wbpf.kernel.loader.KernelObject;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@RequiresKernel
@ExtendWith(FdLeakTracker.class)
class RingBufferReaderTest {
    /** struct event of execsnoop.bpf.c. */
    record ExecEvent(int kind, int pid, int tid, int ppid, String comm, String filename) {
        static ExecEvent parse(byte[] raw) {
            ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
            return new ExecEvent(b.getInt(0), b.getInt(4), b.getInt(8), b.getInt(12), string(raw, 48, 16),
                    string(raw, 64, 128));
        }

        private static String string(byte[] raw, int offset, int max) {
            int end = offset;
            while (end < offset + max && raw[end] != 0) {
                end++;
            }
            return new String(raw, offset, end - offset, StandardCharsets.UTF_8);
        }
    }

    @Test
    void execsnoopDeliversTheExecOfBinTrueWithItsParent() throws Exception {
        try (KernelObject object = KernelLoader.load(Fixtures.spec("execsnoop"));
                RingBufferReader reader = RingBufferReader.open(object.map("events"));
                TracepointLink link = TracepointLink.attach(object.program("handle_execve"))) {
            Process p = new ProcessBuilder("/bin/true").start();
            assertEquals(0, p.waitFor());
            ExecEvent found = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (found == null && System.nanoTime() < deadline) {
                Optional<byte[]> next = reader.next(Duration.ofMillis(200));
                if (next.isPresent()) {
                    ExecEvent e = ExecEvent.parse(next.get());
                    if (e.pid() == p.pid() && e.filename().equals("/bin/true")) {
                        found = e;
                    }
                }
            }
            assertTrue(found != null, "exec of /bin/true (pid " + p.pid() + ") seen");
            assertEquals(1, found.kind());
            assertEquals(p.pid(), found.tid());
            // ppid came from BPF_CORE_READ(task, real_parent, tgid): CO-RE against this kernel.
            assertEquals(ProcessHandle.current().pid(), found.ppid());
            assertFalse(found.comm().isEmpty());
            System.out.println("execsnoop: " + found);
        }
    }

    @Test
    void consumeWithoutEventsReturnsNothingAndPollTimesOut() {
        try (KernelObject object = KernelLoader.load(Fixtures.spec("execsnoop"));
                RingBufferReader reader = RingBufferReader.open(object.map("events"))) {
            assertEquals(0, reader.consume(s -> { }));
            long start = System.nanoTime();
            assertEquals(0, reader.poll(Duration.ofMillis(100), s -> { }));
            assertTrue(System.nanoTime() - start >= 90_000_000L);
            assertEquals(0, reader.available());
        }
    }
}
