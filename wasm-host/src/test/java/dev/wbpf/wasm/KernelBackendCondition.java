package dev.wbpf.wasm;

import dev.wbpf.core.backend.Backends;
import dev.wbpf.core.backend.BpfBackend;
import java.util.Optional;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Decides {@link RequiresKernelBackend}; asks the backend itself whether it can load programs. */
public final class KernelBackendCondition implements ExecutionCondition {
    static final String REQUIRE_ENV = "WBPF_REQUIRE_KERNEL";
    private static volatile String reason;
    private static volatile boolean probed;

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        String why = unavailableReason();
        if (why == null) {
            return ConditionEvaluationResult.enabled("kernel backend available");
        }
        if ("1".equals(System.getenv(REQUIRE_ENV))) {
            throw new IllegalStateException(REQUIRE_ENV + "=1 but the kernel tests cannot run: " + why);
        }
        return ConditionEvaluationResult.disabled("kernel test skipped: " + why + " (set " + REQUIRE_ENV
                + "=1 to make this a failure)");
    }

    static synchronized String unavailableReason() {
        if (!probed) {
            reason = probe();
            probed = true;
        }
        return reason;
    }

    /** The kernel backend, for the tests that passed the condition. */
    static BpfBackend backend() {
        return Backends.named("kernel").orElseThrow();
    }

    private static String probe() {
        Optional<BpfBackend> kernel;
        try {
            kernel = Backends.named("kernel");
        } catch (RuntimeException | LinkageError e) {
            return "cannot create the kernel backend: " + e;
        }
        if (kernel.isEmpty()) {
            return "no kernel backend on the class path (bpf-kernel does not provide BpfBackendProvider yet)";
        }
        BpfBackend.Availability a = kernel.get().availability();
        return a.available() ? null : a.reason();
    }
}
