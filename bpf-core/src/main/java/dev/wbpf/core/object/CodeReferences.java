package dev.wbpf.core.object;

import dev.wbpf.core.BpfFormatException;
import dev.wbpf.core.elf.ElfFile;
import dev.wbpf.core.elf.ElfRelocation;
import dev.wbpf.core.elf.ElfSection;
import dev.wbpf.core.elf.ElfSymbol;
import dev.wbpf.core.insn.Instruction;
import dev.wbpf.core.insn.Opcodes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds, for every function, what its instructions refer to: the ELF relocations of its section
 * (maps, global data, externs, calls and function addresses across sections) and the calls that
 * clang resolved itself within one section. Every relocation must land on a call or a 64-bit
 * load and name something the object defines or declares; otherwise the object is rejected.
 */
final class CodeReferences {
    private final ElfFile elf;
    private final FunctionTable functions;
    private final Map<Integer, Map<Long, String>> mapSymbolsBySection;
    private final Set<Integer> dataSections;
    private final Map<CodeFunction, List<CodeReference>> references = new HashMap<>();

    private CodeReferences(ElfFile elf, FunctionTable functions, Map<Integer, Map<Long, String>> mapSymbolsBySection,
                           Set<Integer> dataSections) {
        this.elf = elf;
        this.functions = functions;
        this.mapSymbolsBySection = mapSymbolsBySection;
        this.dataSections = dataSections;
    }

    /**
     * @param mapSymbolsBySection for each maps section ({@code .maps}, {@code maps}), map name by symbol offset
     * @param dataSections        indices of the global data sections
     */
    static Map<CodeFunction, List<CodeReference>> collect(ElfFile elf, FunctionTable functions,
                                                          Map<Integer, Map<Long, String>> mapSymbolsBySection,
                                                          Set<Integer> dataSections) {
        CodeReferences collector = new CodeReferences(elf, functions, mapSymbolsBySection, dataSections);
        for (CodeFunction f : functions.all()) {
            collector.references.put(f, new ArrayList<>());
        }
        for (ElfSection section : elf.sections()) {
            if (FunctionTable.isCode(section)) {
                collector.collectSection(section);
            }
        }
        return collector.references;
    }

    private void collectSection(ElfSection section) {
        Set<Integer> relocated = new HashSet<>();
        for (ElfRelocation relocation : elf.relocationsFor(section)) {
            if (relocation.offset() % Instruction.SIZE != 0 || relocation.offset() < 0
                    || relocation.offset() + Instruction.SIZE > section.size()) {
                throw fail(section, relocation.offset(), "relocation is not on an instruction of the section");
            }
            int slot = (int) (relocation.offset() / Instruction.SIZE);
            relocated.add(slot);
            CodeFunction function = functions.containing(section.index(), slot)
                    .orElseThrow(() -> fail(section, relocation.offset(), "relocation outside every function"));
            if (relocation.symbolIndex() <= 0 || relocation.symbolIndex() >= elf.symbols().size()) {
                throw fail(section, relocation.offset(), "relocation names symbol " + relocation.symbolIndex()
                        + " of " + elf.symbols().size());
            }
            ElfSymbol symbol = elf.symbol(relocation.symbolIndex());
            references.get(function).add(classify(section, slot, symbol));
        }
        // Calls clang resolved within the section itself carry no relocation.
        for (CodeFunction function : functions.all()) {
            if (function.section().index() != section.index()) {
                continue;
            }
            for (int slot = function.start(); slot < function.start() + function.length(); slot++) {
                Instruction insn = slotAt(section, slot);
                if (relocated.contains(slot)) {
                    slot += insn.slots() - 1;
                    continue;
                }
                if (insn.opcode() == Opcodes.CALL_OPCODE && insn.src() == Opcodes.PSEUDO_CALL) {
                    references.get(function).add(new CodeReference.Code(slot, true, section.index(), slot + insn.imm() + 1));
                }
                slot += insn.slots() - 1;
            }
        }
    }

    private CodeReference classify(ElfSection section, int slot, ElfSymbol symbol) {
        Instruction insn = slotAt(section, slot);
        boolean call = insn.opcode() == Opcodes.CALL_OPCODE;
        boolean load64 = insn.isImm64Load();
        long offset = (long) slot * Instruction.SIZE;
        if (!call && !load64) {
            throw fail(section, offset, "relocation against " + describe(symbol) + " is on neither a call nor a 64-bit load");
        }
        if (load64 && slot + 1 >= section.size() / Instruction.SIZE) {
            throw fail(section, offset, "64-bit load is missing its second slot");
        }
        if (symbol.isUndefined()) {
            if (symbol.name().isEmpty()) {
                throw fail(section, offset, "relocation against an undefined symbol without a name");
            }
            return new CodeReference.External(slot, new Relocation.ExternReference(slot, symbol.name()));
        }
        if (!symbol.isInSection() || symbol.sectionIndex() >= elf.sections().size()) {
            throw fail(section, offset, "relocation against " + describe(symbol) + ", which is in no section");
        }
        ElfSection target = elf.section(symbol.sectionIndex());
        if (FunctionTable.isCode(target)) {
            long base = symbol.value() / Instruction.SIZE;
            if (call) {
                if (insn.src() != Opcodes.PSEUDO_CALL) {
                    throw fail(section, offset, "call relocated against " + describe(symbol) + " is not a bpf-to-bpf call");
                }
                return new CodeReference.Code(slot, true, target.index(), (int) (base + insn.imm() + 1));
            }
            return new CodeReference.Code(slot, false, target.index(), (int) ((symbol.value() + insn.imm()) / Instruction.SIZE));
        }
        if (call) {
            throw fail(section, offset, "call relocated against " + describe(symbol) + " in " + target.name()
                    + ", which holds no code");
        }
        Map<Long, String> maps = mapSymbolsBySection.get(target.index());
        if (maps != null) {
            long mapOffset = symbol.type() == ElfSymbol.STT_SECTION ? insn.imm() : symbol.value();
            String map = maps.get(mapOffset);
            if (map == null) {
                throw fail(section, offset, "reference into " + target.name() + " at offset " + mapOffset
                        + " matches no map definition");
            }
            return new CodeReference.External(slot, new Relocation.MapReference(slot, map));
        }
        if (dataSections.contains(target.index())) {
            long valueOffset = symbol.value() + insn.imm();
            if (valueOffset < 0 || valueOffset > target.size()) {
                throw fail(section, offset, "reference to " + target.name() + "+" + valueOffset
                        + " lies outside the " + target.size() + "-byte section");
            }
            String name = symbol.type() == ElfSymbol.STT_SECTION ? "" : symbol.name();
            return new CodeReference.External(slot, new Relocation.DataReference(slot, target.name(), valueOffset, name));
        }
        throw fail(section, offset, "relocation against " + describe(symbol) + " in section " + target.name()
                + ", which is neither code, maps nor global data");
    }

    private Instruction slotAt(ElfSection section, int slot) {
        return Instruction.fromRaw(section.data().i64((long) slot * Instruction.SIZE, "instruction " + slot + " of " + section.name()));
    }

    private static String describe(ElfSymbol symbol) {
        return symbol.name().isEmpty() ? "symbol #" + symbol.index() : "symbol " + symbol.name();
    }

    private BpfFormatException fail(ElfSection section, long offset, String problem) {
        return new BpfFormatException(elf.source(), "section " + section.name() + ", instruction "
                + offset / Instruction.SIZE + ": " + problem);
    }
}
