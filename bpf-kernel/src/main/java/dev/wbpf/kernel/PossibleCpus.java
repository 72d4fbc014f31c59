package dev.wbpf.kernel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The number of possible CPUs, which sizes per-CPU map values and perf event arrays. It is the
 * highest index in /sys/devices/system/cpu/possible plus one, not the online count: the kernel
 * lays per-CPU values out for every possible CPU, including offline ones.
 */
public final class PossibleCpus {
    private static final Path POSSIBLE = Path.of("/sys/devices/system/cpu/possible");
    private static volatile int count;

    private PossibleCpus() {}

    public static int count() {
        int cached = count;
        if (cached == 0) {
            try {
                cached = parse(Files.readString(POSSIBLE));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + POSSIBLE, e);
            }
            count = cached;
        }
        return cached;
    }

    /** Parses the kernel's CPU list format ("0-3", "0,2-5", "0"). */
    public static int parse(String cpuList) {
        int highest = -1;
        for (String range : cpuList.strip().split(",")) {
            if (range.isEmpty()) {
                continue;
            }
            int dash = range.indexOf('-');
            String last = dash < 0 ? range : range.substring(dash + 1);
            highest = Math.max(highest, Integer.parseInt(last.strip()));
        }
        if (highest < 0) {
            throw new IllegalArgumentException("empty CPU list: '" + cpuList + "'");
        }
        return highest + 1;
    }
}
