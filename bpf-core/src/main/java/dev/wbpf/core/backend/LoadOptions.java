package dev.wbpf.core.backend;

import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * How to load an object.
 *
 * @param log      receives diagnostics (BTF fallbacks, lost events), one line each
 * @param pinRoot  the bpffs directory for maps pinned by name ({@code /sys/fs/bpf} by default)
 */
public record LoadOptions(Consumer<String> log, Path pinRoot) {

    public static LoadOptions defaults() {
        return new LoadOptions(line -> System.err.println("wbpf: " + line), Path.of("/sys/fs/bpf"));
    }

    public LoadOptions withLog(Consumer<String> log) {
        return new LoadOptions(log, pinRoot);
    }

    public LoadOptions withPinRoot(Path pinRoot) {
        return new LoadOptions(log, pinRoot);
    }
}
