package dev.wbpf.examples.embedding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wbpf.core.backend.Backends;
import dev.wbpf.core.backend.BpfException;
import dev.wbpf.core.backend.LoadOptions;
import dev.wbpf.core.testing.RequiresKernel;
import dev.wbpf.wasm.embed.Codec;
import dev.wbpf.wasm.embed.LoadedObject;
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
        assertTrue(out.contains("received 4 by iterator, 4 by callback, 4 by publisher, of 4; 4 from the perf buffer (0 lost)"), out);
        assertTrue(out.matches("(?s).*event_count\\[0] per CPU = \\[[0-9, ]+], sum 4\n.*"), out);
        assertTrue(out.contains("per_comm: 1 command(s), the most frequent: "), out);
        assertWasmPart(run);
    }

    @Test
    @RequiresKernel
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
        assertTrue(out.contains("received 3 by iterator, 3 by callback, 3 by publisher, of 3; 3 from the perf buffer ("), out);
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

    /** The application's own record types, written wrong as users do. */
    record Misnamed(int pid, int knd) {
    }

    record TooSmall(int pid, int kind, int value) {
    }

    @Test
    void theExampleObjectsMistakesSayWhatIsWrong() throws Exception {
        try (LoadedObject bpf = LoadedObject.load(DirectObjectDemo.OBJECT, DirectObjectDemo.resource(DirectObjectDemo.OBJECT),
                Backends.named("vm").orElseThrow(), LoadOptions.defaults())) {
            assertEquals("embedding.bpf.o has no map `evnts`; its maps: events, perf_events, config, event_count, per_comm, embeddin.bss",
                    assertThrows(BpfException.class, () -> bpf.records("evnts", Codec.record(Event.class))).getMessage());
            assertEquals("the key of map `config` is __u32 (4 bytes), but codec U64 has 8 bytes",
                    assertThrows(IllegalArgumentException.class,
                            () -> bpf.map("config", Codec.U64, Codec.record(Config.class))).getMessage());
            assertEquals("record Misnamed component `knd` has no member in struct event (a record of `events`); its members: "
                    + "pid, kind, value, comm, filename, tag",
                    assertThrows(IllegalArgumentException.class, () -> bpf.records("events", Codec.record(Misnamed.class, "event")))
                            .getMessage());
            assertEquals("TooSmall.value (struct event member value: __u64 at offset 8) is 8 bytes and cannot be read as int (4 bytes)",
                    assertThrows(IllegalArgumentException.class, () -> bpf.records("events", Codec.record(TooSmall.class, "event")))
                            .getMessage());
            assertTrue(assertThrows(IllegalArgumentException.class, () -> bpf.map("event_count", Codec.U32, Codec.U64))
                    .getMessage().endsWith("open it with perCpuMap(...) to get a list of values per key"));
            // the VM has no kernel tracepoints: it says so, and what it offers instead
            String noTracepoint = assertThrows(BpfException.class, () -> bpf.attach("on_exec")).getMessage();
            assertTrue(noTracepoint.startsWith("the VM cannot attach program `on_exec` to tracepoint syscalls/sys_enter_execve:"
                    + " it offers "), noTracepoint);
            assertTrue(noTracepoint.contains("raw_tp/NAME and usdt/PROVIDER:NAME on application probes fired from Java"), noTracepoint);
            assertEquals("the value of map `per_comm` is __u64 (8 bytes), but codec U32 has 4 bytes",
                    assertThrows(IllegalArgumentException.class, () -> bpf.map("per_comm", Codec.string(16), Codec.U32)).getMessage());
        }
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
