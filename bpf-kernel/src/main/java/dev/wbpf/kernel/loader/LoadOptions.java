package dev.wbpf.kernel.loader;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * How to load an object.
 *
 * @param pinRoot   where maps pinned by name live (libbpf's default {@code /sys/fs/bpf})
 * @param logLevel  verifier log level for every program (0: a log only when a load fails)
 * @param kconfig   values for {@code __kconfig} externs that override the kernel's config
 *                  (name → value as in a .config file: {@code y}, {@code m}, {@code 100}, {@code "str"})
 */
public record LoadOptions(Path pinRoot, int logLevel, Map<String, String> kconfig) {
    public static final Path DEFAULT_PIN_ROOT = Path.of("/sys/fs/bpf");

    public LoadOptions {
        Objects.requireNonNull(pinRoot, "pinRoot");
        kconfig = Map.copyOf(kconfig);
    }

    public static LoadOptions defaults() {
        return new LoadOptions(DEFAULT_PIN_ROOT, 0, Map.of());
    }

    public LoadOptions withPinRoot(Path root) {
        return new LoadOptions(root, logLevel, kconfig);
    }

    public LoadOptions withLogLevel(int level) {
        return new LoadOptions(pinRoot, level, kconfig);
    }

    public LoadOptions withKconfig(Map<String, String> values) {
        return new LoadOptions(pinRoot, logLevel, values);
    }
}
