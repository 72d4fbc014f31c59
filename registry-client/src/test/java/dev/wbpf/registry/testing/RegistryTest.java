package dev.wbpf.registry.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test that starts real registries ({@code docker-registry}): tagged {@code registry}, skipped
 * with a reason where the binary is missing, failed instead when {@code WBPF_REQUIRE_REGISTRY=1}.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Tag("registry")
@ExtendWith(RegistryCondition.class)
public @interface RegistryTest {
}
