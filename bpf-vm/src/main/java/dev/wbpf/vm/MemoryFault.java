package dev.wbpf.vm;

/** A load, store or helper argument touched memory outside the regions the run may use. */
public final class MemoryFault extends VmException {
    public MemoryFault(int instruction, String problem) {
        super(instruction, problem);
    }
}
