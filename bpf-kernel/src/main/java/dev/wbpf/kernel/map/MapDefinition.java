package dev.wbpf.kernel.map;

import dev.wbpf.core.object.MapType;
import java.util.Objects;

/**
 * What to create: the fields of BPF_MAP_CREATE in Java terms. A stand-in until bpf-core's map spec
 * exists, after which the loader will translate that spec into this.
 *
 * @param maxEntries for {@link MapType#PERF_EVENT_ARRAY}, 0 means "one per possible CPU" (as libbpf)
 * @param innerMap for maps of maps: a map like the ones that will be stored (only its shape counts)
 * @param btf may be null
 * @param mapExtra type-specific: bloom filter hash count, arena start address
 */
public record MapDefinition(
        MapType type,
        int keySize,
        int valueSize,
        int maxEntries,
        int flags,
        String name,
        KernelMap innerMap,
        MapBtf btf,
        long mapExtra) {

    /** BPF_F_NO_PREALLOC: hash maps allocate on update; required by LPM tries and storage maps. */
    public static final int NO_PREALLOC = 1;
    /** BPF_F_RDONLY_PROG: programs may only read. */
    public static final int RDONLY_PROG = 1 << 7;
    /** BPF_F_MMAPABLE: arrays that user space can mmap. */
    public static final int MMAPABLE = 1 << 10;

    public MapDefinition {
        Objects.requireNonNull(type, "type");
        name = name == null ? "" : name;
    }

    public static MapDefinition of(MapType type, int keySize, int valueSize, int maxEntries) {
        return new MapDefinition(type, keySize, valueSize, maxEntries, 0, "", null, null, 0);
    }

    public MapDefinition withFlags(int newFlags) {
        return new MapDefinition(type, keySize, valueSize, maxEntries, newFlags, name, innerMap, btf, mapExtra);
    }

    public MapDefinition withName(String newName) {
        return new MapDefinition(type, keySize, valueSize, maxEntries, flags, newName, innerMap, btf, mapExtra);
    }

    public MapDefinition withInnerMap(KernelMap inner) {
        return new MapDefinition(type, keySize, valueSize, maxEntries, flags, name, inner, btf, mapExtra);
    }

    public MapDefinition withBtf(MapBtf newBtf) {
        return new MapDefinition(type, keySize, valueSize, maxEntries, flags, name, innerMap, newBtf, mapExtra);
    }

    public MapDefinition withMapExtra(long extra) {
        return new MapDefinition(type, keySize, valueSize, maxEntries, flags, name, innerMap, btf, extra);
    }
}
