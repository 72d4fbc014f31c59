package dev.wbpf.core.btf;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs the external tools the BTF tests compare against: clang-16 to build fixtures,
 * llvm-objcopy-16 to cut sections out of them, bpftool as the reference dumper. A missing tool
 * fails the test with a message saying which, rather than skipping it.
 */
final class BpfTools {
    private static final Path OUT = Path.of("target", "bpf-fixtures");
    private static final Map<String, Path> COMPILED = new ConcurrentHashMap<>();

    private BpfTools() {}

    /** Compiles {@code NAME.bpf.c} from this package's test resources, once per test run. */
    static Path compile(String name) {
        return COMPILED.computeIfAbsent(name, n -> {
            Path source = resource(n + ".bpf.c");
            Path object = OUT.resolve(n + ".bpf.o").toAbsolutePath();
            run("clang-16", "-g", "-O2", "-target", "bpf", "-c", source.toString(), "-o", object.toString());
            return object;
        });
    }

    /** The bytes of one ELF section of {@code object}. */
    static byte[] section(Path object, String section) {
        Path dumped = OUT.resolve(object.getFileName() + section.replace('/', '_')).toAbsolutePath();
        run("llvm-objcopy-16", "--dump-section", section + "=" + dumped, object.toString(), OUT.resolve("scratch.o").toAbsolutePath().toString());
        try {
            return Files.readAllBytes(dumped);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> bpftoolRawDump(Path file) {
        return run("bpftool", "btf", "dump", "file", file.toString(), "format", "raw");
    }

    static List<String> bpftoolRawDump(Path file, Path base) {
        return run("bpftool", "-B", base.toString(), "btf", "dump", "file", file.toString(), "format", "raw");
    }

    static Path resource(String name) {
        try {
            var url = BpfTools.class.getResource(name);
            if (url == null) {
                throw new IllegalArgumentException("no test resource " + name);
            }
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs a command and returns its standard output lines; fails the test on error or absence. */
    static List<String> run(String... command) {
        try {
            Files.createDirectories(OUT);
            Path errors = Files.createTempFile(OUT.toAbsolutePath(), "stderr", ".txt");
            Process process = new ProcessBuilder(command).redirectError(errors.toFile()).start();
            List<String> lines = new ArrayList<>();
            try (var reader = process.inputReader(StandardCharsets.UTF_8)) {
                reader.lines().forEach(lines::add);
            }
            int status = process.waitFor();
            String stderr = Files.readString(errors);
            Files.delete(errors);
            if (status != 0) {
                fail(String.join(" ", command) + " exited with " + status + ": " + stderr);
            }
            return lines;
        } catch (IOException e) {
            return fail(command[0] + " is needed by this test but could not be run (is it installed and on PATH?): " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
