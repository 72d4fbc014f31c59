package dev.wbpf.kernel;

import dev.wbpf.core.backend.BpfException;
import java.util.Objects;

/**
 * A system call failed. Carries the operation (e.g. {@code BPF_MAP_CREATE}), the errno, and for
 * commands that produce one (program and BTF loads) the kernel's log, whose tail is also part of
 * the message because that is where the verifier says what it disliked.
 */
public class KernelException extends BpfException {
    private static final int LOG_TAIL_LINES = 25;

    private final String operation;
    private final int errnoNumber;
    private final String kernelLog;

    public KernelException(String operation, int errnoNumber) {
        this(operation, errnoNumber, "", "");
    }

    /**
     * @param context extra words for the message (e.g. the program's name), may be empty
     * @param kernelLog the verifier or BTF log, may be empty
     */
    public KernelException(String operation, int errnoNumber, String context, String kernelLog) {
        super(message(operation, errnoNumber, context, kernelLog), spiErrno(errnoNumber));
        this.operation = operation;
        this.errnoNumber = errnoNumber;
        this.kernelLog = Objects.requireNonNull(kernelLog);
    }

    /**
     * A failure described in the caller's words (e.g. the loader's "kernel refused program `x`: …"),
     * keeping the errno and log of the underlying call, if any ({@code errnoNumber} 0 if none).
     */
    public KernelException(String message, String operation, int errnoNumber, String kernelLog, Throwable cause) {
        super(message, spiErrno(errnoNumber), cause);
        this.operation = operation;
        this.errnoNumber = errnoNumber;
        this.kernelLog = Objects.requireNonNull(kernelLog);
    }

    /** A failure that is not a failed system call, with the errno that fits it best (e.g. ENOENT for a missing target). */
    public KernelException(String message, Errno errno) {
        this(message, "", errno.number(), "", null);
    }

    /** A failure that is not a failed system call (a missing attach target, an unresolved extern). */
    public KernelException(String message) {
        this(message, "", 0, "", null);
    }

    public String operation() {
        return operation;
    }

    /**
     * The errno as an {@link Errno} constant. ({@link #errno()} is the SPI's positive number,
     * EINVAL for failures that were no failed system call.)
     */
    public Errno kernelErrno() {
        return Errno.of(errnoNumber);
    }

    /** The raw number (0 when no system call failed), meaningful also when {@link #kernelErrno()} is {@link Errno#UNKNOWN}. */
    public int errnoNumber() {
        return errnoNumber;
    }

    /** The whole kernel log (verifier or BTF), or "" when the command produced none. */
    public String kernelLog() {
        return kernelLog;
    }

    public boolean is(Errno errno) {
        return errnoNumber == errno.number();
    }

    /** What SPI callers see: the kernel's errno, or EINVAL when no system call failed. */
    private static int spiErrno(int errnoNumber) {
        return errnoNumber > 0 ? errnoNumber : EINVAL;
    }

    private static String message(String operation, int errnoNumber, String context, String log) {
        Errno errno = Errno.of(errnoNumber);
        String name = errno == Errno.UNKNOWN ? "errno " + errnoNumber : errno.name();
        StringBuilder sb = new StringBuilder(operation);
        if (!context.isEmpty()) {
            sb.append(" (").append(context).append(')');
        }
        sb.append(": ").append(name).append(" (").append(errno.description()).append(')');
        String tail = tail(log);
        if (!tail.isEmpty()) {
            sb.append("\nkernel log (last lines):\n").append(tail);
        }
        return sb.toString();
    }

    static String tail(String log) {
        String trimmed = log.strip();
        if (trimmed.isEmpty()) {
            return "";
        }
        String[] lines = trimmed.split("\n");
        int from = Math.max(0, lines.length - LOG_TAIL_LINES);
        return String.join("\n", java.util.Arrays.copyOfRange(lines, from, lines.length));
    }
}
