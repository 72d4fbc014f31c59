package dev.wbpf.kernel.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wbpf.core.object.BpfObjectSpec;
import dev.wbpf.core.object.ProgramSpec;
import dev.wbpf.core.prog.ProgramSection;
import dev.wbpf.core.testing.Fixtures;
import dev.wbpf.core.testing.RequiresKernel;
import dev.wbpf.kernel.Errno;
import dev.wbpf.kernel.Fd;
import dev.wbpf.kernel.FdLeakTracker;
import dev.wbpf.kernel.KernelException;
import dev.wbpf.kernel.KernelObjects;
import dev.wbpf.kernel.feature.KernelFeatures;
import dev.wbpf.kernel.loader.KernelLoader;
import dev.wbpf.kernel.loader.KernelObject;
import dev.wbpf.kernel.loader.LoadOptions;
import dev.wbpf.kernel.sys.Bpf;
import dev.wbpf.kernel.sys.Syscalls;
import java.io.FileOutputStream;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Every attach kind with real events: the links fixture counts what it sees into an array map. */
@RequiresKernel
@ExtendWith(FdLeakTracker.class)
class LinksTest {
    private static final int WRITES = 0;
    private static final int RAW_SYS_ENTER = 1;
    private static final int BTF_SYS_ENTER = 2;
    private static final int XDP_UDP = 3;
    private static final int SOCK_SEEN = 4;
    private static final int SOCK_DROPPED = 5;

    /** The calling thread's kernel tid, from /proc/thread-self → "PID/task/TID". */
    private static int currentTid() throws IOException {
        return Integer.parseInt(Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString());
    }

    private static KernelObject loadForThisThread() throws IOException {
        return KernelLoader.load(Fixtures.spec("links"), LoadOptions.defaults()
                .withConstant("target_tgid", ProcessHandle.current().pid())
                .withConstant("target_tid", currentTid()));
    }

    private static long count(KernelObject object, int slot) {
        byte[] key = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(slot).array();
        byte[] value = object.map("counts").lookup(key).orElseThrow();
        return ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    /** Exactly {@code n} write(2) calls from this thread (FileOutputStream.write(int) is one each). */
    private static void writes(int n) throws IOException {
        try (FileOutputStream out = new FileOutputStream("/dev/null")) {
            for (int i = 0; i < n; i++) {
                out.write(i);
            }
        }
    }

    private static long await(LongSupplier value, long expected) throws InterruptedException {
        long v = value.getAsLong();
        for (int i = 0; i < 200 && v < expected; i++) {
            Thread.sleep(10);
            v = value.getAsLong();
        }
        return v;
    }

    @Test
    void tracepointCountsExactlyTheWritesOfThisThread() throws Exception {
        try (KernelObject object = loadForThisThread()) {
            try (TracepointLink link = TracepointLink.attach(object.program("count_write"))) {
                assertEquals("tracepoint syscalls/sys_enter_write <- count_write", link.describe());
                long before = count(object, WRITES);
                writes(100);
                assertEquals(before + 100, count(object, WRITES));
            }
            long detached = count(object, WRITES);
            writes(10);
            assertEquals(detached, count(object, WRITES), "no counting after close");
        }
    }

    @Test
    void rawTracepointAndTpBtfSeeEverySyscallEntry() throws Exception {
        try (KernelObject object = loadForThisThread();
                RawTracepointLink raw = RawTracepointLink.attach(object.program("count_raw_sys_enter"));
                TracingLink btf = TracingLink.attach(object.program("count_btf_sys_enter"))) {
            long rawBefore = count(object, RAW_SYS_ENTER);
            long btfBefore = count(object, BTF_SYS_ENTER);
            writes(50);
            // 50 writes plus open/close and the bpf(2) lookups themselves.
            assertTrue(count(object, RAW_SYS_ENTER) - rawBefore >= 50);
            assertTrue(count(object, BTF_SYS_ENTER) - btfBefore >= 50);
            assertTrue(raw.id() > 0 && btf.id() > 0);
        }
    }

    @Test
    void xdpOnLoopbackCountsTheUdpPacketsSentToItsPort() throws Exception {
        Set<Integer> linksBefore = KernelObjects.snapshot(Bpf.ObjectKind.LINK);
        try (DatagramSocket receiver = new DatagramSocket(0, InetAddress.getLoopbackAddress());
                DatagramSocket other = new DatagramSocket(0, InetAddress.getLoopbackAddress());
                DatagramSocket sender = new DatagramSocket()) {
            int port = receiver.getLocalPort();
            int linkId;
            try (KernelObject object = KernelLoader.load(Fixtures.spec("links"),
                    LoadOptions.defaults().withConstant("udp_port", port));
                    XdpLink link = XdpLink.attach(object.program("count_udp"), "lo")) {
                linkId = link.id();
                byte[] payload = "ping".getBytes(StandardCharsets.US_ASCII);
                for (int i = 0; i < 5; i++) {
                    sender.send(new DatagramPacket(payload, payload.length, InetAddress.getLoopbackAddress(), port));
                }
                for (int i = 0; i < 3; i++) {
                    sender.send(new DatagramPacket(payload, payload.length, InetAddress.getLoopbackAddress(),
                            other.getLocalPort()));
                }
                assertEquals(5, await(() -> count(object, XDP_UDP), 5));
                Thread.sleep(50);
                assertEquals(5, count(object, XDP_UDP), "packets to other ports are not counted");
            }
            KernelObjects.assertGone(Bpf.ObjectKind.LINK, linkId, linksBefore);
        }
    }

    @Test
    void aSecondXdpProgramOnTheSameInterfaceIsRefusedWithTheReason() {
        try (KernelObject object = KernelLoader.load(Fixtures.spec("links"));
                XdpLink first = XdpLink.attach(object.program("count_udp"), "lo")) {
            KernelException busy = assertThrows(KernelException.class,
                    () -> XdpLink.attach(object.program("count_udp"), "lo"));
            assertTrue(busy.is(Errno.EBUSY), busy.getMessage());
            assertTrue(busy.getMessage().contains("another XDP program is already attached there"), busy.getMessage());
        }
    }

    @Test
    void socketFilterDropsMarkedDatagramsAndPassesOthers() throws Exception {
        try (KernelObject object = KernelLoader.load(Fixtures.spec("links"));
                Fd socket = Syscalls.socket(Syscalls.AF_INET, Syscalls.SOCK_DGRAM | Syscalls.SOCK_CLOEXEC, 0);
                DatagramSocket sender = new DatagramSocket();
                Arena arena = Arena.ofConfined()) {
            int port = Syscalls.bindLoopback(socket.raw(), 0);
            MemorySegment buffer = arena.allocate(256);
            try (SocketFilterLink filter = SocketFilterLink.attach(object.program("drop_marked"), socket.raw())) {
                for (String message : List.of("hello", "dropD", "bye")) {
                    byte[] b = message.getBytes(StandardCharsets.US_ASCII);
                    sender.send(new DatagramPacket(b, b.length, InetAddress.getLoopbackAddress(), port));
                }
                assertEquals(List.of("hello", "bye"), receiveAll(socket, buffer, 2));
                assertEquals(3, count(object, SOCK_SEEN));
                assertEquals(1, count(object, SOCK_DROPPED));
            }
            byte[] b = "againD".getBytes(StandardCharsets.US_ASCII);
            sender.send(new DatagramPacket(b, b.length, InetAddress.getLoopbackAddress(), port));
            assertEquals(List.of("againD"), receiveAll(socket, buffer, 1), "detached filter drops nothing");
        }
    }

    /** Datagrams received within a short wait, at least {@code expected} of them if they come. */
    private static List<String> receiveAll(Fd socket, MemorySegment buffer, int expected) throws InterruptedException {
        List<String> got = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            int n = Syscalls.recv(socket.raw(), buffer, Syscalls.MSG_DONTWAIT);
            if (n >= 0) {
                got.add(new String(buffer.asSlice(0, n).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE),
                        StandardCharsets.US_ASCII));
                continue;
            }
            if (got.size() >= expected) {
                Thread.sleep(20); // anything more (a wrongly passed datagram) would show up now
                if (Syscalls.recv(socket.raw(), buffer, Syscalls.MSG_DONTWAIT) < 0) {
                    break;
                }
                got.add("<unexpected>");
            }
            Thread.sleep(10);
        }
        return got;
    }

    @Test
    void kprobesSayWhenTheKernelHasNone() throws Exception {
        try (KernelObject object = KernelLoader.load(Fixtures.spec("links"))) {
            if (KernelFeatures.system().kprobes()) {
                try (KprobeLink link = KprobeLink.attach(object.program("on_unlinkat"))) {
                    assertTrue(link.describe().startsWith("kprobe do_unlinkat"));
                }
            } else {
                KernelException e = assertThrows(KernelException.class,
                        () -> KprobeLink.attach(object.program("on_unlinkat")));
                assertEquals("kprobes are not supported by this kernel (no kprobe PMU in /sys/bus/event_source/devices);"
                        + " cannot attach `on_unlinkat` to do_unlinkat", e.getMessage());
            }
        }
    }

    @Test
    void attachingToWhatDoesNotExistSaysSo() throws Exception {
        try (KernelObject object = KernelLoader.load(Fixtures.spec("links"))) {
            KernelException tp = assertThrows(KernelException.class,
                    () -> TracepointLink.attach(object.program("count_write"), "syscalls", "sys_enter_wbpf_nope"));
            assertTrue(tp.getMessage().contains("tracepoint syscalls/sys_enter_wbpf_nope does not exist"), tp.getMessage());
            KernelException raw = assertThrows(KernelException.class,
                    () -> RawTracepointLink.attach(object.program("count_raw_sys_enter"), "wbpf_nope"));
            assertTrue(raw.getMessage().contains("raw tracepoint `wbpf_nope` does not exist"), raw.getMessage());
            KernelException dev = assertThrows(KernelException.class,
                    () -> XdpLink.attach(object.program("count_udp"), "wbpfnope0"));
            assertTrue(dev.getMessage().contains("network interface `wbpfnope0` does not exist"), dev.getMessage());
            KernelException kind = assertThrows(KernelException.class,
                    () -> XdpLink.attach(object.program("count_write"), "lo"));
            assertTrue(kind.getMessage().contains("cannot be attached as XDP"), kind.getMessage());
        }
    }

    @Test
    void anUnknownTpBtfTargetFailsTheLoadByName() {
        BpfObjectSpec spec = Fixtures.spec("links");
        ProgramSpec p = spec.program("count_btf_sys_enter").orElseThrow();
        ProgramSection d = p.definition();
        ProgramSection missing = new ProgramSection("tp_btf/wbpf_nope", d.type(), d.expectedAttach(), d.kind(),
                "wbpf_nope", false, false);
        ProgramSpec renamed = new ProgramSpec(p.name(), "tp_btf/wbpf_nope", missing, p.license(), p.code(),
                p.functions(), p.relocations(), p.funcInfos(), p.lineInfos(), p.coreRelocations());
        BpfObjectSpec changed = new BpfObjectSpec(spec.source(), spec.objectName(), spec.license(), spec.kernelVersion(),
                List.of(renamed), spec.maps(), spec.globals(), spec.externs(), spec.btf(), spec.btfExt());
        KernelException e = assertThrows(KernelException.class, () -> KernelLoader.load(changed));
        assertEquals("program `count_btf_sys_enter` (section tp_btf/wbpf_nope) attaches to `wbpf_nope`, which this"
                + " kernel does not have (no typedef btf_trace_wbpf_nope in its BTF)", e.getMessage());
    }

    @Test
    void fentryAndLsmSayWhatTheKernelRefused() {
        BpfObjectSpec spec = Fixtures.spec("tracing");
        for (String name : List.of("enter_unlinkat", "check_open")) {
            ProgramSpec p = spec.program(name).orElseThrow();
            BpfObjectSpec one = new BpfObjectSpec(spec.source(), spec.objectName(), spec.license(), spec.kernelVersion(),
                    List.of(p), spec.maps(), spec.globals(), spec.externs(), spec.btf(), spec.btfExt());
            KernelObject loaded;
            try {
                loaded = KernelLoader.load(one);
            } catch (KernelException e) {
                String kind = name.equals("check_open") ? "lsm" : "fentry";
                assertTrue(e.getMessage().startsWith("kernel refused program `" + name + "` (section " + p.section()
                        + "): EPERM: this kernel does not allow " + kind + " programs"), e.getMessage());
                continue;
            }
            // A kernel that allows them: attaching works too.
            try (KernelObject object = loaded; TracingLink link = TracingLink.attach(object.program(name))) {
                assertTrue(link.id() > 0);
            }
        }
    }
}
