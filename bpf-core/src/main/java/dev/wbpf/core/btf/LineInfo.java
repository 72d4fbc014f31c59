package dev.wbpf.core.btf;

/**
 * A {@code .BTF.ext} line_info record: the source line an instruction came from, with the line's
 * text (which the verifier prints in its log). {@code insnOffset} is in bytes from the start of the
 * ELF section.
 */
public record LineInfo(int insnOffset, String fileName, String line, int lineNumber, int column) {
    public int insnIndex() {
        return insnOffset / 8;
    }
}
