package dev.wbpf.kernel.loader;

import dev.wbpf.core.btf.Btf;
import dev.wbpf.core.btf.BtfType;
import dev.wbpf.core.object.ExternSpec;
import dev.wbpf.kernel.KernelException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * Values of {@code __kconfig} externs: the running kernel's configuration (from
 * {@code /proc/config.gz} or {@code /boot/config-<release>}) plus the values libbpf computes itself
 * ({@code LINUX_KERNEL_VERSION}, {@code LINUX_HAS_SYSCALL_WRAPPER}, {@code LINUX_HAS_BPF_COOKIE}),
 * written into the {@code .kconfig} map's value with each extern's type: tristate enums as
 * 0/1/2 (n/y/m), bools as 0/1, chars as the letter, integers in their size, char arrays as strings.
 */
public final class Kconfig {
    private static final Path PROC_CONFIG = Path.of("/proc/config.gz");
    private static final Path OSRELEASE = Path.of("/proc/sys/kernel/osrelease");

    private Kconfig() {}

    /** The kernel release, e.g. {@code 6.18.0-1-amd64}. */
    public static String release() {
        try {
            return Files.readString(OSRELEASE).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code KERNEL_VERSION(a, b, c)} of the running kernel, as libbpf computes it (c capped at 255). */
    public static int kernelVersion() {
        String[] parts = release().split("[^0-9]+");
        int major = parts.length > 0 ? Integer.parseInt(parts[0]) : 0;
        int minor = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
        int patch = parts.length > 2 && !parts[2].isEmpty() ? Integer.parseInt(parts[2]) : 0;
        return (major << 16) + (minor << 8) + Math.min(patch, 255);
    }

    /** The kernel's configuration as name → value (quotes kept on strings); empty if not found. */
    public static Map<String, String> load() {
        Map<String, String> values = new HashMap<>();
        try {
            if (Files.isReadable(PROC_CONFIG)) {
                try (InputStream in = new GZIPInputStream(Files.newInputStream(PROC_CONFIG))) {
                    parse(in, values);
                }
            } else {
                Path boot = Path.of("/boot/config-" + release());
                if (Files.isReadable(boot)) {
                    try (InputStream in = Files.newInputStream(boot)) {
                        parse(in, values);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the kernel configuration", e);
        }
        return values;
    }

    static void parse(InputStream in, Map<String, String> into) throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        for (String line; (line = reader.readLine()) != null; ) {
            if (line.startsWith("CONFIG_")) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    into.put(line.substring(0, eq), line.substring(eq + 1));
                }
            }
        }
    }

    /** Fills {@code value} (the .kconfig map value) for every kconfig extern. */
    static void fill(byte[] value, List<ExternSpec> externs, Btf btf, Map<String, String> overrides) {
        Map<String, String> config = null;
        for (ExternSpec ext : externs) {
            if (ext.kind() != ExternSpec.Kind.KCONFIG) {
                continue;
            }
            String v = overrides.get(ext.name());
            if (v == null) {
                v = switch (ext.name()) {
                    case "LINUX_KERNEL_VERSION" -> Integer.toString(kernelVersion());
                    case "LINUX_HAS_SYSCALL_WRAPPER", "LINUX_HAS_BPF_COOKIE" -> "y";
                    default -> {
                        if (config == null) {
                            config = load();
                        }
                        yield config.get(ext.name());
                    }
                };
            }
            if (v == null) {
                if (ext.weak()) {
                    continue; // stays 0, as libbpf leaves a missing weak kconfig
                }
                throw new KernelException("kconfig extern " + ext.name() + " is not set in this kernel's "
                        + "configuration; declare it __weak to accept 0");
            }
            write(value, ext, btf, v);
        }
    }

    private static void write(byte[] out, ExternSpec ext, Btf btf, String v) {
        BtfType type = btf == null || ext.btfTypeId() == 0 ? null
                : btf.type(btf.resolve(btf.type(ext.btfTypeId(), BtfType.Var.class).typeId()));
        int at = ext.offset();
        switch (type) {
            case BtfType.Enum e -> putInt(out, at, ext.size(), tristate(ext, v));
            case BtfType.Array a -> {
                if (!v.startsWith("\"") || !v.endsWith("\"") || v.length() < 2) {
                    throw new KernelException("kconfig " + ext.name() + " is a string extern but the kernel's value is " + v);
                }
                byte[] s = v.substring(1, v.length() - 1).getBytes(StandardCharsets.UTF_8);
                System.arraycopy(s, 0, out, at, Math.min(s.length, ext.size() - 1));
            }
            case BtfType.Int i when (i.encoding() & BtfType.INT_BOOL) != 0 -> {
                if (!v.equals("y") && !v.equals("n")) {
                    throw new KernelException("kconfig " + ext.name() + " is a bool extern but the kernel's value is " + v);
                }
                out[at] = (byte) (v.equals("y") ? 1 : 0);
            }
            case BtfType.Int i when i.size() == 1 && (v.equals("y") || v.equals("m") || v.equals("n")) ->
                    out[at] = (byte) v.charAt(0);
            case null, default -> {
                long n;
                if (v.equals("y") || v.equals("m") || v.equals("n")) {
                    n = tristate(ext, v);
                } else {
                    try {
                        n = v.startsWith("0x") || v.startsWith("0X") ? Long.parseUnsignedLong(v.substring(2), 16)
                                : Long.parseLong(v);
                    } catch (NumberFormatException e) {
                        throw new KernelException("kconfig " + ext.name() + " is an integer extern but the kernel's value is " + v);
                    }
                }
                putInt(out, at, ext.size(), n);
            }
        }
    }

    private static long tristate(ExternSpec ext, String v) {
        return switch (v) {
            case "y" -> 1;
            case "m" -> 2;
            case "n" -> 0;
            default -> throw new KernelException("kconfig " + ext.name() + " is a tristate extern but the kernel's value is " + v);
        };
    }

    private static void putInt(byte[] out, int at, int size, long value) {
        for (int i = 0; i < size && i < 8; i++) {
            out[at + i] = (byte) (value >>> (8 * i));
        }
    }
}
