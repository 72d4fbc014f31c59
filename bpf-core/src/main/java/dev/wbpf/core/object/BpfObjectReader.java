package dev.wbpf.core.object;

import dev.wbpf.core.BpfFormatException;
import dev.wbpf.core.btf.Btf;
import dev.wbpf.core.btf.BtfExt;
import dev.wbpf.core.elf.ElfFile;
import dev.wbpf.core.elf.ElfSection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a BPF ELF object into a {@link BpfObjectSpec}, the way libbpf's {@code bpf_object__open}
 * does: programs from the function symbols of executable sections (subprograms in {@code .text}),
 * maps, global data, externs, BTF, and every relocation resolved to what it refers to.
 * Any malformed input ends in {@link BpfFormatException} naming the file and the problem.
 */
public final class BpfObjectReader {

    private BpfObjectReader() {
    }

    /** Reads the object in {@code file}; the file name is used in messages. */
    public static BpfObjectSpec read(Path file) throws IOException {
        return read(file.toString(), Files.readAllBytes(file));
    }

    /**
     * Reads an object from memory.
     *
     * @param source names the object in messages and gives the object name (base name up to the first dot)
     */
    public static BpfObjectSpec read(String source, byte[] bytes) {
        ElfFile elf = ElfFile.parse(source, bytes);
        String objectName = objectName(source);
        String license = elf.section("license").map(s -> s.data().cstring(0, "license section")).orElse("");
        int kernelVersion = elf.section("version").map(s -> s.data().i32(0, "version section")).orElse(0);
        Btf btf = elf.section(".BTF").map(s -> Btf.parse(source, s.data().toArray())).orElse(null);
        BtfExt btfExt = btf == null ? null
                : elf.section(".BTF.ext").map(s -> BtfExt.parse(source, s.data().toArray(), btf)).orElse(null);

        MapDefinitions maps = MapDefinitions.read(elf, btf);
        List<GlobalDataSpec> globals = new ArrayList<>(GlobalDataSections.read(elf, btf, objectName));
        Externs externs = Externs.read(elf, btf, objectName);
        if (externs.kconfig != null) {
            globals.add(externs.kconfig);
        }
        Set<Integer> dataSections = new HashSet<>();
        for (ElfSection section : elf.sections()) {
            if (GlobalDataSections.kindOf(section).isPresent()) {
                dataSections.add(section.index());
            }
        }

        FunctionTable functions = FunctionTable.of(elf);
        Map<CodeFunction, List<CodeReference>> references =
                CodeReferences.collect(elf, functions, maps.namesByOffset, dataSections);
        checkReferences(source, references, maps.maps, globals, externs.externs);

        ProgramLinker linker = new ProgramLinker(source, license, functions, references, btfExt);
        List<ProgramSpec> programs = new ArrayList<>();
        for (CodeFunction function : functions.all()) {
            if (!function.isSubprogram()) {
                programs.add(linker.link(function));
            }
        }
        return new BpfObjectSpec(source, objectName, license, kernelVersion, programs, maps.maps, globals,
                externs.externs, btf, btfExt);
    }

    /** Every map, data section and extern a relocation names must exist. */
    private static void checkReferences(String source, Map<CodeFunction, List<CodeReference>> references,
                                        List<MapSpec> maps, List<GlobalDataSpec> globals, List<ExternSpec> externs) {
        Set<String> mapNames = new HashSet<>();
        maps.forEach(m -> mapNames.add(m.name()));
        Set<String> sections = new HashSet<>();
        globals.forEach(g -> sections.add(g.section()));
        Set<String> externNames = new HashSet<>();
        externs.forEach(e -> externNames.add(e.name()));
        references.forEach((function, refs) -> {
            for (CodeReference ref : refs) {
                if (!(ref instanceof CodeReference.External external)) {
                    continue;
                }
                String missing = switch (external.relocation()) {
                    case Relocation.MapReference m -> mapNames.contains(m.mapName()) ? null : "map " + m.mapName();
                    case Relocation.DataReference d -> sections.contains(d.section()) ? null : "data section " + d.section();
                    case Relocation.ExternReference e -> externNames.contains(e.externName()) ? null : "extern " + e.externName();
                    default -> null;
                };
                if (missing != null) {
                    throw new BpfFormatException(source, "function " + function.name() + ", instruction "
                            + (ref.slot() - function.start()) + ": refers to " + missing + ", which the object does not define");
                }
            }
        });
    }

    /** libbpf's object name: the file's base name up to its first dot. */
    static String objectName(String source) {
        String base = source.substring(source.lastIndexOf('/') + 1);
        int dot = base.indexOf('.');
        return dot > 0 ? base.substring(0, dot) : base;
    }
}
