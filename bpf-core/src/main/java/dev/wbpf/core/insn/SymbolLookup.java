package dev.wbpf.core.insn;

/**
 * Names the place a jump lands on, as {@code llvm-objdump} writes it between angle brackets:
 * a symbol name, optionally followed by {@code +0x<displacement>}.
 */
@FunctionalInterface
public interface SymbolLookup {
    /** No labels at all: jump targets are printed as bare displacements. */
    SymbolLookup NONE = address -> null;

    /**
     * @param address the target's byte offset in its section, as an unsigned 64-bit value (a
     *                jump before the section start wraps around, exactly as in llvm-objdump)
     * @return the label text without angle brackets, or {@code null} for none
     */
    String labelFor(long address);
}
