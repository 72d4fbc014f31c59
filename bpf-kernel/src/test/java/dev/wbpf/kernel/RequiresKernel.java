package dev.wbpf.kernel;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test (class or method) that needs root and a working bpf(2). Without them it is skipped
 * with the reason, unless {@code WBPF_REQUIRE_KERNEL=1}, in which case it fails: CI must never
 * pass by skipping.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Tag("kernel")
@ExtendWith(KernelCondition.class)
public @interface RequiresKernel {}
