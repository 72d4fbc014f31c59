package dev.wbpf.benchmarks;

import dev.wbpf.core.backend.BpfBackend;
import dev.wbpf.kernel.backend.KernelBackend;

/** Whether the kernel benchmarks can run here: the kernel backend's own probe, which works it out once per JVM. */
public final class KernelAccess {
    private KernelAccess() {}

    /** null when the kernel backend works here, otherwise why not. */
    public static String unavailableReason() {
        BpfBackend.Availability availability = new KernelBackend().availability();
        return availability.available() ? null : availability.reason();
    }
}
