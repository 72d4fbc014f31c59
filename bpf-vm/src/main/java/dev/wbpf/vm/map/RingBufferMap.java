package dev.wbpf.vm.map;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.function.Consumer;

/**
 * {@code RINGBUF}: a multi-producer, single-consumer byte ring of power-of-two capacity
 * ({@code max_entries}), with the kernel's record layout: an 8-byte header (u32 length with the
 * BUSY bit 31 and DISCARD bit 30, u32 page offset) followed by the data, each record padded to
 * 8 bytes. Headers are only touched under the ring's lock, which orders them with the data writes. Producers {@link #reserve} a record, write it in place, then {@link #submit} or
 * {@link #discard}; the consumer sees records in reservation order and stops at the first one
 * still busy. A reservation that does not fit is refused and counted in {@link #drops()}.
 *
 * <p>Unlike the kernel, which maps the data pages twice so that records may wrap, a record here is
 * always contiguous: when it would cross the end, the remainder is filled by a discarded padding
 * record that the consumer skips.
 */
public final class RingBufferMap extends VmMap {
    public static final int HEADER_SIZE = 8;
    static final int BUSY = 1 << 31;
    static final int DISCARD = 1 << 30;
    private static final VarHandle I32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    /** {@code bpf_ringbuf_query} flags. */
    public static final int QUERY_AVAIL_DATA = 0, QUERY_RING_SIZE = 1, QUERY_CONS_POS = 2, QUERY_PROD_POS = 3;

    private final byte[] data;
    private final int mask;
    private long producer;
    private long consumer;
    private long drops;

    public RingBufferMap(MapDefinition definition) {
        super(definition);
        int capacity = definition.maxEntries();
        if (definition.keySize() != 0 || definition.valueSize() != 0 || capacity < 16 || Integer.bitCount(capacity) != 1) {
            throw new MapException(definition.name(), "create", Errno.EINVAL);
        }
        data = new byte[capacity];
        mask = capacity - 1;
    }

    /** The array records live in; programs get regions of it. */
    public byte[] buffer() {
        return data;
    }

    public int capacity() {
        return data.length;
    }

    /**
     * Reserves a record of {@code size} bytes and returns the array index of its data (after the
     * header), or -1 when it does not fit (counted as a drop).
     */
    public synchronized int reserve(int size) {
        int total = HEADER_SIZE + roundUp8(Math.max(size, 0));
        if (size < 0 || total > data.length) {
            drops++;
            return -1;
        }
        int position = (int) (producer & mask);
        int padding = position + total > data.length ? data.length - position : 0;
        if (producer + padding + total - consumer > data.length) {
            drops++;
            return -1;
        }
        if (padding > 0) {
            I32.set(data, position + 4, 0);
            I32.set(data, position, (padding - HEADER_SIZE) | DISCARD);
            producer += padding;
            position = 0;
        }
        I32.set(data, position + 4, position / 8);
        I32.set(data, position, size | BUSY);
        producer += total;
        return position + HEADER_SIZE;
    }

    /** Commits the record whose data starts at {@code dataIndex}. */
    public synchronized void submit(int dataIndex) {
        int header = dataIndex - HEADER_SIZE;
        int len = (int) I32.get(data, header);
        I32.set(data, header, len & ~(BUSY | DISCARD));
    }

    /** Drops the record whose data starts at {@code dataIndex}; the consumer skips it. */
    public synchronized void discard(int dataIndex) {
        int header = dataIndex - HEADER_SIZE;
        int len = (int) I32.get(data, header);
        I32.set(data, header, (len & ~BUSY) | DISCARD);
    }

    /** Copies {@code length} bytes of {@code source} into a new record; 0 or errno (EAGAIN-like E2BIG when full). */
    public int output(byte[] source, int offset, int length) {
        int at = reserve(length);
        if (at < 0) {
            return Errno.E2BIG;
        }
        System.arraycopy(source, offset, data, at, length);
        submit(at);
        return 0;
    }

    /**
     * Hands every committed record, in order, to {@code handler} (as a copy) and frees its space;
     * stops at the first record still being written. Returns the number of records delivered.
     */
    public int consume(Consumer<byte[]> handler) {
        int delivered = 0;
        while (true) {
            byte[] record;
            synchronized (this) {
                if (consumer == producer) {
                    return delivered;
                }
                int position = (int) (consumer & mask);
                int header = (int) I32.get(data, position);
                if ((header & BUSY) != 0) {
                    return delivered;
                }
                int length = header & ~(BUSY | DISCARD);
                record = (header & DISCARD) != 0 ? null
                        : java.util.Arrays.copyOfRange(data, position + HEADER_SIZE, position + HEADER_SIZE + length);
                consumer += HEADER_SIZE + roundUp8(length);
            }
            if (record != null) {
                handler.accept(record);
                delivered++;
            }
        }
    }

    public synchronized long query(long flag) {
        return switch ((int) flag) {
            case QUERY_AVAIL_DATA -> producer - consumer;
            case QUERY_RING_SIZE -> data.length;
            case QUERY_CONS_POS -> consumer;
            case QUERY_PROD_POS -> producer;
            default -> 0;
        };
    }

    /** Reservations refused because the ring was full. */
    public synchronized long drops() {
        return drops;
    }
}
