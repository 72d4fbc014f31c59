package dev.wbpf.examples.embedding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wbpf.wasm.RequiresKernelBackend;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Runs the example application's {@code main} logic and checks what it prints and returns. */
class EmbeddingExampleTest {

    private record Run(int exitCode, String output) {
        List<String> lines(String prefix) {
            return output.lines().filter(l -> l.startsWith(prefix)).toList();
        }
    }

    private static Run run(String... args) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code;
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            code = EmbeddingExample.run(args, out);
        }
        return new Run(code, bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void onTheVmTheApplicationsOwnProbeDrivesTheProgramAndTheWasmModuleCountsInjectedFrames() throws Exception {
        Run run = run("--backend", "vm", "--events", "4");
        assertEquals(0, run.exitCode(), run.output());
        long pid = ProcessHandle.current().pid();
        List<String> events = run.lines("iterator:  ");
        assertEquals(4, events.size(), run.output());
        for (int i = 0; i < 4; i++) {
            String event = events.get(i);
            assertTrue(event.startsWith("iterator:  Event[pid=" + pid + ", kind=2, value=" + (i + 1) * 100 + ", comm="), event);
            assertTrue(event.endsWith(", filename=, tag=embedded]"), event);
        }
        String out = run.output();
        assertTrue(out.contains("config[0] = Config[enabled=1, tag=embedded]"), out);
        assertTrue(out.contains("attached on_work -> raw_tp embedding:work (VM)"), out);
        assertTrue(out.contains("received 4 by iterator, 4 by callback, 4 by publisher, of 4"), out);
        assertTrue(out.matches("(?s).*event_count\\[0] per CPU = \\[[0-9, ]+], sum 4\n.*"), out);
        assertTrue(out.contains("per_comm: 1 command(s), the most frequent: "), out);
        assertWasmPart(run);
    }

    @Test
    @RequiresKernelBackend
    void onTheKernelTheTracepointSeesTheExecsTheApplicationStarts() throws Exception {
        Run run = run("--backend", "kernel", "--events", "3");
        assertEquals(0, run.exitCode(), run.output());
        List<String> events = run.lines("iterator:  ");
        assertEquals(3, events.size(), run.output());
        for (String event : events) {
            assertTrue(event.matches("iterator:  Event\\[pid=\\d+, kind=1, value=0, comm=.+, filename=/bin/true, tag=embedded]"), event);
        }
        String out = run.output();
        assertTrue(out.contains("attached tracepoint syscalls/sys_enter_execve"), out);
        assertTrue(out.contains("received 3 by iterator, 3 by callback, 3 by publisher, of 3"), out);
        assertTrue(out.matches("(?s).*per_comm: \\d+ command\\(s\\), the most frequent: .*"), out);
        assertWasmPart(run);
    }

    private static void assertWasmPart(Run run) {
        String out = run.output();
        assertTrue(out.contains("wasm| Counting packets on lo... Hit Ctrl-C to end."), out);
        assertTrue(run.lines("wasm| UDP ").stream().anyMatch(l -> l.matches("wasm\\| UDP\\s+3\\s+138\\s+\\d+")), out);
        assertTrue(out.matches("(?s).*wasm: xdp-count\\.wasm STOPPED after \\d+ ms, exit code 130\n.*"), out);
        assertTrue(out.endsWith("OK\n"), out);
    }

    @Test
    void badArgumentsPrintTheUsage() throws Exception {
        Run run = run("--events", "0");
        assertEquals(2, run.exitCode());
        assertEquals("--events needs a value (a backend name, or a number of events from 1 to 9999)\n"
                + "usage: EmbeddingExample [--backend auto|kernel|vm] [--events N]\n", run.output());
        Run unknown = run("--backend", "bogus");
        assertEquals(1, unknown.exitCode());
        assertEquals("no backend named bogus (kernel or vm)\n", unknown.output());
    }
}
