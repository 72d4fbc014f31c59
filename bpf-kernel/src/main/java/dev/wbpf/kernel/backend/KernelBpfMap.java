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
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = arena.allocate(map.valueBufferSize(), 8);
            if (!Bpf.mapLookupElem(fd(), key(arena, key), v, 0)) {
                return false;
            }
            MemorySegment.copy(v, JAVA_BYTE, 0, value, 0, map.valueBufferSize());
            return true;
        }
    }

    @Override
    public void update(byte[] key, byte[] value, long flags) {
        checkValue(value);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = arena.allocate(map.valueBufferSize(), 8);
            MemorySegment.copy(value, 0, v, JAVA_BYTE, 0, map.valueBufferSize());
            Bpf.mapUpdateElem(fd(), key(arena, key), v, flags);
        }
    }

    @Override
    public boolean delete(byte[] key) {
        try (Arena arena = Arena.ofConfined()) {
            return Bpf.mapDeleteElem(fd(), key(arena, key));
        }
    }

    @Override
    public boolean nextKey(byte[] key, byte[] nextKey) {
        if (nextKey == null || nextKey.length < map.keySize()) {
            throw new BpfException("next-key buffer of map `" + name + "` must hold " + map.keySize() + " bytes",
                    BpfException.EINVAL);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment next = arena.allocate(Math.max(1, map.keySize()), 8);
            if (!Bpf.mapGetNextKey(fd(), key == null ? null : key(arena, key), next)) {
                return false;
            }
            MemorySegment.copy(next, JAVA_BYTE, 0, nextKey, 0, map.keySize());
            return true;
        }
    }

    @Override
    public boolean lookupAndDelete(byte[] key, byte[] value) {
        checkValue(value);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = arena.allocate(map.valueBufferSize(), 8);
            if (!Bpf.mapLookupAndDeleteElem(fd(), key == null ? null : key(arena, key), v, 0)) {
                return false;
            }
            MemorySegment.copy(v, JAVA_BYTE, 0, value, 0, map.valueBufferSize());
            return true;
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

    private MemorySegment key(Arena arena, byte[] key) {
        if (map.keySize() == 0 && key == null) {
            return null;
        }
        if (key == null || key.length != map.keySize()) {
            throw new BpfException("key of map `" + name + "` must be " + map.keySize() + " bytes, got "
                    + (key == null ? "none" : key.length), BpfException.EINVAL);
        }
        return arena.allocateFrom(JAVA_BYTE, key);
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
