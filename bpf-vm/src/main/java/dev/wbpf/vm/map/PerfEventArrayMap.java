package dev.wbpf.vm.map;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code PERF_EVENT_ARRAY}: one record queue per CPU, filled by {@code bpf_perf_event_output}
 * and drained by a Java reader. Each queue holds at most {@link #bytesPerCpu()} bytes of
 * records; an output that does not fit is lost and counted per CPU, as the kernel's perf ring
 * reports lost samples.
 */
public final class PerfEventArrayMap extends VmMap {
    /** A sample, or a report of samples lost on that CPU since the previous report. */
    public record Sample(int cpu, byte[] data, long lost) {
    }

    private final ArrayDeque<byte[]>[] queues;
    private final long[] queuedBytes;
    private final long[] lost;
    private final int bytesPerCpu;

    @SuppressWarnings("unchecked")
    public PerfEventArrayMap(MapDefinition definition, int cpus, int bytesPerCpu) {
        super(definition);
        queues = new ArrayDeque[cpus];
        for (int i = 0; i < cpus; i++) {
            queues[i] = new ArrayDeque<>();
        }
        queuedBytes = new long[cpus];
        lost = new long[cpus];
        this.bytesPerCpu = bytesPerCpu;
    }

    public int bytesPerCpu() {
        return bytesPerCpu;
    }

    public int cpus() {
        return queues.length;
    }

    /** Queues a copy of the sample on {@code cpu}; 0, E2BIG (index out of range) or ENOSPC (lost). */
    public synchronized int output(int cpu, byte[] sample) {
        if (cpu < 0 || cpu >= queues.length) {
            return Errno.E2BIG;
        }
        if (queuedBytes[cpu] + sample.length > bytesPerCpu) {
            lost[cpu]++;
            return Errno.ENOSPC;
        }
        queues[cpu].addLast(sample.clone());
        queuedBytes[cpu] += sample.length;
        return 0;
    }

    /** Takes every queued sample of every CPU (a lost-count entry first where samples were lost). */
    public synchronized List<Sample> drain() {
        List<Sample> out = new ArrayList<>();
        for (int cpu = 0; cpu < queues.length; cpu++) {
            if (lost[cpu] > 0) {
                out.add(new Sample(cpu, null, lost[cpu]));
                lost[cpu] = 0;
            }
            for (byte[] s; (s = queues[cpu].pollFirst()) != null; ) {
                out.add(new Sample(cpu, s, 0));
            }
            queuedBytes[cpu] = 0;
        }
        return out;
    }

    public synchronized long lost(int cpu) {
        return lost[cpu];
    }
}
