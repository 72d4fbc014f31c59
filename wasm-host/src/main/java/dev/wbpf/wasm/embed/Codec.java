package dev.wbpf.wasm.embed;

import dev.wbpf.core.btf.Btf;
import java.nio.ByteBuffer;

/**
 * Converts map keys, map values and ring/perf buffer records to and from the bytes BPF sees
 * (the host's byte order, fixed sizes). Java's signed types carry the bits of unsigned C types:
 * read a {@code __u32} with {@link Integer#toUnsignedLong}.
 *
 * <p>Where the object's BTF describes the type, {@link #bind} checks the codec against it before
 * any byte is read, so a layout that drifted from the C source fails at once with the names of
 * the fields that differ, not with garbage values.
 */
public interface Codec<T> {

    /** Bytes one value occupies. */
    int size();

    /** Reads the value at {@code offset} ({@link #size()} bytes). */
    T decode(ByteBuffer bytes, int offset);

    /** Writes {@code value} at {@code offset} ({@link #size()} bytes). */
    void encode(T value, ByteBuffer bytes, int offset);

    /**
     * This codec checked against BTF type {@code typeId} of {@code btf} (null or type 0: no BTF,
     * only {@code size} is known), laid out by it where the codec takes its layout from BTF.
     *
     * @param what  names the key, value or record in messages, e.g. "value of map `starts`"
     * @param size  the byte size the map has; below 0 for ring/perf buffer records (any)
     * @throws IllegalArgumentException saying what does not match
     */
    default Codec<T> bind(Btf btf, int typeId, int size, String what) {
        if (btf != null && typeId != 0) {
            BtfShapes.checkSize(btf, typeId, size(), what, this);
        }
        if (size >= 0 && size() != size) {
            throw new IllegalArgumentException(what + " is " + size + " bytes, but codec " + this + " has " + size());
        }
        return this;
    }

    /** {@code __u8}/{@code __s8}. */
    Codec<Byte> U8 = Scalar.U8;
    /** {@code __u16}/{@code __s16}. */
    Codec<Short> U16 = Scalar.U16;
    /** {@code __u32}/{@code __s32}/{@code int}/a 4-byte enum. */
    Codec<Integer> U32 = Scalar.U32;
    /** {@code __u64}/{@code __s64}/{@code long}. */
    Codec<Long> U64 = Scalar.U64;

    /**
     * A NUL-terminated string in {@code char[length]} (e.g. {@code comm[16]}): decoding stops at
     * the first NUL; encoding fails for more than {@code length - 1} UTF-8 bytes.
     */
    static Codec<String> string(int length) {
        return new FixedString(length);
    }

    /** {@code __u8[length]}, as a {@code byte[]} of exactly that length. */
    static Codec<byte[]> bytes(int length) {
        return new FixedBytes(length);
    }

    /**
     * A Java record for a C struct, laid out by BTF: each record component is the struct member of
     * the same name ({@code startNs} also matches {@code start_ns}), with a Java type of the
     * member's size ({@code byte short int long boolean float double}, {@code String} or
     * {@code byte[]} for {@code char[N]}/{@code __u8[N]}, {@code int[]}/{@code long[]} for integer
     * arrays, a record for a nested struct). Members without a component are skipped when reading
     * and zero when writing. For a map the map's BTF key or value type is used; for ring/perf
     * buffer records the struct named like the class in snake case ({@code ExecEvent} →
     * {@code exec_event}).
     */
    static <R extends Record> Codec<R> record(Class<R> type) {
        return new RecordCodec<>(type, null);
    }

    /** As {@link #record(Class)}, for records of the BTF struct named {@code struct}. */
    static <R extends Record> Codec<R> record(Class<R> type, String struct) {
        return new RecordCodec<>(type, struct);
    }
}
