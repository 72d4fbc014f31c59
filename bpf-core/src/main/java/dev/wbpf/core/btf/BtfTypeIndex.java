package dev.wbpf.core.btf;

import dev.wbpf.core.io.ByteSlice;
import java.nio.charset.StandardCharsets;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.RandomAccess;

/**
 * The types of a large stand-alone BTF (the kernel's: over 100,000 types, of which CO-RE reads a
 * few hundred), decoded and reference-checked one by one on first use, and found by name through
 * a hash index over the raw string table, so that no type is decoded and no name becomes a
 * String until asked for. Thread-safe: types are decoded under a lock, and published once checked
 * (records with final fields, so a racing reader sees them whole).
 */
final class BtfTypeIndex extends AbstractList<BtfType> implements RandomAccess {
    private final ByteSlice section;
    private final byte[] typeBytes;
    private final BtfStrings strings;
    private final byte[] stringTable;
    private final int firstId;
    private final int[] offsets;
    private final BtfType[] checked;
    private final java.util.Map<Integer, BtfType> beingChecked = new java.util.HashMap<>();
    private Btf btf;
    private volatile NameHash names;
    private final Object namesLock = new Object();

    BtfTypeIndex(ByteSlice section, BtfStrings strings, int firstId) {
        this.section = section;
        this.strings = strings;
        this.stringTable = strings.ownBytes();
        this.firstId = firstId;
        this.typeBytes = section.toArray();
        this.offsets = BtfTypeReader.offsets(section, typeBytes, firstId);
        this.checked = new BtfType[offsets.length];
    }

    /** The BTF these types belong to, needed to check each type's references as it is decoded. */
    void owner(Btf owner) {
        this.btf = owner;
    }

    @Override
    public int size() {
        return offsets.length;
    }

    @Override
    public BtfType get(int index) {
        BtfType type = checked[index];
        return type != null ? type : decodeAndCheck(index);
    }

    private synchronized BtfType decodeAndCheck(int index) {
        BtfType type = checked[index];
        if (type == null) {
            type = beingChecked.get(index);
        }
        if (type != null) {
            return type; // checked meanwhile, or a type whose check comes back to it
        }
        int id = firstId + index;
        type = BtfTypeReader.readAt(section, strings, offsets[index], id);
        beingChecked.put(index, type);
        try {
            BtfReferenceCheck.checkOne(section, btf, id, type);
        } finally {
            beingChecked.remove(index);
        }
        checked[index] = type;
        return type;
    }

    /** The ids of the types named {@code name}, ascending; none for "". */
    int[] idsNamed(String name) {
        NameHash hash = names;
        if (hash == null) {
            // one build: a lookup during another thread's build waits for it rather than repeating it
            synchronized (namesLock) {
                hash = names;
                if (hash == null) {
                    names = hash = new NameHash();
                }
            }
        }
        return hash.idsNamed(name.getBytes(StandardCharsets.UTF_8));
    }

    /** Chains of type indexes by the hash of their name's bytes; built on the first lookup. */
    private final class NameHash {
        private final int[] nameOffsets = new int[offsets.length];
        private final int[] hashes = new int[offsets.length];
        private final int[] next = new int[offsets.length];
        private final int[] heads;

        NameHash() {
            heads = new int[Integer.highestOneBit(Math.max(offsets.length, 8)) * 4];
            Arrays.fill(heads, -1);
            // from the last type down, so each chain lists indexes ascending
            for (int i = offsets.length - 1; i >= 0; i--) {
                int at = offsets[i];
                int nameOffset = (typeBytes[at] & 0xff) | (typeBytes[at + 1] & 0xff) << 8
                        | (typeBytes[at + 2] & 0xff) << 16 | (typeBytes[at + 3] & 0xff) << 24;
                nameOffsets[i] = nameOffset;
                if (nameOffset <= 0 || nameOffset >= stringTable.length) {
                    continue; // anonymous, or a bad offset that decoding the type reports
                }
                // the name's hash, as hash() computes it, and its end, in one pass
                int h = 0;
                int p = nameOffset;
                while (p < stringTable.length && stringTable[p] != 0) {
                    h = 31 * h + stringTable[p++];
                }
                if (p == stringTable.length) {
                    continue; // not NUL-terminated: decoding the type reports it
                }
                h ^= h >>> 16;
                hashes[i] = h;
                int slot = h & (heads.length - 1);
                next[i] = heads[slot];
                heads[slot] = i;
            }
        }

        int[] idsNamed(byte[] name) {
            if (name.length == 0) {
                return new int[0];
            }
            int h = hash(name, 0, name.length);
            int[] ids = new int[4];
            int count = 0;
            for (int i = heads[h & (heads.length - 1)]; i >= 0; i = next[i]) {
                int offset = nameOffsets[i];
                if (hashes[i] == h && offset + name.length < stringTable.length && stringTable[offset + name.length] == 0
                        && Arrays.equals(stringTable, offset, offset + name.length, name, 0, name.length)) {
                    if (count == ids.length) {
                        ids = Arrays.copyOf(ids, count * 2);
                    }
                    ids[count++] = firstId + i;
                }
            }
            return Arrays.copyOf(ids, count);
        }

        private static int hash(byte[] bytes, int from, int to) {
            int h = 0;
            for (int p = from; p < to; p++) {
                h = 31 * h + bytes[p];
            }
            return h ^ (h >>> 16);
        }
    }
}
