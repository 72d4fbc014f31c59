package dev.wbpf.wasm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dylibso.chicory.wasm.types.OpCode;
import dev.wbpf.wasm.WasmBpfModule.Engine;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Compiled modules kept between runs, and what a run skips when its module is in the cache. */
class CompiledModuleCacheTest {

    private static int run(CompiledModuleCache cache, Path module, List<String> args, ByteArrayOutputStream out) {
        try (var m = WasmBpfModule.builder().path(module).args(args).stdout(out).compiledModuleCache(cache).build()) {
            int status = m.run().exitCode();
            assertEquals(Engine.COMPILER, m.engineUsed());
            return status;
        }
    }

    private static List<Path> entries(CompiledModuleCache cache) throws IOException {
        try (Stream<Path> files = Files.list(cache.directory())) {
            return files.filter(f -> f.toString().endsWith(".bin")).toList();
        }
    }

    @Test
    void aModuleIsCompiledOnceAndRunsFromTheCacheAfterwards(@TempDir Path dir) throws IOException {
        var cache = new CompiledModuleCache(dir.resolve("c"));
        for (int i = 0; i < 2; i++) {
            assertEquals(5, run(cache, Guests.guest("guest"), List.of("exit", "5"), new ByteArrayOutputStream()));
            assertEquals(1, entries(cache).size(), "one entry per module digest");
        }
    }

    @Test
    void aCachedModuleRunsFromStubBodiesAndBehavesTheSame(@TempDir Path dir) throws IOException {
        var cache = new CompiledModuleCache(dir.resolve("c"));
        byte[] wasm = Files.readAllBytes(Guests.guest("guest"));

        PreparedModule first = PreparedModule.prepare(wasm, Engine.COMPILER, cache);
        assertTrue(cache.compiledWhole(cache.digest(wasm)), "every function of the guest compiles");
        PreparedModule second = PreparedModule.prepare(wasm, Engine.COMPILER, cache);
        assertTrue(hasRealBodies(first), "the first run parses the bodies it compiles");
        assertFalse(hasRealBodies(second), "a run from the cache parses no function body");
        assertEquals(first.module().digest(), second.module().digest());

        List<String> script = List.of("hello", "env HOME", "exit", "3");
        var out1 = new ByteArrayOutputStream();
        var out2 = new ByteArrayOutputStream();
        int status1 = run(new CompiledModuleCache(dir.resolve("fresh")), Guests.guest("guest"), script, out1);
        int status2 = run(cache, Guests.guest("guest"), script, out2);
        assertEquals(status1, status2);
        assertEquals(out1.toString(), out2.toString());
    }

    /** Whether any function body holds more than {@code unreachable; end}. */
    private static boolean hasRealBodies(PreparedModule prepared) {
        for (var body : prepared.module().codeSection().functionBodies()) {
            for (var instruction : body.instructions()) {
                if (instruction.opcode() != OpCode.UNREACHABLE && instruction.opcode() != OpCode.END) {
                    return true;
                }
            }
        }
        return false;
    }

    @Test
    void aTrapInACachedModuleStillNamesTheGuestFunction(@TempDir Path dir) {
        var cache = new CompiledModuleCache(dir.resolve("c"));
        for (int i = 0; i < 2; i++) {
            try (var m = WasmBpfModule.builder().path(Guests.guest("guest")).args(List.of("trap"))
                    .compiledModuleCache(cache).build()) {
                var e = org.junit.jupiter.api.Assertions.assertThrows(WasmTrapException.class, m::run);
                assertEquals("crash_here", e.guestFunction().orElseThrow(), "run " + i + ": " + e.getMessage());
            }
        }
    }

    @Test
    void aDamagedEntryIsReportedAndTheModuleIsInterpreted(@TempDir Path dir) throws IOException {
        var cache = new CompiledModuleCache(dir.resolve("c"));
        run(cache, Guests.guest("guest"), List.of("exit", "0"), new ByteArrayOutputStream());
        Files.writeString(entries(cache).getFirst(), "not a jar");
        assertInterpretedSaying("compiling " + Guests.guest("guest") + " failed, using the interpreter: ",
                WasmBpfModule.builder().compiledModuleCache(cache));
    }

    /** Runs the guest with {@code exit 4}: interpreted, with one line in the log, starting so. */
    private static void assertInterpretedSaying(String logStart, WasmBpfModule.Builder builder) {
        List<String> log = new ArrayList<>();
        try (var m = builder.path(Guests.guest("guest")).args(List.of("exit", "4")).log(log::add).build()) {
            assertEquals(4, m.run().exitCode());
            assertEquals(Engine.INTERPRETER, m.engineUsed());
        }
        assertEquals(1, log.size(), log.toString());
        assertTrue(log.getFirst().startsWith(logStart), log.getFirst());
    }

    @Test
    void theDigestOfKnownBytesIsFoundWithoutHashingButOnlyForTheSameBytes(@TempDir Path dir) throws IOException {
        var cache = new CompiledModuleCache(dir.resolve("c"));
        byte[] wasm = Files.readAllBytes(Guests.guest("guest"));
        String digest = ModuleParsing.digest(wasm);
        assertEquals(digest, cache.digest(wasm), "hashed the first time");
        assertEquals(digest, cache.digest(wasm), "found the second time");

        // another module under the same name (as if size and CRC-32C collided) must not lend its digest
        Path known;
        try (Stream<Path> files = Files.list(cache.directory().resolve("known"))) {
            known = files.findFirst().orElseThrow();
        }
        byte[] other = wasm.clone();
        other[other.length - 1] ^= 1;
        Files.write(known, ("sha-256:forged\n" + new String(other, java.nio.charset.StandardCharsets.ISO_8859_1))
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        assertEquals(digest, cache.digest(wasm));
        assertNotEquals(digest, cache.digest(other));
    }

    @Test
    void aModuleWithAFunctionTooLargeForTheJvmRunsButIsNotMarkedWhole(@TempDir Path dir) {
        var cache = new CompiledModuleCache(dir.resolve("c"));
        byte[] wasm = WasmWithHugeFunction.bytes();
        PreparedModule first = PreparedModule.prepare(wasm, Engine.COMPILER, cache);
        assertEquals(Engine.COMPILER, first.engineUsed());
        assertFalse(cache.compiledWhole(cache.digest(wasm)), "one function is interpreted, so it needs its body");
        PreparedModule second = PreparedModule.prepare(wasm, Engine.COMPILER, cache);
        assertTrue(hasRealBodies(second));
        var instance = com.dylibso.chicory.runtime.Instance.builder(second.module()).withMachineFactory(second.compiled()).build();
        assertEquals(WasmWithHugeFunction.RESULT, instance.export("huge").apply()[0]);
    }

    @Test
    void aFirstRunCanBeInterpretedWhileTheModuleIsCompiledForTheNext(@TempDir Path dir) throws IOException {
        var cache = new CompiledModuleCache(dir.resolve("c"));
        var out = new ByteArrayOutputStream();
        try (var m = WasmBpfModule.builder().path(Guests.guest("guest")).args(List.of("hello", "exit", "2")).stdout(out)
                .compiledModuleCache(cache).compileInBackgroundOnCacheMiss(true).build()) {
            assertEquals(2, m.run().exitCode());
            assertEquals(Engine.INTERPRETER, m.engineUsed());
            assertTrue(m.compilingForLaterRuns());
        } // close() waits for the compile
        assertEquals("hello\n", out.toString());
        assertEquals(1, entries(cache).size());
        assertTrue(cache.compiledWhole(cache.digest(Files.readAllBytes(Guests.guest("guest")))));

        try (var m = WasmBpfModule.builder().path(Guests.guest("guest")).args(List.of("exit", "2"))
                .compiledModuleCache(cache).compileInBackgroundOnCacheMiss(true).build()) {
            assertEquals(2, m.run().exitCode());
            assertEquals(Engine.COMPILER, m.engineUsed(), "the next run finds it");
            assertFalse(m.compilingForLaterRuns());
        }
    }

    @Test
    void aCompileForLaterRunsThatFailsIsReportedWhenTheModuleCloses(@TempDir Path dir) throws IOException {
        var cache = new CompiledModuleCache(Files.writeString(dir.resolve("not-a-directory"), "")); // nothing can be stored
        assertInterpretedSaying("compiling " + Guests.guest("guest") + " for later runs failed (this run was interpreted): ",
                WasmBpfModule.builder().compiledModuleCache(cache).compileInBackgroundOnCacheMiss(true));
    }

    @Test
    void aCacheIsOnlyOfferedWhereItCanBeWritten(@TempDir Path dir) throws IOException {
        assertTrue(CompiledModuleCache.ifWritable(dir.resolve("new/deep")).isPresent());
        assertTrue(Files.isDirectory(dir.resolve("new/deep")), "made");
        Path file = Files.writeString(dir.resolve("file"), "");
        assertFalse(CompiledModuleCache.ifWritable(file).isPresent());
        assertFalse(CompiledModuleCache.ifWritable(file.resolve("below")).isPresent());
    }

    @Test
    void theDefaultLocationFollowsXdgThenHomeThenThePasswordFile() {
        String version = CompiledModuleCache.defaultLocation().directory().getFileName().toString();
        assertEquals(Path.of("/x/wbpf", version), CompiledModuleCache.defaultLocation(java.util.Map.of("XDG_CACHE_HOME", "/x",
                "HOME", "/h"), "/p").directory());
        assertEquals(Path.of("/h/.cache/wbpf", version), CompiledModuleCache.defaultLocation(java.util.Map.of("HOME", "/h",
                "XDG_CACHE_HOME", "relative"), "/p").directory());
        assertEquals(Path.of("/p/.cache/wbpf", version), CompiledModuleCache.defaultLocation(java.util.Map.of(), "/p").directory());
    }
}
