package dev.wbpf.kernel.link;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Where the cgroup v2 hierarchy is mounted, read from {@code /proc/self/mountinfo}: a hybrid host
 * mounts it at /sys/fs/cgroup/unified and keeps cgroup v1 (a tmpfs) at /sys/fs/cgroup, so a program
 * written for a pure v2 host names a directory that cannot take cgroup programs.
 */
final class Cgroup2Mounts {
    private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");

    private Cgroup2Mounts() {
    }

    /** The mount points of cgroup2 file systems; empty when there is none or mountinfo is unreadable. */
    static List<Path> mountPoints() {
        try {
            return parse(Files.readAllLines(MOUNTINFO));
        } catch (IOException e) {
            return List.of();
        }
    }

    /** mountinfo lines: "ID PARENT MAJ:MIN ROOT MOUNT_POINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPER_OPTIONS". */
    static List<Path> parse(List<String> mountinfo) {
        return mountinfo.stream()
                .map(line -> line.split(" "))
                .filter(fields -> {
                    int separator = List.of(fields).indexOf("-");
                    return separator > 4 && separator + 1 < fields.length && fields[separator + 1].equals("cgroup2");
                })
                .map(fields -> Path.of(unescape(fields[4])))
                .toList();
    }

    /** mountinfo escapes space, tab, newline and backslash as three octal digits. */
    private static String unescape(String field) {
        StringBuilder out = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 3 < field.length()
                    && field.substring(i + 1, i + 4).chars().allMatch(d -> d >= '0' && d <= '7')) {
                out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** Why a directory refused a cgroup program, for the error message. */
    static String notCgroup2Hint(Path directory) {
        List<Path> mounts = mountPoints();
        if (mounts.isEmpty()) {
            return "; " + directory + " is not a cgroup v2 directory and no cgroup v2 hierarchy is mounted"
                    + " (mount one: mount -t cgroup2 none /sys/fs/cgroup/unified)";
        }
        return "; " + directory + " is not a cgroup v2 directory: cgroup v2 is mounted at "
                + String.join(", ", mounts.stream().map(Path::toString).toList()) + ", use a directory under it";
    }
}
