package dev.wbpf.wasm;

import static dev.wbpf.wasm.WasmBpfModule.Engine.INTERPRETER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A parse started ahead of the build is used only for the bytes the build reads; a wrong guess changes nothing a user sees. */
class EarlyParseTest {

    @Test
    void theFirstWasmFileAmongTheCandidatesIsParsedAndRuns(@TempDir Path dir) throws IOException {
        Path notes = Files.writeString(dir.resolve("notes.txt"), "not wasm\n");
        Path guest = Guests.guest("guest");
        EarlyParse early = EarlyParse.startFirstOf(List.of(notes, dir.resolve("absent.wasm"), guest), INTERPRETER, null, false);
        assertTrue(early.preparedFor(Files.readAllBytes(guest), INTERPRETER, null, false).isPresent(), "guest.wasm was parsed ahead");
        try (var m = WasmBpfModule.builder().path(guest).args(List.of("exit", "7")).engine(INTERPRETER).earlyParse(early).build()) {
            assertEquals(7, m.run().exitCode());
        }
    }

    @Test
    void aModuleReplacedAfterTheEarlyParseIsBuiltFromItsNewBytes(@TempDir Path dir) throws IOException {
        Path module = Files.copy(Guests.guest("guest"), dir.resolve("m.wasm"));
        EarlyParse early = EarlyParse.startFirstOf(List.of(module), INTERPRETER, null, false);
        assertTrue(early.preparedFor(Files.readAllBytes(module), INTERPRETER, null, false).isPresent());
        Files.copy(Guests.guest("missing_imports"), module, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        var e = assertThrows(WasmHostException.class, () -> WasmBpfModule.builder().path(module).engine(INTERPRETER).earlyParse(early).build());
        assertTrue(e.getMessage().startsWith(module + " imports 2 things wbpf does not provide: "), e.getMessage());
    }

    @Test
    void anInvalidModuleGetsTheSameErrorWithOrWithoutAnEarlyParse(@TempDir Path dir) throws IOException {
        byte[] wasm = Files.readAllBytes(Guests.guest("guest"));
        Path cut = Files.write(dir.resolve("cut.wasm"), Arrays.copyOf(wasm, 100));
        EarlyParse early = EarlyParse.startFirstOf(List.of(cut), INTERPRETER, null, false);
        var withEarly = assertThrows(WasmHostException.class, () -> WasmBpfModule.builder().path(cut).engine(INTERPRETER).earlyParse(early).build());
        var without = assertThrows(WasmHostException.class, () -> WasmBpfModule.builder().path(cut).build());
        assertEquals(without.getMessage(), withEarly.getMessage());
        assertTrue(without.getMessage().startsWith(cut + " is not a valid WebAssembly module: "), without.getMessage());
    }

    @Test
    void aModulePreparedForAnotherEngineOrCacheIsPreparedAgain(@TempDir Path dir) throws IOException {
        Path guest = Guests.guest("guest");
        byte[] bytes = Files.readAllBytes(guest);
        var cache = new CompiledModuleCache(dir.resolve("c"));
        EarlyParse early = EarlyParse.startFirstOf(List.of(guest), WasmBpfModule.Engine.COMPILER, cache, false);
        assertTrue(early.preparedFor(bytes, WasmBpfModule.Engine.COMPILER, new CompiledModuleCache(dir.resolve("c")), false).isPresent());
        assertTrue(early.preparedFor(bytes, INTERPRETER, null, false).isEmpty(), "prepared for the compiler");
        assertTrue(early.preparedFor(bytes, WasmBpfModule.Engine.COMPILER, null, false).isEmpty(), "prepared with a cache");
        assertTrue(early.preparedFor(bytes, WasmBpfModule.Engine.COMPILER, cache, true).isEmpty(), "compiled in the foreground");
        try (var m = WasmBpfModule.builder().path(guest).args(List.of("exit", "6")).engine(INTERPRETER).earlyParse(early).build()) {
            assertEquals(6, m.run().exitCode());
            assertEquals(INTERPRETER, m.engineUsed());
        }
    }
}
