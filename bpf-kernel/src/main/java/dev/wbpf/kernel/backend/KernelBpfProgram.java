package dev.wbpf.kernel.backend;

import dev.wbpf.core.backend.BpfException;
import dev.wbpf.core.backend.BpfLink;
import dev.wbpf.core.backend.BpfProgram;
import dev.wbpf.core.object.ProgramSpec;
import dev.wbpf.core.prog.AttachKind;
import dev.wbpf.kernel.KernelException;
import dev.wbpf.kernel.link.CgroupLink;
import dev.wbpf.kernel.link.KernelLink;
import dev.wbpf.kernel.link.PerfEventLink;
import dev.wbpf.kernel.link.KernelLinks;
import dev.wbpf.kernel.link.KprobeLink;
import dev.wbpf.kernel.link.RawTracepointLink;
import dev.wbpf.kernel.link.SocketFilterLink;
import dev.wbpf.kernel.link.TracepointLink;
import dev.wbpf.kernel.link.UprobeLink;
import dev.wbpf.kernel.link.XdpLink;
import dev.wbpf.kernel.loader.KernelProgram;

/**
 * A {@link KernelProgram} behind the SPI. An empty target attaches where the section says
 * ({@link KernelLinks}); otherwise the target is read by attach kind: an interface name for XDP
 * and socket filters (the latter on a raw packet socket of that interface, owned by the link),
 * {@code category/name} for tracepoints, a name for raw tracepoints, {@code function[+offset]} for
 * kprobes, {@code PATH:SYMBOL[+OFFSET]} for uprobes, a cgroup v2 directory for cgroup programs, a
 * sampling frequency ({@code 99} or {@code freq=99}) for perf_event programs (by section: 49 Hz),
 * sampling every CPU.
 */
final class KernelBpfProgram implements BpfProgram {
    private final KernelBpfObject owner;
    private final KernelProgram program;

    KernelBpfProgram(KernelBpfObject owner, KernelProgram program) {
        this.owner = owner;
        this.program = program;
    }

    KernelProgram kernelProgram() {
        return program;
    }

    @Override
    public String name() {
        return program.name();
    }

    @Override
    public ProgramSpec spec() {
        return program.spec();
    }

    @Override
    public BpfLink attach(String target) {
        owner.ensureOpen();
        KernelLink link = target == null || target.isEmpty() ? KernelLinks.attach(program) : attachTo(target);
        owner.track(link);
        return new KernelBpfLink(owner, link);
    }

    private KernelLink attachTo(String target) {
        AttachKind kind = program.spec().definition().kind();
        return switch (kind) {
            case XDP -> XdpLink.attach(program, target);
            case SOCKET_FILTER -> SocketFilterLink.attachToInterface(program, target);
            case TRACEPOINT -> {
                int slash = target.indexOf('/');
                if (slash <= 0 || slash == target.length() - 1) {
                    throw new BpfException("tracepoint target `" + target + "` of program `" + name()
                            + "` is not of the form category/name", BpfException.EINVAL);
                }
                yield TracepointLink.attach(program, target.substring(0, slash), target.substring(slash + 1));
            }
            case RAW_TRACEPOINT -> RawTracepointLink.attach(program, target);
            case KPROBE, KRETPROBE -> {
                int plus = target.lastIndexOf('+');
                yield plus < 0 ? KprobeLink.attach(program, target, 0)
                        : KprobeLink.attach(program, target.substring(0, plus), parseOffset(target.substring(plus + 1)));
            }
            case UPROBE, URETPROBE -> UprobeLink.attach(program, target);
            case CGROUP, SOCKOPS -> CgroupLink.attach(program, java.nio.file.Path.of(target));
            case PERF_EVENT -> {
                String hz = target.startsWith("freq=") ? target.substring(5) : target;
                try {
                    yield PerfEventLink.attach(program, Integer.parseInt(hz));
                } catch (NumberFormatException e) {
                    throw new BpfException("perf_event target `" + target + "` of program `" + name()
                            + "` is not a sampling frequency (e.g. 99 or freq=99)", BpfException.EINVAL);
                }
            }
            case TP_BTF, FENTRY, FEXIT, FMOD_RET, LSM -> {
                if (!target.equals(program.spec().definition().target())) {
                    throw new BpfException("program `" + name() + "` (" + kind.displayName() + ") was bound to `"
                            + program.spec().definition().target() + "` when it was loaded; it cannot attach to `"
                            + target + "`", BpfException.EINVAL);
                }
                yield KernelLinks.attach(program);
            }
            default -> throw new KernelException("program `" + name() + "` (section " + program.spec().section()
                    + "): attaching " + kind.displayName() + " programs to an explicit target is not supported by"
                    + " wbpf's kernel backend yet", dev.wbpf.kernel.Errno.EOPNOTSUPP);
        };
    }

    static long parseOffset(String text) {
        try {
            return text.startsWith("0x") || text.startsWith("0X") ? Long.parseUnsignedLong(text.substring(2), 16)
                    : Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new BpfException("offset `" + text + "` is not a number", BpfException.EINVAL);
        }
    }

    @Override
    public String toString() {
        return "BpfProgram[" + program + "]";
    }
}
