package dev.wbpf.vm.map;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code HASH}, {@code PERCPU_HASH}, {@code LRU_HASH} and {@code LRU_PERCPU_HASH}: byte-string
 * keys, at most {@code max_entries} elements. When full, a new key fails with E2BIG, except in
 * the LRU variants, which evict the least recently used element (lookups and updates count as
 * use). Each element's value is its own array, updated in place, so a pointer a program got from
 * a lookup keeps seeing the current value.
 */
public final class HashTableMap extends VmMap {
    private final int cpus;
    private final int stride;
    private final boolean lru;
    private final LinkedHashMap<MapKey, byte[]> elements;

    public HashTableMap(MapDefinition definition, int cpus) {
        super(definition);
        if (definition.keySize() <= 0 || definition.valueSize() <= 0 || definition.maxEntries() <= 0) {
            throw new MapException(definition.name(), "create", Errno.EINVAL);
        }
        this.cpus = definition.type().isPerCpu() ? cpus : 1;
        this.stride = roundUp8(definition.valueSize());
        this.lru = switch (definition.type()) {
            case LRU_HASH, LRU_PERCPU_HASH -> true;
            default -> false;
        };
        this.elements = new LinkedHashMap<>(16, 0.75f, lru);
    }

    private boolean isPerCpu() {
        return cpus > 1 || type().isPerCpu();
    }

    public synchronized int size() {
        return elements.size();
    }

    @Override
    public int userValueSize() {
        return isPerCpu() ? stride * cpus : valueSize();
    }

    @Override
    public synchronized ValueSlot find(byte[] key, int cpu) {
        byte[] value = elements.get(new MapKey(key));
        if (value == null) {
            return null;
        }
        return new ValueSlot(value, isPerCpu() ? Math.floorMod(cpu, cpus) * stride : 0, valueSize());
    }

    @Override
    public synchronized int updateElement(byte[] key, byte[] value, long flags, int cpu) {
        byte[] storage = prepare(key, flags);
        if (storage == null) {
            return lastErrno;
        }
        System.arraycopy(value, 0, storage, isPerCpu() ? Math.floorMod(cpu, cpus) * stride : 0, valueSize());
        return 0;
    }

    @Override
    protected synchronized int userUpdate(byte[] key, byte[] value, long flags) {
        byte[] storage = prepare(key, flags);
        if (storage == null) {
            return lastErrno;
        }
        for (int cpu = 0; cpu < cpus; cpu++) {
            System.arraycopy(value, cpu * (isPerCpu() ? stride : 0), storage, cpu * stride, valueSize());
        }
        return 0;
    }

    private int lastErrno; // only read under the lock, right after prepare() returned null

    /** The storage to write for {@code key} after checking flags and room, or null (errno in lastErrno). */
    private byte[] prepare(byte[] key, long flags) {
        lastErrno = UpdateFlags.check(flags);
        if (lastErrno != 0) {
            return null;
        }
        MapKey k = new MapKey(key);
        byte[] existing = elements.get(k);
        lastErrno = UpdateFlags.precondition(flags, existing != null);
        if (lastErrno != 0) {
            return null;
        }
        if (existing != null) {
            return existing;
        }
        if (elements.size() >= maxEntries()) {
            if (!lru) {
                lastErrno = Errno.E2BIG;
                return null;
            }
            Iterator<MapKey> eldest = elements.keySet().iterator();
            eldest.next();
            eldest.remove();
        }
        byte[] storage = new byte[stride * cpus];
        elements.put(MapKey.copyOf(key), storage);
        return storage;
    }

    @Override
    protected synchronized byte[] userLookup(byte[] key) {
        byte[] value = elements.get(new MapKey(key));
        if (value == null) {
            return null;
        }
        byte[] out = new byte[userValueSize()];
        for (int cpu = 0; cpu < cpus; cpu++) {
            System.arraycopy(value, cpu * stride, out, cpu * stride, valueSize());
        }
        return out;
    }

    @Override
    public synchronized int deleteElement(byte[] key) {
        return elements.remove(new MapKey(key)) == null ? Errno.ENOENT : 0;
    }

    @Override
    protected synchronized byte[] nextKeyOf(byte[] key) {
        Iterator<Map.Entry<MapKey, byte[]>> it = elements.entrySet().iterator();
        if (key != null && elements.containsKey(new MapKey(key))) {
            MapKey wanted = new MapKey(key);
            while (it.hasNext()) {
                if (it.next().getKey().equals(wanted)) {
                    break;
                }
            }
        }
        return it.hasNext() ? it.next().getKey().bytes().clone() : null;
    }
}
