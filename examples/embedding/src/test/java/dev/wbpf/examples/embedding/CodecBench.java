package dev.wbpf.examples.embedding;

import dev.wbpf.core.backend.Backends;
import dev.wbpf.core.backend.BpfMap;
import dev.wbpf.core.backend.LoadOptions;
import dev.wbpf.wasm.embed.Codec;
import dev.wbpf.wasm.embed.LoadedObject;
import dev.wbpf.wasm.embed.TypedMap;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * What the typed layer costs (not a test; prints numbers): decoding and encoding the example's
 * 112-byte {@code struct event} as an {@link Event} record through the BTF-laid-out record codec,
 * next to reading the same fields by hand from a ByteBuffer; and a typed map lookup
 * ({@code config}, a record value) next to the untyped {@link BpfMap#lookup} on the same map.
 * The command is in examples/embedding/README.md.
 */
public final class CodecBench {
    private static final int OPS = 2_000_000;
    private static final int ROUNDS = 7;
    private static long sink;

    public static void main(String[] args) throws Exception {
        String backend = args.length > 0 ? args[0] : "vm";
        try (LoadedObject bpf = LoadedObject.load(DirectObjectDemo.OBJECT, DirectObjectDemo.resource(DirectObjectDemo.OBJECT),
                Backends.named(backend).orElseThrow(), LoadOptions.defaults())) {
            Codec<Event> codec = Codec.record(Event.class).bind(bpf.object().spec().btfIfPresent().orElseThrow(), 0, -1, "bench");
            ByteBuffer bytes = ByteBuffer.allocate(codec.size()).order(ByteOrder.nativeOrder());
            Event event = new Event(4242, Event.PROBE, 77, "java", "/usr/bin/true", "embedded");
            codec.encode(event, bytes, 0);

            report("record codec: decode struct event", best(() -> sink += codec.decode(bytes, 0).pid()));
            report("by hand: the same six fields", best(() -> sink += byHand(bytes).pid()));
            report("record codec: encode struct event", best(() -> codec.encode(event, bytes, 0)));

            TypedMap<Integer, Config> config = bpf.map("config", Codec.U32, Codec.record(Config.class));
            config.put(0, new Config(1, "embedded"));
            BpfMap raw = bpf.map("config");
            byte[] key = new byte[4];
            byte[] value = new byte[raw.valueSize()];
            report(backend + ": TypedMap<Integer, Config>.get", best(() -> sink += config.get(0).orElseThrow().enabled()));
            report(backend + ": BpfMap.lookup (bytes)", best(() -> {
                raw.lookup(key, value);
                sink += value[0];
            }));
        }
        System.out.println("(" + OPS + " operations per round, best of " + ROUNDS + " rounds; sink " + (sink & 1) + ")");
    }

    private static Event byHand(ByteBuffer b) {
        return new Event(b.getInt(0), b.getInt(4), b.getLong(8), string(b, 16, 16), string(b, 32, 64), string(b, 96, 12));
    }

    private static String string(ByteBuffer b, int offset, int length) {
        int end = 0;
        while (end < length && b.get(offset + end) != 0) {
            end++;
        }
        byte[] text = new byte[end];
        b.get(offset, text);
        return new String(text, StandardCharsets.UTF_8);
    }

    private static double best(Runnable op) {
        double best = Double.MAX_VALUE;
        for (int r = 0; r < ROUNDS; r++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < OPS; i++) {
                op.run();
            }
            best = Math.min(best, (System.nanoTime() - t0) / (double) OPS);
        }
        return best;
    }

    private static void report(String what, double nanos) {
        System.out.printf(Locale.ROOT, "%-40s %8.1f ns%n", what, nanos);
    }
}
