package dev.wbpf.wasm.embed;

import java.nio.ByteBuffer;

/** Fixed-size integers, floats and booleans: {@link Codec#U32} and the like, and record components. */
final class Scalar<T> implements Codec<T> {
    interface Reader<T> {
        T read(ByteBuffer bytes, int offset);
    }

    interface Writer<T> {
        void write(ByteBuffer bytes, int offset, T value);
    }

    static final Scalar<Byte> U8 = new Scalar<>("U8", 1, ByteBuffer::get, ByteBuffer::put);
    static final Scalar<Short> U16 = new Scalar<>("U16", 2, ByteBuffer::getShort, ByteBuffer::putShort);
    static final Scalar<Integer> U32 = new Scalar<>("U32", 4, ByteBuffer::getInt, ByteBuffer::putInt);
    static final Scalar<Long> U64 = new Scalar<>("U64", 8, ByteBuffer::getLong, ByteBuffer::putLong);
    static final Scalar<Float> F32 = new Scalar<>("float", 4, ByteBuffer::getFloat, ByteBuffer::putFloat);
    static final Scalar<Double> F64 = new Scalar<>("double", 8, ByteBuffer::getDouble, ByteBuffer::putDouble);
    static final Scalar<Boolean> BOOL = new Scalar<>("bool", 1, (b, o) -> b.get(o) != 0, (b, o, v) -> b.put(o, (byte) (v ? 1 : 0)));

    private final String name;
    private final int size;
    private final Reader<T> reader;
    private final Writer<T> writer;

    private Scalar(String name, int size, Reader<T> reader, Writer<T> writer) {
        this.name = name;
        this.size = size;
        this.reader = reader;
        this.writer = writer;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public T decode(ByteBuffer bytes, int offset) {
        return reader.read(bytes, offset);
    }

    @Override
    public void encode(T value, ByteBuffer bytes, int offset) {
        writer.write(bytes, offset, value);
    }

    @Override
    public String toString() {
        return name;
    }
}
