package dev.wbpf.kernel.link;

import dev.wbpf.core.prog.AttachKind;
import dev.wbpf.kernel.KernelException;
import dev.wbpf.kernel.loader.KernelProgram;

/** Attaching by what the section name says, for programs whose section names their target. */
public final class KernelLinks {
    private KernelLinks() {}

    /**
     * Attaches {@code program} to the target its section names ({@code tp/cat/name},
     * {@code raw_tp/name}, {@code tp_btf/name}, {@code fentry/func}, {@code lsm/hook},
     * {@code kprobe/func}). Kinds that need a target only the caller knows (an interface, a
     * socket) say which class to use.
     */
    public static KernelLink attach(KernelProgram program) {
        AttachKind kind = program.spec().definition().kind();
        return switch (kind) {
            case TRACEPOINT -> TracepointLink.attach(program);
            case RAW_TRACEPOINT -> RawTracepointLink.attach(program);
            case TP_BTF, FENTRY, FEXIT, FMOD_RET, LSM -> TracingLink.attach(program);
            case KPROBE, KRETPROBE -> KprobeLink.attach(program);
            case UPROBE, URETPROBE -> UprobeLink.attach(program);
            case PERF_EVENT -> PerfEventLink.attach(program);
            case CGROUP, SOCKOPS -> throw new KernelException("program `" + program.name() + "` (section "
                    + program.spec().section() + ") is a cgroup program: attach it to a cgroup directory with"
                    + " CgroupLink.attach(program, path)", dev.wbpf.kernel.Errno.EINVAL);
            case XDP -> throw new KernelException("program `" + program.name()
                    + "` is an XDP program: attach it to an interface with XdpLink.attach(program, \"eth0\")");
            case SOCKET_FILTER -> throw new KernelException("program `" + program.name()
                    + "` is a socket filter: attach it to a socket with SocketFilterLink.attach(program, fd)");
            default -> throw new KernelException("program `" + program.name() + "` (section "
                    + program.spec().section() + "): attaching " + kind.displayName()
                    + " programs is not supported by wbpf's kernel backend yet", dev.wbpf.kernel.Errno.EOPNOTSUPP);
        };
    }
}
