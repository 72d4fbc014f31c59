package dev.wbpf.kernel.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wbpf.core.testing.KernelCondition;
import dev.wbpf.core.testing.RequiresKernel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Without rights (user nobody through setpriv) the backend says it is unavailable, and why. */
@RequiresKernel
class KernelBackendAvailabilityTest {
    @Test
    void unavailableWithoutRightsWithTheReason() throws Exception {
        Path setpriv = Path.of("/usr/bin/setpriv");
        Assumptions.assumeTrue(Files.isExecutable(setpriv) || KernelCondition.required(),
                "setpriv not installed");
        Assumptions.assumeTrue(!Files.readString(Path.of("/proc/sys/kernel/unprivileged_bpf_disabled")).strip().equals("0")
                || KernelCondition.required(), "unprivileged bpf(2) is allowed here");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(setpriv.toString(), "--reuid=65534", "--regid=65534", "--clear-groups",
                "--inh-caps=-all", java, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                UnprivilegedAvailability.class.getName()))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        assertTrue(out.contains("AVAILABLE false bpf(2) refused: EPERM — run as root or grant CAP_BPF/CAP_PERFMON/CAP_NET_ADMIN"), out);
        assertTrue(out.contains("AUTO FAILED errno 95: kernel unavailable: bpf(2) refused: EPERM"), out);
        assertTrue(out.contains("MAY LOAD PROGRAMS false"), out); // so prepare() reads no kernel BTF for it
    }

    @Test
    void aProcessThatLoadsProgramsHereHasTheRightsToSay() {
        assertTrue(new KernelBackend().availability().available());
        assertTrue(dev.wbpf.kernel.loader.Privileges.mayLoadPrograms());
    }
}
