package dev.wbpf.vm.hook;

import dev.wbpf.core.backend.BpfException;
import dev.wbpf.core.backend.BpfLink;
import dev.wbpf.core.prog.AttachKind;
import dev.wbpf.vm.backend.VmAttachPoint;
import dev.wbpf.vm.backend.VmBpfProgram;
import dev.wbpf.vm.memory.RegionKind;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import jdk.jfr.consumer.RecordedClass;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingStream;

/**
 * The hosting JVM observing itself: JDK Flight Recorder events exposed as tracepoints
 * {@code jvm/<event>}, for {@code SEC("tp/jvm/<event>")} programs. The first program attached to an
 * event starts a {@link RecordingStream} for it (threshold 0, no stack traces; periodic events every
 * second); the last one detached closes it. Programs run on the stream's thread, per event, in
 * the order JFR delivers them; JFR flushes about once a second, so events arrive up to ~1 s late.
 *
 * <p>Every context is 128 bytes, read-only, little-endian, and starts like a kernel tracepoint's
 * with an 8-byte common header; strings are NUL-terminated (cut to fit) fixed char arrays:
 * <pre>
 * struct jvm_common { __u16 common_type; __u8 flags; __u8 preempt_count; __s32 common_pid; }; // pid: JFR event thread id, low 32 bits
 *
 * jvm/file_read, jvm/file_write (jdk.FileRead, jdk.FileWrite):
 *   0 common; 8 __s64 duration_ns; 16 __s64 bytes; 24 __u64 thread_id; 32 __u8 end_of_file; 40 char path[88];
 * jvm/socket_read, jvm/socket_write (jdk.SocketRead, jdk.SocketWrite):
 *   0 common; 8 __s64 duration_ns; 16 __s64 bytes; 24 __u64 thread_id; 32 __s32 port; 36 __u8 end_of_stream;
 *   40 __s64 timeout_ms; 48 char address[40]; 88 char host[40];
 * jvm/thread_start, jvm/thread_end (jdk.ThreadStart, jdk.ThreadEnd):
 *   0 common; 8 __u64 thread_id; 16 __u64 os_thread_id; 24 __u64 parent_thread_id; 32 char name[96];
 * jvm/gc (jdk.GarbageCollection):
 *   0 common; 8 __s64 duration_ns; 16 __s64 sum_of_pauses_ns; 24 __s64 longest_pause_ns; 32 __u32 gc_id;
 *   40 char name[32]; 72 char cause[56];
 * jvm/exception_throw (jdk.JavaExceptionThrow):
 *   0 common; 8 __u64 thread_id; 16 char class_name[56]; 72 char message[56];
 * jvm/exception_stats (jdk.ExceptionStatistics, every second):
 *   0 common; 8 __s64 throwables;                       // created since JVM start
 * jvm/monitor_wait (jdk.JavaMonitorWait):
 *   0 common; 8 __s64 duration_ns; 16 __s64 timeout_ms; 24 __u64 thread_id; 32 __u64 notifier_thread_id;
 *   40 __u8 timed_out; 48 char monitor_class[80];
 * jvm/cpu_load (jdk.CPULoad, every second):
 *   0 common; 8 __u32 jvm_user_ppm; 12 __u32 jvm_system_ppm; 16 __u32 machine_total_ppm;  // parts per million
 * </pre>
 */
public final class JvmTracepoints implements VmAttachPoint {
    public static final int CONTEXT_SIZE = 128;

    private record Event(String name, String jfrName, boolean periodic, BiConsumer<RecordedEvent, ByteBuffer> encoder) {}

    private static final List<Event> EVENTS = List.of(
            new Event("file_read", "jdk.FileRead", false, (e, b) -> file(e, b, "bytesRead", true)),
            new Event("file_write", "jdk.FileWrite", false, (e, b) -> file(e, b, "bytesWritten", false)),
            new Event("socket_read", "jdk.SocketRead", false, (e, b) -> socket(e, b, "bytesRead", true)),
            new Event("socket_write", "jdk.SocketWrite", false, (e, b) -> socket(e, b, "bytesWritten", false)),
            new Event("thread_start", "jdk.ThreadStart", false, (e, b) -> thread(e, b, true)),
            new Event("thread_end", "jdk.ThreadEnd", false, (e, b) -> thread(e, b, false)),
            new Event("gc", "jdk.GarbageCollection", false, JvmTracepoints::gc),
            new Event("exception_throw", "jdk.JavaExceptionThrow", false, (e, b) -> {
                b.putLong(8, threadId(e.getThread()));
                RecordedClass c = safe(() -> e.getClass("thrownClass"), null);
                string(b, 16, 56, c == null ? "" : c.getName());
                string(b, 72, 56, safe(() -> e.getString("message"), ""));
            }),
            new Event("exception_stats", "jdk.ExceptionStatistics", true, (e, b) -> b.putLong(8, safe(() -> e.getLong("throwables"), 0L))),
            new Event("monitor_wait", "jdk.JavaMonitorWait", false, (e, b) -> {
                b.putLong(8, e.getDuration().toNanos());
                b.putLong(16, safe(() -> e.getDuration("timeout").toMillis(), 0L));
                b.putLong(24, threadId(e.getThread()));
                b.putLong(32, threadId(safe(() -> e.getThread("notifier"), null)));
                b.put(40, (byte) (safe(() -> e.getBoolean("timedOut"), false) ? 1 : 0));
                RecordedClass c = safe(() -> e.getClass("monitorClass"), null);
                string(b, 48, 80, c == null ? "" : c.getName());
            }),
            new Event("cpu_load", "jdk.CPULoad", true, (e, b) -> {
                b.putInt(8, ppm(safe(() -> e.getFloat("jvmUser"), 0f)));
                b.putInt(12, ppm(safe(() -> e.getFloat("jvmSystem"), 0f)));
                b.putInt(16, ppm(safe(() -> e.getFloat("machineTotal"), 0f)));
            }));

    private final Map<String, Source> sources = new HashMap<>();

    /** The tracepoint names served, e.g. {@code jvm/file_write}. */
    public static List<String> names() {
        return EVENTS.stream().map(e -> "jvm/" + e.name()).toList();
    }

    @Override
    public String description() {
        return "tp/jvm/EVENT on JDK Flight Recorder events of this JVM (" + String.join(", ", names()) + ")";
    }

    @Override
    public boolean accepts(VmBpfProgram program, String target) {
        return program.spec().definition().kind() == AttachKind.TRACEPOINT && target.startsWith("jvm/");
    }

    @Override
    public synchronized BpfLink attach(VmBpfProgram program, String target) {
        String name = target.substring("jvm/".length());
        Event event = EVENTS.stream().filter(e -> e.name().equals(name)).findFirst().orElseThrow(() -> new BpfException(
                "no JVM tracepoint `" + target + "` for program `" + program.name() + "`; the VM has " + String.join(", ", names()),
                BpfException.ENOENT));
        Source source = sources.computeIfAbsent(name, n -> new Source(event, EVENTS.indexOf(event) + 1));
        return source.attach(new HookedProgram(program));
    }

    private final class Source {
        private final Event event;
        private final int type;
        private final CopyOnWriteArrayList<HookedProgram> programs = new CopyOnWriteArrayList<>();
        private final byte[] buffer = new byte[CONTEXT_SIZE];
        private RecordingStream stream;

        Source(Event event, int type) {
            this.event = event;
            this.type = type;
        }

        BpfLink attach(HookedProgram program) {
            programs.add(program);
            if (stream == null) {
                RecordingStream s = new RecordingStream();
                var settings = s.enable(event.jfrName()).withoutStackTrace();
                if (event.periodic()) {
                    settings.withPeriod(Duration.ofSeconds(1));
                } else {
                    settings.withThreshold(Duration.ZERO);
                }
                s.onEvent(event.jfrName(), this::dispatch);
                s.startAsync();
                stream = s;
            }
            return new BpfLink() {
                private boolean closed;

                @Override
                public String description() {
                    return program.name() + " -> tracepoint jvm/" + event.name() + " (" + event.jfrName() + ", VM)";
                }

                @Override
                public void close() {
                    synchronized (JvmTracepoints.this) {
                        if (closed) {
                            return;
                        }
                        closed = true;
                        programs.remove(program);
                        if (programs.isEmpty() && stream != null) {
                            stream.close();
                            stream = null;
                            sources.remove(event.name());
                        }
                    }
                }
            };
        }

        private void dispatch(RecordedEvent e) {
            // one stream thread per source: the buffer is not shared between threads
            java.util.Arrays.fill(buffer, (byte) 0);
            ByteBuffer b = ByteBuffer.wrap(buffer).order(ByteOrder.LITTLE_ENDIAN);
            b.putShort(0, (short) type);
            b.putInt(4, (int) threadId(e.getThread()));
            try {
                event.encoder().accept(e, b);
            } catch (RuntimeException ignored) {
                // a field this JDK does not have stays zero
            }
            for (HookedProgram p : programs) {
                p.run(ctx -> ctx.addMemory(RegionKind.CONTEXT, "jvm/" + event.name(), buffer, 0, CONTEXT_SIZE, false), 0);
            }
        }
    }

    private interface Getter<T> {
        T get();
    }

    private static <T> T safe(Getter<T> getter, T fallback) {
        try {
            T v = getter.get();
            return v == null ? fallback : v;
        } catch (RuntimeException e) {
            return fallback;
        }
    }

    private static long threadId(RecordedThread t) {
        return t == null ? 0 : t.getJavaThreadId();
    }

    private static int ppm(float f) {
        return Math.round(f * 1_000_000f);
    }

    private static void string(ByteBuffer b, int off, int size, String s) {
        byte[] bytes = (s == null ? "" : s).getBytes(StandardCharsets.UTF_8);
        int n = Math.min(bytes.length, size - 1);
        b.put(off, bytes, 0, n);
        b.put(off + n, (byte) 0);
    }

    private static void file(RecordedEvent e, ByteBuffer b, String bytesField, boolean read) {
        b.putLong(8, e.getDuration().toNanos());
        b.putLong(16, safe(() -> e.getLong(bytesField), 0L));
        b.putLong(24, threadId(e.getThread()));
        b.put(32, (byte) (read && safe(() -> e.getBoolean("endOfFile"), false) ? 1 : 0));
        string(b, 40, 88, safe(() -> e.getString("path"), ""));
    }

    private static void socket(RecordedEvent e, ByteBuffer b, String bytesField, boolean read) {
        b.putLong(8, e.getDuration().toNanos());
        b.putLong(16, safe(() -> e.getLong(bytesField), 0L));
        b.putLong(24, threadId(e.getThread()));
        b.putInt(32, safe(() -> e.getInt("port"), 0));
        b.put(36, (byte) (read && safe(() -> e.getBoolean("endOfStream"), false) ? 1 : 0));
        b.putLong(40, read ? safe(() -> e.getDuration("timeout").toMillis(), 0L) : 0);
        string(b, 48, 40, safe(() -> e.getString("address"), ""));
        string(b, 88, 40, safe(() -> e.getString("host"), ""));
    }

    private static void thread(RecordedEvent e, ByteBuffer b, boolean start) {
        RecordedThread t = safe(() -> e.getThread("thread"), null);
        b.putLong(8, threadId(t));
        b.putLong(16, t == null ? 0 : t.getOSThreadId());
        b.putLong(24, start ? threadId(safe(() -> e.getThread("parentThread"), null)) : 0);
        string(b, 32, 96, t == null ? "" : t.getJavaName());
    }

    private static void gc(RecordedEvent e, ByteBuffer b) {
        b.putLong(8, e.getDuration().toNanos());
        b.putLong(16, safe(() -> e.getDuration("sumOfPauses").toNanos(), 0L));
        b.putLong(24, safe(() -> e.getDuration("longestPause").toNanos(), 0L));
        b.putInt(32, safe(() -> e.getInt("gcId"), 0));
        string(b, 40, 32, safe(() -> e.getString("name"), ""));
        string(b, 72, 56, safe(() -> e.getString("cause"), ""));
    }
}
