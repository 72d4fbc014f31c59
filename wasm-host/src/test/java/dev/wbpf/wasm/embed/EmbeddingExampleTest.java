package dev.wbpf.wasm.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wbpf.core.backend.Backends;
import dev.wbpf.core.backend.BpfBackend;
import dev.wbpf.core.backend.BpfObject;
import dev.wbpf.core.backend.LoadOptions;
import dev.wbpf.core.backend.TestRunnable;
import dev.wbpf.core.object.BpfObjectReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The embedding example of examples/embedding/README.md, run as a test on the VM backend (no root):
 * a BPF object loaded directly (no Wasm), its ring buffer records received as callbacks, through a
 * Flow.Publisher and a blocking iterator, and its hash map used with typed keys and values.
 */
class EmbeddingExampleTest {
    private static final Path BENCH = Path.of(System.getProperty("wbpf.testdata"), "bpf", "out", "bench.bpf.o");

    @Test
    void loadReceiveRecordsThreeWaysAndUseATypedMap() throws Exception {
        BpfBackend backend = Backends.named("vm").orElseThrow();
        try (BpfObject object = backend.load(BpfObjectReader.read(BENCH), LoadOptions.defaults());
             RecordStream records = RecordStream.open(object.map("rb").orElseThrow())) {
            // typed map access
            var table = new TypedMap<>(object.map("table").orElseThrow(), Codec.U32, Codec.U64);
            table.put(1, 100L);
            table.put(2, 200L);
            assertEquals(Optional.of(200L), table.get(2));
            assertEquals(List.of(1, 2), table.keys());
            assertTrue(table.remove(1));
            assertFalse(table.remove(1));
            assertEquals(Optional.empty(), table.get(1));

            // records three ways
            AtomicInteger callbacks = new AtomicInteger();
            records.onRecord(r -> callbacks.incrementAndGet());
            CountDownLatch published = new CountDownLatch(64);
            List<Long> seqs = new ArrayList<>();
            records.publisher().subscribe(new Flow.Subscriber<>() {
                @Override
                public void onSubscribe(Flow.Subscription s) {
                    s.request(Long.MAX_VALUE);
                }

                @Override
                public void onNext(byte[] item) {
                    synchronized (seqs) {
                        seqs.add(ByteBuffer.wrap(item).order(ByteOrder.LITTLE_ENDIAN).getLong());
                    }
                    published.countDown();
                }

                @Override
                public void onError(Throwable t) {
                }

                @Override
                public void onComplete() {
                }
            });
            Iterator<byte[]> it = records.iterator();
            records.start();

            // the VM has no attach points yet: drive the program by test-run (64 records per run)
            var produce = (TestRunnable) object.program("produce").orElseThrow();
            assertEquals(0, produce.testRun(new TestRunnable.Input(null, null, 1)).retval());

            for (int i = 0; i < 64; i++) {
                byte[] r = it.next();
                assertEquals(64, r.length);
                assertEquals(i, ByteBuffer.wrap(r).order(ByteOrder.LITTLE_ENDIAN).getLong());
            }
            assertTrue(published.await(10, TimeUnit.SECONDS));
            synchronized (seqs) {
                assertEquals(0L, seqs.getFirst());
                assertEquals(63L, seqs.getLast());
            }
            assertEquals(64, callbacks.get());
            records.close();
            assertFalse(it.hasNext());
        }
    }
}
