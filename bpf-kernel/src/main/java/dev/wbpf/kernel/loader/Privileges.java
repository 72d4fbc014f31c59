package dev.wbpf.kernel.loader;

import dev.wbpf.kernel.Errno;
import dev.wbpf.kernel.KernelException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What rights the process has for bpf(2), from its effective capabilities; turns EPERM into what it lacks. */
public final class Privileges {
    private static final int CAP_NET_ADMIN = 12;
    private static final int CAP_SYS_ADMIN = 21;
    private static final int CAP_PERFMON = 38;
    private static final int CAP_BPF = 39;

    private Privileges() {}

    /**
     * Whether the process holds CAP_BPF or CAP_SYS_ADMIN, which loading most programs needs (false
     * also where that cannot be read).
     */
    public static boolean mayLoadPrograms() {
        try {
            long caps = effectiveCapabilities(status());
            return has(caps, CAP_SYS_ADMIN) || has(caps, CAP_BPF);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** An explanation to append to a message when {@code e} is EPERM and rights are missing, else "". */
    static String hint(KernelException e) {
        if (!e.is(Errno.EPERM)) {
            return "";
        }
        long caps;
        String uid;
        try {
            List<String> status = status();
            caps = effectiveCapabilities(status);
            uid = field(status, "Uid:").split("\\s+")[1];
        } catch (IOException | RuntimeException ex) {
            return "";
        }
        boolean admin = has(caps, CAP_SYS_ADMIN);
        List<String> missing = new ArrayList<>();
        if (!admin && !has(caps, CAP_BPF)) {
            missing.add("CAP_BPF");
        }
        if (!admin && !has(caps, CAP_PERFMON)) {
            missing.add("CAP_PERFMON (tracing programs)");
        }
        if (!has(caps, CAP_NET_ADMIN)) {
            missing.add("CAP_NET_ADMIN (networking programs)");
        }
        if (admin || missing.isEmpty()) {
            return "";
        }
        return "\nthis process (effective uid " + uid + ") lacks " + String.join(", ", missing)
                + ": run it as root or grant those capabilities";
    }

    private static List<String> status() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/status"));
    }

    private static long effectiveCapabilities(List<String> status) {
        return Long.parseUnsignedLong(field(status, "CapEff:"), 16);
    }

    private static String field(List<String> status, String name) {
        return status.stream().filter(l -> l.startsWith(name)).findFirst().orElseThrow()
                .substring(name.length()).strip();
    }

    private static boolean has(long caps, int cap) {
        return (caps & (1L << cap)) != 0;
    }
}
