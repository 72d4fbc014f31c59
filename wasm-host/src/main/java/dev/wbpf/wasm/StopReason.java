package dev.wbpf.wasm;

/** Why a running guest is being stopped, and the exit status that goes with it. */
public enum StopReason {
    /** SIGINT / Ctrl-C. */
    INTERRUPT(130),
    /** SIGTERM. */
    TERMINATE(143),
    /** The embedding application asked. */
    REQUESTED(130),
    /** {@code --timeout} expired (as coreutils {@code timeout}). */
    TIMEOUT(124);

    private final int exitCode;

    StopReason(int exitCode) {
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
