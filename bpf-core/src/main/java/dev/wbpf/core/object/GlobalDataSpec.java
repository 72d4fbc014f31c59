package dev.wbpf.core.object;

import java.util.Arrays;
import java.util.List;

/**
 * A global data section ({@code .data}, {@code .rodata}, {@code .bss}, {@code .rodata.*},
 * {@code .data.*}, or the {@code .kconfig} externs), which a backend turns into a one-element
 * array map whose value is the section's bytes.
 *
 * @param section  the ELF section name
 * @param mapName  the map name libbpf gives it (object-name prefix rule included)
 * @param initial  the initial bytes (all zero for {@code .bss} and {@code .kconfig})
 * @param variables the variables in it, from BTF DATASEC or, without BTF, from ELF symbols
 * @param btfDatasecId the BTF DATASEC type id describing it, 0 if none
 */
public record GlobalDataSpec(String section, String mapName, Kind kind, byte[] initial, List<Variable> variables,
                             int btfDatasecId) {

    /** The kinds of data section, which decide the map's flags. */
    public enum Kind { DATA, RODATA, BSS, KCONFIG }

    /** A variable at {@code offset} of {@code size} bytes; {@code btfTypeId} 0 when unknown. */
    public record Variable(String name, int offset, int size, int btfTypeId, boolean global) {
    }

    /** BPF_F_RDONLY_PROG: the program may not write .rodata. */
    public static final int BPF_F_RDONLY_PROG = 1 << 7;
    /** BPF_F_MMAPABLE: user space may map the value. */
    public static final int BPF_F_MMAPABLE = 1 << 10;

    public GlobalDataSpec {
        initial = initial.clone();
        variables = List.copyOf(variables);
    }

    @Override
    public byte[] initial() {
        return initial.clone();
    }

    public int size() {
        return initial.length;
    }

    /** True for data the program may only read; backends freeze the map after filling it. */
    public boolean readOnly() {
        return kind == Kind.RODATA || kind == Kind.KCONFIG;
    }

    /** The array map that holds this section, as libbpf creates it. */
    public MapSpec asMapSpec() {
        int flags = BPF_F_MMAPABLE | (readOnly() ? BPF_F_RDONLY_PROG : 0);
        return new MapSpec(mapName, MapType.ARRAY, 4, Math.max(size(), 1), 1, flags, 0, 0, Pinning.NONE, 0,
                btfDatasecId, null, List.of(), MapSpec.Origin.GLOBAL_DATA);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GlobalDataSpec g && section.equals(g.section) && mapName.equals(g.mapName)
                && kind == g.kind && Arrays.equals(initial, g.initial) && variables.equals(g.variables)
                && btfDatasecId == g.btfDatasecId;
    }

    @Override
    public int hashCode() {
        return section.hashCode() * 31 + Arrays.hashCode(initial);
    }

    @Override
    public String toString() {
        return "GlobalDataSpec[" + section + " as " + mapName + ", " + kind + ", " + size() + " bytes, " + variables + "]";
    }
}
