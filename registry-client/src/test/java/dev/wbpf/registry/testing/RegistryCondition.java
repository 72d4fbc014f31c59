package dev.wbpf.registry.testing;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Enables {@link RegistryTest}s where docker-registry is installed, or where they are required. */
public final class RegistryCondition implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (RegistryServer.binary() != null) {
            return ConditionEvaluationResult.enabled("docker-registry is at " + RegistryServer.binary());
        }
        if (RegistryServer.required()) {
            // Run, so that starting the registry fails the test with the reason.
            return ConditionEvaluationResult.enabled("WBPF_REQUIRE_REGISTRY=1: registry tests must run");
        }
        return ConditionEvaluationResult.disabled("docker-registry is not installed (Debian package docker-registry;"
                + " scripts/setup installs it); set WBPF_REQUIRE_REGISTRY=1 to fail instead of skipping");
    }
}
