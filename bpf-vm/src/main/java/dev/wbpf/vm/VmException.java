package dev.wbpf.vm;

/**
 * The only exception a run of a BPF program can end with. Every subclass names the instruction
 * (slot index in its program) at which the run stopped, so that a user can find it in
 * {@code llvm-objdump -d} output.
 */
public sealed class VmException extends RuntimeException
        permits MemoryFault, BudgetExhausted, CallDepthExceeded, HelperFault, InvalidProgramException, VmInternalError {
    /** Instruction index used when the failure is not tied to one instruction. */
    public static final int NO_INSTRUCTION = -1;

    private final int instruction;

    protected VmException(int instruction, String problem) {
        super(instruction == NO_INSTRUCTION ? problem : "insn " + instruction + ": " + problem);
        this.instruction = instruction;
    }

    protected VmException(int instruction, String problem, Throwable cause) {
        super(instruction == NO_INSTRUCTION ? problem : "insn " + instruction + ": " + problem, cause);
        this.instruction = instruction;
    }

    /** Slot index of the failing instruction, or {@link #NO_INSTRUCTION}. */
    public int instruction() {
        return instruction;
    }
}
