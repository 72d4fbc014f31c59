package dev.wbpf.vm.helper;

import dev.wbpf.vm.ExecutionContext;

/**
 * A BPF helper function: takes r1..r5, returns the new r0. Helpers reach program memory only
 * through {@code context.memory()}, which checks every access, and report misuse by throwing a
 * {@link dev.wbpf.vm.VmException}; ordinary failures are negative errno return values, as in the
 * kernel.
 */
@FunctionalInterface
public interface Helper {
    long call(ExecutionContext context, long r1, long r2, long r3, long r4, long r5);
}
