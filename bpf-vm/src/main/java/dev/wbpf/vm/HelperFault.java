package dev.wbpf.vm;

/** A helper call the VM cannot carry out: unknown helper number, or arguments no helper accepts. */
public final class HelperFault extends VmException {
    public HelperFault(int instruction, String problem) {
        super(instruction, problem);
    }
}
