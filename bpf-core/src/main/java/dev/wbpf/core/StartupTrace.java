package dev.wbpf.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where start-up time goes, for {@code WBPF_TRACE_STARTUP=1 wbpf run ...}: each milestone prints
 * to stderr the ms since the process started (to 10 ms: the kernel's clock tick), since the
 * previous milestone, and the CPU time the thread has used so far. Off (a field test) unless the
 * variable is set.
 */
public final class StartupTrace {
    private static final boolean ON = System.getenv("WBPF_TRACE_STARTUP") != null;
    private static long last = System.nanoTime();

    private StartupTrace() {
    }

    public static void mark(String milestone) {
        if (ON) {
            print(milestone);
        }
    }

    private static synchronized void print(String milestone) {
        long now = System.nanoTime();
        long sinceStart = millisSinceProcessStart();
        System.err.printf("wbpf: startup %5d ms (+%6.1f, %s CPU %6.1f) %s%n", sinceStart, (now - last) / 1e6,
                Thread.currentThread().getName(), threadCpuNanos() / 1e6, milestone);
        last = now;
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
