package dev.wbpf.kernel.sys;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.wbpf.kernel.Errno;
import dev.wbpf.kernel.Fd;
import dev.wbpf.kernel.KernelException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The one class in wbpf that calls native code. Every system call goes through libc's
 * {@code long syscall(long nr, ...)} with a single downcall shape, {@code (long, long×6) -> long},
 * because the JVM pays 3–4 ms to link each distinct shape on first use; one shape means that cost
 * is paid once for bpf(2), ioctl, mmap, epoll and the rest together. errno is captured by the
 * linker right after the call, before the JVM can overwrite it.
 *
 * <p>Pointers cross as {@code long} addresses of native segments, which callers keep alive (in a
 * confined arena) for the duration of the call. Methods that return a descriptor return an
 * {@link Fd}; failures become {@link KernelException} naming the operation and errno, except in
 * the {@code …OrErrno} variants, which return {@code -errno} for hot paths where a failure is an
 * ordinary answer (a lookup that misses) and an exception would be wasted work.
 */
public final class Syscalls {
    /** openat(2)'s "relative to the working directory". */
    public static final int AT_FDCWD = -100;
    public static final int O_RDONLY = 0;
    public static final int O_RDWR = 2;
    public static final int O_CLOEXEC = 0x80000;

    private static final SyscallNumbers NR = SyscallNumbers.forRunningArch();
    private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle SYSCALL = linkSyscall();

    /**
     * Where the linker stores errno; one per thread so that concurrent calls do not race and no
     * call allocates. Auto arena: freed with its thread's ThreadLocal.
     */
    private static final ThreadLocal<MemorySegment> CAPTURED_STATE =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(CAPTURE_LAYOUT));

    private Syscalls() {}

    private static MethodHandle linkSyscall() {
        Linker linker = Linker.nativeLinker();
        MemorySegment syscall = linker.defaultLookup().find("syscall")
                .orElseThrow(() -> new UnsupportedOperationException("libc has no syscall() symbol"));
        FunctionDescriptor shape = FunctionDescriptor.of(
                JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG);
        return linker.downcallHandle(
                syscall, shape, Linker.Option.firstVariadicArg(1), Linker.Option.captureCallState("errno"));
    }

    public static SyscallNumbers numbers() {
        return NR;
    }

    /**
     * The raw call: the result, or {@code -errno} when the kernel failed it. Unused arguments are
     * passed as 0; the kernel ignores registers a call does not take.
     */
    public static long rawOrErrno(long nr, long a1, long a2, long a3, long a4, long a5, long a6) {
        MemorySegment state = CAPTURED_STATE.get();
        long result;
        try {
            result = (long) SYSCALL.invokeExact(state, nr, a1, a2, a3, a4, a5, a6);
        } catch (Throwable t) {
            throw new IllegalStateException("native call failed to run", t);
        }
        // libc's syscall() returns -1 and sets errno for every failure.
        return result == -1 ? -(int) ERRNO.get(state, 0L) : result;
    }

    private static long call(String operation, long nr, long a1, long a2, long a3, long a4, long a5, long a6) {
        long result = rawOrErrno(nr, a1, a2, a3, a4, a5, a6);
        if (result < 0) {
            throw new KernelException(operation, (int) -result);
        }
        return result;
    }

    // ---- bpf(2) ----------------------------------------------------------------------------

    /** bpf(cmd, attr, size): the result or {@code -errno}. */
    public static long bpfOrErrno(BpfCommand command, MemorySegment attr) {
        return rawOrErrno(NR.bpf(), command.number(), attr.address(), attr.byteSize(), 0, 0, 0);
    }

    public static long bpf(BpfCommand command, MemorySegment attr) {
        long result = bpfOrErrno(command, attr);
        if (result < 0) {
            throw new KernelException(command.operationName(), (int) -result);
        }
        return result;
    }

    // ---- descriptors and files -----------------------------------------------------------------

    /** close(2). EINTR still closes the descriptor on Linux, so only a bad descriptor is an error. */
    public static void close(int fd) {
        long result = rawOrErrno(NR.close(), fd, 0, 0, 0, 0, 0);
        if (result == -Errno.EBADF.number()) {
            throw new KernelException("close(" + fd + ")", Errno.EBADF.number());
        }
    }

    public static Fd openat(String path, int flags) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cPath = arena.allocateFrom(path);
            return Fd.adopt((int) call("openat(" + path + ")", NR.openat(), AT_FDCWD, cPath.address(), flags, 0, 0, 0));
        }
    }

    public static long ioctl(int fd, long request, long argument) {
        return call("ioctl(" + fd + ", 0x" + Long.toHexString(request) + ")", NR.ioctl(), fd, request, argument, 0, 0, 0);
    }

    public static int getpid() {
        return (int) call("getpid", NR.getpid(), 0, 0, 0, 0, 0, 0);
    }

    /** pidfd_open(2): a descriptor for a process, the key of task-storage maps. */
    public static Fd pidfdOpen(int pid) {
        return Fd.adopt((int) call("pidfd_open(" + pid + ")", NR.pidfdOpen(), pid, 0, 0, 0, 0, 0));
    }

    // ---- memory mappings ---------------------------------------------------------------------

    public static final int PROT_READ = 1;
    public static final int PROT_WRITE = 2;
    public static final int MAP_SHARED = 1;

    /** mmap(2) of {@code length} bytes of {@code fd} at {@code offset}; unmap with {@link #munmap}. */
    public static MemorySegment mmap(long length, int prot, int flags, int fd, long offset) {
        long address = call("mmap(fd " + fd + ", " + length + " bytes)", NR.mmap(), 0, length, prot, flags, fd, offset);
        return MemorySegment.ofAddress(address).reinterpret(length);
    }

    public static void munmap(MemorySegment mapping) {
        call("munmap", NR.munmap(), mapping.address(), mapping.byteSize(), 0, 0, 0, 0);
    }

    // ---- perf events and epoll ---------------------------------------------------------------

    /** perf_event_open(2) with a caller-laid-out {@code struct perf_event_attr}. */
    public static Fd perfEventOpen(MemorySegment perfEventAttr, int pid, int cpu, int groupFd, long flags) {
        return Fd.adopt((int) call("perf_event_open(cpu " + cpu + ")", NR.perfEventOpen(),
                perfEventAttr.address(), pid, cpu, groupFd, flags, 0));
    }

    public static final int EPOLL_CLOEXEC = O_CLOEXEC;
    public static final int EPOLL_CTL_ADD = 1;
    public static final int EPOLL_CTL_DEL = 2;
    public static final int EPOLL_CTL_MOD = 3;
    public static final int EPOLLIN = 1;

    public static Fd epollCreate1(int flags) {
        return Fd.adopt((int) call("epoll_create1", NR.epollCreate1(), flags, 0, 0, 0, 0, 0));
    }

    /** epoll_ctl(2); {@code event} is a {@code struct epoll_event} (12 bytes, packed on x86_64). */
    public static void epollCtl(int epollFd, int op, int fd, MemorySegment event) {
        call("epoll_ctl", NR.epollCtl(), epollFd, op, fd, event == null ? 0 : event.address(), 0, 0);
    }

    /**
     * epoll_pwait(2) with no signal mask (what epoll_wait does; aarch64 has only this one).
     * Returns the number of ready events, or 0 when a signal interrupted the wait.
     */
    public static int epollWait(int epollFd, MemorySegment events, int maxEvents, int timeoutMillis) {
        long result = rawOrErrno(NR.epollPwait(), epollFd, events.address(), maxEvents, timeoutMillis, 0, 0);
        if (result == -Errno.EINTR.number()) {
            return 0;
        }
        if (result < 0) {
            throw new KernelException("epoll_pwait", (int) -result);
        }
        return (int) result;
    }

    // ---- sockets and network interfaces ----------------------------------------------------

    public static final int AF_INET = 2;
    public static final int SOCK_DGRAM = 2;
    public static final int SOCK_CLOEXEC = O_CLOEXEC;
    /** SIOCGIFINDEX from linux/sockios.h: interface name → index. */
    private static final long SIOCGIFINDEX = 0x8933;
    /** struct ifreq: char ifr_name[IFNAMSIZ=16] then a union whose int ifr_ifindex is at 16; 40 bytes. */
    private static final int IFREQ_SIZE = 40;
    private static final int IFNAMSIZ = 16;
    private static final int IFREQ_IFINDEX = 16;

    public static Fd socket(int domain, int type, int protocol) {
        return Fd.adopt((int) call("socket", NR.socket(), domain, type, protocol, 0, 0, 0));
    }

    public static void setsockopt(int fd, int level, int option, MemorySegment value) {
        call("setsockopt(level " + level + ", option " + option + ")", NR.setsockopt(),
                fd, level, option, value.address(), value.byteSize(), 0);
    }

    public static final int AF_PACKET = 17;
    public static final int SOCK_RAW = 3;
    /** ETH_P_ALL: every protocol, as a packet socket's protocol argument (network byte order). */
    public static final int ETH_P_ALL_BE = 0x0300;
    /** sizeof(struct sockaddr_ll). */
    private static final int SOCKADDR_LL_SIZE = 20;

    /**
     * A raw packet socket (AF_PACKET, SOCK_RAW, ETH_P_ALL) bound to the interface with index
     * {@code ifindex}: it sees every packet of that interface, both directions.
     */
    public static Fd packetSocket(int ifindex) {
        Fd fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, ETH_P_ALL_BE);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment addr = arena.allocate(SOCKADDR_LL_SIZE, 4); // zeroed: hatype, pkttype, halen, addr
            addr.set(java.lang.foreign.ValueLayout.JAVA_SHORT, 0, (short) AF_PACKET);
            addr.set(java.lang.foreign.ValueLayout.JAVA_SHORT, 2, (short) ETH_P_ALL_BE);
            addr.set(JAVA_INT, 4, ifindex);
            call("bind(AF_PACKET, ifindex " + ifindex + ")", NR.bind(), fd.raw(), addr.address(), SOCKADDR_LL_SIZE, 0, 0, 0);
            return fd;
        } catch (RuntimeException e) {
            fd.close();
            throw e;
        }
    }

    /** sizeof(struct sockaddr_in): family, port (big-endian), address (big-endian), padding. */
    private static final int SOCKADDR_IN_SIZE = 16;
    public static final int MSG_DONTWAIT = 0x40;

    /**
     * bind(2) of an AF_INET socket to 127.0.0.1:{@code port} (0: any free port); returns the port
     * actually bound (getsockname(2)).
     */
    public static int bindLoopback(int fd, int port) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment addr = arena.allocate(SOCKADDR_IN_SIZE, 4);
            addr.set(java.lang.foreign.ValueLayout.JAVA_SHORT, 0, (short) AF_INET);
            addr.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 2, (byte) (port >> 8));
            addr.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 3, (byte) port);
            addr.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 4, (byte) 127);
            addr.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 7, (byte) 1);
            call("bind(127.0.0.1:" + port + ")", NR.bind(), fd, addr.address(), SOCKADDR_IN_SIZE, 0, 0, 0);
            MemorySegment length = arena.allocate(JAVA_INT);
            length.set(JAVA_INT, 0, SOCKADDR_IN_SIZE);
            call("getsockname", NR.getsockname(), fd, addr.address(), length.address(), 0, 0, 0);
            return (addr.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 2) & 0xff) << 8
                    | addr.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 3) & 0xff;
        }
    }

    /**
     * recvfrom(2) without the sender's address: the datagram's length, or -1 when
     * {@link #MSG_DONTWAIT} was given and nothing is queued.
     */
    public static int recv(int fd, MemorySegment buffer, int flags) {
        long result = rawOrErrno(NR.recvfrom(), fd, buffer.address(), buffer.byteSize(), flags, 0, 0);
        if (result == -Errno.EAGAIN.number()) {
            return -1;
        }
        if (result < 0) {
            throw new KernelException("recvfrom", (int) -result);
        }
        return (int) result;
    }

    /** if_nametoindex(3), done as libc does it: SIOCGIFINDEX on a throw-away datagram socket. */
    public static int ifNameToIndex(String name) {
        byte[] bytes = name.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        if (bytes.length >= IFNAMSIZ) {
            throw new IllegalArgumentException("interface name longer than 15 bytes: " + name);
        }
        try (Fd sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0); Arena arena = Arena.ofConfined()) {
            MemorySegment ifreq = arena.allocate(IFREQ_SIZE);
            MemorySegment.copy(bytes, 0, ifreq, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, bytes.length);
            long result = rawOrErrno(NR.ioctl(), sock.raw(), SIOCGIFINDEX, ifreq.address(), 0, 0, 0);
            if (result < 0) {
                throw new KernelException("if_nametoindex(" + name + ")", (int) -result);
            }
            return ifreq.get(JAVA_INT, IFREQ_IFINDEX);
        }
    }

    // ---- mounts ------------------------------------------------------------------------------

    /** mount(2); {@code data} may be null. */
    public static void mount(String source, String target, String fsType, long flags, String data) {
        try (Arena arena = Arena.ofConfined()) {
            call("mount(" + fsType + " on " + target + ")", NR.mount(),
                    arena.allocateFrom(source).address(), arena.allocateFrom(target).address(),
                    arena.allocateFrom(fsType).address(), flags,
                    data == null ? 0 : arena.allocateFrom(data).address(), 0);
        }
    }
}
