package dev.wbpf.core.elf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.wbpf.core.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The parsed model must agree with llvm-readelf-16 on every section, symbol and relocation. */
class ReadelfComparisonTest {

    @Test
    void sampleObjectMatchesReadelf() {
        ElfFile elf = ElfFile.parse("sample.bpf.o", Fixtures.resource(getClass(), "sample.bpf.o"));
        compare(elf, new String(Fixtures.resource(getClass(), "sample.readelf.txt"), StandardCharsets.UTF_8));
    }

    static Stream<String> fixtures() {
        return Fixtures.objectNames().stream();
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void fixtureMatchesReadelf(String name) {
        Path dir = Fixtures.bpfDir();
        ElfFile elf = ElfFile.parse(name, Fixtures.read(dir.resolve("out/" + name + ".bpf.o")));
        compare(elf, new String(Fixtures.read(dir.resolve("golden/" + name + ".readelf.txt")), StandardCharsets.UTF_8));
    }

    private static void compare(ElfFile elf, String readelfOutput) {
        ReadelfText expected = ReadelfText.parse(readelfOutput);
        assertFalse(expected.sections().isEmpty(), "no section lines parsed from the readelf text");
        assertEquals(expected.sections().size(), elf.sections().size(), "section count");
        for (ReadelfText.Section want : expected.sections()) {
            ElfSection got = elf.section(want.index());
            String where = "section " + want.index() + " " + want.name();
            assertEquals(want.name(), got.name(), where);
            assertEquals(want.type(), typeName(got.type()), where + " type");
            assertEquals(want.address(), got.address(), where + " address");
            assertEquals(want.offset(), got.offset(), where + " offset");
            assertEquals(want.size(), got.size(), where + " size");
            assertEquals(want.entsize(), got.entsize(), where + " entsize");
            assertEquals(want.flags(), flagLetters(got.flags()), where + " flags");
            assertEquals(want.link(), got.link(), where + " link");
            assertEquals(want.info(), got.info(), where + " info");
            assertEquals(want.align(), got.addralign(), where + " align");
        }

        assertEquals(expected.symbols().size(), elf.symbols().size(), "symbol count");
        for (ReadelfText.Symbol want : expected.symbols()) {
            ElfSymbol got = elf.symbol(want.index());
            String where = "symbol " + want.index() + " " + want.name();
            assertEquals(want.value(), got.value(), where + " value");
            assertEquals(want.size(), got.size(), where + " size");
            assertEquals(want.type(), symbolType(got.type()), where + " type");
            assertEquals(want.bind(), List.of("LOCAL", "GLOBAL", "WEAK").get(got.bind()), where + " bind");
            assertEquals(want.visibility(), List.of("DEFAULT", "INTERNAL", "HIDDEN", "PROTECTED").get(got.visibility()), where + " visibility");
            assertEquals(want.ndx(), ndx(got.sectionIndex()), where + " section index");
            assertEquals(want.name(), displayName(elf, got), where + " name");
        }

        int relocationSections = 0;
        for (ElfSection section : elf.sections()) {
            if (section.type() != ElfSection.SHT_REL && section.type() != ElfSection.SHT_RELA) {
                continue;
            }
            relocationSections++;
            List<ReadelfText.Relocation> want = expected.relocations().get(section.name());
            List<ElfRelocation> got = elf.relocationsFor(elf.section(section.info()));
            assertEquals(want.size(), got.size(), "relocations in " + section.name());
            for (int i = 0; i < want.size(); i++) {
                ElfRelocation r = got.get(i);
                String where = section.name() + " entry " + i;
                assertEquals(want.get(i).offset(), r.offset(), where + " offset");
                assertEquals(want.get(i).info(), ((long) r.symbolIndex() << 32) | r.type(), where + " info");
                assertEquals(want.get(i).symbolName(), displayName(elf, elf.symbol(r.symbolIndex())), where + " symbol");
                assertEquals(0, r.addend(), where + " addend of SHT_REL");
            }
        }
        assertEquals(expected.relocations().size(), relocationSections, "relocation sections");
    }

    /** readelf shows a section symbol by its section's name. */
    private static String displayName(ElfFile elf, ElfSymbol symbol) {
        if (symbol.type() == ElfSymbol.STT_SECTION && symbol.isInSection()) {
            return elf.section(symbol.sectionIndex()).name();
        }
        return symbol.name();
    }

    private static String ndx(int index) {
        return switch (index) {
            case ElfSymbol.SHN_UNDEF -> "UND";
            case ElfSymbol.SHN_ABS -> "ABS";
            case ElfSymbol.SHN_COMMON -> "COM";
            default -> Integer.toString(index);
        };
    }

    private static String symbolType(int type) {
        return switch (type) {
            case ElfSymbol.STT_NOTYPE -> "NOTYPE";
            case ElfSymbol.STT_OBJECT -> "OBJECT";
            case ElfSymbol.STT_FUNC -> "FUNC";
            case ElfSymbol.STT_SECTION -> "SECTION";
            case ElfSymbol.STT_FILE -> "FILE";
            default -> "type" + type;
        };
    }

    private static String typeName(int type) {
        Map<Integer, String> names = Map.of(0, "NULL", 1, "PROGBITS", 2, "SYMTAB", 3, "STRTAB", 4, "RELA",
                8, "NOBITS", 9, "REL", 0x6fff4c03, "LLVM_ADDRSIG");
        return names.getOrDefault(type, "0x" + Integer.toHexString(type));
    }

    private static String flagLetters(long flags) {
        StringBuilder s = new StringBuilder();
        if ((flags & 0x1) != 0) s.append('W');
        if ((flags & 0x2) != 0) s.append('A');
        if ((flags & 0x4) != 0) s.append('X');
        if ((flags & 0x10) != 0) s.append('M');
        if ((flags & 0x20) != 0) s.append('S');
        if ((flags & 0x40) != 0) s.append('I');
        if ((flags & 0x80) != 0) s.append('L');
        if ((flags & 0x80000000L) != 0) s.append('E');
        return s.toString();
    }
}
