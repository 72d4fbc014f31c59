package dev.wbpf.core.object;

/**
 * What one instruction of a function refers to, before linking. Slots are relative to the
 * start of the function's section.
 */
sealed interface CodeReference {
    int slot();

    /** A bpf-to-bpf call or function address: {@code targetSlot} in {@code targetSection}. */
    record Code(int slot, boolean call, int targetSection, int targetSlot) implements CodeReference {
    }

    /** Anything the backend resolves: a map, global data or an extern. */
    record External(int slot, Relocation relocation) implements CodeReference {
    }
}
