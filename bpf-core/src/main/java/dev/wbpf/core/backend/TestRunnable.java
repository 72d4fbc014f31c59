package dev.wbpf.core.backend;

import java.util.Objects;

/**
 * A loaded program a backend can run on caller-supplied input, like {@code BPF_PROG_TEST_RUN}.
 * Optional: a {@link BpfProgram} that offers it implements this interface too, so callers ask
 * {@code program instanceof TestRunnable} instead of knowing the backend.
 */
public interface TestRunnable {

    /**
     * @param data    packet bytes (XDP, tc, socket filter), empty for other types
     * @param context the context struct's bytes, or null for the program type's default
     * @param repeat  runs to time, at least 1
     */
    record Input(byte[] data, byte[] context, int repeat) {
        public Input {
            data = data == null ? new byte[0] : data.clone();
            context = context == null ? null : context.clone();
            if (repeat < 1) {
                throw new IllegalArgumentException("repeat must be at least 1: " + repeat);
            }
        }
    }

    /**
     * @param retval       the program's return value (low 32 bits of r0, as the kernel reports it)
     * @param dataOut      the packet after the run
     * @param contextOut   the context after the run (empty when the type has none)
     * @param meanNanos    mean ns per run
     * @param medianNanos  median ns per run, or -1 when the backend only measures the mean (the kernel)
     */
    record Result(int retval, byte[] dataOut, byte[] contextOut, double meanNanos, long medianNanos) {
        public Result {
            Objects.requireNonNull(dataOut);
            Objects.requireNonNull(contextOut);
        }
    }

    /** @throws BpfException when the input does not suit the program type, or the run fails */
    Result testRun(Input input);
}
