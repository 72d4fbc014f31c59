package dev.wbpf.core.insn;

/**
 * The two-slot LD|IMM|DW instruction seen as one unit.
 *
 * @param slot     index of the first slot in its program
 * @param dst      destination register
 * @param src      raw src register, see {@link #kind()}
 * @param imm      imm of the first slot (low half; the map fd/index/BTF id of pseudo forms)
 * @param nextImm  imm of the second slot (high half; the value offset of MAP_VALUE forms)
 */
public record Imm64Load(int slot, int dst, int src, int imm, int nextImm) {

    /** Combines the two slots of an LD|IMM|DW starting at {@code slot}. */
    public static Imm64Load of(int slot, Instruction first, Instruction second) {
        return new Imm64Load(slot, first.dst(), first.src(), first.imm(), second.imm());
    }

    /** Both halves as one 64-bit value: the constant loaded when {@link #kind()} is IMM64. */
    public long imm64() {
        return (imm & 0xffff_ffffL) | (long) nextImm << 32;
    }

    /** The pseudo form, or {@code null} for src values RFC 9669 does not define. */
    public Imm64Kind kind() {
        return Imm64Kind.ofSrc(src);
    }
}
