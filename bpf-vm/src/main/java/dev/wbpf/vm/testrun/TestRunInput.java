package dev.wbpf.vm.testrun;

/**
 * What {@code BPF_PROG_TEST_RUN} takes.
 *
 * @param data    packet bytes for XDP, tc and socket filter programs (empty otherwise)
 * @param context the context struct's bytes, or null for the program type's default
 *                ({@code xdp_md}, {@code __sk_buff}: the fields test-run accepts; raw tracepoints:
 *                the u64 argument array; syscall: the caller's buffer)
 * @param repeat  runs to time; at least 1
 * @param cpu     the virtual CPU the runs happen on
 */
public record TestRunInput(byte[] data, byte[] context, int repeat, int cpu) {
    public TestRunInput {
        data = data == null ? new byte[0] : data.clone();
        context = context == null ? null : context.clone();
        if (repeat < 1) {
            throw new IllegalArgumentException("repeat must be at least 1: " + repeat);
        }
        if (cpu < 0) {
            throw new IllegalArgumentException("cpu must not be negative: " + cpu);
        }
    }

    public static TestRunInput ofData(byte[] data) {
        return new TestRunInput(data, null, 1, 0);
    }

    public static TestRunInput ofContext(byte[] context) {
        return new TestRunInput(new byte[0], context, 1, 0);
    }

    public TestRunInput withRepeat(int n) {
        return new TestRunInput(data, context, n, cpu);
    }

    public TestRunInput withContext(byte[] ctx) {
        return new TestRunInput(data, ctx, repeat, cpu);
    }
}
