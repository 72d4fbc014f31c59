package dev.wbpf.wasm;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test that loads real BPF objects through the kernel backend (found through ServiceLoader, as
 * wbpf finds it). Skipped with the reason when the backend is missing or cannot load programs
 * here, unless {@code WBPF_REQUIRE_KERNEL=1}: then it fails (CI must never pass by skipping).
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Tag("kernel")
@ExtendWith(KernelBackendCondition.class)
public @interface RequiresKernelBackend {
}
