package dev.wbpf.core.btf;

import java.io.ByteArrayOutputStream;
import java.util.List;

/**
 * Encodes types into BTF bytes (header, type section, string section), the inverse of
 * {@link Btf#parse}. The kernel loader uses it to hand the kernel a sanitised copy of a program's
 * BTF. Types get consecutive ids in the order added, starting at 1 (or after the base's types for
 * split BTF); the writer does not check that the ids they refer to exist.
 */
public final class BtfWriter {
    private static final int MAX_VLEN = 0xffff;

    private final BtfStringTableBuilder strings;
    private final ByteArrayOutputStream typeSection = new ByteArrayOutputStream();
    private int nextId;

    private BtfWriter(BtfStringTableBuilder strings, int firstId) {
        this.strings = strings;
        this.nextId = firstId;
    }

    /** A writer for new stand-alone BTF with an empty string table. */
    public BtfWriter() {
        this(new BtfStringTableBuilder(), 1);
    }

    /**
     * A writer whose string table starts as a copy of {@code btf}'s, keeping every string offset
     * (including those only {@code .BTF.ext} refers to), and whose ids continue after {@code btf}'s
     * base, if any. Adding {@code btf}'s own types reproduces it.
     */
    public static BtfWriter reusingStrings(Btf btf) {
        return new BtfWriter(new BtfStringTableBuilder(btf.strings()), btf.firstTypeId());
    }

    /** A writer for split BTF on top of {@code base}: ids and string offsets continue after the base's. */
    public static BtfWriter extending(Btf base) {
        return new BtfWriter(BtfStringTableBuilder.continuing(base.strings()), base.typeCount());
    }

    /** Appends a type and returns the id it gets. */
    public int add(BtfType type) {
        if (type instanceof BtfType.Void) {
            throw new IllegalArgumentException("void (type id 0) is implicit and cannot be written");
        }
        encode(type);
        return nextId++;
    }

    public BtfWriter addAll(List<? extends BtfType> types) {
        types.forEach(this::add);
        return this;
    }

    /**
     * The offset of {@code s} in the string table being written, appending it if absent. For a
     * writer made by {@link #reusingStrings}, strings of the original table keep their offsets, so
     * {@code .BTF.ext} records (line info file names and source lines) can be re-encoded against it.
     */
    public long stringOffset(String s) {
        return strings.offsetOf(s);
    }

    /** The id the next added type will get. */
    public int nextTypeId() {
        return nextId;
    }

    /** The complete BTF: a 24-byte header, the type section, then the string table. */
    public byte[] toBytes() {
        byte[] types = typeSection.toByteArray();
        byte[] table = strings.toBytes();
        ByteArrayOutputStream out = new ByteArrayOutputStream(BtfHeader.LENGTH + types.length + table.length);
        LittleEndian header = new LittleEndian(out);
        header.u16(BtfHeader.MAGIC);
        header.u8(BtfHeader.VERSION);
        header.u8(0); // flags
        header.u32(BtfHeader.LENGTH);
        header.u32(0); // type section right after the header
        header.u32(types.length);
        header.u32(types.length); // strings right after the types
        header.u32(table.length);
        out.writeBytes(types);
        out.writeBytes(table);
        return out.toByteArray();
    }

    private void encode(BtfType type) {
        LittleEndian out = new LittleEndian(typeSection);
        switch (type) {
            case BtfType.Int t -> {
                head(out, t, 0, false, t.size());
                out.u32((long) (t.encoding() & 0x0f) << 24 | (long) (t.bitOffset() & 0xff) << 16 | (t.bits() & 0xff));
            }
            case BtfType.Ptr t -> head(out, t, 0, false, t.typeId());
            case BtfType.Array t -> {
                head(out, t, 0, false, 0);
                out.u32(t.elementTypeId());
                out.u32(t.indexTypeId());
                out.u32(t.elementCount());
            }
            case BtfType.Composite t -> {
                head(out, t, vlen(t.members().size()), t.bitfieldEncoding(), t.size());
                for (BtfType.Member m : t.members()) {
                    out.u32(strings.offsetOf(m.name()));
                    out.u32(m.typeId());
                    out.u32(memberOffset(t, m));
                }
            }
            case BtfType.Enum t -> {
                head(out, t, vlen(t.values().size()), t.signed(), t.size());
                for (BtfType.Enumerator e : t.values()) {
                    out.u32(strings.offsetOf(e.name()));
                    out.u32(e.value() & 0xffff_ffffL);
                }
            }
            case BtfType.Enum64 t -> {
                head(out, t, vlen(t.values().size()), t.signed(), t.size());
                for (BtfType.Enumerator e : t.values()) {
                    out.u32(strings.offsetOf(e.name()));
                    out.u32(e.value() & 0xffff_ffffL);
                    out.u32(e.value() >>> 32);
                }
            }
            case BtfType.Fwd t -> head(out, t, 0, t.union(), 0);
            case BtfType.Typedef t -> head(out, t, 0, false, t.typeId());
            case BtfType.Volatile t -> head(out, t, 0, false, t.typeId());
            case BtfType.Const t -> head(out, t, 0, false, t.typeId());
            case BtfType.Restrict t -> head(out, t, 0, false, t.typeId());
            case BtfType.TypeTag t -> head(out, t, 0, t.attribute(), t.typeId());
            case BtfType.Func t -> head(out, t, t.linkage().ordinal(), false, t.protoTypeId());
            case BtfType.FuncProto t -> {
                head(out, t, vlen(t.params().size()), false, t.returnTypeId());
                for (BtfType.Param p : t.params()) {
                    out.u32(strings.offsetOf(p.name()));
                    out.u32(p.typeId());
                }
            }
            case BtfType.Var t -> {
                head(out, t, 0, false, t.typeId());
                out.u32(t.linkage().ordinal());
            }
            case BtfType.DataSec t -> {
                head(out, t, vlen(t.vars().size()), false, t.size());
                for (BtfType.VarSecInfo v : t.vars()) {
                    out.u32(v.typeId());
                    out.u32(v.offset());
                    out.u32(v.size());
                }
            }
            case BtfType.Float t -> head(out, t, 0, false, t.size());
            case BtfType.DeclTag t -> {
                head(out, t, 0, t.attribute(), t.typeId());
                out.u32(t.componentIndex() & 0xffff_ffffL);
            }
            case BtfType.Void _ -> throw new AssertionError("rejected in add()");
        }
    }

    /** Writes {@code struct btf_type}: name offset, info word (vlen, kind, kind_flag), size or type. */
    private void head(LittleEndian out, BtfType type, int vlen, boolean kindFlag, long sizeOrType) {
        out.u32(strings.offsetOf(type.name()));
        out.u32((kindFlag ? 1L << 31 : 0) | (long) type.kind().code() << 24 | vlen);
        out.u32(sizeOrType);
    }

    private static int vlen(int count) {
        if (count > MAX_VLEN) {
            throw new IllegalArgumentException(count + " members/values/parameters exceed BTF's limit of " + MAX_VLEN);
        }
        return count;
    }

    private static long memberOffset(BtfType.Composite owner, BtfType.Member m) {
        if (!owner.bitfieldEncoding()) {
            if (m.isBitfield()) {
                throw new IllegalArgumentException("member '" + m.name() + "' of '" + owner.name()
                        + "' is a bitfield, which needs bitfieldEncoding");
            }
            return m.bitOffset();
        }
        if (m.bitOffset() > 0xff_ffff || m.bitfieldSize() > 0xff) {
            throw new IllegalArgumentException("member '" + m.name() + "' bit offset " + m.bitOffset()
                    + " or bitfield size " + m.bitfieldSize() + " does not fit the bitfield encoding");
        }
        return (long) m.bitfieldSize() << 24 | m.bitOffset();
    }

    /** Little-endian appends; BTF is written in the BPF target's (x86/arm64) byte order. */
    private record LittleEndian(ByteArrayOutputStream out) {
        void u8(int v) {
            out.write(v);
        }

        void u16(int v) {
            out.write(v);
            out.write(v >>> 8);
        }

        void u32(long v) {
            out.write((int) v);
            out.write((int) (v >>> 8));
            out.write((int) (v >>> 16));
            out.write((int) (v >>> 24));
        }
    }
}
