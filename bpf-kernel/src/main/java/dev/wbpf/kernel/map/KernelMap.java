package dev.wbpf.kernel.map;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import dev.wbpf.core.object.MapType;
import dev.wbpf.kernel.Fd;
import dev.wbpf.kernel.PossibleCpus;
import dev.wbpf.kernel.sys.BatchResult;
import dev.wbpf.kernel.sys.Bpf;
import dev.wbpf.kernel.sys.MapCreateRequest;
import dev.wbpf.kernel.sys.MapInfo;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A BPF map in the kernel, used from Java: keys and values are byte arrays in the kernel's layout
 * (little-endian on x86_64/aarch64). Closing it closes its descriptor; the map itself lives on
 * while a program, a pin or another descriptor still holds it.
 *
 * <p>Per-CPU maps take and return values as {@link #valueBufferSize()} bytes: one slot per possible
 * CPU, each {@code valueSize} rounded up to 8. {@link #lookupPerCpu}/{@link #updatePerCpu} split and
 * join those slots. Maps of maps take an inner map's fd as value on update and return its id on
 * lookup, as the kernel does.
 */
public final class KernelMap implements AutoCloseable {
    private final Fd fd;
    private final MapType type;
    private final int keySize;
    private final int valueSize;
    private final int maxEntries;
    private final int flags;
    private final String name;
    private final int id;
    private final int possibleCpus;

    private KernelMap(Fd fd, MapInfo info) {
        this.fd = fd;
        this.type = Objects.requireNonNull(MapType.ofKernelValue(info.type()), () -> "map type " + info.type() + " is newer than wbpf knows");
        this.keySize = info.keySize();
        this.valueSize = info.valueSize();
        this.maxEntries = info.maxEntries();
        this.flags = info.flags();
        this.name = info.name();
        this.id = info.id();
        this.possibleCpus = type.isPerCpu() ? PossibleCpus.count() : 1;
    }

    public static KernelMap create(MapDefinition definition) {
        int maxEntries = definition.maxEntries();
        if (definition.type() == MapType.PERF_EVENT_ARRAY && maxEntries == 0) {
            maxEntries = PossibleCpus.count();
        }
        MapCreateRequest request = MapCreateRequest
                .of(definition.type().kernelValue(), definition.keySize(), definition.valueSize(), maxEntries)
                .withFlags(definition.flags())
                .withName(definition.name())
                .withMapExtra(definition.mapExtra());
        if (definition.innerMap() != null) {
            request = request.withInnerMapFd(definition.innerMap().fd().raw());
        }
        if (definition.btf() != null) {
            MapBtf btf = definition.btf();
            request = request.withBtf(btf.btf().raw(), btf.keyTypeId(), btf.valueTypeId());
        }
        return adopt(Bpf.mapCreate(request));
    }

    /** Takes ownership of a map descriptor (from a pin, an id, a loader) and learns its shape. */
    public static KernelMap adopt(Fd fd) {
        try {
            return new KernelMap(fd, Bpf.mapInfo(fd.raw()));
        } catch (RuntimeException e) {
            fd.close();
            throw e;
        }
    }

    /** Opens a map pinned in bpffs. */
    public static KernelMap openPinned(Path path) {
        return adopt(Bpf.objGet(path.toString(), 0));
    }

    public Fd fd() {
        return fd;
    }

    public MapType type() {
        return type;
    }

    public int keySize() {
        return keySize;
    }

    public int valueSize() {
        return valueSize;
    }

    public int maxEntries() {
        return maxEntries;
    }

    public int flags() {
        return flags;
    }

    public String name() {
        return name;
    }

    /** The kernel-wide map id (as bpftool shows it). */
    public int id() {
        return id;
    }

    /** Bytes of one value as user space exchanges it: per-CPU maps carry a slot per possible CPU. */
    public int valueBufferSize() {
        return type.isPerCpu() ? possibleCpus * perCpuSlotSize() : valueSize;
    }

    private int perCpuSlotSize() {
        return (valueSize + 7) & ~7;
    }

    // ---- single elements -------------------------------------------------------------------------

    /** The value of {@code key}, or empty if there is none (ENOENT). */
    public Optional<byte[]> lookup(byte[] key) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(valueBufferSize(), 8);
            if (!Bpf.mapLookupElem(fd.raw(), keySegment(arena, key), value, 0)) {
                return Optional.empty();
            }
            return Optional.of(value.toArray(JAVA_BYTE));
        }
    }

    public void update(byte[] key, byte[] value) {
        update(key, value, UpdateFlag.ANY);
    }

    public void update(byte[] key, byte[] value, UpdateFlag flag) {
        checkValue(value);
        try (Arena arena = Arena.ofConfined()) {
            Bpf.mapUpdateElem(fd.raw(), keySegment(arena, key), arena.allocateFrom(JAVA_BYTE, value), flag.bits());
        }
    }

    /** {@code false} if the key was not there. */
    public boolean delete(byte[] key) {
        try (Arena arena = Arena.ofConfined()) {
            return Bpf.mapDeleteElem(fd.raw(), keySegment(arena, key));
        }
    }

    /** The key after {@code key} in the map's own order; {@code null} asks for the first. */
    public Optional<byte[]> nextKey(byte[] key) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment next = arena.allocate(Math.max(keySize, 1));
            MemorySegment current = key == null ? null : keySegment(arena, key);
            if (!Bpf.mapGetNextKey(fd.raw(), current, next)) {
                return Optional.empty();
            }
            return Optional.of(next.asSlice(0, keySize).toArray(JAVA_BYTE));
        }
    }

    /**
     * All keys, walked with get-next-key. Like every such walk it is not a snapshot: keys deleted
     * concurrently may restart a hash map's walk (the kernel then returns the first key again).
     */
    public List<byte[]> keys() {
        List<byte[]> keys = new ArrayList<>();
        for (Optional<byte[]> k = nextKey(null); k.isPresent(); k = nextKey(k.get())) {
            keys.add(k.get());
        }
        return keys;
    }

    /** One value per possible CPU, each {@code valueSize} bytes. */
    public Optional<List<byte[]>> lookupPerCpu(byte[] key) {
        requirePerCpu();
        return lookup(key).map(this::splitPerCpu);
    }

    /** Sets the value of every possible CPU; {@code values} has one entry per possible CPU. */
    public void updatePerCpu(byte[] key, List<byte[]> values, UpdateFlag flag) {
        requirePerCpu();
        if (values.size() != possibleCpus) {
            throw new IllegalArgumentException(
                    "need one value per possible CPU (" + possibleCpus + "), got " + values.size());
        }
        byte[] joined = new byte[valueBufferSize()];
        for (int cpu = 0; cpu < possibleCpus; cpu++) {
            byte[] v = values.get(cpu);
            if (v.length != valueSize) {
                throw new IllegalArgumentException("value for CPU " + cpu + " has " + v.length
                        + " bytes, map " + describe() + " wants " + valueSize);
            }
            System.arraycopy(v, 0, joined, cpu * perCpuSlotSize(), valueSize);
        }
        update(key, joined, flag);
    }

    private List<byte[]> splitPerCpu(byte[] joined) {
        List<byte[]> values = new ArrayList<>(possibleCpus);
        for (int cpu = 0; cpu < possibleCpus; cpu++) {
            byte[] v = new byte[valueSize];
            System.arraycopy(joined, cpu * perCpuSlotSize(), v, 0, valueSize);
            values.add(v);
        }
        return values;
    }

    /** Reads and removes {@code key}; for queues and stacks pass {@code null} (or use {@link #pop()}). */
    public Optional<byte[]> lookupAndDelete(byte[] key) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(valueBufferSize(), 8);
            MemorySegment k = key == null ? null : keySegment(arena, key);
            if (!Bpf.mapLookupAndDeleteElem(fd.raw(), k, value, 0)) {
                return Optional.empty();
            }
            return Optional.of(value.toArray(JAVA_BYTE));
        }
    }

    /** Queue/stack: adds a value; E2BIG when full unless {@code flag} is {@link UpdateFlag#EXIST} (overwrite oldest). */
    public void push(byte[] value, UpdateFlag flag) {
        checkValue(value);
        try (Arena arena = Arena.ofConfined()) {
            Bpf.mapUpdateElem(fd.raw(), null, arena.allocateFrom(JAVA_BYTE, value), flag.bits());
        }
    }

    /** Queue/stack: takes the next value, empty when there is none. */
    public Optional<byte[]> pop() {
        return lookupAndDelete(null);
    }

    /** Queue/stack: the next value without taking it. */
    public Optional<byte[]> peek() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(valueBufferSize(), 8);
            if (!Bpf.mapLookupElem(fd.raw(), null, value, 0)) {
                return Optional.empty();
            }
            return Optional.of(value.toArray(JAVA_BYTE));
        }
    }

    // ---- batches -------------------------------------------------------------------------------

    /**
     * Reads up to {@code maxCount} elements from {@code cursor} ({@code null} = the beginning),
     * removing them if {@code delete}. Pass the returned cursor to continue until {@code finished}.
     */
    public MapBatch lookupBatch(byte[] cursor, int maxCount, boolean delete) {
        try (Arena arena = Arena.ofConfined()) {
            // The cursor is a u32 bucket for hash maps and a key for arrays: size it for either.
            int cursorSize = Math.max(keySize, 8);
            MemorySegment in = cursor == null ? null : arena.allocateFrom(JAVA_BYTE, cursor);
            MemorySegment out = arena.allocate(cursorSize, 8);
            MemorySegment keys = arena.allocate((long) maxCount * keySize, 8);
            MemorySegment values = arena.allocate((long) maxCount * valueBufferSize(), 8);
            BatchResult result = Bpf.mapLookupBatch(fd.raw(), in, out, keys, values, maxCount, 0, delete);
            List<byte[]> keyList = new ArrayList<>(result.count());
            List<byte[]> valueList = new ArrayList<>(result.count());
            for (int i = 0; i < result.count(); i++) {
                keyList.add(keys.asSlice((long) i * keySize, keySize).toArray(JAVA_BYTE));
                valueList.add(values.asSlice((long) i * valueBufferSize(), valueBufferSize()).toArray(JAVA_BYTE));
            }
            return new MapBatch(keyList, valueList, out.toArray(JAVA_BYTE), result.finished());
        }
    }

    /** Writes all pairs in one call; returns how many the kernel wrote. */
    public int updateBatch(List<byte[]> keys, List<byte[]> values, UpdateFlag flag) {
        if (keys.size() != values.size()) {
            throw new IllegalArgumentException(keys.size() + " keys but " + values.size() + " values");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment keyBlock = pack(arena, keys, keySize, "key");
            MemorySegment valueBlock = pack(arena, values, valueBufferSize(), "value");
            return Bpf.mapUpdateBatch(fd.raw(), keyBlock, valueBlock, keys.size(), flag.bits());
        }
    }

    /** Deletes all keys in one call; returns how many the kernel deleted. */
    public int deleteBatch(List<byte[]> keys) {
        try (Arena arena = Arena.ofConfined()) {
            return Bpf.mapDeleteBatch(fd.raw(), pack(arena, keys, keySize, "key"), keys.size());
        }
    }

    // ---- life cycle ----------------------------------------------------------------------------

    /** Makes the map read-only for user space (programs can still write); used for .rodata. */
    public void freeze() {
        Bpf.mapFreeze(fd.raw());
    }

    /** Pins the map in bpffs so it outlives this process. */
    public void pin(Path path) {
        Bpf.objPin(fd.raw(), path.toString());
    }

    @Override
    public void close() {
        fd.close();
    }

    @Override
    public String toString() {
        return "KernelMap[" + describe() + ", id " + id + "]";
    }

    private String describe() {
        return (name.isEmpty() ? "" : name + " ") + type + " " + keySize + "→" + valueSize;
    }

    // ---- helpers -------------------------------------------------------------------------------

    private MemorySegment keySegment(Arena arena, byte[] key) {
        Objects.requireNonNull(key, "key");
        if (key.length != keySize) {
            throw new IllegalArgumentException("key has " + key.length + " bytes, map " + describe()
                    + " wants " + keySize);
        }
        return arena.allocateFrom(JAVA_BYTE, key);
    }

    private void checkValue(byte[] value) {
        if (value.length != valueBufferSize()) {
            throw new IllegalArgumentException("value has " + value.length + " bytes, map " + describe() + " wants "
                    + valueBufferSize() + (type.isPerCpu() ? " (" + possibleCpus + " CPUs × 8-byte-aligned slot)" : ""));
        }
    }

    private static MemorySegment pack(Arena arena, List<byte[]> items, int itemSize, String what) {
        MemorySegment block = arena.allocate(Math.max(1L, (long) items.size() * itemSize), 8);
        for (int i = 0; i < items.size(); i++) {
            byte[] item = items.get(i);
            if (item.length != itemSize) {
                throw new IllegalArgumentException(what + " " + i + " has " + item.length + " bytes, want " + itemSize);
            }
            MemorySegment.copy(item, 0, block, JAVA_BYTE, (long) i * itemSize, itemSize);
        }
        return block;
    }

    private void requirePerCpu() {
        if (!type.isPerCpu()) {
            throw new IllegalStateException(describe() + " is not a per-CPU map");
        }
    }
}
