package dev.wbpf.wasm;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/** The prebuilt test guests (src/test/c, built by src/test/c/build.sh) and the BPF fixtures. */
final class Guests {
    private Guests() {
    }

    static Path guest(String name) {
        URL url = Guests.class.getResource("/guests/" + name + ".wasm");
        if (url == null) {
            throw new IllegalStateException("test guest " + name + ".wasm is missing: run wasm-host/src/test/c/build.sh");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** testdata/bpf/out, from the root pom's wbpf.testdata; fails (not skips) when missing. */
    static Path bpfObjects() {
        String root = System.getProperty("wbpf.testdata");
        if (root == null) {
            throw new IllegalStateException("system property wbpf.testdata is not set (run through Maven)");
        }
        Path out = Path.of(root, "bpf", "out");
        if (!out.resolve("execsnoop.bpf.o").toFile().isFile()) {
            throw new IllegalStateException("BPF fixtures missing in " + out + ": run testdata/bpf/build.sh");
        }
        return out;
    }
}
