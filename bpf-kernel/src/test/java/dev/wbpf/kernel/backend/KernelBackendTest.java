package dev.wbpf.kernel.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wbpf.core.backend.Backends;
import dev.wbpf.core.backend.BpfBackend;
import dev.wbpf.core.backend.BpfBackendProvider;
import dev.wbpf.core.backend.BpfException;
import dev.wbpf.core.backend.BpfLink;
import dev.wbpf.core.backend.BpfMap;
import dev.wbpf.core.backend.BpfObject;
import dev.wbpf.core.backend.EventReader;
import dev.wbpf.core.backend.LoadOptions;
import dev.wbpf.core.testing.Fixtures;
import dev.wbpf.core.testing.RequiresKernel;
import dev.wbpf.kernel.FdLeakTracker;
import dev.wbpf.kernel.KernelObjects;
import dev.wbpf.kernel.PossibleCpus;
import dev.wbpf.kernel.sys.Bpf;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The kernel backend through the SPI only, as the Wasm host uses it. */
@RequiresKernel
@ExtendWith(FdLeakTracker.class)
class KernelBackendTest {
    private final List<String> log = new CopyOnWriteArrayList<>();

    private BpfBackend backend() {
        return Backends.named("kernel").orElseThrow(() -> new AssertionError("kernel backend not registered"));
    }

    private BpfObject load(String fixture) {
        return backend().load(Fixtures.spec(fixture), LoadOptions.defaults().withLog(log::add));
    }

    /** BPF_PROG_TEST_RUN through the SPI: xdp_parse passes a TCP frame and counts it. */
    @Test
    void programsTestRunThroughTheSpi() {
        try (BpfObject object = load("xdp_parse")) {
            var program = (dev.wbpf.core.backend.TestRunnable) object.program("xdp_parse_prog").orElseThrow();
            byte[] frame = new byte[128];
            frame[12] = 0x08; // EtherType IPv4
            frame[14] = 0x45; // version 4, 20-byte header
            frame[16] = 0;
            frame[17] = (byte) 114; // total length
            frame[22] = 64; // TTL
            frame[23] = 6; // TCP
            frame[14 + 20 + 12] = 0x50; // TCP data offset
            var result = program.testRun(new dev.wbpf.core.backend.TestRunnable.Input(frame, null, 10));
            assertEquals(2, result.retval(), "XDP_PASS");
            assertArrayEquals(frame, result.dataOut());
            assertEquals(24, result.contextOut().length, "struct xdp_md");
            assertTrue(result.meanNanos() >= 0);
            assertEquals(-1, result.medianNanos(), "the kernel reports only the mean");
        }
    }

    @Test
    void registeredAndAvailableAsRoot() {
        BpfBackendProvider provider = Backends.providers().stream().filter(p -> p.name().equals("kernel"))
                .findFirst().orElseThrow();
        assertTrue(provider.priority() > 0);
        BpfBackend.Availability a = backend().availability();
        assertTrue(a.available(), a.reason());
        assertEquals("kernel", Backends.automatic().backend().name());
    }

    /** execsnoop's event: kind, pid, tid, ppid at 0..15, comm at 48, filename at 64. */
    private static String string(MemorySegment record, long offset, int max) {
        byte[] bytes = record.asSlice(offset, max).toArray(ValueLayout.JAVA_BYTE);
        int end = 0;
        while (end < max && bytes[end] != 0) {
            end++;
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }

    @Test
    void execsnoopAttachedBySectionDeliversTheExecOfBinTrueToAHandler() throws Exception {
        try (BpfObject object = load("execsnoop")) {
            object.program("handle_execve").orElseThrow().attach();
            try (EventReader reader = object.map("events").orElseThrow().openEventReader()) {
                Process p = new ProcessBuilder("/bin/true").start();
                assertEquals(0, p.waitFor());
                List<String> seen = new ArrayList<>();
                boolean found = false;
                long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                while (!found && System.nanoTime() < deadline) {
                    int[] hit = {0};
                    int n = reader.poll(Duration.ofMillis(200), record -> {
                        int pid = record.get(ValueLayout.JAVA_INT_UNALIGNED, 4);
                        int ppid = record.get(ValueLayout.JAVA_INT_UNALIGNED, 12);
                        String filename = string(record, 64, 128);
                        seen.add(pid + " " + filename);
                        if (pid == p.pid() && filename.equals("/bin/true")
                                && ppid == ProcessHandle.current().pid()) {
                            hit[0] = 1;
                        }
                        return 0;
                    });
                    assertTrue(n >= 0);
                    found = hit[0] == 1;
                }
                assertTrue(found, "exec of /bin/true (pid " + p.pid() + ") among " + seen);
            }
        }
    }

    @Test
    void aNegativeHandlerReturnStopsAfterOneRecordAndKeepsTheRest() throws Exception {
        try (BpfObject object = load("execsnoop")) {
            object.program("handle_execve").orElseThrow().attach();
            EventReader reader = object.map("events").orElseThrow().openEventReader();
            for (int i = 0; i < 3; i++) {
                assertEquals(0, new ProcessBuilder("/bin/true").start().waitFor());
            }
            Thread.sleep(50);
            List<Integer> calls = new ArrayList<>();
            assertEquals(-7, reader.poll(Duration.ofSeconds(2), record -> {
                calls.add(1);
                return -7;
            }));
            assertEquals(1, calls.size(), "stopped right after the first record");
            int rest = reader.poll(Duration.ZERO, record -> 0);
            assertTrue(rest >= 2, "the other execs stayed for the next poll, got " + rest);
            reader.close();
            assertThrows(BpfException.class, () -> reader.poll(Duration.ZERO, r -> 0));
        }
    }

    @Test
    void pollWithoutEventsTimesOutWithZero() {
        try (BpfObject object = load("execsnoop"); EventReader reader = object.map("events").orElseThrow().openEventReader()) {
            assertEquals(0, reader.poll(Duration.ZERO, r -> 0));
            long start = System.nanoTime();
            assertEquals(0, reader.poll(Duration.ofMillis(100), r -> 0));
            assertTrue(System.nanoTime() - start >= 90_000_000L);
            assertEquals(0, reader.lostRecords());
        }
    }

    @Test
    void mapOperationsCarryTheKernelsErrno() {
        try (BpfObject object = load("execsnoop")) {
            BpfMap starts = object.map("starts").orElseThrow();
            assertEquals(4, starts.keySize());
            assertEquals(starts.valueSize(), starts.valueBufferSize());
            byte[] key = {42, 0, 0, 0};
            byte[] value = new byte[starts.valueBufferSize()];
            assertFalse(starts.lookup(key, value), "missing key: ENOENT is an answer");
            assertFalse(starts.delete(key));
            value[0] = 7;
            starts.update(key, value, 1 /* BPF_NOEXIST */);
            BpfException exists = assertThrows(BpfException.class, () -> starts.update(key, value, 1));
            assertEquals(BpfException.EEXIST, exists.errno(), exists.getMessage());
            BpfException missing = assertThrows(BpfException.class,
                    () -> starts.update(new byte[] {1, 0, 0, 0}, value, 2 /* BPF_EXIST */));
            assertEquals(BpfException.ENOENT, missing.errno(), missing.getMessage());
            BpfException badKey = assertThrows(BpfException.class, () -> starts.lookup(new byte[3], value));
            assertEquals(BpfException.EINVAL, badKey.errno());

            byte[] read = new byte[starts.valueBufferSize()];
            assertTrue(starts.lookup(key, read));
            assertArrayEquals(value, read);
            byte[] next = new byte[4];
            assertTrue(starts.nextKey(null, next));
            assertArrayEquals(key, next);
            assertFalse(starts.nextKey(key, next), "one key only");
            byte[] taken = new byte[starts.valueBufferSize()];
            assertTrue(starts.lookupAndDelete(key, taken));
            assertArrayEquals(value, taken);
            assertFalse(starts.lookup(key, read));

            BpfException notEvents = assertThrows(BpfException.class, starts::openEventReader);
            assertEquals(BpfException.EINVAL, notEvents.errno());
        }
    }

    @Test
    void perCpuValueBuffersHoldOneAlignedSlotPerPossibleCpu() throws IOException {
        Path pins = Path.of("/sys/fs/bpf/wbpf-spi-" + ProcessHandle.current().pid());
        Files.createDirectories(pins);
        try (BpfObject object = backend().load(Fixtures.spec("percpu"),
                LoadOptions.defaults().withLog(log::add).withPinRoot(pins))) {
            BpfMap map = object.map("pcpu_arr_pinned").orElseThrow();
            assertEquals(8, map.valueSize());
            assertEquals(PossibleCpus.count() * 8, map.valueBufferSize());
            BpfMap hash = object.map("pcpu_hash").orElseThrow();
            assertEquals(PossibleCpus.count() * ((hash.valueSize() + 7) & ~7), hash.valueBufferSize());
            byte[] value = new byte[map.valueBufferSize()];
            for (int cpu = 0; cpu < PossibleCpus.count(); cpu++) {
                value[cpu * 8] = (byte) (cpu + 1);
            }
            byte[] key = {3, 0, 0, 0};
            map.update(key, value, 0);
            byte[] read = new byte[map.valueBufferSize()];
            assertTrue(map.lookup(key, read));
            assertArrayEquals(value, read);
            BpfException tooSmall = assertThrows(BpfException.class, () -> map.lookup(key, new byte[8 * PossibleCpus.count() - 1]));
            assertEquals(BpfException.EINVAL, tooSmall.errno());
        } finally {
            try (var files = Files.list(pins)) {
                for (Path p : files.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(pins);
        }
    }

    @Test
    void closingTheObjectDetachesItsLinks() throws Exception {
        Set<Integer> before = new HashSet<>(Bpf.allIds(Bpf.ObjectKind.LINK));
        Set<Integer> ours = new HashSet<>();
        BpfObject object = load("execsnoop");
        try {
            BpfLink exec = object.program("handle_execve").orElseThrow().attach();
            BpfLink exit = object.program("handle_exit").orElseThrow().attach("sched/sched_process_exit");
            assertTrue(exec.description().contains("sys_enter_execve"), exec.description());
            assertTrue(exit.description().contains("sched_process_exit"), exit.description());
            for (int id : Bpf.allIds(Bpf.ObjectKind.LINK)) {
                if (!before.contains(id)) {
                    try (var fd = Bpf.fdById(Bpf.ObjectKind.LINK, id)) {
                        int prog = Bpf.linkInfo(fd.raw()).programId();
                        try (var p = Bpf.fdById(Bpf.ObjectKind.PROGRAM, prog)) {
                            String name = Bpf.progInfo(p.raw()).name();
                            if (name.equals("handle_execve") || name.equals("handle_exit")) {
                                ours.add(id);
                            }
                        }
                    } catch (BpfException gone) {
                        // another process's link went away meanwhile
                    }
                }
            }
            assertEquals(2, ours.size(), "two links made: " + ours);
        } finally {
            object.close();
        }
        object.close(); // twice does nothing
        for (int id : ours) {
            KernelObjects.assertGone(Bpf.ObjectKind.LINK, id, before);
        }
        BpfException closed = assertThrows(BpfException.class, () -> object.program("handle_execve").orElseThrow().attach());
        assertEquals(BpfException.EBADF, closed.errno());
    }

    @Test
    void attachErrorsCarryAnErrno() {
        try (BpfObject object = load("execsnoop")) {
            var prog = object.program("handle_execve").orElseThrow();
            BpfException form = assertThrows(BpfException.class, () -> prog.attach("no-slash"));
            assertEquals(BpfException.EINVAL, form.errno());
            BpfException missing = assertThrows(BpfException.class, () -> prog.attach("syscalls/sys_enter_nothing_like_this"));
            assertEquals(BpfException.ENOENT, missing.errno(), missing.getMessage());
        }
        BpfException refused = assertThrows(BpfException.class, () -> load("tracing"));
        assertEquals(BpfException.EPERM, refused.errno(), refused.getMessage());
    }

    @Test
    void perfBufferReadersExistFromLoadSoEventsBeforeTheFirstOpenAreKept() throws Exception {
        Path file = Files.createTempFile("wbpf-spi-perf", ".txt");
        try (BpfObject object = load("opensnoop")) {
            object.program("tracepoint__syscalls__sys_enter_openat").orElseThrow().attach();
            object.program("tracepoint__syscalls__sys_exit_openat").orElseThrow().attach();
            Files.readString(file); // before any reader was asked for
            try (EventReader reader = object.map("events").orElseThrow().openEventReader()) {
                boolean seen = false;
                long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                while (!seen && System.nanoTime() < deadline) {
                    boolean[] hit = {false};
                    reader.poll(Duration.ofMillis(200), record -> {
                        if (record.byteSize() >= 48 + 1 && string(record, 48, (int) Math.min(256, record.byteSize() - 48))
                                .equals(file.toString())) {
                            hit[0] = true;
                            return -1; // stop here; the rest stays
                        }
                        return 0;
                    });
                    seen = hit[0];
                }
                assertTrue(seen, "the open of " + file + " made before openEventReader was delivered");
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void aSocketFilterOnAnInterfaceSeesItsPackets() throws Exception {
        try (BpfObject object = load("sockfilter")) {
            var prog = object.program("socket_count").orElseThrow();
            BpfException noSuch = assertThrows(BpfException.class, () -> prog.attach("wbpf-no-such0"));
            assertEquals(19 /* ENODEV */, noSuch.errno(), noSuch.getMessage());
            BpfMap counts = object.map("proto_counts").orElseThrow();
            byte[] udp = {17, 0, 0, 0};
            byte[] stats = new byte[counts.valueBufferSize()];
            try (BpfLink link = prog.attach("lo");
                    java.net.DatagramSocket socket = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
                assertTrue(link.description().contains("lo"), link.description());
                byte[] payload = "wbpf".getBytes(StandardCharsets.UTF_8);
                for (int i = 0; i < 5; i++) {
                    socket.send(new java.net.DatagramPacket(payload, payload.length, socket.getLocalSocketAddress()));
                }
                long packets = 0;
                for (int i = 0; i < 100 && packets < 5; i++) {
                    if (counts.lookup(udp, stats)) {
                        packets = java.nio.ByteBuffer.wrap(stats).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong(0);
                    }
                    Thread.sleep(10);
                }
                assertTrue(packets >= 5, "UDP packets counted on lo: " + packets);
            }
        }
    }

    @Test
    void closingFromAHandlerOrAnotherThreadWaitsForThePollToFinish() throws Exception {
        BpfObject object = load("execsnoop");
        object.program("handle_execve").orElseThrow().attach();
        EventReader reader = object.map("events").orElseThrow().openEventReader();
        for (int i = 0; i < 3; i++) {
            assertEquals(0, new ProcessBuilder("/bin/true").start().waitFor());
        }
        List<Long> pids = new ArrayList<>();
        int n = reader.poll(Duration.ofSeconds(2), record -> {
            object.close(); // the ring stays mapped until this poll returns
            pids.add((long) record.get(ValueLayout.JAVA_INT_UNALIGNED, 4));
            return 0;
        });
        assertTrue(n >= 1 && pids.size() == n, n + " records, " + pids);
        BpfException closed = assertThrows(BpfException.class, () -> reader.poll(Duration.ZERO, r -> 0));
        assertEquals(BpfException.EBADF, closed.errno());

        BpfObject other = load("execsnoop");
        EventReader waiting = other.map("events").orElseThrow().openEventReader();
        Thread poller = Thread.ofPlatform().start(() -> waiting.poll(Duration.ofMillis(300), r -> 0));
        Thread.sleep(50);
        other.close(); // while the other thread waits in epoll
        poller.join(2000);
        assertFalse(poller.isAlive());
    }

    @Test
    void xdpAttachesToAnInterfaceByNameAndKprobesSayTheKernelLacksThem() {
        try (BpfObject object = load("links")) {
            var xdp = object.program("count_udp").orElseThrow();
            BpfException noSection = assertThrows(BpfException.class, xdp::attach);
            assertEquals(BpfException.EINVAL, noSection.errno(), noSection.getMessage());
            BpfException noSuch = assertThrows(BpfException.class, () -> xdp.attach("wbpf-no-such0"));
            assertEquals(19 /* ENODEV */, noSuch.errno(), noSuch.getMessage());
            try (BpfLink link = xdp.attach("lo")) {
                assertTrue(link.description().startsWith("xdp lo"), link.description());
            }
            if (!Files.isDirectory(Path.of("/sys/bus/event_source/devices/kprobe"))) {
                BpfException kprobe = assertThrows(BpfException.class,
                        () -> object.program("on_unlinkat").orElseThrow().attach("do_unlinkat+0"));
                assertEquals(BpfException.EOPNOTSUPP, kprobe.errno(), kprobe.getMessage());
            }
        }
    }
}
