package dev.wbpf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.NoSuchFileException;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

class ErrorReporterTest {
    @Command(name = "probe")
    static final class Probe implements Runnable {
        @CommandLine.Option(names = "--debug")
        boolean debug;

        @Override
        public void run() {
        }
    }

    private static String report(Exception ex, String... args) {
        CommandLine cli = new CommandLine(new Probe());
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));
        int status = new ErrorReporter().handleExecutionException(ex, cli, cli.parseArgs(args));
        assertEquals(1, status);
        return err.toString();
    }

    @Test
    void aUserErrorIsItsMessageAlone() {
        assertEquals("wbpf: x.wasm: no such file\n", report(new NoSuchFileException("x.wasm: no such file")));
    }

    @Test
    void aBugSaysSoAndAsksForTheDebugOutput() {
        String err = report(new NullPointerException("Cannot invoke \"Object.toString()\""));
        assertTrue(err.startsWith("wbpf: internal error: java.lang.NullPointerException: Cannot invoke"), err);
        assertTrue(err.contains("this is a bug in wbpf") && err.contains("--debug"), err);
        assertTrue(!err.contains("\tat "), err);
    }

    @Test
    void debugPrintsTheStackTrace() {
        String err = report(new NullPointerException("boom"), "--debug");
        assertTrue(err.contains("\tat "), err);
    }
}
