package dev.wbpf.kernel.ringbuf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The consuming loop over a ring written by the test the way the kernel writes it (no root needed). */
class RingBufferConsumeTest {
    private static final int SIZE = 64; // data area; mapped twice after it, as the kernel does
    private static final int BUSY = 1 << 31;
    private static final int DISCARD = 1 << 30;

    private final Arena arena = Arena.ofAuto();
    private final MemorySegment consumer = arena.allocate(8, 8);
    private final MemorySegment producer = arena.allocate(8, 8);
    private final MemorySegment data = arena.allocate(2 * SIZE, 8);
    private long producerPos;

    /** Appends a record at the producer position (both copies of the double mapping). */
    private void write(String sample, int flags) {
        byte[] bytes = sample.getBytes(StandardCharsets.US_ASCII);
        long at = producerPos & (SIZE - 1);
        byte[] record = new byte[(bytes.length + 8 + 7) & ~7];
        int header = bytes.length | flags;
        for (int i = 0; i < 4; i++) {
            record[i] = (byte) (header >>> (8 * i));
        }
        System.arraycopy(bytes, 0, record, 8, bytes.length);
        for (int i = 0; i < record.length; i++) {
            long p = (at + i) % SIZE;
            data.set(ValueLayout.JAVA_BYTE, p, record[i]);
            data.set(ValueLayout.JAVA_BYTE, p + SIZE, record[i]);
        }
        producerPos += record.length;
        producer.set(ValueLayout.JAVA_LONG, 0, producerPos);
    }

    private void setHeader(long position, int header) {
        data.set(ValueLayout.JAVA_INT, position & (SIZE - 1), header);
        data.set(ValueLayout.JAVA_INT, (position & (SIZE - 1)) + SIZE, header);
    }

    private List<String> consume() {
        List<String> got = new ArrayList<>();
        RingBufferReader.consume(consumer, producer, data, SIZE - 1,
                s -> got.add(new String(s.toArray(ValueLayout.JAVA_BYTE), StandardCharsets.US_ASCII)));
        return got;
    }

    @Test
    void discardedRecordsAreSkippedAndBusyOnesStopTheReader() {
        write("one", 0);
        write("gone", DISCARD);
        long busyAt = producerPos;
        write("three", BUSY);
        write("four", 0);
        assertEquals(List.of("one"), consume());
        assertEquals(busyAt, consumer.get(ValueLayout.JAVA_LONG, 0), "consumer stops before the busy record");
        setHeader(busyAt, 5); // the kernel commits it
        assertEquals(List.of("three", "four"), consume());
        assertEquals(producerPos, consumer.get(ValueLayout.JAVA_LONG, 0));
    }

    @Test
    void aRecordWrappingTheEndIsReadWholeThroughTheSecondMapping() {
        write("aaaaaaaaaaaaaaaa", 0); // 24 bytes
        write("bbbbbbbbbbbbbbbb", 0); // 48
        assertEquals(2, consume().size());
        write("wraps-around-the-end", 0); // starts at 48, 28 bytes + header: crosses 64
        assertEquals(List.of("wraps-around-the-end"), consume());
    }
}
