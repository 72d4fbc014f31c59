package dev.wbpf.kernel.ringbuf;

import dev.wbpf.core.object.MapType;
import dev.wbpf.kernel.Fd;
import dev.wbpf.kernel.KernelException;
import dev.wbpf.kernel.map.KernelMap;
import dev.wbpf.kernel.sys.Syscalls;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.ToIntFunction;

/**
 * Reads a BPF ring buffer map (BPF_MAP_TYPE_RINGBUF) from user space, without copying through
 * bpf(2): the map is mmap'd as one read-write consumer page and, read-only, the producer page
 * followed by the data area mapped twice in a row (so a record that wraps around the end is still
 * contiguous). Records are an 8-byte header (32-bit length with the BUSY and DISCARD bits, then
 * the page offset the kernel uses) followed by the sample, padded to 8 bytes.
 *
 * <p>Ordering follows the kernel's protocol: the producer position and each header are read with
 * acquire semantics (the kernel publishes them with release stores), and the consumer position is
 * written with a release store after the samples were handed over, so the kernel never reuses
 * space the reader is still looking at. A record whose BUSY bit is set is still being written:
 * reading stops there until the next wake-up. DISCARDed records are skipped.
 *
 * <p>Not thread-safe: one thread at a time consumes (any thread, not only the one that opened it). Samples passed to callbacks are views into the ring,
 * valid only during the call; {@link #next} copies.
 */
public final class RingBufferReader implements AutoCloseable {
    private static final int BUSY_BIT = 1 << 31;
    private static final int DISCARD_BIT = 1 << 30;
    private static final int HEADER_SIZE = 8;
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    private final Fd epoll;
    private final MemorySegment consumer;
    private final MemorySegment producer;
    private final MemorySegment data;
    private final long mask;
    private final Arena arena = Arena.ofShared(); // polled by whichever thread consumes, not only the opener
    private final MemorySegment events;
    private final Deque<byte[]> pending = new ArrayDeque<>();
    private boolean closed;

    private RingBufferReader(Fd epoll, MemorySegment consumer, MemorySegment producer, long pageSize, long dataSize) {
        this.epoll = epoll;
        this.consumer = consumer;
        this.producer = producer;
        this.data = producer.asSlice(pageSize);
        this.mask = dataSize - 1;
        this.events = arena.allocate(16L * 8, 8);
    }

    /** Maps {@code map}'s pages; the map must stay open while the reader is used. */
    public static RingBufferReader open(KernelMap map) {
        if (map.type() != MapType.RINGBUF) {
            throw new IllegalArgumentException("map `" + map.name() + "` is a " + map.type().displayName()
                    + " map, not a ring buffer");
        }
        long pageSize = pageSize();
        long dataSize = map.maxEntries();
        int fd = map.fd().raw();
        MemorySegment consumer = Syscalls.mmap(pageSize, Syscalls.PROT_READ | Syscalls.PROT_WRITE,
                Syscalls.MAP_SHARED, fd, 0);
        MemorySegment producer;
        try {
            producer = Syscalls.mmap(pageSize + 2 * dataSize, Syscalls.PROT_READ, Syscalls.MAP_SHARED, fd, pageSize);
        } catch (KernelException e) {
            Syscalls.munmap(consumer);
            throw e;
        }
        Fd epoll = null;
        try (Arena arena = Arena.ofConfined()) {
            epoll = Syscalls.epollCreate1(Syscalls.EPOLL_CLOEXEC);
            MemorySegment event = arena.allocate(16, 8); // struct epoll_event: events, then data (unused)
            event.set(ValueLayout.JAVA_INT, 0, Syscalls.EPOLLIN);
            Syscalls.epollCtl(epoll.raw(), Syscalls.EPOLL_CTL_ADD, fd, event);
            return new RingBufferReader(epoll, consumer, producer, pageSize, dataSize);
        } catch (RuntimeException e) {
            if (epoll != null) {
                epoll.close();
            }
            Syscalls.munmap(producer);
            Syscalls.munmap(consumer);
            throw e;
        }
    }

    /**
     * Hands every complete record to {@code callback} without waiting; returns how many. The
     * segment is the sample (without header), valid only during the call.
     */
    public int consume(Consumer<MemorySegment> callback) {
        return consumeUntil(sample -> {
            callback.accept(sample);
            return 0;
        });
    }

    /**
     * Like {@link #consume(Consumer)}, but a negative return of {@code handler} stops delivery
     * right after that record (which counts as consumed; later records stay for the next call)
     * and is returned instead of the count.
     */
    public int consumeUntil(ToIntFunction<MemorySegment> handler) {
        ensureOpen();
        return consumeUntil(consumer, producer, data, mask, handler);
    }

    /**
     * The consuming loop over the three regions (consumer page, producer page, data area mapped
     * twice); package-private so that tests can run it over a ring they write themselves.
     */
    static int consume(MemorySegment consumer, MemorySegment producer, MemorySegment data, long mask,
            Consumer<MemorySegment> callback) {
        return consumeUntil(consumer, producer, data, mask, sample -> {
            callback.accept(sample);
            return 0;
        });
    }

    static int consumeUntil(MemorySegment consumer, MemorySegment producer, MemorySegment data, long mask,
            ToIntFunction<MemorySegment> handler) {
        long consumerPos = (long) LONG.getAcquire(consumer, 0L);
        int count = 0;
        while (true) {
            long producerPos = (long) LONG.getAcquire(producer, 0L);
            if (consumerPos >= producerPos) {
                break;
            }
            long at = consumerPos & mask;
            int header = (int) INT.getAcquire(data, at);
            if ((header & BUSY_BIT) != 0) {
                break; // the kernel is still writing this one; it wakes us when it commits
            }
            int length = header & ~(BUSY_BIT | DISCARD_BIT);
            consumerPos += (length + HEADER_SIZE + 7) & ~7L;
            if ((header & DISCARD_BIT) == 0) {
                int verdict;
                try {
                    verdict = handler.applyAsInt(data.asSlice(at + HEADER_SIZE, length));
                } finally {
                    LONG.setRelease(consumer, 0L, consumerPos);
                }
                if (verdict < 0) {
                    return verdict;
                }
                count++;
            } else {
                LONG.setRelease(consumer, 0L, consumerPos);
            }
        }
        return count;
    }

    /**
     * Waits up to {@code timeout} for records (epoll on the map) and consumes them; returns how
     * many were delivered (0 on timeout).
     */
    public int poll(Duration timeout, Consumer<MemorySegment> callback) {
        return pollUntil(timeout, sample -> {
            callback.accept(sample);
            return 0;
        });
    }

    /**
     * Waits up to {@code timeout} for records and delivers them as {@link #consumeUntil} does:
     * the count, 0 on timeout, or the handler's negative return.
     */
    public int pollUntil(Duration timeout, ToIntFunction<MemorySegment> handler) {
        int delivered = consumeUntil(handler);
        if (delivered != 0) {
            return delivered;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return 0;
            }
            Syscalls.epollWait(epoll.raw(), events, 8, (int) Math.max(1, Math.min(Integer.MAX_VALUE, left / 1_000_000)));
            delivered = consumeUntil(handler);
            if (delivered != 0) {
                return delivered;
            }
        }
    }

    /** The next record as a copy, waiting up to {@code timeout}: the blocking-iterator style. */
    public Optional<byte[]> next(Duration timeout) {
        if (pending.isEmpty()) {
            poll(timeout, sample -> pending.add(sample.toArray(ValueLayout.JAVA_BYTE)));
        }
        return Optional.ofNullable(pending.poll());
    }

    /** Bytes written by the kernel and not yet consumed. */
    public long available() {
        ensureOpen();
        return (long) LONG.getAcquire(producer, 0L) - (long) LONG.getAcquire(consumer, 0L);
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("ring buffer reader is closed");
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            epoll.close();
        } finally {
            Syscalls.munmap(producer);
            Syscalls.munmap(consumer);
            arena.close();
        }
    }

    /** The kernel's page size (from /proc/self/smaps, 4096 if unreadable). */
    static long pageSize() {
        try (var lines = Files.lines(Path.of("/proc/self/smaps"))) {
            return lines.filter(l -> l.startsWith("KernelPageSize:")).findFirst()
                    .map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024).orElse(4096L);
        } catch (IOException | RuntimeException e) {
            return 4096;
        }
    }
}
