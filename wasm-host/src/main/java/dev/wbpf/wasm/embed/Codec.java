package dev.wbpf.wasm.embed;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Converts map keys or values to and from the bytes BPF sees (little-endian on x86 and arm64). */
public interface Codec<T> {
    byte[] encode(T value, int size);

    T decode(byte[] bytes);

    Codec<Integer> U32 = new Codec<>() {
        @Override
        public byte[] encode(Integer v, int size) {
            return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
        }

        @Override
        public Integer decode(byte[] b) {
            return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt();
        }
    };

    Codec<Long> U64 = new Codec<>() {
        @Override
        public byte[] encode(Long v, int size) {
            return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
        }

        @Override
        public Long decode(byte[] b) {
            return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong();
        }
    };

    /** The raw bytes, padded or cut to the map's size. */
    Codec<byte[]> BYTES = new Codec<>() {
        @Override
        public byte[] encode(byte[] v, int size) {
            return java.util.Arrays.copyOf(v, size);
        }

        @Override
        public byte[] decode(byte[] b) {
            return b.clone();
        }
    };
}
