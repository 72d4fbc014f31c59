package dev.wbpf.core.insn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wbpf.core.BpfFormatException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class InstructionsTest {

    @Test
    void everyOpcodeRoundTripsExactly() {
        Random random = new Random(1);
        List<Instruction> slots = new ArrayList<>();
        for (int opcode = 0; opcode < 256; opcode++) {
            for (int i = 0; i < 16; i++) {
                long raw = (random.nextLong() & ~0xffL) | opcode;
                Instruction insn = Instruction.fromRaw(raw);
                assertEquals(raw, insn.toRaw());
                assertEquals(opcode, insn.opcode());
                slots.add(insn);
            }
        }
        byte[] encoded = Instructions.encode(slots);
        Instructions decoded = Instructions.decode("test", encoded);
        assertEquals(slots, decoded.asList());
        assertArrayEquals(encoded, decoded.encode());
    }

    @Test
    void fieldsAreLaidOutAsInRfc9669() {
        // opcode 0x79 (LDX|MEM|DW), dst r1, src r10, offset -8, imm 0x11223344
        byte[] bytes = {0x79, (byte) 0xa1, (byte) 0xf8, (byte) 0xff, 0x44, 0x33, 0x22, 0x11};
        Instruction insn = Instructions.decode("test", bytes).get(0);
        assertEquals(Instruction.of(0x79, 1, 10, -8, 0x11223344), insn);
        assertEquals(Opcodes.LDX, insn.instructionClass());
        assertEquals(Opcodes.MEM, Opcodes.mode(insn.opcode()));
        assertEquals(8, Opcodes.sizeInBytes(insn.opcode()));
        assertArrayEquals(bytes, Instructions.encode(List.of(insn)));
    }

    @Test
    void imm64LoadSpansTwoSlots() {
        List<Instruction> slots = List.of(
                Instruction.of(Opcodes.LDDW, 1, Opcodes.PSEUDO_MAP_VALUE, 0, 7),
                Instruction.of(0, 0, 0, 0, 0x10),
                Instruction.of(Opcodes.EXIT_OPCODE, 0, 0, 0, 0));
        Instructions program = Instructions.of("test", slots);
        program.validate();
        Imm64Load load = program.imm64Load(0);
        assertEquals(2, program.get(0).slots());
        assertEquals(Imm64Kind.MAP_VALUE, load.kind());
        assertEquals(7, load.imm(), "map fd");
        assertEquals(0x10, load.nextImm(), "offset into the value");
        assertEquals(0x0000_0010_0000_0007L, load.imm64());
        assertEquals(-1L, Imm64Load.of(0, Instruction.of(0x18, 0, 0, 0, -1), Instruction.of(0, 0, 0, 0, -1)).imm64());
        for (Imm64Kind kind : Imm64Kind.values()) {
            assertEquals(kind, Imm64Kind.ofSrc(kind.src()));
        }
        assertNull(Imm64Kind.ofSrc(7));
    }

    @Test
    void rawArrayMatchesSlots() {
        Instructions program = Instructions.of("test", List.of(Instruction.of(0xb7, 0, 0, 0, -1), Instruction.of(0x95, 0, 0, 0, 0)));
        long[] raw = program.toRawArray();
        assertEquals(0xffff_ffff_0000_00b7L, raw[0]);
        assertEquals(0x95L, raw[1]);
    }

    @Test
    void decodeRejectsPartialSlot() {
        BpfFormatException e = assertThrows(BpfFormatException.class, () -> Instructions.decode("prog.o", new byte[12]));
        assertEquals("prog.o: code length 12 is not a multiple of 8", e.getMessage());
    }

    @Test
    void validateNamesTheSlotOfAnUnknownOpcode() {
        Instructions program = Instructions.of("prog.o", List.of(
                Instruction.of(0xb7, 0, 0, 0, 0),
                Instruction.of(0x18, 1, 0, 0, 0),
                Instruction.of(0, 0, 0, 0, 0),
                Instruction.of(0x8f, 1, 2, 0, 0), // NEG with a register source is undefined
                Instruction.of(0x95, 0, 0, 0, 0)));
        BpfFormatException e = assertThrows(BpfFormatException.class, program::validate);
        assertEquals("prog.o: instruction 3: unknown opcode 0x8f", e.getMessage());
    }

    @Test
    void validateChecksStructure() {
        assertValidateFails("instruction 0: 64-bit immediate load is missing its second slot",
                Instruction.of(0x18, 1, 0, 0, 0));
        assertValidateFails("instruction 0: second slot of 64-bit immediate load has nonzero opcode, registers or offset",
                Instruction.of(0x18, 1, 0, 0, 0), Instruction.of(0x95, 0, 0, 0, 0));
        assertValidateFails("instruction 0: destination register r11 does not exist",
                Instruction.of(0xb7, 11, 0, 0, 0), Instruction.of(0x95, 0, 0, 0, 0));
        assertValidateFails("instruction 0: jump target 5 is not an instruction of this 2-slot sequence",
                Instruction.of(0x05, 0, 0, 4, 0), Instruction.of(0x95, 0, 0, 0, 0));
        assertValidateFails("instruction 0: jump target 2 is not an instruction of this 4-slot sequence",
                Instruction.of(0x05, 0, 0, 1, 0), Instruction.of(0x18, 0, 0, 0, 0), Instruction.of(0, 0, 0, 0, 0),
                Instruction.of(0x95, 0, 0, 0, 0));
        assertValidateFails("instruction 0: mov offset 3 is not a sign-extension width",
                Instruction.of(0xbf, 1, 2, 3, 0), Instruction.of(0x95, 0, 0, 0, 0));
        assertValidateFails("instruction 0: atomic operation 0x10",
                Instruction.of(0xdb, 1, 2, 0, 0x10), Instruction.of(0x95, 0, 0, 0, 0));
    }

    private static void assertValidateFails(String problem, Instruction... slots) {
        BpfFormatException e = assertThrows(BpfFormatException.class, () -> Instructions.of("p", List.of(slots)).validate());
        assertEquals(problem, e.problem());
    }

    @Test
    void gotolTargetsAreCheckedWithTheirImmediate() {
        Instructions ok = Instructions.of("p", List.of(Instruction.of(0x06, 0, 0, 0, 1), Instruction.of(0x95, 0, 0, 0, 0),
                Instruction.of(0x95, 0, 0, 0, 0)));
        ok.validate();
        assertTrue(OpcodeTable.isDefined(ok.get(0)));
    }
}
