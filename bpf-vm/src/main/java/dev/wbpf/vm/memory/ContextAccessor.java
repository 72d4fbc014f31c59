package dev.wbpf.vm.memory;

/**
 * Carries out a program's loads and stores in a context region whose fields are computed rather
 * than stored (see {@link Memory#addContext}). Implementations check offset, width and permission
 * themselves and throw {@link dev.wbpf.vm.MemoryFault} naming the field for anything the kernel's
 * context conversion would not allow.
 */
public interface ContextAccessor {
    /** The value of the {@code width}-byte load at {@code offset}, zero-extended. */
    long load(int offset, int width, int insn);

    void store(int offset, int width, long value, int insn);
}
