package dev.wbpf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wbpf.core.testing.RequiresKernel;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every bpf-guest example through {@code wbpf run} on the real kernel, while the test makes the
 * activity each one traces; the test waits for the line a guest prints once its programs are
 * attached, so nothing it does is missed.
 */
@RequiresKernel
class ExamplesKernelTest {
    private static final Duration ATTACHED = Duration.ofSeconds(60);
    private static final long JVM_PID = ProcessHandle.current().pid();

    static Path example(String name) {
        Path p = Path.of(System.getProperty("wbpf.testdata"), "..", "bpf-guest", "examples", name, name + ".wasm")
                .normalize();
        assertTrue(Files.isRegularFile(p), "missing example " + p + ": run bpf-guest/build.sh " + name);
        return p;
    }

    private static Process run(String... cmd) throws IOException {
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }

    @Test
    void execsnoopPrintsExecsAndExits() throws Exception {
        try (StreamingCli cli = StreamingCli.start("run", "--timeout", "4s", example("execsnoop").toString())) {
            cli.awaitLine(l -> l.startsWith("TIME     EVENT COMM"), ATTACHED);
            Process p = run("/bin/true");
            p.waitFor();
            String pid = Long.toString(p.pid());
            // jspawnhelper (the JDK's launcher, the JVM's child) execs /bin/true under the same pid
            String exec = cli.awaitLine(l -> l.matches("\\S+ EXEC  \\S+\\s+" + pid + "\\s+" + JVM_PID + "\\s+/bin/true"),
                    Duration.ofSeconds(5));
            assertTrue(exec.contains(" EXEC  jspawnhelper "), exec);
            cli.awaitLine(l -> l.matches("\\S+ EXIT  true\\s+" + pid + "\\s+" + JVM_PID + "\\s+\\[0\\] \\(\\d+ ms\\)"),
                    Duration.ofSeconds(5));
            assertEquals(124, cli.await(Duration.ofSeconds(30)), cli.err());
        }
    }

    @Test
    void execsnoopPidFilterFromArgv() throws Exception {
        // a shell that execs /bin/true (keeping its pid) when told to, so its pid is known in advance
        Process target = new ProcessBuilder("/bin/sh", "-c", "read go; exec /bin/true").start();
        String pid = Long.toString(target.pid());
        try (StreamingCli cli = StreamingCli.start("run", "--timeout", "3s", example("execsnoop").toString(),
                "-p", pid)) {
            cli.awaitLine(l -> l.startsWith("TIME     EVENT COMM"), ATTACHED);
            Process other = run("/bin/true");
            other.waitFor();
            target.getOutputStream().write("go\n".getBytes());
            target.getOutputStream().flush();
            assertEquals(0, target.waitFor());
            cli.awaitLine(l -> l.matches("\\S+ EXEC  sh\\s+" + pid + "\\s+" + JVM_PID + "\\s+/bin/true"),
                    Duration.ofSeconds(5));
            cli.awaitLine(l -> l.matches("\\S+ EXIT  true\\s+" + pid + "\\s+.*"), Duration.ofSeconds(5));
            assertEquals(124, cli.await(Duration.ofSeconds(30)), cli.err());
            List<String> events = cli.out().lines().skip(1).toList();
            assertEquals(2, events.size(), "only the filtered pid's exec and exit:\n" + cli.out());
            assertFalse(cli.out().contains(" " + other.pid() + " "), cli.out());
        } finally {
            target.destroyForcibly();
        }
    }

    @Test
    void execsnoopMinDurationFromArgv() throws Exception {
        try (StreamingCli cli = StreamingCli.start("run", "--timeout", "4s", example("execsnoop").toString(),
                "-d", "300")) {
            cli.awaitLine(l -> l.startsWith("TIME     EVENT COMM"), ATTACHED);
            Process quick = run("/bin/true");
            Process slow = run("/bin/sleep", "0.5");
            quick.waitFor();
            slow.waitFor();
            cli.awaitLine(l -> l.matches("\\S+ EXIT  sleep\\s+" + slow.pid() + "\\s+.*\\[0\\] \\(\\d+ ms\\)"),
                    Duration.ofSeconds(5));
            assertEquals(124, cli.await(Duration.ofSeconds(30)), cli.err());
            assertFalse(cli.out().lines().anyMatch(l -> l.matches("\\S+ EXIT  true\\s+" + quick.pid() + "\\s.*")),
                    "an exit shorter than -d 300 was printed:\n" + cli.out());
            Matcher m = Pattern.compile("EXIT  sleep\\s+" + slow.pid() + ".*\\((\\d+) ms\\)").matcher(cli.out());
            assertTrue(m.find(), cli.out());
            assertTrue(Integer.parseInt(m.group(1)) >= 300, cli.out());
        }
    }

    @Test
    void opensnoopPrintsTheOpenedPath(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("opened-by-the-test.txt"), "x");
        try (StreamingCli cli = StreamingCli.start("run", "--timeout", "3s", example("opensnoop").toString())) {
            cli.awaitLine(l -> l.startsWith("PID     COMM"), ATTACHED);
            Process cat = run("/bin/cat", file.toString());
            assertEquals(0, cat.waitFor());
            cli.awaitLine(l -> l.matches(cat.pid() + "\\s+cat\\s+\\d+ \\d{8} " + Pattern.quote(file.toString())),
                    Duration.ofSeconds(5));
            assertEquals(124, cli.await(Duration.ofSeconds(30)), cli.err());
        }
    }

    @Test
    void runqlatPrintsAHistogramEveryInterval() throws Exception {
        try (StreamingCli cli = StreamingCli.start("run", "--timeout", "20s", example("runqlat").toString(), "1", "2")) {
            assertEquals(0, cli.await(Duration.ofSeconds(60)), cli.err());
            String out = cli.out();
            assertTrue(out.startsWith("Tracing run queue latency"), out);
            assertEquals(2, out.lines().filter(l -> l.trim().startsWith("usecs")).count(), out);
            assertTrue(out.lines().anyMatch(l -> l.matches("\\s+\\d+ -> \\d+\\s+: [1-9]\\d*\\s+\\|\\*+ *\\|")), out);
        }
    }

    @Test
    void xdpCountCountsUdpOnLo() throws Exception {
        try (StreamingCli cli = StreamingCli.start("run", "--timeout", "20s", example("xdp-count").toString(), "lo", "2");
             DatagramSocket socket = new DatagramSocket()) {
            cli.awaitLine(l -> l.startsWith("Counting packets on lo"), ATTACHED);
            byte[] payload = new byte[100];
            for (int i = 0; i < 25; i++) {
                socket.send(new DatagramPacket(payload, payload.length, InetAddress.getByName("127.0.0.1"), 9));
            }
            assertEquals(0, cli.await(Duration.ofSeconds(60)), cli.err());
            // the last table holds the totals; other UDP on lo may add to them, never less
            List<String> udp = cli.out().lines().filter(l -> l.startsWith("UDP ")).toList();
            assertFalse(udp.isEmpty(), cli.out());
            String[] f = udp.getLast().trim().split("\\s+");
            assertTrue(Long.parseLong(f[1]) >= 25, cli.out());
            // 14 Ethernet + 20 IPv4 + 8 UDP + 100 bytes per packet
            assertTrue(Long.parseLong(f[2]) >= 25 * 142, cli.out());
        }
    }

    @Test
    void jvmwatchOnTheKernelSaysItsTracepointsAreTheVms() {
        CliRunner r = CliRunner.run("run", "--backend", "kernel", example("jvmwatch").toString(), "1");
        assertEquals(44, r.exitCode(), r.err()); // WASI's ENOENT, as the guest returns it
        assertTrue(r.err().contains("wbpf: cannot attach on_gc: tracepoint jvm/gc does not exist in this kernel"), r.err());
        assertTrue(r.err().contains("(the tp/jvm/* tracepoints exist only on wbpf's VM backend: --backend vm)"), r.err());
    }

    @Test
    void uprobeCountCountsCallsOfATestBinary(@TempDir Path dir) throws Exception {
        Path src = Files.writeString(dir.resolve("target.c"), """
                #include <stdlib.h>
                __attribute__((noinline)) int wbpf_counted(int x) { __asm__ volatile(""); return x + 1; }
                int main(int argc, char **argv) {
                    int n = atoi(argv[1]), s = 0;
                    for (int i = 0; i < n; i++) s += wbpf_counted(i);
                    return s == n * (n + 1) / 2 ? 0 : 1;
                }
                """);
        Path bin = dir.resolve("target");
        Process cc = new ProcessBuilder("cc", "-O1", "-o", bin.toString(), src.toString()).inheritIO().start();
        assertTrue(cc.waitFor(60, TimeUnit.SECONDS) && cc.exitValue() == 0, "cc failed");
        String target = bin + ":wbpf_counted";
        try (StreamingCli cli = StreamingCli.start("run", "--timeout", "20s", example("uprobe-count").toString(),
                target, "2")) {
            cli.awaitLine(l -> l.equals("Counting calls of " + target + "... Hit Ctrl-C to end."), ATTACHED);
            Process a = run(bin.toString(), "7");
            Process b = run(bin.toString(), "5");
            assertEquals(0, a.waitFor());
            assertEquals(0, b.waitFor());
            assertEquals(0, cli.await(Duration.ofSeconds(60)), cli.err());
            String out = cli.out();
            String last = out.substring(out.lastIndexOf("PID "));
            assertTrue(last.lines().anyMatch(l -> l.matches(a.pid() + "\\s+7")), out);
            assertTrue(last.lines().anyMatch(l -> l.matches(b.pid() + "\\s+5")), out);
            assertTrue(last.lines().anyMatch(l -> l.matches("total\\s+12")), out);
        }
    }
}
