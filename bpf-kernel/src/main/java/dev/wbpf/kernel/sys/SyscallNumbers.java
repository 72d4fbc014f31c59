package dev.wbpf.kernel.sys;

/**
 * The system call numbers wbpf uses, per architecture. They differ between x86_64 (its own
 * historical table) and aarch64 (the generic table in include/uapi/asm-generic/unistd.h), which is
 * why they are data rather than constants sprinkled through the code.
 */
public record SyscallNumbers(
        String arch,
        long close,
        long ioctl,
        long mmap,
        long munmap,
        long getpid,
        long socket,
        long setsockopt,
        long mount,
        long openat,
        long epollCreate1,
        long epollCtl,
        long epollPwait,
        long perfEventOpen,
        long bpf,
        long pidfdOpen,
        long bind,
        long getsockname,
        long recvfrom) {

    /** arch/x86/entry/syscalls/syscall_64.tbl */
    public static final SyscallNumbers X86_64 = new SyscallNumbers(
            "x86_64", 3, 16, 9, 11, 39, 41, 54, 165, 257, 291, 233, 281, 298, 321, 434, 49, 51, 45);

    /** include/uapi/asm-generic/unistd.h (aarch64 has no legacy entries such as epoll_wait). */
    public static final SyscallNumbers AARCH64 = new SyscallNumbers(
            "aarch64", 57, 29, 222, 215, 172, 198, 208, 40, 56, 20, 21, 22, 241, 280, 434, 200, 204, 207);

    /** The table for the running JVM's architecture, or a clear failure on any other. */
    public static SyscallNumbers forRunningArch() {
        String osArch = System.getProperty("os.arch");
        return switch (osArch) {
            case "amd64", "x86_64" -> X86_64;
            case "aarch64", "arm64" -> AARCH64;
            default -> throw new UnsupportedOperationException(
                    "wbpf's kernel backend supports Linux on x86_64 and aarch64, not " + osArch);
        };
    }
}
