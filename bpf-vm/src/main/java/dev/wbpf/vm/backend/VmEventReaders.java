package dev.wbpf.vm.backend;

import dev.wbpf.core.backend.BpfException;
import dev.wbpf.core.backend.EventReader;
import dev.wbpf.vm.map.PerfEventArrayMap;
import dev.wbpf.vm.map.RingBufferMap;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Readers of the VM's ring buffers and perf event arrays: the Java consumer side of those maps. */
final class VmEventReaders {
    private VmEventReaders() {}

    private static long nanos(Duration timeout) {
        if (timeout == null || timeout.isNegative()) {
            return 0;
        }
        try {
            return timeout.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE / 2;
        }
    }

    private abstract static class Base implements EventReader {
        volatile boolean closed;

        void checkOpen() {
            if (closed) {
                throw new BpfException("event reader is closed", BpfException.EBADF);
            }
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    static final class Ring extends Base {
        private final RingBufferMap ring;

        Ring(RingBufferMap ring) {
            this.ring = ring;
        }

        @Override
        public int poll(Duration timeout, RecordHandler handler) {
            checkOpen();
            try {
                ring.awaitRecords(nanos(timeout));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BpfException("interrupted while polling ring buffer `" + ring.name() + "`", 4, e);
            }
            int[] stop = {0};
            int delivered = ring.consumeWhile(record -> {
                int r = handler.onRecord(MemorySegment.ofArray(record));
                if (r < 0) {
                    stop[0] = r;
                }
                return r >= 0;
            });
            return stop[0] < 0 ? stop[0] : delivered;
        }

        @Override
        public long lostRecords() {
            return ring.drops();
        }
    }

    static final class Perf extends Base {
        private final PerfEventArrayMap perf;
        private long lost;
        private final List<PerfEventArrayMap.Sample> pending = new ArrayList<>();

        Perf(PerfEventArrayMap perf) {
            this.perf = perf;
        }

        @Override
        public synchronized int poll(Duration timeout, RecordHandler handler) {
            checkOpen();
            if (pending.isEmpty()) {
                try {
                    perf.awaitSamples(nanos(timeout));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new BpfException("interrupted while polling perf event array `" + perf.name() + "`", 4, e);
                }
                pending.addAll(perf.drain());
            }
            int delivered = 0;
            while (!pending.isEmpty()) {
                PerfEventArrayMap.Sample sample = pending.removeFirst();
                if (sample.data() == null) {
                    lost += sample.lost();
                    continue;
                }
                int r = handler.onRecord(MemorySegment.ofArray(sample.data()));
                if (r < 0) {
                    return r; // the rest stay pending for the next poll
                }
                delivered++;
            }
            return delivered;
        }

        @Override
        public synchronized long lostRecords() {
            return lost;
        }
    }
}
