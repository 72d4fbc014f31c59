package dev.wbpf.core.insn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The opcode table of RFC 9669 (appendix A), plus CALLX and may_goto, checked entry by entry. */
class OpcodeTableTest {

    /** Every opcode RFC 9669 defines, with the field values that make each entry valid. */
    @ParameterizedTest(name = "0x{0} {1}")
    @CsvSource(delimiter = '|', textBlock = """
            04 | add32 imm       | 0 | 0
            0c | add32 reg       | 0 | 0
            14 | sub32 imm       | 0 | 0
            1c | sub32 reg       | 0 | 0
            24 | mul32 imm       | 0 | 0
            2c | mul32 reg       | 0 | 0
            34 | div32 imm       | 0 | 0
            34 | sdiv32 imm      | 1 | 0
            3c | div32 reg       | 0 | 0
            3c | sdiv32 reg      | 1 | 0
            44 | or32 imm        | 0 | 0
            4c | or32 reg        | 0 | 0
            54 | and32 imm       | 0 | 0
            5c | and32 reg       | 0 | 0
            64 | lsh32 imm       | 0 | 0
            6c | lsh32 reg       | 0 | 0
            74 | rsh32 imm       | 0 | 0
            7c | rsh32 reg       | 0 | 0
            84 | neg32           | 0 | 0
            94 | mod32 imm       | 0 | 0
            94 | smod32 imm      | 1 | 0
            9c | mod32 reg       | 0 | 0
            9c | smod32 reg      | 1 | 0
            a4 | xor32 imm       | 0 | 0
            ac | xor32 reg       | 0 | 0
            b4 | mov32 imm       | 0 | 0
            bc | mov32 reg       | 0 | 0
            bc | movsx8 32       | 8 | 0
            bc | movsx16 32      | 16 | 0
            c4 | arsh32 imm      | 0 | 0
            cc | arsh32 reg      | 0 | 0
            d4 | le16            | 0 | 16
            d4 | le32            | 0 | 32
            d4 | le64            | 0 | 64
            dc | be16            | 0 | 16
            dc | be32            | 0 | 32
            dc | be64            | 0 | 64
            07 | add imm         | 0 | 0
            0f | add reg         | 0 | 0
            17 | sub imm         | 0 | 0
            1f | sub reg         | 0 | 0
            27 | mul imm         | 0 | 0
            2f | mul reg         | 0 | 0
            37 | div imm         | 0 | 0
            37 | sdiv imm        | 1 | 0
            3f | div reg         | 0 | 0
            3f | sdiv reg        | 1 | 0
            47 | or imm          | 0 | 0
            4f | or reg          | 0 | 0
            57 | and imm         | 0 | 0
            5f | and reg         | 0 | 0
            67 | lsh imm         | 0 | 0
            6f | lsh reg         | 0 | 0
            77 | rsh imm         | 0 | 0
            7f | rsh reg         | 0 | 0
            87 | neg             | 0 | 0
            97 | mod imm         | 0 | 0
            97 | smod imm        | 1 | 0
            9f | mod reg         | 0 | 0
            9f | smod reg        | 1 | 0
            a7 | xor imm         | 0 | 0
            af | xor reg         | 0 | 0
            b7 | mov imm         | 0 | 0
            bf | mov reg         | 0 | 0
            bf | movsx8          | 8 | 0
            bf | movsx16         | 16 | 0
            bf | movsx32         | 32 | 0
            c7 | arsh imm        | 0 | 0
            cf | arsh reg        | 0 | 0
            d7 | bswap16         | 0 | 16
            d7 | bswap32         | 0 | 32
            d7 | bswap64         | 0 | 64
            05 | ja              | 0 | 0
            15 | jeq imm         | 0 | 0
            1d | jeq reg         | 0 | 0
            25 | jgt imm         | 0 | 0
            2d | jgt reg         | 0 | 0
            35 | jge imm         | 0 | 0
            3d | jge reg         | 0 | 0
            45 | jset imm        | 0 | 0
            4d | jset reg        | 0 | 0
            55 | jne imm         | 0 | 0
            5d | jne reg         | 0 | 0
            65 | jsgt imm        | 0 | 0
            6d | jsgt reg        | 0 | 0
            75 | jsge imm        | 0 | 0
            7d | jsge reg        | 0 | 0
            85 | call            | 0 | 1
            8d | callx           | 0 | 0
            95 | exit            | 0 | 0
            e5 | may_goto (ext.) | 0 | 0
            a5 | jlt imm         | 0 | 0
            ad | jlt reg         | 0 | 0
            b5 | jle imm         | 0 | 0
            bd | jle reg         | 0 | 0
            c5 | jslt imm        | 0 | 0
            cd | jslt reg        | 0 | 0
            d5 | jsle imm        | 0 | 0
            dd | jsle reg        | 0 | 0
            06 | gotol           | 0 | 0
            16 | jeq32 imm       | 0 | 0
            1e | jeq32 reg       | 0 | 0
            26 | jgt32 imm       | 0 | 0
            2e | jgt32 reg       | 0 | 0
            36 | jge32 imm       | 0 | 0
            3e | jge32 reg       | 0 | 0
            46 | jset32 imm      | 0 | 0
            4e | jset32 reg      | 0 | 0
            56 | jne32 imm       | 0 | 0
            5e | jne32 reg       | 0 | 0
            66 | jsgt32 imm      | 0 | 0
            6e | jsgt32 reg      | 0 | 0
            76 | jsge32 imm      | 0 | 0
            7e | jsge32 reg      | 0 | 0
            a6 | jlt32 imm       | 0 | 0
            ae | jlt32 reg       | 0 | 0
            b6 | jle32 imm       | 0 | 0
            be | jle32 reg       | 0 | 0
            c6 | jslt32 imm      | 0 | 0
            ce | jslt32 reg      | 0 | 0
            d6 | jsle32 imm      | 0 | 0
            de | jsle32 reg      | 0 | 0
            18 | lddw            | 0 | 0
            20 | ldabsw          | 0 | 0
            28 | ldabsh          | 0 | 0
            30 | ldabsb          | 0 | 0
            40 | ldindw          | 0 | 0
            48 | ldindh          | 0 | 0
            50 | ldindb          | 0 | 0
            61 | ldxw            | 0 | 0
            69 | ldxh            | 0 | 0
            71 | ldxb            | 0 | 0
            79 | ldxdw           | 0 | 0
            81 | ldsxw           | 0 | 0
            89 | ldsxh           | 0 | 0
            91 | ldsxb           | 0 | 0
            62 | stw             | 0 | 0
            6a | sth             | 0 | 0
            72 | stb             | 0 | 0
            7a | stdw            | 0 | 0
            63 | stxw            | 0 | 0
            6b | stxh            | 0 | 0
            73 | stxb            | 0 | 0
            7b | stxdw           | 0 | 0
            c3 | atomic32 add    | 0 | 0x00
            c3 | atomic32 fadd   | 0 | 0x01
            c3 | atomic32 or     | 0 | 0x40
            c3 | atomic32 for    | 0 | 0x41
            c3 | atomic32 and    | 0 | 0x50
            c3 | atomic32 fand   | 0 | 0x51
            c3 | atomic32 xor    | 0 | 0xa0
            c3 | atomic32 fxor   | 0 | 0xa1
            c3 | atomic32 xchg   | 0 | 0xe1
            c3 | atomic32 cmpxchg| 0 | 0xf1
            db | atomic64 add    | 0 | 0x00
            db | atomic64 fadd   | 0 | 0x01
            db | atomic64 or     | 0 | 0x40
            db | atomic64 for    | 0 | 0x41
            db | atomic64 and    | 0 | 0x50
            db | atomic64 fand   | 0 | 0x51
            db | atomic64 xor    | 0 | 0xa0
            db | atomic64 fxor   | 0 | 0xa1
            db | atomic64 xchg   | 0 | 0xe1
            db | atomic64 cmpxchg| 0 | 0xf1
            """)
    void definedEntry(String opcode, String name, int offset, String imm) {
        int src = opcode.equals("e5") ? 0 : 2;
        Instruction insn = Instruction.of(Integer.parseInt(opcode, 16), 1, src, offset, Integer.decode(imm.trim()));
        assertNull(OpcodeTable.problem(insn), name);
    }

    /** No opcode outside the table above is accepted, whatever its fields. */
    @Test
    void nothingElseIsDefined() {
        Set<Integer> defined = Set.of(
                0x04, 0x0c, 0x14, 0x1c, 0x24, 0x2c, 0x34, 0x3c, 0x44, 0x4c, 0x54, 0x5c, 0x64, 0x6c, 0x74, 0x7c, 0x84,
                0x94, 0x9c, 0xa4, 0xac, 0xb4, 0xbc, 0xc4, 0xcc, 0xd4, 0xdc,
                0x07, 0x0f, 0x17, 0x1f, 0x27, 0x2f, 0x37, 0x3f, 0x47, 0x4f, 0x57, 0x5f, 0x67, 0x6f, 0x77, 0x7f, 0x87,
                0x97, 0x9f, 0xa7, 0xaf, 0xb7, 0xbf, 0xc7, 0xcf, 0xd7,
                0x05, 0x15, 0x1d, 0x25, 0x2d, 0x35, 0x3d, 0x45, 0x4d, 0x55, 0x5d, 0x65, 0x6d, 0x75, 0x7d, 0x85, 0x8d,
                0x95, 0xa5, 0xad, 0xb5, 0xbd, 0xc5, 0xcd, 0xd5, 0xdd, 0xe5,
                0x06, 0x16, 0x1e, 0x26, 0x2e, 0x36, 0x3e, 0x46, 0x4e, 0x56, 0x5e, 0x66, 0x6e, 0x76, 0x7e, 0xa6, 0xae,
                0xb6, 0xbe, 0xc6, 0xce, 0xd6, 0xde,
                0x18, 0x20, 0x28, 0x30, 0x40, 0x48, 0x50,
                0x61, 0x69, 0x71, 0x79, 0x81, 0x89, 0x91,
                0x62, 0x6a, 0x72, 0x7a,
                0x63, 0x6b, 0x73, 0x7b, 0xc3, 0xdb);
        Set<Integer> accepted = new TreeSet<>();
        int[] offsets = {0, 1, 8, 16, 32};
        int[] imms = {0, 1, 16, 32, 64, 0x41, 0xe1, 0xf1};
        for (int opcode = 0; opcode < 256; opcode++) {
            for (int offset : offsets) {
                for (int imm : imms) {
                    if (OpcodeTable.isDefined(Instruction.of(opcode, 1, 0, offset, imm))
                            || OpcodeTable.isDefined(Instruction.of(opcode, 1, 1, offset, imm))) {
                        accepted.add(opcode);
                    }
                }
            }
        }
        assertEquals(new TreeSet<>(defined), accepted);
    }

    @Test
    void fieldsThatSelectInstructionsAreChecked() {
        assertNotNull(OpcodeTable.problem(Instruction.of(0x3f, 1, 2, 2, 0)), "div offset 2");
        assertNotNull(OpcodeTable.problem(Instruction.of(0xbc, 1, 2, 32, 0)), "movsx32 exists only in ALU64");
        assertNotNull(OpcodeTable.problem(Instruction.of(0xb7, 1, 0, 8, 0)), "movsx needs a register source");
        assertNotNull(OpcodeTable.problem(Instruction.of(0xd4, 1, 0, 0, 8)), "no 8-bit byte swap");
        assertNotNull(OpcodeTable.problem(Instruction.of(0x85, 0, 3, 0, 1)), "call src 3");
        assertNotNull(OpcodeTable.problem(Instruction.of(0x18, 1, 7, 0, 0)), "lddw src 7");
        assertNotNull(OpcodeTable.problem(Instruction.of(0x07, 1, 0, 1, 0)), "add with offset");
    }
}
