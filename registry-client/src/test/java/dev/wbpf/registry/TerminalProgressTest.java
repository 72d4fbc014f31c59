package dev.wbpf.registry;

import dev.wbpf.packaging.Descriptor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TerminalProgressTest {
    private static final Descriptor BLOB = Descriptor.of("application/octet-stream", new byte[4 << 20]);

    @Test
    void transfersUnderASecondPrintNothing() {
        var bytes = new ByteArrayOutputStream();
        AtomicLong now = new AtomicLong();
        var progress = new TerminalProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), now::get);
        progress.started("pull", BLOB);
        now.set(900_000_000L);
        progress.progress(BLOB, BLOB.size());
        progress.finished(BLOB, "pulled");
        assertEquals("", bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void slowTransfersRedrawOneLine() {
        var bytes = new ByteArrayOutputStream();
        AtomicLong now = new AtomicLong();
        var progress = new TerminalProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), now::get);
        progress.started("push", BLOB);
        now.set(2_000_000_000L);
        progress.progress(BLOB, BLOB.size() / 2);
        progress.finished(BLOB, "pushed");
        String shown = bytes.toString(StandardCharsets.UTF_8);
        String id = BLOB.digest().encoded().substring(0, 12);
        assertTrue(shown.startsWith("\r" + id + "  50% 2.0 MiB / 4.0 MiB  1.0 MiB/s"), shown);
        assertTrue(shown.endsWith("\r" + id + " pushed 4.0 MiB" + System.lineSeparator()), shown);
    }

    @Test
    void quietOrNotATerminalIsSilent() {
        assertSame(TransferListener.NONE, TerminalProgress.forConsole(System.err, true));
        // Surefire's forked JVM has no terminal.
        assertSame(TransferListener.NONE, TerminalProgress.forConsole(System.err, false));
    }
}
