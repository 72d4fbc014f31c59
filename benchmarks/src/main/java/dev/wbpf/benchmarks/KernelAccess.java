package dev.wbpf.benchmarks;

import dev.wbpf.kernel.Fd;
import dev.wbpf.kernel.KernelException;
import dev.wbpf.kernel.sys.Bpf;
import dev.wbpf.kernel.sys.MapCreateRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Whether the real kernel can be used here (root, bpf(2) works); the answer is worked out once. */
public final class KernelAccess {
    private KernelAccess() {}

    private static volatile String reason;
    private static volatile boolean probed;

    /** null when the kernel backend works here, otherwise why not. */
    public static synchronized String unavailableReason() {
        if (!probed) {
            reason = probe();
            probed = true;
        }
        return reason;
    }

    private static String probe() {
        if (!System.getProperty("os.name", "").equals("Linux")) {
            return "not Linux";
        }
        int uid = effectiveUid();
        if (uid != 0) {
            return "not root (effective uid " + uid + ")";
        }
        try (Fd map = Bpf.mapCreate(MapCreateRequest.of(2 /* BPF_MAP_TYPE_ARRAY */, 4, 4, 1))) {
            return null;
        } catch (KernelException e) {
            return "bpf(2) does not work here: " + e.getMessage();
        } catch (RuntimeException | LinkageError e) {
            return "cannot call the kernel: " + e;
        }
    }

    private static int effectiveUid() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return Integer.parseInt(line.substring(4).trim().split("\\s+")[1]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
