package dev.wbpf.wasm;

import com.dylibso.chicory.compiler.Cache;
import dev.wbpf.core.StartupTrace;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A module file read, parsed and compiled (or loaded from the compiled-module cache) on another
 * thread, started before the caller is sure it will run that file: {@code wbpf run} starts it
 * while picocli is still reading its command line. Then the BPF objects embedded in the module
 * are read ahead for the guest's loads. {@link WasmBpfModule.Builder#build()} takes the result only
 * for the very bytes it reads itself and the engine and cache it was asked for, so a wrong guess,
 * a file changed in between or a parse that failed costs time, never a wrong module or a different
 * error message.
 */
public final class EarlyParse {
    /** The bytes prepared, how, and what they became. */
    private record Prepared(byte[] bytes, WasmBpfModule.Engine engine, Cache cache, boolean compileInBackground,
                            PreparedModule module) {
    }

    private final CompletableFuture<Prepared> prepared = new CompletableFuture<>();
    private final ObjectsReadAhead objects = new ObjectsReadAhead();

    private EarlyParse() {
    }

    /**
     * Starts, on a daemon thread, preparing the first of {@code candidates} that is a file starting
     * with the Wasm magic (none: nothing is prepared) for {@code engine} with {@code cache} (may be
     * null), and {@link WasmBpfModule.Builder#compileInBackgroundOnCacheMiss} as given.
     */
    public static EarlyParse startFirstOf(List<Path> candidates, WasmBpfModule.Engine engine, Cache cache,
                                          boolean compileInBackground) {
        return start(() -> firstWasmFile(candidates), engine, cache, compileInBackground);
    }

    /**
     * Starts, on a daemon thread, preparing the module {@code source} gives there (null or a
     * failure: nothing is prepared), as {@link #startFirstOf} does.
     */
    public static EarlyParse start(ModuleSource source, WasmBpfModule.Engine engine, Cache cache, boolean compileInBackground) {
        EarlyParse early = new EarlyParse();
        Thread.ofPlatform().name("wbpf-early-parse").daemon(true).start(() -> {
            Prepared result = null;
            try {
                byte[] bytes = source.read();
                if (bytes != null) {
                    PreparedModule module = PreparedModule.prepare(bytes, engine, cache, compileInBackground);
                    StartupTrace.mark("module prepared ahead (" + module.engineUsed() + ")");
                    result = new Prepared(bytes, engine, cache, compileInBackground, module);
                }
            } catch (IOException | RuntimeException | StackOverflowError e) {
                // the build reads and parses again and reports what is wrong in its own words
            } finally {
                early.prepared.complete(result);
            }
            if (result != null) { // else objectsFor never hands out the objects
                early.objects.readFrom(result.module().module());
                StartupTrace.mark("embedded BPF objects read ahead");
            }
        });
        return early;
    }

    /** Where the module to prepare ahead comes from; run on the early thread. */
    @FunctionalInterface
    public interface ModuleSource {
        /** The module's bytes, or null for none. */
        byte[] read() throws IOException;
    }

    /** The bytes of the first of {@code candidates} that is a file starting with the Wasm magic; null if none is. */
    public static byte[] firstWasmFile(List<Path> candidates) throws IOException {
        for (Path candidate : candidates) {
            if (startsWithWasmMagic(candidate)) {
                return Files.readAllBytes(candidate);
            }
        }
        return null;
    }

    private static boolean startsWithWasmMagic(Path path) {
        try (InputStream in = Files.newInputStream(path)) {
            return Arrays.equals(in.readNBytes(4), WasmBpfModule.WASM_MAGIC);
        } catch (IOException | RuntimeException e) {
            return false; // not a readable file
        }
    }

    /** Completes when preparing the module has ended, however it ended (work that should not compete with it can follow). */
    public CompletableFuture<Void> ended() {
        return prepared.thenApply(p -> null);
    }

    /** The prepared module if these are the bytes and the options it was prepared with (waits for it). */
    Optional<PreparedModule> preparedFor(byte[] bytes, WasmBpfModule.Engine engine, Cache cache, boolean compileInBackground) {
        Prepared p = prepared.join();
        return p != null && Arrays.equals(p.bytes(), bytes) && p.engine() == engine && Objects.equals(p.cache(), cache)
                && p.compileInBackground() == compileInBackground ? Optional.of(p.module()) : Optional.empty();
    }

    /** The objects embedded in these bytes, read ahead (none if other bytes were prepared). */
    ObjectsReadAhead objectsFor(byte[] bytes) {
        Prepared p = prepared.join();
        return p != null && Arrays.equals(p.bytes(), bytes) ? objects : ObjectsReadAhead.none();
    }
}
