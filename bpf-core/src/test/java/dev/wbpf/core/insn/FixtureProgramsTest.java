package dev.wbpf.core.insn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.wbpf.core.elf.ElfFile;
import dev.wbpf.core.elf.ElfSection;
import dev.wbpf.core.testing.Fixtures;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Everything clang emits must decode, re-encode to the same bytes and pass validation. */
class FixtureProgramsTest {

    @ParameterizedTest
    @MethodSource("dev.wbpf.core.elf.ReadelfComparisonTest#fixtures")
    void programSectionsDecodeAndValidate(String name) {
        ElfFile elf = ElfFile.parse(name, Fixtures.read(Fixtures.bpfDir().resolve("out/" + name + ".bpf.o")));
        for (ElfSection section : elf.sections()) {
            if (section.isExecutable()) {
                Instructions program = Instructions.decode(section.data());
                program.validate();
                assertArrayEquals(section.bytes(), program.encode(), section.name());
            }
        }
    }
}
