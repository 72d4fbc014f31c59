package dev.wbpf.wasm.embed;

import java.nio.ByteBuffer;

/** {@link Codec#bytes(int)}: a {@code __u8[length]}. */
record FixedBytes(int length) implements Codec<byte[]> {
    FixedBytes {
        if (length < 1) {
            throw new IllegalArgumentException("a byte array codec needs a length of at least 1: " + length);
        }
    }

    @Override
    public int size() {
        return length;
    }

    @Override
    public byte[] decode(ByteBuffer bytes, int offset) {
        byte[] out = new byte[length];
        bytes.get(offset, out);
        return out;
    }

    @Override
    public void encode(byte[] value, ByteBuffer bytes, int offset) {
        if (value.length != length) {
            throw new IllegalArgumentException("got " + value.length + " bytes for a __u8[" + length + "]");
        }
        bytes.put(offset, value);
    }

    @Override
    public String toString() {
        return "bytes(" + length + ")";
    }
}
