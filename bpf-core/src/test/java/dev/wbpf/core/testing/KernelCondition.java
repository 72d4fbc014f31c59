package dev.wbpf.core.testing;

import dev.wbpf.core.backend.Backends;
import dev.wbpf.core.backend.BpfBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Decides {@link RequiresKernel}: the tests need Linux, root (they attach, mount bpffs and use
 * perf events, which need more than the bpf(2) rights), a kernel with the bpf filesystem, and the
 * kernel backend saying bpf(2) works for this process. Worked out once per JVM.
 */
public final class KernelCondition implements ExecutionCondition {
    private static final String REQUIRE_ENV = "WBPF_REQUIRE_KERNEL";

    /** null = usable, otherwise why not. */
    private static String unavailableReason;
    private static boolean probed;

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        String reason = unavailableReason();
        if (reason == null) {
            return ConditionEvaluationResult.enabled("root, bpffs and a working bpf(2)");
        }
        if (required()) {
            // Throwing here makes JUnit report the test as failed rather than skipped.
            throw new IllegalStateException(REQUIRE_ENV + "=1 but the kernel tests cannot run: " + reason);
        }
        return ConditionEvaluationResult.disabled("kernel test skipped: " + reason
                + " (set " + REQUIRE_ENV + "=1 to make this a failure)");
    }

    /** Whether kernel tests must run ({@code WBPF_REQUIRE_KERNEL=1}): their own assumptions must not skip them either. */
    public static boolean required() {
        return "1".equals(System.getenv(REQUIRE_ENV));
    }

    /** The kernel backend, for tests that passed this condition. */
    public static BpfBackend backend() {
        return Backends.named("kernel").orElseThrow();
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
        if (!kernelHasBpffs()) {
            return "this kernel has no bpf filesystem (bpf is not in /proc/filesystems)";
        }
        Optional<BpfBackend> kernel;
        try {
            kernel = Backends.named("kernel");
        } catch (RuntimeException | ServiceConfigurationError | LinkageError e) {
            return "cannot create the kernel backend: " + e;
        }
        if (kernel.isEmpty()) {
            return "no kernel backend on the test class path (add bpf-kernel, test or runtime scope)";
        }
        try {
            BpfBackend.Availability availability = kernel.get().availability();
            return availability.available() ? null : availability.reason();
        } catch (RuntimeException | LinkageError e) {
            return "cannot call the kernel: " + e;
        }
    }

    /** From {@code /proc/self/status}: the process is checked, not the user name, and with no native call. */
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

    /** Lines of /proc/filesystems are "[nodev]<TAB>name". */
    private static boolean kernelHasBpffs() {
        try {
            return Files.readAllLines(Path.of("/proc/filesystems")).stream()
                    .map(line -> line.substring(line.lastIndexOf('\t') + 1).strip())
                    .anyMatch("bpf"::equals);
        } catch (IOException e) {
            return false;
        }
    }
}
