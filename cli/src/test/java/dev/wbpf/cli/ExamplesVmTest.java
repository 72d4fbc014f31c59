package dev.wbpf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bpf-guest examples made to run anywhere, through {@code wbpf run --backend vm} without root
 * (portfilter on a capture: {@link RunPcapTest}).
 */
class ExamplesVmTest {

    @Test
    void jvmwatchSeesThisJvmStartAThreadCollectAndWriteAFile(@TempDir Path dir) throws Exception {
        String threadName = "jvmwatch-test-" + ProcessHandle.current().pid();
        Path file = dir.resolve("written-by-the-test.bin");
        try (StreamingCli cli = StreamingCli.start("run", "--backend", "vm", ExamplesKernelTest.example("jvmwatch").toString(), "4")) {
            cli.awaitLine(l -> l.startsWith("Watching this JVM for 4 s"), Duration.ofSeconds(60));
            Thread t = Thread.ofPlatform().name(threadName).start(() -> { });
            t.join();
            Files.write(file, new byte[1234]);
            assertEquals(1234, Files.readAllBytes(file).length);
            System.gc();
            String started = cli.awaitLine(l -> l.startsWith("thread started: " + threadName + " "), Duration.ofSeconds(10));
            assertTrue(started.matches("thread started: " + threadName + " +id " + t.threadId() + ", parent \\d+"), started);
            assertEquals(0, cli.await(Duration.ofSeconds(30)), cli.err());
            String out = cli.out();
            Matcher gc = Pattern.compile("(?m)^System\\.gc\\(\\) +(\\d+) +(\\d+\\.\\d{3}) +(\\d+\\.\\d{3})$").matcher(out);
            assertTrue(gc.find(), "no System.gc() line in the GC table:\n" + out);
            assertTrue(Integer.parseInt(gc.group(1)) >= 1, out);
            assertTrue(Double.parseDouble(gc.group(3)) > 0, "the longest pause of a full GC is more than 0 ms:\n" + out);
            assertTrue(out.contains("\n     1         1234      1         1234  " + file + "\n"), "no line for " + file + ":\n" + out);
            assertTrue(out.contains("GC CAUSE                          COUNT     PAUSE_MS   LONGEST_MS\n"), out);
        }
    }
}
