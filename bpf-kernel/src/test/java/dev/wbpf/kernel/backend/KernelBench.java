package dev.wbpf.kernel.backend;

import dev.wbpf.core.backend.Backends;
import dev.wbpf.core.backend.BpfMap;
import dev.wbpf.core.backend.BpfObject;
import dev.wbpf.core.backend.EventReader;
import dev.wbpf.core.backend.LoadOptions;
import dev.wbpf.core.object.BpfObjectReader;
import dev.wbpf.kernel.sys.Bpf;
import dev.wbpf.kernel.sys.TestRunRequest;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The kernel backend benchmark (not a test): ring buffer records delivered to a Java callback per
 * second, and map lookup ns/op, through the SPI, next to the same measurements by a C program using
 * Debian's libbpf on the same object. Run with {@code bpf-kernel/src/bench/run.sh}.
 *
 * <p>Ring buffer: each round fills the ring (BPF_PROG_TEST_RUN of {@code produce}, 64 records of
 * 64 bytes per run) with nobody reading, then times how fast the reader hands every record to the
 * callback (which reads the record's sequence number). Map: lookups of 1024 keys in a hash map.
 */
public final class KernelBench {
    private static final int ROUNDS = 15;
    private static final int RECORDS = 196_608; // 3072 runs × 64; 14 MiB of a 16 MiB ring
    private static final int LOOKUPS = 2_000_000;

    private static long consumed;
    private static long sink;

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: KernelBench OBJECT LIBBPF_BENCH_BINARY");
            System.exit(2);
        }
        Path object = Path.of(args[0]);
        double[] java = measure(object);
        String c = runC(args[1], object);
        double cRate = Double.parseDouble(field(c, "ringbuf_events_per_s"));
        double cMedian = Double.parseDouble(field(c, "ringbuf_median"));
        double cLookup = Double.parseDouble(field(c, "map_lookup_ns"));
        System.out.printf(Locale.ROOT, "%-34s %16s %16s %8s%n", "", "wbpf (Java)", "libbpf (C)", "C/Java");
        System.out.printf(Locale.ROOT, "%-34s %16.0f %16.0f %8.2f%n", "ring buffer events/s (best)", java[0], cRate, cRate / java[0]);
        System.out.printf(Locale.ROOT, "%-34s %16.0f %16.0f %8.2f%n", "ring buffer events/s (median)", java[1], cMedian, cMedian / java[1]);
        System.out.printf(Locale.ROOT, "%-34s %16.1f %16.1f %8.2f%n", "hash map lookup ns/op (best)", java[2], cLookup, java[2] / cLookup);
        System.out.println("(" + RECORDS + " records of 64 bytes per round, " + ROUNDS + " rounds; " + LOOKUPS
                + " lookups × 5; C/Java > 1 means libbpf is faster for events/s; for ns/op the ratio is Java/C)");
    }

    private static double[] measure(Path path) throws Exception {
        try (BpfObject object = Backends.named("kernel").orElseThrow()
                .load(BpfObjectReader.read(path), LoadOptions.defaults())) {
            int prog = ((KernelBpfProgram) object.program("produce").orElseThrow()).kernelProgram().fd().raw();
            EventReader reader = object.map("rb").orElseThrow().openEventReader();
            EventReader.RecordHandler handler = record -> {
                sink += record.get(ValueLayout.JAVA_LONG_UNALIGNED, 0);
                consumed++;
                return 0;
            };
            TestRunRequest run = new TestRunRequest(prog, null, 0, null, 0, 0, 0, 0);
            double[] rates = new double[ROUNDS];
            for (int warm = 0; warm < 5; warm++) { // let the JIT compile the consuming loop
                round(run, reader, handler);
            }
            for (int r = 0; r < ROUNDS; r++) {
                rates[r] = round(run, reader, handler);
            }
            Arrays.sort(rates);

            BpfMap table = object.map("table").orElseThrow();
            byte[] key = new byte[4];
            byte[] value = new byte[table.valueBufferSize()];
            for (int k = 0; k < 1024; k++) {
                le(key, k);
                le8(value, 3L * k);
                table.update(key, value, 0);
            }
            double best = Double.MAX_VALUE;
            for (int rep = 0; rep < 6; rep++) { // the first is warm-up, in effect
                long t0 = System.nanoTime();
                for (int i = 0; i < LOOKUPS; i++) {
                    le(key, i & 1023);
                    if (!table.lookup(key, value)) {
                        throw new IllegalStateException("key " + (i & 1023) + " missing");
                    }
                    sink += value[0];
                }
                best = Math.min(best, (System.nanoTime() - t0) / (double) LOOKUPS);
            }
            return new double[] {rates[ROUNDS - 1], rates[ROUNDS / 2], best};
        }
    }

    private static double round(TestRunRequest run, EventReader reader, EventReader.RecordHandler handler) {
        for (int i = 0; i < RECORDS / 64; i++) {
            Bpf.progTestRun(run);
        }
        consumed = 0;
        long t0 = System.nanoTime();
        while (consumed < RECORDS) {
            reader.poll(Duration.ZERO, handler);
        }
        return consumed / ((System.nanoTime() - t0) / 1e9);
    }

    private static String runC(String binary, Path object) throws Exception {
        Process p = new ProcessBuilder(List.of(binary, object.toString(), Integer.toString(ROUNDS),
                Integer.toString(RECORDS), Integer.toString(LOOKUPS))).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        if (p.waitFor() != 0) {
            throw new IllegalStateException(binary + " failed: " + out);
        }
        return out;
    }

    private static String field(String line, String name) {
        for (String part : line.split("\\s+")) {
            if (part.startsWith(name + "=")) {
                return part.substring(name.length() + 1);
            }
        }
        throw new IllegalStateException("no " + name + " in `" + line + "`");
    }

    private static void le(byte[] b, int v) {
        b[0] = (byte) v;
        b[1] = (byte) (v >>> 8);
        b[2] = (byte) (v >>> 16);
        b[3] = (byte) (v >>> 24);
    }

    private static void le8(byte[] b, long v) {
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (v >>> (8 * i));
        }
    }
}
