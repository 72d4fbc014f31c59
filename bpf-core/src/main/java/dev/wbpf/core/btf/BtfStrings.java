package dev.wbpf.core.btf;

import dev.wbpf.core.io.ByteSlice;
import java.util.HashMap;
import java.util.Map;

/**
 * A BTF string table: NUL-terminated UTF-8 strings addressed by byte offset. Split BTF (a kernel
 * module's) continues the offsets of its base: offsets below the base table's length are looked up
 * there.
 */
final class BtfStrings {
    private final BtfStrings base;
    private final ByteSlice table;
    /** Names repeat a lot (every "(anon)" member, every "int"), so decode each offset once. */
    private final Map<Integer, String> decoded = new HashMap<>();

    BtfStrings(BtfStrings base, ByteSlice table) {
        this.base = base;
        this.table = table;
    }

    /** The offset this table's first byte has: 0, or for split BTF the total length of its bases. */
    long firstOffset() {
        return base == null ? 0 : base.endOffset();
    }

    /** One past the last offset valid in this table and its bases. */
    long endOffset() {
        return firstOffset() + table.length();
    }

    /** This table's own bytes (without the base's). */
    byte[] ownBytes() {
        return table.toArray();
    }

    BtfStrings base() {
        return base;
    }

    /** The string at {@code offset}; {@code what} names the referring field in the error. */
    String get(long offset, String what) {
        if (offset < firstOffset()) {
            if (offset == 0 && base == null) {
                return "";
            }
            return base.get(offset, what);
        }
        long local = offset - firstOffset();
        if (local > Integer.MAX_VALUE) {
            throw table.fail(what + ": string offset " + offset + " outside the " + endOffset() + "-byte string table");
        }
        // .BTF.ext parsing decodes through this table after the Btf is published, so guard the cache.
        synchronized (decoded) {
            String s = decoded.get((int) local);
            if (s == null) {
                s = table.cstring(local, what);
                decoded.put((int) local, s);
            }
            return s;
        }
    }
}
