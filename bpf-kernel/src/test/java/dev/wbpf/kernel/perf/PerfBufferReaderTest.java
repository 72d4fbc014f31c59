package dev.wbpf.kernel.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wbpf.core.testing.Fixtures;
import dev.wbpf.core.testing.RequiresKernel;
import dev.wbpf.kernel.FdLeakTracker;
import dev.wbpf.kernel.link.TracepointLink;
import dev.wbpf.kernel.loader.KernelLoader;
import dev.wbpf.kernel.loader.KernelObject;
import dev.wbpf.kernel.loader.LoadOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@RequiresKernel
@ExtendWith(FdLeakTracker.class)
class PerfBufferReaderTest {

    private static String cString(byte[] raw, int offset, int max) {
        int end = offset;
        while (end < offset + max && end < raw.length && raw[end] != 0) {
            end++;
        }
        return new String(raw, offset, end - offset, StandardCharsets.UTF_8);
    }

    @Test
    void opensnoopSendsTheOpenOfAFileThroughThePerfBuffer(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("wbpf-opensnoop-probe.txt"), "x");
        long pid = ProcessHandle.current().pid();
        try (KernelObject object = KernelLoader.load(Fixtures.spec("opensnoop"),
                LoadOptions.defaults().withConstant("targ_tgid", pid));
                PerfBufferReader reader = PerfBufferReader.open(object.map("events"), 8);
                TracepointLink enter = TracepointLink.attach(object.program("tracepoint__syscalls__sys_enter_openat"));
                TracepointLink exit = TracepointLink.attach(object.program("tracepoint__syscalls__sys_exit_openat"))) {
            assertFalse(reader.cpus().isEmpty());
            Files.readString(file); // openat(2) of the file from this process
            String seen = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (seen == null && System.nanoTime() < deadline) {
                Optional<PerfBufferReader.Sample> sample = reader.next(Duration.ofMillis(200));
                if (sample.isPresent()) {
                    byte[] e = sample.get().data();
                    String fname = cString(e, 48, 256);
                    if (fname.equals(file.toString())) {
                        assertEquals(pid, ByteBuffer.wrap(e).order(ByteOrder.LITTLE_ENDIAN).getInt(8));
                        assertTrue(ByteBuffer.wrap(e).order(ByteOrder.LITTLE_ENDIAN).getInt(16) >= 0, "fd returned");
                        seen = fname;
                    }
                }
            }
            assertEquals(file.toString(), seen);
            assertEquals(0, reader.lostSamples());
        }
    }
}
