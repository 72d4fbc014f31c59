package dev.wbpf.examples.embedding;

import dev.wbpf.core.backend.BpfBackend;
import dev.wbpf.core.backend.LoadOptions;
import dev.wbpf.vm.hook.VmProbe;
import dev.wbpf.vm.hook.VmProbes;
import dev.wbpf.wasm.embed.Codec;
import dev.wbpf.wasm.embed.LoadedObject;
import dev.wbpf.wasm.embed.RecordStream;
import dev.wbpf.wasm.embed.TypedMap;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Part one of the example: bpf/embedding.bpf.o loaded directly (no Wasm). On the kernel its
 * tracepoint program sees the execs of {@code /bin/true} this application starts; on the VM its
 * {@code raw_tp/work} program runs whenever the application fires its probe {@code embedding:work}.
 * The events arrive as {@link Event} records from the ring buffer through a callback, a
 * Flow.Publisher and a blocking iterator, and from the perf buffer through a callback; the config
 * map is written, the per-CPU and per-command counters are read.
 */
final class DirectObjectDemo {
    static final String OBJECT = "embedding.bpf.o";
    private static final String TAG = "embedded";
    /** The application's own probe; {@code SEC("raw_tp/work")} programs attach to it on the VM. */
    private static final VmProbe WORK = VmProbes.probe("embedding", "work");
    private static final long WAIT_SECONDS = 10;

    private final PrintStream out;
    private final BpfBackend backend;
    private final int count;

    DirectObjectDemo(PrintStream out, BpfBackend backend, int count) {
        this.out = out;
        this.backend = backend;
        this.count = count;
    }

    /** True if every way of receiving saw every event the application caused. */
    boolean run() throws Exception {
        try (LoadedObject bpf = LoadedObject.load(OBJECT, resource(OBJECT), backend, LoadOptions.defaults().withLog(out::println))) {
            out.println("loaded " + bpf.name() + " into the " + bpf.backend() + " backend");

            TypedMap<Integer, Config> config = bpf.map("config", Codec.U32, Codec.record(Config.class));
            config.put(0, new Config(1, TAG));
            out.println("config[0] = " + config.get(0).orElseThrow());

            RecordStream<Event> events = bpf.records("events", Codec.record(Event.class));
            Set<Integer> ours = ConcurrentHashMap.newKeySet();
            Predicate<Event> caused = backend.name().equals("kernel")
                    ? e -> e.kind() == Event.EXEC && ours.contains(e.pid()) && e.filename().equals("/bin/true")
                    : e -> e.kind() == Event.PROBE;

            // kept by kind here, by pid once every pid is known: an exec can be seen before start() returns its pid
            Queue<Event> byCallback = new ConcurrentLinkedQueue<>();
            events.onRecord(byCallback::add);
            Queue<Event> byPublisher = new ConcurrentLinkedQueue<>();
            events.publisher().subscribe(new CollectingSubscriber(byPublisher));
            var iterator = events.iterator();
            events.start();
            // the programs send each event to a perf buffer too: the same codec reads those records
            RecordStream<Event> perfEvents = bpf.records("perf_events", Codec.record(Event.class));
            Queue<Event> byPerfBuffer = new ConcurrentLinkedQueue<>();
            perfEvents.onRecord(byPerfBuffer::add).start();

            if (backend.name().equals("kernel")) {
                out.println("attached " + bpf.attach("on_exec").description());
                for (int i = 0; i < count; i++) {
                    Process p = new ProcessBuilder("/bin/true").start();
                    ours.add((int) p.pid());
                    p.waitFor();
                }
                out.println("started /bin/true " + count + " times");
            } else {
                out.println("attached " + bpf.attach("on_work").description());
                for (int i = 1; i <= count; i++) {
                    WORK.fire(i * 100L);
                }
                out.println("fired probe embedding:work " + count + " times");
            }

            List<Event> received = new ArrayList<>();
            try (ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor()) {
                // the iterator blocks; end the stream if the events do not come
                var timeout = watchdog.schedule(events::close, WAIT_SECONDS, TimeUnit.SECONDS);
                while (received.size() < count && iterator.hasNext()) {
                    Event e = iterator.next();
                    if (caused.test(e)) {
                        received.add(e);
                        out.println("iterator:  " + e);
                    }
                }
                timeout.cancel(false);
            }
            long called = awaitCount(byCallback, caused);
            long published = awaitCount(byPublisher, caused);
            long perf = awaitCount(byPerfBuffer, caused);
            out.println("received " + received.size() + " by iterator, " + called + " by callback, " + published
                    + " by publisher, of " + count + "; " + perf + " from the perf buffer (" + perfEvents.lostRecords() + " lost)");

            TypedMap<Integer, List<Long>> eventCount = bpf.perCpuMap("event_count", Codec.U32, Codec.U64);
            List<Long> perCpu = eventCount.get(0).orElseThrow();
            long sum = perCpu.stream().mapToLong(Long::longValue).sum();
            out.println("event_count[0] per CPU = " + perCpu + ", sum " + sum);

            TypedMap<String, Long> perComm = bpf.map("per_comm", Codec.string(16), Codec.U64);
            Map<String, Long> commands = perComm.entries();
            out.println("per_comm: " + commands.size() + " command(s), the most frequent: " + commands.entrySet().stream()
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(5)
                    .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", ")));
            return received.size() == count && called == count && published == count && perf == count && sum >= count
                    && received.stream().allMatch(e -> e.tag().equals(TAG));
        }
    }

    /** How many of {@code seen} the application caused, once there are {@link #count} or the wait is over. */
    private long awaitCount(Queue<Event> seen, Predicate<Event> caused) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        long n;
        while ((n = seen.stream().filter(caused).count()) < count && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return n;
    }

    static byte[] resource(String name) {
        try (InputStream in = DirectObjectDemo.class.getResourceAsStream("/" + name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is not on the class path: build the example with Maven");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Keeps every event the publisher delivers. */
    private record CollectingSubscriber(Queue<Event> seen) implements Flow.Subscriber<Event> {
        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(Event event) {
            seen.add(event);
        }

        @Override
        public void onError(Throwable failure) {
            // the stream stopped: the count stays short and the run reports it
        }

        @Override
        public void onComplete() {
        }
    }
}
