package dev.wbpf.vm.verifier;

/**
 * The verifier refused a program. The message reads like a line of the kernel's verifier log:
 * {@code "insn 7: R2 !read_ok"}; {@link #log()} holds the path that led there (the instructions of
 * the rejected path, most recent last), for a user who wants to see why.
 *
 * <p>Not a {@code VmException}: nothing ran; a loader wraps it into its own "program refused" error.
 */
public final class VerifierException extends RuntimeException {
    /** Index used when the problem is not tied to one instruction. */
    public static final int NO_INSTRUCTION = -1;

    private final int instruction;
    private final String reason;
    private final String log;

    VerifierException(int instruction, String reason, String log) {
        super(instruction == NO_INSTRUCTION ? reason : "insn " + instruction + ": " + reason);
        this.instruction = instruction;
        this.reason = reason;
        this.log = log == null ? "" : log;
    }

    /** Slot index of the refused instruction, or {@link #NO_INSTRUCTION}. */
    public int instruction() {
        return instruction;
    }

    /** The reason without the instruction prefix. */
    public String reason() {
        return reason;
    }

    /** The tail of the verifier's log for the refused path (may be empty). */
    public String log() {
        return log;
    }
}
