package dev.wbpf.kernel.link;

import dev.wbpf.core.prog.AttachKind;
import dev.wbpf.kernel.KernelException;
import dev.wbpf.kernel.loader.KernelProgram;
import dev.wbpf.kernel.sys.Bpf;

/** A {@code raw_tp/} program on a raw tracepoint (BPF_RAW_TRACEPOINT_OPEN with the name). */
public final class RawTracepointLink extends FdLink {
    private RawTracepointLink(dev.wbpf.kernel.Fd fd, String description) {
        super(fd, description);
    }

    public static RawTracepointLink attach(KernelProgram program) {
        return attach(program, null);
    }

    public static RawTracepointLink attach(KernelProgram program, String tracepoint) {
        Links.requireKind(program, "a raw tracepoint", AttachKind.RAW_TRACEPOINT);
        String name = Links.target(program, tracepoint, "raw tracepoint");
        try {
            return new RawTracepointLink(Bpf.rawTracepointOpen(name, program.fd().raw()),
                    "raw tracepoint " + name + " <- " + program.name());
        } catch (KernelException e) {
            if (e.is(dev.wbpf.kernel.Errno.ENOENT)) {
                throw new KernelException("raw tracepoint `" + name + "` does not exist in this kernel", e.operation(),
                        e.errnoNumber(), "", e);
            }
            throw e;
        }
    }
}
