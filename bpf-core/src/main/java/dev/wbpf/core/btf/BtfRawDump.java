package dev.wbpf.core.btf;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Prints BTF the way {@code bpftool btf dump file X format raw} does, line for line, so the parser
 * can be checked against bpftool and people can diff our view with theirs. Split BTF prints only
 * its own types, as bpftool does.
 */
public final class BtfRawDump {
    private BtfRawDump() {}

    public static String dump(Btf btf) {
        StringBuilder out = new StringBuilder(btf.types().size() * 64);
        dump(btf, out);
        return out.toString();
    }

    public static void dump(Btf btf, Appendable out) {
        try {
            for (int i = 0; i < btf.types().size(); i++) {
                out.append(line(btf, btf.firstTypeId() + i, btf.types().get(i))).append('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One type, with struct members, enumerators, parameters and section entries on tab-indented lines. */
    static String line(Btf btf, int id, BtfType type) {
        StringBuilder s = new StringBuilder();
        s.append('[').append(id).append("] ").append(type.kind().name()).append(" '").append(name(type.name())).append('\'');
        switch (type) {
            case BtfType.Int t -> s.append(" size=").append(t.size())
                    .append(" bits_offset=").append(t.bitOffset())
                    .append(" nr_bits=").append(t.bits())
                    .append(" encoding=").append(intEncoding(t.encoding()));
            case BtfType.Ptr t -> typeId(s, t.typeId());
            case BtfType.Const t -> typeId(s, t.typeId());
            case BtfType.Volatile t -> typeId(s, t.typeId());
            case BtfType.Restrict t -> typeId(s, t.typeId());
            case BtfType.Typedef t -> typeId(s, t.typeId());
            case BtfType.TypeTag t -> typeId(s, t.typeId());
            case BtfType.Array t -> s.append(" type_id=").append(t.elementTypeId())
                    .append(" index_type_id=").append(t.indexTypeId())
                    .append(" nr_elems=").append(t.elementCount());
            case BtfType.Composite t -> {
                s.append(" size=").append(t.size()).append(" vlen=").append(t.members().size());
                for (BtfType.Member m : t.members()) {
                    s.append("\n\t'").append(name(m.name())).append("' type_id=").append(m.typeId())
                            .append(" bits_offset=").append(m.bitOffset());
                    if (m.isBitfield()) {
                        s.append(" bitfield_size=").append(m.bitfieldSize());
                    }
                }
            }
            case BtfType.Enum t -> {
                enumHeader(s, t.signed(), t.size(), t.values().size());
                for (BtfType.Enumerator e : t.values()) {
                    s.append("\n\t'").append(name(e.name())).append("' val=").append(e.value());
                }
            }
            case BtfType.Enum64 t -> {
                enumHeader(s, t.signed(), t.size(), t.values().size());
                for (BtfType.Enumerator e : t.values()) {
                    s.append("\n\t'").append(name(e.name())).append("' val=")
                            .append(t.signed() ? Long.toString(e.value()) + "LL" : Long.toUnsignedString(e.value()) + "ULL");
                }
            }
            case BtfType.Fwd t -> s.append(" fwd_kind=").append(t.union() ? "union" : "struct");
            case BtfType.Func t -> s.append(" type_id=").append(t.protoTypeId()).append(" linkage=").append(t.linkage().label());
            case BtfType.FuncProto t -> {
                s.append(" ret_type_id=").append(t.returnTypeId()).append(" vlen=").append(t.params().size());
                for (BtfType.Param p : t.params()) {
                    s.append("\n\t'").append(name(p.name())).append("' type_id=").append(p.typeId());
                }
            }
            // The comma is bpftool's.
            case BtfType.Var t -> s.append(" type_id=").append(t.typeId()).append(", linkage=").append(t.linkage().label());
            case BtfType.DataSec t -> {
                s.append(" size=").append(t.size()).append(" vlen=").append(t.vars().size());
                for (BtfType.VarSecInfo v : t.vars()) {
                    BtfType target = btf.type(v.typeId());
                    s.append("\n\ttype_id=").append(v.typeId()).append(" offset=").append(v.offset())
                            .append(" size=").append(v.size())
                            .append(" (").append(target.kind().name()).append(" '").append(name(target.name())).append("')");
                }
            }
            case BtfType.Float t -> s.append(" size=").append(t.size());
            case BtfType.DeclTag t -> s.append(" type_id=").append(t.typeId()).append(" component_idx=").append(t.componentIndex());
            case BtfType.Void _ -> {}
        }
        return s.toString();
    }

    private static void typeId(StringBuilder s, int id) {
        s.append(" type_id=").append(id);
    }

    private static void enumHeader(StringBuilder s, boolean signed, long size, int count) {
        s.append(" encoding=").append(signed ? "SIGNED" : "UNSIGNED").append(" size=").append(size).append(" vlen=").append(count);
    }

    private static String name(String name) {
        return name.isEmpty() ? "(anon)" : name;
    }

    /** bpftool names only the single-bit encodings; combinations print as UNKN. */
    private static String intEncoding(int encoding) {
        return switch (encoding) {
            case 0 -> "(none)";
            case BtfType.INT_SIGNED -> "SIGNED";
            case BtfType.INT_CHAR -> "CHAR";
            case BtfType.INT_BOOL -> "BOOL";
            default -> "UNKN";
        };
    }
}
