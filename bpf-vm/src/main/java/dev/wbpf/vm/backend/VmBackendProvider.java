package dev.wbpf.vm.backend;

import dev.wbpf.core.backend.BpfBackend;
import dev.wbpf.core.backend.BpfBackendProvider;

/** Registers the in-JVM VM as backend {@code vm}: below the kernel, always available. */
public final class VmBackendProvider implements BpfBackendProvider {
    /** Below the kernel backend's, so {@code --backend auto} prefers the kernel where it can load programs. */
    public static final int PRIORITY = 10;

    @Override
    public String name() {
        return VmBackend.NAME;
    }

    @Override
    public int priority() {
        return PRIORITY;
    }

    @Override
    public BpfBackend create() {
        return VmBackend.standard();
    }
}
