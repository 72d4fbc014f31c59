package dev.wbpf.kernel.link;

import dev.wbpf.kernel.Fd;
import dev.wbpf.kernel.sys.Syscalls;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** perf_event_open(2) for the attach kinds that go through a perf event (tracepoints, kprobes). */
final class PerfEvent {
    static final int PERF_TYPE_TRACEPOINT = 2;
    static final long PERF_EVENT_IOC_ENABLE = 0x2400;
    static final long PERF_EVENT_IOC_DISABLE = 0x2401;
    /** _IOW('$', 8, __u32). */
    static final long PERF_EVENT_IOC_SET_BPF = 0x40042408L;
    private static final long PERF_FLAG_FD_CLOEXEC = 8;
    /** sizeof(struct perf_event_attr) as of PERF_ATTR_SIZE_VER8; the kernel accepts any known size. */
    private static final int ATTR_SIZE = 136;

    private PerfEvent() {}

    /**
     * Opens an event on all processes on CPU 0 (for tracepoints and kprobes the attached program
     * runs on every CPU regardless).
     *
     * @param config1 for kprobes: address of the function name (kept alive by the caller's arena)
     */
    static Fd open(int type, long config, long config1, long config2) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = arena.allocate(ATTR_SIZE, 8);
            attr.set(ValueLayout.JAVA_INT, 0, type);
            attr.set(ValueLayout.JAVA_INT, 4, ATTR_SIZE);
            attr.set(ValueLayout.JAVA_LONG, 8, config);
            attr.set(ValueLayout.JAVA_LONG, 16, 1); // sample_period
            attr.set(ValueLayout.JAVA_INT, 48, 1);  // wakeup_events
            attr.set(ValueLayout.JAVA_LONG, 56, config1);
            attr.set(ValueLayout.JAVA_LONG, 64, config2);
            return Syscalls.perfEventOpen(attr, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
        }
    }
}
