package dev.wbpf.wasm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wbpf.wasm.WasmBpfModule.Engine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The module runner: WASI wiring, import checks, traps, exit codes, stopping. No BPF backend needed. */
class WasmBpfModuleTest {

    @Test
    void aFileThatIsNotWasmIsRefusedByName(@TempDir Path dir) throws IOException {
        Path notWasm = Files.writeString(dir.resolve("notes.txt"), "hello, I am text\n");
        var e = assertThrows(WasmHostException.class, () -> WasmBpfModule.builder().path(notWasm).build());
        assertEquals(notWasm + " is not a WebAssembly module (it does not start with \\0asm)", e.getMessage());
    }

    @Test
    void aMissingFileSaysSo(@TempDir Path dir) {
        var e = assertThrows(WasmHostException.class,
                () -> WasmBpfModule.builder().path(dir.resolve("absent.wasm")).build());
        assertTrue(e.getMessage().endsWith("absent.wasm: no such file"), e.getMessage());
    }

    @Test
    void truncatedWasmIsInvalid() throws IOException {
        byte[] wasm = Files.readAllBytes(Guests.guest("guest"));
        byte[] cut = java.util.Arrays.copyOf(wasm, 100);
        var e = assertThrows(WasmHostException.class, () -> WasmBpfModule.builder().bytes("cut.wasm", cut).build());
        assertTrue(e.getMessage().startsWith("cut.wasm is not a valid WebAssembly module: "), e.getMessage());
    }

    @Test
    void importsWbpfDoesNotProvideAreAllListedBeforeInstantiation() {
        Path module = Guests.guest("missing_imports");
        var e = assertThrows(WasmHostException.class, () -> WasmBpfModule.builder().path(module).build());
        String m = e.getMessage();
        assertTrue(m.startsWith(module + " imports 2 things wbpf does not provide: "), m);
        assertTrue(m.contains("env.not_a_wbpf_function (i32) -> (i32)"), m);
        assertTrue(m.contains("wasm_bpf.wasm_frobnicate () -> (i32)"), m);
        assertFalse(m.contains("wasm_load_bpf_object"), m);
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void exitCodeOfTheGuestIsTheResult(Engine engine) {
        assertEquals(7, GuestRun.run(engine, null, null, "exit", "7").result().exitCode());
        assertEquals(0, GuestRun.run(engine, null, null, "exit", "0").result().exitCode());
        RunResult normal = GuestRun.run(engine, null, null, "hello").result();
        assertEquals(0, normal.exitCode());
        assertEquals(RunResult.Outcome.EXITED, normal.outcome());
    }

    @Test
    void stdoutAndStderrReachTheirStreams() {
        GuestRun run = GuestRun.run(Engine.INTERPRETER, null, null, "hello");
        assertEquals("hello\n", run.out());
        assertEquals("oops\n", run.err());
    }

    @Test
    void argvZeroIsTheModulePathAsGiven() {
        GuestRun run = GuestRun.run(Engine.COMPILER, null, null, "argv", "two words");
        assertEquals("argc=3\nargv[0]=" + Guests.guest("guest") + "\nargv[1]=argv\nargv[2]=two words\n", run.out());
    }

    @Test
    void environmentOnlyWhenAsked() {
        assertEquals("PATH=(unset)\n", GuestRun.run(Engine.INTERPRETER, null, null, "env", "PATH").out());
        assertEquals("WBPF_X=1\n", GuestRun.run(Engine.INTERPRETER, null, null, b -> b.env("WBPF_X", "1"),
                "env", "WBPF_X").out());
        assertEquals("PATH=" + System.getenv("PATH") + "\n",
                GuestRun.run(Engine.INTERPRETER, null, null, WasmBpfModule.Builder::inheritEnv, "env", "PATH").out());
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aTrapNamesTheGuestFunction(Engine engine) {
        var e = assertThrows(WasmTrapException.class, () -> GuestRun.run(engine, null, null, "trap"));
        assertEquals("crash_here", e.guestFunction().orElseThrow(), e.getMessage());
        assertTrue(e.getMessage().startsWith(Guests.guest("guest") + " trapped in function `crash_here`: "), e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void anOutOfBoundsPointerTrapsNamingTheHostFunctionAndAddress(Engine engine) {
        var e = assertThrows(WasmTrapException.class, () -> GuestRun.run(engine, RecordingBackend.vm(), null, "oob-load"));
        assertTrue(e.getMessage().contains("trapped in host function wasm_load_bpf_object: BPF object buffer at guest address 0xfffffff0 (4096 bytes) is outside"),
                e.getMessage());
        assertEquals("main", e.guestFunction().orElseThrow());
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aTimeoutStopsASpinningGuest(Engine engine) {
        long t0 = System.nanoTime();
        RunResult r = GuestRun.run(engine, null, Duration.ofMillis(300), "spin").result();
        assertEquals(RunResult.Outcome.TIMED_OUT, r.outcome());
        assertEquals(124, r.exitCode());
        assertTrue(Duration.ofNanos(System.nanoTime() - t0).toMillis() < 10_000);
    }

    @Test
    void aTimeoutInterruptsAWasiSleep() {
        GuestRun run = GuestRun.run(Engine.COMPILER, null, Duration.ofMillis(200), "sleep", "60000");
        assertEquals(RunResult.Outcome.TIMED_OUT, run.result().outcome());
        assertEquals("", run.out());
    }

    @Test
    void stopFromAnotherThreadEndsTheRunWithTheReasonsStatus() throws Exception {
        try (WasmBpfModule module = WasmBpfModule.builder().path(Guests.guest("guest")).args(List.of("spin"))
                .stdout(java.io.OutputStream.nullOutputStream()).build()) {
            var stopper = Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
                module.stop(StopReason.TERMINATE);
            });
            RunResult r = module.run();
            stopper.join();
            assertEquals(RunResult.Outcome.STOPPED, r.outcome());
            assertEquals(143, r.exitCode());
        }
    }

    @Test
    void embeddingStartInTheBackgroundAndStop() throws Exception {
        var backend = RecordingBackend.vm();
        var out = new java.io.ByteArrayOutputStream();
        try (WasmBpfModule module = WasmBpfModule.builder().bytes("in-memory.wasm", Files.readAllBytes(Guests.guest("guest")))
                .args(List.of("argv", "x")).stdout(out).backend(backend).build()) {
            RunResult done = module.start(null).get();
            assertEquals(0, done.exitCode());
            assertTrue(out.toString().startsWith("argc=3\nargv[0]=in-memory.wasm\n"), out.toString());
        }
        try (WasmBpfModule module = WasmBpfModule.builder().path(Guests.guest("guest")).args(List.of("spin"))
                .stdout(java.io.OutputStream.nullOutputStream()).build()) {
            var running = module.start(null);
            module.stop(StopReason.REQUESTED);
            RunResult r = running.get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(RunResult.Outcome.STOPPED, r.outcome());
            assertEquals(130, r.exitCode());
        }
    }
}
