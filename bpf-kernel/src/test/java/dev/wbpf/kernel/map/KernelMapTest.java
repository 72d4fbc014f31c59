package dev.wbpf.kernel.map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wbpf.core.btf.BtfType;
import dev.wbpf.core.btf.BtfWriter;
import dev.wbpf.core.object.MapType;
import dev.wbpf.core.testing.RequiresKernel;
import dev.wbpf.kernel.Bpffs;
import dev.wbpf.kernel.Errno;
import dev.wbpf.kernel.Fd;
import dev.wbpf.kernel.FdLeakTracker;
import dev.wbpf.kernel.KernelException;
import dev.wbpf.kernel.KernelObjects;
import dev.wbpf.kernel.PossibleCpus;
import dev.wbpf.kernel.TestPrograms;
import dev.wbpf.kernel.sys.Bpf;
import dev.wbpf.kernel.sys.ProgLoadRequest;
import dev.wbpf.kernel.sys.Syscalls;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.function.Executable;

@RequiresKernel
@ExtendWith(FdLeakTracker.class)
class KernelMapTest {

    static byte[] u32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    static byte[] u64(long v) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
    }

    static int asU32(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt();
    }

    static long asU64(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    static void assertErrno(Errno expected, Executable call) {
        KernelException e = assertThrows(KernelException.class, call);
        assertEquals(expected, e.kernelErrno(), e.getMessage());
    }

    @Test
    void hashMapFollowsTheKernelsUpdateRules() {
        try (KernelMap map = KernelMap.create(MapDefinition.of(MapType.HASH, 4, 8, 2).withName("h"))) {
            assertEquals(MapType.HASH, map.type());
            assertEquals("h", map.name());
            assertEquals(Optional.empty(), map.lookup(u32(1)), "lookup of a missing key is ENOENT → empty");
            map.update(u32(1), u64(100), UpdateFlag.NO_EXIST);
            assertEquals(100, asU64(map.lookup(u32(1)).orElseThrow()));
            assertErrno(Errno.EEXIST, () -> map.update(u32(1), u64(1), UpdateFlag.NO_EXIST));
            assertErrno(Errno.ENOENT, () -> map.update(u32(7), u64(1), UpdateFlag.EXIST));
            map.update(u32(1), u64(101), UpdateFlag.EXIST);
            map.update(u32(2), u64(200));
            assertErrno(Errno.E2BIG, () -> map.update(u32(3), u64(300)));

            Set<Integer> keys = new HashSet<>();
            map.keys().forEach(k -> keys.add(asU32(k)));
            assertEquals(Set.of(1, 2), keys);

            assertTrue(map.delete(u32(1)));
            assertFalse(map.delete(u32(1)), "deleting a missing key is ENOENT → false");
            assertThrows(IllegalArgumentException.class, () -> map.lookup(new byte[3]));
        }
    }

    @Test
    void arrayMapHasFixedSlots() {
        try (KernelMap map = KernelMap.create(MapDefinition.of(MapType.ARRAY, 4, 4, 4))) {
            assertEquals(0, asU32(map.lookup(u32(3)).orElseThrow()), "array slots exist, zeroed");
            assertEquals(Optional.empty(), map.lookup(u32(4)));
            map.update(u32(2), u32(42));
            assertEquals(42, asU32(map.lookup(u32(2)).orElseThrow()));
            assertErrno(Errno.E2BIG, () -> map.update(u32(4), u32(1)));
            assertErrno(Errno.EEXIST, () -> map.update(u32(0), u32(1), UpdateFlag.NO_EXIST));
            assertErrno(Errno.EINVAL, () -> map.delete(u32(0)));
            assertEquals(4, map.keys().size());
        }
    }

    @Test
    void perCpuArraySumsOverPossibleCpus() {
        int cpus = PossibleCpus.count();
        try (KernelMap map = KernelMap.create(MapDefinition.of(MapType.PERCPU_ARRAY, 4, 4, 1))) {
            assertEquals(cpus * 8, map.valueBufferSize(), "4-byte values padded to 8 per CPU");
            List<byte[]> perCpu = new ArrayList<>();
            for (int cpu = 0; cpu < cpus; cpu++) {
                perCpu.add(u32(10 + cpu));
            }
            map.updatePerCpu(u32(0), perCpu, UpdateFlag.ANY);
            long sum = map.lookupPerCpu(u32(0)).orElseThrow().stream().mapToLong(KernelMapTest::asU32).sum();
            assertEquals(cpus * 10L + (long) cpus * (cpus - 1) / 2, sum);
            assertThrows(IllegalArgumentException.class, () -> map.update(u32(0), u32(1)));
        }
    }

    @Test
    void perCpuHashAndLruPerCpuHashRoundTrip() {
        for (MapType type : List.of(MapType.PERCPU_HASH, MapType.LRU_PERCPU_HASH)) {
            try (KernelMap map = KernelMap.create(MapDefinition.of(type, 4, 8, 16))) {
                List<byte[]> values = new ArrayList<>();
                for (int cpu = 0; cpu < PossibleCpus.count(); cpu++) {
                    values.add(u64(cpu * 1000L + 7));
                }
                map.updatePerCpu(u32(5), values, UpdateFlag.NO_EXIST);
                List<byte[]> back = map.lookupPerCpu(u32(5)).orElseThrow();
                for (int cpu = 0; cpu < values.size(); cpu++) {
                    assertEquals(cpu * 1000L + 7, asU64(back.get(cpu)), type + " cpu " + cpu);
                }
                assertEquals(Optional.empty(), map.lookupPerCpu(u32(6)));
            }
        }
    }

    @Test
    void lruHashEvictsInsteadOfFailing() {
        try (KernelMap map = KernelMap.create(MapDefinition.of(MapType.LRU_HASH, 4, 4, 16))) {
            for (int i = 0; i < 200; i++) {
                map.update(u32(i), u32(i));
            }
            int size = map.keys().size();
            assertTrue(size > 0 && size <= 200, "size " + size);
            assertTrue(map.lookup(u32(199)).isPresent(), "the newest entry survives");
            assertTrue(size < 200, "older entries were evicted, " + size + " remain");
        }
    }

    @Test
    void queueIsFifoAndStackIsLifo() {
        try (KernelMap queue = KernelMap.create(MapDefinition.of(MapType.QUEUE, 0, 4, 3));
                KernelMap stack = KernelMap.create(MapDefinition.of(MapType.STACK, 0, 4, 3))) {
            for (int v = 1; v <= 3; v++) {
                queue.push(u32(v), UpdateFlag.ANY);
                stack.push(u32(v), UpdateFlag.ANY);
            }
            assertErrno(Errno.E2BIG, () -> queue.push(u32(4), UpdateFlag.ANY));
            queue.push(u32(4), UpdateFlag.EXIST); // full: BPF_EXIST drops the oldest
            assertEquals(2, asU32(queue.peek().orElseThrow()));
            assertEquals(2, asU32(queue.pop().orElseThrow()));
            assertEquals(3, asU32(stack.pop().orElseThrow()));
            assertEquals(2, asU32(stack.pop().orElseThrow()));
            assertEquals(1, asU32(stack.pop().orElseThrow()));
            assertEquals(Optional.empty(), stack.pop(), "pop of an empty stack is ENOENT → empty");
        }
    }

    @Test
    void lpmTrieFindsTheLongestPrefix() {
        // struct bpf_lpm_trie_key: __u32 prefixlen, then the address bytes in network order.
        try (KernelMap trie = KernelMap.create(
                MapDefinition.of(MapType.LPM_TRIE, 8, 4, 16).withFlags(MapDefinition.NO_PREALLOC))) {
            trie.update(lpmKey(8, 10, 0, 0, 0), u32(8));
            trie.update(lpmKey(16, 10, 1, 0, 0), u32(16));
            assertEquals(16, asU32(trie.lookup(lpmKey(32, 10, 1, 2, 3)).orElseThrow()));
            assertEquals(8, asU32(trie.lookup(lpmKey(32, 10, 9, 9, 9)).orElseThrow()));
            assertEquals(Optional.empty(), trie.lookup(lpmKey(32, 192, 168, 0, 1)));
        }
    }

    static byte[] lpmKey(int prefixLength, int a, int b, int c, int d) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(prefixLength)
                .put((byte) a).put((byte) b).put((byte) c).put((byte) d).array();
    }

    @Test
    void mapsOfMapsStoreInnerMapsByFdAndReturnTheirIds() {
        try (KernelMap template = KernelMap.create(MapDefinition.of(MapType.ARRAY, 4, 4, 1));
                KernelMap inner = KernelMap.create(MapDefinition.of(MapType.ARRAY, 4, 4, 1));
                KernelMap arrayOfMaps = KernelMap.create(
                        MapDefinition.of(MapType.ARRAY_OF_MAPS, 4, 4, 2).withInnerMap(template));
                KernelMap hashOfMaps = KernelMap.create(
                        MapDefinition.of(MapType.HASH_OF_MAPS, 4, 4, 2).withInnerMap(template))) {
            arrayOfMaps.update(u32(1), u32(inner.fd().raw()));
            hashOfMaps.update(u32(9), u32(inner.fd().raw()));
            assertEquals(inner.id(), asU32(arrayOfMaps.lookup(u32(1)).orElseThrow()));
            assertEquals(inner.id(), asU32(hashOfMaps.lookup(u32(9)).orElseThrow()));
            try (KernelMap incompatible = KernelMap.create(MapDefinition.of(MapType.HASH, 4, 4, 1))) {
                assertErrno(Errno.EINVAL, () -> arrayOfMaps.update(u32(0), u32(incompatible.fd().raw())));
            }
        }
    }

    @Test
    void eventAndProgramMapsAreCreated() {
        try (KernelMap ring = KernelMap.create(MapDefinition.of(MapType.RINGBUF, 0, 0, 64 * 1024));
                KernelMap perf = KernelMap.create(MapDefinition.of(MapType.PERF_EVENT_ARRAY, 4, 4, 0));
                KernelMap progs = KernelMap.create(MapDefinition.of(MapType.PROG_ARRAY, 4, 4, 4));
                Fd prog = Bpf.progLoad(ProgLoadRequest.of(6, TestPrograms.returnImmediate(2), "GPL"))) {
            assertEquals(MapType.RINGBUF, ring.type());
            assertEquals(64 * 1024, ring.maxEntries());
            assertEquals(PossibleCpus.count(), perf.maxEntries(), "perf event array sized to possible CPUs");
            progs.update(u32(0), u32(prog.raw()));
            assertTrue(progs.delete(u32(0)));
            assertErrno(Errno.EINVAL, () -> KernelMap.create(MapDefinition.of(MapType.RINGBUF, 0, 0, 1000)));
        }
    }

    @Test
    void taskStorageWorksWithHandWrittenBtf() {
        BtfWriter btf = new BtfWriter();
        int intType = btf.add(new BtfType.Int("int", 4, BtfType.INT_SIGNED, 0, 32));
        try (Fd btfFd = Bpf.btfLoad(btf.toBytes());
                KernelMap storage = KernelMap.create(MapDefinition.of(MapType.TASK_STORAGE, 4, 4, 0)
                        .withFlags(MapDefinition.NO_PREALLOC)
                        .withBtf(new MapBtf(btfFd, intType, intType)));
                Fd self = Syscalls.pidfdOpen(Syscalls.getpid())) {
            byte[] key = u32(self.raw()); // task storage is keyed by a pidfd
            assertEquals(Optional.empty(), storage.lookup(key));
            storage.update(key, u32(1234));
            assertEquals(1234, asU32(storage.lookup(key).orElseThrow()));
            assertTrue(storage.delete(key));
        }
    }

    @Test
    void batchOperationsMoveManyElementsPerCall() {
        try (KernelMap map = KernelMap.create(MapDefinition.of(MapType.HASH, 4, 8, 64))) {
            List<byte[]> keys = new ArrayList<>();
            List<byte[]> values = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                keys.add(u32(i));
                values.add(u64(i * 3L));
            }
            assertEquals(40, map.updateBatch(keys, values, UpdateFlag.ANY));

            Set<Integer> seen = new HashSet<>();
            byte[] cursor = null;
            boolean finished = false;
            while (!finished) {
                MapBatch batch = map.lookupBatch(cursor, 16, false);
                for (int i = 0; i < batch.keys().size(); i++) {
                    int key = asU32(batch.keys().get(i));
                    assertEquals(key * 3L, asU64(batch.values().get(i)));
                    seen.add(key);
                }
                cursor = batch.cursor();
                finished = batch.finished();
            }
            assertEquals(40, seen.size());

            assertEquals(10, map.deleteBatch(keys.subList(0, 10)));
            assertEquals(30, map.keys().size());
            MapBatch drained = map.lookupBatch(null, 64, true);
            assertEquals(30, drained.keys().size());
            assertTrue(drained.finished());
            assertEquals(0, map.keys().size());
        }
    }

    @Test
    void frozenMapRefusesUserSpaceWrites() {
        try (KernelMap map = KernelMap.create(MapDefinition.of(MapType.ARRAY, 4, 4, 1))) {
            map.update(u32(0), u32(5));
            map.freeze();
            assertErrno(Errno.EPERM, () -> map.update(u32(0), u32(6)));
            assertEquals(5, asU32(map.lookup(u32(0)).orElseThrow()));
        }
    }

    @Test
    void pinnedMapCanBeReopened() throws Exception {
        Path dir = Files.createTempDirectory(Bpffs.ensureMounted(), "wbpf-map-");
        Path pin = dir.resolve("counts");
        try (KernelMap map = KernelMap.create(MapDefinition.of(MapType.HASH, 4, 4, 4).withName("counts"))) {
            map.update(u32(1), u32(11));
            map.pin(pin);
        }
        try (KernelMap reopened = KernelMap.openPinned(pin)) {
            assertEquals("counts", reopened.name());
            assertEquals(MapType.HASH, reopened.type());
            assertEquals(11, asU32(reopened.lookup(u32(1)).orElseThrow()), "the pin kept the map alive");
        } finally {
            Files.deleteIfExists(pin);
            Files.deleteIfExists(dir);
        }
    }

    @Test
    void closedMapsLeaveNoKernelObjectsBehind() throws Exception {
        Set<Integer> before = KernelObjects.snapshot(Bpf.ObjectKind.MAP);
        List<Integer> ids = new ArrayList<>();
        for (MapType type : List.of(MapType.ARRAY, MapType.HASH, MapType.PERCPU_ARRAY, MapType.LRU_HASH)) {
            try (KernelMap map = KernelMap.create(MapDefinition.of(type, 4, 4, 4))) {
                ids.add(map.id());
            }
        }
        for (int id : ids) {
            KernelObjects.assertGone(Bpf.ObjectKind.MAP, id, before);
        }
    }
}
