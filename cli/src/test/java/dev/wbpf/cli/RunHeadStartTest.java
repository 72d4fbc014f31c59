package dev.wbpf.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What `wbpf run` starts before picocli has read its command line: a package's module comes from the store ahead. */
class RunHeadStartTest {

    @AfterEach
    void restore() {
        Env.override("WBPF_HOME", null);
    }

    @Test
    void aPackageInTheLocalStoreIsReadAheadAndRunFromThoseBytes(@TempDir Path home) throws IOException {
        Env.override("WBPF_HOME", home.toString());
        String ref = "localhost/head-start/guest:1";
        assertEquals(0, CliRunner.run("build", RunCommandTest.guest().toString(), "-t", ref).exitCode());

        RunHeadStart headStart = RunHeadStart.start("run", "--timeout", "5s", ref, "exit", "3");
        assertArrayEquals(Files.readAllBytes(RunCommandTest.guest()), headStart.storedPackage(Path.of(ref)));
        assertNull(headStart.storedPackage(Path.of("exit")), "only for the argument it was read for");
        assertEquals(3, CliRunner.run("run", "--timeout", "5s", ref, "exit", "3").exitCode());
    }

    @Test
    void nothingIsReadAheadForAFileOrAPackageTheStoreLacks(@TempDir Path home) {
        Env.override("WBPF_HOME", home.toString());
        String guest = RunCommandTest.guest().toString();
        assertNull(RunHeadStart.start("run", guest, "exit", "0").storedPackage(Path.of(guest)));
        String absent = "localhost/head-start/absent:1";
        assertNull(RunHeadStart.start("run", absent).storedPackage(Path.of(absent)));
    }
}
