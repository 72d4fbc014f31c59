package dev.wbpf.core.io;

import dev.wbpf.core.BpfFormatException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A bounds-checked little-endian view of part of a byte array. Every read past the end raises
 * {@link BpfFormatException} naming the source and what was being read, so parsers of untrusted
 * files never leak an IndexOutOfBoundsException.
 */
public final class ByteSlice {
    private final String source;
    private final byte[] data;
    private final int start;
    private final int length;

    private ByteSlice(String source, byte[] data, int start, int length) {
        this.source = source;
        this.data = data;
        this.start = start;
        this.length = length;
    }

    public static ByteSlice of(String source, byte[] data) {
        return new ByteSlice(source, data, 0, data.length);
    }

    public String source() {
        return source;
    }

    public int length() {
        return length;
    }

    /** A sub-view; {@code what} names the region in the error if it does not fit. */
    public ByteSlice slice(long offset, long len, String what) {
        check(offset, len, what);
        return new ByteSlice(source, data, start + (int) offset, (int) len);
    }

    public int u8(long offset, String what) {
        check(offset, 1, what);
        return data[start + (int) offset] & 0xff;
    }

    public int u16(long offset, String what) {
        check(offset, 2, what);
        int p = start + (int) offset;
        return (data[p] & 0xff) | (data[p + 1] & 0xff) << 8;
    }

    /** An unsigned 32-bit value, widened to long. */
    public long u32(long offset, String what) {
        return i32(offset, what) & 0xffff_ffffL;
    }

    public int i32(long offset, String what) {
        check(offset, 4, what);
        int p = start + (int) offset;
        return (data[p] & 0xff) | (data[p + 1] & 0xff) << 8 | (data[p + 2] & 0xff) << 16 | (data[p + 3] & 0xff) << 24;
    }

    public long i64(long offset, String what) {
        return u32(offset, what) | (u32(offset + 4, what) << 32);
    }

    /** A copy of {@code len} bytes at {@code offset}. */
    public byte[] bytes(long offset, long len, String what) {
        check(offset, len, what);
        return Arrays.copyOfRange(data, start + (int) offset, start + (int) offset + (int) len);
    }

    public byte[] toArray() {
        return Arrays.copyOfRange(data, start, start + length);
    }

    /** A NUL-terminated string starting at {@code offset}; the NUL must lie inside the slice. */
    public String cstring(long offset, String what) {
        if (offset < 0 || offset >= length) {
            throw fail(what + ": string offset " + offset + " outside " + length + "-byte table");
        }
        int p = start + (int) offset;
        int end = start + length;
        int q = p;
        while (q < end && data[q] != 0) {
            q++;
        }
        if (q == end) {
            throw fail(what + ": string at offset " + offset + " is not NUL-terminated");
        }
        return new String(data, p, q - p, StandardCharsets.UTF_8);
    }

    /** Checks that [offset, offset+len) lies inside this slice. */
    public void check(long offset, long len, String what) {
        if (offset < 0 || len < 0 || offset > length || len > length - offset) {
            throw fail(what + ": " + len + " bytes at offset " + offset + " run past the end (" + length + " bytes)");
        }
    }

    public BpfFormatException fail(String problem) {
        return new BpfFormatException(source, problem);
    }
}
