package dev.wbpf.kernel.backend;

import dev.wbpf.core.backend.BpfException;
import dev.wbpf.core.backend.EventReader;
import dev.wbpf.kernel.ringbuf.RingBufferReader;
import java.time.Duration;

/** A handle on a ring buffer's reader; records are views into the ring, valid during the call. */
final class RingEventReader implements EventReader {
    private final KernelBpfObject owner;
    private final RingBufferReader reader;
    private volatile boolean closed;

    RingEventReader(KernelBpfObject owner, RingBufferReader reader) {
        this.owner = owner;
        this.reader = reader;
    }

    @Override
    public int poll(Duration timeout, RecordHandler handler) {
        if (closed) {
            throw new BpfException("event reader is closed", BpfException.EBADF);
        }
        owner.beginPoll();
        try {
            Duration wait = timeout == null || timeout.isNegative() ? Duration.ZERO : timeout;
            return reader.pollUntil(wait, handler::onRecord);
        } finally {
            owner.endPoll();
        }
    }

    @Override
    public long lostRecords() {
        return 0; // a full ring buffer makes bpf_ringbuf_reserve fail in the program; nothing is counted here
    }

    @Override
    public void close() {
        closed = true;
    }
}
