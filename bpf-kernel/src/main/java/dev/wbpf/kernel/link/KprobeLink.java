package dev.wbpf.kernel.link;

import dev.wbpf.core.prog.AttachKind;
import dev.wbpf.kernel.Fd;
import dev.wbpf.kernel.KernelException;
import dev.wbpf.kernel.feature.KernelFeatures;
import dev.wbpf.kernel.loader.KernelProgram;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A kprobe or kretprobe through the kprobe PMU (perf_event_open with the PMU's dynamic type, the
 * function name in config1 and the offset in config2, bit 0 of config for a return probe).
 * Kernels built without CONFIG_KPROBE_EVENTS have no such PMU: attaching then fails at once with
 * a message saying so.
 */
public final class KprobeLink implements KernelLink {
    static final Path PMU = Path.of("/sys/bus/event_source/devices/kprobe");

    private final PerfEventAttachment attachment;
    private final String description;

    private KprobeLink(PerfEventAttachment attachment, String description) {
        this.attachment = attachment;
        this.description = description;
    }

    public static KprobeLink attach(KernelProgram program) {
        return attach(program, null, 0);
    }

    public static KprobeLink attach(KernelProgram program, String function, long offset) {
        Links.requireKind(program, "a kprobe", AttachKind.KPROBE, AttachKind.KRETPROBE);
        boolean ret = program.spec().definition().kind() == AttachKind.KRETPROBE;
        String target = Links.target(program, function, "kernel function");
        if (!KernelFeatures.system().kprobes()) {
            throw new KernelException("kprobes are not supported by this kernel (no kprobe PMU in "
                    + PMU.getParent() + "); cannot attach `" + program.name() + "` to " + target, dev.wbpf.kernel.Errno.EOPNOTSUPP);
        }
        int type;
        try {
            type = Integer.parseInt(Files.readString(PMU.resolve("type")).strip());
        } catch (IOException e) {
            throw new KernelException("cannot read " + PMU.resolve("type") + ": " + e.getMessage());
        }
        String description = (ret ? "kretprobe " : "kprobe ") + target + (offset != 0 ? "+" + offset : "")
                + " <- " + program.name();
        Fd perf;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment name = arena.allocateFrom(target);
            perf = PerfEvent.open(type, ret ? 1 : 0, name.address(), offset);
        } catch (KernelException e) {
            throw new KernelException("cannot create " + description + ": " + e.getMessage(), e.operation(),
                    e.errnoNumber(), "", e);
        }
        return new KprobeLink(PerfEventAttachment.attach(program, perf), description);
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public void close() {
        attachment.close();
    }
}
