package dev.wbpf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MainTest {

    @Test
    void versionNamesTheProductAndTheJvm() {
        CliRunner r = CliRunner.run("--version");
        assertEquals(0, r.exitCode());
        assertTrue(r.out().startsWith("wbpf 0."), r.out());
        assertTrue(r.out().contains("JVM: 25"), r.out());
    }

    @Test
    void helpListsTheCommands() {
        CliRunner r = CliRunner.run("--help");
        assertEquals(0, r.exitCode());
        assertTrue(r.out().contains("Usage: wbpf"), r.out());
        assertTrue(r.out().contains("inspect"), r.out());
    }

    @Test
    void unknownCommandIsAUsageErrorNotACrash() {
        CliRunner r = CliRunner.run("frobnicate");
        assertNotEquals(0, r.exitCode());
        assertTrue(r.err().contains("frobnicate"), r.err());
        assertTrue(!r.err().contains("Exception"), r.err());
    }

    @Test
    void helpDescribesTheCommandItNames() {
        CliRunner r = CliRunner.run("help", "run");
        assertEquals(0, r.exitCode());
        assertTrue(r.out().startsWith("Usage: wbpf run"), r.out());
    }

    @Test
    void debugBeforeOrAfterTheCommandPrintsTheStackTrace() {
        for (String[] args : new String[][] {{"--debug", "inspect", "/no/such.bpf.o"}, {"inspect", "--debug", "/no/such.bpf.o"}}) {
            CliRunner r = CliRunner.run(args);
            assertEquals(1, r.exitCode());
            assertTrue(r.err().contains("no such file") && r.err().contains("at dev.wbpf.cli.InspectCommand"), r.err());
        }
    }
}
