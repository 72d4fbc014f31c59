package dev.wbpf.core.backend;

/**
 * A backend could not do what was asked. Carries the Linux errno that describes it, so the Wasm
 * host can return {@code -errno} to a guest exactly as the kernel would; the message says what
 * happened and, where there is one, what to do.
 */
public class BpfException extends RuntimeException {
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int E2BIG = 7;
    public static final int EBADF = 9;
    public static final int EAGAIN = 11;
    public static final int ENOMEM = 12;
    public static final int EFAULT = 14;
    public static final int EEXIST = 17;
    public static final int EINVAL = 22;
    public static final int ENOSPC = 28;
    public static final int EOPNOTSUPP = 95;

    private final int errno;

    public BpfException(String message, int errno) {
        super(message);
        this.errno = errno;
    }

    public BpfException(String message, int errno, Throwable cause) {
        super(message, cause);
        this.errno = errno;
    }

    /** The positive Linux errno number. */
    public int errno() {
        return errno;
    }
}
