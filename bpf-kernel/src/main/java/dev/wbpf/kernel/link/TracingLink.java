package dev.wbpf.kernel.link;

import dev.wbpf.core.prog.AttachKind;
import dev.wbpf.kernel.Fd;
import dev.wbpf.kernel.loader.KernelProgram;
import dev.wbpf.kernel.sys.Bpf;

/**
 * Programs whose target was fixed at load time by attach_btf_id: {@code tp_btf/},
 * {@code fentry/}, {@code fexit/}, {@code fmod_ret/} and {@code lsm/}. Attaching is
 * BPF_RAW_TRACEPOINT_OPEN without a name. (Kernels that refuse trampolines or BPF LSM fail earlier,
 * at load, with EPERM; the loader's message says so.)
 */
public final class TracingLink extends FdLink {
    private TracingLink(Fd fd, String description) {
        super(fd, description);
    }

    public static TracingLink attach(KernelProgram program) {
        Links.requireKind(program, "a BTF tracing/LSM program", AttachKind.TP_BTF, AttachKind.FENTRY,
                AttachKind.FEXIT, AttachKind.FMOD_RET, AttachKind.LSM);
        AttachKind kind = program.spec().definition().kind();
        return new TracingLink(Bpf.rawTracepointOpen(null, program.fd().raw()),
                kind.displayName() + " " + program.spec().definition().target() + " <- " + program.name());
    }
}
