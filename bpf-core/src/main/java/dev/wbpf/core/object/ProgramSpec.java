package dev.wbpf.core.object;

import dev.wbpf.core.btf.CoreRelocation;
import dev.wbpf.core.btf.FuncInfo;
import dev.wbpf.core.btf.LineInfo;
import dev.wbpf.core.insn.Instruction;
import dev.wbpf.core.insn.Instructions;
import dev.wbpf.core.prog.ProgramSection;
import java.util.List;

/**
 * One program of an object, linked: its own instructions followed by every bpf-to-bpf subprogram
 * it reaches, with calls and function addresses pointing at the appended copies (as libbpf does
 * before loading). Relocations, func_info, line_info and CO-RE records are re-based onto the
 * linked code; their offsets count bytes ({@code insnIndex() * 8}) as in {@code .BTF.ext}.
 *
 * @param name        the function symbol's name
 * @param section     the ELF section it lives in
 * @param definition  what the section name means (type, expected attach, attach kind, target)
 * @param license     the object's license string
 * @param functions   the linked functions: the program's own first, then each appended subprogram
 */
public record ProgramSpec(String name, String section, ProgramSection definition, String license, byte[] code,
                          List<LinkedFunction> functions, List<Relocation> relocations,
                          List<FuncInfo> funcInfos, List<LineInfo> lineInfos, List<CoreRelocation> coreRelocations) {

    public ProgramSpec {
        code = code.clone();
        functions = List.copyOf(functions);
        relocations = List.copyOf(relocations);
        funcInfos = List.copyOf(funcInfos);
        lineInfos = List.copyOf(lineInfos);
        coreRelocations = List.copyOf(coreRelocations);
    }

    /** A function in the linked code, occupying slots {@code [start, start + length)}. */
    public record LinkedFunction(String name, int start, int length) {
    }

    /** Number of instruction slots of the program's own function, before any subprogram. */
    public int ownLength() {
        return functions.getFirst().length();
    }

    /** Names of the appended subprograms, in the order they were appended. */
    public List<String> subprograms() {
        return functions.stream().skip(1).map(LinkedFunction::name).toList();
    }

    /** The linked code, little-endian 8-byte slots, as bpf(BPF_PROG_LOAD) takes it (a copy). */
    @Override
    public byte[] code() {
        return code.clone();
    }

    /** Number of 8-byte instruction slots in the linked code (an LDDW counts two). */
    public int instructionCount() {
        return code.length / Instruction.SIZE;
    }

    /** The linked code decoded into slots. */
    public Instructions instructions() {
        return Instructions.decode(name, code);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ProgramSpec p && name.equals(p.name) && section.equals(p.section)
                && java.util.Arrays.equals(code, p.code) && relocations.equals(p.relocations);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + java.util.Arrays.hashCode(code);
    }

    @Override
    public String toString() {
        return "ProgramSpec[" + name + " in " + section + ", " + instructionCount() + " insns, subprograms=" + subprograms() + "]";
    }
}
