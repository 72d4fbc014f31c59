package dev.wbpf.wasm.embed;

import java.lang.reflect.Array;
import java.nio.ByteBuffer;

/** A C array of integers as a Java primitive array ({@code int[]} for {@code __u32[N]}), for record components. */
record ArrayCodec(Class<?> arrayType, Codec<Object> element, int length) implements Codec<Object> {

    @Override
    public int size() {
        return element.size() * length;
    }

    @Override
    public Object decode(ByteBuffer bytes, int offset) {
        Object array = Array.newInstance(arrayType.getComponentType(), length);
        for (int i = 0; i < length; i++) {
            Array.set(array, i, element.decode(bytes, offset + i * element.size()));
        }
        return array;
    }

    @Override
    public void encode(Object value, ByteBuffer bytes, int offset) {
        if (Array.getLength(value) != length) {
            throw new IllegalArgumentException("got " + Array.getLength(value) + " elements for an array of " + length);
        }
        for (int i = 0; i < length; i++) {
            element.encode(Array.get(value, i), bytes, offset + i * element.size());
        }
    }

    @Override
    public String toString() {
        return arrayType.getComponentType() + "[" + length + "]";
    }
}
