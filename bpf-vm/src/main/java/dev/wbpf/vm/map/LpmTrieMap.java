package dev.wbpf.vm.map;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.TreeSet;

/**
 * {@code LPM_TRIE}: keys are {@code struct bpf_lpm_trie_key} — a host-order u32 prefix length
 * followed by the data bytes (network order). A lookup key's prefix length is the number of
 * bits to match; the stored entry with the longest prefix covering them wins. Requires
 * {@code BPF_F_NO_PREALLOC} in the kernel; not checked here.
 *
 * <p>Kept as one table per prefix length, probed from the longest length in use downwards: at
 * most data_size*8+1 probes, plenty for a VM.
 */
public final class LpmTrieMap extends VmMap {
    private final int dataSize;
    private final LinkedHashMap<MapKey, byte[]> entries = new LinkedHashMap<>();
    private final TreeSet<Integer> prefixLengths = new TreeSet<>();
    private final int[] countPerLength;

    public LpmTrieMap(MapDefinition definition) {
        super(definition);
        dataSize = definition.keySize() - 4;
        if (dataSize < 1 || dataSize > 256 || definition.valueSize() <= 0 || definition.maxEntries() <= 0) {
            throw new MapException(definition.name(), "create", Errno.EINVAL);
        }
        countPerLength = new int[dataSize * 8 + 1];
    }

    private static int prefixLength(byte[] key) {
        return ByteBuffer.wrap(key).order(ByteOrder.LITTLE_ENDIAN).getInt(0);
    }

    /** The key with every bit past {@code bits} cleared: the canonical form entries are stored under. */
    private byte[] masked(byte[] key, int bits) {
        byte[] out = Arrays.copyOf(key, key.length);
        ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).putInt(0, bits);
        for (int i = 0; i < dataSize; i++) {
            int keep = Math.clamp(bits - i * 8, 0, 8);
            out[4 + i] &= (byte) (0xff00 >>> keep);
        }
        return out;
    }

    @Override
    public synchronized ValueSlot find(byte[] key, int cpu) {
        int bits = prefixLength(key);
        if (bits < 0 || bits > dataSize * 8) {
            return null;
        }
        for (Integer length : prefixLengths.descendingSet()) {
            if (length <= bits) {
                byte[] value = entries.get(new MapKey(masked(key, length)));
                if (value != null) {
                    return new ValueSlot(value, 0, valueSize());
                }
            }
        }
        return null;
    }

    @Override
    public synchronized int updateElement(byte[] key, byte[] value, long flags, int cpu) {
        int bits = prefixLength(key);
        if (UpdateFlags.check(flags) != 0 || bits < 0 || bits > dataSize * 8) {
            return Errno.EINVAL;
        }
        MapKey k = new MapKey(masked(key, bits));
        byte[] existing = entries.get(k);
        int errno = UpdateFlags.precondition(flags, existing != null);
        if (errno != 0) {
            return errno;
        }
        if (existing == null) {
            if (entries.size() >= maxEntries()) {
                return Errno.ENOSPC;
            }
            existing = new byte[roundUp8(valueSize())];
            entries.put(k, existing);
            countPerLength[bits]++;
            prefixLengths.add(bits);
        }
        System.arraycopy(value, 0, existing, 0, valueSize());
        return 0;
    }

    @Override
    public synchronized int deleteElement(byte[] key) {
        int bits = prefixLength(key);
        if (bits < 0 || bits > dataSize * 8) {
            return Errno.EINVAL;
        }
        if (entries.remove(new MapKey(masked(key, bits))) == null) {
            return Errno.ENOENT;
        }
        if (--countPerLength[bits] == 0) {
            prefixLengths.remove(bits);
        }
        return 0;
    }

    /** Iterates stored prefixes in insertion order (the kernel walks its trie; the order is unspecified). */
    @Override
    protected synchronized byte[] nextKeyOf(byte[] key) {
        List<MapKey> keys = new ArrayList<>(entries.keySet());
        int next = 0;
        if (key != null) {
            int at = keys.indexOf(new MapKey(masked(key, Math.clamp(prefixLength(key), 0, dataSize * 8))));
            next = at < 0 ? 0 : at + 1;
        }
        return next < keys.size() ? keys.get(next).bytes().clone() : null;
    }
}
