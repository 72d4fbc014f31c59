package dev.wbpf.core.btf;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Builds a BTF string table, reusing an existing string's offset when the same string is added
 * again. Seeding it with a parsed table keeps every existing offset, so re-encoding a parsed BTF
 * reproduces the input, and strings referenced only from {@code .BTF.ext} stay valid.
 */
final class BtfStringTableBuilder {
    /** Offsets of strings available without adding: the seed's and, for split BTF, the base's. */
    private final Map<String, Long> offsets = new HashMap<>();
    private final ByteArrayOutputStream own = new ByteArrayOutputStream();
    private final long firstOffset;

    /** A fresh table for stand-alone BTF: just the empty string at offset 0. */
    BtfStringTableBuilder() {
        this.firstOffset = 0;
        own.write(0);
        offsets.put("", 0L);
    }

    /** A table continuing {@code seed}'s own bytes, able to refer to strings of its bases too. */
    BtfStringTableBuilder(BtfStrings seed) {
        this.firstOffset = seed.firstOffset();
        indexBases(seed.base());
        byte[] bytes = seed.ownBytes();
        own.writeBytes(bytes);
        index(bytes, firstOffset);
        offsets.putIfAbsent("", 0L);
    }

    /** An empty table for split BTF: its offsets continue after {@code base}'s, whose strings it reuses. */
    static BtfStringTableBuilder continuing(BtfStrings base) {
        return new BtfStringTableBuilder(base, base.endOffset());
    }

    private BtfStringTableBuilder(BtfStrings base, long firstOffset) {
        this.firstOffset = firstOffset;
        indexBases(base);
        offsets.putIfAbsent("", 0L);
    }

    private void indexBases(BtfStrings base) {
        for (BtfStrings b = base; b != null; b = b.base()) {
            index(b.ownBytes(), b.firstOffset());
        }
    }

    /** Records the offset of every string that starts a NUL-separated entry; earlier offsets win. */
    private void index(byte[] table, long tableOffset) {
        int start = 0;
        for (int i = 0; i < table.length; i++) {
            if (table[i] == 0) {
                String s = new String(table, start, i - start, StandardCharsets.UTF_8);
                Long offset = tableOffset + start;
                Long existing = offsets.get(s);
                if (existing == null || existing > offset) {
                    offsets.put(s, offset);
                }
                start = i + 1;
            }
        }
    }

    /** The offset of {@code s}, appending it if the table does not hold it yet. */
    long offsetOf(String s) {
        Long known = offsets.get(s);
        if (known != null) {
            return known;
        }
        long offset = firstOffset + own.size();
        own.writeBytes(s.getBytes(StandardCharsets.UTF_8));
        own.write(0);
        offsets.put(s, offset);
        return offset;
    }

    byte[] toBytes() {
        return own.toByteArray();
    }
}
