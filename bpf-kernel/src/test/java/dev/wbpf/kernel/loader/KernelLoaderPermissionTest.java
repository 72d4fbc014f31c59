package dev.wbpf.kernel.loader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wbpf.core.testing.Fixtures;
import dev.wbpf.core.testing.KernelCondition;
import dev.wbpf.core.testing.RequiresKernel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** A load as user nobody (setpriv) fails with a message that names the missing rights. */
@RequiresKernel
class KernelLoaderPermissionTest {
    @Test
    void loadingWithoutRightsSaysWhichAreMissing() throws Exception {
        Path setpriv = Path.of("/usr/bin/setpriv");
        Assumptions.assumeTrue(Files.isExecutable(setpriv) || KernelCondition.required(),
                "setpriv not installed");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(setpriv.toString(), "--reuid=65534", "--regid=65534", "--clear-groups",
                "--inh-caps=-all", java, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                UnprivilegedLoad.class.getName(), Fixtures.object("links").toAbsolutePath().toString()))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        assertTrue(out.contains("REFUSED kernel refused map `links.rodata`"), out);
        assertTrue(out.contains("EPERM"), out);
        assertTrue(out.contains("this process (effective uid 65534) lacks CAP_BPF, CAP_PERFMON (tracing programs),"
                + " CAP_NET_ADMIN (networking programs): run it as root or grant those capabilities"), out);
    }
}
