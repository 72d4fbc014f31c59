package dev.wbpf.vm;

import dev.wbpf.core.insn.Instruction;
import dev.wbpf.core.insn.Instructions;
import java.util.ArrayList;
import java.util.List;

/** A tiny test-only assembler: one method per instruction shape, in the order they are called. */
public final class Asm {
    private final List<Instruction> slots = new ArrayList<>();

    public static Asm asm() {
        return new Asm();
    }

    public Asm raw(int opcode, int dst, int src, int off, int imm) {
        slots.add(Instruction.of(opcode, dst, src, off, imm));
        return this;
    }

    public int size() {
        return slots.size();
    }

    public Instructions build() {
        return Instructions.of("test", slots);
    }

    // ALU: op is the operation bits (e.g. 0x00 add, 0xb0 mov)
    public Asm alu64Imm(int op, int dst, int imm) { return raw(0x07 | op, dst, 0, 0, imm); }
    public Asm alu64Reg(int op, int dst, int src) { return raw(0x0f | op, dst, src, 0, 0); }
    public Asm alu32Imm(int op, int dst, int imm) { return raw(0x04 | op, dst, 0, 0, imm); }
    public Asm alu32Reg(int op, int dst, int src) { return raw(0x0c | op, dst, src, 0, 0); }

    public Asm mov64Imm(int dst, int imm) { return alu64Imm(0xb0, dst, imm); }
    public Asm mov64Reg(int dst, int src) { return alu64Reg(0xb0, dst, src); }
    public Asm mov32Imm(int dst, int imm) { return alu32Imm(0xb0, dst, imm); }
    public Asm mov32Reg(int dst, int src) { return alu32Reg(0xb0, dst, src); }
    public Asm add64Imm(int dst, int imm) { return alu64Imm(0x00, dst, imm); }
    public Asm add64Reg(int dst, int src) { return alu64Reg(0x00, dst, src); }
    public Asm movsx64(int dst, int src, int bits) { return raw(0xbf, dst, src, bits, 0); }
    public Asm movsx32(int dst, int src, int bits) { return raw(0xbc, dst, src, bits, 0); }
    public Asm sdiv64Reg(int dst, int src) { return raw(0x3f, dst, src, 1, 0); }
    public Asm smod64Reg(int dst, int src) { return raw(0x9f, dst, src, 1, 0); }
    public Asm sdiv32Reg(int dst, int src) { return raw(0x3c, dst, src, 1, 0); }
    public Asm smod32Reg(int dst, int src) { return raw(0x9c, dst, src, 1, 0); }
    public Asm le(int dst, int width) { return raw(0xd4, dst, 0, 0, width); }
    public Asm be(int dst, int width) { return raw(0xdc, dst, 0, 0, width); }
    public Asm bswap(int dst, int width) { return raw(0xd7, dst, 0, 0, width); }

    public Asm lddw(int dst, long value) {
        raw(0x18, dst, 0, 0, (int) value);
        return raw(0, 0, 0, 0, (int) (value >>> 32));
    }

    /** LDDW with a pseudo src (1 map fd, 2 map value, 4 function, ...). */
    public Asm lddwPseudo(int dst, int src, int imm, int nextImm) {
        raw(0x18, dst, src, 0, imm);
        return raw(0, 0, 0, 0, nextImm);
    }

    public Asm ldMap(int dst, int mapIndex) { return lddwPseudo(dst, 1, mapIndex, 0); }

    // size: 0x00 W, 0x08 H, 0x10 B, 0x18 DW
    public Asm ldx(int size, int dst, int src, int off) { return raw(0x61 | size, dst, src, off, 0); }
    public Asm ldxw(int dst, int src, int off) { return ldx(0x00, dst, src, off); }
    public Asm ldxh(int dst, int src, int off) { return ldx(0x08, dst, src, off); }
    public Asm ldxb(int dst, int src, int off) { return ldx(0x10, dst, src, off); }
    public Asm ldxdw(int dst, int src, int off) { return ldx(0x18, dst, src, off); }
    public Asm ldsx(int size, int dst, int src, int off) { return raw(0x81 | size, dst, src, off, 0); }
    public Asm st(int size, int dst, int off, int imm) { return raw(0x62 | size, dst, 0, off, imm); }
    public Asm stx(int size, int dst, int src, int off) { return raw(0x63 | size, dst, src, off, 0); }
    public Asm stxw(int dst, int src, int off) { return stx(0x00, dst, src, off); }
    public Asm stxdw(int dst, int src, int off) { return stx(0x18, dst, src, off); }
    public Asm stdw(int dst, int off, int imm) { return st(0x18, dst, off, imm); }
    public Asm atomic64(int dst, int src, int off, int op) { return raw(0xdb, dst, src, off, op); }
    public Asm atomic32(int dst, int src, int off, int op) { return raw(0xc3, dst, src, off, op); }

    public Asm ldAbs(int size, int imm) { return raw(0x20 | size, 0, 0, 0, imm); }
    public Asm ldInd(int size, int src, int imm) { return raw(0x40 | size, 0, src, 0, imm); }

    // jumps: op is the operation bits (0x10 jeq, ...)
    public Asm ja(int off) { return raw(0x05, 0, 0, off, 0); }
    public Asm gotol(int imm) { return raw(0x06, 0, 0, 0, imm); }
    public Asm jmpImm(int op, int dst, int imm, int off) { return raw(0x05 | op, dst, 0, off, imm); }
    public Asm jmpReg(int op, int dst, int src, int off) { return raw(0x0d | op, dst, src, off, 0); }
    public Asm jmp32Imm(int op, int dst, int imm, int off) { return raw(0x06 | op, dst, 0, off, imm); }
    public Asm jmp32Reg(int op, int dst, int src, int off) { return raw(0x0e | op, dst, src, off, 0); }
    public Asm call(int helper) { return raw(0x85, 0, 0, 0, helper); }
    public Asm callLocal(int relative) { return raw(0x85, 0, 1, 0, relative); }
    public Asm callx(int reg) { return raw(0x8d, reg, 0, 0, 0); }
    public Asm exit() { return raw(0x95, 0, 0, 0, 0); }
}
