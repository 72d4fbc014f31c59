package dev.wbpf.kernel.backend;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import dev.wbpf.core.backend.BpfException;
import dev.wbpf.core.backend.BpfMap;
import dev.wbpf.core.backend.EventReader;
import dev.wbpf.core.object.MapType;
import dev.wbpf.kernel.map.KernelMap;
import dev.wbpf.kernel.perf.PerfBufferReader;
import dev.wbpf.kernel.ringbuf.RingBufferReader;
import dev.wbpf.kernel.sys.Bpf;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A {@link KernelMap} behind the SPI: each operation is one bpf(2) command on buffers the caller
 * owns, failures are {@link BpfException}s with the kernel's errno. Keys must be exactly
 * {@code keySize} bytes (maps without keys, queues and stacks, take {@code null}); value buffers at
 * least {@link #valueBufferSize()} bytes, one 8-byte-aligned slot per possible CPU for per-CPU maps.
 */
final class KernelBpfMap implements BpfMap {
    private final KernelBpfObject owner;
    private final String name;
    private final KernelMap map;

    KernelBpfMap(KernelBpfObject owner, String name, KernelMap map) {
        this.owner = owner;
        this.name = name;
        this.map = map;
    }

    KernelMap kernelMap() {
        return map;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public MapType type() {
        return map.type();
    }

    @Override
    public int keySize() {
        return map.keySize();
    }

    @Override
    public int valueSize() {
        return map.valueSize();
    }

    @Override
    public int maxEntries() {
        return map.maxEntries();
    }

    @Override
    public int valueBufferSize() {
        return map.valueBufferSize();
    }

    @Override
    public boolean lookup(byte[] key, byte[] value) {
        checkValue(value);
        Scratch scratch = SCRATCH.get();
        MemorySegment v = scratch.value(map.valueBufferSize());
        if (!Bpf.mapLookupElem(fd(), key(scratch, key), v, 0)) {
            return false;
        }
        MemorySegment.copy(v, JAVA_BYTE, 0, value, 0, map.valueBufferSize());
        return true;
    }

    @Override
    public void update(byte[] key, byte[] value, long flags) {
        checkValue(value);
        Scratch scratch = SCRATCH.get();
        MemorySegment v = scratch.value(map.valueBufferSize());
        MemorySegment.copy(value, 0, v, JAVA_BYTE, 0, map.valueBufferSize());
        Bpf.mapUpdateElem(fd(), key(scratch, key), v, flags);
    }

    @Override
    public boolean delete(byte[] key) {
        return Bpf.mapDeleteElem(fd(), key(SCRATCH.get(), key));
    }

    @Override
    public boolean nextKey(byte[] key, byte[] nextKey) {
        if (nextKey == null || nextKey.length < map.keySize()) {
            throw new BpfException("next-key buffer of map `" + name + "` must hold " + map.keySize() + " bytes",
                    BpfException.EINVAL);
        }
        Scratch scratch = SCRATCH.get();
        MemorySegment next = scratch.next(map.keySize());
        if (!Bpf.mapGetNextKey(fd(), key == null ? null : key(scratch, key), next)) {
            return false;
        }
        MemorySegment.copy(next, JAVA_BYTE, 0, nextKey, 0, map.keySize());
        return true;
    }

    @Override
    public boolean lookupAndDelete(byte[] key, byte[] value) {
        checkValue(value);
        Scratch scratch = SCRATCH.get();
        MemorySegment v = scratch.value(map.valueBufferSize());
        if (!Bpf.mapLookupAndDeleteElem(fd(), key == null ? null : key(scratch, key), v, 0)) {
            return false;
        }
        MemorySegment.copy(v, JAVA_BYTE, 0, value, 0, map.valueBufferSize());
        return true;
    }

    /**
     * Native buffers for keys and values, one set per thread, grown on demand: map access is the
     * hot path of many tools, and an arena per call would cost more than the copy.
     */
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private static final class Scratch {
        private MemorySegment key = allocate(64);
        private MemorySegment next = allocate(64);
        private MemorySegment value = allocate(512);

        MemorySegment key(int size) {
            if (key.byteSize() < size) {
                key = allocate(size);
            }
            return key;
        }

        MemorySegment next(int size) {
            if (next.byteSize() < size) {
                next = allocate(size);
            }
            return next;
        }

        MemorySegment value(int size) {
            if (value.byteSize() < size) {
                value = allocate(size);
            }
            return value;
        }

        private static MemorySegment allocate(long size) {
            return Arena.ofAuto().allocate(Math.max(8, size), 8);
        }
    }

    /**
     * The map's reader: the one the object opened at load for a perf event array its programs
     * use, or one made now. Closing the returned reader ends this handle only; the object closes
     * the reader itself, so records are never consumed by two readers apart.
     */
    @Override
    public EventReader openEventReader() {
        AutoCloseable reader = owner.reader(name, map);
        return switch (reader) {
            case RingBufferReader ring -> new RingEventReader(owner, ring);
            case PerfBufferReader perf -> new PerfEventReader(owner, name, perf);
            default -> throw new IllegalStateException("unexpected reader " + reader);
        };
    }

    private int fd() {
        owner.ensureOpen();
        return map.fd().raw();
    }

    private MemorySegment key(Scratch scratch, byte[] key) {
        if (map.keySize() == 0 && key == null) {
            return null;
        }
        if (key == null || key.length != map.keySize()) {
            throw new BpfException("key of map `" + name + "` must be " + map.keySize() + " bytes, got "
                    + (key == null ? "none" : key.length), BpfException.EINVAL);
        }
        MemorySegment k = scratch.key(key.length);
        MemorySegment.copy(key, 0, k, JAVA_BYTE, 0, key.length);
        return k;
    }

    private void checkValue(byte[] value) {
        if (value == null || value.length < map.valueBufferSize()) {
            throw new BpfException("value buffer of map `" + name + "` must hold " + map.valueBufferSize() + " bytes"
                    + (map.type().isPerCpu() ? " (one " + ((map.valueSize() + 7) & ~7)
                            + "-byte slot per possible CPU)" : "")
                    + ", got " + (value == null ? "none" : value.length), BpfException.EINVAL);
        }
    }

    @Override
    public String toString() {
        return "BpfMap[" + name + ", " + map + "]";
    }
}
