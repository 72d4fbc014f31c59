package dev.wbpf.wasm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committed test guests can be rebuilt from src/test/c with clang-16, and the rebuilt ones
 * run. Without clang-16 it fails saying what to install (scripts/setup installs it), like every
 * other test that needs the project's toolchain.
 */
@Tag("clang")
class GuestSourcesTest {

    @Test
    void guestsRebuildFromSourceAndRun(@TempDir Path out) throws IOException, InterruptedException {
        Path script = Path.of(System.getProperty("wbpf.testdata"), "..", "wasm-host", "src", "test", "c", "build.sh").normalize();
        boolean haveClang = new ProcessBuilder("sh", "-c", "command -v clang-16").start().waitFor() == 0;
        assertTrue(haveClang, "clang-16 is not installed: run scripts/setup (or apt-get install clang-16 lld-16"
                + " wasi-libc libclang-rt-16-dev-wasm32) to rebuild the test guests");
        Process p = new ProcessBuilder(script.toString(), out.toString()).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "build.sh hung");
        assertEquals(0, p.exitValue(), "build.sh failed:\n" + log);
        for (String name : List.of("guest", "missing_imports", "variants")) {
            assertTrue(Files.size(out.resolve(name + ".wasm")) > 0, name);
        }
        try (var m = WasmBpfModule.builder().path(out.resolve("guest.wasm")).args(List.of("exit", "9"))
                .stdout(java.io.OutputStream.nullOutputStream()).build()) {
            assertEquals(9, m.run().exitCode());
        }
    }
}
