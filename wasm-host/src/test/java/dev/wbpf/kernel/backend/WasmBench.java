package dev.wbpf.kernel.backend;

import dev.wbpf.core.backend.Backends;
import dev.wbpf.core.backend.BpfBackend;
import dev.wbpf.core.backend.BpfMap;
import dev.wbpf.core.backend.BpfObject;
import dev.wbpf.core.backend.EventReader;
import dev.wbpf.core.backend.LoadOptions;
import dev.wbpf.core.object.BpfObjectReader;
import dev.wbpf.core.object.BpfObjectSpec;
import dev.wbpf.kernel.sys.Bpf;
import dev.wbpf.kernel.sys.TestRunRequest;
import dev.wbpf.wasm.WasmBpfModule;
import java.io.ByteArrayOutputStream;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * wasm-host's benchmark (not a test; in this package to reach the kernel program's fd for
 * BPF_PROG_TEST_RUN): ring buffer records per second reaching a Wasm guest's callback through
 * {@code wasm_bpf_buffer_poll}, next to the kernel backend's Java callback on the same object and
 * load, and the round trip of one {@code wasm_bpf_map_operate} lookup next to an SPI lookup.
 * Run with {@code wasm-host/src/bench/run.sh}.
 *
 * <p>Each round: load bench.bpf.o, fill its 16 MiB ring buffer with RECORDS records of 64 bytes
 * (test-runs of {@code produce}) with nobody reading, then time how fast every record reaches the
 * callback (which reads the record's sequence number), polling with timeout 0.
 */
public final class WasmBench {
    private static final int ROUNDS = 15;
    private static final int RECORDS = 196_608;
    private static final int LOOKUPS = 1_000_000;
    private static long consumed;
    private static long sink;

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: WasmBench BENCH_OBJECT BENCH_GUEST_WASM");
            System.exit(2);
        }
        Path object = Path.of(args[0]).toAbsolutePath();
        Path guest = Path.of(args[1]);
        BpfBackend kernel = Backends.named("kernel").orElseThrow();

        double[] java = javaSide(kernel, object);
        for (WasmBpfModule.Engine engine : WasmBpfModule.Engine.values()) {
            double[] wasm = guestSide(kernel, object, guest, engine);
            System.out.printf(Locale.ROOT, "%-46s %14s %14s %8s%n", "engine: " + engine.name().toLowerCase(Locale.ROOT),
                    "Wasm guest", "Java (SPI)", "ratio");
            System.out.printf(Locale.ROOT, "%-46s %14.0f %14.0f %8.2f%n", "ring buffer events/s to a callback (best)",
                    wasm[0], java[0], java[0] / wasm[0]);
            System.out.printf(Locale.ROOT, "%-46s %14.0f %14.0f %8.2f%n", "ring buffer events/s to a callback (median)",
                    wasm[1], java[1], java[1] / wasm[1]);
            System.out.printf(Locale.ROOT, "%-46s %14.1f %14.1f %8.2f%n", "hash map lookup round trip ns (best)",
                    wasm[2], java[2], wasm[2] / java[2]);
        }
        System.out.println("(" + RECORDS + " records of 64 bytes per round, " + ROUNDS + " rounds, first 5 dropped as"
                + " warm-up in the guest; " + LOOKUPS + " lookups x 5; ratio: how many times faster Java is)");
    }

    /** The kernel backend with the bench object's ring filled and table filled as each load returns. */
    private static BpfBackend filling(BpfBackend kernel) {
        return new BpfBackend() {
            @Override
            public String name() {
                return kernel.name();
            }

            @Override
            public Availability availability() {
                return kernel.availability();
            }

            @Override
            public BpfObject load(BpfObjectSpec spec, LoadOptions options) {
                BpfObject o = kernel.load(spec, options);
                fillTable(o.map("table").orElseThrow());
                fillRing(o);
                return o;
            }
        };
    }

    private static void fillRing(BpfObject o) {
        int prog = ((KernelBpfProgram) o.program("produce").orElseThrow()).kernelProgram().fd().raw();
        TestRunRequest run = new TestRunRequest(prog, null, 0, null, 0, 0, 0, 0);
        for (int i = 0; i < RECORDS / 64; i++) {
            Bpf.progTestRun(run);
        }
    }

    private static void fillTable(BpfMap table) {
        byte[] key = new byte[4];
        byte[] value = new byte[table.valueBufferSize()];
        for (int k = 0; k < 1024; k++) {
            le(key, k);
            le(value, 3 * k);
            table.update(key, value, 0);
        }
    }

    private static double[] guestSide(BpfBackend kernel, Path object, Path guest, WasmBpfModule.Engine engine)
            throws Exception {
        var out = new ByteArrayOutputStream();
        try (var m = WasmBpfModule.builder().path(guest)
                .args(List.of("/data/" + object.getFileName(), Integer.toString(ROUNDS + 5), Integer.toString(RECORDS),
                        Integer.toString(LOOKUPS)))
                .directory(object.getParent(), "/data").stdout(out).stderr(System.err).engine(engine)
                .backend(filling(kernel)).build()) {
            int code = m.run().exitCode();
            if (code != 0) {
                throw new IllegalStateException("bench guest exited " + code + ": " + out);
            }
        }
        String text = out.toString(StandardCharsets.UTF_8);
        double[] rates = Pattern.compile("round (\\d+) events_per_s=(\\d+)").matcher(text).results()
                .filter(r -> Integer.parseInt(r.group(1)) >= 5)
                .mapToDouble(r -> Double.parseDouble(r.group(2))).sorted().toArray();
        Matcher ns = Pattern.compile("map_operate_ns=([0-9.]+)").matcher(text);
        if (!ns.find() || rates.length != ROUNDS) {
            throw new IllegalStateException("unexpected guest output: " + text);
        }
        return new double[] {rates[ROUNDS - 1], rates[ROUNDS / 2], Double.parseDouble(ns.group(1))};
    }

    private static double[] javaSide(BpfBackend kernel, Path path) throws Exception {
        double[] rates = new double[ROUNDS];
        EventReader.RecordHandler handler = record -> {
            sink += record.get(ValueLayout.JAVA_LONG_UNALIGNED, 0);
            consumed++;
            return 0;
        };
        BpfBackend backend = filling(kernel);
        for (int r = -5; r < ROUNDS; r++) {
            try (BpfObject object = backend.load(BpfObjectReader.read(path), LoadOptions.defaults());
                 EventReader reader = object.map("rb").orElseThrow().openEventReader()) {
                consumed = 0;
                long t0 = System.nanoTime();
                while (consumed < RECORDS) {
                    reader.poll(Duration.ZERO, handler);
                }
                if (r >= 0) {
                    rates[r] = consumed / ((System.nanoTime() - t0) / 1e9);
                }
            }
        }
        Arrays.sort(rates);
        double best = Double.MAX_VALUE;
        try (BpfObject object = backend.load(BpfObjectReader.read(path), LoadOptions.defaults())) {
            BpfMap table = object.map("table").orElseThrow();
            byte[] key = new byte[4];
            byte[] value = new byte[table.valueBufferSize()];
            for (int rep = 0; rep < 6; rep++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < LOOKUPS; i++) {
                    le(key, i & 1023);
                    if (!table.lookup(key, value)) {
                        throw new IllegalStateException("key missing");
                    }
                    sink += value[0];
                }
                best = Math.min(best, (System.nanoTime() - t0) / (double) LOOKUPS);
            }
        }
        return new double[] {rates[ROUNDS - 1], rates[ROUNDS / 2], best};
    }

    private static void le(byte[] b, int v) {
        b[0] = (byte) v;
        b[1] = (byte) (v >>> 8);
        b[2] = (byte) (v >>> 16);
        b[3] = (byte) (v >>> 24);
    }
}
