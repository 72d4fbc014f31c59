package dev.wbpf.core.insn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.wbpf.core.elf.ElfFile;
import dev.wbpf.core.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Whole {@code llvm-objdump -d} listings, compared byte for byte. */
class ObjdumpGoldenTest {

    static Stream<Arguments> ownObjects() {
        List<Arguments> cases = new ArrayList<>();
        for (String name : List.of("sweep", "probes", "layout-sections", "layout-aliases", "layout-data")) {
            cases.add(Arguments.of(name, ObjdumpDialect.LLVM_16, "llvm16"));
            cases.add(Arguments.of(name, ObjdumpDialect.LLVM_16_ALU32, "llvm16-alu32"));
            cases.add(Arguments.of(name, ObjdumpDialect.LLVM_19, "llvm19"));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("ownObjects")
    void ownObjectsMatch(String name, ObjdumpDialect dialect, String suffix) {
        ElfFile elf = ElfFile.parse(name + ".o", Fixtures.resource(getClass(), name + ".o"));
        String expected = text(Fixtures.resource(getClass(), name + "." + suffix + ".txt"));
        assertEquals(expected, new ObjdumpListing(dialect).render(name + ".o", elf));
    }

    @ParameterizedTest
    @MethodSource("dev.wbpf.core.elf.ReadelfComparisonTest#fixtures")
    void fixturesMatch(String name) {
        Path dir = Fixtures.bpfDir();
        ElfFile elf = ElfFile.parse(name, Fixtures.read(dir.resolve("out/" + name + ".bpf.o")));
        String expected = text(Fixtures.read(dir.resolve("golden/" + name + ".objdump.txt")));
        String actual = new ObjdumpListing(dialectOf(name)).render("out/" + name + ".bpf.o", elf);
        // The file-name line depends on how the golden was produced; everything after it must match.
        assertEquals(withoutFileLine(expected), withoutFileLine(actual));
    }

    /** Mirrors testdata/bpf/build.sh: cpuv4 is disassembled by LLVM 19, atomics with +alu32. */
    private static ObjdumpDialect dialectOf(String name) {
        return switch (name) {
            case "cpuv4" -> ObjdumpDialect.LLVM_19;
            case "atomics" -> ObjdumpDialect.LLVM_16_ALU32;
            default -> ObjdumpDialect.LLVM_16;
        };
    }

    private static String withoutFileLine(String listing) {
        return listing.replaceFirst("(?m)^.*:\tfile format elf64-bpf\n", "");
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
