package dev.wbpf.kernel;

import dev.wbpf.kernel.sys.Bpf;
import dev.wbpf.kernel.sys.MapCreateRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Decides whether {@link RequiresKernel} tests can run here; the answer is worked out once per JVM. */
public final class KernelCondition implements ExecutionCondition {
    static final String REQUIRE_ENV = "WBPF_REQUIRE_KERNEL";
    private static final int BPF_MAP_TYPE_ARRAY = 2;

    /** null = usable, otherwise why not. */
    private static volatile String unavailableReason;
    private static volatile boolean probed;

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        String reason = unavailableReason();
        if (reason == null) {
            return ConditionEvaluationResult.enabled("root with a working bpf(2)");
        }
        if ("1".equals(System.getenv(REQUIRE_ENV))) {
            // Throwing here makes JUnit report the test as failed rather than skipped.
            throw new IllegalStateException(REQUIRE_ENV + "=1 but the kernel tests cannot run: " + reason);
        }
        return ConditionEvaluationResult.disabled("kernel test skipped: " + reason
                + " (set " + REQUIRE_ENV + "=1 to make this a failure)");
    }

    static synchronized String unavailableReason() {
        if (!probed) {
            unavailableReason = probe();
            probed = true;
        }
        return unavailableReason;
    }

    private static String probe() {
        if (!System.getProperty("os.name", "").equals("Linux")) {
            return "not Linux";
        }
        int uid = effectiveUid();
        if (uid != 0) {
            return "not root (effective uid " + uid + ")";
        }
        try (Fd map = Bpf.mapCreate(MapCreateRequest.of(BPF_MAP_TYPE_ARRAY, 4, 4, 1))) {
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
