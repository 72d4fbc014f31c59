package dev.wbpf.wasm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wbpf.wasm.WasmBpfModule.Engine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The six wasm_bpf host functions against an in-memory backend: every error path of the ABI
 * contract that does not need a kernel. {@code RealKernelAbiTest} repeats the essentials on the
 * kernel backend.
 */
class WasmBpfHostTest {

    private static final String OBJ = "/data/execsnoop.bpf.o";

    @ParameterizedTest
    @EnumSource(Engine.class)
    void loadAttachAndClose(Engine engine) {
        var backend = new FakeBackend();
        GuestRun run = GuestRun.run(engine, backend, null, "load", OBJ, "attach", "handle_execve",
                "attach", "handle_exit", "close");
        assertEquals("load ok\nattach handle_execve = 0\nattach handle_exit = 0\nclose = 0\n", run.out());
        var object = backend.objects.getFirst();
        assertTrue(object.closed);
        assertEquals(2, object.links.size());
        assertTrue(object.links.stream().allMatch(l -> l.closed));
        assertEquals("handle_execve -> tp/syscalls/sys_enter_execve", object.links.getFirst().description);
    }

    @Test
    void explicitTargetIsPassedAndAttachFailuresAreNegativeErrno() {
        var backend = new FakeBackend();
        GuestRun run = GuestRun.run(Engine.INTERPRETER, backend, null, "load", OBJ,
                "attach", "handle_execve", "x/y", "attach", "handle_exit", "nowhere/");
        assertEquals("load ok\nattach handle_execve = 0\nattach handle_exit = -2\n", run.out());
        assertTrue(run.log().contains("cannot attach handle_exit: no such attach point: nowhere/"), run.log());
        assertEquals("handle_execve -> x/y", backend.objects.getFirst().links.getFirst().description);
    }

    @Test
    void unknownProgramNameIsENOENTNotACrash() {
        GuestRun run = GuestRun.run(Engine.COMPILER, new FakeBackend(), null, "load", OBJ, "attach", "no_such_prog");
        assertEquals("load ok\nattach no_such_prog = -2\n", run.out());
        assertTrue(run.log().contains("no program named no_such_prog"), run.log());
    }

    @Test
    void objectsLeftOpenAreClosedWhenTheGuestEnds() {
        var backend = new FakeBackend();
        GuestRun.run(Engine.INTERPRETER, backend, null, "load", OBJ, "attach", "handle_execve");
        assertTrue(backend.objects.getFirst().closed);
        assertTrue(backend.objects.getFirst().links.getFirst().closed);
    }

    @Test
    void objectsAreClosedWhenTheGuestIsStopped() {
        var backend = new FakeBackend();
        GuestRun run = GuestRun.run(Engine.COMPILER, backend, Duration.ofMillis(500), "load", OBJ, "attach", "handle_execve",
                "sleep", "60000");
        assertEquals(RunResult.Outcome.TIMED_OUT, run.result().outcome());
        assertTrue(backend.objects.getFirst().closed);
        assertTrue(backend.objects.getFirst().links.getFirst().closed);
    }

    @Test
    void aBadObjectFailsWithHandleZeroAndTheReasonInTheLog(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("bad.bpf.o"), "not an ELF file at all");
        GuestRun run = GuestRun.run(Engine.INTERPRETER, new FakeBackend(), null, b -> b.directory(dir, "/tmp"),
                "load", "/tmp/bad.bpf.o", "attach", "x");
        assertEquals("load failed\nattach x = -9\n", run.out());
        assertTrue(run.log().startsWith("cannot load BPF object: "), run.log());
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void mapOperations(Engine engine) {
        GuestRun run = GuestRun.run(engine, new FakeBackend(), null, "load", OBJ, "fd", "starts",
                "lookup", "5", "update", "5", "77", "lookup", "5", "update", "9", "1",
                "next", "next", "5", "next", "9", "delete", "5", "delete", "5", "lookup", "5");
        String out = run.out().replaceFirst("fd starts = \\d+", "fd starts = N");
        assertEquals("""
                load ok
                fd starts = N
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
                """, out);
    }

    @Test
    void unknownMapNameIsENOENT() {
        GuestRun run = GuestRun.run(Engine.INTERPRETER, new FakeBackend(), null, "load", OBJ, "fd", "nope");
        assertEquals("load ok\nfd nope = -2\n", run.out());
    }

    @Test
    void madeUpAndForeignDescriptorsAreEBADF() throws Exception {
        // module A holds its object open while module B tries A's descriptor
        var backendA = new FakeBackend();
        var outA = new java.io.ByteArrayOutputStream();
        try (WasmBpfModule a = WasmBpfModule.builder().path(Guests.guest("guest"))
                .args(java.util.List.of("load", OBJ, "fd", "starts", "update", "1", "11", "sleep", "60000"))
                .directory(Guests.bpfObjects(), "/data").stdout(outA).backend(backendA).build()) {
            Thread t = Thread.ofPlatform().start(() -> a.run(Duration.ofSeconds(30)));
            int fd = awaitFd(outA);
            GuestRun b = GuestRun.run(Engine.INTERPRETER, new FakeBackend(), null,
                    "load", OBJ, "fd", "starts", "opfd", Integer.toString(fd), "opfd", "123456", "opfd", "-1");
            assertTrue(b.out().endsWith("opfd " + fd + " = -9\nopfd 123456 = -9\nopfd -1 = -9\n"), b.out());
            a.stop(StopReason.REQUESTED);
            t.join();
        }
        assertTrue(backendA.objects.getFirst().closed);
    }

    private static int awaitFd(java.io.ByteArrayOutputStream out) throws InterruptedException {
        Pattern p = Pattern.compile("fd starts = (\\d+)");
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
        GuestRun run = GuestRun.run(Engine.INTERPRETER, new FakeBackend(), null, "load", OBJ, "fd", "starts",
                "close", "lookup", "1");
        assertTrue(run.out().endsWith("close = 0\nlookup 1 = -9 value=0\n"), run.out());
    }

    private static FakeBackend withRecords(int n) {
        return new FakeBackend() {
            @Override
            public dev.wbpf.core.backend.BpfObject load(dev.wbpf.core.object.BpfObjectSpec spec,
                                                        dev.wbpf.core.backend.LoadOptions options) {
                var o = (FakeObject) super.load(spec, options);
                var events = o.maps.stream().filter(m -> m.name().equals("events")).findFirst().orElseThrow();
                for (int i = 1; i <= n; i++) {
                    events.send(new byte[i == 2 ? 1000 : 16 * i]);
                }
                return o;
            }
        };
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void pollDeliversEveryRecordToTheTableCallbackClippedToTheBuffer(Engine engine) {
        GuestRun run = GuestRun.run(engine, withRecords(3), null, "load", OBJ, "fd", "events", "poll", "0", "poll", "0");
        String out = run.out().replaceFirst("fd events = \\d+", "fd events = N");
        assertEquals("""
                load ok
                fd events = N
                record 1 ctx=42 size=16
                record 2 ctx=42 size=256
                record 3 ctx=42 size=48
                poll = 3
                poll = 0
                """, out);
    }

    @Test
    void aNegativeCallbackResultStopsThePollAndIsReturned() {
        GuestRun run = GuestRun.run(Engine.COMPILER, withRecords(3), null, "load", OBJ, "fd", "events", "poll", "0", "2");
        assertTrue(run.out().endsWith("record 1 ctx=42 size=16\nrecord 2 ctx=42 size=256\npoll = -2\n"), run.out());
    }

    @Test
    void pollOnAMapThatIsNoBufferIsANegativeErrno() {
        GuestRun run = GuestRun.run(Engine.INTERPRETER, new FakeBackend(), null, "load", OBJ, "fd", "starts", "poll", "0");
        assertTrue(run.out().endsWith("poll = -22\n"), run.out());
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void outOfBoundsNamesAndKeysTrap(Engine engine) {
        var e = assertThrows(WasmTrapException.class,
                () -> GuestRun.run(engine, new FakeBackend(), null, "load", OBJ, "oob-name"));
        assertTrue(e.getMessage().contains("host function wasm_attach_bpf_program: program name at guest address 0xffffff00"),
                e.getMessage());
        var k = assertThrows(WasmTrapException.class,
                () -> GuestRun.run(engine, new FakeBackend(), null, "load", OBJ, "fd", "starts", "oob-key"));
        assertTrue(k.getMessage().contains("host function wasm_bpf_map_operate: key at guest address 0xfffffffc (4 bytes)"),
                k.getMessage());
    }

    @Test
    void withoutABackendLoadFailsWithTheReason() {
        GuestRun run = GuestRun.run(Engine.INTERPRETER, null, null,
                b -> b.backend(() -> {
                    throw new dev.wbpf.core.backend.BpfException("no BPF backend on the class path", 95);
                }), "load", OBJ, "attach", "x");
        assertEquals("load failed\nattach x = -9\n", run.out());
        assertTrue(run.log().contains("cannot load BPF object: no BPF backend on the class path"), run.log());
    }
}
