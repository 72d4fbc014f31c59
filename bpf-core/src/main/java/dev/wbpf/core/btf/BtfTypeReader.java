package dev.wbpf.core.btf;

import dev.wbpf.core.btf.BtfType.Enumerator;
import dev.wbpf.core.btf.BtfType.Linkage;
import dev.wbpf.core.btf.BtfType.Member;
import dev.wbpf.core.btf.BtfType.Param;
import dev.wbpf.core.btf.BtfType.VarSecInfo;
import dev.wbpf.core.BpfFormatException;
import dev.wbpf.core.io.ByteSlice;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes the type section: a packed sequence of {@code struct btf_type} headers, each followed by
 * kind-specific data. Only decodes; whether the referenced type ids exist is checked afterwards by
 * {@link BtfReferenceCheck}, once the total number of types is known.
 */
final class BtfTypeReader {
    private static final int TYPE_HEADER = 12;

    private final ByteSlice in;
    private final BtfStrings strings;
    private final int firstId;
    private long pos;
    private int id;

    private BtfTypeReader(ByteSlice in, BtfStrings strings, int firstId) {
        this.in = in;
        this.strings = strings;
        this.firstId = firstId;
    }

    /** Decodes every type in {@code section}; the first one gets id {@code firstId}. */
    static List<BtfType> read(ByteSlice section, BtfStrings strings, int firstId) {
        return new BtfTypeReader(section, strings, firstId).readAll();
    }

    /**
     * Where each type of {@code section} starts, without decoding any: checks only that every
     * type's kind is known and that its records fit, so that {@link #readAt} can decode any one later.
     * Reads {@code bytes} (the section's, copied) directly: it runs once over ~127k kernel types,
     * mostly before the JIT has compiled it.
     */
    static int[] offsets(ByteSlice section, byte[] bytes, int firstId) {
        int length = bytes.length;
        int[] offsets = new int[Math.max(16, length / 64)];
        int count = 0;
        int pos = 0;
        while (pos < length) {
            int id = firstId + count;
            if (id > MAX_TYPE_ID) {
                throw section.fail("more than " + MAX_TYPE_ID + " BTF types");
            }
            if (length - pos < TYPE_HEADER) {
                throw section.fail("type [" + id + "]: header runs past the end of the type section");
            }
            int vlen = (bytes[pos + 4] & 0xff) | (bytes[pos + 5] & 0xff) << 8;
            int code = bytes[pos + 7] & 0x1f;
            BtfKind kind = BtfKind.ofCode(code);
            if (kind == null) {
                throw section.fail("type [" + id + "]: unknown BTF kind " + code);
            }
            long size = TYPE_HEADER + trailingBytes(kind, vlen);
            if (length - pos < size) {
                throw section.fail("type [" + id + "]: its " + size + " bytes run past the end of the type section");
            }
            if (count == offsets.length) {
                offsets = java.util.Arrays.copyOf(offsets, count * 2);
            }
            offsets[count++] = pos;
            pos += (int) size;
        }
        return java.util.Arrays.copyOf(offsets, count);
    }

    /** The bytes after the 12-byte header: what {@link #decodeType()} consumes for this kind. */
    private static long trailingBytes(BtfKind kind, int vlen) {
        return switch (kind) {
            case INT, VAR, DECL_TAG -> 4;
            case ARRAY -> 12;
            case STRUCT, UNION, ENUM64, DATASEC -> 12L * vlen;
            case ENUM, FUNC_PROTO -> 8L * vlen;
            case PTR, FWD, TYPEDEF, VOLATILE, CONST, RESTRICT, TYPE_TAG, FUNC, FLOAT, VOID -> 0;
        };
    }

    /** Decodes the type that starts at {@code offset} (one of {@link #offsets}) and has id {@code id}. */
    static BtfType readAt(ByteSlice section, BtfStrings strings, int offset, int id) {
        BtfTypeReader reader = new BtfTypeReader(section, strings, id);
        reader.pos = offset;
        reader.id = id;
        return reader.readType();
    }

    private List<BtfType> readAll() {
        // Every type takes at least 12 bytes, so this bounds the list by the input size.
        List<BtfType> types = new ArrayList<>(in.length() / TYPE_HEADER);
        id = firstId;
        while (pos < in.length()) {
            if (id > MAX_TYPE_ID) {
                throw in.fail("more than " + MAX_TYPE_ID + " BTF types");
            }
            types.add(readType());
            id++;
        }
        return types;
    }

    /** {@code BTF_MAX_TYPE}: type ids are 20-bit in the kernel. */
    static final int MAX_TYPE_ID = 0x000f_ffff;

    private BtfType readType() {
        try {
            return decodeType();
        } catch (BpfFormatException e) {
            // Inner messages are constant strings (cheap on the hot path); name the type here.
            throw new BpfFormatException(e.source(), "type [" + id + "]: " + e.problem(), e);
        }
    }

    private BtfType decodeType() {
        long nameOffset = in.u32(pos, "name");
        long info = in.u32(pos + 4, "info");
        long sizeOrType = in.u32(pos + 8, "size/type");
        pos += TYPE_HEADER;
        int vlen = (int) (info & 0xffff);
        int code = (int) (info >>> 24) & 0x1f;
        boolean kindFlag = (info >>> 31) != 0;
        BtfKind kind = BtfKind.ofCode(code);
        if (kind == null) {
            throw in.fail("unknown BTF kind " + code);
        }
        String name = strings.get(nameOffset, "name");
        return switch (kind) {
            case INT -> {
                long word = in.u32(pos, "int encoding");
                pos += 4;
                int bits = (int) (word & 0xff);
                int bitOffset = (int) (word >>> 16) & 0xff;
                int encoding = (int) (word >>> 24) & 0x0f;
                yield new BtfType.Int(name, sizeOrType, encoding, bitOffset, bits);
            }
            case PTR -> new BtfType.Ptr(name, typeId(sizeOrType));
            case ARRAY -> {
                int element = typeId(in.u32(pos, "array element type"));
                int index = typeId(in.u32(pos + 4, "array index type"));
                long count = in.u32(pos + 8, "array length");
                pos += 12;
                yield new BtfType.Array(name, element, index, count);
            }
            case STRUCT -> new BtfType.Struct(name, sizeOrType, members(vlen, kindFlag), kindFlag);
            case UNION -> new BtfType.Union(name, sizeOrType, members(vlen, kindFlag), kindFlag);
            case ENUM -> new BtfType.Enum(name, sizeOrType, kindFlag, enumerators(vlen, kindFlag));
            case ENUM64 -> new BtfType.Enum64(name, sizeOrType, kindFlag, enumerators64(vlen));
            case FWD -> new BtfType.Fwd(name, kindFlag);
            case TYPEDEF -> new BtfType.Typedef(name, typeId(sizeOrType));
            case VOLATILE -> new BtfType.Volatile(name, typeId(sizeOrType));
            case CONST -> new BtfType.Const(name, typeId(sizeOrType));
            case RESTRICT -> new BtfType.Restrict(name, typeId(sizeOrType));
            case TYPE_TAG -> new BtfType.TypeTag(name, typeId(sizeOrType), kindFlag);
            // A FUNC has no members; its vlen field carries the linkage.
            case FUNC -> new BtfType.Func(name, typeId(sizeOrType), linkage(vlen));
            case FUNC_PROTO -> new BtfType.FuncProto(name, typeId(sizeOrType), params(vlen));
            case VAR -> {
                long linkage = in.u32(pos, "var linkage");
                pos += 4;
                yield new BtfType.Var(name, typeId(sizeOrType), linkage(linkage));
            }
            case DATASEC -> new BtfType.DataSec(name, sizeOrType, secInfos(vlen));
            case FLOAT -> new BtfType.Float(name, sizeOrType);
            case DECL_TAG -> {
                int component = in.i32(pos, "decl tag component index");
                pos += 4;
                yield new BtfType.DeclTag(name, typeId(sizeOrType), component, kindFlag);
            }
            case VOID -> throw new AssertionError("ofCode never returns VOID");
        };
    }

    /** Checks that {@code count} trailing records of {@code size} bytes fit before allocating for them. */
    private void needRecords(int count, int size, String what) {
        in.check(pos, (long) count * size, what);
    }

    private List<Member> members(int vlen, boolean bitfieldEncoding) {
        needRecords(vlen, 12, "members");
        List<Member> members = new ArrayList<>(vlen);
        for (int i = 0; i < vlen; i++, pos += 12) {
            String name = strings.get(in.u32(pos, "member name"), "member name");
            int type = typeId(in.u32(pos + 4, "member type"));
            long offset = in.u32(pos + 8, "member offset");
            // With kind_flag set the offset word packs bitfield size (top 8 bits) and bit offset (low 24).
            members.add(bitfieldEncoding
                    ? new Member(name, type, offset & 0xff_ffff, (int) (offset >>> 24))
                    : new Member(name, type, offset, 0));
        }
        return members;
    }

    private List<Enumerator> enumerators(int vlen, boolean signed) {
        needRecords(vlen, 8, "enumerators");
        List<Enumerator> values = new ArrayList<>(vlen);
        for (int i = 0; i < vlen; i++, pos += 8) {
            String name = strings.get(in.u32(pos, "enumerator name"), "enumerator name");
            int raw = in.i32(pos + 4, "enumerator value");
            values.add(new Enumerator(name, signed ? raw : Integer.toUnsignedLong(raw)));
        }
        return values;
    }

    private List<Enumerator> enumerators64(int vlen) {
        needRecords(vlen, 12, "enumerators");
        List<Enumerator> values = new ArrayList<>(vlen);
        for (int i = 0; i < vlen; i++, pos += 12) {
            String name = strings.get(in.u32(pos, "enumerator name"), "enumerator name");
            long low = in.u32(pos + 4, "enumerator value");
            long high = in.u32(pos + 8, "enumerator value");
            values.add(new Enumerator(name, high << 32 | low));
        }
        return values;
    }

    private List<Param> params(int vlen) {
        needRecords(vlen, 8, "parameters");
        List<Param> params = new ArrayList<>(vlen);
        for (int i = 0; i < vlen; i++, pos += 8) {
            String name = strings.get(in.u32(pos, "parameter name"), "parameter name");
            params.add(new Param(name, typeId(in.u32(pos + 4, "parameter type"))));
        }
        return params;
    }

    private List<VarSecInfo> secInfos(int vlen) {
        needRecords(vlen, 12, "variables");
        List<VarSecInfo> vars = new ArrayList<>(vlen);
        for (int i = 0; i < vlen; i++, pos += 12) {
            int type = typeId(in.u32(pos, "variable type"));
            vars.add(new VarSecInfo(type, in.u32(pos + 4, "variable offset"), in.u32(pos + 8, "variable size")));
        }
        return vars;
    }

    private Linkage linkage(long raw) {
        Linkage[] all = Linkage.values();
        if (raw >= all.length) {
            throw in.fail("unknown linkage " + raw);
        }
        return all[(int) raw];
    }

    /** Range-checks against the 20-bit id space here; existence is checked once all types are read. */
    private int typeId(long raw) {
        if (raw > MAX_TYPE_ID) {
            throw in.fail("type id " + raw + " exceeds the maximum " + MAX_TYPE_ID);
        }
        return (int) raw;
    }
}
