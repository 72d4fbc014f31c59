package dev.wbpf.kernel.link;

import dev.wbpf.core.prog.AttachKind;
import dev.wbpf.kernel.Errno;
import dev.wbpf.kernel.Fd;
import dev.wbpf.kernel.KernelException;
import dev.wbpf.kernel.PossibleCpus;
import dev.wbpf.kernel.loader.KernelProgram;
import dev.wbpf.kernel.sys.Syscalls;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code perf_event} program sampling every CPU at a frequency, as profilers do: one software
 * cpu-clock event per online CPU in frequency mode (all processes), each with the program attached
 * through a BPF link (or PERF_EVENT_IOC_SET_BPF). Closing detaches and closes them all.
 */
public final class PerfEventLink implements KernelLink {
    /** The frequency when none is given (what profile tools commonly use: off the timer tick). */
    public static final int DEFAULT_FREQUENCY = 49;
    private static final int PERF_TYPE_SOFTWARE = 1;
    private static final int PERF_COUNT_SW_CPU_CLOCK = 0;
    private static final long FLAG_FREQ = 1L << 10;
    private static final long PERF_FLAG_FD_CLOEXEC = 8;
    private static final int ATTR_SIZE = 136;

    private final List<PerfEventAttachment> attachments;
    private final String description;

    private PerfEventLink(List<PerfEventAttachment> attachments, String description) {
        this.attachments = attachments;
        this.description = description;
    }

    public static PerfEventLink attach(KernelProgram program) {
        return attach(program, DEFAULT_FREQUENCY);
    }

    /** Samples every online CPU {@code frequency} times a second. */
    public static PerfEventLink attach(KernelProgram program, int frequency) {
        Links.requireKind(program, "a perf event program", AttachKind.PERF_EVENT);
        if (frequency <= 0) {
            throw new KernelException("sampling frequency must be positive, got " + frequency, Errno.EINVAL);
        }
        List<PerfEventAttachment> attachments = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = arena.allocate(ATTR_SIZE, 8);
            attr.set(ValueLayout.JAVA_INT, 0, PERF_TYPE_SOFTWARE);
            attr.set(ValueLayout.JAVA_INT, 4, ATTR_SIZE);
            attr.set(ValueLayout.JAVA_LONG, 8, PERF_COUNT_SW_CPU_CLOCK);
            attr.set(ValueLayout.JAVA_LONG, 16, frequency); // sample_freq (with the freq flag)
            attr.set(ValueLayout.JAVA_LONG, 40, FLAG_FREQ);
            for (int cpu = 0; cpu < PossibleCpus.count(); cpu++) {
                Fd event;
                try {
                    event = Syscalls.perfEventOpen(attr, -1, cpu, -1, PERF_FLAG_FD_CLOEXEC);
                } catch (KernelException e) {
                    if (e.is(Errno.ENODEV)) {
                        continue; // possible but offline
                    }
                    throw e;
                }
                attachments.add(PerfEventAttachment.attach(program, event));
            }
            return new PerfEventLink(attachments, "perf_event cpu-clock at " + frequency + " Hz on "
                    + attachments.size() + " CPUs <- " + program.name());
        } catch (RuntimeException e) {
            attachments.forEach(PerfEventAttachment::close);
            throw e;
        }
    }

    /** The CPUs sampled (one event each). */
    public int cpus() {
        return attachments.size();
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public void close() {
        attachments.forEach(PerfEventAttachment::close);
    }
}
