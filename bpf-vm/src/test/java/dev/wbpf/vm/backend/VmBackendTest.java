package dev.wbpf.vm.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wbpf.core.backend.Backends;
import dev.wbpf.core.backend.BpfBackend;
import dev.wbpf.core.backend.BpfException;
import dev.wbpf.core.backend.BpfMap;
import dev.wbpf.core.backend.BpfObject;
import dev.wbpf.core.backend.BpfProgram;
import dev.wbpf.core.backend.EventReader;
import dev.wbpf.core.backend.LoadOptions;
import dev.wbpf.core.backend.TestRunnable;
import dev.wbpf.core.object.BpfObjectReader;
import dev.wbpf.core.object.BpfObjectSpec;
import dev.wbpf.core.object.MapType;
import dev.wbpf.vm.map.MapDefinition;
import dev.wbpf.vm.map.PerfEventArrayMap;
import dev.wbpf.vm.map.RingBufferMap;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class VmBackendTest {
    private static final LoadOptions QUIET = LoadOptions.defaults().withLog(line -> { });

    private static BpfObjectSpec spec(String name) throws Exception {
        return BpfObjectReader.read(Path.of(System.getProperty("wbpf.testdata", "../testdata"), "bpf", "out", name + ".bpf.o"));
    }

    @Test
    void registeredThroughServiceLoader() {
        BpfBackend vm = Backends.named("vm").orElseThrow();
        assertInstanceOf(VmBackend.class, vm);
        assertTrue(vm.availability().available());
        assertTrue(Backends.providers().stream().anyMatch(p -> p.name().equals("vm") && p.priority() == VmBackendProvider.PRIORITY));
    }

    @Test
    void xdpParseThroughTheSpi() throws Exception {
        BpfBackend vm = Backends.named("vm").orElseThrow();
        try (BpfObject obj = vm.load(spec("xdp_parse"), QUIET)) {
            BpfProgram prog = obj.program("xdp_parse_prog").orElseThrow();
            TestRunnable runnable = assertInstanceOf(TestRunnable.class, prog);
            byte[] frame = new byte[60];
            frame[12] = 0x08; // IPv4, but the header is all zeros: ihl 0 -> malformed
            TestRunnable.Result r = runnable.testRun(new TestRunnable.Input(frame, null, 3));
            assertEquals(2, r.retval());
            assertEquals(60, r.dataOut().length);
            assertTrue(r.meanNanos() > 0 && r.medianNanos() > 0);

            BpfMap counters = obj.map("counters").orElseThrow();
            assertEquals(MapType.PERCPU_ARRAY, counters.type());
            int cpus = Runtime.getRuntime().availableProcessors();
            assertEquals(cpus * 16, counters.valueBufferSize());
            byte[] value = new byte[counters.valueBufferSize()];
            assertTrue(counters.lookup(new byte[4], value)); // CNT_TOTAL
            long total = 0;
            for (int cpu = 0; cpu < cpus; cpu++) {
                total += ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN).getLong(cpu * 16);
            }
            assertEquals(3, total);
            BpfException noKey = assertThrows(BpfException.class, () -> counters.update(new byte[] {9, 0, 0, 0}, value, 0));
            assertEquals(BpfException.E2BIG, noKey.errno());
        }
    }

    @Test
    void attachFailsAndSaysWhatTheVmOffers() throws Exception {
        try (BpfObject obj = new VmBackend().load(spec("globals"), QUIET)) {
            BpfException e = assertThrows(BpfException.class, () -> obj.program("read_globals").orElseThrow().attach());
            assertEquals(BpfException.EOPNOTSUPP, e.errno());
            assertTrue(e.getMessage().contains("read_globals") && e.getMessage().contains("sys_enter")
                    && e.getMessage().contains("test-run"), e.getMessage());
        }
    }

    @Test
    void refusalsBecomeBpfExceptions() {
        BpfException e = assertThrows(BpfException.class, () -> new VmBackend().load(spec("ksym"), QUIET));
        assertTrue(e.getMessage().contains("kernel symbol"), e.getMessage());
    }

    @Test
    void ringBufferReaderWaitsForRecords() throws Exception {
        RingBufferMap ring = new RingBufferMap(MapDefinition.of("events", MapType.RINGBUF, 0, 0, 4096));
        VmBpfMap map = new VmBpfMap(ring);
        try (EventReader reader = map.openEventReader()) {
            List<Integer> seen = new ArrayList<>();
            assertEquals(0, reader.poll(Duration.ZERO, rec -> 0));
            Thread producer = Thread.ofPlatform().start(() -> {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException ignored) {
                }
                ring.output(new byte[] {7, 0, 0, 0}, 0, 4);
                ring.output(new byte[] {8, 0, 0, 0}, 0, 4);
            });
            long start = System.nanoTime();
            int n = 0;
            while (n < 2 && System.nanoTime() - start < 5_000_000_000L) {
                n += reader.poll(Duration.ofSeconds(5), rec -> {
                    seen.add(rec.get(ValueLayout.JAVA_INT_UNALIGNED, 0));
                    return 0;
                });
            }
            producer.join();
            assertEquals(List.of(7, 8), seen);
            // a negative handler return stops the poll and is returned
            ring.output(new byte[] {1, 0, 0, 0}, 0, 4);
            ring.output(new byte[] {2, 0, 0, 0}, 0, 4);
            assertEquals(-5, reader.poll(Duration.ZERO, rec -> -5));
            assertEquals(1, reader.poll(Duration.ZERO, rec -> 0));
        }
    }

    @Test
    void perfReaderDeliversSamplesAndCountsLosses() {
        PerfEventArrayMap perf = new PerfEventArrayMap(MapDefinition.of("perf", MapType.PERF_EVENT_ARRAY, 4, 4, 2), 2, 8);
        VmBpfMap map = new VmBpfMap(perf);
        try (EventReader reader = map.openEventReader()) {
            perf.output(0, new byte[] {1, 2, 3, 4});
            perf.output(1, new byte[] {5, 6, 7, 8});
            perf.output(1, new byte[] {9, 9, 9, 9, 9, 9, 9, 9}); // over 8 bytes per CPU: lost
            List<Byte> firsts = new ArrayList<>();
            assertEquals(2, reader.poll(Duration.ofMillis(10), rec -> {
                firsts.add(rec.get(ValueLayout.JAVA_BYTE, 0));
                return 0;
            }));
            assertEquals(List.of((byte) 1, (byte) 5), firsts);
            assertEquals(1, reader.lostRecords());
            assertFalse(reader.poll(Duration.ofMillis(1), rec -> 0) > 0);
        }
        assertThrows(BpfException.class, () -> new VmBpfMap(new dev.wbpf.vm.map.ArrayMap(
                MapDefinition.of("a", MapType.ARRAY, 4, 4, 1), 1)).openEventReader());
    }
}
