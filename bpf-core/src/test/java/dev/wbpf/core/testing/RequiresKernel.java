package dev.wbpf.core.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test (class or method) that loads programs into the running kernel. Where that cannot
 * work (see {@link KernelCondition}) it is skipped with the reason, unless
 * {@code WBPF_REQUIRE_KERNEL=1}: then it fails, so CI never passes by skipping. The kernel backend
 * (bpf-kernel) must be on the test class path, as it is where wbpf finds it: through ServiceLoader.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Tag("kernel")
@ExtendWith(KernelCondition.class)
public @interface RequiresKernel {
}
