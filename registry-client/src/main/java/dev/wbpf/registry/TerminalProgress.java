package dev.wbpf.registry;

import dev.wbpf.packaging.Descriptor;
import java.io.PrintStream;
import java.util.Locale;

/**
 * Shows transfers on a terminal: one line per blob, redrawn in place, only for transfers that take
 * more than a second. {@link #forConsole} gives a quiet listener when standard error is not a
 * terminal or the user asked for quiet.
 */
public final class TerminalProgress implements TransferListener {
    private static final long DELAY_NANOS = 1_000_000_000L;

    private final PrintStream out;
    private final java.util.function.LongSupplier clock;
    private long start;
    private long lastDraw;
    private boolean drawn;

    public TerminalProgress(PrintStream out) {
        this(out, System::nanoTime);
    }

    /** With a clock in nanoseconds (tests). */
    TerminalProgress(PrintStream out, java.util.function.LongSupplier clock) {
        this.out = out;
        this.clock = clock;
    }

    public static TransferListener forConsole(PrintStream err, boolean quiet) {
        java.io.Console console = System.console();
        if (quiet || console == null || !console.isTerminal()) {
            return TransferListener.NONE;
        }
        return new TerminalProgress(err);
    }

    @Override
    public synchronized void started(String verb, Descriptor blob) {
        start = clock.getAsLong();
        lastDraw = 0;
        drawn = false;
    }

    @Override
    public synchronized void progress(Descriptor blob, long done) {
        long now = clock.getAsLong();
        if (now - start < DELAY_NANOS || now - lastDraw < 100_000_000L) {
            return;
        }
        lastDraw = now;
        drawn = true;
        int percent = blob.size() == 0 ? 100 : (int) (100 * done / blob.size());
        double seconds = (now - start) / 1e9;
        out.printf(Locale.ROOT, "\r%s %3d%% %s / %s  %s/s   ", shortDigest(blob), percent, human(done), human(blob.size()),
                human((long) (done / seconds)));
        out.flush();
    }

    @Override
    public synchronized void finished(Descriptor blob, String outcome) {
        if (drawn) {
            out.printf(Locale.ROOT, "\r%s %s %s%n", shortDigest(blob), outcome, human(blob.size()));
            out.flush();
        }
    }

    private static String shortDigest(Descriptor blob) {
        return blob.digest().encoded().substring(0, 12);
    }

    static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        double v = bytes;
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
