package dev.wbpf.kernel;

import dev.wbpf.kernel.sys.Syscalls;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Owns one kernel file descriptor (a map, program, link, BTF object, perf event, epoll instance…)
 * and closes it exactly once: a second {@link #close()} does nothing, so owners can close
 * defensively on every error path.
 */
public final class Fd implements AutoCloseable {
    private static final int CLOSED = -1;
    private static volatile FdObserver observer = FdObserver.NONE;

    private final AtomicInteger value;

    private Fd(int value) {
        this.value = new AtomicInteger(value);
    }

    /** Takes ownership of a descriptor the kernel just returned. */
    public static Fd adopt(int fd) {
        if (fd < 0) {
            throw new IllegalArgumentException("not a file descriptor: " + fd);
        }
        Fd owned = new Fd(fd);
        observer.opened(owned);
        return owned;
    }

    /** The raw number, for passing to the kernel. Fails once closed, so a stale number is never reused. */
    public int raw() {
        int fd = value.get();
        if (fd == CLOSED) {
            throw new IllegalStateException("file descriptor already closed");
        }
        return fd;
    }

    public boolean isClosed() {
        return value.get() == CLOSED;
    }

    @Override
    public void close() {
        int fd = value.getAndSet(CLOSED);
        if (fd != CLOSED) {
            observer.closed(this);
            Syscalls.close(fd);
        }
    }

    @Override
    public String toString() {
        int fd = value.get();
        return fd == CLOSED ? "Fd(closed)" : "Fd(" + fd + ")";
    }

    /**
     * Installs an observer of every descriptor opened and closed (tests use it to find leaks).
     * Returns a handle that restores the previous observer.
     */
    public static AutoCloseable observe(FdObserver newObserver) {
        FdObserver previous = observer;
        observer = newObserver;
        return () -> observer = previous;
    }
}
