package dev.wbpf.core.object;

import dev.wbpf.core.btf.Btf;
import dev.wbpf.core.btf.BtfExt;
import java.util.List;
import java.util.Optional;

/**
 * A BPF ELF object parsed once into everything a backend needs to load it: programs (linked,
 * with relocations resolved to what they refer to), maps, global data sections, externs, and
 * the object's BTF. Immutable; both backends and the generators read it, none looks at the ELF.
 *
 * @param source        where it was read from (file name), for messages
 * @param objectName    libbpf's object name: the file's base name up to the first dot
 * @param kernelVersion the legacy {@code version} section's value, 0 if absent
 * @param btf           the object's {@code .BTF}, or null if it has none
 * @param btfExt        the object's {@code .BTF.ext}, or null if it has none
 */
public record BpfObjectSpec(String source, String objectName, String license, int kernelVersion,
                            List<ProgramSpec> programs, List<MapSpec> maps, List<GlobalDataSpec> globals,
                            List<ExternSpec> externs, Btf btf, BtfExt btfExt) {

    public BpfObjectSpec {
        programs = List.copyOf(programs);
        maps = List.copyOf(maps);
        globals = List.copyOf(globals);
        externs = List.copyOf(externs);
    }

    public Optional<ProgramSpec> program(String name) {
        return programs.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    /** A map declared by the object (not a global data map), by its name. */
    public Optional<MapSpec> map(String name) {
        return maps.stream().filter(m -> m.name().equals(name)).findFirst();
    }

    /** The global data section named {@code section}, e.g. {@code .rodata}. */
    public Optional<GlobalDataSpec> global(String section) {
        return globals.stream().filter(g -> g.section().equals(section)).findFirst();
    }

    public Optional<Btf> btfIfPresent() {
        return Optional.ofNullable(btf);
    }
}
