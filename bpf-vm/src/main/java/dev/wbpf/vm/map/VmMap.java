package dev.wbpf.vm.map;

import dev.wbpf.core.object.MapType;
import java.util.Arrays;

/**
 * A map of the in-JVM backend. Thread-safe: programs on several threads (virtual CPUs) and Java
 * callers use it at once. Two faces with the same semantics:
 * <ul>
 *   <li>for Java callers, the user-space view of {@code bpf(2)}: {@link #lookup}, {@link #update},
 *       {@link #delete}, {@link #nextKey} with byte arrays; refusals throw {@link MapException};
 *       per-CPU maps take and give one value per CPU, each rounded up to 8 bytes, side by side;</li>
 *   <li>for helpers, methods that return a negative errno instead of throwing and act on the
 *       calling CPU's value.</li>
 * </ul>
 * Operations a map type does not have answer {@link Errno#EINVAL} (element maps) or
 * {@link Errno#EOPNOTSUPP}, as the kernel does.
 */
public abstract class VmMap {
    private final MapDefinition definition;
    private final String valueRegionName;

    protected VmMap(MapDefinition definition) {
        this.definition = definition;
        this.valueRegionName = "value of map `" + definition.name() + "`";
    }

    public MapDefinition definition() {
        return definition;
    }

    public String name() {
        return definition.name();
    }

    /** What fault messages call a value of this map; built once, as lookups hand out value regions often. */
    public String valueRegionName() {
        return valueRegionName;
    }

    public MapType type() {
        return definition.type();
    }

    public int keySize() {
        return definition.keySize();
    }

    public int valueSize() {
        return definition.valueSize();
    }

    public int maxEntries() {
        return definition.maxEntries();
    }

    // ---- Java callers ----

    /** A copy of the value for {@code key}, or null when there is none. */
    public byte[] lookup(byte[] key) {
        checkKey(key);
        return userLookup(key);
    }

    public void update(byte[] key, byte[] value, long flags) {
        checkKey(key);
        if (value == null || value.length != userValueSize()) {
            throw new MapException(name(), "update", Errno.EINVAL);
        }
        int errno = userUpdate(key, value, flags);
        if (errno != 0) {
            throw new MapException(name(), "update", errno);
        }
    }

    public void delete(byte[] key) {
        checkKey(key);
        int errno = deleteElement(key);
        if (errno != 0) {
            throw new MapException(name(), "delete", errno);
        }
    }

    /** The key after {@code key} (the first key when {@code key} is null or absent), or null at the end. */
    public byte[] nextKey(byte[] key) {
        if (key != null && key.length != keySize()) {
            throw new MapException(name(), "next key", Errno.EINVAL);
        }
        return nextKeyOf(key);
    }

    /** Size of the values Java callers exchange; per-CPU maps multiply it by the CPU count. */
    public int userValueSize() {
        return valueSize();
    }

    private void checkKey(byte[] key) {
        if (key == null || key.length != keySize()) {
            throw new MapException(name(), "access", Errno.EINVAL);
        }
    }

    protected byte[] userLookup(byte[] key) {
        ValueSlot slot = find(key, 0);
        return slot == null ? null : Arrays.copyOfRange(slot.array(), slot.offset(), slot.offset() + slot.length());
    }

    protected int userUpdate(byte[] key, byte[] value, long flags) {
        return updateElement(key, value, flags, 0);
    }

    protected byte[] nextKeyOf(byte[] key) {
        throw new MapException(name(), "next key", Errno.EINVAL);
    }

    // ---- helpers (programs) ----

    /** The value the program on {@code cpu} sees for {@code key}, or null. */
    public ValueSlot find(byte[] key, int cpu) {
        return null;
    }

    /** Updates the value of {@code cpu} (all CPUs' values for a new per-CPU element start zeroed); 0 or errno. */
    public int updateElement(byte[] key, byte[] value, long flags, int cpu) {
        return Errno.EINVAL;
    }

    /** 0 or errno. */
    public int deleteElement(byte[] key) {
        return Errno.EINVAL;
    }

    static int roundUp8(int n) {
        return (n + 7) & ~7;
    }
}
