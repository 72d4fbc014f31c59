package dev.wbpf.wasm.embed;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** {@link Codec#string(int)}: a NUL-terminated string in a {@code char[length]}. */
record FixedString(int length) implements Codec<String> {
    FixedString {
        if (length < 1) {
            throw new IllegalArgumentException("a char array holds at least one byte: " + length);
        }
    }

    @Override
    public int size() {
        return length;
    }

    @Override
    public String decode(ByteBuffer bytes, int offset) {
        int end = 0;
        while (end < length && bytes.get(offset + end) != 0) {
            end++;
        }
        byte[] text = new byte[end];
        bytes.get(offset, text);
        return new String(text, StandardCharsets.UTF_8);
    }

    @Override
    public void encode(String value, ByteBuffer bytes, int offset) {
        byte[] text = value.getBytes(StandardCharsets.UTF_8);
        if (text.length > length - 1) {
            throw new IllegalArgumentException("\"" + value + "\" is " + text.length + " bytes; char[" + length
                    + "] holds at most " + (length - 1) + " and the terminating NUL");
        }
        bytes.put(offset, text);
        for (int i = text.length; i < length; i++) {
            bytes.put(offset + i, (byte) 0);
        }
    }

    @Override
    public String toString() {
        return "string(" + length + ")";
    }
}
