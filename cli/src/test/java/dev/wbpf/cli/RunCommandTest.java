package dev.wbpf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wbpf.core.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code wbpf run} as a user sees it, with wasm-host's test guest (wasm-host/src/test/c/guest.c). */
class RunCommandTest {

    static Path guest() {
        Path p = Path.of(System.getProperty("wbpf.testdata"), "..", "wasm-host", "src", "test", "resources", "guests", "guest.wasm")
                .normalize();
        assertTrue(Files.isRegularFile(p), "missing test guest " + p + ": run wasm-host/src/test/c/build.sh");
        return p;
    }

    @Test
    void guestOutputArgumentsAndExitStatus() {
        CliRunner r = CliRunner.run("run", guest().toString(), "argv", "-v", "--timeout");
        assertEquals(0, r.exitCode(), r.err());
        assertEquals("argc=4\nargv[0]=" + guest() + "\nargv[1]=argv\nargv[2]=-v\nargv[3]=--timeout\n", r.out());
        assertEquals(42, CliRunner.run("run", guest().toString(), "exit", "42").exitCode());
        assertEquals(42, CliRunner.run("run", "--interpreter", guest().toString(), "exit", "42").exitCode());
    }

    @Test
    void environmentOnlyWhenAsked() {
        assertEquals("HOME=(unset)\n", CliRunner.run("run", guest().toString(), "env", "HOME").out());
        assertEquals("A=b=c\n", CliRunner.run("run", "--env", "A=b=c", guest().toString(), "env", "A").out());
        assertEquals("PATH=" + System.getenv("PATH") + "\n",
                CliRunner.run("run", "--env-inherit", guest().toString(), "env", "PATH").out());
    }

    @Test
    void timeoutStopsTheModuleWith124() {
        CliRunner r = CliRunner.run("run", "--timeout", "300ms", "-v", guest().toString(), "spin");
        assertEquals(124, r.exitCode(), r.err());
        assertTrue(r.err().contains("ended (timed out) with status 124"), r.err());
    }

    @Test
    void notWasmIsOneParagraphWithoutStackTrace(@TempDir Path dir) throws IOException {
        Path f = Files.writeString(dir.resolve("x.wasm"), "#!/bin/sh\necho hi\n");
        CliRunner r = CliRunner.run("run", f.toString());
        assertEquals(1, r.exitCode());
        assertEquals("wbpf: " + f + " is not a WebAssembly module (it does not start with \\0asm)\n", r.err());
    }

    @Test
    void aTrapIsAnErrorNamingTheFunction() {
        CliRunner r = CliRunner.run("run", guest().toString(), "trap");
        assertEquals(1, r.exitCode());
        assertTrue(r.err().startsWith("wbpf: " + guest() + " trapped in function `crash_here`: "), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
        CliRunner debug = CliRunner.run("--debug", "run", guest().toString(), "trap");
        assertTrue(debug.err().contains("\tat "), debug.err());
    }

    @Test
    void dirGivesTheModuleAHostDirectory(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("bad.bpf.o"), "not ELF");
        CliRunner without = CliRunner.run("run", guest().toString(), "load", "/x/bad.bpf.o");
        assertEquals("cannot read /x/bad.bpf.o\n", without.out());
        assertEquals(2, without.exitCode());
        CliRunner with = CliRunner.run("run", "--dir", dir + ":/x", guest().toString(), "load", "/x/bad.bpf.o");
        assertEquals("load failed\n", with.out());
        assertTrue(with.err().startsWith("wbpf: cannot load BPF object: "), with.err());
    }

    @Test
    void onTheVmBackendATracepointAttachIsANegativeErrnoWithTheVmsReason() {
        Path objects = Fixtures.objectsDir();
        CliRunner r = CliRunner.run("run", "--backend", "vm", "-v", "--dir", objects + ":/data", guest().toString(),
                "load", "/data/globals.bpf.o", "attach", "read_globals");
        assertEquals(0, r.exitCode(), r.err());
        assertEquals("load ok\nattach read_globals = -95\n", r.out());
        assertTrue(r.err().contains("backend vm"), r.err());
        assertTrue(r.err().contains("wbpf: cannot attach read_globals: the VM cannot attach program `read_globals`"), r.err());
    }

    @Test
    void badBackendNameIsAUsageError() {
        CliRunner r = CliRunner.run("run", "--backend", "gpu", guest().toString());
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("--backend must be auto, kernel or vm, not 'gpu'"), r.err());
    }

    @Test
    void badDurationIsAUsageError() {
        CliRunner r = CliRunner.run("run", "--timeout", "soon", guest().toString());
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("'soon' is not a duration"), r.err());
    }
}
