package dev.wbpf.core.elf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wbpf.core.BpfFormatException;
import dev.wbpf.core.insn.Instructions;
import dev.wbpf.core.insn.ObjdumpDialect;
import dev.wbpf.core.insn.ObjdumpListing;
import dev.wbpf.core.testing.Fixtures;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ElfFileTest {
    private static final String NAME = "sample.bpf.o";

    private static byte[] sample() {
        return Fixtures.resource(ElfFileTest.class, NAME);
    }

    @Test
    void exposesSectionsSymbolsAndRelocations() {
        ElfFile elf = ElfFile.parse(NAME, sample());

        ElfSection xdp = elf.section("xdp").orElseThrow();
        assertTrue(xdp.isExecutable());
        assertEquals(xdp, elf.section(xdp.index()));
        assertEquals(xdp.size(), xdp.bytes().length);

        ElfSection bss = elf.section(".bss").orElseThrow();
        assertEquals(ElfSection.SHT_NOBITS, bss.type());
        assertEquals(8, bss.size(), "NOBITS keeps its nominal size");
        assertEquals(0, bss.data().length(), "NOBITS has no file data");

        List<String> xdpSymbols = elf.symbolsIn(xdp).stream().map(ElfSymbol::name).toList();
        assertTrue(xdpSymbols.contains("prog1"), xdpSymbols.toString());
        ElfSymbol prog1 = elf.symbolsIn(xdp).stream().filter(s -> s.name().equals("prog1")).findFirst().orElseThrow();
        assertEquals(ElfSymbol.STT_FUNC, prog1.type());
        assertEquals(ElfSymbol.STB_GLOBAL, prog1.bind());
        assertEquals(xdp.size(), prog1.size());

        List<ElfRelocation> relocations = elf.relocationsFor(xdp);
        assertEquals(4, relocations.size());
        assertEquals("my_map", elf.symbol(relocations.getFirst().symbolIndex()).name());
        assertEquals(ElfRelocation.R_BPF_64_64, relocations.getFirst().type());
        assertEquals(ElfRelocation.R_BPF_64_32, relocations.get(2).type(), "the subprogram call");
        assertTrue(elf.relocationsFor(elf.section("license").orElseThrow()).isEmpty());
        assertTrue(elf.section("no such section").isEmpty());
    }

    @Test
    void instructionsOfEveryProgramSectionDecodeAndValidate() {
        ElfFile elf = ElfFile.parse(NAME, sample());
        for (ElfSection section : elf.sections()) {
            if (section.isExecutable()) {
                Instructions program = Instructions.decode(section.data());
                program.validate();
                assertArrayEquals(section.bytes(), program.encode(), section.name());
            }
        }
    }

    @Test
    void rejectsNonElfInput() {
        assertProblem(new byte[0], "not an ELF file (bad magic)");
        assertProblem("hello world, not an object".getBytes(), "not an ELF file (bad magic)");
    }

    @Test
    void rejectsTruncatedHeader() {
        byte[] bytes = java.util.Arrays.copyOf(sample(), 40);
        assertProblem(bytes, "truncated ELF header (40 of 64 bytes)");
    }

    @Test
    void rejects32BitObjects() {
        byte[] bytes = sample();
        bytes[4] = 1; // ELFCLASS32
        assertProblem(bytes, "not a 64-bit ELF file (EI_CLASS 1); BPF objects are ELF64");
    }

    @Test
    void rejectsBigEndianObjectsClearly() {
        byte[] bytes = sample();
        bytes[5] = 2; // ELFDATA2MSB
        BpfFormatException e = assertThrows(BpfFormatException.class, () -> ElfFile.parse(NAME, bytes));
        assertTrue(e.problem().startsWith("big-endian objects are not supported"), e.getMessage());
        assertTrue(e.getMessage().startsWith(NAME + ": "), "message names the file: " + e.getMessage());
    }

    @Test
    void rejectsOtherMachines() {
        byte[] bytes = sample();
        bytes[18] = 62; // EM_X86_64
        bytes[19] = 0;
        assertProblem(bytes, "not a BPF object (machine 62)");
    }

    @Test
    void rejectsNonRelocatableObjects() {
        byte[] bytes = sample();
        bytes[16] = 2; // ET_EXEC
        assertProblem(bytes, "not a relocatable object (e_type 2); BPF objects are compiled with -c");
    }

    @Test
    void rejectsSectionTableOutsideFile() {
        byte[] bytes = sample();
        putLong(bytes, 40, bytes.length - 10L); // e_shoff near the end
        BpfFormatException e = assertThrows(BpfFormatException.class, () -> ElfFile.parse(NAME, bytes));
        assertTrue(e.problem().contains("run past the end"), e.getMessage());
    }

    @Test
    void rejectsSectionContentsOutsideFile() {
        byte[] bytes = sample();
        ElfFile elf = ElfFile.parse(NAME, bytes);
        int xdp = elf.section("xdp").orElseThrow().index();
        long header = readLong(bytes, 40) + 64L * xdp;
        putLong(bytes, (int) header + 32, 1L << 40); // sh_size
        BpfFormatException e = assertThrows(BpfFormatException.class, () -> ElfFile.parse(NAME, bytes));
        assertTrue(e.problem().startsWith("section " + xdp + " (xdp): contents at offset"), e.getMessage());
    }

    @Test
    void rejectsRelocationOfMissingSymbol() {
        byte[] bytes = sample();
        ElfFile elf = ElfFile.parse(NAME, bytes);
        ElfSection rel = elf.sections().stream().filter(s -> s.name().equals(".relxdp")).findFirst().orElseThrow();
        putLong(bytes, (int) rel.offset() + 8, (0xfffffL << 32) | 1); // r_info: symbol 0xfffff, R_BPF_64_64
        BpfFormatException e = assertThrows(BpfFormatException.class, () -> ElfFile.parse(NAME, bytes));
        assertTrue(e.problem().contains("entry 0: symbol 1048575 outside the"), e.getMessage());
    }

    @Test
    void everyTruncationFailsWithFormatException() {
        byte[] bytes = sample();
        for (int length = 0; length < bytes.length; length += 7) {
            byte[] prefix = java.util.Arrays.copyOf(bytes, length);
            assertThrows(BpfFormatException.class, () -> ElfFile.parse(NAME, prefix), "prefix of " + length + " bytes");
        }
    }

    /** Random corruption may be accepted or rejected, but only ever with BpfFormatException. */
    @Test
    void randomCorruptionNeverEscapesAsAnotherException() {
        byte[] original = sample();
        Random random = new Random(9669);
        ObjdumpListing listing = new ObjdumpListing(ObjdumpDialect.LLVM_16);
        int sectionTable = (int) readLong(original, 40);
        for (int round = 0; round < 3000; round++) {
            byte[] bytes = original.clone();
            int edits = 1 + random.nextInt(8);
            for (int i = 0; i < edits; i++) {
                // Bias edits toward the ELF header and the section header table at the end,
                // where corruption reaches the most parser code.
                int at = switch (random.nextInt(3)) {
                    case 0 -> random.nextInt(64);
                    case 1 -> sectionTable + random.nextInt(bytes.length - sectionTable);
                    default -> random.nextInt(bytes.length);
                };
                bytes[at] = (byte) (random.nextInt(3) == 0 ? 0xff : random.nextInt(256));
            }
            try {
                ElfFile elf = ElfFile.parse(NAME, bytes);
                listing.render(NAME, elf);
                for (ElfSection section : elf.sections()) {
                    if (section.isExecutable() && section.size() % 8 == 0) {
                        Instructions.decode(section.data()).encode();
                    }
                }
            } catch (BpfFormatException expected) {
                assertTrue(expected.getMessage().startsWith(NAME + ": "));
            }
        }
    }

    private static void assertProblem(byte[] bytes, String problem) {
        BpfFormatException e = assertThrows(BpfFormatException.class, () -> ElfFile.parse(NAME, bytes));
        assertEquals(problem, e.problem());
        assertEquals(NAME + ": " + problem, e.getMessage());
    }

    private static void putLong(byte[] bytes, int at, long value) {
        for (int i = 0; i < 8; i++) {
            bytes[at + i] = (byte) (value >>> (8 * i));
        }
    }

    private static long readLong(byte[] bytes, int at) {
        long value = 0;
        for (int i = 7; i >= 0; i--) {
            value = value << 8 | (bytes[at + i] & 0xff);
        }
        return value;
    }
}
