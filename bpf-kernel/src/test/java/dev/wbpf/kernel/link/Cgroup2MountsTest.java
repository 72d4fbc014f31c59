package dev.wbpf.kernel.link;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class Cgroup2MountsTest {
    @Test
    void findsTheCgroup2MountOfAHybridHostAndIgnoresCgroupV1() {
        List<String> mountinfo = List.of(
                "24 30 0:22 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw",
                "26 24 0:24 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 - tmpfs tmpfs ro,mode=755",
                "27 26 0:25 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime shared:10 - cgroup2 cgroup2 rw",
                "28 26 0:26 / /sys/fs/cgroup/cpu rw,nosuid shared:11 - cgroup cgroup rw,cpu");
        assertEquals(List.of(Path.of("/sys/fs/cgroup/unified")), Cgroup2Mounts.parse(mountinfo));
    }

    @Test
    void unescapesMountPointsAndAcceptsLinesWithoutOptionalFields() {
        List<String> mountinfo = List.of("40 1 0:50 / /mnt/my\\040cgroups rw - cgroup2 none rw");
        assertEquals(List.of(Path.of("/mnt/my cgroups")), Cgroup2Mounts.parse(mountinfo));
    }

    @Test
    void noCgroup2MountsInAnEmptyOrForeignTable() {
        assertEquals(List.of(), Cgroup2Mounts.parse(List.of()));
        assertEquals(List.of(), Cgroup2Mounts.parse(List.of("garbage", "1 2 3 4 5 - ")));
    }
}
