package dev.wbpf.core.insn;

/**
 * Which {@code llvm-objdump -d} the {@link Disassembler} imitates. The LLVM versions disagree on
 * more than spelling: each decodes a different set of encodings (LLVM 16 knows no JSET, BPF_ST,
 * sign-extending or v4 instructions and ignores the offset of ALU instructions; LLVM 19 decodes
 * the v4 ISA and insists on the offset values that select it).
 */
public enum ObjdumpDialect {
    /** {@code llvm-objdump-16 -d}: the default generic CPU, 64-bit register names everywhere. */
    LLVM_16,
    /**
     * {@code llvm-objdump-16 -d --mattr=+alu32}: like LLVM_16, but sub-64-bit loads and stores
     * and the 32-bit atomics are shown with w registers, and the 32-bit atomic and/or/xor/fetch
     * forms decode at all.
     */
    LLVM_16_ALU32,
    /** {@code llvm-objdump-19 -d}: the v4 ISA (sdiv/smod, movsx, ldsx, bswap, gotol, BPF_ST, may_goto). */
    LLVM_19
}
