package dev.wbpf.core.btf;

import dev.wbpf.core.io.ByteSlice;
import java.nio.charset.StandardCharsets;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.RandomAccess;

/**
 * The types of a large stand-alone BTF (the kernel's: ~150,000 types, of which CO-RE reads a
 * few hundred), decoded and reference-checked one by one on first use, and found by name through
 * a hash index over the raw string table, so that no type is decoded and no name becomes a
 * String until asked for. Thread-safe: a type decoded twice by racing threads is equal either way.
 */
final class BtfTypeIndex extends AbstractList<BtfType> implements RandomAccess {
    private final ByteSlice section;
    private final BtfStrings strings;
    private final byte[] stringTable;
    private final int firstId;
    private final int[] offsets;
    private final BtfType[] decoded;
    private Btf btf;
    private volatile NameHash names;

    BtfTypeIndex(ByteSlice section, BtfStrings strings, int firstId) {
        this.section = section;
        this.strings = strings;
        this.stringTable = strings.ownBytes();
        this.firstId = firstId;
        this.offsets = BtfTypeReader.offsets(section, firstId);
        this.decoded = new BtfType[offsets.length];
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
        BtfType type = decoded[index];
        if (type == null) {
            int id = firstId + index;
            type = BtfTypeReader.readAt(section, strings, offsets[index], id);
            // published before the check, so a type that refers to itself finds itself
            decoded[index] = type;
            try {
                BtfReferenceCheck.checkOne(section, btf, id, type);
            } catch (RuntimeException e) {
                decoded[index] = null;
                throw e;
            }
        }
        return type;
    }

    /** The ids of the types named {@code name}, ascending; none for "". */
    int[] idsNamed(String name) {
        NameHash hash = names;
        if (hash == null) {
            names = hash = new NameHash();
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
                int nameOffset = section.i32(offsets[i], "name");
                nameOffsets[i] = nameOffset;
                int end = nameOffset <= 0 ? -1 : end(nameOffset);
                if (end <= nameOffset) {
                    // anonymous, or a bad offset that decoding the type reports
                    continue;
                }
                int h = hash(stringTable, nameOffset, end);
                hashes[i] = h;
                int slot = h & (heads.length - 1);
                next[i] = heads[slot];
                heads[slot] = i;
            }
        }

        /** The index of the NUL ending the string at {@code offset}, or -1 if there is none. */
        private int end(int offset) {
            if (offset >= stringTable.length) {
                return -1;
            }
            for (int p = offset; p < stringTable.length; p++) {
                if (stringTable[p] == 0) {
                    return p;
                }
            }
            return -1;
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
