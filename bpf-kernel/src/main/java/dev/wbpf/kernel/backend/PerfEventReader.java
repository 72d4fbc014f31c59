package dev.wbpf.kernel.backend;

import dev.wbpf.core.backend.BpfException;
import dev.wbpf.core.backend.EventReader;
import dev.wbpf.kernel.perf.PerfBufferReader;
import java.lang.foreign.MemorySegment;
import java.time.Duration;

/**
 * A handle on a perf event array's per-CPU readers. Records are the raw sample as the kernel
 * stored it (its size padded as in the perf record). Samples the kernel dropped are logged after
 * the poll that found them.
 */
final class PerfEventReader implements EventReader {
    private final KernelBpfObject owner;
    private final String mapName;
    private final PerfBufferReader reader;
    private volatile boolean closed;

    PerfEventReader(KernelBpfObject owner, String mapName, PerfBufferReader reader) {
        this.owner = owner;
        this.mapName = mapName;
        this.reader = reader;
    }

    @Override
    public int poll(Duration timeout, RecordHandler handler) {
        if (closed) {
            throw new BpfException("event reader is closed", BpfException.EBADF);
        }
        owner.beginPoll();
        Duration wait = timeout == null || timeout.isNegative() ? Duration.ZERO : timeout;
        long lostBefore = reader.lostSamples();
        try {
            return reader.pollUntil(wait, sample -> handler.onRecord(MemorySegment.ofArray(sample.data())));
        } finally {
            long lost = reader.lostSamples() - lostBefore;
            owner.endPoll();
            if (lost > 0) {
                owner.log("perf buffer `" + mapName + "` lost " + lost + " samples (" + reader.lostSamples()
                        + " in all): poll more often or use a ring buffer");
            }
        }
    }

    @Override
    public long lostRecords() {
        return reader.lostSamples();
    }

    @Override
    public void close() {
        closed = true;
    }
}
