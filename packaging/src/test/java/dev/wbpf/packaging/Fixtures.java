package dev.wbpf.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Test modules and the independent OCI tools the tests check wbpf against. */
final class Fixtures {
    private Fixtures() {
    }

    /** A valid Wasm module: the header and one custom section named {@code wbpf-test} holding {@code payload}. */
    static byte[] module(String payload) {
        byte[] name = "wbpf-test".getBytes(StandardCharsets.UTF_8);
        byte[] data = payload.getBytes(StandardCharsets.UTF_8);
        var body = new ByteArrayOutputStream();
        leb(body, name.length);
        body.writeBytes(name);
        body.writeBytes(data);
        var out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {0, 'a', 's', 'm', 1, 0, 0, 0, 0});
        leb(out, body.size());
        out.writeBytes(body.toByteArray());
        return out.toByteArray();
    }

    private static void leb(ByteArrayOutputStream out, int value) {
        do {
            int b = value & 0x7f;
            value >>>= 7;
            out.write(value != 0 ? b | 0x80 : b);
        } while (value != 0);
    }

    static Descriptor build(PackageStore store, String ref, String payload) throws IOException {
        PackageConfig config = new PackageConfig("demo", "1.0", "a test package", "MIT", "https://example.org/demo",
                null, List.of(new PackageConfig.Program("handle_exec", "tp/syscalls/sys_enter_execve", "tracepoint",
                "tracepoint", "syscalls/sys_enter_execve")), true, "5.8", null, null);
        var request = new Packages.BuildRequest(module(payload), "demo.wasm", config,
                "# demo\n".getBytes(StandardCharsets.UTF_8),
                List.of(new Packages.NamedContent("extra.txt", "hello".getBytes(StandardCharsets.UTF_8))),
                Zstd.DEFAULT_LEVEL, Instant.parse("2026-01-02T03:04:05Z"));
        return Packages.build(store, Reference.parse(ref), request);
    }

    /** The output of a command that must succeed; a missing tool is a failure that says what to install. */
    static String run(Path dir, String... command) throws IOException, InterruptedException {
        requireTool(command[0]);
        var pb = new ProcessBuilder(command).redirectErrorStream(true);
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(String.join(" ", command) + " did not finish in 120 s");
        }
        assertEquals(0, p.exitValue(), String.join(" ", command) + " failed:\n" + out);
        return out;
    }

    /** Fails (never skips) when an independent peer tool is missing: scripts/setup installs them. */
    static void requireTool(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return;
            }
        }
        fail(tool + " is not installed: these tests check wbpf's layout with it as an independent peer;"
                + " run scripts/setup (apt-get install skopeo umoci)");
    }

    static List<String> blobFiles(PackageStore store) throws IOException {
        List<String> names = new ArrayList<>();
        try (var s = Files.list(store.root().resolve("blobs/sha256"))) {
            s.forEach(p -> names.add(p.getFileName().toString()));
        }
        names.sort(null);
        return names;
    }
}
