package dev.wbpf.core.object;

import dev.wbpf.core.btf.Btf;
import dev.wbpf.core.btf.BtfType;
import dev.wbpf.core.elf.ElfFile;
import dev.wbpf.core.elf.ElfSection;
import dev.wbpf.core.elf.ElfSymbol;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The global data sections of an object ({@code .data}, {@code .rodata}, {@code .bss} and their
 * custom {@code .data.*}, {@code .rodata.*}, {@code .bss.*} forms) with their variables, and
 * the map names libbpf gives them.
 */
final class GlobalDataSections {
    /** The kernel's BPF_OBJ_NAME_LEN less the terminating NUL. */
    static final int MAX_MAP_NAME = 15;

    private GlobalDataSections() {
    }

    static Optional<GlobalDataSpec.Kind> kindOf(ElfSection section) {
        String name = section.name();
        if (isNamed(name, ".rodata")) {
            return Optional.of(GlobalDataSpec.Kind.RODATA);
        }
        if (isNamed(name, ".data")) {
            return Optional.of(GlobalDataSpec.Kind.DATA);
        }
        if (isNamed(name, ".bss")) {
            return Optional.of(GlobalDataSpec.Kind.BSS);
        }
        return Optional.empty();
    }

    private static boolean isNamed(String name, String base) {
        return name.equals(base) || name.startsWith(base + ".");
    }

    static List<GlobalDataSpec> read(ElfFile elf, Btf btf, String objectName) {
        List<GlobalDataSpec> result = new ArrayList<>();
        for (ElfSection section : elf.sections()) {
            Optional<GlobalDataSpec.Kind> kind = kindOf(section);
            if (kind.isEmpty() || section.size() == 0) {
                continue;
            }
            byte[] initial = section.type() == ElfSection.SHT_NOBITS
                    ? zeroes(elf, section) : section.data().toArray();
            BtfType.DataSec datasec = btf == null ? null : btf.dataSec(section.name()).orElse(null);
            List<GlobalDataSpec.Variable> variables = datasec != null
                    ? btfVariables(elf, section, btf, datasec) : symbolVariables(elf, section);
            int datasecId = datasec == null ? 0 : btf.findByNameAndKind(section.name(), dev.wbpf.core.btf.BtfKind.DATASEC).orElse(0);
            result.add(new GlobalDataSpec(section.name(), mapName(objectName, section.name()), kind.get(), initial,
                    variables, datasecId));
        }
        return result;
    }

    private static byte[] zeroes(ElfFile elf, ElfSection section) {
        // .bss occupies no file bytes, so its size is not bounded by the file: cap it like the
        // kernel caps a map value (KMALLOC_MAX_SIZE is far below this).
        if (section.size() > (1 << 26)) {
            throw new dev.wbpf.core.BpfFormatException(elf.source(), "section " + section.name() + " claims "
                    + section.size() + " bytes, more than a BPF map value can hold");
        }
        return new byte[(int) section.size()];
    }

    private static List<GlobalDataSpec.Variable> btfVariables(ElfFile elf, ElfSection section, Btf btf,
                                                              BtfType.DataSec datasec) {
        List<GlobalDataSpec.Variable> variables = new ArrayList<>();
        for (DatasecPlacement.PlacedVar placed : DatasecPlacement.place(elf, section, btf, datasec)) {
            variables.add(new GlobalDataSpec.Variable(placed.var().name(), (int) placed.offset(), (int) placed.size(),
                    placed.var().typeId(), placed.var().linkage() != BtfType.Linkage.STATIC));
        }
        return variables;
    }

    private static List<GlobalDataSpec.Variable> symbolVariables(ElfFile elf, ElfSection section) {
        List<GlobalDataSpec.Variable> variables = new ArrayList<>();
        for (ElfSymbol symbol : elf.symbolsIn(section)) {
            if (symbol.type() == ElfSymbol.STT_OBJECT && !symbol.name().isEmpty()) {
                variables.add(new GlobalDataSpec.Variable(symbol.name(), (int) symbol.value(), (int) symbol.size(), 0,
                        symbol.bind() != ElfSymbol.STB_LOCAL));
            }
        }
        return variables;
    }

    /**
     * libbpf's name for the map of a data section: as much of the object name as fits before a
     * suffix for which at least 7 characters are reserved ({@code execsnoo.rodata},
     * {@code execsnoo.bss}); sections with a second dot ({@code .rodata.str1.1},
     * {@code .data.custom}) keep their own name, cut to 15 characters.
     */
    static String mapName(String objectName, String section) {
        int suffix = Math.min(Math.max(7, section.length()), MAX_MAP_NAME);
        int prefix = section.indexOf('.', 1) >= 0 ? 0 : Math.min(MAX_MAP_NAME - suffix, objectName.length());
        String name = objectName.substring(0, prefix) + section;
        return name.length() > MAX_MAP_NAME ? name.substring(0, MAX_MAP_NAME) : name;
    }
}
