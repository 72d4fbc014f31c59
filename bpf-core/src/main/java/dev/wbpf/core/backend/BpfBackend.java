package dev.wbpf.core.backend;

import dev.wbpf.core.object.BpfObjectSpec;

/** Loads BPF objects somewhere they can run: the Linux kernel, or the in-JVM VM. */
public interface BpfBackend {

    /** {@code kernel} or {@code vm}. */
    String name();

    /** Whether programs can be loaded here, and if not, why (shown to the user with {@code -v}). */
    Availability availability();

    /**
     * Creates the object's maps, loads its programs, fills its global data.
     *
     * @throws BpfException with the reason (for a rejected program, the verifier's words);
     *                      everything created before the failure is released
     */
    BpfObject load(BpfObjectSpec spec, LoadOptions options);

    /**
     * Does now the one-time work a first {@link #load} would otherwise start with (the kernel
     * backend reads the running kernel's BTF), so that a caller with other work to do, such as
     * {@code wbpf run} parsing a module, can run it on another thread. Optional and safe to call
     * from any thread, more than once; failures are left for {@link #load} to report.
     */
    default void prepare() {
    }

    /** Whether a backend can run programs on this machine, with the reason when it cannot. */
    record Availability(boolean available, String reason) {
        public static Availability yes(String reason) {
            return new Availability(true, reason);
        }

        public static Availability no(String reason) {
            return new Availability(false, reason);
        }
    }
}
