package dev.wbpf.kernel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Hand-encoded BPF instructions for tests (struct bpf_insn: code, dst|src<<4, s16 off, s32 imm). */
public final class TestPrograms {
    private TestPrograms() {}

    /** r0 = imm; exit */
    public static byte[] returnImmediate(int value) {
        return encode(movImm(0, value), exit());
    }

    /** r0 = r2; exit — rejected by the verifier because r2 is never written ("R2 !read_ok"). */
    public static byte[] readUninitialisedR2() {
        return encode(movReg(0, 2), exit());
    }

    public static long[] movImm(int dst, int imm) {
        return new long[] {0xb7, dst, 0, imm}; // BPF_ALU64 | BPF_MOV | BPF_K
    }

    public static long[] movReg(int dst, int src) {
        return new long[] {0xbf, dst | (src << 4), 0, 0}; // BPF_ALU64 | BPF_MOV | BPF_X
    }

    public static long[] exit() {
        return new long[] {0x95, 0, 0, 0}; // BPF_JMP | BPF_EXIT
    }

    public static byte[] encode(long[]... instructions) {
        ByteBuffer out = ByteBuffer.allocate(instructions.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long[] insn : instructions) {
            out.put((byte) insn[0]).put((byte) insn[1]).putShort((short) insn[2]).putInt((int) insn[3]);
        }
        return out.array();
    }
}
