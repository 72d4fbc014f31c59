package dev.wbpf.kernel.link;

import dev.wbpf.core.prog.AttachKind;
import dev.wbpf.kernel.Fd;
import dev.wbpf.kernel.KernelException;
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
    private final Fd ownedSocket; // null when the socket is the caller's
    private final String description;
    private boolean closed;

    private SocketFilterLink(int socketFd, Fd ownedSocket, String description) {
        this.socketFd = socketFd;
        this.ownedSocket = ownedSocket;
        this.description = description;
    }

    /**
     * Opens a raw packet socket (AF_PACKET, ETH_P_ALL) bound to {@code interfaceName} and attaches
     * the filter to it; the link owns the socket and closes it. What the wasm-bpf ABI means by a
     * socket filter's target (and what BCC-style tools do with {@code open_raw_sock}).
     */
    public static SocketFilterLink attachToInterface(KernelProgram program, String interfaceName) {
        Links.requireKind(program, "a socket filter", AttachKind.SOCKET_FILTER);
        int ifindex;
        try {
            ifindex = Syscalls.ifNameToIndex(interfaceName);
        } catch (KernelException e) {
            throw new KernelException("network interface `" + interfaceName + "` does not exist", e.operation(),
                    e.errnoNumber(), "", e);
        }
        Fd socket = Syscalls.packetSocket(ifindex);
        try {
            setInt(socket.raw(), SO_ATTACH_BPF, program.fd().raw());
            return new SocketFilterLink(socket.raw(), socket, "socket filter on a packet socket of " + interfaceName
                    + " (ifindex " + ifindex + ") <- " + program.name());
        } catch (RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** The socket the filter is on (for reading what it lets through). */
    public int socketFd() {
        return socketFd;
    }

    /** Attaches to {@code socketFd}, which stays the caller's (the link does not close it). */
    public static SocketFilterLink attach(KernelProgram program, int socketFd) {
        Links.requireKind(program, "a socket filter", AttachKind.SOCKET_FILTER);
        setInt(socketFd, SO_ATTACH_BPF, program.fd().raw());
        return new SocketFilterLink(socketFd, null, "socket filter on fd " + socketFd + " <- " + program.name());
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
            if (ownedSocket != null) {
                ownedSocket.close(); // closing the socket drops the filter with it
            } else {
                setInt(socketFd, SO_DETACH_BPF, 0);
            }
        }
    }
}
