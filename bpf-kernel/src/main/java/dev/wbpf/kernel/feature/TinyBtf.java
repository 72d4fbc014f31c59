package dev.wbpf.kernel.feature;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Writes small raw BTF blobs by hand, type by type: what feature probes load to ask the kernel
 * whether it knows a BTF kind, and what a map needs when the kernel insists on BTF (storage maps).
 * Real objects' BTF comes from bpf-core's model; this writer knows only the kinds probes need.
 *
 * <p>Layout (include/uapi/linux/btf.h): a 24-byte header, then {@code struct btf_type} records
 * (name_off, info = vlen | kind << 24 | kind_flag << 31, size-or-type) each followed by its
 * kind-specific data, then the string section, which starts with the empty string.
 */
public final class TinyBtf {
    static final int KIND_INT = 1;
    static final int KIND_PTR = 2;
    static final int KIND_FUNC = 12;
    static final int KIND_FUNC_PROTO = 13;
    static final int KIND_VAR = 14;
    static final int KIND_DATASEC = 15;
    static final int KIND_FLOAT = 16;
    static final int KIND_DECL_TAG = 17;
    static final int KIND_TYPE_TAG = 18;
    static final int KIND_ENUM64 = 19;

    public static final int LINKAGE_STATIC = 0;
    public static final int LINKAGE_GLOBAL = 1;

    private static final int HEADER_SIZE = 24;
    private static final int BTF_INT_SIGNED = 1;

    private final ByteArrayOutputStream types = new ByteArrayOutputStream();
    private final ByteArrayOutputStream strings = new ByteArrayOutputStream();
    private int nextTypeId = 1;

    public TinyBtf() {
        strings.write(0); // offset 0 is the empty name
    }

    /** A signed or unsigned integer of {@code size} bytes; returns its type id. */
    public int integer(String name, int size, boolean signed) {
        int id = type(name, KIND_INT, 0, size);
        u32((signed ? BTF_INT_SIGNED : 0) << 24 | size * 8); // encoding, offset 0, bits
        return id;
    }

    public int pointer(int target) {
        return type(null, KIND_PTR, 0, target);
    }

    /** Parameters are named p0, p1, …: the kernel rejects a FUNC whose prototype has unnamed ones. */
    public int functionPrototype(int returnType, int... parameterTypes) {
        int id = type(null, KIND_FUNC_PROTO, parameterTypes.length, returnType);
        for (int i = 0; i < parameterTypes.length; i++) {
            u32(string("p" + i));
            u32(parameterTypes[i]);
        }
        return id;
    }

    public int function(String name, int prototype, int linkage) {
        return type(name, KIND_FUNC, linkage, prototype);
    }

    public int variable(String name, int type, int linkage) {
        int id = type(name, KIND_VAR, 0, type);
        u32(linkage);
        return id;
    }

    /** A data section holding one variable at offset 0. */
    public int dataSection(String name, int size, int variable, int variableSize) {
        int id = type(name, KIND_DATASEC, 1, size);
        u32(variable);
        u32(0);
        u32(variableSize);
        return id;
    }

    public int floatingPoint(String name, int size) {
        return type(name, KIND_FLOAT, 0, size);
    }

    /** A declaration tag on {@code type}; component -1 tags the type itself rather than a member. */
    public int declarationTag(String name, int type, int componentIndex) {
        int id = type(name, KIND_DECL_TAG, 0, type);
        u32(componentIndex);
        return id;
    }

    public int typeTag(String name, int type) {
        return type(name, KIND_TYPE_TAG, 0, type);
    }

    /** An 8-byte enum with one member. */
    public int enum64(String name, String member, long value) {
        int id = type(name, KIND_ENUM64, 1, 8);
        u32(string(member));
        u32((int) value);
        u32((int) (value >>> 32));
        return id;
    }

    public byte[] build() {
        byte[] typeBytes = types.toByteArray();
        byte[] stringBytes = strings.toByteArray();
        ByteBuffer out = ByteBuffer.allocate(HEADER_SIZE + typeBytes.length + stringBytes.length)
                .order(ByteOrder.LITTLE_ENDIAN);
        out.putShort((short) 0xeB9F).put((byte) 1).put((byte) 0); // magic, version, flags
        out.putInt(HEADER_SIZE);
        out.putInt(0).putInt(typeBytes.length); // type_off, type_len (relative to the header's end)
        out.putInt(typeBytes.length).putInt(stringBytes.length); // str_off, str_len
        out.put(typeBytes).put(stringBytes);
        return out.array();
    }

    private int type(String name, int kind, int vlen, int sizeOrType) {
        u32(name == null ? 0 : string(name));
        u32(kind << 24 | vlen);
        u32(sizeOrType);
        return nextTypeId++;
    }

    private int string(String s) {
        int offset = strings.size();
        strings.writeBytes(s.getBytes(StandardCharsets.UTF_8));
        strings.write(0);
        return offset;
    }

    private void u32(int value) {
        types.write(value);
        types.write(value >>> 8);
        types.write(value >>> 16);
        types.write(value >>> 24);
    }
}
