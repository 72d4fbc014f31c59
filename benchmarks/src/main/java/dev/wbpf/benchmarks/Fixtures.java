package dev.wbpf.benchmarks;

import dev.wbpf.core.object.BpfObjectReader;
import dev.wbpf.core.object.BpfObjectSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The BPF objects under {@code testdata/bpf/out}: from {@code -Dwbpf.testdata=DIR}, else
 * {@code testdata} or {@code ../testdata} relative to the working directory.
 */
public final class Fixtures {
    private Fixtures() {}

    public static Path object(String name) {
        String configured = System.getProperty("wbpf.testdata");
        for (Path dir : configured != null ? new Path[] {Path.of(configured)} : new Path[] {Path.of("testdata"), Path.of("..", "testdata")}) {
            Path object = dir.resolve("bpf/out/" + name + ".bpf.o");
            if (Files.isRegularFile(object)) {
                return object;
            }
        }
        throw new IllegalStateException("BPF fixture " + name + ".bpf.o not found under testdata/bpf/out"
                + " (run from the repository root or pass -Dwbpf.testdata=DIR)");
    }

    public static BpfObjectSpec spec(String name) {
        try {
            return BpfObjectReader.read(object(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
