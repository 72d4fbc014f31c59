package dev.wbpf.wasm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dylibso.chicory.runtime.ByteArrayMemory;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import dev.wbpf.core.backend.BpfObject;
import dev.wbpf.core.backend.TestRunnable;
import dev.wbpf.core.testing.Fixtures;
import dev.wbpf.wasm.WasmBpfModule.Engine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The six wasm_bpf host functions on the real in-JVM VM backend (no root needed): every error
 * path of the ABI contract. Fixtures from testdata/bpf/out: xdp_parse (an XDP program, a per-CPU
 * array), globals (raw tracepoints), bench (a SEC("syscall") program that writes 64 records to a
 * ring buffer per test-run, and a u32 -> u64 hash map). {@link KernelAbiTest} covers attach and real
 * events on the kernel backend.
 */
class WasmBpfHostTest {

    private static final String XDP = "/data/xdp_parse.bpf.o";
    private static final String GLOBALS = "/data/globals.bpf.o";
    private static final String BENCH = "/data/bench.bpf.o";

    /** The VM backend; every bench object loaded gets one test-run of {@code produce}: 64 ring records. */
    private static RecordingBackend vmProducing(int runs) {
        return RecordingBackend.vm(o -> produce(o, runs));
    }

    private static void produce(BpfObject o, int runs) {
        if (o.program("produce").isEmpty()) {
            return;
        }
        var p = (TestRunnable) o.program("produce").orElseThrow();
        for (int i = 0; i < runs; i++) {
            assertEquals(0, p.testRun(new TestRunnable.Input(null, null, 1)).retval());
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void loadAndCloseOnTheVm(Engine engine) {
        var backend = RecordingBackend.vm();
        GuestRun run = GuestRun.run(engine, backend, null, "load", XDP, "fd", "counters", "close", "close");
        assertEquals("load ok\nfd counters = N\nclose = 0\nclose = -9\n", run.out().replaceFirst("= \\d+\n", "= N\n"));
        assertTrue(backend.objects.getFirst().closed);
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void attachingATracepointOnTheVmIsEOPNOTSUPPWithTheVmsReason(Engine engine) {
        GuestRun run = GuestRun.run(engine, RecordingBackend.vm(), null, "load", GLOBALS, "attach", "read_globals");
        assertEquals("load ok\nattach read_globals = -95\n", run.out());
        assertTrue(run.log().contains("cannot attach read_globals: the VM cannot attach program `read_globals`"), run.log());
    }

    /** The VM has packet interfaces of its own (issue 6); attaching XDP to one it lacks is ENOENT, named. */
    @Test
    void xdpOnTheVmNeedsOneOfItsOwnInterfaces() {
        GuestRun run = GuestRun.run(Engine.INTERPRETER, RecordingBackend.vm(), null, "load", XDP,
                "attach", "xdp_parse_prog", "lo/x");
        assertEquals("load ok\nattach xdp_parse_prog = -2\n", run.out());
        assertTrue(run.log().contains("lo/x"), run.log());
    }

    @Test
    void unknownProgramNameIsENOENTNotACrash() {
        GuestRun run = GuestRun.run(Engine.COMPILER, RecordingBackend.vm(), null, "load", XDP, "attach", "no_such_prog");
        assertEquals("load ok\nattach no_such_prog = -2\n", run.out());
        assertTrue(run.log().contains("no program named no_such_prog"), run.log());
    }

    @Test
    void objectsLeftOpenAreClosedWhenTheGuestEnds() {
        var backend = RecordingBackend.vm();
        GuestRun.run(Engine.INTERPRETER, backend, null, "load", XDP, "load", BENCH);
        assertEquals(2, backend.objects.size());
        assertTrue(backend.objects.stream().allMatch(o -> o.closed));
    }

    @Test
    void objectsAreClosedWhenTheGuestIsStopped() {
        var backend = RecordingBackend.vm();
        GuestRun run = GuestRun.run(Engine.COMPILER, backend, Duration.ofMillis(500), "load", XDP, "sleep", "60000");
        assertEquals(RunResult.Outcome.TIMED_OUT, run.result().outcome());
        assertTrue(backend.objects.getFirst().closed);
    }

    @Test
    void aBadObjectFailsWithHandleZeroAndTheReasonInTheLog(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("bad.bpf.o"), "not an ELF file at all");
        GuestRun run = GuestRun.run(Engine.INTERPRETER, RecordingBackend.vm(), null, b -> b.directory(dir, "/tmp"),
                "load", "/tmp/bad.bpf.o", "attach", "x");
        assertEquals("load failed\nattach x = -9\n", run.out());
        assertTrue(run.log().startsWith("cannot load BPF object: "), run.log());
    }

    @Test
    void anObjectTheVmRejectsFailsWithTheReasonInTheLog() {
        GuestRun run = GuestRun.run(Engine.INTERPRETER, RecordingBackend.vm(), null, "load", "/data/ksym.bpf.o");
        assertEquals("load failed\n", run.out());
        assertTrue(run.log().contains("cannot load BPF object: program `sample_rq` uses kernel symbol `runqueues`"), run.log());
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void mapOperationsWithNullNextKeyAsFirstKey(Engine engine) {
        GuestRun run = GuestRun.run(engine, RecordingBackend.vm(), null, "load", BENCH, "fd", "table",
                "lookup", "5", "update", "5", "77", "lookup", "5", "update", "9", "1",
                "next", "next", "5", "next", "9", "delete", "5", "delete", "5", "lookup", "5");
        String out = run.out().replaceFirst("fd table = \\d+", "fd table = N");
        // the VM's hash map iterates in insertion order, like the kernel's for so few keys
        assertEquals("""
                load ok
                fd table = N
                lookup 5 = -2 value=0
                update 5 = 0
                lookup 5 = 0 value=77
                update 9 = 0
                next = 0 key=5
                next = 0 key=9
                next = -2 key=0
                delete 5 = 0
                delete 5 = -2
                lookup 5 = -2 value=0
                """, out, run.log());
    }

    @Test
    void perCpuValuesRoundTripThroughTheGuest() {
        GuestRun run = GuestRun.run(Engine.INTERPRETER, RecordingBackend.vm(), null, "load", XDP, "fd", "counters",
                "lookup", "0", "update", "0", "77", "lookup", "0", "lookup", "99");
        String out = run.out().replaceFirst("fd counters = \\d+", "fd counters = N");
        assertEquals("""
                load ok
                fd counters = N
                lookup 0 = 0 value=0
                update 0 = 0
                lookup 0 = 0 value=77
                lookup 99 = -2 value=0
                """, out, run.log());
    }

    /** Calls the host functions from Java on a one-page memory, to put buffers at its very end. */
    @Test
    void perCpuValueBuffersAreCheckedForEveryCpu() throws IOException {
        List<String> log = new ArrayList<>();
        try (var host = new WasmBpfHost(RecordingBackend::vm, log::add)) {
            var mem = new ByteArrayMemory(new MemoryLimits(2, 2));
            byte[] elf = Fixtures.objectBytes("xdp_parse");
            mem.write(65536, elf);
            var gm = new GuestMemory(mem, "wasm_bpf_map_operate");
            long handle = host.loadObject(new GuestMemory(mem, "wasm_load_bpf_object"), 65536, elf.length);
            assertTrue(handle != 0, log.toString());
            mem.writeCString(100, "counters");
            int fd = host.mapFdByName(new GuestMemory(mem, "wasm_bpf_map_fd_by_name"), handle, 100);
            assertTrue(fd > 0);
            int ncpus = possibleCpus();
            int size = ncpus * 16;
            int end = 2 * 65536;
            // a buffer of exactly ncpus * 16 bytes at the end of memory is fine
            assertEquals(0, host.mapOperate(gm, fd, WasmBpfHost.BPF_MAP_LOOKUP_ELEM, 0, end - size, 0, 0));
            // one value's worth (what upstream checks) is not enough when there are several CPUs
            var e = assertThrows(GuestTrap.class,
                    () -> host.mapOperate(gm, fd, WasmBpfHost.BPF_MAP_LOOKUP_ELEM, 0, end - 16, 0, 0));
            assertEquals("wasm_bpf_map_operate: value buffer at guest address 0x" + Integer.toHexString(end - 16)
                    + " (" + size + " bytes) is outside the module's memory (131072 bytes)", e.getMessage());
        }
    }

    /** The number of possible CPUs, from sysfs ("0-1", "0,2-3"), as the kernel sizes per-CPU values. */
    private static int possibleCpus() throws IOException {
        int n = 0;
        for (String range : Files.readString(Path.of("/sys/devices/system/cpu/possible")).trim().split(",")) {
            String[] ends = range.split("-");
            n += ends.length == 1 ? 1 : Integer.parseInt(ends[1]) - Integer.parseInt(ends[0]) + 1;
        }
        return n;
    }

    @Test
    void unknownMapNameIsENOENT() {
        GuestRun run = GuestRun.run(Engine.INTERPRETER, RecordingBackend.vm(), null, "load", XDP, "fd", "nope");
        assertEquals("load ok\nfd nope = -2\n", run.out());
    }

    @Test
    void madeUpAndForeignDescriptorsAreEBADF() throws Exception {
        // module A holds its object open while module B tries A's descriptor
        var backendA = RecordingBackend.vm();
        var outA = new java.io.ByteArrayOutputStream();
        try (WasmBpfModule a = WasmBpfModule.builder().path(Guests.guest("guest"))
                .args(List.of("load", BENCH, "fd", "table", "update", "1", "11", "sleep", "60000"))
                .directory(Fixtures.objectsDir(), "/data").stdout(outA).backend(backendA).build()) {
            Thread t = Thread.ofPlatform().start(() -> a.run(Duration.ofSeconds(30)));
            int fd = awaitFd(outA);
            GuestRun b = GuestRun.run(Engine.INTERPRETER, RecordingBackend.vm(), null,
                    "load", BENCH, "fd", "table", "opfd", Integer.toString(fd), "opfd", "123456", "opfd", "-1");
            assertTrue(b.out().endsWith("opfd " + fd + " = -9\nopfd 123456 = -9\nopfd -1 = -9\n"), b.out());
            a.stop(StopReason.REQUESTED);
            t.join();
        }
        assertTrue(backendA.objects.getFirst().closed);
    }

    private static int awaitFd(java.io.ByteArrayOutputStream out) throws InterruptedException {
        Pattern p = Pattern.compile("fd table = (\\d+)");
        for (int i = 0; i < 500; i++) {
            Matcher m = p.matcher(out.toString(StandardCharsets.UTF_8));
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
            Thread.sleep(20);
        }
        throw new AssertionError("guest A never printed its fd: " + out);
    }

    @Test
    void descriptorsOfAClosedObjectAreEBADF() {
        GuestRun run = GuestRun.run(Engine.INTERPRETER, RecordingBackend.vm(), null, "load", BENCH, "fd", "table",
                "close", "lookup", "1");
        assertTrue(run.out().endsWith("close = 0\nlookup 1 = -9 value=0\n"), run.out());
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void pollDeliversEveryRingRecordToTheTableCallback(Engine engine) {
        GuestRun run = GuestRun.run(engine, vmProducing(1), null, "load", BENCH, "fd", "rb", "poll", "0", "poll", "0");
        String out = run.out();
        assertEquals(64, out.lines().filter(l -> l.matches("record \\d+ ctx=42 size=64")).count(), out);
        assertTrue(out.contains("record 64 ctx=42 size=64\npoll = 64\npoll = 0\n"), out);
    }

    @Test
    void aNegativeCallbackResultStopsThePollAndIsReturned() {
        GuestRun run = GuestRun.run(Engine.COMPILER, vmProducing(1), null, "load", BENCH, "fd", "rb", "poll", "0", "2",
                "poll", "0");
        String out = run.out();
        assertTrue(out.contains("record 1 ctx=42 size=64\nrecord 2 ctx=42 size=64\npoll = -2\n"), out);
        // the record the callback refused was consumed (as libbpf does); the rest come next time
        assertTrue(out.endsWith("record 64 ctx=42 size=64\npoll = 62\n"), out);
    }

    @Test
    void timeoutZeroDoesNotBlock() {
        String[] polls = new String[2 * 20];
        for (int i = 0; i < 20; i++) {
            polls[2 * i] = "poll";
            polls[2 * i + 1] = "0";
        }
        List<String> args = new ArrayList<>(List.of("load", BENCH, "fd", "rb", "sleep", "0"));
        args.addAll(List.of(polls));
        args.addAll(List.of("sleep", "0"));
        GuestRun run = GuestRun.run(Engine.INTERPRETER, RecordingBackend.vm(), null, args.toArray(String[]::new));
        assertEquals(20, run.out().lines().filter(l -> l.equals("poll = 0")).count(), run.out());
        // 20 empty polls with timeout 0 take no time; one with a timeout waits it out
        long t0 = System.nanoTime();
        GuestRun.run(Engine.INTERPRETER, RecordingBackend.vm(), null, args.toArray(String[]::new));
        long zero = System.nanoTime() - t0;
        t0 = System.nanoTime();
        GuestRun blocking = GuestRun.run(Engine.INTERPRETER, RecordingBackend.vm(), null, "load", BENCH, "fd", "rb",
                "poll", "700");
        long waited = System.nanoTime() - t0;
        assertTrue(blocking.out().endsWith("poll = 0\n"), blocking.out());
        assertTrue(waited - zero > 500_000_000L, "poll 700 took " + waited / 1e6 + " ms, 20 x poll 0 " + zero / 1e6);
    }

    @Test
    void pollOnAMapThatIsNoBufferIsANegativeErrno() {
        GuestRun run = GuestRun.run(Engine.INTERPRETER, RecordingBackend.vm(), null, "load", BENCH, "fd", "table", "poll", "0");
        assertTrue(run.out().endsWith("poll = -22\n"), run.out());
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void outOfBoundsNamesAndKeysTrap(Engine engine) {
        var e = assertThrows(WasmTrapException.class,
                () -> GuestRun.run(engine, RecordingBackend.vm(), null, "load", XDP, "oob-name"));
        assertTrue(e.getMessage().contains("host function wasm_attach_bpf_program: program name at guest address 0xffffff00"),
                e.getMessage());
        var k = assertThrows(WasmTrapException.class,
                () -> GuestRun.run(engine, RecordingBackend.vm(), null, "load", BENCH, "fd", "table", "oob-key"));
        assertTrue(k.getMessage().contains("host function wasm_bpf_map_operate: key at guest address 0xfffffffc (4 bytes)"),
                k.getMessage());
    }

    @Test
    void withoutABackendLoadFailsWithTheReason() {
        GuestRun run = GuestRun.run(Engine.INTERPRETER, null, null,
                b -> b.backend(() -> {
                    throw new dev.wbpf.core.backend.BpfException("no BPF backend on the class path", 95);
                }), "load", XDP, "attach", "x");
        assertEquals("load failed\nattach x = -9\n", run.out());
        assertTrue(run.log().contains("cannot load BPF object: no BPF backend on the class path"), run.log());
    }
}
