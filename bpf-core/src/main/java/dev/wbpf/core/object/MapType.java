package dev.wbpf.core.object;

import java.util.Locale;

/** The kernel's {@code enum bpf_map_type}, in uapi order ({@link #kernelValue()} is the number). */
public enum MapType {
    UNSPEC, HASH, ARRAY, PROG_ARRAY, PERF_EVENT_ARRAY, PERCPU_HASH, PERCPU_ARRAY, STACK_TRACE,
    CGROUP_ARRAY, LRU_HASH, LRU_PERCPU_HASH, LPM_TRIE, ARRAY_OF_MAPS, HASH_OF_MAPS, DEVMAP, SOCKMAP,
    CPUMAP, XSKMAP, SOCKHASH, CGROUP_STORAGE, REUSEPORT_SOCKARRAY, PERCPU_CGROUP_STORAGE, QUEUE, STACK,
    SK_STORAGE, DEVMAP_HASH, STRUCT_OPS, RINGBUF, INODE_STORAGE, TASK_STORAGE, BLOOM_FILTER,
    USER_RINGBUF, CGRP_STORAGE, ARENA;

    private static final MapType[] VALUES = values();

    public int kernelValue() {
        return ordinal();
    }

    /** The type with kernel number {@code value}, or null when this build does not know it. */
    public static MapType ofKernelValue(long value) {
        return value >= 0 && value < VALUES.length ? VALUES[(int) value] : null;
    }

    /** Lower-case name as bpftool prints it, e.g. {@code percpu_hash}. */
    public String displayName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Per-CPU maps hold one value per possible CPU; user space sees them side by side. */
    public boolean isPerCpu() {
        return this == PERCPU_HASH || this == PERCPU_ARRAY || this == LRU_PERCPU_HASH || this == PERCPU_CGROUP_STORAGE;
    }

    /** Maps whose values are other maps (map-in-map). */
    public boolean isMapOfMaps() {
        return this == ARRAY_OF_MAPS || this == HASH_OF_MAPS;
    }
}
