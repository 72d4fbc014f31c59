package dev.wbpf.wasm;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/** The prebuilt test guests (src/test/c, built by src/test/c/build.sh). */
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
}
