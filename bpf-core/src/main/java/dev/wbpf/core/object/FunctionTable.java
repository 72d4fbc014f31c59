package dev.wbpf.core.object;

import dev.wbpf.core.BpfFormatException;
import dev.wbpf.core.elf.ElfFile;
import dev.wbpf.core.elf.ElfSection;
import dev.wbpf.core.elf.ElfSymbol;
import dev.wbpf.core.insn.Instruction;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** The function symbols of every executable section, checked to lie inside their sections. */
final class FunctionTable {
    private final List<CodeFunction> functions;

    private FunctionTable(List<CodeFunction> functions) {
        this.functions = List.copyOf(functions);
    }

    static FunctionTable of(ElfFile elf) {
        List<CodeFunction> functions = new ArrayList<>();
        for (ElfSection section : elf.sections()) {
            if (!isCode(section)) {
                continue;
            }
            long sectionSlots = section.size() / Instruction.SIZE;
            if (section.size() % Instruction.SIZE != 0) {
                throw new BpfFormatException(elf.source(), "section " + section.name() + " is "
                        + section.size() + " bytes, not a whole number of instructions");
            }
            List<CodeFunction> inSection = new ArrayList<>();
            for (ElfSymbol symbol : elf.symbolsIn(section)) {
                if (symbol.type() != ElfSymbol.STT_FUNC) {
                    continue;
                }
                if (symbol.value() % Instruction.SIZE != 0 || symbol.size() % Instruction.SIZE != 0
                        || symbol.value() < 0 || symbol.size() <= 0
                        || symbol.value() / Instruction.SIZE + symbol.size() / Instruction.SIZE > sectionSlots) {
                    throw new BpfFormatException(elf.source(), "function " + symbol.name() + " (offset "
                            + symbol.value() + ", size " + symbol.size() + ") does not fit section "
                            + section.name() + " of " + section.size() + " bytes");
                }
                inSection.add(new CodeFunction(symbol.name(), section, (int) (symbol.value() / Instruction.SIZE),
                        (int) (symbol.size() / Instruction.SIZE), symbol.bind() != ElfSymbol.STB_LOCAL));
            }
            if (inSection.isEmpty() && section.size() > 0) {
                throw new BpfFormatException(elf.source(), "section " + section.name()
                        + " holds code but no function symbol names it");
            }
            inSection.sort(Comparator.comparingInt(CodeFunction::start));
            for (int i = 1; i < inSection.size(); i++) {
                CodeFunction previous = inSection.get(i - 1);
                if (previous.start() + previous.length() > inSection.get(i).start()) {
                    throw new BpfFormatException(elf.source(), "functions " + previous.name() + " and "
                            + inSection.get(i).name() + " overlap in section " + section.name());
                }
            }
            functions.addAll(inSection);
        }
        return new FunctionTable(functions);
    }

    static boolean isCode(ElfSection section) {
        return section.type() == ElfSection.SHT_PROGBITS && section.isExecutable();
    }

    List<CodeFunction> all() {
        return functions;
    }

    /** The function of {@code section} that contains {@code slot}. */
    Optional<CodeFunction> containing(int section, int slot) {
        for (CodeFunction f : functions) {
            if (f.section().index() == section && f.contains(slot)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }
}
