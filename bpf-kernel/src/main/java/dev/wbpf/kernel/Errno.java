package dev.wbpf.kernel;

/**
 * The Linux errno values the BPF syscalls report, with the kernel's numbers (identical on x86_64
 * and aarch64, which share the generic errno table) and glibc's strerror text.
 *
 * <p>{@link #ENOTSUPP} (524) is a kernel-internal value that nonetheless leaks out of bpf(2) for
 * some unsupported features; it is listed so that messages name it instead of printing a number.
 */
public enum Errno {
    EPERM(1, "Operation not permitted"),
    ENOENT(2, "No such file or directory"),
    ESRCH(3, "No such process"),
    EINTR(4, "Interrupted system call"),
    EIO(5, "Input/output error"),
    ENXIO(6, "No such device or address"),
    E2BIG(7, "Argument list too long"),
    ENOEXEC(8, "Exec format error"),
    EBADF(9, "Bad file descriptor"),
    EAGAIN(11, "Resource temporarily unavailable"),
    ENOMEM(12, "Cannot allocate memory"),
    EACCES(13, "Permission denied"),
    EFAULT(14, "Bad address"),
    EBUSY(16, "Device or resource busy"),
    EEXIST(17, "File exists"),
    EXDEV(18, "Invalid cross-device link"),
    ENODEV(19, "No such device"),
    ENOTDIR(20, "Not a directory"),
    EISDIR(21, "Is a directory"),
    EINVAL(22, "Invalid argument"),
    ENFILE(23, "Too many open files in system"),
    EMFILE(24, "Too many open files"),
    ENOTTY(25, "Inappropriate ioctl for device"),
    EFBIG(27, "File too large"),
    ENOSPC(28, "No space left on device"),
    ERANGE(34, "Numerical result out of range"),
    EDEADLK(35, "Resource deadlock avoided"),
    ENOSYS(38, "Function not implemented"),
    ELOOP(40, "Too many levels of symbolic links"),
    ENOTSOCK(88, "Socket operation on non-socket"),
    EPROTONOSUPPORT(93, "Protocol not supported"),
    /** Also known as ENOTSUP: the same number on Linux. */
    EOPNOTSUPP(95, "Operation not supported"),
    EAFNOSUPPORT(97, "Address family not supported by protocol"),
    EADDRINUSE(98, "Address already in use"),
    ETIMEDOUT(110, "Connection timed out"),
    ENOTSUPP(524, "Operation is not supported (kernel-internal ENOTSUPP)"),
    /** A number this table does not know; {@link KernelException#errnoNumber()} keeps the value. */
    UNKNOWN(-1, "Unknown error");

    /** Linux defines ENOTSUP as EOPNOTSUPP. */
    public static final Errno ENOTSUP = EOPNOTSUPP;

    private static final Errno[] BY_NUMBER = new Errno[525];

    static {
        for (Errno e : values()) {
            if (e.number >= 0) {
                BY_NUMBER[e.number] = e;
            }
        }
    }

    private final int number;
    private final String description;

    Errno(int number, String description) {
        this.number = number;
        this.description = description;
    }

    public int number() {
        return number;
    }

    public String description() {
        return description;
    }

    public static Errno of(int number) {
        if (number >= 0 && number < BY_NUMBER.length && BY_NUMBER[number] != null) {
            return BY_NUMBER[number];
        }
        return UNKNOWN;
    }
}
