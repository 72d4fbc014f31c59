package dev.wbpf.vm.load;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The values the VM gives {@code __kconfig} externs. There is no kernel config behind the VM, so
 * this is a small table: {@code LINUX_KERNEL_VERSION} from the host (the running Linux kernel's
 * version, or 6.1.0 elsewhere) and a few options every BPF-capable kernel has. Values are
 * {@link Long} (integers, booleans, tristates: n=0, y=1, m=2) or {@link String} (string options).
 * Anything not in the table reads as zero to a {@code __weak} extern and is refused otherwise.
 */
public final class KernelConfig {
    private final Map<String, Object> values;

    private KernelConfig(Map<String, Object> values) {
        this.values = Map.copyOf(values);
    }

    public static KernelConfig defaults() {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("LINUX_KERNEL_VERSION", hostKernelVersion());
        v.put("LINUX_HAS_BPF_COOKIE", 1L);
        v.put("LINUX_HAS_SYSCALL_WRAPPER", 1L);
        v.put("CONFIG_BPF", 1L);
        v.put("CONFIG_BPF_SYSCALL", 1L);
        v.put("CONFIG_BPF_JIT", 1L);
        v.put("CONFIG_BPF_EVENTS", 1L);
        v.put("CONFIG_NET", 1L);
        return new KernelConfig(v);
    }

    public static KernelConfig of(Map<String, Object> values) {
        return new KernelConfig(values);
    }

    /** A copy with {@code name} set to {@code value} (Long or String). */
    public KernelConfig with(String name, Object value) {
        if (!(value instanceof Long) && !(value instanceof String)) {
            throw new IllegalArgumentException("kconfig values are Long or String: " + value);
        }
        Map<String, Object> copy = new LinkedHashMap<>(values);
        copy.put(name, value);
        return new KernelConfig(copy);
    }

    public Optional<Object> value(String name) {
        return Optional.ofNullable(values.get(name));
    }

    /** KERNEL_VERSION(a, b, c) of the host's Linux kernel, or of 6.1.0 when not on Linux. */
    static long hostKernelVersion() {
        String os = System.getProperty("os.name", "");
        String version = System.getProperty("os.version", "");
        Matcher m = Pattern.compile("^(\\d+)\\.(\\d+)(?:\\.(\\d+))?").matcher(version);
        if (os.equals("Linux") && m.find()) {
            int patch = m.group(3) == null ? 0 : Math.min(255, Integer.parseInt(m.group(3)));
            return (Long.parseLong(m.group(1)) << 16) + (Long.parseLong(m.group(2)) << 8) + patch;
        }
        return (6L << 16) + (1L << 8);
    }
}
