package dev.wbpf.core.btf;

import dev.wbpf.core.io.ByteSlice;

/**
 * The fixed header of a {@code .BTF} section ({@code struct btf_header}). Offsets of the type and
 * string sections are relative to the end of the header.
 */
record BtfHeader(int headerLength, long typeOffset, long typeLength, long stringOffset, long stringLength) {
    static final int MAGIC = 0xeB9F;
    static final int VERSION = 1;
    /** The size of the header this code writes and the minimum it accepts. */
    static final int LENGTH = 24;

    static BtfHeader read(ByteSlice in) {
        int magic = in.u16(0, "BTF magic");
        if (magic == Integer.reverseBytes(MAGIC) >>> 16) {
            throw in.fail("big-endian BTF is not supported");
        }
        if (magic != MAGIC) {
            throw in.fail(String.format("bad BTF magic 0x%04x (expected 0x%04x)", magic, MAGIC));
        }
        int version = in.u8(2, "BTF version");
        if (version != VERSION) {
            throw in.fail("unsupported BTF version " + version);
        }
        long headerLength = in.u32(4, "BTF header length");
        if (headerLength < LENGTH || headerLength > in.length()) {
            throw in.fail("BTF header length " + headerLength + " is not between " + LENGTH + " and the section size " + in.length());
        }
        // A longer header comes from a newer format; its extra fields are only safe to ignore when zero.
        for (long i = LENGTH; i < headerLength; i++) {
            if (in.u8(i, "BTF header") != 0) {
                throw in.fail("BTF header has unknown non-zero fields beyond byte " + LENGTH);
            }
        }
        BtfHeader header = new BtfHeader((int) headerLength,
                in.u32(8, "BTF type section offset"), in.u32(12, "BTF type section length"),
                in.u32(16, "BTF string section offset"), in.u32(20, "BTF string section length"));
        header.checkLayout(in);
        return header;
    }

    private void checkLayout(ByteSlice in) {
        long body = in.length() - headerLength;
        if (typeOffset % 4 != 0) {
            throw in.fail("BTF type section offset " + typeOffset + " is not 4-byte aligned");
        }
        if (typeOffset + typeLength > body || stringOffset + stringLength > body) {
            throw in.fail("BTF type section (" + typeOffset + "+" + typeLength + ") or string section ("
                    + stringOffset + "+" + stringLength + ") runs past the end of the " + body + "-byte body");
        }
        boolean overlap = typeOffset < stringOffset + stringLength && stringOffset < typeOffset + typeLength;
        if (overlap) {
            throw in.fail("BTF type section and string section overlap");
        }
    }

    ByteSlice typeSection(ByteSlice in) {
        return in.slice(headerLength + typeOffset, typeLength, "BTF type section");
    }

    ByteSlice stringSection(ByteSlice in) {
        return in.slice(headerLength + stringOffset, stringLength, "BTF string section");
    }
}
