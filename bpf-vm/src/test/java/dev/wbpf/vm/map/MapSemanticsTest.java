package dev.wbpf.vm.map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.wbpf.core.object.MapType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class MapSemanticsTest {
    static byte[] u32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    static byte[] u64(long v) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
    }

    static long asU64(byte[] b, int at) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong(at);
    }

    static VmMap map(MapType type, int key, int value, int max) {
        return VmMaps.create(MapDefinition.of("m", type, key, value, max), 4);
    }

    static int errno(Runnable r) {
        return assertThrows(MapException.class, r::run).errno();
    }

    @Test void arrayElementsAlwaysExistAndCannotBeDeleted() {
        VmMap a = map(MapType.ARRAY, 4, 8, 2);
        assertArrayEquals(new byte[8], a.lookup(u32(1)));
        assertNull(a.lookup(u32(2)));
        a.update(u32(1), u64(7), UpdateFlags.ANY);
        assertEquals(7, asU64(a.lookup(u32(1)), 0));
        assertEquals(Errno.EEXIST, errno(() -> a.update(u32(0), u64(1), UpdateFlags.NOEXIST)));
        assertEquals(Errno.E2BIG, errno(() -> a.update(u32(2), u64(1), UpdateFlags.ANY)));
        assertEquals(Errno.EINVAL, errno(() -> a.delete(u32(0))));
        assertEquals(Errno.EINVAL, errno(() -> a.update(u32(0), u64(1), 9)));
        assertArrayEquals(u32(0), a.nextKey(null));
        assertArrayEquals(u32(1), a.nextKey(u32(0)));
        assertNull(a.nextKey(u32(1)));
    }

    @Test void perCpuArrayShowsOneValuePerCpuToJava() {
        VmMap a = map(MapType.PERCPU_ARRAY, 4, 4, 1);
        assertEquals(4 * 8, a.userValueSize());
        a.updateElement(u32(0), u32(5), UpdateFlags.ANY, 2);
        byte[] all = a.lookup(u32(0));
        assertEquals(5, all[2 * 8]);
        assertEquals(0, all[0]);
    }

    @Test void hashFlagsAndErrors() {
        VmMap h = map(MapType.HASH, 4, 8, 2);
        assertNull(h.lookup(u32(1)));
        assertEquals(Errno.ENOENT, errno(() -> h.update(u32(1), u64(1), UpdateFlags.EXIST)));
        h.update(u32(1), u64(1), UpdateFlags.NOEXIST);
        assertEquals(Errno.EEXIST, errno(() -> h.update(u32(1), u64(2), UpdateFlags.NOEXIST)));
        h.update(u32(1), u64(3), UpdateFlags.EXIST);
        assertEquals(3, asU64(h.lookup(u32(1)), 0));
        h.update(u32(2), u64(4), UpdateFlags.ANY);
        assertEquals(Errno.E2BIG, errno(() -> h.update(u32(3), u64(5), UpdateFlags.ANY)));
        h.delete(u32(1));
        assertEquals(Errno.ENOENT, errno(() -> h.delete(u32(1))));
        assertEquals(Errno.EINVAL, errno(() -> h.lookup(new byte[3])));
        assertArrayEquals(u32(2), h.nextKey(null));
        assertNull(h.nextKey(u32(2)));
    }

    @Test void lruEvictsTheLeastRecentlyUsed() {
        VmMap h = map(MapType.LRU_HASH, 4, 8, 2);
        h.update(u32(1), u64(1), UpdateFlags.ANY);
        h.update(u32(2), u64(2), UpdateFlags.ANY);
        h.lookup(u32(1));                      // 1 is now more recent than 2
        h.update(u32(3), u64(3), UpdateFlags.ANY);
        assertNull(h.lookup(u32(2)));
        assertEquals(1, asU64(h.lookup(u32(1)), 0));
        assertEquals(3, asU64(h.lookup(u32(3)), 0));
    }

    @Test void lruPerCpuHash() {
        VmMap h = map(MapType.LRU_PERCPU_HASH, 4, 8, 1);
        h.updateElement(u32(1), u64(9), UpdateFlags.ANY, 1);
        assertEquals(9, asU64(h.lookup(u32(1)), 8));
        h.updateElement(u32(2), u64(8), UpdateFlags.ANY, 0);
        assertNull(h.lookup(u32(1)));
    }

    @Test void queueAndStack() {
        QueueStackMap q = (QueueStackMap) map(MapType.QUEUE, 0, 4, 2);
        QueueStackMap s = (QueueStackMap) map(MapType.STACK, 0, 4, 2);
        for (QueueStackMap m : List.of(q, s)) {
            assertEquals(0, m.push(u32(1), 0));
            assertEquals(0, m.push(u32(2), 0));
            assertEquals(Errno.E2BIG, m.push(u32(3), 0));
            assertEquals(0, m.push(u32(3), UpdateFlags.EXIST)); // drops the oldest (1)
        }
        assertArrayEquals(u32(2), q.peek());
        assertArrayEquals(u32(2), q.pop());
        assertArrayEquals(u32(3), q.pop());
        assertArrayEquals(u32(3), s.pop());
        assertArrayEquals(u32(2), s.pop());
        assertNull(s.pop());
    }

    @Test void ringBufferRecordsDropsAndWrap() {
        RingBufferMap rb = (RingBufferMap) VmMaps.create(MapDefinition.of("rb", MapType.RINGBUF, 0, 0, 64), 1);
        int a = rb.reserve(20);                // 8 + 24 = 32 bytes
        int b = rb.reserve(20);                // 32 more: full
        assertEquals(-1, rb.reserve(1));
        assertEquals(1, rb.drops());
        rb.submit(b);
        List<byte[]> seen = new ArrayList<>();
        assertEquals(0, rb.consume(seen::add), "the first record is still busy");
        rb.buffer()[a] = 42;
        rb.submit(a);
        assertEquals(2, rb.consume(seen::add));
        assertEquals(42, seen.get(0)[0]);
        assertEquals(20, seen.get(0).length);
        int c = rb.reserve(30);                 // 40 bytes from position 0 (ring empty again, positions at 64)
        rb.discard(c);
        assertEquals(0, rb.consume(seen::add));
        assertEquals(0, rb.query(RingBufferMap.QUERY_AVAIL_DATA));
        assertEquals(64, rb.query(RingBufferMap.QUERY_RING_SIZE));
        assertEquals(0, rb.output(new byte[] {1, 2, 3}, 0, 3)); // would cross the end: padded
        assertEquals(1, rb.consume(seen::add));
        assertArrayEquals(new byte[] {1, 2, 3}, seen.getLast());
        assertThrows(MapException.class, () -> VmMaps.create(MapDefinition.of("rb", MapType.RINGBUF, 0, 0, 48), 1));
    }

    @Test void lpmTrieLongestPrefixMatch() {
        VmMap t = map(MapType.LPM_TRIE, 8, 4, 10);
        t.update(lpmKey(8, 10, 0, 0, 0), u32(8), UpdateFlags.ANY);
        t.update(lpmKey(24, 10, 1, 2, 0), u32(24), UpdateFlags.ANY);
        t.update(lpmKey(32, 10, 1, 2, 3), u32(32), UpdateFlags.ANY);
        assertArrayEquals(u32(32), t.lookup(lpmKey(32, 10, 1, 2, 3)));
        assertArrayEquals(u32(24), t.lookup(lpmKey(32, 10, 1, 2, 4)));
        assertArrayEquals(u32(8), t.lookup(lpmKey(32, 10, 9, 9, 9)));
        assertNull(t.lookup(lpmKey(32, 11, 0, 0, 0)));
        assertArrayEquals(u32(24), t.lookup(lpmKey(31, 10, 1, 2, 3)), "only the first 31 bits count");
        assertEquals(Errno.EINVAL, errno(() -> t.update(lpmKey(33, 0, 0, 0, 0), u32(0), UpdateFlags.ANY)));
        t.delete(lpmKey(24, 10, 1, 2, 99)); // bits past the prefix do not matter
        assertArrayEquals(u32(8), t.lookup(lpmKey(32, 10, 1, 2, 4)));
    }

    static byte[] lpmKey(int prefix, int a, int b, int c, int d) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(prefix)
                .put((byte) a).put((byte) b).put((byte) c).put((byte) d).array();
    }

    @Test void perfEventArrayCountsLostSamples() {
        PerfEventArrayMap p = new PerfEventArrayMap(MapDefinition.of("p", MapType.PERF_EVENT_ARRAY, 4, 4, 0), 2, 8);
        assertEquals(0, p.output(1, new byte[6]));
        assertEquals(Errno.ENOSPC, p.output(1, new byte[6]));
        assertEquals(Errno.E2BIG, p.output(5, new byte[1]));
        var samples = p.drain();
        assertEquals(2, samples.size());
        assertEquals(1, samples.get(0).lost());
        assertEquals(6, samples.get(1).data().length);
    }

    @Test void hashIsThreadSafeUnderConcurrentUpdates() throws Exception {
        VmMap h = map(MapType.HASH, 4, 8, 10_000);
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 2_000; i++) {
                        h.update(u32(thread * 2_000 + i), u64(i), UpdateFlags.NOEXIST);
                        h.updateElement(u32(100_000 + i % 10), u64(thread), UpdateFlags.ANY, thread); // contended keys
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }
        assertEquals(8_010, ((HashTableMap) h).size());
        int count = 0;
        for (byte[] k = h.nextKey(null); k != null; k = h.nextKey(k)) {
            count++;
        }
        assertEquals(8_010, count);
    }
}
