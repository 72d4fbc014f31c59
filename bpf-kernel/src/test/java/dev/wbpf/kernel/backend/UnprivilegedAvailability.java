package dev.wbpf.kernel.backend;

import dev.wbpf.core.backend.Backends;
import dev.wbpf.core.backend.BpfBackend;
import dev.wbpf.core.backend.BpfException;

/** Run by {@link KernelBackendAvailabilityTest} as user nobody: prints what the SPI says. */
public final class UnprivilegedAvailability {
    public static void main(String[] args) {
        BpfBackend.Availability a = Backends.named("kernel").orElseThrow().availability();
        System.out.println("AVAILABLE " + a.available() + " " + a.reason());
        System.out.println("MAY LOAD PROGRAMS " + dev.wbpf.kernel.loader.Privileges.mayLoadPrograms());
        try {
            System.out.println("AUTO " + Backends.automatic().reason());
        } catch (BpfException e) {
            System.out.println("AUTO FAILED errno " + e.errno() + ": " + e.getMessage());
        }
    }
}
