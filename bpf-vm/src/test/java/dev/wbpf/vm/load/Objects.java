package dev.wbpf.vm.load;

import dev.wbpf.core.object.BpfObjectReader;
import dev.wbpf.core.object.BpfObjectSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The repository's fixture objects (testdata/bpf/out); missing fixtures fail, not skip. */
final class Objects {
    private Objects() {}

    static Path path(String name) {
        Path dir = Path.of(System.getProperty("wbpf.testdata", "../testdata"), "bpf", "out");
        Path file = dir.resolve(name + ".bpf.o");
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("fixture " + file.toAbsolutePath() + " missing (run testdata/bpf/build.sh)");
        }
        return file;
    }

    static BpfObjectSpec spec(String name) {
        try {
            return BpfObjectReader.read(path(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
