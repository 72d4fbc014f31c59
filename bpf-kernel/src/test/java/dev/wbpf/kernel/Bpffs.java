package dev.wbpf.kernel;

import dev.wbpf.kernel.sys.Syscalls;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Test setup: makes sure a bpf filesystem is mounted at /sys/fs/bpf. */
public final class Bpffs {
    public static final Path ROOT = Path.of("/sys/fs/bpf");

    private Bpffs() {}

    public static synchronized Path ensureMounted() {
        try {
            boolean mounted = Files.readAllLines(Path.of("/proc/mounts")).stream()
                    .map(line -> line.split(" "))
                    .anyMatch(f -> f.length > 2 && f[1].equals(ROOT.toString()) && f[2].equals("bpf"));
            if (!mounted) {
                Files.createDirectories(ROOT);
                Syscalls.mount("bpf", ROOT.toString(), "bpf", 0, null);
            }
            return ROOT;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
