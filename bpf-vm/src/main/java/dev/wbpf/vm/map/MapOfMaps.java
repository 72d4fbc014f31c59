package dev.wbpf.vm.map;

import dev.wbpf.core.object.MapType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code ARRAY_OF_MAPS} and {@code HASH_OF_MAPS}: values are other maps. Java callers store maps
 * with {@link #put}; a program's lookup yields the inner map (as a map handle).
 */
public final class MapOfMaps extends VmMap {
    private final LinkedHashMap<MapKey, VmMap> inner = new LinkedHashMap<>();

    public MapOfMaps(MapDefinition definition) {
        super(definition);
        boolean array = definition.type() == MapType.ARRAY_OF_MAPS;
        if ((array && definition.keySize() != 4) || definition.keySize() <= 0 || definition.maxEntries() <= 0) {
            throw new MapException(definition.name(), "create", Errno.EINVAL);
        }
    }

    private boolean isArray() {
        return type() == MapType.ARRAY_OF_MAPS;
    }

    /** Stores {@code map} under {@code key}; the inner map must match the template (if one was given). */
    public synchronized void put(byte[] key, VmMap map, long flags) {
        if (key.length != keySize() || UpdateFlags.check(flags) != 0) {
            throw new MapException(name(), "update", Errno.EINVAL);
        }
        MapDefinition template = definition().innerMap();
        if (template != null && (template.type() != map.type() || template.keySize() != map.keySize()
                || template.valueSize() != map.valueSize())) {
            throw new MapException(name(), "update", Errno.EINVAL);
        }
        MapKey k = MapKey.copyOf(key);
        if (isArray() && index(key) >= maxEntries()) {
            throw new MapException(name(), "update", Errno.E2BIG);
        }
        int errno = UpdateFlags.precondition(flags, inner.containsKey(k));
        if (errno == 0 && !inner.containsKey(k) && inner.size() >= maxEntries()) {
            errno = Errno.E2BIG;
        }
        if (errno != 0) {
            throw new MapException(name(), "update", errno);
        }
        inner.put(k, map);
    }

    public void put(int index, VmMap map) {
        put(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(index).array(), map, UpdateFlags.ANY);
    }

    /** The inner map for {@code key}, or null. */
    public synchronized VmMap innerMap(byte[] key) {
        return inner.get(new MapKey(key));
    }

    @Override
    public synchronized int deleteElement(byte[] key) {
        return inner.remove(new MapKey(key)) == null ? Errno.ENOENT : 0;
    }

    @Override
    protected synchronized byte[] nextKeyOf(byte[] key) {
        boolean found = key == null || !inner.containsKey(new MapKey(key));
        for (Map.Entry<MapKey, VmMap> e : inner.entrySet()) {
            if (found) {
                return e.getKey().bytes().clone();
            }
            found = e.getKey().equals(new MapKey(key));
        }
        return null;
    }

    private static long index(byte[] key) {
        return ByteBuffer.wrap(key).order(ByteOrder.LITTLE_ENDIAN).getInt(0) & 0xffff_ffffL;
    }
}
