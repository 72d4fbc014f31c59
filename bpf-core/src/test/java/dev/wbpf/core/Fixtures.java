package dev.wbpf.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The BPF fixtures under {@code testdata/bpf}: clang-built objects in {@code out/} and the
 * golden output of real tools in {@code golden/}. Surefire passes the directory as
 * {@code wbpf.testdata}.
 */
public final class Fixtures {
    private Fixtures() {
    }

    public static Path testdata() {
        String configured = System.getProperty("wbpf.testdata");
        Path dir = configured != null ? Path.of(configured) : Path.of("..", "testdata");
        if (!Files.isDirectory(dir.resolve("bpf/out"))) {
            throw new IllegalStateException("BPF fixtures not found under " + dir.toAbsolutePath()
                    + " (run testdata/bpf/build.sh, or set -Dwbpf.testdata)");
        }
        return dir;
    }

    /** {@code testdata/bpf/out/NAME.bpf.o}. */
    public static Path object(String name) {
        return testdata().resolve("bpf/out/" + name + ".bpf.o");
    }

    public static byte[] objectBytes(String name) {
        try {
            return Files.readAllBytes(object(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code testdata/bpf/golden/NAME}. */
    public static Path golden(String fileName) {
        return testdata().resolve("bpf/golden/" + fileName);
    }

    /** The names (without {@code .bpf.o}) of every compiled fixture. */
    public static List<String> objectNames() {
        try (Stream<Path> files = Files.list(testdata().resolve("bpf/out"))) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".bpf.o"))
                    .map(n -> n.substring(0, n.length() - ".bpf.o".length()))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
