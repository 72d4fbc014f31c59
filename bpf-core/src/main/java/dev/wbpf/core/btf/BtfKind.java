package dev.wbpf.core.btf;

/**
 * The BTF type kinds, numbered as in the kernel's {@code linux/btf.h}. The constant names are the
 * spellings bpftool prints, so {@link #name()} is the dump label.
 */
public enum BtfKind {
    VOID(0),
    INT(1),
    PTR(2),
    ARRAY(3),
    STRUCT(4),
    UNION(5),
    ENUM(6),
    FWD(7),
    TYPEDEF(8),
    VOLATILE(9),
    CONST(10),
    RESTRICT(11),
    FUNC(12),
    FUNC_PROTO(13),
    VAR(14),
    DATASEC(15),
    FLOAT(16),
    DECL_TAG(17),
    TYPE_TAG(18),
    ENUM64(19);

    private static final BtfKind[] BY_CODE = values();

    private final int code;

    BtfKind(int code) {
        this.code = code;
    }

    /** The number stored in bits 24..28 of a type's info word. */
    public int code() {
        return code;
    }

    /** The kind for an info-word code, or null if the code is unknown (0 is never valid in a file). */
    static BtfKind ofCode(int code) {
        return code > 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
