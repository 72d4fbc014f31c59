package dev.wbpf.vm;

/**
 * Something that runs one prepared {@link VmProgram}: the seam between the interpreter and a
 * later compiler to JVM bytecode (in the manner of Chicory's {@code Machine}). Implementations are
 * immutable and thread-safe; all per-run state lives in the {@link ExecutionContext}, which
 * belongs to one thread.
 */
public interface Machine {
    VmProgram program();

    /**
     * Runs the program once with the registers and memory regions set up in {@code context}
     * and returns r0.
     *
     * @throws VmException when the run faults, exceeds its budget or calls an unknown helper;
     *                     nothing else escapes
     */
    long execute(ExecutionContext context);
}
