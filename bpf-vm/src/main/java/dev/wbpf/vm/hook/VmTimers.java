package dev.wbpf.vm.hook;

import dev.wbpf.core.backend.BpfException;
import dev.wbpf.core.backend.BpfLink;
import dev.wbpf.core.prog.AttachKind;
import dev.wbpf.vm.backend.VmAttachPoint;
import dev.wbpf.vm.backend.VmBpfProgram;
import dev.wbpf.vm.memory.RegionKind;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Timers for {@code perf_event} programs: a program attached with target {@code "99"} or
 * {@code "freq=99"} (default {@value #DEFAULT_HZ} Hz when the target is empty) runs that many times
 * a second on a scheduler thread (virtual CPU 0), like a software cpu-clock event sampling at that
 * frequency on one CPU. Its context is {@code struct bpf_perf_event_data}:
 * <pre>
 * struct bpf_perf_event_data {
 *     struct pt_regs regs;     // 0..167: all zero (no interrupted code to show)
 *     __u64 sample_period;     // 168: 1e9 / Hz, the period in ns of cpu-clock
 *     __u64 addr;              // 176: 0
 * };                           // 184 bytes, read-only
 * </pre>
 */
public final class VmTimers implements VmAttachPoint {
    public static final int DEFAULT_HZ = 49;
    public static final int MAX_HZ = 10_000;
    private static final int SIZE = 184;

    /** One daemon scheduler thread for every timer of the process, started by the first attach. */
    private static final class Scheduler {
        static final ScheduledExecutorService INSTANCE = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "wbpf-vm-timers");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public String description() {
        return "perf_event programs on timers (attach target: frequency in Hz, `99` or `freq=99`; default " + DEFAULT_HZ + ")";
    }

    @Override
    public boolean accepts(VmBpfProgram program, String target) {
        return program.spec().definition().kind() == AttachKind.PERF_EVENT;
    }

    static int frequency(String target) {
        String t = target == null ? "" : target.trim();
        if (t.isEmpty()) {
            return DEFAULT_HZ;
        }
        if (t.startsWith("freq=")) {
            t = t.substring(5);
        }
        try {
            int hz = Integer.parseInt(t);
            if (hz >= 1 && hz <= MAX_HZ) {
                return hz;
            }
        } catch (NumberFormatException ignored) {
            // below
        }
        throw new BpfException("perf_event attach target `" + target + "`: the VM wants a frequency of 1.." + MAX_HZ
                + " Hz, as `99` or `freq=99`", BpfException.EINVAL);
    }

    @Override
    public BpfLink attach(VmBpfProgram program, String target) {
        int hz = frequency(target);
        long periodNanos = 1_000_000_000L / hz;
        HookedProgram hooked = new HookedProgram(program);
        byte[] data = new byte[SIZE];
        ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).putLong(168, periodNanos);
        ScheduledFuture<?> task = Scheduler.INSTANCE.scheduleAtFixedRate(
                () -> hooked.run(ctx -> ctx.addMemory(RegionKind.CONTEXT, "bpf_perf_event_data", data, 0, SIZE, false), 0),
                periodNanos, periodNanos, TimeUnit.NANOSECONDS);
        return new BpfLink() {
            @Override
            public String description() {
                return program.name() + " -> perf_event " + hz + " Hz (VM timer)";
            }

            @Override
            public void close() {
                task.cancel(false);
            }
        };
    }
}
