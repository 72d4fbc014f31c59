package dev.wbpf.vm.testrun;

/**
 * What {@code BPF_PROG_TEST_RUN} gives back, from the last of the runs.
 *
 * @param returnValue  r0 (the kernel reports its low 32 bits as {@code retval})
 * @param dataOut      the packet after the run (after head/tail adjustment; XDP: metadata included)
 * @param contextOut   the context after the run, or empty for types without one
 * @param medianNanos  median wall time of one run, in ns
 * @param meanNanos    mean wall time of one run, in ns
 * @param repeat       the number of runs timed
 */
public record TestRunResult(long returnValue, byte[] dataOut, byte[] contextOut, long medianNanos, double meanNanos,
                            int repeat) {
    /** The kernel's {@code retval}: r0 truncated to 32 bits. */
    public int retval() {
        return (int) returnValue;
    }
}
