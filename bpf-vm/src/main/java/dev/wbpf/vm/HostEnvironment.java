package dev.wbpf.vm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * What helpers learn about the world outside the VM: clocks, the identity of the "current task"
 * (the JVM process and the calling thread) and where {@code bpf_trace_printk} writes. Replace
 * pieces in tests to make helper results deterministic.
 *
 * @param monotonicNanos CLOCK_MONOTONIC, the clock of {@code bpf_ktime_get_ns}
 * @param bootNanos      CLOCK_BOOTTIME; the JVM cannot see suspend time, so by default the same as monotonic
 * @param uidGid         {@code gid << 32 | uid}
 * @param traceLog       receives each trace_printk line
 */
public record HostEnvironment(LongSupplier monotonicNanos, LongSupplier bootNanos, long processId, long uidGid,
                              String command, Consumer<String> traceLog) {
    public HostEnvironment {
        Objects.requireNonNull(monotonicNanos);
        Objects.requireNonNull(bootNanos);
        Objects.requireNonNull(command);
        Objects.requireNonNull(traceLog);
    }

    /** The real JVM process: its pid, the owner of /proc/self, command "java", trace lines to stderr. */
    public static HostEnvironment ofCurrentProcess() {
        return new HostEnvironment(System::nanoTime, System::nanoTime, ProcessHandle.current().pid(), currentUidGid(),
                "java", line -> System.err.println("bpf_trace_printk: " + line));
    }

    public HostEnvironment withTraceLog(Consumer<String> sink) {
        return new HostEnvironment(monotonicNanos, bootNanos, processId, uidGid, command, sink);
    }

    public HostEnvironment withClock(LongSupplier nanos) {
        return new HostEnvironment(nanos, nanos, processId, uidGid, command, traceLog);
    }

    private static long currentUidGid() {
        try {
            Path self = Path.of("/proc/self");
            long uid = ((Number) Files.getAttribute(self, "unix:uid")).longValue();
            long gid = ((Number) Files.getAttribute(self, "unix:gid")).longValue();
            return gid << 32 | uid;
        } catch (Exception e) { // not Linux, or no unix attribute view: report root-less zeros
            return 0;
        }
    }
}
