package dev.wbpf.core.insn;

/**
 * What the 64-bit immediate of an LD|IMM|DW instruction means, chosen by its src register
 * (RFC 9669 section 5.4). The loader rewrites the pseudo forms into plain values.
 */
public enum Imm64Kind {
    /** src 0: the immediate itself. */
    IMM64(0),
    /** src 1: imm is a map file descriptor; load the map. */
    MAP_FD(Opcodes.PSEUDO_MAP_FD),
    /** src 2: imm is a map fd, next_imm an offset; load the address of the map value. */
    MAP_VALUE(Opcodes.PSEUDO_MAP_VALUE),
    /** src 3: imm is a kernel BTF id of a variable; load its address. */
    BTF_ID(Opcodes.PSEUDO_BTF_ID),
    /** src 4: imm is an instruction offset; load the address of that subprogram. */
    FUNC(Opcodes.PSEUDO_FUNC),
    /** src 5: imm is an index into the program's map table. */
    MAP_IDX(Opcodes.PSEUDO_MAP_IDX),
    /** src 6: like MAP_VALUE, but the map is given by index. */
    MAP_IDX_VALUE(Opcodes.PSEUDO_MAP_IDX_VALUE);

    private final int src;

    Imm64Kind(int src) {
        this.src = src;
    }

    public int src() {
        return src;
    }

    /** The kind for a src register value, or {@code null} if the value has no meaning. */
    public static Imm64Kind ofSrc(int src) {
        Imm64Kind[] all = values();
        return src >= 0 && src < all.length ? all[src] : null;
    }
}
