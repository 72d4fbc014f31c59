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
 * @param constants initial values of global variables (typically {@code const volatile} ones in
 *                  {@code .rodata}, which are frozen after loading), by variable name, as
 *                  little-endian bytes; what the skeleton's {@code rodata->x = ...} does in libbpf
 */
public record LoadOptions(Path pinRoot, int logLevel, Map<String, String> kconfig, Map<String, byte[]> constants) {
    public static final Path DEFAULT_PIN_ROOT = Path.of("/sys/fs/bpf");

    public LoadOptions {
        Objects.requireNonNull(pinRoot, "pinRoot");
        kconfig = Map.copyOf(kconfig);
        constants = Map.copyOf(constants);
    }

    public static LoadOptions defaults() {
        return new LoadOptions(DEFAULT_PIN_ROOT, 0, Map.of(), Map.of());
    }

    public LoadOptions withPinRoot(Path root) {
        return new LoadOptions(root, logLevel, kconfig, constants);
    }

    public LoadOptions withLogLevel(int level) {
        return new LoadOptions(pinRoot, level, kconfig, constants);
    }

    public LoadOptions withKconfig(Map<String, String> values) {
        return new LoadOptions(pinRoot, logLevel, values, constants);
    }

    /** Sets global variable {@code name} to {@code value}'s bytes (little-endian, cut to the variable's size). */
    public LoadOptions withConstant(String name, long value) {
        byte[] bytes = new byte[8];
        for (int i = 0; i < 8; i++) {
            bytes[i] = (byte) (value >>> (8 * i));
        }
        return withConstant(name, bytes);
    }

    public LoadOptions withConstant(String name, byte[] value) {
        Map<String, byte[]> more = new java.util.HashMap<>(constants);
        more.put(name, value.clone());
        return new LoadOptions(pinRoot, logLevel, kconfig, more);
    }
}
