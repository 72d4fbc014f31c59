package dev.wbpf.kernel.backend;

import static dev.wbpf.kernel.backend.CgroupTesting.cgroup2Root;
import static dev.wbpf.kernel.backend.CgroupTesting.counter;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wbpf.core.backend.Backends;
import dev.wbpf.core.backend.BpfLink;
import dev.wbpf.core.backend.BpfMap;
import dev.wbpf.core.backend.BpfObject;
import dev.wbpf.core.backend.LoadOptions;
import dev.wbpf.core.testing.Fixtures;
import dev.wbpf.core.testing.RequiresKernel;
import dev.wbpf.kernel.FdLeakTracker;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** sockops and cgroup/dev programs on a test cgroup, through the SPI, driven by a shell in the cgroup. */
@RequiresKernel
@ExtendWith(FdLeakTracker.class)
class CgroupSockopsAndDeviceTest {
    private static final int TCP_CONNECT = 0;
    private static final int ACTIVE_ESTABLISHED = 1;
    private static final int DEV_CALLS = 2;
    private static final int DEV_DENIED = 3;

    private Path cgroup;

    private static BpfObject load() {
        return Backends.named("kernel").orElseThrow().load(Fixtures.spec("cgroup_more"), LoadOptions.defaults());
    }

    @BeforeEach
    void createCgroup() throws Exception {
        cgroup = cgroup2Root().resolve("wbpf-test-more-" + ProcessHandle.current().pid());
        Files.createDirectories(cgroup);
    }

    @AfterEach
    void removeCgroup() throws Exception {
        Files.deleteIfExists(cgroup);
    }

    /** Runs a bash script after moving the shell into the test cgroup; returns exit status and output. */
    private record Result(int status, String output) {}

    private Result inCgroup(String script) throws Exception {
        Process p = new ProcessBuilder("bash", "-c", "echo $$ > " + cgroup.resolve("cgroup.procs") + " && " + script)
                .redirectErrorStream(true).start();
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes());
        return new Result(p.waitFor(), output);
    }

    @Test
    void sockopsCountsTcpConnectsOfAProcessInTheCgroup() throws Exception {
        try (BpfObject object = load();
                ServerSocket server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
            BpfLink link = object.program("count_connects").orElseThrow().attach(cgroup.toString());
            assertTrue(link.description().contains("cgroup_sock_ops"), link.description());
            BpfMap counters = object.map("counters").orElseThrow();
            assertEquals(0, counter(counters, TCP_CONNECT));
            // The handshake completes in the listen backlog; the test need not accept.
            Result r = inCgroup("exec 3<>/dev/tcp/127.0.0.1/" + server.getLocalPort() + " && echo wbpf >&3");
            assertEquals(0, r.status(), r.output());
            assertTrue(counter(counters, TCP_CONNECT) >= 1, "connects: " + counter(counters, TCP_CONNECT));
            assertTrue(counter(counters, ACTIVE_ESTABLISHED) >= 1,
                    "active established: " + counter(counters, ACTIVE_ESTABLISHED));

            // This JVM is not in the cgroup: its connects are not counted.
            long before = counter(counters, TCP_CONNECT);
            try (var socket = new java.net.Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
                assertTrue(socket.isConnected());
            }
            assertEquals(before, counter(counters, TCP_CONNECT));

            link.close();
            Result again = inCgroup("exec 3<>/dev/tcp/127.0.0.1/" + server.getLocalPort());
            assertEquals(0, again.status(), again.output());
            assertEquals(before, counter(counters, TCP_CONNECT), "no counting after detaching");
        }
    }

    @Test
    void cgroupDeviceDeniesReadingDevNullInTheCgroupOnly() throws Exception {
        try (BpfObject object = load()) {
            BpfLink link = object.program("deny_null_read").orElseThrow().attach(cgroup.toString());
            assertTrue(link.description().contains("cgroup_device"), link.description());
            BpfMap counters = object.map("counters").orElseThrow();

            Result denied = inCgroup("cat /dev/null");
            assertNotEquals(0, denied.status(), denied.output());
            assertTrue(denied.output().contains("Operation not permitted"), denied.output());
            assertTrue(counter(counters, DEV_DENIED) >= 1, "denied: " + counter(counters, DEV_DENIED));
            // Other devices, and writing /dev/null, are allowed.
            Result allowed = inCgroup("head -c1 /dev/zero > /dev/null");
            assertEquals(0, allowed.status(), allowed.output());
            assertTrue(counter(counters, DEV_CALLS) > counter(counters, DEV_DENIED),
                    "calls " + counter(counters, DEV_CALLS) + ", denied " + counter(counters, DEV_DENIED));

            // This JVM is not in the cgroup: it can still read /dev/null.
            long deniedBefore = counter(counters, DEV_DENIED);
            try (InputStream in = Files.newInputStream(Path.of("/dev/null"))) {
                assertEquals(-1, in.read());
            }
            assertEquals(deniedBefore, counter(counters, DEV_DENIED));

            link.close();
            Result after = inCgroup("cat /dev/null");
            assertEquals(0, after.status(), after.output());
            assertEquals(deniedBefore, counter(counters, DEV_DENIED), "no calls after detaching");
        }
    }
}
