package dev.wbpf.core.insn;

/**
 * One 8-byte instruction slot exactly as encoded: {@code opcode:8 dst:4 src:4 offset:16 imm:32},
 * little-endian. All bits are kept, so decoding and re-encoding is lossless even for slots that
 * are not valid instructions (such as the second half of a 64-bit immediate load).
 *
 * @param opcode 0..255
 * @param dst    destination register, 0..15 (the low nibble of byte 1)
 * @param src    source register, 0..15 (the high nibble of byte 1)
 */
public record Instruction(int opcode, int dst, int src, short offset, int imm) {
    public static final int SIZE = 8;

    public Instruction {
        if ((opcode & ~0xff) != 0 || (dst & ~0xf) != 0 || (src & ~0xf) != 0) {
            throw new IllegalArgumentException("opcode/register out of range: opcode=" + opcode + " dst=" + dst + " src=" + src);
        }
    }

    public static Instruction of(int opcode, int dst, int src, int offset, int imm) {
        return new Instruction(opcode, dst, src, (short) offset, imm);
    }

    /** Unpacks a slot read as a little-endian 64-bit word. */
    public static Instruction fromRaw(long raw) {
        return new Instruction((int) raw & 0xff, (int) (raw >>> 8) & 0xf, (int) (raw >>> 12) & 0xf,
                (short) (raw >>> 16), (int) (raw >>> 32));
    }

    /** This slot as the little-endian 64-bit word it is stored as; what an interpreter wants. */
    public long toRaw() {
        return (opcode & 0xffL) | (long) dst << 8 | (long) src << 12 | (offset & 0xffffL) << 16 | (long) imm << 32;
    }

    public int instructionClass() {
        return Opcodes.instructionClass(opcode);
    }

    /** True for LD|IMM|DW, which occupies this slot and the next. */
    public boolean isImm64Load() {
        return opcode == Opcodes.LDDW;
    }

    /** Number of slots the instruction starting here occupies. */
    public int slots() {
        return isImm64Load() ? 2 : 1;
    }

    @Override
    public String toString() {
        return String.format("Instruction[op=0x%02x dst=r%d src=r%d off=%d imm=%d]", opcode, dst, src, offset, imm);
    }
}
