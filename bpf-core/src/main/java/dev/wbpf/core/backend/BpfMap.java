package dev.wbpf.core.backend;

import dev.wbpf.core.object.MapType;

/**
 * A live map, with the kernel's user-space semantics: {@code flags} are BPF_ANY (0),
 * BPF_NOEXIST (1), BPF_EXIST (2), BPF_F_LOCK (4); failures raise {@link BpfException} carrying
 * the kernel's errno (ENOENT, EEXIST, E2BIG, EINVAL ...).
 */
public interface BpfMap {

    String name();

    MapType type();

    int keySize();

    int valueSize();

    int maxEntries();

    /**
     * Bytes a value occupies in a user-space buffer: {@code valueSize} for most maps, one
     * 8-byte-aligned slot per possible CPU for per-CPU maps.
     */
    int valueBufferSize();

    /** Copies the value of {@code key} into {@code value} ({@link #valueBufferSize()} bytes); false if absent. */
    boolean lookup(byte[] key, byte[] value);

    void update(byte[] key, byte[] value, long flags);

    /** False if the key was absent. */
    boolean delete(byte[] key);

    /**
     * Writes the key after {@code key} into {@code nextKey}; {@code key} null means the first key.
     * False when there is none.
     */
    boolean nextKey(byte[] key, byte[] nextKey);

    /** Pops from a queue or stack, or removes a hash entry, copying its value; false if empty. */
    boolean lookupAndDelete(byte[] key, byte[] value);

    /**
     * A reader of the records programs send through this ring buffer or perf event array.
     *
     * @throws BpfException for other map types
     */
    EventReader openEventReader();
}
