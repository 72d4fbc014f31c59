package dev.wbpf.core.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/** Access to the shared fixtures under {@code testdata/bpf} and to this module's own test resources. */
public final class Fixtures {
    private Fixtures() {}

    /** testdata/bpf, or a skipped test if the fixtures are not present in this checkout. */
    public static Path bpfDir() {
        String root = System.getProperty("wbpf.testdata");
        Assumptions.assumeTrue(root != null, "system property wbpf.testdata is not set");
        Path dir = Path.of(root, "bpf");
        Assumptions.assumeTrue(Files.isDirectory(dir.resolve("out")), "no BPF fixtures at " + dir);
        return dir;
    }

    /** Names (without .bpf.o) of all fixture objects; empty if the fixtures are absent. */
    public static List<String> objectNames() {
        String root = System.getProperty("wbpf.testdata");
        if (root == null) {
            return List.of();
        }
        Path out = Path.of(root, "bpf", "out");
        if (!Files.isDirectory(out)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(out)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".bpf.o"))
                    .map(n -> n.substring(0, n.length() - ".bpf.o".length()))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] read(Path path) {
        try {
            return Files.readAllBytes(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A classpath resource next to {@code anchor}'s package. */
    public static byte[] resource(Class<?> anchor, String name) {
        try (InputStream in = anchor.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + name + " beside " + anchor.getName());
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
