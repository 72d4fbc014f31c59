package dev.wbpf.kernel.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wbpf.core.testing.RequiresKernel;
import dev.wbpf.kernel.Errno;
import dev.wbpf.kernel.Fd;
import dev.wbpf.kernel.FdLeakTracker;
import dev.wbpf.kernel.KernelException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(FdLeakTracker.class)
class SyscallsTest {

    @Test
    void errnoNamesAndMessages() {
        assertEquals(Errno.EINVAL, Errno.of(22));
        assertEquals(Errno.EOPNOTSUPP, Errno.ENOTSUP);
        assertEquals(Errno.UNKNOWN, Errno.of(4000));
        KernelException e = new KernelException("BPF_MAP_CREATE", 22);
        assertEquals("BPF_MAP_CREATE: EINVAL (Invalid argument)", e.getMessage());
        assertEquals("BPF_X: errno 4000 (Unknown error)", new KernelException("BPF_X", 4000).getMessage());
    }

    @Test
    void getpidMatchesTheJvm() {
        assertEquals(ProcessHandle.current().pid(), Syscalls.getpid());
    }

    @Test
    void loopbackIsInterfaceOne() {
        assertEquals(1, Syscalls.ifNameToIndex("lo"));
        KernelException e = assertThrows(KernelException.class, () -> Syscalls.ifNameToIndex("wbpf-nope0"));
        assertEquals(Errno.ENODEV, e.kernelErrno());
    }

    @Test
    void closingTwiceIsHarmless() {
        Fd epoll = Syscalls.epollCreate1(Syscalls.EPOLL_CLOEXEC);
        epoll.close();
        epoll.close();
        assertTrue(epoll.isClosed());
        assertThrows(IllegalStateException.class, epoll::raw);
    }

    @Test
    void epollWaitTimesOutWithNothingReady() {
        try (Fd epoll = Syscalls.epollCreate1(Syscalls.EPOLL_CLOEXEC); Arena arena = Arena.ofConfined()) {
            MemorySegment events = arena.allocate(12 * 4);
            assertEquals(0, Syscalls.epollWait(epoll.raw(), events, 4, 1));
        }
    }

    @Test
    void ioctlErrorsNameTheRequest() {
        try (Fd epoll = Syscalls.epollCreate1(Syscalls.EPOLL_CLOEXEC)) {
            KernelException e = assertThrows(KernelException.class, () -> Syscalls.ioctl(epoll.raw(), 0x8933, 0));
            // Which errno depends on the kernel (ENOTTY or EINVAL for epoll); the message must name the call.
            assertTrue(e.getMessage().startsWith("ioctl(" + epoll.raw() + ", 0x8933): E"), e.getMessage());
        }
    }

    @Test
    @RequiresKernel
    void mmapOfAnMmapableArraySharesMemoryWithTheMap() {
        int bpfFMmapable = 1 << 10;
        try (Fd map = Bpf.mapCreate(MapCreateRequest.of(2, 4, 8, 512).withFlags(bpfFMmapable));
                Arena arena = Arena.ofConfined()) {
            MemorySegment mapping = Syscalls.mmap(4096, Syscalls.PROT_READ | Syscalls.PROT_WRITE,
                    Syscalls.MAP_SHARED, map.raw(), 0);
            try {
                mapping.set(ValueLayout.JAVA_LONG, 8 * 3, 0x1234_5678_9abcL);
                MemorySegment key = arena.allocateFrom(ValueLayout.JAVA_INT, 3);
                MemorySegment value = arena.allocate(8);
                assertTrue(Bpf.mapLookupElem(map.raw(), key, value, 0));
                assertEquals(0x1234_5678_9abcL, value.get(ValueLayout.JAVA_LONG, 0));
            } finally {
                Syscalls.munmap(mapping);
            }
        }
    }
}
