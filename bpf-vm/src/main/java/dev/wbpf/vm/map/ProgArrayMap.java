package dev.wbpf.vm.map;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * {@code PROG_ARRAY}: slots holding programs for {@code bpf_tail_call}. Java callers fill slots
 * with {@link #set}; the slot type is generic so that this package does not depend on the
 * interpreter's program class.
 */
public final class ProgArrayMap extends VmMap {
    private final AtomicReferenceArray<Object> programs;

    public ProgArrayMap(MapDefinition definition) {
        super(definition);
        if (definition.keySize() != 4 || definition.valueSize() != 4 || definition.maxEntries() <= 0) {
            throw new MapException(definition.name(), "create", Errno.EINVAL);
        }
        programs = new AtomicReferenceArray<>(definition.maxEntries());
    }

    public void set(int index, Object program) {
        if (index < 0 || index >= maxEntries()) {
            throw new MapException(name(), "update", Errno.E2BIG);
        }
        programs.set(index, program);
    }

    public void clear(int index) {
        set(index, null);
    }

    /** The program in slot {@code index}, or null if it is empty or out of range. */
    public Object get(long index) {
        return index >= 0 && index < maxEntries() ? programs.get((int) index) : null;
    }
}
