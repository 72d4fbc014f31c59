package dev.wbpf.core.btf;

/**
 * What a CO-RE relocation asks about the target kernel's types ({@code enum bpf_core_relo_kind});
 * the numbers are the ones stored in {@code .BTF.ext}.
 */
public enum CoreRelocationKind {
    FIELD_BYTE_OFFSET(0),
    FIELD_BYTE_SIZE(1),
    FIELD_EXISTS(2),
    FIELD_SIGNED(3),
    FIELD_LSHIFT_U64(4),
    FIELD_RSHIFT_U64(5),
    TYPE_ID_LOCAL(6),
    TYPE_ID_TARGET(7),
    TYPE_EXISTS(8),
    TYPE_SIZE(9),
    ENUMVAL_EXISTS(10),
    ENUMVAL_VALUE(11),
    TYPE_MATCHES(12);

    private static final CoreRelocationKind[] BY_CODE = values();

    private final int code;

    CoreRelocationKind(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The kind with this code, or null if the code is unknown. */
    static CoreRelocationKind ofCode(long code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[(int) code] : null;
    }

    /** Relocations about a struct/union member, reached by the access string. */
    public boolean isFieldBased() {
        return code <= FIELD_RSHIFT_U64.code;
    }

    /** Relocations about a whole type. */
    public boolean isTypeBased() {
        return this == TYPE_ID_LOCAL || this == TYPE_ID_TARGET || this == TYPE_EXISTS || this == TYPE_SIZE || this == TYPE_MATCHES;
    }

    /** Relocations about one enumerator. */
    public boolean isEnumValueBased() {
        return this == ENUMVAL_EXISTS || this == ENUMVAL_VALUE;
    }
}
