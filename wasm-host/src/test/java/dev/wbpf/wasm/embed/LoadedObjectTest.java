package dev.wbpf.wasm.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wbpf.core.backend.Backends;
import dev.wbpf.core.backend.BpfException;
import dev.wbpf.core.backend.LoadOptions;
import dev.wbpf.core.backend.TestRunnable;
import dev.wbpf.core.testing.Fixtures;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The embedding API on the VM backend (no root): a BPF object loaded directly, its ring buffer
 * records decoded into Java records and received as callbacks, through a Flow.Publisher and a
 * blocking iterator; typed and per-CPU maps; and the errors a user meets first.
 */
class LoadedObjectTest {
    private static final Path OUT = Fixtures.objectsDir();

    /** bench.bpf.c's {@code struct event}, which its BTF does not hold. */
    record Event(long seq, long batch, byte[] payload) {
    }

    /** percpu.bpf.c's {@code struct val_t}: {@code lastTs} is member {@code last_ts}. */
    record ValT(long count, long lastTs) {
    }

    private static LoadedObject load(String name) throws Exception {
        return LoadedObject.load(OUT.resolve(name), Backends.named("vm").orElseThrow(), LoadOptions.defaults().withLog(l -> { }));
    }

    @Test
    void recordsArriveDecodedAsCallbacksThroughAPublisherAndAnIterator() throws Exception {
        try (LoadedObject bench = load("bench.bpf.o")) {
            // each record starts with its sequence number (bench.bpf.o keeps no BTF for its struct: see below)
            RecordStream<Long> events = bench.records("rb", Codec.U64);
            AtomicInteger callbacks = new AtomicInteger();
            CountDownLatch calledBack = new CountDownLatch(64);
            events.onRecord(e -> {
                callbacks.incrementAndGet();
                calledBack.countDown();
            });
            CountDownLatch published = new CountDownLatch(64);
            List<Long> publishedSeqs = Collections.synchronizedList(new ArrayList<>());
            events.publisher().subscribe(new Flow.Subscriber<>() {
                @Override
                public void onSubscribe(Flow.Subscription s) {
                    s.request(Long.MAX_VALUE);
                }

                @Override
                public void onNext(Long seq) {
                    publishedSeqs.add(seq);
                    published.countDown();
                }

                @Override
                public void onError(Throwable t) {
                }

                @Override
                public void onComplete() {
                }
            });
            Iterator<Long> it = events.iterator();
            events.start();

            // the program fills the ring buffer with 64 records per run
            var produce = (TestRunnable) bench.program("produce");
            assertEquals(0, produce.testRun(new TestRunnable.Input(null, null, 1)).retval());

            for (long i = 0; i < 64; i++) {
                assertEquals(i, it.next());
            }
            assertTrue(published.await(10, TimeUnit.SECONDS));
            assertEquals(0L, publishedSeqs.getFirst());
            assertEquals(63L, publishedSeqs.getLast());
            // the polling thread hands each record to iterators first, callbacks last
            assertTrue(calledBack.await(10, TimeUnit.SECONDS));
            assertEquals(64, callbacks.get());
            events.close();
            assertFalse(it.hasNext());
        }
    }

    @Test
    void aRecordShorterThanTheCodecStopsTheStreamAndSaysWhy() throws Exception {
        try (LoadedObject bench = load("bench.bpf.o")) {
            RecordStream<byte[]> events = bench.records("rb", Codec.bytes(100));
            CountDownLatch failed = new CountDownLatch(1);
            events.publisher().subscribe(new Flow.Subscriber<>() {
                @Override
                public void onSubscribe(Flow.Subscription s) {
                    s.request(Long.MAX_VALUE);
                }

                @Override
                public void onNext(byte[] item) {
                }

                @Override
                public void onError(Throwable t) {
                    failed.countDown();
                }

                @Override
                public void onComplete() {
                }
            });
            Iterator<byte[]> it = events.iterator();
            events.start();
            ((TestRunnable) bench.program("produce")).testRun(new TestRunnable.Input(null, null, 1));
            var e = assertThrows(IllegalStateException.class, it::hasNext);
            assertEquals("the record stream of rb stopped: a record of rb is 64 bytes, but codec bytes(100) reads 100:"
                    + " the BPF program sends something else", e.getMessage());
            assertTrue(failed.await(10, TimeUnit.SECONDS), "subscribers get onError");
            assertEquals(e.getCause(), events.failure());
        }
    }

    @Test
    void aCallbackMayCloseItsOwnStream() throws Exception {
        try (LoadedObject bench = load("bench.bpf.o")) {
            RecordStream<Long> events = bench.records("rb", Codec.U64);
            AtomicInteger seen = new AtomicInteger();
            events.onRecord(seq -> {
                seen.incrementAndGet();
                events.close();
            });
            Iterator<Long> it = events.iterator();
            events.start();
            ((TestRunnable) bench.program("produce")).testRun(new TestRunnable.Input(null, null, 1));
            int iterated = 0;
            while (it.hasNext()) {
                it.next();
                iterated++;
            }
            assertEquals(1, seen.get());
            assertEquals(1, iterated);
        }
    }

    @Test
    void aStalledSubscriberLosesRecordsButNeitherHoldsUpTheOthersNorClose() throws Exception {
        try (LoadedObject bench = load("bench.bpf.o")) {
            RecordStream<Long> events = bench.records("rb", Codec.U64);
            events.publisher().subscribe(new Flow.Subscriber<>() {
                @Override
                public void onSubscribe(Flow.Subscription s) {
                    s.request(1); // and never more
                }

                @Override
                public void onNext(Long item) {
                }

                @Override
                public void onError(Throwable t) {
                }

                @Override
                public void onComplete() {
                }
            });
            Iterator<Long> it = events.iterator();
            events.start();
            int records = RecordStream.SUBSCRIBER_BUFFER + 640;
            var produce = (TestRunnable) bench.program("produce");
            for (int run = 0; run < records / 64; run++) {
                produce.testRun(new TestRunnable.Input(null, null, 1));
            }
            for (long i = 0; i < records; i++) {
                assertEquals(i % 64, it.next(), "each run numbers its 64 records from 0");
            }
            long t0 = System.nanoTime();
            events.close();
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5), "close does not wait for the subscriber");
            assertTrue(events.droppedForSubscribers() >= 640 - 1, "dropped: " + events.droppedForSubscribers());
        }
    }

    @Test
    void typedMapsReadAndWrite() throws Exception {
        try (LoadedObject bench = load("bench.bpf.o")) {
            TypedMap<Integer, Long> table = bench.map("table", Codec.U32, Codec.U64);
            table.put(1, 100L);
            table.put(2, 200L);
            assertEquals(Optional.of(200L), table.get(2));
            assertEquals(List.of(1, 2), table.keys());
            assertEquals(Map.of(1, 100L, 2, 200L), table.entries());
            assertFalse(table.putIfAbsent(1, 5L));
            assertEquals(Optional.of(100L), table.get(1));
            assertTrue(table.remove(1));
            assertFalse(table.remove(1));
            assertEquals(Optional.empty(), table.get(1));
        }
    }

    @Test
    void perCpuMapsHoldOneValuePerPossibleCpu() throws Exception {
        try (LoadedObject percpu = load("percpu.bpf.o")) {
            TypedMap<Integer, List<ValT>> values = percpu.perCpuMap("pcpu_hash", Codec.U32, Codec.record(ValT.class));
            int cpus = values.map().valueBufferSize() / 16;
            List<ValT> written = new ArrayList<>();
            for (int cpu = 0; cpu < cpus; cpu++) {
                written.add(new ValT(cpu + 1, 1000L * cpu));
            }
            values.put(7, written);
            assertEquals(Optional.of(written), values.get(7));
            assertEquals(cpus * (cpus + 1) / 2, values.get(7).orElseThrow().stream().mapToLong(ValT::count).sum());

            var e = assertThrows(IllegalArgumentException.class, () -> values.put(8, List.of(new ValT(1, 1))));
            assertTrue(e.getMessage().contains("one value per possible CPU (" + cpus + "), got 1"), e.getMessage());
            var plain = assertThrows(IllegalArgumentException.class, () -> percpu.map("pcpu_hash", Codec.U32, Codec.record(ValT.class)));
            assertTrue(plain.getMessage().contains("open it with perCpuMap(...)"), plain.getMessage());
        }
    }

    @Test
    void unknownNamesWrongSizesAndClosedObjectsSaySo() throws Exception {
        LoadedObject bench = load("bench.bpf.o");
        var noMap = assertThrows(BpfException.class, () -> bench.map("tabel", Codec.U32, Codec.U64));
        assertEquals("bench.bpf.o has no map `tabel`; its maps: rb, table, stats", noMap.getMessage());
        var noProgram = assertThrows(BpfException.class, () -> bench.attach("prodce"));
        assertEquals("bench.bpf.o has no program `prodce`; its programs: produce", noProgram.getMessage());
        var wrongKey = assertThrows(IllegalArgumentException.class, () -> bench.map("table", Codec.U64, Codec.U64));
        assertEquals("the key of map `table` is __u32 (4 bytes), but codec U64 has 8 bytes", wrongKey.getMessage());
        var notRecords = assertThrows(IllegalArgumentException.class, () -> bench.records("table", Codec.U64));
        assertTrue(notRecords.getMessage().contains("records come from RINGBUF and PERF_EVENT_ARRAY maps"), notRecords.getMessage());

        var noBtf = assertThrows(IllegalArgumentException.class, () -> bench.records("rb", Codec.record(Event.class)));
        assertTrue(noBtf.getMessage().startsWith("a record of `rb` has no BTF type of its own, and the object has no struct event"
                + " to read it as"), noBtf.getMessage());
        assertTrue(noBtf.getMessage().contains("declare `struct event *unused_event __attribute__((unused));`"), noBtf.getMessage());

        TypedMap<Integer, Long> table = bench.map("table", Codec.U32, Codec.U64);
        RecordStream<byte[]> events = bench.records("rb").start();
        Iterator<byte[]> it = events.iterator();
        bench.close();
        var closed = assertThrows(IllegalStateException.class, () -> table.get(1));
        assertEquals("bench.bpf.o is closed: its programs, maps and record streams can no longer be used", closed.getMessage());
        assertThrows(IllegalStateException.class, () -> bench.map("table"));
        assertFalse(it.hasNext(), "closing the object ends its record streams");
        assertThrows(IllegalStateException.class, events::start);
        bench.close();
    }
}
