package dev.wbpf.core.btf;

/**
 * A {@code .BTF.ext} CO-RE relocation: the instruction whose immediate or offset must be patched
 * with a fact about the running kernel's types. {@code typeId} is the local (program BTF) root
 * type; {@code accessString} is the colon-separated member/array index path from it, e.g.
 * {@code "0:1:0"}, or an enumerator index for enum value relocations. {@code insnOffset} is in bytes
 * from the start of the ELF section.
 */
public record CoreRelocation(int insnOffset, int typeId, String accessString, CoreRelocationKind kind) {
    public int insnIndex() {
        return insnOffset / 8;
    }
}
