package dev.wbpf.vm.verifier;

import dev.wbpf.core.insn.Instruction;
import dev.wbpf.core.insn.Instructions;
import java.util.ArrayList;
import java.util.List;

/** A tiny test-only assembler: one method per instruction shape, in the order they are called. */
final class TestAsm {
    private final List<Instruction> slots = new ArrayList<>();

    static TestAsm asm() {
        return new TestAsm();
    }

    TestAsm raw(int opcode, int dst, int src, int off, int imm) {
        slots.add(Instruction.of(opcode, dst, src, off, imm));
        return this;
    }

    int size() {
        return slots.size();
    }

    Instructions build() {
        return Instructions.of("test", slots);
    }

    // ALU: op is the operation bits (e.g. 0x00 add, 0xb0 mov)
    TestAsm alu64Imm(int op, int dst, int imm) { return raw(0x07 | op, dst, 0, 0, imm); }
    TestAsm alu64Reg(int op, int dst, int src) { return raw(0x0f | op, dst, src, 0, 0); }
    TestAsm alu32Imm(int op, int dst, int imm) { return raw(0x04 | op, dst, 0, 0, imm); }
    TestAsm alu32Reg(int op, int dst, int src) { return raw(0x0c | op, dst, src, 0, 0); }

    TestAsm mov64Imm(int dst, int imm) { return alu64Imm(0xb0, dst, imm); }
    TestAsm mov64Reg(int dst, int src) { return alu64Reg(0xb0, dst, src); }
    TestAsm mov32Imm(int dst, int imm) { return alu32Imm(0xb0, dst, imm); }
    TestAsm mov32Reg(int dst, int src) { return alu32Reg(0xb0, dst, src); }
    TestAsm add64Imm(int dst, int imm) { return alu64Imm(0x00, dst, imm); }
    TestAsm add64Reg(int dst, int src) { return alu64Reg(0x00, dst, src); }
    TestAsm movsx64(int dst, int src, int bits) { return raw(0xbf, dst, src, bits, 0); }
    TestAsm movsx32(int dst, int src, int bits) { return raw(0xbc, dst, src, bits, 0); }
    TestAsm sdiv64Reg(int dst, int src) { return raw(0x3f, dst, src, 1, 0); }
    TestAsm smod64Reg(int dst, int src) { return raw(0x9f, dst, src, 1, 0); }
    TestAsm sdiv32Reg(int dst, int src) { return raw(0x3c, dst, src, 1, 0); }
    TestAsm smod32Reg(int dst, int src) { return raw(0x9c, dst, src, 1, 0); }
    TestAsm le(int dst, int width) { return raw(0xd4, dst, 0, 0, width); }
    TestAsm be(int dst, int width) { return raw(0xdc, dst, 0, 0, width); }
    TestAsm bswap(int dst, int width) { return raw(0xd7, dst, 0, 0, width); }

    TestAsm lddw(int dst, long value) {
        raw(0x18, dst, 0, 0, (int) value);
        return raw(0, 0, 0, 0, (int) (value >>> 32));
    }

    /** LDDW with a pseudo src (1 map fd, 2 map value, 4 function, ...). */
    TestAsm lddwPseudo(int dst, int src, int imm, int nextImm) {
        raw(0x18, dst, src, 0, imm);
        return raw(0, 0, 0, 0, nextImm);
    }

    TestAsm ldMap(int dst, int mapIndex) { return lddwPseudo(dst, 1, mapIndex, 0); }

    // size: 0x00 W, 0x08 H, 0x10 B, 0x18 DW
    TestAsm ldx(int size, int dst, int src, int off) { return raw(0x61 | size, dst, src, off, 0); }
    TestAsm ldxw(int dst, int src, int off) { return ldx(0x00, dst, src, off); }
    TestAsm ldxh(int dst, int src, int off) { return ldx(0x08, dst, src, off); }
    TestAsm ldxb(int dst, int src, int off) { return ldx(0x10, dst, src, off); }
    TestAsm ldxdw(int dst, int src, int off) { return ldx(0x18, dst, src, off); }
    TestAsm ldsx(int size, int dst, int src, int off) { return raw(0x81 | size, dst, src, off, 0); }
    TestAsm st(int size, int dst, int off, int imm) { return raw(0x62 | size, dst, 0, off, imm); }
    TestAsm stx(int size, int dst, int src, int off) { return raw(0x63 | size, dst, src, off, 0); }
    TestAsm stxw(int dst, int src, int off) { return stx(0x00, dst, src, off); }
    TestAsm stxdw(int dst, int src, int off) { return stx(0x18, dst, src, off); }
    TestAsm stdw(int dst, int off, int imm) { return st(0x18, dst, off, imm); }
    TestAsm atomic64(int dst, int src, int off, int op) { return raw(0xdb, dst, src, off, op); }
    TestAsm atomic32(int dst, int src, int off, int op) { return raw(0xc3, dst, src, off, op); }

    TestAsm ldAbs(int size, int imm) { return raw(0x20 | size, 0, 0, 0, imm); }
    TestAsm ldInd(int size, int src, int imm) { return raw(0x40 | size, 0, src, 0, imm); }

    // jumps: op is the operation bits (0x10 jeq, ...)
    TestAsm ja(int off) { return raw(0x05, 0, 0, off, 0); }
    TestAsm gotol(int imm) { return raw(0x06, 0, 0, 0, imm); }
    TestAsm jmpImm(int op, int dst, int imm, int off) { return raw(0x05 | op, dst, 0, off, imm); }
    TestAsm jmpReg(int op, int dst, int src, int off) { return raw(0x0d | op, dst, src, off, 0); }
    TestAsm jmp32Imm(int op, int dst, int imm, int off) { return raw(0x06 | op, dst, 0, off, imm); }
    TestAsm jmp32Reg(int op, int dst, int src, int off) { return raw(0x0e | op, dst, src, off, 0); }
    TestAsm call(int helper) { return raw(0x85, 0, 0, 0, helper); }
    TestAsm callLocal(int relative) { return raw(0x85, 0, 1, 0, relative); }
    TestAsm callx(int reg) { return raw(0x8d, reg, 0, 0, 0); }
    TestAsm exit() { return raw(0x95, 0, 0, 0, 0); }
}
