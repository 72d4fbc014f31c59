package dev.wbpf.vm;

/**
 * The instructions cannot be prepared for execution: undefined encodings, jumps out of the
 * program, unresolved map references. Thrown before anything runs.
 */
public final class InvalidProgramException extends VmException {
    public InvalidProgramException(String problem) {
        super(NO_INSTRUCTION, problem);
    }

    public InvalidProgramException(int instruction, String problem) {
        super(instruction, problem);
    }

    public InvalidProgramException(String problem, Throwable cause) {
        super(NO_INSTRUCTION, problem, cause);
    }
}
