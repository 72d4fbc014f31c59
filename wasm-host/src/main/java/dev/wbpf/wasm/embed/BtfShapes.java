package dev.wbpf.wasm.embed;

import dev.wbpf.core.btf.Btf;
import dev.wbpf.core.btf.BtfType;

/** What codecs need to know of BTF types: their sizes and C names for messages. */
final class BtfShapes {
    private BtfShapes() {
    }

    static void checkSize(Btf btf, int typeId, int codecSize, String what, Codec<?> codec) {
        long size = btf.sizeOf(typeId);
        if (size != codecSize) {
            throw new IllegalArgumentException(what + " is " + cName(btf, typeId) + " (" + size + " bytes), but codec "
                    + codec + " has " + codecSize + " bytes");
        }
    }

    /** The type as C source spells it: {@code __u32}, {@code struct event}, {@code char[16]}. */
    static String cName(Btf btf, int typeId) {
        BtfType type = btf.type(typeId);
        return switch (type) {
            case BtfType.Typedef t -> t.name();
            case BtfType.Const t -> cName(btf, t.typeId());
            case BtfType.Volatile t -> cName(btf, t.typeId());
            case BtfType.Restrict t -> cName(btf, t.typeId());
            case BtfType.TypeTag t -> cName(btf, t.typeId());
            case BtfType.Struct t -> "struct " + t.name();
            case BtfType.Union t -> "union " + t.name();
            case BtfType.Enum t -> "enum " + t.name();
            case BtfType.Enum64 t -> "enum " + t.name();
            case BtfType.Array t -> cName(btf, t.elementTypeId()) + "[" + t.elementCount() + "]";
            case BtfType.Ptr t -> cName(btf, t.typeId()) + " *";
            case BtfType.Void _ -> "void";
            default -> type.name().isEmpty() ? type.kind().toString() : type.name();
        };
    }

    /** The array behind {@code typeId} (through typedefs and modifiers), or null. */
    static BtfType.Array array(Btf btf, int typeId) {
        return btf.type(btf.resolve(typeId)) instanceof BtfType.Array a ? a : null;
    }

    /** Whether {@code typeId} is an integer, enum or pointer (a scalar a Java primitive can hold). */
    static boolean isInteger(Btf btf, int typeId) {
        return switch (btf.type(btf.resolve(typeId))) {
            case BtfType.Int _, BtfType.Enum _, BtfType.Enum64 _, BtfType.Ptr _ -> true;
            default -> false;
        };
    }
}
