package dev.wbpf.core.backend;

import java.lang.foreign.MemorySegment;
import java.time.Duration;

/** Records from a ring buffer or perf event array, delivered in order on the polling thread. */
public interface EventReader extends AutoCloseable {

    /** Receives one record; a negative return stops the poll and is returned by it. */
    @FunctionalInterface
    interface RecordHandler {
        int onRecord(MemorySegment record);
    }

    /**
     * Delivers every available record; waits up to {@code timeout} for the first one if none is
     * there ({@link Duration#ZERO}: do not wait).
     *
     * @return the number of records delivered, or the handler's negative return
     */
    int poll(Duration timeout, RecordHandler handler);

    /** Records the producer had to drop (perf buffer lost samples; ring buffer has none). */
    long lostRecords();

    @Override
    void close();
}
