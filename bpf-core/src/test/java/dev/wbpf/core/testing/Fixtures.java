package dev.wbpf.core.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Access to the shared fixtures under {@code testdata/bpf} and to this module's own test resources. */
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

    /** {@code testdata/bpf/out/NAME.bpf.o}. */
    public static Path object(String name) {
        return bpfDir().resolve("out/" + name + ".bpf.o");
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
        try (Stream<Path> files = Files.list(bpfDir().resolve("out"))) {
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
