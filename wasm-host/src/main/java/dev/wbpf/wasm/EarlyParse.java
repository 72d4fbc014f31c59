package dev.wbpf.wasm;

import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import dev.wbpf.core.StartupTrace;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A module file read and parsed on another thread, started before the caller is sure it will run
 * that file: {@code wbpf run} starts it while picocli is still reading its command line, which
 * costs as long as parsing does. {@link WasmBpfModule.Builder#build()} takes the result only for
 * the very bytes it reads itself, so a wrong guess, a file changed in between or a parse that
 * failed costs time, never a wrong module or a different error message.
 */
public final class EarlyParse {
    /** The bytes parsed and what they parsed to. */
    private record Parsed(byte[] bytes, WasmModule module) {
    }

    private final CompletableFuture<Parsed> parsed = new CompletableFuture<>();

    private EarlyParse() {
    }

    /**
     * Starts, on a daemon thread, reading and parsing the first of {@code candidates} that is a
     * file starting with the Wasm magic (none: nothing is parsed).
     */
    public static EarlyParse startFirstOf(List<Path> candidates) {
        EarlyParse early = new EarlyParse();
        Thread.ofPlatform().name("wbpf-early-parse").daemon(true).start(() -> {
            Parsed result = null;
            try {
                for (Path candidate : candidates) {
                    if (startsWithWasmMagic(candidate)) {
                        result = parse(candidate);
                        break;
                    }
                }
            } finally {
                early.parsed.complete(result);
            }
        });
        return early;
    }

    private static boolean startsWithWasmMagic(Path path) {
        try (InputStream in = Files.newInputStream(path)) {
            return Arrays.equals(in.readNBytes(4), WasmBpfModule.WASM_MAGIC);
        } catch (IOException | RuntimeException e) {
            return false; // not a readable file
        }
    }

    private static Parsed parse(Path path) {
        try {
            byte[] bytes = Files.readAllBytes(path);
            WasmModule module = Parser.parse(bytes);
            StartupTrace.mark("module parsed ahead (" + path + ")");
            return new Parsed(bytes, module);
        } catch (IOException | RuntimeException | StackOverflowError e) {
            return null; // the build parses again and reports what is wrong in its own words
        }
    }

    /** Waits until the parse has ended, however it ended (work that should not compete with it can follow). */
    public void awaitEnd() {
        parsed.join();
    }

    /** The parsed module if these are the bytes that were parsed (waits for the parse to end). */
    Optional<WasmModule> moduleOf(byte[] bytes) {
        Parsed p = parsed.join();
        return p != null && Arrays.equals(p.bytes(), bytes) ? Optional.of(p.module()) : Optional.empty();
    }
}
