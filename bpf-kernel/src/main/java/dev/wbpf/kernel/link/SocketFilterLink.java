package dev.wbpf.kernel.link;

import dev.wbpf.core.prog.AttachKind;
import dev.wbpf.kernel.loader.KernelProgram;
import dev.wbpf.kernel.sys.Syscalls;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A socket filter on a socket the caller owns (setsockopt SO_ATTACH_BPF); closing detaches it
 * (SO_DETACH_BPF). The program returns how many bytes of each packet to keep; 0 drops it.
 */
public final class SocketFilterLink implements KernelLink {
    private static final int SOL_SOCKET = 1;
    private static final int SO_ATTACH_BPF = 50;
    private static final int SO_DETACH_BPF = 27;

    private final int socketFd;
    private final String description;
    private boolean closed;

    private SocketFilterLink(int socketFd, String description) {
        this.socketFd = socketFd;
        this.description = description;
    }

    /** Attaches to {@code socketFd}, which stays the caller's (the link does not close it). */
    public static SocketFilterLink attach(KernelProgram program, int socketFd) {
        Links.requireKind(program, "a socket filter", AttachKind.SOCKET_FILTER);
        setInt(socketFd, SO_ATTACH_BPF, program.fd().raw());
        return new SocketFilterLink(socketFd, "socket filter on fd " + socketFd + " <- " + program.name());
    }

    private static void setInt(int fd, int option, int value) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = arena.allocate(ValueLayout.JAVA_INT);
            v.set(ValueLayout.JAVA_INT, 0, value);
            Syscalls.setsockopt(fd, SOL_SOCKET, option, v);
        }
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            setInt(socketFd, SO_DETACH_BPF, 0);
        }
    }
}
