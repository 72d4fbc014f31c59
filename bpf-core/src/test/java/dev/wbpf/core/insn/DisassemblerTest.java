package dev.wbpf.core.insn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Single-instruction spellings, each checked against llvm-objdump on a compiled object. */
class DisassemblerTest {
    private static final SymbolLookup LABELS = address -> address == 0x40 ? "LBB0_3" : "f+0x" + Long.toHexString(address);

    @ParameterizedTest(name = "{0}: {6}")
    @CsvSource(delimiter = '|', textBlock = """
            LLVM_16       | 79 | 1 | 10 | -8     | 0          | r1 = *(u64 *)(r10 - 0x8)
            LLVM_16       | 25 | 1 | 0  | 5      | 3          | if r1 > 0x3 goto +0x5 <f+0x30>
            LLVM_16       | 85 | 0 | 0  | 0      | 1          | call 0x1
            LLVM_16       | 85 | 0 | 1  | 0      | -1         | call -0x1
            LLVM_16       | 07 | 2 | 0  | 0      | -4         | r2 += -0x4
            LLVM_16       | b4 | 1 | 0  | 0      | 0x25206968 | w1 = 0x25206968
            LLVM_16       | c6 | 1 | 0  | 1      | -5         | if w1 s< -0x5 goto +0x1 <f+0x10>
            LLVM_16       | 63 | 10 | 7 | -4     | 0          | *(u32 *)(r10 - 0x4) = r7
            LLVM_16       | db | 1 | 2  | 0      | 0          | lock *(u64 *)(r1 + 0x0) += r2
            LLVM_16       | db | 1 | 2  | 0      | 0xf1       | r0 = cmpxchg_64(r1 + 0x0, r0, r2)
            LLVM_16       | db | 1 | 2  | 0      | 0xe1       | r2 = xchg_64(r1 + 0x0, r2)
            LLVM_16       | db | 1 | 3  | 0      | 0xa1       | r3 = atomic_fetch_xor((u64 *)(r1 + 0x0), r3)
            LLVM_16       | dc | 3 | 0  | 0      | 32         | r3 = be32 r3
            LLVM_16       | d4 | 0 | 0  | 0      | 16         | r0 = le16 r0
            LLVM_16       | 87 | 2 | 0  | 0      | 0          | r2 = -r2
            LLVM_16       | 8d | 0 | 0  | 0      | 1          | callx r1
            LLVM_16       | 3f | 1 | 2  | 1      | 0          | r1 /= r2
            LLVM_16       | 4d | 1 | 2  | 0      | 0          | <unknown>
            LLVM_16       | 95 | 0 | 0  | 0      | 0          | exit
            LLVM_16       | 20 | 0 | 0  | 0      | 4          | r0 = *(u32 *)skb[0x4]
            LLVM_16       | 48 | 0 | 3  | 0      | 0          | r0 = *(u16 *)skb[r3]
            LLVM_16       | 05 | 0 | 0  | -0x8000 | 0         | goto -0x8000 <f+0xfffffffffffc0008>
            LLVM_16_ALU32 | 61 | 1 | 2  | 4      | 0          | w1 = *(u32 *)(r2 + 0x4)
            LLVM_16_ALU32 | c3 | 1 | 2  | 0      | 0x01       | w2 = atomic_fetch_add((u32 *)(r1 + 0x0), w2)
            LLVM_16_ALU32 | c3 | 1 | 2  | 0      | 0xf1       | w0 = cmpxchg32_32(r1 + 0x0, w0, w2)
            LLVM_19       | d7 | 1 | 0  | 0      | 16         | r1 = bswap16 r1
            LLVM_19       | bf | 1 | 2  | 8      | 0          | r1 = (s8)r2
            LLVM_19       | bc | 1 | 2  | 16     | 0          | w1 = (s16)w2
            LLVM_19       | 3f | 1 | 5  | 1      | 0          | r1 s/= r5
            LLVM_19       | 94 | 1 | 0  | 1      | 3          | w1 s%= 0x3
            LLVM_19       | 91 | 1 | 2  | 3      | 0          | r1 = *(s8 *)(r2 + 0x3)
            LLVM_19       | 7a | 10 | 0 | -16    | 7          | *(u64 *)(r10 - 0x10) = 0x7
            LLVM_19       | 06 | 0 | 0  | 0      | 7          | gotol +0x7 <LBB0_3>
            LLVM_19       | 8d | 1 | 0  | 0      | 0          | callx r1
            LLVM_19       | 45 | 1 | 0  | 2      | 8          | if r1 & 0x8 goto +0x2 <f+0x18>
            LLVM_19       | 3f | 1 | 2  | 2      | 0          | <unknown>
            """)
    void spelling(ObjdumpDialect dialect, String opcode, int dst, int src, int offset, String imm, String expected) {
        Instruction insn = Instruction.of(Integer.parseInt(opcode, 16), dst, src, offset, Integer.decode(imm.trim()));
        Instructions program = Instructions.of("t", List.of(insn));
        assertEquals(expected, new Disassembler(dialect).format(program, 0, LABELS));
    }

    @Test
    void imm64LoadsShowBothHalves() {
        Instructions program = Instructions.of("t", List.of(
                Instruction.of(0x18, 1, 0, 0, 0), Instruction.of(0, 0, 0, 0, 0),
                Instruction.of(0x18, 11, 0, 0, 0), Instruction.of(0, 0, 0, 0, -1),
                Instruction.of(0x18, 2, 1, 0, 5)));
        Disassembler disassembler = new Disassembler(ObjdumpDialect.LLVM_16);
        assertEquals("r1 = 0x0 ll", disassembler.format(program, 0, SymbolLookup.NONE));
        assertEquals("r11 = -0x100000000 ll", disassembler.format(program, 2, SymbolLookup.NONE));
        assertEquals(Disassembler.UNKNOWN, disassembler.format(program, 4, SymbolLookup.NONE), "second slot missing");
    }

    @Test
    void jumpsWithoutLabelsShowOnlyTheDisplacement() {
        Instructions program = Instructions.of("t", List.of(Instruction.of(0x05, 0, 0, 3, 0)));
        assertEquals("goto +0x3", new Disassembler(ObjdumpDialect.LLVM_16).format(program, 0, SymbolLookup.NONE));
    }
}
