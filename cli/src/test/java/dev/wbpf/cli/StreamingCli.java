package dev.wbpf.cli;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Runs the CLI in-process on another thread while the test watches its output as it is printed:
 * the test waits for a line (e.g. the header a guest prints once its programs are attached), makes
 * the activity, then waits for the run to end.
 */
final class StreamingCli implements AutoCloseable {
    private final Capture out = new Capture();
    private final Capture err = new Capture();
    private final PrintStream oldOut = System.out;
    private final PrintStream oldErr = System.err;
    private final CompletableFuture<Integer> exit;

    private StreamingCli(String... args) {
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        exit = CompletableFuture.supplyAsync(() -> Main.run(args), r -> Thread.ofPlatform().daemon(true).start(r));
        // a run that ends without printing the awaited line must not leave awaitLine waiting its whole timeout
        exit.whenComplete((status, failure) -> {
            synchronized (out) {
                out.notifyAll();
            }
        });
    }

    static StreamingCli start(String... args) {
        return new StreamingCli(args);
    }

    /** Waits until a printed line matches; fails with everything printed so far otherwise. */
    String awaitLine(Predicate<String> matches, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (out) {
            while (true) {
                for (String line : out.text().split("\n", -1)) {
                    if (matches.test(line)) {
                        return line;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || exit.isDone()) {
                    throw new AssertionError("no such line within " + timeout + "; stdout:\n" + out.text()
                            + "\nstderr:\n" + err.text());
                }
                out.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
        }
    }

    /** Waits for the run to end; its exit status. */
    int await(Duration timeout) throws Exception {
        return exit.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    String out() {
        return out.text();
    }

    String err() {
        return err.text();
    }

    @Override
    public void close() {
        System.setOut(oldOut);
        System.setErr(oldErr);
    }

    private static final class Capture extends OutputStream {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        @Override
        public synchronized void write(int b) {
            bytes.write(b);
            notifyAll();
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            bytes.write(b, off, len);
            notifyAll();
        }

        synchronized String text() {
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }
}
