package dev.wbpf.vm.helper;

import java.util.Arrays;

/**
 * Helpers by number, as one program sees them. Immutable once built; {@link #standard()} has
 * every helper the VM implements, and a host may add its own numbers to a copy.
 */
public final class HelperTable {
    /** Above every helper number the kernel has assigned so far. */
    public static final int CAPACITY = 256;

    private final Helper[] helpers;
    private final String[] names;

    private HelperTable(Helper[] helpers, String[] names) {
        this.helpers = helpers;
        this.names = names;
    }

    public static HelperTable empty() {
        return new HelperTable(new Helper[CAPACITY], new String[CAPACITY]);
    }

    public static HelperTable standard() {
        return StandardHelpers.TABLE;
    }

    /** A copy with {@code helper} installed as number {@code id}. */
    public HelperTable with(int id, String name, Helper helper) {
        if (id <= 0 || id >= CAPACITY) {
            throw new IllegalArgumentException("helper number " + id + " outside 1.." + (CAPACITY - 1));
        }
        Helper[] h = Arrays.copyOf(helpers, CAPACITY);
        String[] n = Arrays.copyOf(names, CAPACITY);
        h[id] = helper;
        n[id] = name;
        return new HelperTable(h, n);
    }

    /** A copy without helper {@code id} (a host that does not want programs to use it). */
    public HelperTable without(int id) {
        Helper[] h = Arrays.copyOf(helpers, CAPACITY);
        String[] n = Arrays.copyOf(names, CAPACITY);
        if (id > 0 && id < CAPACITY) {
            h[id] = null;
            n[id] = null;
        }
        return new HelperTable(h, n);
    }

    /** The helper with number {@code id}, or null when the VM has none. */
    public Helper get(long id) {
        return id > 0 && id < CAPACITY ? helpers[(int) id] : null;
    }

    public String name(long id) {
        String name = id > 0 && id < CAPACITY ? names[(int) id] : null;
        return name == null ? "#" + id : name;
    }

    public boolean has(long id) {
        return get(id) != null;
    }
}
