package dev.wbpf.wasm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompiledModuleCacheTest {

    @Test
    void aModuleIsCompiledOnceAndRunsFromTheCacheAfterwards(@TempDir Path dir) throws IOException {
        var cache = new CompiledModuleCache(dir.resolve("c"));
        for (int i = 0; i < 2; i++) {
            var out = new java.io.ByteArrayOutputStream();
            try (var m = WasmBpfModule.builder().path(Guests.guest("guest")).args(java.util.List.of("exit", "5"))
                    .stdout(out).compiledModuleCache(cache).build()) {
                assertEquals(5, m.run().exitCode());
                assertEquals(WasmBpfModule.Engine.COMPILER, m.engineUsed());
            }
            try (Stream<Path> files = Files.list(cache.directory())) {
                assertEquals(1, files.count(), "one entry per module digest");
            }
        }
    }
}
