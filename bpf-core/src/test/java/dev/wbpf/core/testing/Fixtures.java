package dev.wbpf.core.testing;

import dev.wbpf.core.object.BpfObjectReader;
import dev.wbpf.core.object.BpfObjectSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The shared fixtures under {@code testdata/bpf} and a module's own test resources; every module's
 * tests use these (bpf-core's test-jar).
 */
public final class Fixtures {
    private Fixtures() {}

    /**
     * testdata/bpf. Surefire passes the testdata directory as {@code wbpf.testdata}; a checkout
     * without fixtures is broken, so this fails rather than skips.
     */
    public static Path bpfDir() {
        String root = System.getProperty("wbpf.testdata", "../testdata");
        Path dir = Path.of(root, "bpf");
        if (!Files.isDirectory(dir.resolve("out"))) {
            throw new IllegalStateException("BPF fixtures not found under " + dir.toAbsolutePath()
                    + " (run testdata/bpf/build.sh, or set -Dwbpf.testdata)");
        }
        return dir;
    }

    /** {@code testdata/bpf/out}: the built fixture objects. */
    public static Path objectsDir() {
        return bpfDir().resolve("out");
    }

    /** {@code testdata/bpf/out/NAME.bpf.o}; a missing one fails the test (testdata/bpf/build.sh builds them). */
    public static Path object(String name) {
        Path object = objectsDir().resolve(name + ".bpf.o");
        if (!Files.isRegularFile(object)) {
            throw new IllegalStateException("BPF fixture " + object.toAbsolutePath() + " not found"
                    + " (its source belongs in testdata/bpf/src; run testdata/bpf/build.sh)");
        }
        return object;
    }

    /** The parsed fixture object {@code NAME}. */
    public static BpfObjectSpec spec(String name) {
        try {
            return BpfObjectReader.read(object(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] objectBytes(String name) {
        return read(object(name));
    }

    /** {@code testdata/bpf/golden/FILE}. */
    public static Path golden(String fileName) {
        return bpfDir().resolve("golden/" + fileName);
    }

    /** Names (without .bpf.o) of all fixture objects. */
    public static List<String> objectNames() {
        try (Stream<Path> files = Files.list(objectsDir())) {
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
