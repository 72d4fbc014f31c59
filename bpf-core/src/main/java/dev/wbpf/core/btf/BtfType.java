package dev.wbpf.core.btf;

import java.util.List;

/**
 * One BTF type, one record per kind. Records hold type ids (not object references) exactly as the
 * file does, because BTF graphs are cyclic (a struct points to itself through a pointer) and
 * because the loader later rewrites ids when it sanitises or merges BTF. Names are decoded
 * strings; the empty string means anonymous.
 */
public sealed interface BtfType {

    String name();

    BtfKind kind();

    /** Type id 0: void. Never stored in a file, always present in a {@link Btf}. */
    record Void() implements BtfType {
        public static final Void INSTANCE = new Void();

        @Override
        public String name() {
            return "";
        }

        @Override
        public BtfKind kind() {
            return BtfKind.VOID;
        }
    }

    /** INT encoding bits, as in {@code BTF_INT_SIGNED/CHAR/BOOL}; 0 means unsigned and plain. */
    int INT_SIGNED = 1;
    int INT_CHAR = 2;
    int INT_BOOL = 4;

    /**
     * An integer of {@code size} bytes whose value occupies {@code bits} bits starting at
     * {@code bitOffset}; {@code encoding} is a combination of {@link #INT_SIGNED}, {@link #INT_CHAR},
     * {@link #INT_BOOL}.
     */
    record Int(String name, long size, int encoding, int bitOffset, int bits) implements BtfType {
        public BtfKind kind() {
            return BtfKind.INT;
        }

        public boolean isSigned() {
            return (encoding & INT_SIGNED) != 0;
        }
    }

    record Ptr(String name, int typeId) implements BtfType {
        public BtfKind kind() {
            return BtfKind.PTR;
        }
    }

    record Array(String name, int elementTypeId, int indexTypeId, long elementCount) implements BtfType {
        public BtfKind kind() {
            return BtfKind.ARRAY;
        }
    }

    /**
     * A struct or union member. {@code bitOffset} is from the start of the enclosing type;
     * {@code bitfieldSize} is 0 for a member that is not a bitfield.
     */
    record Member(String name, int typeId, long bitOffset, int bitfieldSize) {
        /** The byte holding the member's first bit. */
        public long byteOffset() {
            return bitOffset / 8;
        }

        public boolean isBitfield() {
            return bitfieldSize != 0;
        }
    }

    /** STRUCT or UNION: both lay out members the same way. */
    sealed interface Composite extends BtfType permits Struct, Union {
        long size();

        List<Member> members();

        /**
         * Whether the file used the kind_flag member encoding (bitfield size in the top 8 bits of the
         * offset). Kept so re-encoding reproduces the input; any bitfield member requires it.
         */
        boolean bitfieldEncoding();
    }

    record Struct(String name, long size, List<Member> members, boolean bitfieldEncoding) implements Composite {
        public Struct {
            members = List.copyOf(members);
        }

        public BtfKind kind() {
            return BtfKind.STRUCT;
        }
    }

    record Union(String name, long size, List<Member> members, boolean bitfieldEncoding) implements Composite {
        public Union {
            members = List.copyOf(members);
        }

        public BtfKind kind() {
            return BtfKind.UNION;
        }
    }

    /** An enumerator. For a 32-bit unsigned ENUM the value is zero-extended, for a signed one sign-extended. */
    record Enumerator(String name, long value) {}

    /** ENUM: enumerators fit in 32 bits; {@code signed} comes from the kind_flag. */
    record Enum(String name, long size, boolean signed, List<Enumerator> values) implements BtfType {
        public Enum {
            values = List.copyOf(values);
        }

        public BtfKind kind() {
            return BtfKind.ENUM;
        }
    }

    /** ENUM64: 64-bit enumerators; {@code signed} comes from the kind_flag. */
    record Enum64(String name, long size, boolean signed, List<Enumerator> values) implements BtfType {
        public Enum64 {
            values = List.copyOf(values);
        }

        public BtfKind kind() {
            return BtfKind.ENUM64;
        }
    }

    /** A forward declaration of a struct, or of a union when {@code union} is true. */
    record Fwd(String name, boolean union) implements BtfType {
        public BtfKind kind() {
            return BtfKind.FWD;
        }
    }

    record Typedef(String name, int typeId) implements BtfType {
        public BtfKind kind() {
            return BtfKind.TYPEDEF;
        }
    }

    record Volatile(String name, int typeId) implements BtfType {
        public BtfKind kind() {
            return BtfKind.VOLATILE;
        }
    }

    record Const(String name, int typeId) implements BtfType {
        public BtfKind kind() {
            return BtfKind.CONST;
        }
    }

    record Restrict(String name, int typeId) implements BtfType {
        public BtfKind kind() {
            return BtfKind.RESTRICT;
        }
    }

    /** Linkage of a FUNC or VAR; both use 0, 1, 2 for these three. */
    enum Linkage {
        STATIC,
        GLOBAL,
        EXTERN;

        /** The word bpftool prints. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** A function; {@code protoTypeId} names its FUNC_PROTO. */
    record Func(String name, int protoTypeId, Linkage linkage) implements BtfType {
        public BtfKind kind() {
            return BtfKind.FUNC;
        }
    }

    /** A parameter; type id 0 with an empty name as the last parameter means "...". */
    record Param(String name, int typeId) {}

    record FuncProto(String name, int returnTypeId, List<Param> params) implements BtfType {
        public FuncProto {
            params = List.copyOf(params);
        }

        public BtfKind kind() {
            return BtfKind.FUNC_PROTO;
        }
    }

    record Var(String name, int typeId, Linkage linkage) implements BtfType {
        public BtfKind kind() {
            return BtfKind.VAR;
        }
    }

    /** Where one VAR (or extern FUNC) sits inside a DATASEC. */
    record VarSecInfo(int typeId, long offset, long size) {}

    record DataSec(String name, long size, List<VarSecInfo> vars) implements BtfType {
        public DataSec {
            vars = List.copyOf(vars);
        }

        public BtfKind kind() {
            return BtfKind.DATASEC;
        }
    }

    record Float(String name, long size) implements BtfType {
        public BtfKind kind() {
            return BtfKind.FLOAT;
        }
    }

    /**
     * A tag on a declaration: the type itself when {@code componentIndex} is -1, else the
     * member (STRUCT/UNION) or parameter (FUNC) with that index. {@code attribute} is the
     * kind_flag newer compilers set for tags that are plain C attributes.
     */
    record DeclTag(String name, int typeId, int componentIndex, boolean attribute) implements BtfType {
        public BtfKind kind() {
            return BtfKind.DECL_TAG;
        }
    }

    /** A tag on a type, such as {@code __user} on a pointee; {@code attribute} as in {@link DeclTag}. */
    record TypeTag(String name, int typeId, boolean attribute) implements BtfType {
        public BtfKind kind() {
            return BtfKind.TYPE_TAG;
        }
    }
}
