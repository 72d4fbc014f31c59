package dev.wbpf.kernel.backend;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wbpf.core.backend.BpfMap;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the cgroup attach tests share: where cgroup v2 is, and their u32 → u64 counter arrays. */
final class CgroupTesting {
    private CgroupTesting() {
    }

    /** The cgroup v2 hierarchy: /sys/fs/cgroup/unified on hybrid systems, else /sys/fs/cgroup. */
    static Path cgroup2Root() {
        Path unified = Path.of("/sys/fs/cgroup/unified");
        return Files.isRegularFile(unified.resolve("cgroup.procs")) ? unified : Path.of("/sys/fs/cgroup");
    }

    /** Entry {@code index} of a counter array (u32 key, u64 value), which must exist. */
    static long counter(BpfMap counters, int index) {
        byte[] key = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(index).array();
        byte[] value = new byte[counters.valueBufferSize()];
        assertTrue(counters.lookup(key, value));
        return ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }
}
