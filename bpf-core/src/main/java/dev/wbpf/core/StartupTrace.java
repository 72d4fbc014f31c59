package dev.wbpf.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where start-up time goes, for {@code WBPF_TRACE_STARTUP=1 wbpf run ...}: each milestone is
 * printed to stderr when the JVM exits, with the ms since the process started (to 10 ms: the
 * kernel's clock tick), since the previous milestone, and the CPU time its thread had used.
 * Printing waits for the exit because formatting is itself cold code (~15 ms) that would
 * otherwise be counted in the next milestone. Off (a field test) unless the variable is set.
 */
public final class StartupTrace {
    private static final boolean ON = System.getenv("WBPF_TRACE_STARTUP") != null;
    private static final List<Mark> MARKS = new ArrayList<>();

    private record Mark(long nanos, String thread, long threadCpuNanos, String milestone) {
    }

    private StartupTrace() {
    }

    public static void mark(String milestone) {
        if (ON) {
            record(new Mark(System.nanoTime(), Thread.currentThread().getName(), threadCpuNanos(), milestone));
        }
    }

    private static synchronized void record(Mark mark) {
        if (MARKS.isEmpty()) {
            Runtime.getRuntime().addShutdownHook(new Thread(StartupTrace::print, "wbpf-startup-trace"));
        }
        MARKS.add(mark);
    }

    private static synchronized void print() {
        long startNanos = System.nanoTime() - millisSinceProcessStart() * 1_000_000;
        long last = MARKS.getFirst().nanos();
        for (Mark m : MARKS) {
            System.err.printf("wbpf: startup %5d ms (+%6.1f, %s CPU %6.1f) %s%n", (m.nanos() - startNanos) / 1_000_000,
                    (m.nanos() - last) / 1e6, m.thread(), m.threadCpuNanos() / 1e6, m.milestone());
            last = m.nanos();
        }
    }

    /** CPU time this thread has used (so far in its life): less disturbed by a busy machine than wall time. */
    private static long threadCpuNanos() {
        try {
            String schedstat = Files.readString(Path.of("/proc/thread-self/schedstat"));
            return Long.parseLong(schedstat.substring(0, schedstat.indexOf(' ')));
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** /proc/uptime and the start time in /proc/self/stat, both in 10 ms ticks since boot; -1 if unreadable. */
    private static long millisSinceProcessStart() {
        try {
            String uptime = Files.readString(Path.of("/proc/uptime"));
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long startTicks = Long.parseLong(fields[19]); // field 22 of stat; fields[0] is field 3
            double now = Double.parseDouble(uptime.substring(0, uptime.indexOf(' ')));
            return Math.round(now * 1000) - startTicks * 10;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
