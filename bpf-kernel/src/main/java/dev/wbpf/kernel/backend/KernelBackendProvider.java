package dev.wbpf.kernel.backend;

import dev.wbpf.core.backend.BpfBackend;
import dev.wbpf.core.backend.BpfBackendProvider;

/**
 * Registers the Linux kernel backend with {@link java.util.ServiceLoader}. It is preferred over
 * the in-JVM VM wherever the kernel lets this process use bpf(2): real hooks, real events.
 */
public final class KernelBackendProvider implements BpfBackendProvider {
    /** Above the VM's, so that {@code --backend auto} picks the kernel where it can. */
    public static final int PRIORITY = 100;

    @Override
    public String name() {
        return KernelBackend.NAME;
    }

    @Override
    public int priority() {
        return PRIORITY;
    }

    @Override
    public BpfBackend create() {
        return new KernelBackend();
    }
}
