package dev.wbpf.benchmarks;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A test that needs root and a working bpf(2) (as bpf-kernel's own annotation): skipped with the
 * reason where they are missing, but a failure when {@code WBPF_REQUIRE_KERNEL=1}.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Tag("kernel")
@ExtendWith(RequiresKernel.Condition.class)
public @interface RequiresKernel {
    final class Condition implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            String reason = KernelAccess.unavailableReason();
            if (reason == null) {
                return ConditionEvaluationResult.enabled("root with a working bpf(2)");
            }
            if ("1".equals(System.getenv("WBPF_REQUIRE_KERNEL"))) {
                throw new IllegalStateException("WBPF_REQUIRE_KERNEL=1 but the kernel tests cannot run: " + reason);
            }
            return ConditionEvaluationResult.disabled("kernel test skipped: " + reason
                    + " (set WBPF_REQUIRE_KERNEL=1 to make this a failure)");
        }
    }
}
