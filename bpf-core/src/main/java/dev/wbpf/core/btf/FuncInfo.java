package dev.wbpf.core.btf;

/**
 * A {@code .BTF.ext} func_info record: the function starting at an instruction and its FUNC type.
 * {@code insnOffset} is in bytes from the start of the ELF section, as stored in the file.
 */
public record FuncInfo(int insnOffset, int typeId) {
    /** The instruction index (offsets count 8-byte instruction slots). */
    public int insnIndex() {
        return insnOffset / 8;
    }
}
