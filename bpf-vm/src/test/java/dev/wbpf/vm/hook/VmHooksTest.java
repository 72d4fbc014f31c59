package dev.wbpf.vm.hook;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wbpf.core.backend.BpfException;
import dev.wbpf.core.backend.BpfLink;
import dev.wbpf.core.backend.BpfMap;
import dev.wbpf.core.backend.BpfObject;
import dev.wbpf.core.backend.EventReader;
import dev.wbpf.core.backend.LoadOptions;
import dev.wbpf.core.object.BpfObjectReader;
import dev.wbpf.core.object.BpfObjectSpec;
import dev.wbpf.core.object.GlobalDataSpec;
import dev.wbpf.vm.backend.VmAttachPoint;
import dev.wbpf.vm.backend.VmBackend;
import dev.wbpf.vm.backend.VmBpfObject;
import dev.wbpf.vm.load.Packets;
import dev.wbpf.vm.map.VmMap;
import java.io.ByteArrayOutputStream;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VmHooksTest {
    private static final LoadOptions QUIET = LoadOptions.defaults().withLog(line -> { });
    private static final int CNT_TOTAL = 0, CNT_DROPPED = 8;

    @TempDir
    Path dir;

    private static BpfObjectSpec spec(String name) throws Exception {
        return BpfObjectReader.read(Path.of(System.getProperty("wbpf.testdata", "../testdata"), "bpf", "out", name + ".bpf.o"));
    }

    private static long u64(BpfMap map, int key) {
        byte[] value = new byte[map.valueBufferSize()];
        assertTrue(map.lookup(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(key).array(), value));
        ByteBuffer b = ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN);
        long sum = 0;
        for (int off = 0; off + 8 <= value.length; off += map.valueSize() == 16 ? 16 : 8) {
            sum += b.getLong(off); // per-CPU values: add them up
        }
        return sum;
    }

    /** tcp, udp to 53 (dropped by XDP), udp to 54, IPv6 tcp, ARP. */
    private static List<byte[]> frames() {
        return List.of(
                Packets.ethernet(0x0800, Packets.ipv4(Packets.TCP, 0, Packets.tcp(1234, 80, true, false))),
                Packets.ethernet(0x0800, Packets.ipv4(Packets.UDP, 0, Packets.udp(9, 53, 4))),
                Packets.ethernet(0x0800, Packets.ipv4(Packets.UDP, 0, Packets.udp(9, 54, 12))),
                Packets.ethernet(0x86dd, Packets.ipv6(Packets.TCP, Packets.tcp(1, 2, false, true))),
                Packets.padTo(Packets.ethernet(0x0806, new byte[28]), 60));
    }

    private static byte[] pcapng(List<byte[]> frames, int linkType) {
        ByteBuffer b = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x0A0D0D0A).putInt(28).putInt(0x1A2B3C4D).putShort((short) 1).putShort((short) 0).putLong(-1).putInt(28);
        // IDB with if_tsresol = 9 (ns)
        b.putInt(1).putInt(32).putShort((short) linkType).putShort((short) 0).putInt(65535)
                .putShort((short) 9).putShort((short) 1).putInt(9).putInt(0).putInt(32);
        for (int i = 0; i < frames.size(); i++) {
            byte[] f = frames.get(i);
            int padded = (f.length + 3) & ~3;
            if (i == frames.size() - 1) { // the last one as a simple packet block
                int len = 16 + padded;
                b.putInt(3).putInt(len).putInt(f.length).put(f).put(new byte[padded - f.length]).putInt(len);
            } else {
                int len = 32 + padded;
                long ts = 1_700_000_000_000_000_000L + i;
                b.putInt(6).putInt(len).putInt(0).putInt((int) (ts >>> 32)).putInt((int) ts).putInt(f.length).putInt(f.length)
                        .put(f).put(new byte[padded - f.length]).putInt(len);
            }
        }
        // an interface statistics block, skipped
        b.putInt(5).putInt(24).putInt(0).putInt(0).putInt(0).putInt(24);
        return java.util.Arrays.copyOf(b.array(), b.position());
    }

    private void runPackets(boolean ng) throws Exception {
        VmBackend backend = VmBackend.standard();
        VmInterface lo = backend.attachPoint(VmNetwork.class).orElseThrow().interfaceNamed("lo").orElseThrow();
        Path capture = dir.resolve(ng ? "in.pcapng" : "in.pcap");
        if (ng) {
            Files.write(capture, pcapng(frames(), 1));
        } else {
            try (PcapWriter w = new PcapWriter(capture)) {
                long t = 1_700_000_000_000_000_000L;
                for (byte[] f : frames()) {
                    w.write(t += 1000, f);
                }
            }
        }
        Path out = dir.resolve("passed.pcap");
        try (BpfObject xdpObj = backend.load(spec("xdp_parse"), QUIET);
             BpfObject sockObj = backend.load(spec("sockfilter"), QUIET);
             BpfObject probeObj = backend.load(spec("vm_probe"), QUIET);
             PcapWriter passed = new PcapWriter(out)) {
            // drop UDP to port 53, as xdp_parse's .rodata says
            var vm = ((VmBpfObject) xdpObj).vmObject();
            GlobalDataSpec rodata = vm.spec().global(".rodata").orElseThrow();
            VmMap ro = vm.map(rodata.mapName()).orElseThrow();
            byte[] value = ro.lookup(new byte[4]);
            value[rodata.variables().stream().filter(v -> v.name().equals("drop_udp_dport")).findFirst().orElseThrow().offset()] = 53;
            ro.update(new byte[4], value, 0);

            BpfLink xdp = xdpObj.program("xdp_parse_prog").orElseThrow().attach("lo");
            var counting = (VmInterface.Attachment) sockObj.program("socket_count").orElseThrow().attach("lo");
            var snap = (VmInterface.Attachment) probeObj.program("snap_ipv4_headers").orElseThrow().attach("lo");
            lo.writePassedTo(passed);
            assertEquals(5, lo.replay(capture));
            lo.writePassedTo(null);
            passed.flush();

            VmInterface.Counters c = lo.counters();
            assertEquals(5, c.received());
            assertEquals(1, c.xdpDrop());
            assertEquals(4, c.xdpPass());
            assertEquals(4, c.passed());
            assertEquals(0, c.faults());
            assertEquals(1, ((VmInterface.Attachment) xdp).verdicts(VmInterface.XdpVerdict.DROP));
            BpfMap counters = xdpObj.map("counters").orElseThrow();
            assertEquals(5, u64(counters, CNT_TOTAL));
            assertEquals(1, u64(counters, CNT_DROPPED));
            assertTrue(lo.summary().contains("5 received; xdp pass 4, drop 1"), lo.summary());

            // pcap-out holds exactly the passed frames
            List<Pcap.Packet> written = Pcap.read(out);
            List<byte[]> expected = new ArrayList<>(frames());
            expected.remove(1);
            assertEquals(expected.size(), written.size());
            for (int i = 0; i < expected.size(); i++) {
                assertArrayEquals(expected.get(i), written.get(i).data());
            }
            // socket_count keeps IPv4 TCP/UDP whole and drops the rest; the snap socket takes 34 bytes of IPv4 frames
            assertEquals(2, counting.received().size());
            assertArrayEquals(expected.get(0), counting.received().get(0));
            assertEquals(2, snap.received().size());
            assertArrayEquals(java.util.Arrays.copyOf(expected.get(1), 34), snap.received().get(1));
            assertEquals(4, c.socketDelivered());
            assertEquals(4, c.socketFiltered());

            // the embedding API: inject(), and detaching
            xdp.close();
            assertEquals(VmInterface.XdpVerdict.PASS, lo.inject(frames().get(1)));
            assertEquals(5, lo.counters().passed());
        }
    }

    @Test
    void xdpAndSocketFiltersOnAPcapFile() throws Exception {
        runPackets(false);
    }

    @Test
    void xdpAndSocketFiltersOnAPcapngFile() throws Exception {
        runPackets(true);
    }

    @Test
    void framesATcProgramRewritesAreCountedAsAdjusted() throws Exception {
        VmBackend backend = VmBackend.standard();
        VmInterface lo = backend.attachPoint(VmNetwork.class).orElseThrow().interfaceNamed("lo").orElseThrow();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (BpfObject tc = backend.load(spec("tc_classify"), QUIET); PcapWriter passed = new PcapWriter(out, 65535)) {
            tc.program("tc_classify").orElseThrow().attach("lo");
            lo.writePassedTo(passed);
            byte[] tcp = frames().get(0); // IPv4, TTL 64: tc_classify decrements it
            lo.inject(tcp);
            lo.inject(frames().get(4)); // ARP: left alone
            passed.flush();
            assertEquals(1, lo.counters().adjusted());
            assertEquals(2, lo.counters().passed());
            assertTrue(lo.summary().endsWith("; 1 adjusted"), lo.summary());
            byte[] rewritten = Pcap.parse(out.toByteArray()).get(0).data();
            assertEquals(tcp[14 + 8] - 1, rewritten[14 + 8], "the TTL as tc left it is what passed");
        }
    }

    @Test
    void aReplayWaitsForAProgramAndForAttachingToSettle() throws Exception {
        VmBackend backend = VmBackend.standard();
        VmInterface eth1 = backend.attachPoint(VmNetwork.class).orElseThrow().create("eth1");
        List<Pcap.Packet> packets = frames().stream().map(f -> new Pcap.Packet(0, f, f.length)).toList();
        try (PcapReplay replay = PcapReplay.whenAttached(eth1, packets, Duration.ofMillis(300));
             BpfObject xdpObj = backend.load(spec("xdp_parse"), QUIET);
             BpfObject sockObj = backend.load(spec("sockfilter"), QUIET)) {
            Thread.sleep(100);
            assertEquals(0, eth1.counters().received(), "nothing is replayed before a program attaches");
            assertTrue(!replay.awaitDone(Duration.ofMillis(10)) && !replay.started());
            xdpObj.program("xdp_parse_prog").orElseThrow().attach("eth1");
            Thread.sleep(100); // within the settle time: the socket filter attaches in the same burst
            var socket = (VmInterface.Attachment) sockObj.program("socket_count").orElseThrow().attach("eth1");
            assertTrue(replay.awaitDone(Duration.ofSeconds(10)));
            assertEquals(5, replay.replayed());
            assertEquals(5, eth1.counters().received());
            assertEquals(3, socket.received().size(), "the socket filter attached 100 ms after XDP saw the capture too (its 3 IPv4 frames)");
        }
    }

    @Test
    void pcapReaderRejectsOtherLinkTypesAndCorruptFiles() throws Exception {
        Pcap.PcapException sll = assertThrows(Pcap.PcapException.class, () -> Pcap.parse(pcapng(frames(), 113)));
        assertTrue(sll.getMessage().contains("link type 113") && sll.getMessage().contains("Ethernet"), sll.getMessage());
        byte[] good = pcapng(frames(), 1);
        Pcap.PcapException cut = assertThrows(Pcap.PcapException.class, () -> Pcap.parse(java.util.Arrays.copyOf(good, good.length - 30)));
        assertTrue(cut.getMessage().contains("offset"), cut.getMessage());
        Pcap.PcapException junk = assertThrows(Pcap.PcapException.class, () -> Pcap.parse("hello, world".getBytes()));
        assertTrue(junk.getMessage().contains("not a pcap or pcapng file"), junk.getMessage());
        ByteArrayOutputStream classic = new ByteArrayOutputStream();
        try (PcapWriter w = new PcapWriter(classic, 65535)) {
            w.write(0, frames().get(0));
        }
        byte[] truncated = java.util.Arrays.copyOf(classic.toByteArray(), classic.size() - 1);
        assertThrows(Pcap.PcapException.class, () -> Pcap.parse(truncated));
        assertEquals(1, Pcap.parse(classic.toByteArray()).size());
        // timestamps: 1 ns resolution in the pcapng file
        assertEquals(1_700_000_000_000_000_001L, Pcap.parse(good).get(1).timestampNanos());
    }

    @Test
    void applicationProbeCountedByRawTpAndUsdt() throws Exception {
        VmProbe request = VmProbes.probe("myapp", "request");
        request.fire(1, 2, 3, 4, 5, 6); // nothing attached: nothing runs
        assertTrue(!request.enabled());
        try (BpfObject obj = VmBackend.standard().load(spec("vm_probe"), QUIET)) {
            BpfLink raw = obj.program("count_request").orElseThrow().attach();
            BpfLink usdt = obj.program("usdt_request").orElseThrow().attach();
            assertTrue(request.enabled());
            for (int i = 0; i < 1000; i++) {
                request.fire(i, 7, 0, 0, 0, 1);
            }
            BpfMap counts = obj.map("counts").orElseThrow();
            assertEquals(1000, u64(counts, 0));
            assertEquals(999L * 1000 / 2 + 1000, u64(counts, 1));
            assertEquals(1000, u64(counts, 2));
            assertEquals(7000, u64(counts, 3));
            raw.close();
            usdt.close();
            assertTrue(!request.enabled());
            request.fire(1);
            assertEquals(1000, u64(counts, 0));
        }
    }

    @Test
    void jvmFileWriteSeenByATracepointProgram() throws Exception {
        try (BpfObject obj = VmBackend.standard().load(spec("vm_probe"), QUIET);
             EventReader reader = obj.map("file_events").orElseThrow().openEventReader()) {
            try (BpfLink link = obj.program("file_write").orElseThrow().attach()) {
                assertTrue(link.description().contains("jdk.FileWrite"), link.description());
                Path file = dir.resolve("observed.txt");
                List<String> paths = new ArrayList<>();
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                // the stream may start a little after attach: keep writing until an event shows up
                while (paths.stream().noneMatch(p -> p.endsWith("observed.txt")) && System.nanoTime() < deadline) {
                    Files.writeString(file, "hello from the JVM\n");
                    reader.poll(Duration.ofMillis(500), rec -> {
                        byte[] path = new byte[88];
                        rec.asByteBuffer().get(8, path);
                        int n = 0;
                        while (n < path.length && path[n] != 0) {
                            n++;
                        }
                        paths.add(new String(path, 0, n, StandardCharsets.UTF_8));
                        assertTrue(rec.get(ValueLayout.JAVA_LONG_UNALIGNED, 0) >= 0);
                        return 0;
                    });
                }
                assertTrue(paths.stream().anyMatch(p -> p.endsWith("observed.txt")), "no jvm/file_write event for the file; saw " + paths);
                assertTrue(u64(obj.map("counts").orElseThrow(), 6) >= 1);
                assertTrue(u64(obj.map("counts").orElseThrow(), 7) >= 19);
            }
        }
    }

    @Test
    void perfEventTimerAt100Hz() throws Exception {
        try (BpfObject obj = VmBackend.standard().load(spec("vm_probe"), QUIET)) {
            BpfMap counts = obj.map("counts").orElseThrow();
            try (BpfLink link = obj.program("tick").orElseThrow().attach("freq=100")) {
                Thread.sleep(500);
            }
            long samples = u64(counts, 4);
            assertTrue(samples >= 25 && samples <= 75, "samples in 500 ms at 100 Hz: " + samples);
            assertEquals(10_000_000L, u64(counts, 5));
            Thread.sleep(50);
            long after = u64(counts, 4);
            Thread.sleep(100);
            assertEquals(after, u64(counts, 4)); // detached: no more samples
            assertThrows(BpfException.class, () -> obj.program("tick").orElseThrow().attach("fast"));
        }
    }

    @Test
    void kernelOnlyAttachPointsAreRefusedWithWhatTheVmOffers() throws Exception {
        VmBackend backend = VmBackend.standard();
        String offers = String.join("; ", backend.attachPoints().stream().map(VmAttachPoint::description).toList());
        VmBackend onlyCountWrite = VmBackend.standard(dev.wbpf.vm.load.LoadSettings.defaults().withPrograms(n -> n.equals("count_write")));
        try (BpfObject obj = onlyCountWrite.load(spec("links"), QUIET)) {
            BpfException e = assertThrows(BpfException.class, () -> obj.program("count_write").orElseThrow().attach());
            assertEquals(BpfException.EOPNOTSUPP, e.errno());
            assertEquals("the VM cannot attach program `count_write` to tracepoint syscalls/sys_enter_write: it offers "
                    + offers, e.getMessage());
            assertEquals(4, backend.attachPoints().size());
            for (String offer : List.of("xdp, tc/classifier and socket", "raw_tp/NAME and usdt/PROVIDER:NAME", "tp/jvm/EVENT",
                    "jvm/file_write", "perf_event programs on timers")) {
                assertTrue(e.getMessage().contains(offer), offer + " missing from: " + e.getMessage());
            }
        }
        // a raw tracepoint of the kernel is no application probe
        try (BpfObject obj = backend.load(spec("globals"), QUIET)) {
            BpfException e = assertThrows(BpfException.class, () -> obj.program("read_globals").orElseThrow().attach());
            assertEquals("the VM cannot attach program `read_globals` to raw_tracepoint sys_enter: it offers " + offers, e.getMessage());
        }
        // an unknown interface or probe says what exists
        try (BpfObject obj = backend.load(spec("xdp_parse"), QUIET)) {
            BpfException e = assertThrows(BpfException.class, () -> obj.program("xdp_parse_prog").orElseThrow().attach("eth0"));
            assertTrue(e.getMessage().contains("no VM interface `eth0`") && e.getMessage().contains("lo"), e.getMessage());
        }
    }
}
