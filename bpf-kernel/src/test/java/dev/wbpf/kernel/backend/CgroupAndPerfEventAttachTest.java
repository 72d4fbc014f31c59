package dev.wbpf.kernel.backend;

import static dev.wbpf.kernel.backend.CgroupTesting.cgroup2Root;
import static dev.wbpf.kernel.backend.CgroupTesting.counter;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wbpf.core.backend.Backends;
import dev.wbpf.core.backend.BpfException;
import dev.wbpf.core.backend.BpfLink;
import dev.wbpf.core.backend.BpfMap;
import dev.wbpf.core.backend.BpfObject;
import dev.wbpf.core.backend.LoadOptions;
import dev.wbpf.core.testing.Fixtures;
import dev.wbpf.core.testing.RequiresKernel;
import dev.wbpf.kernel.FdLeakTracker;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** cgroup programs on a test cgroup and perf_event sampling, through the SPI, with real events. */
@RequiresKernel
@ExtendWith(FdLeakTracker.class)
class CgroupAndPerfEventAttachTest {
    private static final int EGRESS_PACKETS = 0;
    private static final int SOCKETS_CREATED = 1;
    private static final int SAMPLES = 2;

    private static BpfObject load() {
        return Backends.named("kernel").orElseThrow().load(Fixtures.spec("cgroup_perf"), LoadOptions.defaults());
    }

    @Test
    void egressPacketsAndSocketsOfAProcessInTheCgroupAreCounted() throws Exception {
        Path cgroup = cgroup2Root().resolve("wbpf-test-" + ProcessHandle.current().pid());
        Files.createDirectories(cgroup);
        try (BpfObject object = load()) {
            BpfLink egress = object.program("count_egress").orElseThrow().attach(cgroup.toString());
            BpfLink sock = object.program("count_sock").orElseThrow().attach(cgroup.toString());
            assertTrue(egress.description().contains("cgroup_inet_egress"), egress.description());
            assertTrue(sock.description().contains(cgroup.toString()), sock.description());
            BpfMap counters = object.map("counters").orElseThrow();
            assertEquals(0, counter(counters, EGRESS_PACKETS));
            // A shell that moves itself into the cgroup, then sends three UDP datagrams on lo to a
            // socket of this test (a port without listener would answer with ICMP and refuse later sends).
            try (var receiver = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
                String script = "echo $$ > " + cgroup.resolve("cgroup.procs") + " && exec 3<>/dev/udp/127.0.0.1/"
                        + receiver.getLocalPort() + " && for i in 1 2 3; do echo wbpf >&3; done";
                Process p = new ProcessBuilder("bash", "-c", script).redirectErrorStream(true).start();
                String output = new String(p.getInputStream().readAllBytes());
                assertEquals(0, p.waitFor(), output);
            }
            assertTrue(counter(counters, EGRESS_PACKETS) >= 3, "egress packets: " + counter(counters, EGRESS_PACKETS));
            assertTrue(counter(counters, SOCKETS_CREATED) >= 1, "sockets: " + counter(counters, SOCKETS_CREATED));
            long before = counter(counters, EGRESS_PACKETS);
            // This JVM is not in the cgroup: its packets are not counted.
            try (var socket = new java.net.DatagramSocket()) {
                socket.send(new java.net.DatagramPacket(new byte[4], 4, java.net.InetAddress.getLoopbackAddress(), 9));
            }
            assertEquals(before, counter(counters, EGRESS_PACKETS));

            BpfException noDir = assertThrows(BpfException.class,
                    () -> object.program("count_egress").orElseThrow().attach(cgroup.resolve("none").toString()));
            assertEquals(BpfException.ENOENT, noDir.errno(), noDir.getMessage());
            BpfException noTarget = assertThrows(BpfException.class, () -> object.program("count_egress").orElseThrow().attach());
            assertEquals(BpfException.EINVAL, noTarget.errno(), noTarget.getMessage());

            // A directory that is not in the cgroup v2 hierarchy (as /sys/fs/cgroup is on hybrid
            // hosts): the message says where cgroup v2 is mounted.
            Path plain = Files.createTempDirectory("wbpf-not-cgroup");
            try {
                BpfException notCgroup = assertThrows(BpfException.class,
                        () -> object.program("count_egress").orElseThrow().attach(plain.toString()));
                assertEquals(BpfException.EBADF, notCgroup.errno(), notCgroup.getMessage());
                assertTrue(notCgroup.getMessage().contains(plain + " is not a cgroup v2 directory: cgroup v2 is mounted at "
                        + cgroup2Root()), notCgroup.getMessage());
            } finally {
                Files.delete(plain);
            }
        } finally {
            Files.deleteIfExists(cgroup);
        }
    }

    @Test
    void perfEventSamplesEveryCpuAtAFrequency() throws Exception {
        try (BpfObject object = load()) {
            BpfMap counters = object.map("counters").orElseThrow();
            BpfLink link = object.program("count_sample").orElseThrow().attach("freq=1000");
            assertTrue(link.description().contains("1000 Hz"), link.description());
            long end = System.nanoTime() + 200_000_000L;
            long spin = 0;
            while (System.nanoTime() < end) {
                spin++;
            }
            long samples = counter(counters, SAMPLES);
            // ~200 per busy CPU at 1000 Hz over 200 ms; allow for timer slack and idle CPUs
            assertTrue(samples >= 50, "samples in 200 ms at 1000 Hz: " + samples + " (spun " + spin + ")");
            link.close();
            long after = counter(counters, SAMPLES);
            Thread.sleep(50);
            assertTrue(counter(counters, SAMPLES) - after <= 2 * Runtime.getRuntime().availableProcessors(),
                    "no more samples after detaching");
            System.out.println("perf_event: " + samples + " samples in 200 ms at 1000 Hz");
            BpfException bad = assertThrows(BpfException.class, () -> object.program("count_sample").orElseThrow().attach("fast"));
            assertEquals(BpfException.EINVAL, bad.errno());
        }
    }
}
