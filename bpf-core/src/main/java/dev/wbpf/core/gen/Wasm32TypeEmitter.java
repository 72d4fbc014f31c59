package dev.wbpf.core.gen;

import dev.wbpf.core.btf.Btf;
import dev.wbpf.core.btf.BtfType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes BTF types as C for a wasm32 guest so that each type has the byte layout it has for
 * BPF (LP64): every struct and union is {@code packed} and gets explicit padding, pointers
 * and {@code long} become 64-bit fixed-width integers, integer typedefs are resolved to
 * {@code <stdint.h>} types (so nothing clashes with wasi-libc's {@code size_t} and friends),
 * bitfields are placed at their exact bit offsets with unnamed padding bitfields, and every
 * definition is followed by {@code _Static_assert}s on its size and member offsets.
 *
 * <p>Each definition is wrapped in an include guard of its own ({@code WBPF_TYPE_struct_NAME}),
 * so a skeleton and a types header from the same object can be included together.
 */
final class Wasm32TypeEmitter {
    /** How a named type is spelled where it is used. */
    private record TypeRef(String base, String suffix) {}

    /** Struct names wbpf.h defines for the guest API; kernel types of these names are left out. */
    static final Set<String> RESERVED = Set.of("bpf_object", "bpf_map", "bpf_program", "bpf_link", "bpf_buffer",
            "bpf_map_skeleton", "bpf_prog_skeleton", "bpf_object_skeleton", "bpf_object_open_opts");

    private final Btf btf;
    /** Guard name -> definition text, in emission (dependency) order. */
    private final Map<String, String> definitions = new LinkedHashMap<>();
    private final Set<Integer> inProgress = new HashSet<>();
    private final Set<Integer> done = new HashSet<>();
    private final Set<String> usedNames = new HashSet<>();
    private int padCounter;

    Wasm32TypeEmitter(Btf btf) {
        this.btf = btf;
    }

    /** Everything required so far, in an order where each definition follows what it uses. */
    String definitions() {
        StringBuilder out = new StringBuilder();
        definitions.forEach((guard, text) -> out.append("#ifndef ").append(guard).append('\n')
                .append("#define ").append(guard).append('\n').append(text).append("#endif\n\n"));
        return out.toString();
    }

    /** Number of definitions emitted. */
    int count() {
        return definitions.size();
    }

    /**
     * Makes sure the type (and what it contains) is defined: named structs, unions and enums,
     * and typedefs of anonymous structs/unions/enums. Integers, pointers and other types that
     * need no definition are ignored; so are anonymous types (they are written inline where used).
     */
    void require(int id) {
        int current = skipModifiers(id);
        BtfType type = btf.type(current);
        switch (type) {
            case BtfType.Array a -> require(a.elementTypeId());
            case BtfType.Typedef t -> require(t.typeId());
            case BtfType.Composite c when RESERVED.contains(c.name()) -> { }
            case BtfType.Composite c when !c.name().isEmpty() -> defineComposite(current, c);
            case BtfType.Enum e when !e.name().isEmpty() -> defineEnum(current, e.name(), e.values(), e.size());
            case BtfType.Enum64 e when !e.name().isEmpty() -> defineEnum(current, e.name(), e.values(), e.size());
            default -> { }
        }
    }

    /**
     * Like {@link #require}, and a typedef of an anonymous struct, union or enum is defined
     * under its typedef name (a type asked for by name; members write such types inline).
     */
    void requireRoot(int id) {
        int current = skipModifiers(id);
        if (btf.type(current) instanceof BtfType.Typedef t) {
            int target = skipModifiers(t.typeId());
            BtfType tt = btf.type(target);
            if (tt.name().isEmpty() && (tt instanceof BtfType.Composite || isEnum(tt))) {
                defineTypedef(current, t, target);
                return;
            }
        }
        require(current);
    }

    /** A member or variable declaration: {@code TYPE name[...]} with inline bodies for anonymous types. */
    String declaration(int typeId, String name, String indent) {
        TypeRef ref = ref(typeId, indent);
        return ref.base() + (name.isEmpty() ? "" : " " + name) + ref.suffix();
    }

    /** The spelling of a named type in sizeof()/offsetof(), or null when it has none. */
    String spelling(int id) {
        BtfType type = btf.type(id);
        return switch (type) {
            case BtfType.Struct s when !s.name().isEmpty() -> "struct " + s.name();
            case BtfType.Union u when !u.name().isEmpty() -> "union " + u.name();
            case BtfType.Typedef t -> t.name();
            default -> null;
        };
    }

    // ---- definitions ----

    private void defineComposite(int id, BtfType.Composite c) {
        if (done.contains(id) || inProgress.contains(id)) {
            return; // a by-value cycle is impossible in C; by-pointer references need no definition
        }
        String keyword = c instanceof BtfType.Struct ? "struct" : "union";
        String guard = guard(keyword, c.name());
        if (definitions.containsKey(guard) || !usedNames.add(guard)) {
            done.add(id); // a second type of the same name (from another compilation unit): first one wins
            return;
        }
        inProgress.add(id);
        requireMembers(c);
        StringBuilder text = new StringBuilder();
        text.append(keyword).append(' ').append(c.name()).append(' ');
        body(c, "", text);
        text.append(";\n");
        List<String> asserts = new ArrayList<>();
        assertions(keyword + " " + c.name(), c, 0, asserts);
        asserts.forEach(a -> text.append(a).append('\n'));
        definitions.put(guard, text.toString());
        inProgress.remove(id);
        done.add(id);
    }

    private void defineTypedef(int id, BtfType.Typedef t, int target) {
        if (done.contains(id)) {
            return;
        }
        String guard = guard("typedef", t.name());
        if (definitions.containsKey(guard) || !usedNames.add(guard)) {
            done.add(id);
            return;
        }
        done.add(id);
        BtfType tt = btf.type(target);
        StringBuilder text = new StringBuilder("typedef ");
        if (tt instanceof BtfType.Composite c) {
            requireMembers(c);
            text.append(c instanceof BtfType.Struct ? "struct " : "union ");
            body(c, "", text);
            text.append(' ').append(t.name()).append(";\n");
            List<String> asserts = new ArrayList<>();
            assertions(t.name(), c, 0, asserts);
            asserts.forEach(a -> text.append(a).append('\n'));
        } else {
            // an anonymous enum: the constants as an enum, the typedef as an integer of its size
            List<BtfType.Enumerator> values = tt instanceof BtfType.Enum e ? e.values() : ((BtfType.Enum64) tt).values();
            long size = btf.sizeOf(target);
            text.setLength(0);
            text.append(enumConstants("", values));
            text.append("typedef ").append(intType(size, enumSigned(tt))).append(' ').append(t.name()).append(";\n");
        }
        definitions.put(guard, text.toString());
    }

    private void defineEnum(int id, String name, List<BtfType.Enumerator> values, long size) {
        if (!done.add(id)) {
            return;
        }
        String guard = guard("enum", name);
        if (definitions.containsKey(guard) || !usedNames.add(guard)) {
            return;
        }
        definitions.put(guard, "/* " + size + " byte(s) in BPF; members of this type are declared as integers of that size */\n"
                + enumConstants(name, values));
    }

    private static String enumConstants(String name, List<BtfType.Enumerator> values) {
        StringBuilder text = new StringBuilder("enum ");
        if (!name.isEmpty()) {
            text.append(name).append(' ');
        }
        text.append("{\n");
        for (BtfType.Enumerator v : values) {
            text.append('\t').append(v.name()).append(" = ").append(literal(v.value())).append(",\n");
        }
        return text.append("};\n").toString();
    }

    private static String literal(long value) {
        if (value == Long.MIN_VALUE) {
            return "(-0x7fffffffffffffffLL - 1)";
        }
        if (value >= Integer.MIN_VALUE && value <= Integer.MAX_VALUE) {
            return Long.toString(value);
        }
        return value < 0 ? value + "LL" : value + "ULL";
    }

    private void requireMembers(BtfType.Composite c) {
        for (BtfType.Member m : c.members()) {
            int target = skipModifiers(m.typeId());
            BtfType t = btf.type(target);
            if (t instanceof BtfType.Composite inner && inner.name().isEmpty()) {
                requireMembers(inner); // written inline; its members' types come first
            } else {
                require(target);
            }
        }
    }

    // ---- bodies ----

    /** Appends "{ members } __attribute__((packed))" laid out to match BTF byte for byte. */
    private void body(BtfType.Composite c, String indent, StringBuilder out) {
        String inner = indent + "\t";
        out.append("{\n");
        if (c instanceof BtfType.Union) {
            long largest = 0;
            for (BtfType.Member m : c.members()) {
                if (m.bitOffset() != 0) {
                    throw new GenerationException("union " + describe(c) + ": member " + m.name()
                            + " is not at offset 0; C cannot express that");
                }
                out.append(inner).append(memberDeclaration(m, inner)).append(";\n");
                largest = Math.max(largest, m.isBitfield() ? (m.bitfieldSize() + 7) / 8 : btf.sizeOf(m.typeId()));
            }
            if (largest < c.size() || c.members().isEmpty()) {
                out.append(inner).append("uint8_t __wbpf_size[").append(c.size()).append("];\n");
            }
        } else {
            long pos = 0; // bits laid out so far
            for (BtfType.Member m : c.members()) {
                long off = m.bitOffset();
                if (off < pos) {
                    throw new GenerationException("struct " + describe(c) + ": member " + m.name()
                            + " overlaps the previous one; C cannot express that");
                }
                pad(pos, off, inner, out);
                out.append(inner).append(memberDeclaration(m, inner)).append(";\n");
                pos = off + (m.isBitfield() ? m.bitfieldSize() : 8 * btf.sizeOf(m.typeId()));
            }
            long end = 8 * c.size();
            if (pos > end) {
                throw new GenerationException("struct " + describe(c) + ": members extend past its size " + c.size());
            }
            pos = (pos + 7) & ~7L; // the compiler rounds a trailing bitfield up to a byte
            pad(pos, end, inner, out);
        }
        out.append(indent).append("} __attribute__((packed))");
    }

    /** Explicit padding from bit {@code from} to bit {@code to}. */
    private void pad(long from, long to, String indent, StringBuilder out) {
        if (to <= from) {
            return;
        }
        if (from % 8 != 0) {
            long bits = Math.min(8 - from % 8, to - from);
            out.append(indent).append("uint8_t : ").append(bits).append(";\n");
            from += bits;
        }
        long bytes = (to - from) / 8;
        if (bytes > 0) {
            out.append(indent).append("uint8_t __pad").append(padCounter++).append('[').append(bytes).append("];\n");
            from += bytes * 8;
        }
        if (to > from) {
            out.append(indent).append("uint8_t : ").append(to - from).append(";\n");
        }
    }

    private String memberDeclaration(BtfType.Member m, String indent) {
        if (!m.isBitfield()) {
            return declaration(m.typeId(), m.name(), indent);
        }
        int target = btf.resolve(m.typeId());
        BtfType t = btf.type(target);
        String base = switch (t) {
            case BtfType.Int i -> (i.encoding() & BtfType.INT_BOOL) != 0 ? "_Bool" : intType(i.size(), i.isSigned());
            case BtfType.Enum e -> intType(e.size(), e.signed());
            case BtfType.Enum64 e -> intType(e.size(), e.signed());
            default -> throw new GenerationException("bitfield " + m.name() + " has a type that is not an integer");
        };
        // an unnamed bitfield member is padding; keep its bits with an unnamed field
        return base + (m.name().isEmpty() ? "" : " " + m.name()) + " : " + m.bitfieldSize();
    }

    /** Size and offset checks, with nested anonymous members seen from the outer type. */
    private void assertions(String spelling, BtfType.Composite c, long base, List<String> out) {
        assertions(spelling, c, base, true, out);
    }

    private void assertions(String spelling, BtfType.Composite c, long base, boolean top, List<String> out) {
        if (top) {
            out.add("_Static_assert(sizeof(" + spelling + ") == " + c.size() + ", \"wbpf: size of " + spelling + "\");");
        }
        for (BtfType.Member m : c.members()) {
            if (m.isBitfield()) {
                continue;
            }
            long off = base + m.byteOffset();
            if (m.name().isEmpty()) {
                if (btf.type(skipModifiers(m.typeId())) instanceof BtfType.Composite inner) {
                    assertions(spelling, inner, off, false, out);
                }
                continue;
            }
            out.add("_Static_assert(__builtin_offsetof(" + spelling + ", " + m.name() + ") == " + off
                    + ", \"wbpf: offset of " + spelling + "." + m.name() + "\");");
        }
    }

    // ---- references ----

    private TypeRef ref(int id, String indent) {
        int current = skipModifiers(id);
        BtfType type = btf.type(current);
        return switch (type) {
            case BtfType.Int i -> new TypeRef(intName(i), "");
            case BtfType.Ptr _ -> new TypeRef("uint64_t", ""); // a BPF pointer is 8 bytes
            case BtfType.Float f -> new TypeRef(switch ((int) f.size()) {
                case 4 -> "float";
                case 8 -> "double";
                case 16 -> "long double";
                default -> throw new GenerationException("float of " + f.size() + " bytes");
            }, "");
            case BtfType.Enum e -> new TypeRef(intType(e.size(), e.signed()), "");
            case BtfType.Enum64 e -> new TypeRef(intType(e.size(), e.signed()), "");
            case BtfType.Array a -> {
                TypeRef element = ref(a.elementTypeId(), indent);
                yield new TypeRef(element.base(), "[" + a.elementCount() + "]" + element.suffix());
            }
            case BtfType.Typedef t -> {
                int target = skipModifiers(t.typeId());
                BtfType tt = btf.type(target);
                // a typedef of an anonymous struct is written inline: typedef names such as
                // sigset_t or atomic_t would clash with the guest's libc
                yield ref(target, indent);
            }
            case BtfType.Composite c when c.name().isEmpty() -> {
                StringBuilder text = new StringBuilder(c instanceof BtfType.Struct ? "struct " : "union ");
                body(c, indent, text);
                yield new TypeRef(text.toString(), "");
            }
            case BtfType.Composite c when RESERVED.contains(c.name()) ->
                    new TypeRef("uint8_t", "[" + c.size() + "] /* " + c.name() + " */");
            case BtfType.Composite c -> {
                require(current);
                yield new TypeRef((c instanceof BtfType.Struct ? "struct " : "union ") + c.name(), "");
            }
            case BtfType.Void _ -> throw new GenerationException("a value of type void");
            default -> throw new GenerationException("type [" + current + "] (" + type.kind()
                    + ") cannot be the type of a value");
        };
    }

    private static String intName(BtfType.Int i) {
        if ((i.encoding() & BtfType.INT_BOOL) != 0 && i.size() == 1) {
            return "_Bool";
        }
        if ((i.encoding() & BtfType.INT_CHAR) != 0 && i.size() == 1 || i.name().equals("char")) {
            return "char";
        }
        return intType(i.size(), i.isSigned());
    }

    static String intType(long size, boolean signed) {
        String u = signed ? "" : "u";
        return switch ((int) size) {
            case 1 -> u + "int8_t";
            case 2 -> u + "int16_t";
            case 4 -> u + "int32_t";
            case 8 -> u + "int64_t";
            case 16 -> signed ? "__int128" : "unsigned __int128";
            default -> throw new GenerationException("integer of " + size + " bytes");
        };
    }

    private static boolean isEnum(BtfType t) {
        return t instanceof BtfType.Enum || t instanceof BtfType.Enum64;
    }

    private static boolean enumSigned(BtfType t) {
        return t instanceof BtfType.Enum e ? e.signed() : ((BtfType.Enum64) t).signed();
    }

    private int skipModifiers(int id) {
        int current = id;
        for (int steps = 0; steps <= btf.typeCount(); steps++) {
            switch (btf.type(current)) {
                case BtfType.Const t -> current = t.typeId();
                case BtfType.Volatile t -> current = t.typeId();
                case BtfType.Restrict t -> current = t.typeId();
                case BtfType.TypeTag t -> current = t.typeId();
                default -> {
                    return current;
                }
            }
        }
        throw new GenerationException("type [" + id + "]: modifier cycle");
    }

    private static String guard(String keyword, String name) {
        return "WBPF_TYPE_" + keyword + "_" + name;
    }

    private static String describe(BtfType.Composite c) {
        return c.name().isEmpty() ? "(anonymous)" : c.name();
    }
}
