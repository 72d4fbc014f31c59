package dev.wbpf.vm.map;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * {@code BPF_MAP_TYPE_ARRAY} and {@code PERCPU_ARRAY}: u32 index keys, every element exists and
 * starts zeroed, elements cannot be deleted. Values sit in one array at a stride rounded up to
 * 8 bytes (as in the kernel, so 8-byte atomics on values are aligned); per-CPU maps keep one
 * such array per CPU.
 */
public final class ArrayMap extends VmMap {
    private final int stride;
    private final byte[][] perCpu;

    public ArrayMap(MapDefinition definition, int cpus) {
        super(definition);
        if (definition.keySize() != 4 || definition.valueSize() <= 0 || definition.maxEntries() <= 0) {
            throw new MapException(definition.name(), "create", Errno.EINVAL);
        }
        stride = roundUp8(definition.valueSize());
        perCpu = new byte[definition.type().isPerCpu() ? cpus : 1][];
        for (int i = 0; i < perCpu.length; i++) {
            perCpu[i] = new byte[Math.multiplyExact(stride, definition.maxEntries())];
        }
    }

    private boolean isPerCpu() {
        return type().isPerCpu();
    }

    private static long index(byte[] key) {
        return (key[0] & 0xffL) | (key[1] & 0xffL) << 8 | (key[2] & 0xffL) << 16 | (key[3] & 0xffL) << 24;
    }

    @Override
    public int userValueSize() {
        return isPerCpu() ? stride * perCpu.length : valueSize();
    }

    @Override
    public ValueSlot find(byte[] key, int cpu) {
        return element(index(key), cpu);
    }

    /** The value at {@code index} (a u32 key) that {@code cpu} sees, or null past the last element. */
    public ValueSlot element(long index, int cpu) {
        if (index >= maxEntries()) {
            return null;
        }
        byte[] values = perCpu[isPerCpu() ? Math.floorMod(cpu, perCpu.length) : 0];
        return new ValueSlot(values, (int) index * stride, valueSize());
    }

    @Override
    public int updateElement(byte[] key, byte[] value, long flags, int cpu) {
        int errno = check(key, flags);
        if (errno != 0) {
            return errno;
        }
        ValueSlot slot = find(key, cpu);
        synchronized (slot.array()) {
            System.arraycopy(value, 0, slot.array(), slot.offset(), valueSize());
        }
        return 0;
    }

    private int check(byte[] key, long flags) {
        if (UpdateFlags.check(flags) != 0) {
            return Errno.EINVAL;
        }
        if (index(key) >= maxEntries()) {
            return Errno.E2BIG;
        }
        // Every element exists: NOEXIST can never succeed.
        return (flags & ~UpdateFlags.F_LOCK) == UpdateFlags.NOEXIST ? Errno.EEXIST : 0;
    }

    @Override
    protected int userUpdate(byte[] key, byte[] value, long flags) {
        if (!isPerCpu()) {
            return updateElement(key, value, flags, 0);
        }
        int errno = check(key, flags);
        if (errno != 0) {
            return errno;
        }
        int offset = (int) index(key) * stride;
        for (int cpu = 0; cpu < perCpu.length; cpu++) {
            synchronized (perCpu[cpu]) {
                System.arraycopy(value, cpu * stride, perCpu[cpu], offset, valueSize());
            }
        }
        return 0;
    }

    @Override
    protected byte[] userLookup(byte[] key) {
        long index = index(key);
        if (index >= maxEntries()) {
            return null;
        }
        if (!isPerCpu()) {
            return super.userLookup(key);
        }
        byte[] out = new byte[userValueSize()];
        for (int cpu = 0; cpu < perCpu.length; cpu++) {
            System.arraycopy(perCpu[cpu], (int) index * stride, out, cpu * stride, valueSize());
        }
        return out;
    }

    @Override
    public int deleteElement(byte[] key) {
        return Errno.EINVAL;
    }

    @Override
    protected byte[] nextKeyOf(byte[] key) {
        long next = key == null || index(key) >= maxEntries() ? 0 : index(key) + 1;
        if (next >= maxEntries()) {
            return null;
        }
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) next).array();
    }

    /** Zeroes every element; used for global data sections that the loader fills afterwards. */
    public void clear() {
        for (byte[] values : perCpu) {
            synchronized (values) {
                Arrays.fill(values, (byte) 0);
            }
        }
    }
}
