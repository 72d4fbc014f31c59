package dev.wbpf.vm.map;

/** Creates the VM map for a definition. */
public final class VmMaps {
    private VmMaps() {}

    /** Bytes of samples a perf event array keeps per CPU before it starts losing them. */
    public static final int DEFAULT_PERF_BYTES_PER_CPU = 256 * 1024;

    /**
     * @param cpus number of virtual CPUs (per-CPU maps hold that many values; perf arrays that many queues)
     * @throws MapException EINVAL for a type the VM does not implement or bad sizes
     */
    public static VmMap create(MapDefinition definition, int cpus) {
        return switch (definition.type()) {
            case ARRAY, PERCPU_ARRAY -> new ArrayMap(definition, cpus);
            case HASH, PERCPU_HASH, LRU_HASH, LRU_PERCPU_HASH -> new HashTableMap(definition, cpus);
            case QUEUE, STACK -> new QueueStackMap(definition);
            case RINGBUF -> new RingBufferMap(definition);
            case PERF_EVENT_ARRAY -> new PerfEventArrayMap(definition, cpus, DEFAULT_PERF_BYTES_PER_CPU);
            case PROG_ARRAY -> new ProgArrayMap(definition);
            case ARRAY_OF_MAPS, HASH_OF_MAPS -> new MapOfMaps(definition);
            case LPM_TRIE -> new LpmTrieMap(definition);
            case TASK_STORAGE -> new TaskStorageMap(definition);
            default -> throw new MapException(definition.name(), "create (" + definition.type().displayName() + " is not supported by the VM)", Errno.EINVAL);
        };
    }
}
