package dev.wbpf.core.object;

/**
 * A place in a program's (linked) instructions that refers to something outside the code. Calls
 * and function addresses are already resolved by linking and are kept for display; maps, global
 * data and externs are for the backend to fill in.
 */
public sealed interface Relocation {

    /** Index of the instruction slot (an LDDW's first slot, or a call) in the linked program. */
    int insnIndex();

    /** LDDW of a map's address: becomes BPF_PSEUDO_MAP_FD of map {@code mapName}. */
    record MapReference(int insnIndex, String mapName) implements Relocation {
    }

    /**
     * LDDW of an address in a global data section: becomes BPF_PSEUDO_MAP_VALUE of the section's map
     * at {@code offset} bytes into the value.
     */
    record DataReference(int insnIndex, String section, long offset, String symbol) implements Relocation {
    }

    /** A bpf-to-bpf call to subprogram {@code callee} (already linked). */
    record SubprogramCall(int insnIndex, String callee) implements Relocation {
    }

    /** LDDW of a function's address (a callback, BPF_PSEUDO_FUNC) (already linked). */
    record FunctionAddress(int insnIndex, String callee) implements Relocation {
    }

    /** A reference to an {@code __kconfig} or {@code __ksym} extern variable or kfunc. */
    record ExternReference(int insnIndex, String externName) implements Relocation {
    }
}
