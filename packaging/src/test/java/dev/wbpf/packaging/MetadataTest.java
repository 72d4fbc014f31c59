package dev.wbpf.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MetadataTest {
    private static PackageConfig yaml(String text) {
        return Metadata.parse(text.getBytes(StandardCharsets.UTF_8), true, "wbpf.yaml");
    }

    @Test
    void everyFieldFromYaml() {
        PackageConfig c = yaml("""
                name: execsnoop
                version: 1.0.0
                description: Trace exec() calls
                license: GPL-2.0 OR MIT
                source: https://example.org/execsnoop
                entry: execsnoop.wasm
                runsOnVm: false
                minKernel: "5.8"
                programs:
                  - name: handle_exec
                    section: tp/syscalls/sys_enter_execve
                    type: tracepoint
                    attach: tracepoint
                    target: syscalls/sys_enter_execve
                """);
        assertEquals("execsnoop", c.name());
        assertEquals("GPL-2.0 OR MIT", c.license());
        assertEquals(Boolean.FALSE, c.runsOnVm());
        assertEquals("5.8", c.minKernel());
        assertEquals("syscalls/sys_enter_execve", c.programs().getFirst().target());
    }

    @Test
    void onlyTheNameIsRequiredAndJsonWorksToo() {
        PackageConfig c = Metadata.parse("{\"name\":\"x\"}".getBytes(StandardCharsets.UTF_8), false, "wbpf.json");
        assertEquals("x", c.name());
        assertNull(c.version());
        assertTrue(c.programs().isEmpty());
    }

    @Test
    void mistakesAreNamed() {
        assertTrue(assertThrows(PackagingException.class, () -> yaml("version: 1\n")).getMessage()
                .equals("wbpf.yaml: 'name' is required"));
        var typo = assertThrows(PackagingException.class, () -> yaml("name: x\nlicence: MIT\n"));
        assertTrue(typo.getMessage().startsWith("wbpf.yaml: unknown field 'licence' (known: name, version,"), typo.getMessage());
        var computed = assertThrows(PackagingException.class, () -> yaml("name: x\nmoduleSize: 3\n"));
        assertTrue(computed.getMessage().contains("computed by wbpf build"), computed.getMessage());
        var broken = assertThrows(PackagingException.class, () -> yaml("name: [unclosed\n"));
        assertTrue(broken.getMessage().startsWith("wbpf.yaml: "), broken.getMessage());
        assertEquals(1, broken.getMessage().lines().count(), broken.getMessage());
    }
}
