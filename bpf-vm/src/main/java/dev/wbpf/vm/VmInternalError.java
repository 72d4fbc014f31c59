package dev.wbpf.vm;

/**
 * A Java exception the VM did not expect escaped from the run; always a bug in wbpf. It is
 * wrapped so that a host never sees anything but a {@link VmException}, and tests treat it as a
 * failure.
 */
public final class VmInternalError extends VmException {
    public VmInternalError(int instruction, Throwable cause) {
        super(instruction, "internal error in the VM (please report): " + cause, cause);
    }
}
