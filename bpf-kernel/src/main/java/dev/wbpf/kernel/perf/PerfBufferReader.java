package dev.wbpf.kernel.perf;

import dev.wbpf.core.object.MapType;
import dev.wbpf.kernel.Errno;
import dev.wbpf.kernel.Fd;
import dev.wbpf.kernel.KernelException;
import dev.wbpf.kernel.PossibleCpus;
import dev.wbpf.kernel.map.KernelMap;
import dev.wbpf.kernel.sys.Syscalls;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.ToIntFunction;

/**
 * Reads what programs send with {@code bpf_perf_event_output} into a PERF_EVENT_ARRAY map: one
 * BPF-output perf event per CPU, its ring mmap'd (a metadata page, then 2^n data pages), its fd
 * stored in the map at the CPU's index. Records are PERF_RECORD_SAMPLE (a raw sample) or
 * PERF_RECORD_LOST (how many samples the kernel dropped because the ring was full). data_head is
 * read with acquire semantics, data_tail written with release after the records were consumed.
 * Records may wrap around the ring's end (it is not mapped twice); they are copied out whole.
 */
public final class PerfBufferReader implements AutoCloseable {
    private static final int PERF_TYPE_SOFTWARE = 1;
    private static final int PERF_COUNT_SW_BPF_OUTPUT = 10;
    private static final long PERF_SAMPLE_RAW = 1 << 10;
    private static final long PERF_FLAG_FD_CLOEXEC = 8;
    private static final long PERF_EVENT_IOC_ENABLE = 0x2400;
    private static final int ATTR_SIZE = 136;
    private static final int PERF_RECORD_LOST = 2;
    private static final int PERF_RECORD_SAMPLE = 9;
    // struct perf_event_mmap_page
    private static final long DATA_HEAD = 1024;
    private static final long DATA_TAIL = 1032;
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();

    /** A sample from the program, with the CPU it ran on. */
    public record Sample(int cpu, byte[] data) {}

    private record Ring(int cpu, Fd event, MemorySegment mapping, MemorySegment data) {}

    private final List<Ring> rings;
    private final Fd epoll;
    private final Arena arena = Arena.ofShared(); // polled by whichever thread consumes, not only the opener
    private final MemorySegment events;
    private final Deque<Sample> pending = new ArrayDeque<>();
    private long lost;
    private boolean closed;

    private PerfBufferReader(List<Ring> rings, Fd epoll) {
        this.rings = rings;
        this.epoll = epoll;
        this.events = arena.allocate(16L * Math.max(1, rings.size()), 8);
    }

    /** Opens a ring of {@code pagesPerCpu} data pages (a power of two) on every CPU and fills the map. */
    public static PerfBufferReader open(KernelMap map, int pagesPerCpu) {
        if (map.type() != MapType.PERF_EVENT_ARRAY) {
            throw new IllegalArgumentException("map `" + map.name() + "` is a " + map.type().displayName()
                    + " map, not a perf event array");
        }
        if (pagesPerCpu <= 0 || Integer.bitCount(pagesPerCpu) != 1) {
            throw new IllegalArgumentException("pages per CPU must be a power of two, got " + pagesPerCpu);
        }
        long page = pageSize();
        long dataSize = page * pagesPerCpu;
        List<Ring> rings = new ArrayList<>();
        Fd epoll = null;
        try (Arena scratch = Arena.ofConfined()) {
            epoll = Syscalls.epollCreate1(Syscalls.EPOLL_CLOEXEC);
            MemorySegment attr = scratch.allocate(ATTR_SIZE, 8);
            attr.set(ValueLayout.JAVA_INT, 0, PERF_TYPE_SOFTWARE);
            attr.set(ValueLayout.JAVA_INT, 4, ATTR_SIZE);
            attr.set(ValueLayout.JAVA_LONG, 8, PERF_COUNT_SW_BPF_OUTPUT);
            attr.set(ValueLayout.JAVA_LONG, 16, 1);              // sample_period
            attr.set(ValueLayout.JAVA_LONG, 24, PERF_SAMPLE_RAW); // sample_type
            attr.set(ValueLayout.JAVA_INT, 48, 1);               // wakeup_events
            MemorySegment epollEvent = scratch.allocate(16, 8);
            epollEvent.set(ValueLayout.JAVA_INT, 0, Syscalls.EPOLLIN);
            int cpus = Math.min(PossibleCpus.count(), map.maxEntries());
            for (int cpu = 0; cpu < cpus; cpu++) {
                Fd event;
                try {
                    event = Syscalls.perfEventOpen(attr, -1, cpu, -1, PERF_FLAG_FD_CLOEXEC);
                } catch (KernelException e) {
                    if (e.is(Errno.ENODEV)) {
                        continue; // possible but offline CPU
                    }
                    throw e;
                }
                MemorySegment mapping;
                try {
                    mapping = Syscalls.mmap(page + dataSize, Syscalls.PROT_READ | Syscalls.PROT_WRITE,
                            Syscalls.MAP_SHARED, event.raw(), 0);
                } catch (KernelException e) {
                    event.close();
                    throw e;
                }
                rings.add(new Ring(cpu, event, mapping, mapping.asSlice(page, dataSize)));
                Syscalls.ioctl(event.raw(), PERF_EVENT_IOC_ENABLE, 0);
                map.update(u32(cpu), u32(event.raw()));
                Syscalls.epollCtl(epoll.raw(), Syscalls.EPOLL_CTL_ADD, event.raw(), epollEvent);
            }
            return new PerfBufferReader(rings, epoll);
        } catch (RuntimeException e) {
            for (Ring r : rings) {
                Syscalls.munmap(r.mapping());
                r.event().close();
            }
            if (epoll != null) {
                epoll.close();
            }
            throw e;
        }
    }

    private static byte[] u32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    /** Delivers every queued sample without waiting; returns how many. */
    public int consume(Consumer<Sample> callback) {
        return consumeUntil(sample -> {
            callback.accept(sample);
            return 0;
        });
    }

    /**
     * Like {@link #consume(Consumer)}, but a negative return of {@code handler} stops delivery
     * right after that sample (which counts as consumed; later samples stay in their rings for the
     * next call) and is returned instead of the count.
     */
    public int consumeUntil(ToIntFunction<Sample> handler) {
        if (closed) {
            throw new IllegalStateException("perf buffer reader is closed");
        }
        int count = 0;
        for (Ring ring : rings) {
            int delivered = consume(ring, handler);
            if (delivered < 0) {
                return delivered;
            }
            count += delivered;
        }
        return count;
    }

    private int consume(Ring ring, ToIntFunction<Sample> handler) {
        MemorySegment meta = ring.mapping();
        MemorySegment data = ring.data();
        long size = data.byteSize();
        long head = (long) LONG.getAcquire(meta, DATA_HEAD);
        long tail = (long) LONG.getAcquire(meta, DATA_TAIL);
        int count = 0;
        while (tail < head) {
            long at = tail % size;
            int type = data.get(ValueLayout.JAVA_INT_UNALIGNED, at);
            int recordSize = Short.toUnsignedInt(data.get(ValueLayout.JAVA_SHORT_UNALIGNED, (at + 6) % size));
            if (recordSize < 8) {
                break; // corrupt; do not spin
            }
            byte[] record = new byte[recordSize];
            long first = Math.min(recordSize, size - at);
            MemorySegment.copy(data, ValueLayout.JAVA_BYTE, at, record, 0, (int) first);
            if (first < recordSize) {
                MemorySegment.copy(data, ValueLayout.JAVA_BYTE, 0, record, (int) first, (int) (recordSize - first));
            }
            ByteBuffer b = ByteBuffer.wrap(record).order(ByteOrder.LITTLE_ENDIAN);
            if (type == PERF_RECORD_SAMPLE && recordSize >= 12) {
                int rawSize = b.getInt(8);
                byte[] sample = java.util.Arrays.copyOfRange(record, 12, 12 + Math.min(rawSize, recordSize - 12));
                int verdict;
                try {
                    verdict = handler.applyAsInt(new Sample(ring.cpu(), sample));
                } finally {
                    tail += recordSize;
                    LONG.setRelease(meta, DATA_TAIL, tail);
                }
                if (verdict < 0) {
                    return verdict;
                }
                count++;
                continue;
            } else if (type == PERF_RECORD_LOST && recordSize >= 24) {
                lost += b.getLong(16);
            }
            tail += recordSize;
            LONG.setRelease(meta, DATA_TAIL, tail);
        }
        return count;
    }

    /** Waits up to {@code timeout} for samples on any CPU and delivers them; 0 on timeout. */
    public int poll(Duration timeout, Consumer<Sample> callback) {
        return pollUntil(timeout, sample -> {
            callback.accept(sample);
            return 0;
        });
    }

    /**
     * Waits up to {@code timeout} for samples and delivers them as {@link #consumeUntil} does:
     * the count, 0 on timeout, or the handler's negative return.
     */
    public int pollUntil(Duration timeout, ToIntFunction<Sample> handler) {
        int delivered = consumeUntil(handler);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (delivered == 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return 0;
            }
            Syscalls.epollWait(epoll.raw(), events, Math.max(1, rings.size()),
                    (int) Math.max(1, Math.min(Integer.MAX_VALUE, left / 1_000_000)));
            delivered = consumeUntil(handler);
        }
        return delivered;
    }

    /** The next sample, waiting up to {@code timeout}: the blocking-iterator style. */
    public Optional<Sample> next(Duration timeout) {
        if (pending.isEmpty()) {
            poll(timeout, pending::add);
        }
        return Optional.ofNullable(pending.poll());
    }

    /** Samples the kernel dropped so far because a CPU's ring was full (PERF_RECORD_LOST). */
    public long lostSamples() {
        return lost;
    }

    /** The CPUs with a ring (possible CPUs that are online). */
    public List<Integer> cpus() {
        return rings.stream().map(Ring::cpu).toList();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        RuntimeException first = null;
        for (Ring r : rings) {
            try {
                Syscalls.munmap(r.mapping());
                r.event().close();
            } catch (RuntimeException e) {
                first = first == null ? e : first;
            }
        }
        epoll.close();
        arena.close();
        if (first != null) {
            throw first;
        }
    }

    private static long pageSize() {
        try (var lines = java.nio.file.Files.lines(java.nio.file.Path.of("/proc/self/smaps"))) {
            return lines.filter(l -> l.startsWith("KernelPageSize:")).findFirst()
                    .map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024).orElse(4096L);
        } catch (java.io.IOException | RuntimeException e) {
            return 4096;
        }
    }
}
