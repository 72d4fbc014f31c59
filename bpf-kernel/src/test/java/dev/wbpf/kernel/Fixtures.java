package dev.wbpf.kernel;

import dev.wbpf.core.object.BpfObjectReader;
import dev.wbpf.core.object.BpfObjectSpec;
import java.nio.file.Files;
import java.nio.file.Path;

/** The BPF fixture objects under {@code testdata/bpf/out} (surefire passes {@code wbpf.testdata}). */
public final class Fixtures {
    private Fixtures() {}

    public static Path object(String name) {
        String configured = System.getProperty("wbpf.testdata");
        Path dir = configured != null ? Path.of(configured) : Path.of("..", "testdata");
        Path object = dir.resolve("bpf/out/" + name + ".bpf.o");
        if (!Files.isRegularFile(object)) {
            throw new IllegalStateException("BPF fixture " + object.toAbsolutePath() + " not found");
        }
        return object;
    }

    public static BpfObjectSpec spec(String name) {
        try {
            return BpfObjectReader.read(object(name));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
